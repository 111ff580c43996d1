/**
 * AddressIndex: an in-memory geocoder for standard addresses (标准地址), built for a registry
 * of a million entries answering tens of thousands of queries a second on one core.
 *
 * Storage. Every record is parsed once (parse.ts) and its levels are interned into one
 * dictionary of names; a record is then a row of 11 name ids in one Int32Array (0 = the level
 * is absent), plus its id, position and region in typed columns. Records live in slots that
 * removed records free for reuse.
 *
 * Places. A road place is one road in one district: (province, city, district, road name).
 * It holds its record slots, the running sum of their positions (for road-level answers) and
 * a map house number → slots. A compound place is the same for a compound name. A community
 * place is one village or community (村 / 社区 / 居委会) in one township and district: it holds
 * the records that have no road — rural addresses (余村村12号, 余村村3组12号) and urban ones
 * hung on a community alone (三坊七巷社区12号) — with their number map, like a road. Places are
 * filed under a key — roadKey (中山东一路, 中山东1路 and 中山东一街 share 中山东一), the compound
 * name without 小区, or the community name without 社区 / 村 (余村村 and 余村 share 余: the
 * village and its committee) — and the keys of each family are in an index of their
 * characters and character bigrams, for typo tolerance.
 *
 * Village groups. A 村民小组 (3组) is parsed into the road level. Inside a village it is no
 * road: such a record is filed under its village, and the group is a minor level below it
 * (weight GROUP_WEIGHT). A query's group that the record does not record counts as an
 * unrecorded level (×0.97, like a road the registry leaves out), so 余村村3组12号 finds
 * 余村村12号 when the registry has no groups; a record's group the query does not give counts
 * as an extra level (×0.97); another group is a mismatch, and the number then does not count
 * (numbers belong to their group as to their road). A group in an address without a village
 * is still taken for a road.
 *
 * Lanes. A lane (弄) is one street number under which houses stand: 长乐路100弄5号 is house 5 of
 * lane 100. A query for the lane alone (长乐路100弄) reaches every house in it: the lane as a
 * whole comes first (the mean position of its houses, unless the registry holds the lane itself),
 * then its houses (×0.97 each, as a record more precise than the query).
 *
 * Search. The query is parsed the same way and looked up by its road key (then by its compound
 * key, then — when it has no road, or its road gave nothing good — by its community key): in
 * each matching place the records at the query's number are compared with it level by level.
 * When no record answers exactly, the answer is the deepest level the registry does hold: a
 * record or the mean position of the records at that number, that building, that compound,
 * the road or the village group and the village (id null). Only when nothing good enough is
 * found are keys within one or two edits (Damerau–Levenshtein) tried; for communities, whose
 * names are short and dense, only when the exact name has no place or conflicts with the
 * query's region, so that an existing village is not traded for its neighbour a typo away.
 * When nothing at all is found, a natural village is tried the other way round (下村45号 as
 * the road of 甸尾村委会下村45号, and back).
 *
 * Scoring (assess). Each level the query gives has a weight; the score is the share of the
 * weight the candidate satisfies, times penalties: a conflicting region level (台江区 vs 鼓楼区,
 * or 孝丰镇 vs 梅溪镇 for two villages of one name) ×0.5, a road or community suffix alias (路
 * for 街, 村 for 社区) ×0.95, a typo ×0.85 per edit, each level the candidate has beyond the
 * query's ×0.97. Levels absent from a record are neutral: registries leave out the province,
 * and the query's compound may simply not be recorded. The anchor (the road; else the compound;
 * else the community) weighs most. Building, unit and room count only inside a matched number
 * or compound, and only in order (the right room in the wrong unit is no match).
 */
import { roadKey, roadSuffix } from './normalize.js';
import { formatAddress, parseAddress } from './parse.js';
import {
  ADDRESS_LEVELS,
  type AddressRecord,
  type GeocodeCandidate,
  type GeocodeOptions,
  type ParsedAddress,
} from './types.js';

const LEVELS = ADDRESS_LEVELS.length;
const [PROVINCE, CITY, DISTRICT, TOWNSHIP, COMMUNITY, ROAD, NUMBER, COMPOUND, BUILDING, UNIT, ROOM] = ADDRESS_LEVELS.map((_, i) => i);
/** The levels under a number or compound, which only count in this order. */
const CHAIN = [BUILDING, UNIT, ROOM];

/** In a query row: a value the registry has never seen, so it matches nothing. */
const UNKNOWN = -1;
/** In an answer row: a level the query asks for that the registry does not have here. */
const MISSING = -2;
/** nameMatch results besides a match's quality (> 0). */
const OTHER_NAME = 0;
const UNNAMED = -1;

const WEIGHT = [0.5, 0.5, 0.5, 0.5, 0.5, 4, 3, 1.5, 1.5, 1, 1];
/** Without a road the compound is what the query hangs on; without either, the community. */
const ANCHOR_COMPOUND_WEIGHT = 4;
const ANCHOR_COMMUNITY_WEIGHT = 4;
/** A village group (3组) below its village, in the road level. */
const GROUP_WEIGHT = 1;
const GROUP = /^\d+组$/;
const CONFLICT = 0.5;
const MISPLACED_REGION = 0.98; // 福清市 given as the city of a record that has it as the district
/** The name is right but written with another suffix: 街 for 路, 金域华府小区 for 金域华府. */
const SUFFIX_ALIAS = 0.95;
const UNRECORDED = 0.97; // the record leaves out the road, number or compound the query gives
const OTHER_COMPOUND = 0.8;
const EXTRA_LEVEL = 0.97;
const TYPO = 0.15; // per edit
/** Fuzzy keys are tried only when the best exact answer scores below what a one-edit answer could. */
const FUZZY_CEILING = 1 - TYPO;
/** The compound is looked up too unless the road already gave an answer this good. */
const COMPOUND_SKIP = 0.9;
const MIN_SCORE = 0.2;

interface Place {
  /** ROAD, COMPOUND or COMMUNITY. */
  level: number;
  /** A LEVELS-long row with the place's province, city, district (and township, for a community) and name. */
  levels: Int32Array;
  slots: number[];
  sumLon: number;
  sumLat: number;
  /** Roads and communities: number name id (0: records without a number) → the slot, or the slots, at that number. */
  numbers: Map<number, number | number[]> | null;
}

