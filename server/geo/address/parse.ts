/**
 * Chinese standard addresses → GA/T 2000.32 levels, by a left-to-right scan over canonical
 * text (see normalize.ts). Each level is tried once, in order, with a sticky regex at the
 * current position, and every level may be missing — people leave out the province, the city,
 * the district and almost always the township and community.
 *
 * Names are not delimited in Chinese, so the name part of each pattern is lazy (the first
 * suffix wins: 福建省 then 福州市) and is barred from the characters that end the levels
 * around it, so that a missing level is not bridged (市府路 must not become a city 鼓楼区市).
 * Lookarounds keep suffix characters that are parts of names out: 社区/小区/园区 are not
 * districts, 红旗路 is not a banner, 曹杨新村 is not a village, 市场 is not a city.
 *
 * Below the road: the house number (88号, 88-1号, 88号之1, 100弄5号 → "100-5", a lane alone
 * 100弄 → "100弄" — the whole lane, not house 100 —, a bare number after the road); then
 * everything up to the first building/unit/room marker is the compound
 * (SOHO现代城, 光谷天地); then building (3栋/3幢/3座/3号楼/A座/3#), unit, floor and room.
 * The parser never throws: text it cannot place is left out.
 */
import { canonicalText } from './normalize.js';
import { ADDRESS_LEVELS, type AddressLevel, type ParsedAddress } from './types.js';

/** Non-ASCII name characters, minus the given level suffixes. */
const name = (barred: string) => `[^\\x00-\\x7f${barred}]`;

const PROVINCE_SHORT: Record<string, string> = {
  河北: '河北省', 山西: '山西省', 辽宁: '辽宁省', 吉林: '吉林省', 黑龙江: '黑龙江省', 江苏: '江苏省',
  浙江: '浙江省', 安徽: '安徽省', 福建: '福建省', 江西: '江西省', 山东: '山东省', 河南: '河南省',
  湖北: '湖北省', 湖南: '湖南省', 广东: '广东省', 海南: '海南省', 四川: '四川省', 贵州: '贵州省',
  云南: '云南省', 陕西: '陕西省', 甘肃: '甘肃省', 青海: '青海省', 台湾: '台湾省',
  内蒙古: '内蒙古自治区', 广西: '广西壮族自治区', 西藏: '西藏自治区', 宁夏: '宁夏回族自治区', 新疆: '新疆维吾尔自治区',
};
const CITY_NAME = `${name('省市区县镇乡路街号')}{2,10}?`;
const CITY_SUFFIX = '(?:市|自治州|盟|地区)';
/** What may follow a city: not 市场, 城市花园, 市府路 … */
const CITY_END = '(?![场路街道巷]|花园|广场|中心|小区|大厦|公寓|政府)';

const PROVINCE = new RegExp(`(${name('省市区县镇乡路街号')}{2,7}?)(省|自治区|特别行政区)(?![路街道巷])`, 'y');
/** A province written without 省 (湖北武汉市) counts only when a city follows. */
const PROVINCE_BARE = new RegExp(`(${Object.keys(PROVINCE_SHORT).join('|')})(?=${CITY_NAME}${CITY_SUFFIX}${CITY_END})`, 'y');
/** 北京/上海/天津/重庆 are province and city at once; without 市 only when a district follows (上海路 is a road). */
const MUNICIPALITY = new RegExp(`(北京|上海|天津|重庆)(?:市|(?=${name('省市县镇乡路街号')}{1,7}?[区县]))`, 'y');
const CITY = new RegExp(`(${CITY_NAME})${CITY_SUFFIX}${CITY_END}`, 'y');
const DISTRICT_SUFFIX = '(?<![社小校景片园厂营])区|县|旗';
const DISTRICT_END = '(?![路街道巷弄里村]|小区|花园|广场|大厦|公寓)';
const DISTRICT = new RegExp(`${name('省区县镇乡路街号')}{1,8}?(?:${DISTRICT_SUFFIX})${DISTRICT_END}`, 'y');
/** After a city, a county-level city (福州市福清市) is the district. */
const DISTRICT_AFTER_CITY = new RegExp(`${name('省区县镇乡路街号')}{1,8}?(?:${DISTRICT_SUFFIX}|(?<=${name('')}{2})市)${DISTRICT_END}`, 'y');
const TOWNSHIP = new RegExp(`(${name('省市区县号')}{1,8}?)(街道办事处|街道办|街道|镇|乡)(?![路街道巷弄里])`, 'y');
/**
 * 社区 / 居委会 → …社区; 村委会 / 村 → …村. A village (…村) only when more address follows,
 * and not when a road suffix does, maybe after a direction: 中关村大街 and 中关村东路 are roads.
 * …新村 is a compound (曹杨新村), except 新村 alone right after a 镇 or 乡: the village of that name.
 */
