/**
 * Measures of a division: how well a set of proposed grids meets the rules of grid-based
 * governance (300–500 households per basic grid, edges along roads, rivers and ridges, compact
 * shapes, compounds and buildings kept whole). Every division — the auto-division and the
 * baselines it is compared against (baselines.ts) — is scored by the same function.
 *
 * All lengths, areas and distances are planar metres in the local projection of project.ts,
 * centred on the area's bounding box. Pure: no I/O.
 *
 * Definitions (constants below):
 * - A building belongs to the grid containing its representative point: the centroid of its
 *   footprint, or a point on its surface when the centroid falls outside it (an L- or U-shaped
 *   block); a Point building is its own representative point. A point on a shared edge goes to
 *   the first such grid in input order. Households are the building's `households` (missing or
 *   not a finite number → 0). Grid households are recomputed this way; a grid's own
 *   `properties.households` is not read, so a division cannot misreport them.
 * - Basic grids are those whose `kind` is not 'special'. `withinRangeShare` and `householdsCV`
 *   are over basic grids only; all other figures are over all grids.
 * - `householdsCV` = population standard deviation ÷ mean of households per basic grid
 *   (0 when there is no basic grid or the mean is 0).
 * - Boundaries and barrier lines are sampled every ≈ SAMPLE_STEP_M: each segment is cut into
 *   ceil(length / step) equal pieces and each piece is represented by its midpoint, weighted by
 *   its length. Nearest-distance questions go to flatbush indexes of segments.
 * - `boundaryAlignment`: among samples of grid boundaries that are INTERNAL — farther than
 *   EDGE_TOLERANCE_M from the area's boundary (all its rings) and within EDGE_TOLERANCE_M of
 *   the boundary of another grid — the length share lying within ALIGN_DISTANCE_M of a barrier
 *   (any kind; lines, and the outlines of polygon barriers such as water). Every shared edge is
 *   sampled from both sides, which leaves the share unchanged. 1 when there is no internal
 *   boundary (a single grid: nothing is misaligned).
 * - `barrierCrossingM`: length of major_road and river LINE barriers (LineString,
 *   MultiLineString) whose samples lie inside a grid and farther than ALIGN_DISTANCE_M from
 *   every grid boundary: a road or river running through a grid rather than along its edge.
 *   Per grid in `perGrid[i].barrierCrossingM`; the total also in `barrierCrossingM`.
 * - Polsby–Popper = 4πA / P², A the grid's area and P its perimeter, all rings (holes
 *   included) of all parts: 1 for a disc, π/4 for a square, → 0 for long or ragged shapes.
 *   `polsbyPopperMedian` (mean of the two middle values for an even count) and
 *   `polsbyPopperMin` are over all grids (0 when there is none), special grids included;
 *   `polsbyPopperMedianBasic` over the basic grids only.
 * - `compoundsSplit`: compounds (same `compound` property, a non-empty string or a number)
 *   whose total households ≤ maxHouseholds — those a grid could hold whole — and whose
 *   assigned buildings fall in more than one grid (unassigned buildings are ignored here).
 * - `buildingsSplit`: footprints whose area is divided between two or more grids, counting
 *   only parts larger than SPLIT_MIN_PART_M2 and SPLIT_MIN_PART_SHARE of the footprint.
 * - `unassignedHouseholds`: households of buildings whose representative point is in no grid.
 */
import Flatbush from 'flatbush';
import { tesselate } from '@turf/turf';
import type {
  Feature,
  FeatureCollection,
  LineString,
  MultiLineString,
  MultiPolygon,
  Point,
  Polygon,
  Position,
} from 'geojson';
import type { LocalProjection } from './project.js';
import {
  areaProjection,
  polygonsArea,
  polygonsBBox,
  polygonsContain,
  polygonsPerimeter,
  projectPolygonal,
  representativePoint,
  ringSignedArea,
  type BBox,
} from './polygon.js';

// Shared planar helpers, re-exported for the baselines and tests that import them from here.
export { areaProjection, polygonsArea, polygonsContain, projectPolygonal, representativePoint };
export { unprojectPolygonal } from './polygon.js';
import type { PlanarPolygon, Ring, XY } from './types.js';
import type { DivisionMetrics, GridMetrics } from './metrics-types.js';
import { indivisibleHomes } from './indivisible.js';
export type { DivisionMetrics, GridMetrics };

