/**
 * Builds the demo dataset in data/demo/ from the real source data in ../shared/data:
 *
 *   regions.geojson  鼓楼区 (Fuzhou) — the county, its 10 streets/towns (real boundaries), and
 *                    illustrative communities (示范社区) in 东街街道 and 鼓东街道 (generated);
 *   grids.geojson    illustrative grids (示范网格) that tile those communities, plus one
 *                    special school grid, with households/population estimated from area.
 *
 * Run: npx tsx scripts/build-demo.ts
 *
 * The output is committed, because a fresh clone has no ../shared; this script only exists so
 * the data can be rebuilt and audited. It is deterministic: every random choice comes from a
 * seeded PRNG (keyed by region code), so running it twice gives byte-identical files.
 * It verifies its own output (validity, nesting, tiling) and exits non-zero if anything is off.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as turf from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon, Position } from 'geojson';
import type { GridKind, RegionLevel, SpecialType } from '../server/geo/codes.js';
import { readingOrder } from '../server/geo/order.js';
import { seededRandom } from '../server/geo/random.js';

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SHARED_DATA = path.resolve(ROOT, '..', 'shared', 'data');
const SOURCE_FILE = path.join(SHARED_DATA, 'fuzhou_gulou_townships.geojson');
const OUT_DIR = path.join(ROOT, 'data', 'demo');

const COUNTY = { code: '350102000000', name: '鼓楼区' } as const;

/** Township codes in the national statistical list order (as best known); 镇 take 100+. */
const TOWNSHIPS: ReadonlyArray<{ name: string; number: string }> = [
  { name: '鼓东街道', number: '001' },
  { name: '鼓西街道', number: '002' },
  { name: '温泉街道', number: '003' },
  { name: '东街街道', number: '004' },
  { name: '南街街道', number: '005' },
  { name: '安泰街道', number: '006' },
  { name: '华大街道', number: '007' },
  { name: '水部街道', number: '008' },
  { name: '五凤街道', number: '009' },
  { name: '洪山镇', number: '100' },
];

/** Streets that get illustrative communities, and how many (3–4 each). */
const DEMO_STREETS: ReadonlyArray<{ name: string; communities: number }> = [
  { name: '东街街道', communities: 3 },
  { name: '鼓东街道', communities: 4 },
];

/** The community (by street, 1-based number) that receives the special school grid. */
const SCHOOL_COMMUNITY = { street: '东街街道', number: 1 } as const;
/** Side of the school grid's square, in metres. */
const SCHOOL_SIDE_M = 150;
/** The school square keeps this clearance from its cell's edge, so the hole never touches it. */
const SCHOOL_CLEARANCE_M = 10;

/** Basic grids should be 0.05–0.12 km²; we aim for this and accept a slightly narrower band. */
const GRID_TARGET_KM2 = 0.085;
const GRID_ACCEPT_KM2 = { min: 0.055, max: 0.115 } as const;
/** Communities of one street may differ in area by at most this factor. */
const COMMUNITY_MAX_RATIO = 1.6;

/** Household estimate: an assumed urban density (households per km²) and mean household size. */
const HOUSEHOLDS_PER_KM2 = 9000;
const PERSONS_PER_HOUSEHOLD = 2.6;

/** Holes in the county union smaller than this are slivers from imperfect source edges. */
const SLIVER_HOLE_M2 = 2000;
const DECIMALS = 7;
/**
 * Rounding to 7 decimals moves a point by up to ~7 mm, so a vertex where a cut meets its
 * parent's edge ends up just beside that edge. Vertices this close to another polygon's edge
 * are inserted into that edge ("noding"), so shared boundaries match vertex for vertex.
 */
const NODE_TOLERANCE_M = 0.01;
const MAX_FILE_BYTES = 300 * 1024;
const CHINESE_NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

type Polygonal = Polygon | MultiPolygon;
type Shape = Feature<Polygonal>;

interface RegionProps {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string | null;
}

interface GridProps {
  regionCode: string;
  name: string;
  kind: GridKind;
  specialType?: SpecialType;
  households: number;
  population: number;
}

type Region = Feature<Polygonal, RegionProps>;
type Grid = Feature<Polygonal, GridProps>;

// ---------------------------------------------------------------------------------------------
// Deterministic randomness
// ---------------------------------------------------------------------------------------------