const COMMUNITY = new RegExp(
  `(${name('省市区县号镇乡')}{1,10}?)(?:(社区居民委员会|社区居委会|居民委员会|社区|居委会)|(村民委员会|村委会|(?<!(?:^|[^镇乡])新)村(?!村|$|[东西南北中]?(?:大街|大道|胡同|横街|支路|[路街道巷弄里]))))(?![路街道巷弄里])`,
  'y',
);
/** A road: an ideograph, then ideographs, digits or letters (中山东1路), then the suffix. 弄 after digits is a lane number. */
const ROAD = /([^\x00-\x7f号][^\x00-\x2f\x3a-\x40\x5b-\x7f号]{0,14}?)(?:大街|大道|胡同|横街|支路|路|街|道|巷|(?<!\d)弄|里)(?![路街道巷弄里])/y;
/** 村民小组 (3组) stand where a road would in a village address. */
const VILLAGE_GROUP = /\d+组/y;
/** A house number further on; the ideographs before it name a road with a suffix we do not know (衣锦坊12号). */
const HOUSE_AHEAD = /(?:\d+弄)?\d+(?:-\d+)?号(?!楼)/g;
const IDEOGRAPHS = /^[^\x00-\x7f]+$/;
const LANE_HOUSE = /(\d+)弄(\d+)号(?!楼)/y; // 100弄5号 → 100-5
const HOUSE = /(\d+(?:-\d+)?)号(?!楼)(?:之(\d+))?院?/y; // 88号, 88-1号, 88号之1, 88号院
const LANE = /(\d+)弄/y; // 100弄 → 100弄: the lane as a whole (its houses are 100-1, 100-2 …)
/**
 * Below a village: a natural village (自然村) and its 村民小组 (甸尾村委会下村3组45号): the group is
 * the address's unit below the village, as in 余村村3组12号; the natural village's name, which
 * the group makes redundant, is left out so that both forms meet in the index.
 */
