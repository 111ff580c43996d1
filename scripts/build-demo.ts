/**
 * Builds the demo area in data/demo/ from the OpenStreetMap extract in data/demo/osm/ (Wuhan,
 * 光谷广场 — see data/README.md for what is real and what is derived):
 *
 *   regions.geojson    洪山区 (420111) → 关山街道 (420111002) and 关东街道 (420111080) → five
 *                      communities, cut from the extract along the roads that meet at 光谷转盘;
 *   buildings.geojson  the real footprints, households by the footprint rule (server/geo/households.ts),
 *                      each with the community it stands in;
 *   lines.geojson      the real roads, railways and water, cut per community;
 *   grids.geojson      gridgov's own auto-division of each community (runDivision, 300–500
 *                      households), special grids where the data has a campus or a park;
 *   addresses.csv      standard addresses (标准地址) of every home: road, number, building, unit, room;
 *   devices.json       cameras (GB/T 28181 ids) along the real roads and sensors in buildings.
 *
 * Run: npm run build:demo   (deterministic: the same input gives byte-identical files)
 *
 * It checks its own output and stops, writing nothing, when a check fails; it prints the share
 * of basic grids within 300–500 households as the divider made it (no grid is tuned by hand).
 */
import { translate } from '../server/i18n/catalogue.js';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as turf from '@turf/turf';
import type { Feature, FeatureCollection, LineString, MultiLineString, MultiPolygon, Polygon, Position } from 'geojson';
import { householdsByFootprint } from '../server/geo/households.js';
import { parseDivisionInput } from '../server/geo/divide/input.js';
import { runDivision } from '../server/geo/divide/run.js';
import { readingOrder } from '../server/geo/order.js';
import { roadArm, sector, type Frame, type RoadArm } from './demo/sectors.js';
import { demoAddresses } from './demo/addresses.js';
import { demoDevices } from './demo/devices.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OSM = path.join(ROOT, 'data', 'demo', 'osm');
const OUT = path.join(ROOT, 'data', 'demo');

const MIN_HOUSEHOLDS = 300;
const MAX_HOUSEHOLDS = 500;
/** Persons per household: China's 2020 census mean (2.62). */
const PERSONS_PER_HOUSEHOLD = 2.62;

type Polygonal = Polygon | MultiPolygon;
const read = (file: string) => JSON.parse(fs.readFileSync(path.join(OSM, file), 'utf8')) as FeatureCollection;
const round7 = (v: number) => Math.round(v * 1e7) / 1e7;
const roundPosition = (p: Position): Position => [round7(p[0]), round7(p[1])];

class BuildError extends Error {}
function check(ok: unknown, message: string): asserts ok {
  if (!ok) throw new BuildError(message);
}

// ---------------------------------------------------------------------------------------------
// The region tree
// ---------------------------------------------------------------------------------------------

/** GB/T 2260 county and the 2023 统计用区划代码 of its streets (real); the communities are illustrative. */
const COUNTY = { code: '420111000000', name: '洪山区' };
const STREETS = { guanshan: { code: '420111002000', name: '关山街道' }, guandong: { code: '420111080000', name: '关东街道' } };

/** The roads that meet at 光谷转盘 and bound the communities, with their direction from it. */
const ARMS = [
  { name: '珞喻路', direction: 8, key: 'luoyuEast' },
  { name: '鲁磨路', direction: 81, key: 'lumo' },
  { name: '珞喻路', direction: 150, key: 'luoyuWest' },
  { name: '民族大道', direction: 266, key: 'minzu' },
] as const;
type ArmKey = (typeof ARMS)[number]['key'];

/** Communities: the sector between two arms (counter-clockwise), their street, a demo code (1xx) and name. */
const COMMUNITIES: { from: ArmKey; to: ArmKey; street: keyof typeof STREETS; code: string; name: string }[] = [
  { from: 'luoyuEast', to: 'lumo', street: 'guanshan', code: '420111002101', name: '鲁磨路东示范社区' },
  { from: 'lumo', to: 'luoyuWest', street: 'guanshan', code: '420111002102', name: '鲁磨路西示范社区' },
  { from: 'luoyuWest', to: 'minzu', street: 'guandong', code: '420111080101', name: '民族大道西示范社区' },
  { from: 'minzu', to: 'luoyuEast', street: 'guandong', code: '420111080102', name: '民族大道东示范社区' },
];

interface Region {
  code: string;
  name: string;
  level: 'county' | 'township' | 'village';
  parentCode: string | null;
  ring: Position[];
}