export interface MetricsInput {
  /** GeoJSON lon/lat: the area divided. */
  area: Polygon | MultiPolygon;
  /** lon/lat. */
  grids: Feature<Polygon | MultiPolygon, { households?: number; kind?: string }>[];
  buildings: FeatureCollection<Polygon | MultiPolygon | Point, { households?: number; compound?: string }>;
  barriers: FeatureCollection<LineString | MultiLineString | Polygon | MultiPolygon, { kind: string }>;
  minHouseholds: number;
  maxHouseholds: number;
}

/** Spacing of the samples taken along boundaries and barrier lines. */
export const SAMPLE_STEP_M = 2;
/** A boundary within this distance of a barrier follows it; a barrier farther than this from every grid boundary crosses a grid. */
export const ALIGN_DISTANCE_M = 10;
/** Two boundaries closer than this are the same line (shared edge, or edge on the area's boundary). */
export const EDGE_TOLERANCE_M = 1;
export const SPLIT_MIN_PART_M2 = 1;
export const SPLIT_MIN_PART_SHARE = 0.01;
/** Barrier kinds whose lines should not run through a grid. */
export const CROSSING_KINDS: ReadonlySet<string> = new Set(['major_road', 'river']);

/** A building as the metrics and baselines see it. */
export interface PlanarBuilding {
  /** Position in the input collection. */
  index: number;
  households: number;
  compound: string | null;
  point: XY;
  /** Footprint (empty for a Point building). */
  footprint: PlanarPolygon[];
}

function householdsOf(props: { households?: unknown } | null | undefined): number {
  const h = Number(props?.households);
  return Number.isFinite(h) ? h : 0;
}

function compoundOf(props: { compound?: unknown } | null | undefined): string | null {
  const c = props?.compound;
  if (typeof c === 'string' && c !== '') return c;
  if (typeof c === 'number' && Number.isFinite(c)) return String(c);
  return null;
}

/** Projects buildings and finds their representative points; buildings without geometry are left out. */
export function planarBuildings(buildings: MetricsInput['buildings'], proj: LocalProjection): PlanarBuilding[] {
  const out: PlanarBuilding[] = [];
  buildings.features.forEach((f, index) => {
    const g = f.geometry;
    if (!g) return;
    const households = householdsOf(f.properties);
    const compound = compoundOf(f.properties);
    if (g.type === 'Point') {
      out.push({ index, households, compound, point: proj.forward(g.coordinates), footprint: [] });
      return;
    }
    if (g.type !== 'Polygon' && g.type !== 'MultiPolygon') return;
    const footprint = projectPolygonal(g, proj);
    const point = representativePoint(footprint);
    if (point) out.push({ index, households, compound, point, footprint });
  });
  return out;
}

/** Finds which of a list of planar (multi)polygons contains a point: the first in list order, -1 for none. */
export class PolygonLocator {
  private readonly index: Flatbush | null;
  constructor(private readonly shapes: PlanarPolygon[][]) {
    const usable = shapes.filter((s) => s.length > 0).length;
    if (usable === 0) {
      this.index = null;
      return;
    }
    this.index = new Flatbush(shapes.length);
    for (const s of shapes) {
      // An empty shape gets a dummy box: it never contains anything anyway.
      const b = s.length > 0 ? polygonsBBox(s) : ([0, 0, 0, 0] as BBox);
      this.index.add(b[0], b[1], b[2], b[3]);
    }
    this.index.finish();
  }
  locate(x: number, y: number): number {
    if (!this.index) return -1;
    let best = -1;
    for (const i of this.index.search(x, y, x, y)) {
      if ((best < 0 || i < best) && polygonsContain(this.shapes[i], x, y)) best = i;
    }
    return best;
  }
  /** Shapes whose bounding box meets a box. */
  candidates(minX: number, minY: number, maxX: number, maxY: number): number[] {
    return this.index ? this.index.search(minX, minY, maxX, maxY).sort((a, b) => a - b) : [];
  }
}

function pointSegmentDistance2(px: number, py: number, x0: number, y0: number, x1: number, y1: number): number {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const l2 = dx * dx + dy * dy;
  let t = l2 > 0 ? ((px - x0) * dx + (py - y0) * dy) / l2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const ex = x0 + t * dx - px;
  const ey = y0 + t * dy - py;
  return ex * ex + ey * ey;
}

/** Planar segments in a flatbush index, each with an integer tag, for "is there a segment within d of p?". */
export class SegmentIndex {
  private readonly coords: Float64Array;
  private readonly tags: Int32Array;
  private readonly index: Flatbush | null;
  readonly size: number;

