/**
 * A barrier feature's properties → the division's barrier kind (major_road … wall), whichever
 * vocabulary the file speaks: gridgov's own kinds, the stored reference lines' kinds (road +
 * class, railway, …), Tilezen/Nextzen vector-tile kinds (`kind`: highway, canal, riverbank …),
 * OpenStreetMap tags as a GDAL (ogr2ogr) export of an .osm.pbf writes them (columns highway,
 * railway, waterway, natural, barrier, landuse …, or inside `other_tags`), and the words of
 * Chinese survey files (主干道, 河流, 围墙 …).
 *
 * Three answers, so that a real OSM-derived file divides as it is: a barrier kind; `skip` for
 * values that are known but divide nothing on the ground (a ferry route, a fountain, a road
 * under construction); `unknown` for a value nobody knows (a typo), which the caller refuses.
 * The rules are the one table below, read in order: `kind` first, then the OSM keys.
 */
import type { BarrierKind } from './divide/types.js';
import type { SkippedBarriers } from './divide/proposal-types.js';

/** What a value reads as: a barrier kind, or SKIP (known, not a barrier). */
const SKIP = 'skip' as const;
type Rule = BarrierKind | typeof SKIP;

interface KeyRules {
  /** The property (column) that carries the value. */
  key: string;
  values: Record<string, Rule>;
  /** A value of this key not in the table: refused (a closed vocabulary) or skipped (OSM keys whose other values are many and not barriers). */
  otherwise: 'refuse' | typeof SKIP;
}

const words = (rule: Rule, ...values: string[]): Record<string, Rule> => Object.fromEntries(values.map((v) => [v, rule]));

/** OSM highway values, shared by the `highway` tag and (partly) Tilezen's kind_detail. */
const HIGHWAY: Record<string, Rule> = {
  ...words('major_road', 'motorway', 'trunk', 'primary', 'secondary', 'motorway_link', 'trunk_link', 'primary_link', 'secondary_link'),
  ...words('minor_road', 'tertiary', 'tertiary_link', 'residential', 'unclassified', 'living_street', 'service', 'road', 'busway'),
  ...words('path', 'footway', 'path', 'pedestrian', 'cycleway', 'steps', 'track', 'bridleway', 'corridor'),
  ...words(SKIP, 'construction', 'proposed', 'abandoned', 'disused', 'platform', 'bus_stop', 'elevator', 'raceway', 'escape', 'bus_guideway', 'via_ferrata', 'rest_area', 'services', 'turning_circle', 'crossing', 'traffic_signals', 'street_lamp', 'emergency_bay'),
};

const RULES: KeyRules[] = [
  {
    key: 'kind',
    otherwise: 'refuse',
    values: {
      // gridgov's own kinds.
      ...words('major_road', 'major_road'),
      ...words('minor_road', 'minor_road'),
      ...words('path', 'path'),
      ...words('rail', 'rail'),
      ...words('river', 'river'),
      ...words('water', 'water'),
      ...words('ridge', 'ridge'),
      ...words('wall', 'wall'),
      // The stored reference lines' kinds (a road's class is read by kindOfStoredRoad below).
      ...words('rail', 'railway'),
      // Tilezen/Nextzen roads and water layers.
      ...words('major_road', 'highway'),
      ...words('river', 'canal', 'stream', 'drain', 'ditch'),
      ...words('water', 'riverbank', 'basin', 'reservoir', 'lake', 'dock', 'ocean', 'sea', 'bay', 'strait', 'fjord'),
      ...words(SKIP, 'ferry', 'aerialway', 'piste', 'racetrack', 'portage_way', 'construction', 'proposed', 'abandoned', 'disused', 'platform', 'pier', 'aeroway', 'runway', 'taxiway', 'swimming_pool', 'fountain', 'playa', 'dam', 'wetland'),
      // Chinese survey files: 城市道路 快速路/主干路/次干路/支路, and the everyday words for them.
      ...words('major_road', '主干道', '主干路', '次干道', '次干路', '快速路', '高速公路', '国道', '省道', '城市主干道', '城市次干道'),
      ...words('minor_road', '支路', '街巷', '巷道', '县道', '乡道', '村道'),
      ...words('path', '小路', '小道', '步道', '人行道', '绿道', '便道'),
      ...words('rail', '铁路', '地铁', '轻轨', '有轨电车', '高铁'),
      ...words('river', '河流', '河', '河道', '溪流', '运河', '沟渠', '水渠'),
      ...words('water', '水系', '水域', '水面', '湖泊', '湖', '水库', '池塘'),
      ...words('ridge', '山脊', '山脊线'),
      ...words('wall', '围墙', '城墙', '墙'),
      ...words(SKIP, '轮渡', '渡口', '航道', '索道', '在建道路', '规划道路', '游泳池', '喷泉'),
    },
  },
  { key: 'highway', otherwise: 'refuse', values: HIGHWAY },
  {
    key: 'railway',
    otherwise: 'refuse',
    values: {
      ...words('rail', 'rail', 'subway', 'light_rail', 'tram', 'narrow_gauge', 'monorail', 'funicular', 'preserved'),
      ...words(SKIP, 'construction', 'proposed', 'abandoned', 'disused', 'razed', 'platform', 'station', 'halt', 'miniature', 'turntable', 'level_crossing', 'crossing', 'buffer_stop', 'switch', 'signal'),
    },
  },
  {
    key: 'waterway',
    otherwise: 'refuse',
    values: {
      ...words('river', 'river', 'canal', 'stream', 'drain', 'ditch', 'tidal_channel', 'brook'),
      ...words('water', 'riverbank', 'dock'),
      ...words(SKIP, 'dam', 'weir', 'lock_gate', 'waterfall', 'boatyard', 'fuel', 'pressurised', 'canoe_pass', 'fish_pass', 'rapids', 'construction', 'proposed', 'abandoned', 'disused'),
    },
  },
  { key: 'natural', otherwise: SKIP, values: { ...words('water', 'water', 'bay', 'strait'), ...words('ridge', 'ridge', 'arete') } },
  { key: 'barrier', otherwise: SKIP, values: words('wall', 'wall', 'fence', 'city_wall', 'retaining_wall') },
  { key: 'landuse', otherwise: SKIP, values: words('water', 'reservoir', 'basin') },
  // Keys whose every value is known and divides nothing (a ferry route, a cable car, a pier, a pool).
  { key: 'route', otherwise: SKIP, values: {} },
  { key: 'aerialway', otherwise: SKIP, values: {} },
  { key: 'man_made', otherwise: SKIP, values: {} },
  { key: 'leisure', otherwise: SKIP, values: {} },
  { key: 'amenity', otherwise: SKIP, values: {} },
  { key: 'aeroway', otherwise: SKIP, values: {} },
];