function lineParts(f: Feature): Position[][] {
  const g = f.geometry as LineString | MultiLineString;
  return g.type === 'LineString' ? [g.coordinates] : g.type === 'MultiLineString' ? g.coordinates : [];
}

function buildRegions(roads: FeatureCollection, buildings: FeatureCollection): { regions: Region[]; frame: Frame } {
  // The area: the extent of the extract's roads and buildings (the tiles it was cut from).
  const [w, s, e, n] = turf.bbox(turf.featureCollection([...roads.features, ...buildings.features]));
  const bbox: Frame['bbox'] = [Math.floor(w * 1e4) / 1e4, Math.floor(s * 1e4) / 1e4, Math.ceil(e * 1e4) / 1e4, Math.ceil(n * 1e4) / 1e4];
  const roundabout = roads.features.find((f) => f.properties?.name === '光谷转盘');
  check(roundabout, 'the extract has no 光谷转盘');
  const frame: Frame = { hub: turf.centroid(roundabout).geometry.coordinates.map(round7), bbox };
  const arms = new Map<ArmKey, RoadArm>();
  for (const arm of ARMS) {
    const lines = roads.features.filter((f) => f.properties?.name === arm.name && f.properties?.kind === 'major_road').flatMap(lineParts);
    arms.set(arm.key, roadArm(frame, arm.name, lines, arm.direction));
  }
  const ring = (from: ArmKey, to: ArmKey) => closeRing(sector(frame, arms.get(from)!, arms.get(to)!).map(roundPosition));
  const rect: Position[] = [[bbox[0], bbox[1]], [bbox[2], bbox[1]], [bbox[2], bbox[3]], [bbox[0], bbox[3]], [bbox[0], bbox[1]]];
  const regions: Region[] = [
    { ...COUNTY, level: 'county', parentCode: null, ring: rect },
    { ...STREETS.guanshan, level: 'township', parentCode: COUNTY.code, ring: ring('luoyuEast', 'luoyuWest') },
    { ...STREETS.guandong, level: 'township', parentCode: COUNTY.code, ring: ring('luoyuWest', 'luoyuEast') },
    ...COMMUNITIES.map((c) => ({ code: c.code, name: c.name, level: 'village' as const, parentCode: STREETS[c.street].code, ring: ring(c.from, c.to) })),
  ];
  return { regions, frame };
}