const mulberry32 = seededRandom;

/** FNV-1a, so each region gets its own random stream: changing one region leaves the others as they were. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (const ch of text) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

// ---------------------------------------------------------------------------------------------
// Geometry helpers
// ---------------------------------------------------------------------------------------------

/** An expected failure (missing source, failed self-check…): reported without a stack trace. */
class BuildError extends Error {}

function fail(message: string): never {
  throw new BuildError(message);
}

function round(value: number): number {
  const factor = 10 ** DECIMALS;
  return Math.round(value * factor) / factor;
}

/** Twice the signed planar area of a ring; positive = counter-clockwise. Only the sign is used. */
function signedArea(ring: Position[]): number {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) sum += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return sum;
}

/**
 * Rounds a ring to DECIMALS, drops consecutive duplicates that rounding can create, closes it
 * and winds it as RFC 7946 asks (outer counter-clockwise, holes clockwise).
 * Returns undefined when the ring collapses to fewer than 4 positions.
 */
function cleanRing(ring: Position[], outer: boolean): Position[] | undefined {
  const out: Position[] = [];
  for (const [lon, lat] of ring) {
    const p = [round(lon), round(lat)];
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  if (out.length > 1 && out[0][0] === out[out.length - 1][0] && out[0][1] === out[out.length - 1][1]) out.pop();
  if (out.length < 3) return undefined;
  out.push([out[0][0], out[0][1]]);
  if (signedArea(out) > 0 !== outer) out.reverse();
  return out;
}

function cleanPolygon(rings: Position[][]): Position[][] | undefined {
  const outer = cleanRing(rings[0], true);
  if (!outer) return undefined;
  const holes = rings
    .slice(1)
    .map((ring) => cleanRing(ring, false))
    .filter((ring): ring is Position[] => ring !== undefined);
  return [outer, ...holes];
}

/** The canonical form of every geometry we write: rounded, de-duplicated, RFC 7946 winding. */
function cleanGeometry(geometry: Polygonal): Polygonal {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  // map + filter, not flatMap: flatMap would splice each polygon's rings into the list.
  const cleaned = polygons.map(cleanPolygon).filter((rings): rings is Position[][] => rings !== undefined);
  if (cleaned.length === 0) fail('Geometry collapsed to nothing when rounded');
  return cleaned.length === 1
    ? { type: 'Polygon', coordinates: cleaned[0] }
    : { type: 'MultiPolygon', coordinates: cleaned };
}

function shape(geometry: Polygonal): Shape {
  return turf.feature(geometry);
}

function areaKm2(f: Shape): number {
  return turf.area(f) / 1e6;
}

function intersect(a: Shape, b: Shape): Shape | null {
  return turf.intersect(turf.featureCollection([a, b]));
}

function difference(a: Shape, b: Shape): Shape | null {
  return turf.difference(turf.featureCollection([a, b]));
}

function unionAll(shapes: Shape[]): Shape {
  if (shapes.length === 1) return shapes[0];
  return turf.union(turf.featureCollection(shapes)) ?? fail('Union of shapes is empty');
}

/** Perimeter in metres (all rings), the yardstick for "inside within 1 m" area tolerances. */
function perimeterM(f: Shape): number {
  const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
  let total = 0;
  for (const rings of polygons) {
    for (const ring of rings) {
      for (let i = 0; i + 1 < ring.length; i++) total += turf.distance(ring[i], ring[i + 1], { units: 'meters' });
    }
  }
  return total;
}

function positions(f: Shape): Position[] {
  const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
  return polygons.flat(2);
}

/** A point surely inside the shape: its centroid when that is inside, else turf's point on surface. */
function interiorPoint(f: Shape): Feature<Point> {
  const c = turf.centroid(f);
  return turf.booleanPointInPolygon(c, f) ? c : turf.pointOnFeature(f);
}

/** Removes holes smaller than `maxHoleM2` (slivers where source edges do not quite meet). */
function removeSmallHoles(f: Shape, maxHoleM2: number): { shape: Shape; removed: number[] } {
  const removed: number[] = [];
  const keep = (rings: Position[][]): Position[][] => [
    rings[0],
    ...rings.slice(1).filter((hole) => {
      const a = turf.area(turf.polygon([hole]));
      if (a < maxHoleM2) removed.push(a);
      return a >= maxHoleM2;
    }),
  ];
  const geometry: Polygonal =
    f.geometry.type === 'Polygon'
      ? { type: 'Polygon', coordinates: keep(f.geometry.coordinates) }
      : { type: 'MultiPolygon', coordinates: f.geometry.coordinates.map(keep) };
  return { shape: shape(geometry), removed };
}

// ---------------------------------------------------------------------------------------------
// Partitioning a polygon into Voronoi cells
// ---------------------------------------------------------------------------------------------

/** Random points inside `container`, at least `minSpacingM` apart (so no cell is a sliver). */
function seedPoints(container: Shape, n: number, minSpacingM: number, rng: () => number): Feature<Point>[] | undefined {
  const [minX, minY, maxX, maxY] = turf.bbox(container);
  const seeds: Feature<Point>[] = [];
  for (let tries = 0; seeds.length < n && tries < 10_000; tries++) {
    const p = turf.point([minX + rng() * (maxX - minX), minY + rng() * (maxY - minY)]);
    if (!turf.booleanPointInPolygon(p, container)) continue;
    if (seeds.some((s) => turf.distance(s, p, { units: 'meters' }) < minSpacingM)) continue;
    seeds.push(p);
  }
  return seeds.length === n ? seeds : undefined;
}

/** Voronoi cells of `seeds`, each clipped to `container`; the cells tile the container exactly. */
function clippedVoronoi(container: Shape, seeds: Feature<Point>[]): (Shape | null)[] {
  const [minX, minY, maxX, maxY] = turf.bbox(container);
  // A margin around the container so no Voronoi cell is cut by the bbox before it meets the container.
  const mx = (maxX - minX) * 0.1;
  const my = (maxY - minY) * 0.1;
  const cells = turf.voronoi(turf.featureCollection(seeds), { bbox: [minX - mx, minY - my, maxX + mx, maxY + my] });
  return seeds.map((_, i) => {
    const cell = cells.features[i] as Feature<Polygon> | undefined;
    return cell ? intersect(shape(cell.geometry), container) : null;
  });
}

/**
 * Splits `container` into `n` single-polygon cells whose areas satisfy `accept`.
 * Each attempt draws fresh seeds and relaxes them a few times towards their cell centroids
 * (Lloyd's algorithm), which evens out the cell sizes; attempts that yield a multi-part or
 * unacceptable cell are discarded. All of it is driven by `rng`, so the result is deterministic.
 */
function partition(
  container: Shape,
  n: number,
  rng: () => number,
  accept: (areasKm2: number[]) => boolean,
  label: string,
): Shape[] {
  const spacing = 0.5 * Math.sqrt(turf.area(container) / n);
  for (let attempt = 0; attempt < 500; attempt++) {
    let seeds = seedPoints(container, n, spacing, rng);
    if (!seeds) continue;
    let cells = clippedVoronoi(container, seeds);
    for (let iteration = 0; iteration < 6 && cells.every((c) => c !== null); iteration++) {
      seeds = (cells as Shape[]).map(interiorPoint);
      cells = clippedVoronoi(container, seeds);
    }
    if (!cells.every((c): c is Shape => c !== null && c.geometry.type === 'Polygon')) continue;
    const polygons = cells.map((c) => shape(cleanGeometry(c.geometry)));
    if (!polygons.every((c) => c.geometry.type === 'Polygon' && turf.booleanValid(c))) continue;
    if (accept(polygons.map(areaKm2))) return polygons;
  }
  return fail(`Could not split ${label} into ${n} acceptable cells`);
}

/** Indices of shapes in map reading order (rows north→south, west→east within a row). */
function orderShapes(shapes: Shape[]): number[] {
  return readingOrder(
    shapes.map((s) => {
      const [x, y] = interiorPoint(s).geometry.coordinates;
      const [, minY, , maxY] = turf.bbox(s);
      return { x, y, height: maxY - minY };
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Noding: make shared boundaries identical after rounding
// ---------------------------------------------------------------------------------------------

const M_PER_DEG_LAT = 111_320;

/** Spatial hash of vertices, so each edge only looks at the few vertices near it. */
class VertexIndex {
  private readonly cells = new Map<string, Position[]>();
  constructor(private readonly cellDeg: number) {}

  private key(ix: number, iy: number): string {
    return `${ix},${iy}`;
  }

  add(p: Position): void {
    const k = this.key(Math.floor(p[0] / this.cellDeg), Math.floor(p[1] / this.cellDeg));
    const list = this.cells.get(k);
    if (!list) this.cells.set(k, [p]);
    else if (!list.some((q) => q[0] === p[0] && q[1] === p[1])) list.push(p);
  }

  near(minX: number, minY: number, maxX: number, maxY: number): Position[] {
    const out: Position[] = [];
    for (let ix = Math.floor(minX / this.cellDeg); ix <= Math.floor(maxX / this.cellDeg); ix++) {
      for (let iy = Math.floor(minY / this.cellDeg); iy <= Math.floor(maxY / this.cellDeg); iy++) {
        out.push(...(this.cells.get(this.key(ix, iy)) ?? []));
      }
    }
    return out;
  }
}

/**
 * Vertices from `index` that lie within NODE_TOLERANCE_M of the inside of segment a→b, in
 * order along it. Planar metres are exact enough over an edge of a few hundred metres.
 */
function verticesOnSegment(a: Position, b: Position, index: VertexIndex): Position[] {
  // Scale at the edge's mid-latitude, so a→b and b→a (the same edge in two neighbours) agree.
  const kx = M_PER_DEG_LAT * Math.cos((((a[1] + b[1]) / 2) * Math.PI) / 180);
  const ky = M_PER_DEG_LAT;
  const tolDeg = (2 * NODE_TOLERANCE_M) / kx;
  const bx = (b[0] - a[0]) * kx;
  const by = (b[1] - a[1]) * ky;
  const len2 = bx * bx + by * by;
  if (len2 === 0) return [];
  const found: { t: number; p: Position }[] = [];
  const candidates = index.near(
    Math.min(a[0], b[0]) - tolDeg,
    Math.min(a[1], b[1]) - tolDeg,
    Math.max(a[0], b[0]) + tolDeg,
    Math.max(a[1], b[1]) + tolDeg,
  );
  for (const p of candidates) {
    if ((p[0] === a[0] && p[1] === a[1]) || (p[0] === b[0] && p[1] === b[1])) continue;
    const px = (p[0] - a[0]) * kx;
    const py = (p[1] - a[1]) * ky;
    const t = (px * bx + py * by) / len2;
    if (t <= 0 || t >= 1) continue;
    const dx = px - t * bx;
    const dy = py - t * by;
    if (dx * dx + dy * dy <= NODE_TOLERANCE_M * NODE_TOLERANCE_M) found.push({ t, p });
  }
  // Sort by position along the edge; ties (never expected) by coordinates, to stay deterministic.
  found.sort((u, v) => u.t - v.t || u.p[0] - v.p[0] || u.p[1] - v.p[1]);
  return found.map((f) => [f.p[0], f.p[1]]);
}

function nodeRing(ring: Position[], index: VertexIndex): Position[] {
  const out: Position[] = [ring[0]];
  for (let i = 0; i + 1 < ring.length; i++) {
    out.push(...verticesOnSegment(ring[i], ring[i + 1], index), ring[i + 1]);
  }
  return out;
}

/**
 * Inserts every vertex of every shape into any other shape's edge that passes within
 * NODE_TOLERANCE_M of it. Afterwards two polygons that share a boundary share it vertex for
 * vertex, so nesting and tiling hold exactly rather than up to rounding slivers. One pass is
 * enough: insertion adds no new vertices to the set.
 */
function nodeAll(geometries: Polygonal[]): Polygonal[] {
  const index = new VertexIndex(0.001);
  for (const g of geometries) for (const p of positions(shape(g))) index.add(p);
  return geometries.map((g) => {
    const nodePolygon = (rings: Position[][]) => rings.map((ring) => nodeRing(ring, index));
    return cleanGeometry(
      g.type === 'Polygon'
        ? { type: 'Polygon', coordinates: nodePolygon(g.coordinates) }
        : { type: 'MultiPolygon', coordinates: g.coordinates.map(nodePolygon) },
    );
  });
}

/** Replaces each feature's geometry by its noded version (same order). */
function withGeometries<P>(features: Feature<Polygonal, P>[], geometries: Polygonal[]): Feature<Polygonal, P>[] {
  return features.map((f, i) => ({ ...f, geometry: geometries[i] }));
}

// ---------------------------------------------------------------------------------------------
// Building the regions
// ---------------------------------------------------------------------------------------------

function readSource(): FeatureCollection<Polygonal, { name: string }> {
  if (!fs.existsSync(SOURCE_FILE)) {
    fail(
      `Source data not found: ${SOURCE_FILE}\n` +
        'This script rebuilds data/demo from the shared source data, which a plain clone does not have.\n' +
        'The generated files in data/demo are committed; you only need this script to change them.',
    );
  }
  return JSON.parse(fs.readFileSync(SOURCE_FILE, 'utf8')) as FeatureCollection<Polygonal, { name: string }>;
}

function buildTownships(source: FeatureCollection<Polygonal, { name: string }>): Region[] {
  const names = source.features.map((f) => f.properties.name);
  for (const name of names) {
    if (!TOWNSHIPS.some((t) => t.name === name)) fail(`Source has unexpected township "${name}"`);
  }
  return TOWNSHIPS.map(({ name, number }) => {
    const matches = source.features.filter((f) => f.properties.name === name);
    if (matches.length !== 1) fail(`Expected exactly one source polygon for ${name}, found ${matches.length}`);
    // Rounding is the only change; cleanGeometry also drops duplicate points it may create.
    const geometry = cleanGeometry(matches[0].geometry);
    return turf.feature(geometry, {
      code: `350102${number}000`,
      name,
      level: 'township' as const,
      parentCode: COUNTY.code,
    });
  });
}

/** The county as the union of the *rounded* townships, so they nest in it exactly. */
function buildCounty(townships: Region[]): { county: Region; removedHoles: number[] } {
  const union = unionAll(townships.map((t) => shape(t.geometry)));
  const { shape: filled, removed } = removeSmallHoles(shape(cleanGeometry(union.geometry)), SLIVER_HOLE_M2);
  const county = turf.feature(cleanGeometry(filled.geometry), {
    code: COUNTY.code,
    name: COUNTY.name,
    level: 'county' as const,
    parentCode: null,
  });
  return { county, removedHoles: removed };
}

function buildCommunities(street: Region, count: number): Region[] {
  const rng = mulberry32(hashString(`communities:${street.properties.code}`));
  const cells = partition(
    shape(street.geometry),
    count,
    rng,
    (areas) => Math.max(...areas) / Math.min(...areas) <= COMMUNITY_MAX_RATIO,
    street.properties.name,
  );
  const shortName = street.properties.name.replace(/街道$|镇$/, '');
  return orderShapes(cells).map((cellIndex, i) =>
    turf.feature(cells[cellIndex].geometry, {
      code: street.properties.code.slice(0, 9) + String(i + 1).padStart(3, '0'),
      name: `${shortName}示范社区${CHINESE_NUMERALS[i]}`,
      level: 'village' as const,
      parentCode: street.properties.code,
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Building the grids
// ---------------------------------------------------------------------------------------------

/**
 * Households estimated from area (not registry counts), and population from households.
 * A special school grid keeps 0: a school has no resident households; its pupils live in basic grids.
 */
function withEstimates(g: Grid): Grid {
  if (g.properties.kind === 'special') return g;
  const households = Math.round(areaKm2(g) * HOUSEHOLDS_PER_KM2);
  return { ...g, properties: { ...g.properties, households, population: Math.round(households * PERSONS_PER_HOUSEHOLD) } };
}

/** An axis-aligned square of `sideM` metres centred on `center`, in lon/lat (rounded). */
function square(center: Position, sideM: number): Shape {
  const [lon, lat] = center;
  const dLat = sideM / 2 / 111_320;
  const dLon = sideM / 2 / (111_320 * Math.cos((lat * Math.PI) / 180));
  const ring = [
    [lon - dLon, lat - dLat],
    [lon + dLon, lat - dLat],
    [lon + dLon, lat + dLat],
    [lon - dLon, lat + dLat],
    [lon - dLon, lat - dLat],
  ];
  return shape(cleanGeometry({ type: 'Polygon', coordinates: [ring] }));
}

/**
 * Finds a spot for the school square well inside `cell` (with clearance, so the hole it leaves
 * never touches the cell's edge): the cell's interior point if that works, else the first point
 * of a regular scan over the cell's bbox. Deterministic, no randomness needed.
 */
function placeSchool(cell: Shape): Shape {
  const fits = (center: Position) => turf.booleanWithin(square(center, SCHOOL_SIDE_M + 2 * SCHOOL_CLEARANCE_M), cell);
  const candidates: Position[] = [interiorPoint(cell).geometry.coordinates];
  const [minX, minY, maxX, maxY] = turf.bbox(cell);
  const steps = 20;
  for (let j = 1; j < steps; j++) {
    for (let i = 1; i < steps; i++) candidates.push([minX + ((maxX - minX) * i) / steps, maxY - ((maxY - minY) * j) / steps]);
  }
  const center = candidates.find(fits) ?? fail('No room for the school grid in its cell');
  return square(center, SCHOOL_SIDE_M);
}

function buildGrids(community: Region, withSchool: boolean): Grid[] {
  const container = shape(community.geometry);
  const area = areaKm2(container);
  const schoolKm2 = withSchool ? (SCHOOL_SIDE_M * SCHOOL_SIDE_M) / 1e6 : 0;
  const count = Math.max(2, Math.round((area - schoolKm2) / GRID_TARGET_KM2));
  const rng = mulberry32(hashString(`grids:${community.properties.code}`));
  // With a school, the largest cell must still be an acceptable grid once the square is carved out.
  const accept = (areas: number[]) =>
    areas.every((a) => a >= GRID_ACCEPT_KM2.min && a <= GRID_ACCEPT_KM2.max) &&
    (!withSchool || Math.max(...areas) - schoolKm2 >= GRID_ACCEPT_KM2.min);
  const cells = partition(container, count, rng, accept, community.properties.name);
  const ordered = orderShapes(cells).map((i) => cells[i]);

  const grids: Grid[] = [];
  let school: Shape | undefined;
  if (withSchool) {
    // Carve the school out of the largest basic grid: it becomes a hole there, so nothing overlaps.
    const largest = ordered.reduce((best, c, i) => (areaKm2(c) > areaKm2(ordered[best]) ? i : best), 0);
    school = placeSchool(ordered[largest]);
    const rest = difference(ordered[largest], school) ?? fail('School square swallowed its grid');
    ordered[largest] = shape(cleanGeometry(rest.geometry));
  }
  ordered.forEach((cell, i) => {
    grids.push(
      turf.feature(cell.geometry, {
        regionCode: community.properties.code,
        name: `${community.properties.name}第${i + 1}网格`,
        kind: 'urban' as const,
        // Filled in by withEstimates once the geometry is final (after noding).
        households: 0,
        population: 0,
      }),
    );
  });
  if (school) {
    grids.push(
      turf.feature(school.geometry, {
        regionCode: community.properties.code,
        name: `${community.properties.name}学校专属网格`,
        kind: 'special' as const,
        specialType: 'school' as const,
        households: 0,
        population: 0,
      }),
    );
  }
  return grids;
}

// ---------------------------------------------------------------------------------------------
// Self-checks: every failure is collected and reported, then the script exits non-zero
// ---------------------------------------------------------------------------------------------

const problems: string[] = [];

function check(ok: boolean, message: string): void {
  if (!ok) problems.push(message);
}

function checkValid(f: Shape, label: string): void {
  check(turf.booleanValid(f) === true, `${label}: geometry is not valid`);
  const coords = positions(f);
  check(
    coords.every((p) => p.every((v) => Number.isFinite(v) && round(v) === v)),
    `${label}: coordinates are not finite numbers rounded to ${DECIMALS} decimals`,
  );
}

/**
 * `inner` must lie inside `outer` within `toleranceM` metres: every vertex inside or within
 * the tolerance of the boundary, and the part outside no larger than 1 m² per km of perimeter.
 */
function checkInside(inner: Shape, outer: Shape, toleranceM: number, label: string): void {
  const worst = positions(inner).reduce((max, p) => {
    if (turf.booleanPointInPolygon(p, outer)) return max;
    return Math.max(max, turf.pointToPolygonDistance(p, outer, { units: 'meters' }));
  }, 0);
  check(worst <= toleranceM, `${label}: a vertex lies ${worst.toFixed(3)} m outside its parent`);
  const outside = difference(inner, outer);
  const outsideM2 = outside ? turf.area(outside) : 0;
  const allowedM2 = perimeterM(inner) / 1000;
  check(outsideM2 <= allowedM2, `${label}: ${outsideM2.toFixed(3)} m² outside its parent (allowed ${allowedM2.toFixed(3)})`);
}

/** `parts` must not overlap (pairwise < 0.01 m²) and must cover `whole` (≥ 99.99 % of its area). */
function checkTiling(parts: Shape[], whole: Shape, label: string): void {
  for (let i = 0; i < parts.length; i++) {
    for (let j = i + 1; j < parts.length; j++) {
      const overlap = intersect(parts[i], parts[j]);
      const m2 = overlap ? turf.area(overlap) : 0;
      check(m2 < 0.01, `${label}: parts ${i + 1} and ${j + 1} overlap by ${m2.toFixed(4)} m²`);
    }
  }
  const covered = intersect(unionAll(parts), whole);
  const ratio = covered ? turf.area(covered) / turf.area(whole) : 0;
  check(ratio >= 0.9999, `${label}: parts cover only ${(ratio * 100).toFixed(4)} % of it`);
}

function verify(regions: Region[], grids: Grid[]): void {
  const byCode = new Map(regions.map((r) => [r.properties.code, r]));
  for (const r of regions) {
    const label = `${r.properties.name} (${r.properties.code})`;
    checkValid(r, label);
    if (r.properties.parentCode) {
      const parent = byCode.get(r.properties.parentCode);
      check(parent !== undefined, `${label}: parent ${r.properties.parentCode} missing or listed after it`);
      if (parent) checkInside(r, parent, 1, label);
    }
  }
  // Townships may not overlap one another either (the source had none; rounding must not add any).
  const townships = regions.filter((r) => r.properties.level === 'township');
  checkTiling(townships, regions[0], `${COUNTY.name} townships`);
  for (const street of townships) {
    const communities = regions.filter((r) => r.properties.parentCode === street.properties.code);
    if (communities.length > 0) checkTiling(communities, street, `${street.properties.name} communities`);
  }
  for (const community of regions.filter((r) => r.properties.level === 'village')) {
    const own = grids.filter((g) => g.properties.regionCode === community.properties.code);
    check(own.length > 0, `${community.properties.name}: has no grids`);
    for (const g of own) {
      checkValid(g, g.properties.name);
      checkInside(g, community, 1, g.properties.name);
      check(g.geometry.type === 'Polygon', `${g.properties.name}: is not a single polygon`);
    }
    checkTiling(own, community, `${community.properties.name} grids`);
  }
  check(grids.every((g) => byCode.has(g.properties.regionCode)), 'A grid refers to an unknown region');
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

/** One feature per line: small files that still diff well in git. */
function serialize(features: Feature[]): string {
  return `{"type":"FeatureCollection","features":[\n${features.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`;
}

/** Features with a fixed key order, so output bytes do not depend on how objects were built. */
function regionFeature(r: Region): Feature {
  const { code, name, level, parentCode } = r.properties;
  return { type: 'Feature', properties: { code, name, level, parentCode }, geometry: r.geometry };
}

function gridFeature(g: Grid): Feature {
  const { regionCode, name, kind, specialType, households, population } = g.properties;
  const properties = specialType
    ? { regionCode, name, kind, specialType, households, population }
    : { regionCode, name, kind, households, population };
  return { type: 'Feature', properties, geometry: g.geometry };
}

function write(file: string, text: string): number {
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_FILE_BYTES) fail(`${file} would be ${bytes} bytes, over the ${MAX_FILE_BYTES} limit`);
  fs.mkdirSync(OUT_DIR, { recursive: true });
  fs.writeFileSync(path.join(OUT_DIR, file), text);
  return bytes;
}

function km2(f: Shape): string {
  return areaKm2(f).toFixed(3);
}

function main(): void {
  const source = readSource();
  const roundedTownships = buildTownships(source);

  const draftCommunities: Region[] = [];
  const draftGrids: Grid[] = [];
  for (const { name, communities: count } of DEMO_STREETS) {
    const street = roundedTownships.find((t) => t.properties.name === name) ?? fail(`No township ${name}`);
    const built = buildCommunities(street, count);
    draftCommunities.push(...built);
    built.forEach((community, i) => {
      const withSchool = name === SCHOOL_COMMUNITY.street && i + 1 === SCHOOL_COMMUNITY.number;
      draftGrids.push(...buildGrids(community, withSchool));
    });
  }

  // Node everything together, then derive the county from the final townships so they nest exactly.
  const noded = nodeAll([...roundedTownships, ...draftCommunities, ...draftGrids].map((f) => f.geometry));
  const townships = withGeometries(roundedTownships, noded.slice(0, roundedTownships.length));
  const communities = withGeometries(
    draftCommunities,
    noded.slice(roundedTownships.length, roundedTownships.length + draftCommunities.length),
  );
  const grids = withGeometries(draftGrids, noded.slice(roundedTownships.length + draftCommunities.length)).map(withEstimates);
  const { county, removedHoles } = buildCounty(townships);
  const vertexCount = (fs: Feature<Polygonal>[]) => fs.reduce((n, f) => n + positions(shape(f.geometry)).length, 0);
  const inserted = {
    townships: vertexCount(townships) - vertexCount(roundedTownships),
    all:
      vertexCount([...townships, ...communities, ...grids]) -
      vertexCount([...roundedTownships, ...draftCommunities, ...draftGrids]),
  };

  const regions = [county, ...townships, ...communities];
  verify(regions, grids);
  if (problems.length > 0) {
    console.error(`Self-check failed (${problems.length} problems):\n  ${problems.join('\n  ')}`);
    console.error('Nothing was written.');
    process.exit(1);
  }

  const regionBytes = write('regions.geojson', serialize(regions.map(regionFeature)));
  const gridBytes = write('grids.geojson', serialize(grids.map(gridFeature)));
  printSummary(county, townships, communities, grids, removedHoles, inserted, { regionBytes, gridBytes });
}

function printSummary(
  county: Region,
  townships: Region[],
  communities: Region[],
  grids: Grid[],
  removedHoles: number[],
  inserted: { townships: number; all: number },
  sizes: { regionBytes: number; gridBytes: number },
): void {
  const basic = grids.filter((g) => g.properties.kind !== 'special');
  const basicAreas = basic.map(areaKm2);
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const lines = [
    `Regions: 1 county, ${townships.length} townships, ${communities.length} communities (illustrative)`,
    `  ${county.properties.name} ${county.properties.code}: ${km2(county)} km², ${county.geometry.type}` +
      `, ${removedHoles.length} sliver hole(s) removed${removedHoles.length ? ` (${removedHoles.map((a) => a.toFixed(1)).join(', ')} m²)` : ''}`,
    ...townships.map((t) => `  ${t.properties.code} ${t.properties.name}: ${km2(t)} km²`),
    ...communities.map((c) => {
      const own = grids.filter((g) => g.properties.regionCode === c.properties.code);
      return `  ${c.properties.code} ${c.properties.name}: ${km2(c)} km², ${own.length} grids`;
    }),
    `Grids: ${grids.length} (${basic.length} basic, ${grids.length - basic.length} special)`,
    `  basic grid area: min ${Math.min(...basicAreas).toFixed(4)} km², max ${Math.max(...basicAreas).toFixed(4)} km²`,
    ...grids
      .filter((g) => g.properties.kind === 'special')
      .map((g) => `  special: ${g.properties.name} (${g.properties.specialType}), ${(turf.area(g) / 1e4).toFixed(2)} ha`),
    `  households (estimated from area): ${sum(grids.map((g) => g.properties.households))}` +
      `, population: ${sum(grids.map((g) => g.properties.population))}`,
    `Noding: ${inserted.all} vertices inserted within ${NODE_TOLERANCE_M * 100} cm of shared edges (${inserted.townships} into township boundaries)`,
    `Wrote data/demo/regions.geojson (${sizes.regionBytes} bytes), data/demo/grids.geojson (${sizes.gridBytes} bytes)`,
    'Self-checks passed: all polygons valid, nesting within 1 m, no overlaps, full coverage.',
  ];
  console.log(lines.join('\n'));
}

try {
  main();
} catch (error) {
  if (!(error instanceof BuildError)) throw error;
  console.error(`build-demo: ${error.message}`);
  process.exit(1);
}