interface Query {
  parsed: ParsedAddress;
  /** Per level: 0 absent, UNKNOWN, or the name id. */
  ids: Int32Array;
  totalWeight: number;
  roadWeight: number;
  compoundWeight: number;
  communityWeight: number;
  /** The query's road is a real road, looked up as such (not a village group, see the header). */
  realRoad: boolean;
  /** The query's road level holds the group of its village. */
  group: boolean;
  /** The query's number is a lane as a whole (100弄): the lane's houses (100-5) answer it. */
  lane: boolean;
  /** The building/unit/room levels the query gives, in order, and each level's position in it (-1: not given). */
  chain: number[];
  chainPos: Int8Array;
  /** Key id → quality (1 exact, less for typos) of the road, compound and community keys being looked up. */
  roadKeys: Map<number, number>;
  compoundKeys: Map<number, number>;
  communityKeys: Map<number, number>;
  /** The key id of the query's community (UNKNOWN when the registry has none such, 0 without one). */
  communityKey: number;
  /** Suffix ids (see NameFamily) of the query's road, compound and community. */
  roadSuffix: number;
  compoundSuffix: number;
  communitySuffix: number;
  regionPrefix: string;
}

interface Aggregate {
  levels: Int32Array;
  lon: number;
  lat: number;
}

interface Hit {
  score: number;
  /** The record, or -1 for an aggregate answer. */
  slot: number;
  aggregate: Aggregate | null;
}

/** Which levels a candidate satisfies, as bit masks over level indices (filled by assess). */
interface Verdict {
  matched: number;
  unmatched: number;
}

class Interner {
  private readonly ids = new Map<string, number>();
  /** Id 0 stands for "absent". */
  readonly values: string[] = [''];

  intern(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(value, id);
      this.values.push(value);
    }
    return id;
  }

  find(value: string): number {
    return this.ids.get(value) ?? UNKNOWN;
  }
}

function grow<T extends Uint8Array | Int32Array | Float64Array>(a: T, size: number, make: (n: number) => T): T {
  if (size <= a.length) return a;
  const b = make(Math.max(size, a.length * 2));
  b.set(a);
  return b;
}

/** Three rows of the edit-distance table, reused (names are short; they grow if not). */
let distanceRows = [new Int32Array(32), new Int32Array(32), new Int32Array(32)];

/** Optimal-string-alignment distance (Damerau–Levenshtein with adjacent swaps), or max + 1 once it exceeds max. */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  if (distanceRows[0].length <= n) distanceRows = distanceRows.map(() => new Int32Array(2 * n + 2));
  let [prev2, prev, row] = distanceRows;
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    let best = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      row[j] = d;
      if (d < best) best = d;
    }
    if (best > max) return max + 1;
    [prev2, prev, row] = [prev, row, prev2];
  }
  return Math.min(prev[n], max + 1);
}

/** Edits tolerated in a name core: none for one character, two from five characters on. */
const maxEdits = (key: string) => (key.length < 2 ? 0 : key.length < 5 ? 1 : 2);

/**
 * The distinct grams of a key: its characters, and its bigrams padded so that the first and
 * last characters count too. Short keys are matched on characters (a swap in 黄礼 leaves no
 * bigram in common), longer ones on the more selective bigrams.
 */
function grams(key: string, kind: 'unigram' | 'bigram'): Set<string> {
  const out = new Set<string>();
  if (kind === 'unigram') {
    for (const c of key) out.add(c);
  } else {
    const padded = `\u0001${key}\u0002`;
    for (let i = 0; i + 1 < padded.length; i++) out.add(padded.slice(i, i + 2));
  }
  return out;
}

/** Keys of up to this length are looked up by characters, longer ones by bigrams. */
const SHORT_KEY = 3;

/**
 * The keys of one family of names (roads or compounds): interned, with the places filed
 * under each, and a bigram index to find the keys a typo away. A name is its key plus a
 * suffix the key leaves out (路, 大道, 小区 …); a different suffix is an alias.
 */
class NameFamily {
  readonly keys = new Interner();
  readonly suffixes = new Interner();
  readonly placesOfKey: number[][] = [[]];
  /** Name id → key id and suffix id, for the names of this family. */
  keyOfName = new Int32Array(1024);
  suffixOfName = new Int32Array(1024);
  private readonly postings = new Map<string, number[]>();
  private counts = new Int32Array(1024);

  constructor(
    readonly keyOf: (name: string) => string,
    readonly suffixOf: (name: string) => string,
  ) {}

  /** The key id of a name, registering the key (and its bigrams) the first time. */
  register(nameId: number, name: string): number {
    const key = this.keyOf(name);
    const before = this.keys.values.length;
    const keyId = this.keys.intern(key);
    if (keyId === before) {
      this.placesOfKey.push([]);
      for (const gram of [...grams(key, 'unigram'), ...grams(key, 'bigram')]) {
        const list = this.postings.get(gram);
        if (list) list.push(keyId);
        else this.postings.set(gram, [keyId]);
      }
    }
    this.keyOfName = grow(this.keyOfName, nameId + 1, (n) => new Int32Array(n));
    this.suffixOfName = grow(this.suffixOfName, nameId + 1, (n) => new Int32Array(n));
    this.keyOfName[nameId] = keyId;
    this.suffixOfName[nameId] = this.suffixes.intern(this.suffixOf(name));
    return keyId;
  }

  /**
   * Keys within the tolerated edits of `key` (itself excluded), with their quality. Candidates
   * must share enough grams (q-gram lemma): an edit removes at most one character, or at
   * most three bigrams (a swap).
   */
  similar(key: string): Array<[keyId: number, quality: number]> {
    const max = maxEdits(key);
    if (max === 0) return [];
    this.counts = grow(this.counts, this.keys.values.length, (n) => new Int32Array(n));
    const counts = this.counts;
    const touched: number[] = [];
    const short = key.length <= SHORT_KEY;
    const queryGrams = grams(key, short ? 'unigram' : 'bigram');
    for (const gram of queryGrams) {
      for (const id of this.postings.get(gram) ?? []) {
        if (counts[id]++ === 0) touched.push(id);
      }
    }
    const needed = Math.max(1, short ? queryGrams.size - max : key.length + 1 - 3 * max);
    const out: Array<[number, number]> = [];
    for (const id of touched) {
      if (counts[id] >= needed) {
        const other = this.keys.values[id];
        const d = other === key ? 0 : editDistance(key, other, max);
        if (d > 0 && d <= max) out.push([id, 1 - TYPO * d]);
      }
      counts[id] = 0;
    }
    return out;
  }
}