function closeRing(ring: Position[]): Position[] {
  const out = ring.filter((p, i) => i === 0 || p[0] !== ring[i - 1][0] || p[1] !== ring[i - 1][1]);
  const [first, last] = [out[0], out[out.length - 1]];
  if (first[0] !== last[0] || first[1] !== last[1]) out.push([...first]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Buildings, lines, specials
// ---------------------------------------------------------------------------------------------

interface Building {
  feature: Feature<Polygon>;
  households: number;
  regionCode: string;
  osmId: number;
  name: string | null;
}

function buildBuildings(source: FeatureCollection, villages: Region[]): Building[] {
  return source.features.map((f) => {
    const polygon = f as Feature<Polygon>;
    const properties = (f.properties ?? {}) as Record<string, unknown>;
    const households = householdsByFootprint(properties, turf.area(polygon));
    check(households === properties.households, `building ${properties.id}: the footprint rule gives ${households}, the extract says ${properties.households}`);
    const at = turf.pointOnFeature(polygon);
    const village = villages.find((v) => turf.booleanPointInPolygon(at, turf.polygon([v.ring])));
    check(village, `building ${properties.id} lies in no community`);
    return { feature: polygon, households, regionCode: village.code, osmId: Number(properties.id), name: typeof properties.name === 'string' ? properties.name : null };
  });
}

/** A stored line: what PUT /api/regions/:code/lines takes. */
interface Line {
  kind: 'road' | 'railway' | 'water';
  class?: 'major' | 'minor' | 'path';
  name?: string;
  geometry: LineString | Polygon;
}

function storedLines(roads: FeatureCollection, water: FeatureCollection): Line[] {
  const lines: Line[] = [];
  for (const f of roads.features) {
    const kind = f.properties?.kind;
    const name = typeof f.properties?.name === 'string' ? f.properties.name : undefined;
    for (const coordinates of lineParts(f)) {
      const geometry: LineString = { type: 'LineString', coordinates: coordinates.map(roundPosition) };
      if (kind === 'rail') lines.push({ kind: 'railway', name, geometry });
      else if (kind === 'major_road' || kind === 'minor_road' || kind === 'path') {
        lines.push({ kind: 'road', class: kind === 'major_road' ? 'major' : kind === 'minor_road' ? 'minor' : 'path', name, geometry });
      }
    }
  }
  for (const f of water.features) {
    if (f.geometry.type === 'Polygon') lines.push({ kind: 'water', name: f.properties?.name, geometry: { type: 'Polygon', coordinates: f.geometry.coordinates.map((r) => r.map(roundPosition)) } });
  }
  return lines;
}

/** The pieces of a line inside a village: split at its boundary, kept where their middle is inside. */
function piecesIn(line: LineString, village: Feature<Polygon>): Position[][] {
  const boundary = turf.polygonToLine(village) as Feature<LineString>;
  const split = turf.lineSplit(turf.lineString(line.coordinates), boundary).features;
  const pieces = split.length > 0 ? split : [turf.lineString(line.coordinates)];
  return pieces
    .filter((piece) => turf.length(piece, { units: 'meters' }) > 2)
    .filter((piece) => turf.booleanPointInPolygon(turf.along(piece, turf.length(piece) / 2), village))
    .map((piece) => piece.geometry.coordinates.map(roundPosition));
}

function linesByVillage(lines: Line[], villages: Region[]): Feature[] {
  const features: Feature[] = [];
  for (const village of villages) {
    const polygon = turf.polygon([village.ring]);
    for (const line of lines) {
      const properties = { regionCode: village.code, kind: line.kind, ...(line.class ? { class: line.class } : {}), ...(line.name ? { name: line.name } : {}) };
      if (line.geometry.type === 'Polygon') {
        if (turf.booleanWithin(line.geometry, polygon)) features.push({ type: 'Feature', properties, geometry: line.geometry });
        continue;
      }
      for (const coordinates of piecesIn(line.geometry, polygon)) features.push({ type: 'Feature', properties, geometry: { type: 'LineString', coordinates } });
    }
  }
  return features;
}

/** Barrier kind of a stored line, as the division reads a village's lines (server/geo/reference-lines.ts). */
function barrierOf(line: Line): Feature {
  const kind = line.kind === 'road' ? (line.class === 'minor' ? 'minor_road' : line.class === 'path' ? 'path' : 'major_road') : line.kind === 'railway' ? 'rail' : 'water';
  return { type: 'Feature', properties: { kind }, geometry: line.geometry };
}

// ---------------------------------------------------------------------------------------------
// Division
// ---------------------------------------------------------------------------------------------

interface Grid {
  regionCode: string;
  name: string;
  kind: 'urban' | 'special';
  specialType?: string;
  households: number;
  population: number;
  geometry: Polygonal;
  /** OSM ids of the buildings the division put in this grid. */
  buildings: number[];
  /** The division's flags on it (below_min:isolated, above_max, crosses_barrier …), for the build's report only. */
  flags: string[];
}

async function divideVillage(village: Region, buildings: Building[], lines: Line[], specials: Feature[]): Promise<{ grids: Grid[]; flagged: number }> {
  const mine = buildings.filter((b) => b.regionCode === village.code);
  const parsed = parseDivisionInput(
    {
      minHouseholds: MIN_HOUSEHOLDS,
      maxHouseholds: MAX_HOUSEHOLDS,
      buildings: { type: 'FeatureCollection', features: mine.map((b) => ({ type: 'Feature', geometry: b.feature.geometry, properties: { households: b.households } })) },
      barriers: { type: 'FeatureCollection', features: lines.map(barrierOf) },
      specials: { type: 'FeatureCollection', features: specials },
    },
    { type: 'Polygon', coordinates: [village.ring] },
  );
  check(!parsed.problems, `${village.name}: ${parsed.problems?.map((p) => translate(p.message, 'en')).join('; ')}`);
  const { proposal, metrics } = await runDivision(parsed.value);
  if (metrics.buildingsSplit > 0) console.warn(`${village.name}: the division split ${metrics.buildingsSplit} buildings`);
  const gridBuildings = new Map<string, number[]>();
  proposal.buildingGrid.forEach((number, i) => {
    check(number !== null, `${village.name}: building ${mine[i].osmId} is in no proposed grid`);
    gridBuildings.set(number, [...(gridBuildings.get(number) ?? []), i]);
  });
  // Names numbered as the store numbers codes: basic and special grids each in reading order.
  const numbers = new Map<number, number>();
  for (const special of [false, true]) {
    const members = proposal.features.map((g, i) => ({ g, i })).filter(({ g }) => (g.properties.kind === 'special') === special);
    readingOrder(members.map(({ g }) => placed(g.geometry))).forEach((position, n) => numbers.set(members[position].i, n + 1));
  }
  const order = [...proposal.features.keys()].sort((a, b) => Number(proposal.features[a].properties.kind === 'special') - Number(proposal.features[b].properties.kind === 'special') || numbers.get(a)! - numbers.get(b)!);
  const grids = order.map((index) => {
    const g = proposal.features[index];
    const members = gridBuildings.get(g.properties.number) ?? [];
    const households = members.reduce((sum, i) => sum + mine[i].households, 0);
    check(households === g.properties.households, `${village.name} grid ${g.properties.number}: ${g.properties.households} households proposed, its buildings hold ${households}`);
    const isSpecial = g.properties.kind === 'special';
    const name = isSpecial ? `${village.name}${g.properties.name ?? '专属网格'}` : `${village.name}第${numbers.get(index)}网格`;
    return {
      regionCode: village.code,
      name,
      kind: isSpecial ? ('special' as const) : ('urban' as const),
      ...(isSpecial ? { specialType: g.properties.specialType! } : {}),
      households,
      population: Math.round(households * PERSONS_PER_HOUSEHOLD),
      geometry: g.geometry,
      buildings: members.map((i) => mine[i].osmId),
      flags: g.properties.flags.map((f) => (f.variant ? `${f.code}:${f.variant}` : f.code)),
    };
  });
  return { grids, flagged: metrics.flagged };
}

/** Where a grid sits for numbering: its area centroid, as the store numbers grids (ST_Centroid in db/grids.ts assignCodes). */
function placed(geometry: Polygonal) {
  const [x, y] = areaCentroid(geometry);
  const [, minY, , maxY] = turf.bbox(geometry);
  return { x, y, height: maxY - minY };
}

/** The centroid of a polygonal area as PostGIS computes it (holes subtract), in lon/lat. */
function areaCentroid(geometry: Polygonal): Position {
  let [sa, sx, sy] = [0, 0, 0];
  for (const rings of geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates) {
    rings.forEach((ring, r) => {
      let [a, cx, cy] = [0, 0, 0];
      for (let i = 0; i + 1 < ring.length; i++) {
        const cross = ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
        a += cross;
        cx += (ring[i][0] + ring[i + 1][0]) * cross;
        cy += (ring[i][1] + ring[i + 1][1]) * cross;
      }
      // The outer ring adds its area, a hole takes its own away, whatever their winding.
      const weight = (r === 0 ? 1 : -1) * Math.abs(a);
      sa += weight;
      sx += weight * (cx / (3 * a));
      sy += weight * (cy / (3 * a));
    });
  }
  return [sx / sa, sy / sa];
}

// ---------------------------------------------------------------------------------------------
// Special grids from the data: the campus buildings the extract names, and its park
// ---------------------------------------------------------------------------------------------

/**
 * Special grids where the data shows one: a campus (the buildings the extract names as its
 * teaching buildings) and a park (the footpaths OSM marks as lying in a park). Each is the convex
 * hull of those features grown by 10 m, then by every other building it touches (3 m around it)
 * so that its outline never cuts a building in two, clipped to the community.
 */
const SPECIALS = [
  { name: '武汉工程大学', village: '420111080101', specialType: 'school', buildings: /^(教学楼1|兴发矿业学院|材料科学学院|武汉工程大学图书馆|武汉工程大学)$/ },
  { name: '华中科技大学', village: '420111002101', specialType: 'school', buildings: /^西.+楼$|化学楼|结构楼|学院|实验室/ },
  { name: '公园', village: '420111002102', specialType: 'park', paths: 'park' },
] as const;

function specialAreas(buildings: Building[], roads: FeatureCollection, village: Region): Feature[] {
  const villagePolygon = turf.polygon([village.ring]);
  const features: Feature[] = [];
  for (const special of SPECIALS) {
    if (special.village !== village.code) continue;
    const members: Feature[] =
      'buildings' in special
        ? buildings.filter((b) => b.regionCode === village.code && b.name && special.buildings.test(b.name)).map((b) => b.feature)
        : roads.features.filter((f) => f.properties?.landuse_kind === special.paths && turf.booleanWithin(turf.pointOnFeature(f), villagePolygon));
    if (members.length < 3) continue;
    const hull = turf.convex(turf.featureCollection(members as Feature<Polygon>[]));
    if (!hull) continue;
    const grown = turf.buffer(hull, 10, { units: 'meters' }) as Feature<Polygon>;
    const touching = buildings.filter((b) => b.regionCode === village.code && turf.booleanIntersects(b.feature, grown));
    const whole = (touching.length === 0 ? grown : turf.union(turf.featureCollection([grown, ...touching.map((b) => turf.buffer(b.feature, 3, { units: 'meters' }) as Feature<Polygon>)]))) as Feature<Polygon | MultiPolygon>;
    const outer: Feature<Polygon> = turf.polygon([whole.geometry.type === 'Polygon' ? whole.geometry.coordinates[0] : whole.geometry.coordinates.sort((a, b) => turf.area(turf.polygon(b)) - turf.area(turf.polygon(a)))[0][0]]);
    const clipped = turf.intersect(turf.featureCollection([outer, villagePolygon]));
    if (!clipped || clipped.geometry.type !== 'Polygon') continue;
    // Buffers come with many tiny arcs: simplified to 0.5 m, rounded, and kept free of kinks.
    const simple = turf.cleanCoords(turf.truncate(turf.simplify(clipped, { tolerance: 0.5 / 111_000, highQuality: true }), { precision: 7 })) as Feature<Polygon>;
    const parts = turf.unkinkPolygon(simple).features.sort((a, b) => turf.area(b) - turf.area(a));
    const label = special.specialType === 'park' ? '公园专属网格' : `${special.name}专属网格`;
    features.push({ type: 'Feature', properties: { specialType: special.specialType, name: label }, geometry: { type: 'Polygon', coordinates: [parts[0].geometry.coordinates[0].map(roundPosition)] } });
  }
  return features;
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

function writeCollection(file: string, features: Feature[]): number {
  const text = `{"type":"FeatureCollection","features":[\n${features.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`;
  fs.writeFileSync(path.join(OUT, file), text);
  return text.length;
}

/** How close (degrees, ≈ 2 cm) a grid's vertex must lie to a neighbour's edge to count as on it. */
const ON_EDGE_DEG = 2e-7;

/**
 * Shared borders made identical: where a vertex of one grid lies on the inside of another's edge
 * (a T-junction the division leaves where three grids meet), that vertex is added to the edge, so
 * that neighbours share every vertex of their common border — moving one in the editor moves it
 * for all of them, and the border has no sliver of overlap or gap between two versions of it.
 */
function nodeGrids(geometries: Polygonal[]): Polygonal[] {
  const ringsOf = (g: Polygonal) => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates).flat();
  const vertices = geometries.map((g) => ringsOf(g).flatMap((ring) => ring));
  const node = (ring: Position[], own: number): Position[] => {
    const out: Position[] = [ring[0]];
    for (let i = 0; i + 1 < ring.length; i++) {
      const [a, b] = [ring[i], ring[i + 1]];
      const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
      const length2 = dx * dx + dy * dy;
      const inside: { t: number; p: Position }[] = [];
      if (length2 > 0) {
        vertices.forEach((points, other) => {
          if (other === own) return;
          for (const p of points) {
            const t = ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2;
            if (t <= 0 || t >= 1 || Math.abs((p[0] - a[0]) * dy - (p[1] - a[1]) * dx) / Math.sqrt(length2) >= ON_EDGE_DEG) continue;
            if (!inside.some((q) => q.p[0] === p[0] && q.p[1] === p[1])) inside.push({ t, p });
          }
        });
      }
      out.push(...inside.sort((x, y) => x.t - y.t).map((q) => q.p), b);
    }
    return out;
  };
  return geometries.map((g, own) =>
    g.type === 'Polygon' ? { ...g, coordinates: g.coordinates.map((ring) => node(ring, own)) } : { ...g, coordinates: g.coordinates.map((polygon) => polygon.map((ring) => node(ring, own))) },
  );
}

function roundGeometry<G extends Polygonal>(geometry: G): G {
  const walk = (value: unknown): unknown => (Array.isArray(value) && typeof value[0] === 'number' ? roundPosition(value as Position) : Array.isArray(value) ? value.map(walk) : value);
  return { ...geometry, coordinates: walk(geometry.coordinates) } as G;
}

async function main(): Promise<void> {
  const sourceBuildings = read('buildings.geojson');
  const roads = read('roads.geojson');
  const water = read('water.geojson');
  const { regions, frame } = buildRegions(roads, sourceBuildings);
  const villages = regions.filter((r) => r.level === 'village');
  for (const region of regions) check(turf.booleanValid(turf.polygon([region.ring])), `${region.name}: invalid polygon`);

  const buildings = buildBuildings(sourceBuildings, villages);
  const lines = storedLines(roads, water);
  const lineFeatures = linesByVillage(lines, villages);

  const grids: Grid[] = [];
  const report: string[] = [];
  for (const village of villages) {
    const villageLines = lineFeatures.filter((f) => f.properties!.regionCode === village.code).map((f) => ({ ...(f.properties as object), geometry: f.geometry }) as Line);
    const specials = specialAreas(buildings, roads, village);
    const { grids: made, flagged } = await divideVillage(village, buildings, villageLines, specials);
    grids.push(...made);
    const basic = made.filter((g) => g.kind === 'urban');
    const inRange = basic.filter((g) => g.households >= MIN_HOUSEHOLDS && g.households <= MAX_HOUSEHOLDS).length;
    report.push(`${village.name}: ${made.length} grids, ${inRange}/${basic.length} basic in range, ${flagged} flagged; households ${made.map((g) => `${g.households}${g.kind === 'special' ? ` (${g.specialType})` : g.flags.length ? ` (${g.flags.join(' ')})` : ''}`).join(', ')}`);
  }
  const basic = grids.filter((g) => g.kind === 'urban');
  // A grid that is one building over the maximum cannot be brought into range (issue 14's count leaves it out).
  const loneGiants = basic.filter((g) => g.households > MAX_HOUSEHOLDS && g.buildings.length === 1);
  const inRange = basic.filter((g) => g.households >= MIN_HOUSEHOLDS && g.households <= MAX_HOUSEHOLDS);

  const addresses = demoAddresses({ buildings, lines, prefix: '湖北省武汉市洪山区', streets: regions.filter((r) => r.level === 'township') });
  const devices = demoDevices({ lines, grids, frame, centerCode: '42011100' });

  const noded = nodeGrids(grids.map((g) => roundGeometry(g.geometry)));
  fs.mkdirSync(OUT, { recursive: true });
  const sizes = {
    regions: writeCollection(
      'regions.geojson',
      regions.map((r) => ({ type: 'Feature', properties: { code: r.code, name: r.name, level: r.level, parentCode: r.parentCode }, geometry: { type: 'Polygon', coordinates: [r.ring] } })),
    ),
    buildings: writeCollection(
      'buildings.geojson',
      buildings.map((b) => ({
        type: 'Feature',
        properties: { regionCode: b.regionCode, osmId: b.osmId, ...(b.name ? { name: b.name } : {}), ...(addresses.gateOf.has(b.osmId) ? { address: addresses.gateOf.get(b.osmId) } : {}), households: b.households },
        geometry: roundGeometry(b.feature.geometry),
      })),
    ),
    lines: writeCollection('lines.geojson', lineFeatures),
    grids: writeCollection(
      'grids.geojson',
      grids.map((g) => ({
        type: 'Feature',
        properties: { regionCode: g.regionCode, name: g.name, kind: g.kind, ...(g.specialType ? { specialType: g.specialType } : {}), households: g.households, population: g.population, buildings: g.buildings },
        geometry: noded[grids.indexOf(g)],
      })),
    ),
  };
  fs.writeFileSync(path.join(OUT, 'addresses.csv'), addresses.csv);
  fs.writeFileSync(path.join(OUT, 'devices.json'), `${JSON.stringify(devices, null, 1)}\n`);
  console.log(report.join('\n'));
  console.log(
    [
      `regions ${regions.length}, buildings ${buildings.length} (${buildings.reduce((s, b) => s + b.households, 0)} households), lines ${lineFeatures.length}`,
      `grids ${grids.length}: ${basic.length} basic, ${grids.length - basic.length} special`,
      `basic grids within ${MIN_HOUSEHOLDS}–${MAX_HOUSEHOLDS}: ${inRange.length}/${basic.length} = ${((100 * inRange.length) / basic.length).toFixed(1)} %` +
        ` (${((100 * inRange.length) / (basic.length - loneGiants.length)).toFixed(1)} % without ${loneGiants.length} single building(s) over ${MAX_HOUSEHOLDS})`,
      `addresses ${addresses.count} (${addresses.homes} homes), cameras ${devices.filter((d) => d.kind === 'camera').length}, sensors ${devices.filter((d) => d.kind === 'sensor').length}`,
      `bytes: ${JSON.stringify(sizes)}`,
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  if (!(error instanceof BuildError)) throw error;
  console.error(`build-demo: ${error.message}`);
  process.exit(1);
});