  constructor(lines: { coords: ArrayLike<ArrayLike<number>>; tag: number }[]) {
    let n = 0;
    for (const l of lines) n += Math.max(0, l.coords.length - 1);
    this.size = n;
    this.coords = new Float64Array(n * 4);
    this.tags = new Int32Array(n);
    this.index = n > 0 ? new Flatbush(n) : null;
    let k = 0;
    for (const l of lines) {
      for (let i = 1; i < l.coords.length; i++) {
        const x0 = l.coords[i - 1][0];
        const y0 = l.coords[i - 1][1];
        const x1 = l.coords[i][0];
        const y1 = l.coords[i][1];
        this.coords.set([x0, y0, x1, y1], k * 4);
        this.tags[k] = l.tag;
        this.index!.add(Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1));
        k++;
      }
    }
    this.index?.finish();
  }

  // The query in fields and one filter made once: no closure per query on the hot path.
  private qx = 0;
  private qy = 0;
  private qd2 = 0;
  private qAccept: ((tag: number) => boolean) | undefined = undefined;
  private readonly near = (i: number): boolean => {
    if (this.qAccept && !this.qAccept(this.tags[i])) return false;
    const c = this.coords;
    const k = i * 4;
    return pointSegmentDistance2(this.qx, this.qy, c[k], c[k + 1], c[k + 2], c[k + 3]) <= this.qd2;
  };

  /** Whether some segment (whose tag passes `accept`, if given) lies within `d` of (x, y). */
  anyWithin(x: number, y: number, d: number, accept?: (tag: number) => boolean): boolean {
    if (!this.index) return false;
    this.qx = x;
    this.qy = y;
    this.qd2 = d * d;
    this.qAccept = accept;
    return this.index.collides(x - d, y - d, x + d, y + d, this.near);
  }

  /** Whether some segment's bounding box meets a box. */
  anyInBox(minX: number, minY: number, maxX: number, maxY: number): boolean {
    return this.index ? this.index.collides(minX, minY, maxX, maxY) : false;
  }
}

/** Calls `visit` with the midpoint and length of each ≈step piece of a polyline. */
export function forEachSample(coords: ArrayLike<ArrayLike<number>>, step: number, visit: (x: number, y: number, w: number) => void): void {
  for (let i = 1; i < coords.length; i++) {
    const x0 = coords[i - 1][0];
    const y0 = coords[i - 1][1];
    const dx = coords[i][0] - x0;
    const dy = coords[i][1] - y0;
    const len = Math.hypot(dx, dy);
    if (len === 0) continue;
    // (less a hair, so that a 200 m edge that comes back from lon/lat as 200.0000001 m still gives 100 pieces)
    const n = Math.max(1, Math.ceil(len / step - 1e-6));
    const w = len / n;
    for (let k = 0; k < n; k++) {
      const t = (k + 0.5) / n;
      visit(x0 + t * dx, y0 + t * dy, w);
    }
  }
}

function rings(polys: PlanarPolygon[]): Ring[] {
  const out: Ring[] = [];
  for (const p of polys) out.push(p.outer, ...p.holes);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Intersection area of a footprint and a grid (for buildingsSplit)
// ---------------------------------------------------------------------------------------------

/** Sutherland–Hodgman: clips any ring by a convex CCW polygon; the result's |area| is the area of their intersection. */
function clipByConvex(subject: ArrayLike<ArrayLike<number>>, clip: XY[]): XY[] {
  let out: XY[] = [];
  const n = subject.length;
  for (let i = 0; i < n; i++) out.push([subject[i][0], subject[i][1]]);
  for (let e = 0; e < clip.length && out.length > 0; e++) {
    const [ax, ay] = clip[e];
    const [bx, by] = clip[(e + 1) % clip.length];
    const side = (p: XY) => (bx - ax) * (p[1] - ay) - (by - ay) * (p[0] - ax);
    const input = out;
    out = [];
    for (let i = 0; i < input.length; i++) {
      const cur = input[i];
      const prev = input[(i + input.length - 1) % input.length];
      const sc = side(cur);
      const sp = side(prev);
      if (sc >= 0) {
        if (sp < 0) out.push(cut(prev, cur, sp, sc));
        out.push(cur);
      } else if (sp >= 0) {
        out.push(cut(prev, cur, sp, sc));
      }
    }
  }
  return out;
}

function cut(p: XY, q: XY, sp: number, sq: number): XY {
  const t = sp / (sp - sq);
  return [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])];
}