/** 金域华府小区 and 金域华府 are one compound; a bare 小区 stays what it is. */
const compoundSuffix = (name: string) => (name.length > 3 && name.endsWith('小区') ? '小区' : '');
const compoundKey = (name: string) => name.slice(0, name.length - compoundSuffix(name).length);

/** 三坊七巷社区 → 社区; 余村村 → 村 (the parser writes 居委会 and 村委会 as 社区 and 村). */
const communitySuffix = (name: string) => (name.length > 2 && name.endsWith('社区') ? '社区' : name.length > 1 && name.endsWith('村') ? '村' : '');
/**
 * The community name without its suffix; for a village without every trailing 村, as 余村村 is
 * the committee of the village 余村 and people write either: both give 余.
 */
function communityKey(name: string): string {
  const suffix = communitySuffix(name);
  if (suffix !== '村') return name.slice(0, name.length - suffix.length);
  let end = name.length - 1;
  while (end > 1 && name[end - 1] === '村') end--;
  return name.slice(0, end);
}

/** The best `limit` answers so far, best first; equal scores keep their arrival order. */
class TopHits {
  readonly hits: Hit[] = [];
  constructor(private readonly limit: number) {}

  get best(): number {
    return this.hits.length === 0 ? 0 : this.hits[0].score;
  }

  /** The score a newcomer must beat. */
  get floor(): number {
    return this.hits.length < this.limit ? MIN_SCORE : this.hits[this.hits.length - 1].score;
  }

  /** Adds an answer, or raises the score of the same answer offered before. */
  offer(score: number, slot: number, aggregate: Aggregate | null): void {
    if (score <= this.floor) return;
    const same = this.hits.findIndex((h) => sameAnswer(h, slot, aggregate));
    if (same >= 0) {
      if (this.hits[same].score >= score) return;
      this.hits.splice(same, 1);
    }
    let i = this.hits.length;
    while (i > 0 && this.hits[i - 1].score < score) i--;
    this.hits.splice(i, 0, { score, slot, aggregate });
    if (this.hits.length > this.limit) this.hits.pop();
  }
}

function sameAnswer(hit: Hit, slot: number, aggregate: Aggregate | null): boolean {
  if (aggregate && hit.aggregate) return hit.aggregate.levels.every((v, i) => v === aggregate.levels[i]);
  return slot >= 0 && hit.slot === slot;
}

const highestBit = (mask: number) => 31 - Math.clz32(mask);

export class AddressIndex {
  private readonly names = new Interner();
  private readonly regions = new Interner();
  private readonly roads = new NameFamily(roadKey, roadSuffix);
  private readonly compounds = new NameFamily(compoundKey, compoundSuffix);
  private readonly communities = new NameFamily(communityKey, communitySuffix);
  /** Name id → 1 for a village group name (3组). */
  private groupNames = new Uint8Array(1024);
  private readonly places: Place[] = [];
  private readonly placeIds = new Map<string, number>();
  /** A lane house's number name id (100-5) → its lane's (100弄). */
  private readonly laneOfNumber = new Map<number, number>();
  private readonly slotOfId = new Map<number, number>();
  private readonly freeSlots: number[] = [];
  private slotCount = 0;
  private levelIds = new Int32Array(0);
  private ids = new Float64Array(0);
  private lons = new Float64Array(0);
  private lats = new Float64Array(0);
  private regionIds = new Int32Array(0);
  /** Slot → its road, compound and community place, -1 for none. */
  private roadPlace = new Int32Array(0);
  private compoundPlace = new Int32Array(0);
  private communityPlace = new Int32Array(0);
  private readonly addresses: string[] = [];
  private readonly verdict: Verdict = { matched: 0, unmatched: 0 };
  /** A row to build aggregate answers in without allocating. */
  private readonly scratch = new Int32Array(LEVELS);

  /** Live records. */
  get size(): number {
    return this.slotOfId.size;
  }

  /** Adds records; a record whose id is already indexed replaces the old one. */
  upsert(records: AddressRecord[]): void {
    for (const record of records) {
      const old = this.slotOfId.get(record.id);
      if (old !== undefined) this.release(old);
      this.insert(record);
    }
  }

  remove(ids: number[]): void {
    for (const id of ids) {
      const slot = this.slotOfId.get(id);
      if (slot !== undefined) this.release(slot);
    }
  }

  /** Ranked candidates for an address as people write it, best first. */
  search(query: string, options: GeocodeOptions = {}): GeocodeCandidate[] {
    const limit = options.limit ?? 5;
    if (limit <= 0) return [];
    return this.searchParsed(parseAddress(query), options.regionPrefix ?? '', limit, true);
  }