/** The keys read, in order: what a refusal names as accepted besides `kind`. */
export const BARRIER_KEYS = RULES.map((r) => r.key);

export type BarrierReading =
  | { kind: BarrierKind; label: string }
  /** Known, divides nothing: `label` is what was read (e.g. `ferry`, `highway=construction`), to count skips by. */
  | { skip: true; label: string }
  /** Nothing known: `label` names the value (or `kind` when no key is there at all). */
  | { unknown: true; label: string; value: unknown };

/**
 * A road of the stored reference lines' vocabulary: kind=road with class (or roadClass)
 * major | minor | path (default major, as the stored lines' own rule).
 */
function kindOfStoredRoad(properties: Record<string, unknown>): BarrierKind | undefined {
  const roadClass = normalised(properties.class ?? properties.roadClass);
  if (roadClass === undefined || roadClass === 'major') return 'major_road';
  if (roadClass === 'minor') return 'minor_road';
  if (roadClass === 'path') return 'path';
  return undefined;
}

function normalised(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim().toLowerCase() : undefined;
}

/** `other_tags` as ogr2ogr writes OSM's remaining tags: `"railway"=>"rail","bridge"=>"yes"`. */
export function otherTags(value: unknown): Record<string, string> {
  const tags: Record<string, string> = {};
  if (typeof value !== 'string') return tags;
  for (const m of value.matchAll(/"((?:[^"\\]|\\.)*)"=>"((?:[^"\\]|\\.)*)"/g)) tags[m[1]] = m[2];
  return tags;
}

/** A feature's properties → its barrier kind, a skip, or an unknown value (see the module comment). */
export function readBarrierKind(properties: Record<string, unknown> | null | undefined): BarrierReading {
  const props: Record<string, unknown> = { ...otherTags(properties?.other_tags), ...(properties ?? {}) };
  for (const rule of RULES) {
    const value = normalised(props[rule.key]);
    if (value === undefined) continue;
    const label = rule.key === 'kind' ? value : `${rule.key}=${value}`;
    if (rule.key === 'kind' && value === 'road') {
      const kind = kindOfStoredRoad(props);
      return kind ? { kind, label } : { unknown: true, label: `road class=${String(props.class ?? props.roadClass)}`, value: props.class ?? props.roadClass };
    }
    const found = Object.hasOwn(rule.values, value) ? rule.values[value] : rule.otherwise === SKIP ? SKIP : undefined;
    if (found === undefined) return { unknown: true, label, value: props[rule.key] };
    return found === SKIP ? { skip: true, label } : { kind: found, label };
  }
  return { unknown: true, label: 'kind', value: properties?.kind };
}

/**
 * What a point feature is counted under when left out: a point (a fountain, a label, a bus stop)
 * bounds nothing, whatever it says. `water (Point)` when it names a barrier kind (Tilezen's label
 * points), so that no one reads it as water left out.
 */
export function pointSkipLabel(reading: BarrierReading): string {
  return 'skip' in reading ? reading.label : 'kind' in reading ? `${reading.label} (Point)` : 'Point';
}

/** A tally of the features left out, by what was read, and the function that adds one. */
export function skipTally(): { skipped: SkippedBarriers; skip: (label: string) => void } {
  const skipped: SkippedBarriers = { count: 0, byValue: {} };
  return {
    skipped,
    skip: (label) => {
      skipped.count += 1;
      skipped.byValue[label] = (skipped.byValue[label] ?? 0) + 1;
    },
  };
}