/** Area of (grid ∩ convex CCW polygon). */
function intersectionAreaConvex(grid: PlanarPolygon[], convex: XY[]): number {
  let a = 0;
  for (const p of grid) {
    a += Math.abs(ringSignedArea(clipByConvex(p.outer, convex)));
    for (const h of p.holes) a -= Math.abs(ringSignedArea(clipByConvex(h, convex)));
  }
  return Math.max(0, a);
}

function isConvexCCW(ring: Ring): boolean {
  // ring is closed and CCW
  const n = ring.length - 1;
  if (n < 3) return false;
  for (let i = 0; i < n; i++) {
    const a = ring[i];
    const b = ring[(i + 1) % n];
    const c = ring[(i + 2) % n];
    if ((b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0]) < -1e-9) return false;
  }
  return true;
}

/** A footprint as convex CCW pieces (itself if convex, else its triangulation). */
function convexPieces(footprint: PlanarPolygon[]): XY[][] {
  const pieces: XY[][] = [];
  for (const p of footprint) {
    if (p.holes.length === 0 && isConvexCCW(p.outer)) {
      pieces.push(p.outer.slice(0, -1));
      continue;
    }
    const tris = tesselate({ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [p.outer, ...p.holes] } });
    for (const t of tris.features) {
      const ring = t.geometry.coordinates[0].slice(0, 3).map((q) => [q[0], q[1]] as XY);
      pieces.push(ringSignedArea(ring) >= 0 ? ring : ring.reverse());
    }
  }
  return pieces;
}

// ---------------------------------------------------------------------------------------------
// The metrics
// ---------------------------------------------------------------------------------------------

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = values.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function lineCoords(g: LineString | MultiLineString | Polygon | MultiPolygon): Position[][] {
  switch (g.type) {
    case 'LineString':
      return [g.coordinates];
    case 'MultiLineString':
    case 'Polygon':
      return g.coordinates;
    case 'MultiPolygon':
      return g.coordinates.flat();
    default:
      return [];
  }
}