  private searchParsed(parsed: ParsedAddress, regionPrefix: string, limit: number, retry: boolean): GeocodeCandidate[] {
    const q = this.prepare(parsed, regionPrefix);
    if (!q) return [];
    const top = new TopHits(limit);
    const { road, compound, community } = parsed;
    const roadKeyText = road === undefined || !q.realRoad ? '' : roadKey(road);
    const compoundKeyText = compound === undefined ? '' : compoundKey(compound);
    const compoundKeyId = this.compounds.keys.find(compoundKeyText);
    if (q.realRoad) this.lookUp(q, this.roads, q.roadKeys, [[this.roads.keys.find(roadKeyText), 1]], top);
    if (compound !== undefined && top.best < COMPOUND_SKIP) this.lookUp(q, this.compounds, q.compoundKeys, [[compoundKeyId, 1]], top);
    // The community anchors a query without a road, or one whose road gave nothing good.
    if (community !== undefined && top.best < COMPOUND_SKIP) this.lookUp(q, this.communities, q.communityKeys, [[q.communityKey, 1]], top);
    if (top.best < FUZZY_CEILING) {
      if (road !== undefined && q.realRoad) this.lookUp(q, this.roads, q.roadKeys, this.similarRoads(road, roadKeyText), top);
      // A compound the registry knows by this name is not also sought a typo away: that would
      // scan whole compounds, mostly for nothing.
      if (compound !== undefined && compoundKeyId === UNKNOWN) {
        this.lookUp(q, this.compounds, q.compoundKeys, this.compounds.similar(compoundKeyText), top);
      }
      // Nor is a village the registry has, unless the query's region rules it out (see the header).
      if (community !== undefined && (!this.hasPlaces(this.communities, q.communityKey) || top.best <= CONFLICT)) {
        this.similarCommunities(q, communityKey(community), top);
      }
    }
    if (top.hits.length === 0 && retry) {
      const other = otherVillageReading(parsed);
      if (other) return this.searchParsed(other, regionPrefix, limit, false);
    }
    // Keys found later (typos) may raise an earlier answer: score everything against them all.
    return top.hits.map((hit) => this.candidate(q, hit)).sort((a, b) => b.score - a.score);
  }

  /**
   * Visits the villages a typo away. Short names a typo apart are many (every county has a
   * 红星村 and a 红新村): those in the query's region are visited first, the others only when
   * they gave nothing better than a conflict would.
   */
  private similarCommunities(q: Query, key: string, top: TopHits): void {
    const keys = this.communities.similar(key);
    this.lookUp(q, this.communities, q.communityKeys, keys, top, true);
    if (top.best <= CONFLICT) this.lookUp(q, this.communities, q.communityKeys, keys, top, false);
  }

  /** Whether any live record is filed under the key. */
  private hasPlaces(family: NameFamily, keyId: number): boolean {
    return keyId > 0 && family.placesOfKey[keyId].some((placeId) => this.places[placeId].slots.length > 0);
  }

  // ── Records ────────────────────────────────────────────────────────────────────────────

  private insert(record: AddressRecord): void {
    const slot = this.freeSlots.pop() ?? this.newSlot();
    const parsed = parseAddress(record.address);
    const row = slot * LEVELS;
    for (let l = 0; l < LEVELS; l++) {
      const value = parsed[ADDRESS_LEVELS[l]];
      this.levelIds[row + l] = value === undefined ? 0 : this.names.intern(value);
    }
    const lane = parsed.number === undefined ? null : /^(\d+)-\d+$/.exec(parsed.number);
    if (lane) this.laneOfNumber.set(this.levelIds[row + NUMBER], this.names.intern(`${lane[1]}弄`));
    this.ids[slot] = record.id;
    this.lons[slot] = record.lon;
    this.lats[slot] = record.lat;
    this.regionIds[slot] = record.regionCode ? this.regions.intern(record.regionCode) : 0;
    this.addresses[slot] = record.address;
    this.slotOfId.set(record.id, slot);
    const road = this.levelIds[row + ROAD];
    if (parsed.road !== undefined && GROUP.test(parsed.road)) {
      this.groupNames = grow(this.groupNames, road + 1, (n) => new Uint8Array(n));
      this.groupNames[road] = 1;
    }
    // A record without a road (a village group is none) is filed under its community.
    this.roadPlace[slot] = this.isVillageGroup(this.levelIds, row) ? -1 : this.join(slot, ROAD, this.roads);
    this.compoundPlace[slot] = this.join(slot, COMPOUND, this.compounds);
    this.communityPlace[slot] = this.roadPlace[slot] >= 0 ? -1 : this.join(slot, COMMUNITY, this.communities);
    const community = this.levelIds[row + COMMUNITY];
    // The communities of road records are registered too, so that their typos and aliases score alike.
    if (community !== 0 && !(this.communities.keyOfName[community] > 0)) this.communities.register(community, parsed.community as string);
  }

  /** Whether the row's road level holds a village group inside its village (see the header). */
  private isVillageGroup(rows: Int32Array, off: number): boolean {
    const road = rows[off + ROAD];
    return road > 0 && this.groupNames[road] === 1 && rows[off + COMMUNITY] !== 0;
  }

  private newSlot(): number {
    const slot = this.slotCount++;
    const size = this.slotCount;
    this.levelIds = grow(this.levelIds, size * LEVELS, (n) => new Int32Array(n));
    this.ids = grow(this.ids, size, (n) => new Float64Array(n));
    this.lons = grow(this.lons, size, (n) => new Float64Array(n));
    this.lats = grow(this.lats, size, (n) => new Float64Array(n));
    this.regionIds = grow(this.regionIds, size, (n) => new Int32Array(n));
    this.roadPlace = grow(this.roadPlace, size, (n) => new Int32Array(n));
    this.compoundPlace = grow(this.compoundPlace, size, (n) => new Int32Array(n));
    this.communityPlace = grow(this.communityPlace, size, (n) => new Int32Array(n));
    return slot;
  }

  /**
   * Files the slot in the place of its road, compound or community name; the place id, or -1
   * without that name. Villages of one name are told apart by their township too.
   */
  private join(slot: number, level: number, family: NameFamily): number {
    const row = slot * LEVELS;
    const nameId = this.levelIds[row + level];
    if (nameId === 0) return -1;
    const [p, c, d] = [this.levelIds[row + PROVINCE], this.levelIds[row + CITY], this.levelIds[row + DISTRICT]];
    const t = level === COMMUNITY ? this.levelIds[row + TOWNSHIP] : 0;
    const key = `${level},${p},${c},${d},${t},${nameId}`;
    let placeId = this.placeIds.get(key);
    if (placeId === undefined) {
      placeId = this.places.length;
      const levels = new Int32Array(LEVELS);
      [levels[PROVINCE], levels[CITY], levels[DISTRICT], levels[TOWNSHIP], levels[level]] = [p, c, d, t, nameId];
      this.places.push({ level, levels, slots: [], sumLon: 0, sumLat: 0, numbers: level === COMPOUND ? null : new Map() });
      this.placeIds.set(key, placeId);
      family.placesOfKey[family.register(nameId, this.names.values[nameId])].push(placeId);
    }
    const place = this.places[placeId];
    place.slots.push(slot);
    place.sumLon += this.lons[slot];
    place.sumLat += this.lats[slot];
    if (place.numbers) {
      const number = this.levelIds[row + NUMBER];
      fileNumber(place.numbers, number, slot);
      // A house in a lane (100-5) is filed under its lane (100弄) too.
      const lane = this.laneOfNumber.get(number);
      if (lane !== undefined) fileNumber(place.numbers, lane, slot);
    }
    return placeId;
  }