const NATURAL_VILLAGE_GROUP = /[^\x00-\x7f号]{1,8}?(?=\d+组)/y;
/** A bare number after the road (中山路88), unless a building/unit/room/floor marker makes it one of those. */
const BARE_HOUSE = /(\d+(?:-\d+)?)(?![\d\-#A-Z]|号楼|栋|幢|座|单元|室|房|户|楼|层)/y;
/** Where the compound name ends: the first building, unit, floor or room, or a 3-2-501 triple. */
const TAIL_START = /第?(?:[A-Z]?\d+|[A-Z])(?:号楼|栋|幢|座|#|单元|室|房|户|楼|层)|\d+-\d+-\d+/g;
const DASHED_TAIL = /(\d+)-(\d+)-(\d+)(?:室|房|户)?/y; // building-unit-room
const BUILDING = /第?([A-Z]?\d+|[A-Z])(?:号楼|栋|幢|座|#楼?)/y;
const UNIT = /第?([A-Z]?\d+|[A-Z])单元/y;
const FLOOR = /(\d+)(?:楼|层)/y;
const ROOM = /(\d+(?:-\d+)?|[A-Z]\d+|\d+[A-Z])(?:室|房|户)/y;
const BARE_ROOM = /([A-Z]?\d+(?:-\d+)?[A-Z]?)$/y;
const ALL_DIGITS = /^\d+$/;

const MUNICIPALITIES = new Set(['北京市', '上海市', '天津市', '重庆市']);

/** A scan over one canonical text: `take` tries a sticky pattern at the cursor and moves past a match. */
class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  take(pattern: RegExp): RegExpExecArray | null {
    pattern.lastIndex = this.pos;
    const m = pattern.exec(this.text);
    if (m) this.pos += m[0].length;
    return m;
  }
}

function parseRegions(s: Scanner, out: ParsedAddress): void {
  let m = s.take(PROVINCE);
  if (m) out.province = m[0];
  else if ((m = s.take(PROVINCE_BARE))) out.province = PROVINCE_SHORT[m[1]];
  if ((m = s.take(MUNICIPALITY))) {
    out.province ??= `${m[1]}市`;
    out.city = `${m[1]}市`;
  } else if ((m = s.take(CITY))) {
    out.city = m[0];
    if (MUNICIPALITIES.has(m[0])) out.province ??= m[0];
  }
  if ((m = s.take(out.city ? DISTRICT_AFTER_CITY : DISTRICT))) out.district = m[0];
  if ((m = s.take(TOWNSHIP))) out.township = `${m[1]}${m[2].startsWith('街道') ? '街道' : m[2]}`;
  if ((m = s.take(COMMUNITY))) out.community = `${m[1]}${m[2] ? '社区' : '村'}`;
}

/**
 * Road segments in a row make one road (中山路三巷); a village group stands in for a road; else
 * a run of ideographs right before a house number is taken for a road. A village written again
 * after its committee (甸尾村委会甸尾村45号: the natural village of the same name) is skipped.
 */
function parseRoad(s: Scanner, out: ParsedAddress): void {
  const village = out.community;
  if (village?.endsWith('村') && s.text.startsWith(village, s.pos)) {
    const next = s.text.charAt(s.pos + village.length);
    if (next === '' || (next >= '0' && next <= '9')) s.pos += village.length;
  }
  let road = '';
  for (let m = s.take(ROAD); m; m = s.take(ROAD)) road += m[0];
  if (!road && village !== undefined && s.take(NATURAL_VILLAGE_GROUP)) road = s.take(VILLAGE_GROUP)?.[0] ?? '';
  if (!road) road = s.take(VILLAGE_GROUP)?.[0] ?? '';
  if (!road) {
    HOUSE_AHEAD.lastIndex = s.pos;
    const house = HOUSE_AHEAD.exec(s.text);
    if (house && IDEOGRAPHS.test(s.text.slice(s.pos, house.index))) {
      road = s.text.slice(s.pos, house.index);
      s.pos = house.index;
    }
  }
  if (road) out.road = road;
}

function parseNumber(s: Scanner, out: ParsedAddress): void {
  let m = s.take(LANE_HOUSE);
  if (m) out.number = `${m[1]}-${m[2]}`;
  else if ((m = s.take(HOUSE))) out.number = m[2] ? `${m[1]}-${m[2]}` : m[1];
  else if ((m = s.take(LANE))) out.number = `${m[1]}弄`;
  else if (out.road && (m = s.take(BARE_HOUSE))) out.number = m[1];
}

/** Everything before the first building/unit/floor/room marker, unless it is only a number (then it is the room). */
function parseCompound(s: Scanner, out: ParsedAddress): void {
  TAIL_START.lastIndex = s.pos;
  const end = TAIL_START.exec(s.text)?.index ?? s.text.length;
  const compound = s.text.slice(s.pos, end);
  if (compound && !ALL_DIGITS.test(compound)) {
    out.compound = compound;
    s.pos = end;
  }
}

function parseTail(s: Scanner, out: ParsedAddress): void {
  let m = s.take(DASHED_TAIL);
  if (m) {
    [out.building, out.unit, out.room] = [m[1], m[2], m[3]];
    return;
  }
  if ((m = s.take(BUILDING))) out.building = m[1];
  if ((m = s.take(UNIT))) out.unit = m[1];
  const floor = s.take(FLOOR)?.[1];
  if ((m = s.take(ROOM))) out.room = m[1];
  else if (s.pos > 0 && (m = s.take(BARE_ROOM))) out.room = m[1];
  else if (floor !== undefined) out.room = floor; // 5楼 with no room after it: the floor is all we know
}

/**
 * The levels of an address, in canonical form (see types.ts). Accepts raw text: it is
 * normalized and its number numerals converted first. Never throws; unknown text is skipped.
 */
export function parseAddress(text: string): ParsedAddress {
  const s = new Scanner(canonicalText(text));
  const out: ParsedAddress = {};
  parseRegions(s, out);
  parseRoad(s, out);
  parseNumber(s, out);
  parseCompound(s, out);
  parseTail(s, out);
  return out;
}

/** How each level is written back: the value plus its marker. */
const WRITTEN: Record<AddressLevel, (value: string) => string> = {
  province: (v) => v,
  city: (v) => v,
  district: (v) => v,
  township: (v) => v,
  community: (v) => v,
  road: (v) => v,
  number: (v) => (v.endsWith('弄') ? v : `${v}号`),
  compound: (v) => v,
  building: (v) => `${v}栋`,
  unit: (v) => `${v}单元`,
  room: (v) => `${v}室`,
};

/**
 * The canonical text of parsed levels (88 → 88号, building 3 → 3栋, unit 2 → 2单元, room 501 →
 * 501室); a municipality that is both province and city is written once.
 */
export function formatAddress(levels: ParsedAddress): string {
  let out = '';
  for (const level of ADDRESS_LEVELS) {
    const value = levels[level];
    if (value === undefined || (level === 'city' && value === levels.province)) continue;
    out += WRITTEN[level](value);
  }
  return out;
}