export function divisionMetrics(input: MetricsInput): DivisionMetrics {
  const { minHouseholds: min, maxHouseholds: max } = input;
  const proj = areaProjection(input.area);
  const areaPolys = projectPolygonal(input.area, proj);
  const gridPolys = input.grids.map((g) => (g.geometry ? projectPolygonal(g.geometry, proj) : []));
  const locator = new PolygonLocator(gridPolys);

  const perGrid: GridMetrics[] = gridPolys.map((polys, index) => {
    const areaM2 = polygonsArea(polys);
    const perimeterM = polygonsPerimeter(polys);
    return {
      index,
      households: 0,
      withinRange: false,
      polsbyPopper: perimeterM > 0 ? (4 * Math.PI * areaM2) / (perimeterM * perimeterM) : 0,
      areaM2,
      perimeterM,
      parts: polys.length,
      barrierCrossingM: 0,
    };
  });

  // Buildings → grids.
  const buildings = planarBuildings(input.buildings, proj);
  const gridOf = new Int32Array(buildings.length);
  let households = 0;
  let unassignedHouseholds = 0;
  buildings.forEach((b, i) => {
    const g = locator.locate(b.point[0], b.point[1]);
    gridOf[i] = g;
    if (g < 0) unassignedHouseholds += b.households;
    else {
      perGrid[g].households += b.households;
      households += b.households;
    }
  });

  // Basic grids: range and spread.
  const basic = perGrid.filter((_, i) => input.grids[i].properties?.kind !== 'special');
  for (const g of perGrid) g.withinRange = g.households >= min && g.households <= max;
  const withinRangeShare = basic.length ? basic.filter((g) => g.withinRange).length / basic.length : 0;
  // A grid over the maximum is indivisible when its homes are one building or one compound.
  const homesOf = new Map<number, typeof buildings>();
  buildings.forEach((b, i) => {
    if (gridOf[i] < 0) return;
    const homes = homesOf.get(gridOf[i]) ?? [];
    homes.push(b);
    homesOf.set(gridOf[i], homes);
  });
  const indivisible = basic.filter((g) => g.households > max && indivisibleHomes(homesOf.get(g.index) ?? []) !== null);
  const divisible = basic.length - indivisible.length;
  const withinRangeShareDivisible = divisible > 0 ? basic.filter((g) => g.withinRange).length / divisible : 0;
  let householdsCV = 0;
  if (basic.length) {
    const mean = basic.reduce((s, g) => s + g.households, 0) / basic.length;
    const variance = basic.reduce((s, g) => s + (g.households - mean) ** 2, 0) / basic.length;
    householdsCV = mean > 0 ? Math.sqrt(variance) / mean : 0;
  }

  // Segment indexes.
  const gridSegments = new SegmentIndex(gridPolys.flatMap((polys, tag) => rings(polys).map((coords) => ({ coords, tag }))));
  const areaSegments = new SegmentIndex(rings(areaPolys).map((coords) => ({ coords, tag: 0 })));
  const barrierLines: { coords: XY[]; tag: number }[] = [];
  const crossingLines: XY[][] = [];
  for (const f of input.barriers.features) {
    if (!f.geometry) continue;
    const isLine = f.geometry.type === 'LineString' || f.geometry.type === 'MultiLineString';
    for (const line of lineCoords(f.geometry)) {
      const coords = line.map((p) => proj.forward(p));
      barrierLines.push({ coords, tag: 0 });
      if (isLine && CROSSING_KINDS.has(f.properties?.kind)) crossingLines.push(coords);
    }
  }
  const barrierSegments = new SegmentIndex(barrierLines);

  // Alignment of internal boundaries.
  let internal = 0;
  let aligned = 0;
  gridPolys.forEach((polys, g) => {
    const other = (tag: number) => tag !== g;
    for (const ring of rings(polys)) {
      forEachSample(ring, SAMPLE_STEP_M, (x, y, w) => {
        if (areaSegments.anyWithin(x, y, EDGE_TOLERANCE_M)) return;
        if (!gridSegments.anyWithin(x, y, EDGE_TOLERANCE_M, other)) return;
        internal += w;
        if (barrierSegments.anyWithin(x, y, ALIGN_DISTANCE_M)) aligned += w;
      });
    }
  });

  // Major roads and rivers through grid interiors.
  let barrierCrossingM = 0;
  for (const line of crossingLines) {
    forEachSample(line, SAMPLE_STEP_M, (x, y, w) => {
      const g = locator.locate(x, y);
      if (g < 0 || gridSegments.anyWithin(x, y, ALIGN_DISTANCE_M)) return;
      perGrid[g].barrierCrossingM += w;
      barrierCrossingM += w;
    });
  }

  // Compounds split.
  const compounds = new Map<string, { households: number; grids: Set<number> }>();
  buildings.forEach((b, i) => {
    if (b.compound === null) return;
    let c = compounds.get(b.compound);
    if (!c) compounds.set(b.compound, (c = { households: 0, grids: new Set() }));
    c.households += b.households;
    if (gridOf[i] >= 0) c.grids.add(gridOf[i]);
  });
  let compoundsSplit = 0;
  for (const c of compounds.values()) if (c.households <= max && c.grids.size > 1) compoundsSplit++;

  // Footprints split.
  let buildingsSplit = 0;
  for (const b of buildings) {
    if (b.footprint.length === 0) continue;
    const [x0, y0, x1, y1] = polygonsBBox(b.footprint);
    // No grid boundary near the footprint: it lies whole in one grid (or in none).
    if (!gridSegments.anyInBox(x0, y0, x1, y1)) continue;
    const candidates = locator.candidates(x0, y0, x1, y1);
    if (candidates.length < 2) continue;
    const total = polygonsArea(b.footprint);
    const pieces = convexPieces(b.footprint);
    let parts = 0;
    for (const g of candidates) {
      let a = 0;
      for (const piece of pieces) a += intersectionAreaConvex(gridPolys[g], piece);
      if (a > SPLIT_MIN_PART_M2 && a > SPLIT_MIN_PART_SHARE * total && ++parts >= 2) break;
    }
    if (parts >= 2) buildingsSplit++;
  }

  const pps = perGrid.map((g) => g.polsbyPopper);
  const basicPps = basic.map((g) => g.polsbyPopper);
  return {
    grids: perGrid.length,
    households,
    withinRangeShare,
    withinRangeShareDivisible,
    indivisibleGrids: indivisible.length,
    householdsCV,
    boundaryAlignment: internal > 0 ? aligned / internal : 1,
    barrierCrossingM,
    polsbyPopperMedian: median(pps),
    polsbyPopperMedianBasic: median(basicPps),
    polsbyPopperMin: pps.length ? Math.min(...pps) : 0,
    compoundsSplit,
    buildingsSplit,
    unassignedHouseholds,
    perGrid,
  };
}