  /** Takes a record out of every place it is filed in and frees its slot. */
  private release(slot: number): void {
    for (const placeId of [this.roadPlace[slot], this.compoundPlace[slot], this.communityPlace[slot]]) {
      if (placeId < 0) continue;
      const place = this.places[placeId];
      removeFrom(place.slots, slot);
      place.sumLon -= this.lons[slot];
      place.sumLat -= this.lats[slot];
      if (place.numbers) {
        const number = this.levelIds[slot * LEVELS + NUMBER];
        unfileNumber(place.numbers, number, slot);
        const lane = this.laneOfNumber.get(number);
        if (lane !== undefined) unfileNumber(place.numbers, lane, slot);
      }
    }
    this.slotOfId.delete(this.ids[slot]);
    this.addresses[slot] = '';
    this.freeSlots.push(slot);
  }

  // ── Search ─────────────────────────────────────────────────────────────────────────────

  /** The query as name ids, or null when it names no road, compound or community to look up. */
  private prepare(parsed: ParsedAddress, regionPrefix: string): Query | null {
    const group = parsed.road !== undefined && parsed.community !== undefined && GROUP.test(parsed.road);
    const lane = parsed.number !== undefined && parsed.number.endsWith('弄');
    const realRoad = parsed.road !== undefined && !group;
    if (!realRoad && parsed.compound === undefined && parsed.community === undefined) return null;
    const ids = new Int32Array(LEVELS);
    const roadWeight = group ? GROUP_WEIGHT : WEIGHT[ROAD];
    const compoundWeight = realRoad ? WEIGHT[COMPOUND] : ANCHOR_COMPOUND_WEIGHT;
    const communityWeight = realRoad || parsed.compound !== undefined ? WEIGHT[COMMUNITY] : ANCHOR_COMMUNITY_WEIGHT;
    let totalWeight = 0;
    for (let l = 0; l < LEVELS; l++) {
      const value = parsed[ADDRESS_LEVELS[l]];
      if (value === undefined) continue;
      ids[l] = this.names.find(value);
      totalWeight += l === ROAD ? roadWeight : l === COMPOUND ? compoundWeight : l === COMMUNITY ? communityWeight : WEIGHT[l];
    }
    const chain = CHAIN.filter((l) => ids[l] !== 0);
    const chainPos = new Int8Array(LEVELS).fill(-1);
    chain.forEach((l, i) => (chainPos[l] = i));
    const [roadKeys, compoundKeys, communityKeys] = [new Map<number, number>(), new Map<number, number>(), new Map<number, number>()];
    const roadSuffixId = realRoad ? this.roads.suffixes.find(roadSuffix(parsed.road as string)) : 0;
    const compoundSuffixId = parsed.compound === undefined ? 0 : this.compounds.suffixes.find(compoundSuffix(parsed.compound));
    const community = parsed.community;
    return {
      parsed,
      ids,
      totalWeight,
      roadWeight,
      compoundWeight,
      communityWeight,
      realRoad,
      group,
      lane,
      chain,
      chainPos,
      roadKeys,
      compoundKeys,
      communityKeys,
      communityKey: community === undefined ? 0 : this.communities.keys.find(communityKey(community)),
      roadSuffix: roadSuffixId,
      compoundSuffix: compoundSuffixId,
      communitySuffix: community === undefined ? 0 : this.communities.suffixes.find(communitySuffix(community)),
      regionPrefix,
    };
  }

  /**
   * Road keys a typo away. A road the parser found no suffix for (五四洛88号, read as a road
   * because a house number follows) may end in a mistyped suffix: its name less the last
   * character is tried as a key too, at the cost of one edit.
   */
  private similarRoads(road: string, key: string): Array<[number, number]> {
    const keys = this.roads.similar(key);
    if (roadSuffix(road) === '' && road.length >= 3) keys.push([this.roads.keys.find(roadKey(road.slice(0, -1))), 1 - TYPO]);
    return keys;
  }

  /**
   * Visits the places filed under the given keys (those not visited yet). `region` limits the
   * visit to the places whose region agrees with the query's (true) or to the others (false):
   * see similarCommunities.
   */
  private lookUp(
    q: Query,
    family: NameFamily,
    seen: Map<number, number>,
    keys: Array<[number, number]>,
    top: TopHits,
    region?: boolean,
  ): void {
    for (const [keyId, quality] of keys) {
      if (keyId <= 0 || (seen.has(keyId) && region !== false)) continue;
      seen.set(keyId, quality);
      for (const placeId of family.placesOfKey[keyId]) {
        const place = this.places[placeId];
        if (place.slots.length === 0) continue;
        const bound = this.bound(q, place, quality);
        if (bound <= top.floor || (region !== undefined && region !== (bound === quality))) continue;
        if (place.numbers) this.visitNumbers(q, place, place.numbers, top);
        else this.offerGroup(q, place.slots, place, top);
      }
    }
  }

  /**
   * The most any answer from this place can score: the key's quality and the conflicts of
   * the place's province, city, district and township with the query's (all other levels at
   * their best; only community places have a township).
   */
  private bound(q: Query, place: Place, quality: number): number {
    let bound = quality;
    for (let l = PROVINCE; l <= TOWNSHIP; l++) {
      const want = q.ids[l];
      const have = place.levels[l];
      if (want !== 0 && have !== 0 && have !== want && !(want > 0 && this.hasRegionName(place.levels, 0, want))) bound *= CONFLICT;
    }
    return bound;
  }

  /** The records at the query's number on this road or in this village, else the road or village itself. */
  private visitNumbers(q: Query, place: Place, numbers: Map<number, number | number[]>, top: TopHits): void {
    const number = q.ids[NUMBER];
    if (number !== 0) {
      const group = number > 0 ? numbers.get(number) : undefined;
      if (group !== undefined && q.lane) this.offerLane(q, group, place, top);
      if (group !== undefined && this.offerGroup(q, group, place, top) && this.inQueryGroup(q, place, group)) return;
    } else if (q.chain.length > 0 || q.ids[COMPOUND] !== 0) {
      const group = numbers.get(0); // 中山路金域华府3栋: records on the road without a number
      if (group !== undefined) this.offerGroup(q, group, place, top);
    }
    if (place.level === ROAD) this.offerRoad(q, place, top);
    else this.offerCommunity(q, place, top);
  }

  /**
   * Whether some record at the number could be the query's house: in a village, one in the
   * query's village group or in none; else the group or village is offered as well.
   */
  private inQueryGroup(q: Query, place: Place, group: number | number[]): boolean {
    if (place.level !== COMMUNITY || !q.group) return true;
    const count = typeof group === 'number' ? 1 : group.length;
    for (let i = 0; i < count; i++) {
      const slot = typeof group === 'number' ? group : group[i];
      const road = this.levelIds[slot * LEVELS + ROAD];
      if ((road === 0 || road === q.ids[ROAD]) && this.inRegion(q, slot)) return true;
    }
    return false;
  }

  /**
   * Offers the records of a group (those at one number, or in one compound) that answer the
   * query exactly; when none does, the deepest answer the group holds: its record there (the
   * one without further levels) or the mean position of its records there. False when no
   * record of the group is in the queried region.
   */
  private offerGroup(q: Query, group: number | number[], place: Place, top: TopHits): boolean {
    const count = typeof group === 'number' ? 1 : group.length;
    const shared = this.scratch;
    let mixed = 0; // bit mask of levels on which the group's records (at the deepest depth) differ
    let exact = 0;
    let depth = -1; // the deepest chain depth reached by a record that is not exact
    let n = 0; // records at that depth, their position sums, and one without further levels
    let sumLon = 0;
    let sumLat = 0;
    let bare = -1;
    for (let i = 0; i < count; i++) {
      const slot = typeof group === 'number' ? group : group[i];
      if (!this.inRegion(q, slot)) continue;
      const row = slot * LEVELS;
      const d = this.chainDepth(q, row);
      const extra = this.hasExtraChain(q, row, d);
      if (d === q.chain.length && !extra) {
        exact++;
        this.offerRecord(q, slot, top);
        continue;
      }
      if (d < depth) continue;
      if (d > depth) {
        depth = d;
        n = sumLon = sumLat = mixed = 0;
        bare = -1;
      }
      for (let l = TOWNSHIP; l <= COMPOUND; l++) {
        if (n === 0) shared[l] = this.levelIds[row + l];
        else if (shared[l] !== this.levelIds[row + l]) mixed |= 1 << l;
      }
      n++;
      sumLon += this.lons[slot];
      sumLat += this.lats[slot];
      if (!extra && bare < 0) bare = slot;
    }
    if (exact > 0 || n === 0) return exact > 0;
    if (bare >= 0) {
      this.offerRecord(q, bare, top);
      return true;
    }
    const levels = shared; // rewritten in place: each level is read before it is written
    for (let l = PROVINCE; l < TOWNSHIP; l++) levels[l] = place.levels[l];
    for (let l = TOWNSHIP; l <= COMPOUND; l++) {
      // A road or number that differs inside the group is not known for the whole group.
      if ((mixed & (1 << l)) !== 0) levels[l] = l === ROAD || l === NUMBER ? MISSING : 0;
    }
    for (const l of CHAIN) levels[l] = MISSING;
    for (let i = 0; i < depth; i++) levels[q.chain[i]] = q.ids[q.chain[i]];
    this.offerAggregate(q, levels, sumLon / n, sumLat / n, top);
    return true;
  }

  /**
   * A lane as a whole (the query names 100弄, not one of its houses): the mean position of its
   * houses in the queried region — unless the registry holds the lane itself as a record, which
   * then answers as any record does.
   */
  private offerLane(q: Query, group: number | number[], place: Place, top: TopHits): void {
    const slots = typeof group === 'number' ? [group] : group;
    let [lon, lat, n] = [0, 0, 0];
    for (const slot of slots) {
      if (!this.inRegion(q, slot)) continue;
      if (this.levelIds[slot * LEVELS + NUMBER] === q.ids[NUMBER]) return;
      lon += this.lons[slot];
      lat += this.lats[slot];
      n++;
    }
    if (n === 0) return;
    const levels = this.scratch;
    levels.fill(0);
    for (let l = PROVINCE; l <= ROAD; l++) levels[l] = place.levels[l];
    levels[NUMBER] = q.ids[NUMBER];
    for (const l of CHAIN) if (q.ids[l] !== 0) levels[l] = MISSING;
    this.offerAggregate(q, levels, lon / n, lat / n, top);
  }

  /** The road as a whole: its place's mean position (over the queried region's records). */
  private offerRoad(q: Query, place: Place, top: TopHits): void {
    let lon = place.sumLon;
    let lat = place.sumLat;
    let n = place.slots.length;
    if (q.regionPrefix) {
      lon = lat = n = 0;
      for (const slot of place.slots) {
        if (!this.inRegion(q, slot)) continue;
        lon += this.lons[slot];
        lat += this.lats[slot];
        n++;
      }
      if (n === 0) return;
    }
    const levels = this.scratch;
    levels.fill(0);
    for (let l = PROVINCE; l < NUMBER; l++) levels[l] = place.levels[l];
    if (q.ids[NUMBER] !== 0) levels[NUMBER] = MISSING;
    for (const l of CHAIN) levels[l] = MISSING;
    this.offerAggregate(q, levels, lon / n, lat / n, top);
  }

  /**
   * The village as a whole (its records' mean position), and first the query's village group
   * in it when the village has that group. The village's road level is MISSING when the query
   * asks for a group the village records others of, or for a road: that level is not matched.
   */
  private offerCommunity(q: Query, place: Place, top: TopHits): void {
    const wanted = q.group ? q.ids[ROAD] : 0;
    let [lon, lat, n] = [place.sumLon, place.sumLat, place.slots.length];
    let [groupLon, groupLat, groupN] = [0, 0, 0];
    let grouped = false;
    if (q.regionPrefix || q.group) {
      lon = lat = n = 0;
      for (const slot of place.slots) {
        if (!this.inRegion(q, slot)) continue;
        lon += this.lons[slot];
        lat += this.lats[slot];
        n++;
        const road = this.levelIds[slot * LEVELS + ROAD];
        if (road !== 0) grouped = true;
        if (road === wanted && wanted !== 0) {
          groupLon += this.lons[slot];
          groupLat += this.lats[slot];
          groupN++;
        }
      }
      if (n === 0) return;
    }
    const levels = this.scratch;
    levels.fill(0);
    for (let l = PROVINCE; l <= COMMUNITY; l++) levels[l] = place.levels[l];
    if (q.ids[NUMBER] !== 0) levels[NUMBER] = MISSING;
    for (const l of CHAIN) levels[l] = MISSING;
    if (groupN > 0) {
      levels[ROAD] = wanted;
      this.offerAggregate(q, levels, groupLon / groupN, groupLat / groupN, top);
    }
    levels[ROAD] = (q.group ? grouped : q.ids[ROAD] !== 0) ? MISSING : 0;
    this.offerAggregate(q, levels, lon / n, lat / n, top);
  }

  private offerRecord(q: Query, slot: number, top: TopHits): void {
    top.offer(this.assess(q, this.levelIds, slot * LEVELS), slot, null);
  }

  /** Offers an aggregate answer; `levels` may be scratch space, copied only if the answer is kept. */
  private offerAggregate(q: Query, levels: Int32Array, lon: number, lat: number, top: TopHits): void {
    const score = this.assess(q, levels, 0);
    if (score > top.floor) top.offer(score, -1, { levels: levels.slice(), lon, lat });
  }

  private inRegion(q: Query, slot: number): boolean {
    return q.regionPrefix === '' || (this.regionIds[slot] !== 0 && this.regions.values[this.regionIds[slot]].startsWith(q.regionPrefix));
  }

  /** How many of the query's building/unit/room levels, in order, the row matches. */
  private chainDepth(q: Query, row: number): number {
    let d = 0;
    while (d < q.chain.length && this.levelIds[row + q.chain[d]] === q.ids[q.chain[d]]) d++;
    return d;
  }

  /** Whether the row has a building/unit/room level besides the first `depth` of the query's. */
  private hasExtraChain(q: Query, row: number, depth: number): boolean {
    for (const l of CHAIN) {
      if (this.levelIds[row + l] !== 0 && !(q.chainPos[l] >= 0 && q.chainPos[l] < depth)) return true;
    }
    return false;
  }

  /**
   * The score (0–1) of a candidate row (a record's, or an aggregate's) against the query; see
   * the header. Leaves the matched and unmatched levels in this.verdict. 0 when the candidate
   * matches neither the query's road nor its compound.
   */
  private assess(q: Query, rows: Int32Array, off: number): number {
    const ids = q.ids;
    let satisfied = 0; // weight of the query's levels the row satisfies (absent region levels are neutral)
    let factor = 1;
    let matched = 0;
    let unmatched = 0;
    for (let l = PROVINCE; l <= COMMUNITY; l++) {
      const want = ids[l];
      if (want === 0) continue;
      const have = rows[off + l];
      let quality = 0;
      if (have === want) {
        matched |= 1 << l;
      } else if (l === COMMUNITY && have > 0 && (quality = this.communityMatch(q, have)) > 0) {
        matched |= 1 << l; // a typo or another suffix (村 for 社区)
        factor *= quality;
      } else if (have !== 0 && want > 0 && this.hasRegionName(rows, off, want)) {
        matched |= 1 << l;
        factor *= MISPLACED_REGION;
      } else if (have !== 0) {
        unmatched |= 1 << l;
        factor *= CONFLICT;
      }
      if ((unmatched & (1 << l)) === 0) satisfied += l === COMMUNITY ? q.communityWeight : WEIGHT[l];
    }
    const rowRoad = rows[off + ROAD];
    const rowGroup = this.isVillageGroup(rows, off);
    // The community anchors a row that has no road of its own: one filed under its village.
    const communityOk = ids[COMMUNITY] !== 0 && (matched & (1 << COMMUNITY)) !== 0 && (rowRoad <= 0 || rowGroup);
    let roadOk = false;
    let streetOk = true; // whether the house number can count: its road or village group is not another
    if (q.group) {
      if (rowRoad === ids[ROAD]) {
        roadOk = true;
        matched |= 1 << ROAD;
        satisfied += q.roadWeight;
      } else if (rowRoad === 0 || (rowRoad > 0 && !rowGroup)) {
        satisfied += q.roadWeight; // the registry does not record groups here
        factor *= UNRECORDED;
      } else {
        unmatched |= 1 << ROAD;
        streetOk = false;
      }
    } else if (ids[ROAD] !== 0) {
      const road = rowGroup ? UNNAMED : this.nameMatch(q.roadKeys, this.roads, q.roadSuffix, rowRoad);
      roadOk = road > 0;
      if (road === OTHER_NAME) unmatched |= 1 << ROAD;
      else satisfied += q.roadWeight;
      if (roadOk) matched |= 1 << ROAD;
      factor *= road === UNNAMED ? UNRECORDED : road === OTHER_NAME ? 1 : road;
      streetOk = roadOk || (road === UNNAMED && communityOk);
    }
    let numberOk = false;
    if (ids[NUMBER] !== 0) {
      const have = rows[off + NUMBER];
      // A house of the lane the query names is in it: more precise than asked (×EXTRA_LEVEL).
      const inLane = q.lane && have > 0 && this.laneOfNumber.get(have) === ids[NUMBER];
      if ((have === ids[NUMBER] || inLane) && streetOk) {
        numberOk = true;
        matched |= 1 << NUMBER;
        satisfied += WEIGHT[NUMBER];
        if (inLane) factor *= EXTRA_LEVEL;
      } else if (have === 0) {
        satisfied += WEIGHT[NUMBER];
        factor *= UNRECORDED;
      } else unmatched |= 1 << NUMBER;
    }
    let compoundOk = false;
    if (ids[COMPOUND] !== 0) {
      const compound = this.nameMatch(q.compoundKeys, this.compounds, q.compoundSuffix, rows[off + COMPOUND]);
      compoundOk = compound > 0;
      if (compound === OTHER_NAME) unmatched |= 1 << COMPOUND;
      else satisfied += q.compoundWeight;
      if (compoundOk) matched |= 1 << COMPOUND;
      factor *= compound === UNNAMED ? UNRECORDED : compound === OTHER_NAME ? OTHER_COMPOUND : compound;
    }
    // Building, unit and room count inside a matched house number or compound, in order.
    const anchored = (roadOk && !q.group) || (communityOk && streetOk);
    let inside = (ids[NUMBER] !== 0 ? numberOk : anchored) || compoundOk;
    for (const l of CHAIN) {
      if (ids[l] === 0) continue;
      inside &&= rows[off + l] === ids[l];
      if (inside) {
        matched |= 1 << l;
        satisfied += WEIGHT[l];
      } else unmatched |= 1 << l;
    }
    for (let l = NUMBER; l < LEVELS; l++) {
      if (rows[off + l] > 0 && (matched & (1 << l)) === 0) factor *= EXTRA_LEVEL;
    }
    if (rowGroup && ids[ROAD] === 0) factor *= EXTRA_LEVEL; // a village group the query does not give
    this.verdict.matched = matched;
    this.verdict.unmatched = unmatched;
    // A village group alone anchors nothing: 3组 is in every village.
    return (roadOk && !q.group) || compoundOk || communityOk ? (satisfied / q.totalWeight) * factor : 0;
  }

  /**
   * How a row's community (name id `have`, not the query's) answers the query's: the quality
   * of the match when it has the query's key (another suffix: ×SUFFIX_ALIAS) or one a typo
   * away being looked up, else 0.
   */
  private communityMatch(q: Query, have: number): number {
    const keyId = this.communities.keyOfName[have];
    if (!(keyId > 0)) return 0;
    const quality = keyId === q.communityKey ? 1 : q.communityKeys.get(keyId);
    if (quality === undefined) return 0;
    return quality * (this.communities.suffixOfName[have] === q.communitySuffix ? 1 : SUFFIX_ALIAS);
  }

  /**
   * How a row's road or compound name (name id `have`) answers the query's: the quality of
   * the match (1 exact; less for a typo, less again for another suffix) when its key is one
   * being looked up, else OTHER_NAME, or UNNAMED when the row has no such name (neutral).
   */
  private nameMatch(keys: Map<number, number>, family: NameFamily, suffix: number, have: number): number {
    if (have === 0) return UNNAMED;
    const quality = have > 0 ? keys.get(family.keyOfName[have]) : undefined;
    if (quality === undefined) return OTHER_NAME;
    return quality * (family.suffixOfName[have] === suffix ? 1 : SUFFIX_ALIAS);
  }

  /** Whether the row names this region at any region level (a county-level city given as the city, …). */
  private hasRegionName(rows: Int32Array, off: number, nameId: number): boolean {
    for (let l = PROVINCE; l <= COMMUNITY; l++) if (rows[off + l] === nameId) return true;
    return false;
  }

  private candidate(q: Query, hit: Hit): GeocodeCandidate {
    const aggregate = hit.aggregate;
    const [rows, off] = aggregate ? [aggregate.levels, 0] : [this.levelIds, hit.slot * LEVELS];
    const score = this.assess(q, rows, off);
    const { matched, unmatched } = this.verdict;
    const levels: ParsedAddress = {};
    for (let l = 0; l < LEVELS; l++) if (rows[off + l] > 0) levels[ADDRESS_LEVELS[l]] = this.names.values[rows[off + l]];
    return {
      id: aggregate ? null : this.ids[hit.slot],
      address: aggregate ? formatAddress(levels) : this.addresses[hit.slot],
      score,
      lon: aggregate ? aggregate.lon : this.lons[hit.slot],
      lat: aggregate ? aggregate.lat : this.lats[hit.slot],
      matchedLevel: ADDRESS_LEVELS[highestBit(matched)],
      unmatched: ADDRESS_LEVELS.filter((_, l) => (unmatched & (1 << l)) !== 0),
      levels,
    };
  }
}

/**
 * The other reading of a natural village, tried when the first finds nothing: 下村45号 parses
 * as the village 下村, but the registry may hold it as the road of 甸尾村委会下村45号; and
 * 甸尾村委会下村45号 parses with the road 下村, which the registry may hold as the village of
 * 下村45号 (新村12号, without its township, is such a road too). A village named alone
 * (天荒坪镇余村村) parses as a compound: it is tried as the village. Null when the query has
 * no such village.
 */
function otherVillageReading(parsed: ParsedAddress): ParsedAddress | null {
  const { road, community, compound } = parsed;
  if (road === undefined && community === undefined && compound !== undefined && compound.length >= 2 && compound.endsWith('村')) {
    const other = { ...parsed, community: compound };
    delete other.compound;
    return other;
  }
  if (road === undefined && community !== undefined && communitySuffix(community) === '村') {
    const other = { ...parsed, road: community };
    delete other.community;
    return other;
  }
  if (road !== undefined && road.length >= 2 && road.endsWith('村') && roadSuffix(road) === '') {
    const other = { ...parsed, community: road };
    delete other.road;
    return other;
  }
  return null;
}

/** Files a slot in a number map under `number`. */
function fileNumber(numbers: Map<number, number | number[]>, number: number, slot: number): void {
  const at = numbers.get(number);
  if (at === undefined) numbers.set(number, slot);
  else if (typeof at === 'number') numbers.set(number, [at, slot]);
  else at.push(slot);
}

/** Takes a slot out of a number map's entry for `number`. */
function unfileNumber(numbers: Map<number, number | number[]>, number: number, slot: number): void {
  const at = numbers.get(number);
  if (typeof at === 'number') {
    if (at === slot) numbers.delete(number);
  } else if (at) {
    removeFrom(at, slot);
    if (at.length === 1) numbers.set(number, at[0]);
  }
}

/** Removes one occurrence of a value from an unordered list (swap with the last). */
function removeFrom(list: number[], value: number): void {
  const i = list.indexOf(value);
  if (i < 0) return;
  list[i] = list[list.length - 1];
  list.pop();
}
