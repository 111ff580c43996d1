/**
 * A synthetic town to benchmark auto-division on: ≈ 4 km × 4 km around 113.0°E, 28.2°N (near
 * Changsha), with
 * - major roads every 800–1,000 m each way, gently wavy (≤ 20 m off straight), running past the
 *   town's edge;
 * - minor roads every 200–300 m inside each major block, ending exactly on the major roads that
 *   bound them (or past the town's edge); some paths across blocks, and winding paths in the hills;
 * - one meandering river crossing the whole town west → east, with a small lake (the one `water`
 *   polygon) beside it; minor roads along the river's course and around the lake are left out;
 * - a hilly corner (a triangle ≈ 1.4 km on its legs) with one ridge line, no minor roads and
 *   sparse houses;
 * - buildings as rectangles that never cross a road, path, river, ridge or the lake and keep a
 *   setback from them (SETBACK_M): houses (5–20 households), apartment slabs (40–150) in rows
 *   forming compounds inside one block, 2–3 towers (600–1,800; a single building over any 500
 *   cap) and non-residential buildings with 0 households (sheds beside houses, shops, compound
 *   service buildings) — the frozen households rule (/work/shared/data/README.md) gives 0 to
 *   non-residential buildings, and 10,000 buildings holding 40,000 households at ≥ 5 per
 *   house can only be reached with many of them;
 * - `compound` on ≈ 40% of the buildings: every apartment compound (slabs and their service
 *   buildings), plus gated blocks of houses (houses and their sheds) until 40% is reached. A
 *   compound never has a line running through it: it lies inside one block a division could
 *   keep whole.
 *
 * Households total exactly `households` (the last residential buildings are adjusted within
 * their ranges) and there are exactly `buildings` buildings. Deterministic by seed; ≈ 0.2 s for
 * the default 10,000 buildings.
 *
 * Run it to benchmark the baselines:
 *   npx tsx scripts/bench/division/town.ts [--seed 1] [--buildings 10000] [--households 40000] [--out town.geojson]
 */
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import Flatbush from 'flatbush';
import type { Feature, FeatureCollection, LineString, Polygon, Position } from 'geojson';
import { localProjection } from '../../../server/geo/divide/project.js';
import type { XY } from '../../../server/geo/divide/types.js';
import { prng } from '../synthetic.js';

export interface SyntheticTownOptions {
  seed?: number;
  /** Exact number of buildings. Default 10,000. */
  buildings?: number;
  /** Exact total of households. Default 40,000. */
  households?: number;
  /** Centre [lon, lat]. Default [113.0, 28.2]. */
  centre?: [number, number];
}

export type BuildingUse = 'house' | 'apartment' | 'tower' | 'shed' | 'shop' | 'service';
export interface TownBuildingProperties {
  households: number;
  use: BuildingUse;
  compound?: string;
}
export type TownBarrierKind = 'major_road' | 'minor_road' | 'path' | 'river' | 'ridge' | 'water';

export interface SyntheticTown {
  area: Polygon;
  buildings: FeatureCollection<Polygon, TownBuildingProperties>;
  barriers: FeatureCollection<LineString | Polygon, { kind: TownBarrierKind }>;
  name: string;
}

/** Half the town's side, metres. */
const HALF = 2000;
/** Minimum distance from a footprint to each kind of line. */
export const SETBACK_M: Record<TownBarrierKind | 'boundary', number> = {
  major_road: 12,
  minor_road: 6,
  path: 3,
  river: 15,
  ridge: 3,
  water: 8,
  boundary: 5,
};
/** The hills: canonical u + v > HILLS, (u, v) the position mirrored into the chosen corner. */
const HILLS = 2600;
const MAJOR_WAVE_M = 20;
const MINOR_WAVE_M = 3;
const COMPOUND_SHARE = 0.4;

type Axis = 'v' | 'h';
/** A road running roughly along an axis: 'v' coords have increasing y, 'h' increasing x. */
interface Road {
  kind: TownBarrierKind;
  axis: Axis;
  coords: XY[];
}
/** One side of a block: a road, or the town's edge (road null) at a nominal position. */
interface Side {
  pos: number;
  road: Road | null;
}
interface Block {
  x0: Side;
  x1: Side;
  y0: Side;
  y1: Side;
  /** Where buildings may be sampled (nominal block shrunk by setbacks and waviness). */
  inner: [number, number, number, number];
  hills: boolean;
  use: 'tower' | 'apartments' | 'village';
  houses: number[];
}

interface Building {
  ring: XY[];
  use: BuildingUse;
  households: number;
  compound?: string;
  block: number;
  /** For a shed: the house it stands beside. */
  host?: number;
}

/** x of a 'v' road at y, or y of an 'h' road at x (linear between vertices, clamped at its ends). */
function across(road: Road, t: number): number {
  const c = road.coords;
  const a = road.axis === 'v' ? 1 : 0; // coordinate along the road
  const b = 1 - a;
  if (t <= c[0][a]) return c[0][b];
  for (let i = 1; i < c.length; i++) {
    if (t <= c[i][a]) {
      const u = (t - c[i - 1][a]) / (c[i][a] - c[i - 1][a]);
      return c[i - 1][b] + u * (c[i][b] - c[i - 1][b]);
    }
  }
  return c[c.length - 1][b];
}

function rectangle(cx: number, cy: number, w: number, h: number, angle: number): XY[] {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const corners: XY[] = [
    [-w / 2, -h / 2],
    [w / 2, -h / 2],
    [w / 2, h / 2],
    [-w / 2, h / 2],
  ];
  const ring = corners.map(([x, y]) => [cx + x * c - y * s, cy + x * s + y * c] as XY);
  ring.push([ring[0][0], ring[0][1]]);
  return ring;
}

function ringContains(ring: XY[], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function pointSegment(px: number, py: number, x0: number, y0: number, x1: number, y1: number): number {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const l2 = dx * dx + dy * dy;
  let t = l2 > 0 ? ((px - x0) * dx + (py - y0) * dy) / l2 : 0;
  t = Math.max(0, Math.min(1, t));
  return Math.hypot(x0 + t * dx - px, y0 + t * dy - py);
}

function segmentsCross(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): boolean {
  const d1 = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  const d2 = (bx - ax) * (dy - ay) - (by - ay) * (dx - ax);
  const d3 = (dx - cx) * (ay - cy) - (dy - cy) * (ax - cx);
  const d4 = (dx - cx) * (by - cy) - (dy - cy) * (bx - cx);
  return d1 * d2 <= 0 && d3 * d4 <= 0;
}

/** Distance from a segment to a closed convex ring (0 when they meet). */
function segmentRingDistance(x0: number, y0: number, x1: number, y1: number, ring: XY[]): number {
  if (ringContains(ring, x0, y0)) return 0;
  let d = Infinity;
  for (let i = 1; i < ring.length; i++) {
    const [ax, ay] = ring[i - 1];
    const [bx, by] = ring[i];
    if (segmentsCross(x0, y0, x1, y1, ax, ay, bx, by)) return 0;
    d = Math.min(d, pointSegment(ax, ay, x0, y0, x1, y1), pointSegment(x0, y0, ax, ay, bx, by), pointSegment(x1, y1, ax, ay, bx, by));
  }
  return d;
}

function ringBBox(ring: XY[]): [number, number, number, number] {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of ring) {
    if (x < x0) x0 = x;
    if (y < y0) y0 = y;
    if (x > x1) x1 = x;
    if (y > y1) y1 = y;
  }
  return [x0, y0, x1, y1];
}

/** Axis-aligned boxes in a uniform hash grid: "does this box meet any placed one?". */
class BoxGrid {
  private readonly cells = new Map<number, number[]>();
  private readonly boxes: [number, number, number, number][] = [];
  constructor(private readonly size = 25) {}
  private keys(b: [number, number, number, number], visit: (key: number) => void): void {
    const s = this.size;
    for (let i = Math.floor(b[0] / s); i <= Math.floor(b[2] / s); i++) {
      for (let j = Math.floor(b[1] / s); j <= Math.floor(b[3] / s); j++) visit((i + 1000) * 4000 + (j + 1000));
    }
  }
  add(b: [number, number, number, number]): void {
    const id = this.boxes.length;
    this.boxes.push(b);
    this.keys(b, (k) => {
      const list = this.cells.get(k);
      if (list) list.push(id);
      else this.cells.set(k, [id]);
    });
  }
  hits(b: [number, number, number, number]): boolean {
    let hit = false;
    this.keys(b, (k) => {
      if (hit) return;
      for (const id of this.cells.get(k) ?? []) {
        const o = this.boxes[id];
        if (o[0] < b[2] && b[0] < o[2] && o[1] < b[3] && b[1] < o[3]) {
          hit = true;
          return;
        }
      }
    });
    return hit;
  }
}

/** How many buildings of each use, and the towers' households. */
function plan(random: () => number, buildings: number, households: number) {
  const towers = Math.min(buildings, households >= 20_000 ? 2 + (random() < 0.5 ? 1 : 0) : households >= 2_000 ? 1 : 0);
  const towerMax = Math.min(1800, Math.max(600, Math.floor((0.12 * households) / Math.max(1, towers))));
  const towerHouseholds = Array.from({ length: towers }, () => 600 + Math.floor(random() * (towerMax - 600 + 1)));
  const rest = households - towerHouseholds.reduce((s, h) => s + h, 0);
  const slots = buildings - towers;
  if (rest < 0) throw new Error('syntheticTown: too few households for the towers');
  // Means of the uniform ranges: apartments 40–150 → 95, houses 5–20 → 12.5.
  let apartments = Math.round((0.4 * rest) / 95);
  let houses = Math.round((0.6 * rest) / 12.5);
  if (apartments + houses > slots) {
    apartments = Math.min(slots, Math.max(0, Math.ceil((rest - 12.5 * slots) / 82.5)));
    houses = slots - apartments;
  }
  if (apartments * 150 + houses * 20 < rest || apartments * 40 + houses * 5 > rest) {
    throw new Error(`syntheticTown: ${households} households do not fit ${buildings} buildings`);
  }
  return { towerHouseholds, apartments, houses, others: slots - apartments - houses };
}

export function syntheticTown({
  seed = 1,
  buildings: buildingCount = 10_000,
  households = 40_000,
  centre = [113.0, 28.2],
}: SyntheticTownOptions = {}): SyntheticTown {
  if (!Number.isInteger(buildingCount) || buildingCount < 1) throw new Error('syntheticTown: buildings must be a positive integer');
  if (!Number.isInteger(households) || households < 0) throw new Error('syntheticTown: households must be a non-negative integer');
  const random = prng(seed);
  const between = (a: number, b: number) => a + (b - a) * random();
  const int = (a: number, b: number) => a + Math.floor(random() * (b - a + 1));
  const shuffle = <T>(list: T[]): T[] => {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [list[i], list[j]] = [list[j], list[i]];
    }
    return list;
  };

  // The hilly corner: (sx, sy) picks it; canonical coordinates mirror it to the north-east.
  const sx = random() < 0.5 ? -1 : 1;
  const sy = random() < 0.5 ? -1 : 1;
  const inHills = (x: number, y: number) => sx * x + sy * y > HILLS;

  // Area: a square with wavy sides.
  const area: XY[] = [];
  const corners: XY[] = [
    [-HALF, -HALF],
    [HALF, -HALF],
    [HALF, HALF],
    [-HALF, HALF],
  ];
  for (let s = 0; s < 4; s++) {
    const [ax, ay] = corners[s];
    const [bx, by] = corners[(s + 1) % 4];
    const nx = (by - ay) / (2 * HALF); // outward normal of a CCW square side
    const ny = -(bx - ax) / (2 * HALF);
    for (let k = 0; k < 8; k++) {
      const t = k / 8;
      const off = k === 0 ? 0 : between(-20, 20);
      area.push([ax + t * (bx - ax) + off * nx, ay + t * (by - ay) + off * ny]);
    }
  }
  area.push([area[0][0], area[0][1]]);

  // Major roads.
  const majorPositions = (): number[] => {
    const out: number[] = [];
    for (let cur = -HALF + between(800, 1000); cur < HALF - 350; cur += between(800, 1000)) out.push(cur);
    return out;
  };
  const majorRoad = (axis: Axis, pos: number): Road => {
    const [a1, l1, p1] = [between(6, 12), between(250, 500), between(0, 7)];
    const [a2, l2, p2] = [between(2, MAJOR_WAVE_M - 12), between(90, 180), between(0, 7)];
    const coords: XY[] = [];
    for (let t = -HALF - 150; t <= HALF + 150; t += 100) {
      const off = pos + a1 * Math.sin(t / l1 + p1) + a2 * Math.sin(t / l2 + p2);
      coords.push(axis === 'v' ? [off, t] : [t, off]);
    }
    return { kind: 'major_road', axis, coords };
  };
  const majorsV = majorPositions().map((p) => majorRoad('v', p));
  const majorsH = majorPositions().map((p) => majorRoad('h', p));
  const sidesX: Side[] = [{ pos: -HALF, road: null }, ...majorsV.map((r) => ({ pos: nominal(r), road: r })), { pos: HALF, road: null }];
  const sidesY: Side[] = [{ pos: -HALF, road: null }, ...majorsH.map((r) => ({ pos: nominal(r), road: r })), { pos: HALF, road: null }];

  // River: west → east through the middle of a row of major blocks tall enough for its meanders.
  const [ra, rl, rp] = [between(90, 140), between(1300, 1900), between(0, 7)];
  const [rb, rl2, rp2] = [between(25, 45), between(400, 600), between(0, 7)];
  const rows = sidesY.slice(0, -1).map((s, j) => ({ mid: (s.pos + sidesY[j + 1].pos) / 2, height: sidesY[j + 1].pos - s.pos }));
  const tall = rows.filter((r) => r.height >= 2 * (ra + rb) + 150);
  const riverRow = (tall.length ? tall : rows)[Math.floor(random() * (tall.length || rows.length))];
  const riverY = (x: number) => riverRow.mid + ra * Math.sin((2 * Math.PI * x) / rl + rp) + rb * Math.sin((2 * Math.PI * x) / rl2 + rp2);
  const river: XY[] = [];
  for (let x = -HALF - 150; x <= HALF + 150; x += 20) river.push([x, riverY(x)]);

  // Lake beside the river, clear of major roads, the hills and the edge.
  let lake: XY[] = [];
  let lakeCentre: XY = [0, 0];
  let lakeReach = 0;
  for (let attempt = 0; attempt < 200 && lake.length === 0; attempt++) {
    const r = between(60, 100);
    const reach = 1.2 * r;
    const x = between(-HALF + 400, HALF - 400);
    const slope = (riverY(x + 1) - riverY(x - 1)) / 2;
    const norm = Math.hypot(1, slope);
    const side = random() < 0.5 ? -1 : 1;
    const c: XY = [x + (side * -slope * (reach + 15)) / norm, riverY(x) + (side * (reach + 15)) / norm];
    const clear = reach + MAJOR_WAVE_M + SETBACK_M.water + 5;
    if (majorsV.some((m) => Math.abs(c[0] - nominal(m)) < clear) || majorsH.some((m) => Math.abs(c[1] - nominal(m)) < clear)) continue;
    if (Math.abs(c[0]) > HALF - reach - 80 || Math.abs(c[1]) > HALF - reach - 80 || inHills(c[0], c[1]) || sx * c[0] + sy * c[1] > HILLS - 200) continue;
    if (river.some(([px, py]) => Math.hypot(px - c[0], py - c[1]) < reach + 10)) continue;
    const [q1, q2] = [between(0, 7), between(0, 7)];
    for (let k = 0; k < 36; k++) {
      const th = (2 * Math.PI * k) / 36;
      const rr = r * (1 + 0.12 * Math.sin(3 * th + q1) + 0.06 * Math.sin(5 * th + q2));
      lake.push([c[0] + rr * Math.cos(th), c[1] + rr * Math.sin(th)]);
    }
    lake.push([lake[0][0], lake[0][1]]);
    lakeCentre = c;
    lakeReach = reach;
  }

  // Minor roads, block by block of the major grid; left out in the hills, along the river and at the lake.
  const minors: Road[] = [];
  const blocks: Block[] = [];
  const minorPositions = (from: number, to: number): number[] => {
    const out: number[] = [];
    for (let cur = from + between(200, 300); cur < to - 150; cur += between(200, 300)) out.push(cur);
    return out;
  };
  const hillShare = (axis: Axis, c: number, from: number, to: number): number => {
    let n = 0;
    let inside = 0;
    for (let t = from; t <= to; t += 20, n++) if (axis === 'v' ? inHills(c, t) : inHills(t, c)) inside++;
    return inside / Math.max(1, n);
  };
  const nearLake = (axis: Axis, c: number, from: number, to: number): boolean => {
    if (lake.length === 0) return false;
    const [lx, ly] = lakeCentre;
    const d = axis === 'v' ? pointSegment(lx, ly, c, from, c, to) : pointSegment(lx, ly, from, c, to, c);
    return d < lakeReach + SETBACK_M.water + 10;
  };
  const nearRiver = (c: number, from: number, to: number): boolean => {
    for (let x = from; x <= to; x += 10) if (Math.abs(riverY(x) - c) < 30) return true;
    return false;
  };
  const minorRoad = (axis: Axis, c: number, lo: Side, hi: Side): Road => {
    const j = () => between(-MINOR_WAVE_M, MINOR_WAVE_M);
    const [c0, cm, c1] = [c + j(), c + j(), c + j()];
    const t0 = lo.road ? across(lo.road, c0) : lo.pos - 60;
    const t1 = hi.road ? across(hi.road, c1) : hi.pos + 60;
    const coords: XY[] = axis === 'v' ? [[c0, t0], [cm, (t0 + t1) / 2], [c1, t1]] : [[t0, c0], [(t0 + t1) / 2, cm], [t1, c1]];
    return { kind: 'minor_road', axis, coords };
  };
  for (let i = 0; i + 1 < sidesX.length; i++) {
    for (let j = 0; j + 1 < sidesY.length; j++) {
      const [X0, X1, Y0, Y1] = [sidesX[i], sidesX[i + 1], sidesY[j], sidesY[j + 1]];
      const vs = minorPositions(X0.pos, X1.pos).filter(
        (c) => hillShare('v', c, Y0.pos, Y1.pos) < 0.3 && !nearLake('v', c, Y0.pos, Y1.pos),
      );
      const hs = minorPositions(Y0.pos, Y1.pos).filter(
        (c) => hillShare('h', c, X0.pos, X1.pos) < 0.3 && !nearLake('h', c, X0.pos, X1.pos) && !nearRiver(c, X0.pos, X1.pos),
      );
      const xSides: Side[] = [X0, ...vs.map((c) => ({ pos: c, road: minorRoad('v', c, Y0, Y1) })), X1];
      const ySides: Side[] = [Y0, ...hs.map((c) => ({ pos: c, road: minorRoad('h', c, X0, X1) })), Y1];
      for (const s of [...xSides, ...ySides]) if (s.road && s.road.kind === 'minor_road') minors.push(s.road);
      const margin = (s: Side) => (s.road === null ? 20 + SETBACK_M.boundary : s.road.kind === 'major_road' ? MAJOR_WAVE_M + SETBACK_M.major_road : MINOR_WAVE_M + SETBACK_M.minor_road) + 1;
      for (let a = 0; a + 1 < xSides.length; a++) {
        for (let b = 0; b + 1 < ySides.length; b++) {
          const [bx0, bx1, by0, by1] = [xSides[a], xSides[a + 1], ySides[b], ySides[b + 1]];
          const inner: [number, number, number, number] = [bx0.pos + margin(bx0), by0.pos + margin(by0), bx1.pos - margin(bx1), by1.pos - margin(by1)];
          if (inner[2] - inner[0] < 15 || inner[3] - inner[1] < 15) continue;
          const cx = (bx0.pos + bx1.pos) / 2;
          const cy = (by0.pos + by1.pos) / 2;
          blocks.push({ x0: bx0, x1: bx1, y0: by0, y1: by1, inner, hills: inHills(cx, cy), use: 'village', houses: [] });
        }
      }
    }
  }

  // Ridge and hill paths, drawn in canonical (north-east) coordinates and mirrored into the corner.
  const mirror = ([u, v]: XY): XY => [sx * u, sy * v];
  const ridge: XY[] = [];
  {
    const [a, p] = [between(25, 45), between(0, 7)];
    const start: XY = [HALF + 100, 3250 - HALF - 100];
    const end: XY = [3250 - HALF - 100, HALF + 100];
    const len = Math.hypot(end[0] - start[0], end[1] - start[1]);
    for (let s = 0; s <= len; s += 25) {
      const t = s / len;
      const off = a * Math.sin(s / 140 + p) * Math.sin(Math.PI * t);
      ridge.push(mirror([start[0] + t * (end[0] - start[0]) + off * Math.SQRT1_2, start[1] + t * (end[1] - start[1]) + off * Math.SQRT1_2]));
    }
  }
  const paths: XY[][] = [];
  for (let k = 0; k < 4; k++) {
    const u = between(800, 1800);
    const from: XY = [u, HILLS - u];
    const to: XY = [Math.min(HALF + 50, u + between(350, 650)), Math.min(HALF + 50, HILLS - u + between(350, 650))];
    const len = Math.hypot(to[0] - from[0], to[1] - from[1]);
    const [a, p] = [between(10, 25), between(0, 7)];
    const path: XY[] = [];
    for (let s = 0; s <= len; s += 30) {
      const t = s / len;
      const off = a * Math.sin(s / 60 + p) * Math.sin(Math.PI * t);
      const nx = -(to[1] - from[1]) / len;
      const ny = (to[0] - from[0]) / len;
      path.push(mirror([from[0] + t * (to[0] - from[0]) + off * nx, from[1] + t * (to[1] - from[1]) + off * ny]));
    }
    paths.push(path);
  }
  // Paths across one block in five, splitting its longer side.
  for (const b of blocks) {
    if (b.hills || random() >= 0.2) continue;
    const wide = b.x1.pos - b.x0.pos >= b.y1.pos - b.y0.pos;
    const [lo, hi, from, to] = wide ? [b.y0, b.y1, b.x0.pos, b.x1.pos] : [b.x0, b.x1, b.y0.pos, b.y1.pos];
    const c = from + (to - from) * between(0.35, 0.65);
    const t0 = lo.road ? across(lo.road, c) : lo.pos - 60;
    const t1 = hi.road ? across(hi.road, c) : hi.pos + 60;
    const mid = c + between(-10, 10);
    paths.push(wide ? [[c, t0], [mid, (t0 + t1) / 2], [c, t1]] : [[t0, c], [(t0 + t1) / 2, mid], [t1, c]]);
  }

  // Obstacles: every line with its setback, the lake's outline and the town's edge.
  const obstacleLines: { coords: XY[]; setback: number }[] = [
    ...[...majorsV, ...majorsH].map((r) => ({ coords: r.coords, setback: SETBACK_M.major_road })),
    ...minors.map((r) => ({ coords: r.coords, setback: SETBACK_M.minor_road })),
    ...paths.map((coords) => ({ coords, setback: SETBACK_M.path })),
    { coords: river, setback: SETBACK_M.river },
    { coords: ridge, setback: SETBACK_M.ridge },
    { coords: area, setback: SETBACK_M.boundary },
    ...(lake.length ? [{ coords: lake, setback: SETBACK_M.water }] : []),
  ];
  const segments: number[] = [];
  const setbacks: number[] = [];
  for (const l of obstacleLines) {
    for (let i = 1; i < l.coords.length; i++) {
      segments.push(l.coords[i - 1][0], l.coords[i - 1][1], l.coords[i][0], l.coords[i][1]);
      setbacks.push(l.setback);
    }
  }
  const obstacles = new Flatbush(setbacks.length);
  for (let s = 0; s < setbacks.length; s++) {
    const [x0, y0, x1, y1] = segments.slice(s * 4, s * 4 + 4);
    obstacles.add(Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1));
  }
  obstacles.finish();
  const maxSetback = Math.max(...Object.values(SETBACK_M));

  const placed = new BoxGrid();
  const buildings: Building[] = [];
  /** Whether a footprint may stand here: inside the town, out of the lake, clear of lines and of other buildings by `gap`. */
  const fits = (ring: XY[], gap: number): boolean => {
    const [x0, y0, x1, y1] = ringBBox(ring);
    if (placed.hits([x0 - gap, y0 - gap, x1 + gap, y1 + gap])) return false;
    if (!ringContains(area, ring[0][0], ring[0][1])) return false;
    if (lake.length && ringContains(lake, ring[0][0], ring[0][1])) return false;
    const near = obstacles.search(x0 - maxSetback, y0 - maxSetback, x1 + maxSetback, y1 + maxSetback);
    for (const s of near) {
      const k = s * 4;
      if (segmentRingDistance(segments[k], segments[k + 1], segments[k + 2], segments[k + 3], ring) < setbacks[s]) return false;
    }
    return true;
  };
  /** Whether no line (nor the lake's outline, nor the town's edge) meets a ring: a compound must lie inside one face. */
  const clear = (ring: XY[]): boolean => {
    const [x0, y0, x1, y1] = ringBBox(ring);
    for (const s of obstacles.search(x0, y0, x1, y1)) {
      const k = s * 4;
      if (segmentRingDistance(segments[k], segments[k + 1], segments[k + 2], segments[k + 3], ring) === 0) return false;
    }
    return true;
  };
  const add = (b: Building): number => {
    const [x0, y0, x1, y1] = ringBBox(b.ring);
    placed.add([x0, y0, x1, y1]);
    buildings.push(b);
    return buildings.length - 1;
  };
  const inBlock = (b: Block, w: number, h: number): XY => {
    const [x0, y0, x1, y1] = b.inner;
    return [between(x0 + w / 2, Math.max(x0 + w / 2, x1 - w / 2)), between(y0 + h / 2, Math.max(y0 + h / 2, y1 - h / 2))];
  };

  const counts = plan(random, buildingCount, households);
  const flat = shuffle(blocks.map((_, i) => i).filter((i) => !blocks[i].hills));

  // Towers: one per block, in the biggest flat blocks' centres.
  let cursor = 0;
  for (const th of counts.towerHouseholds) {
    let done = false;
    for (; cursor < flat.length && !done; cursor++) {
      const b = blocks[flat[cursor]];
      if (b.inner[2] - b.inner[0] < 80 || b.inner[3] - b.inner[1] < 80) continue;
      for (let attempt = 0; attempt < 40 && !done; attempt++) {
        const [w, h] = [between(40, 60), between(40, 60)];
        const [cx, cy] = inBlock(b, w, h);
        const ring = rectangle(cx, cy, w, h, 0);
        if (fits(ring, 6)) {
          add({ ring, use: 'tower', households: th, block: flat[cursor] });
          b.use = 'tower';
          done = true;
        }
      }
    }
    if (!done) throw new Error('syntheticTown: no room for a tower');
  }

  // Apartment compounds: rows of slabs inside one block, with a few service buildings; the compound's
  // rectangle is then kept free of other buildings.
  let compounds = 0;
  let slabsLeft = counts.apartments;
  let othersLeft = counts.others;
  for (let pass = 0; pass < 4 && slabsLeft > 0; pass++) {
    for (const bi of flat) {
      if (slabsLeft === 0) break;
      const b = blocks[bi];
      if (b.use === 'tower') continue;
      const [ix0, iy0, ix1, iy1] = b.inner;
      const cw = Math.min(ix1 - ix0, between(90, 170));
      const ch = Math.min(iy1 - iy0, between(90, 170));
      if (cw < 45 || ch < 40) continue;
      const cx0 = between(ix0, ix1 - cw);
      const cy0 = between(iy0, iy1 - ch);
      if (!clear(rectangle(cx0 + cw / 2, cy0 + ch / 2, cw + 4, ch + 4, 0))) continue;
      const [depth, length, rowGap, colGap] = [between(11, 14), between(30, 50), between(18, 26), between(8, 14)];
      const want = Math.min(slabsLeft, int(3, 10));
      const slabs: XY[][] = [];
      for (let y = cy0 + 6; y + depth <= cy0 + ch - 6 && slabs.length < want; y += depth + rowGap) {
        for (let x = cx0 + 6; x + length <= cx0 + cw - 6 && slabs.length < want; x += length + colGap) {
          const ring = rectangle(x + length / 2, y + depth / 2, length, depth, 0);
          if (fits(ring, 4)) slabs.push(ring); // the lattice keeps slabs apart
        }
      }
      if (slabs.length < Math.min(2, want)) continue;
      const compound = `C${String(++compounds).padStart(3, '0')}`;
      for (const ring of slabs) add({ ring, use: 'apartment', households: 0, compound, block: bi });
      slabsLeft -= slabs.length;
      b.use = 'apartments';
      for (let s = int(0, 2); s > 0 && othersLeft > 0; s--) {
        for (let attempt = 0; attempt < 10; attempt++) {
          const [w, h] = [between(6, 10), between(8, 12)];
          const ring = rectangle(between(cx0 + w, cx0 + cw - w), between(cy0 + h, cy0 + ch - h), w, h, 0);
          if (fits(ring, 3)) {
            add({ ring, use: 'service', households: 0, compound, block: bi });
            othersLeft--;
            break;
          }
        }
      }
      placed.add([cx0 - 2, cy0 - 2, cx0 + cw + 2, cy0 + ch + 2]);
    }
  }
  if (slabsLeft > 0) throw new Error('syntheticTown: no room for the apartment blocks');

  // Houses, scattered over the blocks by weight (sparse in the hills, few in apartment blocks).
  const weightOf = (b: Block, hills: number) => {
    if (b.use === 'tower') return 0;
    const a = (b.inner[2] - b.inner[0]) * (b.inner[3] - b.inner[1]);
    return a * (b.hills ? hills : b.use === 'apartments' ? 0.3 : 1);
  };
  const picker = (hills: number) => {
    const cumulative: number[] = [];
    let total = 0;
    for (const b of blocks) cumulative.push((total += weightOf(b, hills)));
    return (): number => {
      const r = random() * total;
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid] > r) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    };
  };
  const pickHouseBlock = picker(0.06);
  const houses: number[] = [];
  for (let attempt = 0; houses.length < counts.houses; attempt++) {
    if (attempt > 80 * counts.houses + 1000) throw new Error('syntheticTown: no room for the houses');
    const bi = pickHouseBlock();
    const [w, h] = [between(9, 16), between(10, 18)];
    const [cx, cy] = inBlock(blocks[bi], w, h);
    const ring = rectangle(cx, cy, w, h, between(-0.12, 0.12));
    if (!fits(ring, 3)) continue;
    const id = add({ ring, use: 'house', households: 0, block: bi });
    houses.push(id);
    blocks[bi].houses.push(id);
  }

  // Other buildings (0 households): sheds beside houses, shops and workshops anywhere.
  const pickShopBlock = picker(0.02);
  for (let attempt = 0; othersLeft > 0; attempt++) {
    if (attempt > 80 * counts.others + 1000) throw new Error('syntheticTown: no room for the other buildings');
    if (houses.length && random() < 0.85) {
      const host = houses[Math.floor(random() * houses.length)];
      const hr = buildings[host].ring;
      const angle = Math.atan2(hr[1][1] - hr[0][1], hr[1][0] - hr[0][0]);
      const hw = Math.hypot(hr[1][0] - hr[0][0], hr[1][1] - hr[0][1]);
      const hh = Math.hypot(hr[2][0] - hr[1][0], hr[2][1] - hr[1][1]);
      const [w, h] = [between(3, 6), between(3, 6)];
      const side = int(0, 3);
      const gap = between(1.5, 6);
      // Offset in the house's frame: beside one of its four sides, anywhere along it.
      const along = between(-0.5, 0.5);
      const [ox, oy] =
        side === 0 ? [hw / 2 + gap + w / 2, along * hh] : side === 1 ? [-(hw / 2 + gap + w / 2), along * hh] : side === 2 ? [along * hw, hh / 2 + gap + h / 2] : [along * hw, -(hh / 2 + gap + h / 2)];
      const hx = (hr[0][0] + hr[2][0]) / 2;
      const hy = (hr[0][1] + hr[2][1]) / 2;
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      const ring = rectangle(hx + ox * c - oy * s, hy + ox * s + oy * c, w, h, angle);
      if (!fits(ring, 1)) continue;
      add({ ring, use: 'shed', households: 0, block: buildings[host].block, host });
    } else {
      const bi = pickShopBlock();
      const [w, h] = [between(6, 16), between(6, 18)];
      const [cx, cy] = inBlock(blocks[bi], w, h);
      const ring = rectangle(cx, cy, w, h, between(-0.05, 0.05));
      if (!fits(ring, 3)) continue;
      add({ ring, use: 'shop', households: 0, block: bi });
    }
    othersLeft--;
  }

  // Gated blocks of houses (with their sheds) until 40% of the buildings belong to a compound.
  const target = Math.round(COMPOUND_SHARE * buildingCount);
  let tagged = buildings.filter((b) => b.compound).length;
  const shedsOf = new Map<number, number[]>();
  buildings.forEach((b, i) => {
    if (b.host !== undefined) shedsOf.set(b.host, [...(shedsOf.get(b.host) ?? []), i]);
  });
  // Blocks with several houses first; a thinly built town also gates blocks with one or two.
  const gated = new Set<number>();
  for (const fewest of [3, 2, 1]) {
    for (const bi of flat) {
      if (tagged >= target) break;
      const b = blocks[bi];
      if (b.use !== 'village' || b.houses.length < fewest || gated.has(bi)) continue;
      const [x0, y0, x1, y1] = b.inner;
      if (!clear(rectangle((x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0, 0))) continue; // a path or the river runs through
      gated.add(bi);
      const compound = `C${String(++compounds).padStart(3, '0')}`;
      for (const h of b.houses) {
        for (const m of [h, ...(shedsOf.get(h) ?? [])]) {
          buildings[m].compound = compound;
          tagged++;
        }
      }
    }
  }

  // Households: towers as planned, apartments 40–150, houses 5–20; then the last residential
  // buildings are moved within their ranges until the total is exact.
  let towerIndex = 0;
  let sum = 0;
  const adjustable: { i: number; lo: number; hi: number }[] = [];
  buildings.forEach((b, i) => {
    if (b.use === 'tower') b.households = counts.towerHouseholds[towerIndex++];
    else if (b.use === 'apartment') {
      b.households = int(40, 150);
      adjustable.push({ i, lo: 40, hi: 150 });
    } else if (b.use === 'house') {
      b.households = int(5, 20);
      adjustable.push({ i, lo: 5, hi: 20 });
    }
    sum += b.households;
  });
  let diff = households - sum;
  for (let k = adjustable.length - 1; k >= 0 && diff !== 0; k--) {
    const { i, lo, hi } = adjustable[k];
    const b = buildings[i];
    const next = Math.max(lo, Math.min(hi, b.households + diff));
    diff -= next - b.households;
    b.households = next;
  }
  if (diff !== 0) throw new Error('syntheticTown: could not make the households total exact');

  // To lon/lat.
  const proj = localProjection(centre[0], centre[1]);
  const ll = (coords: XY[]): Position[] => coords.map((p) => proj.inverse(p));
  const line = (coords: XY[], kind: TownBarrierKind): Feature<LineString, { kind: TownBarrierKind }> => ({
    type: 'Feature',
    properties: { kind },
    geometry: { type: 'LineString', coordinates: ll(coords) },
  });
  const barriers: Feature<LineString | Polygon, { kind: TownBarrierKind }>[] = [
    ...[...majorsV, ...majorsH].map((r) => line(r.coords, 'major_road')),
    ...minors.map((r) => line(r.coords, 'minor_road')),
    ...paths.map((p) => line(p, 'path')),
    line(river, 'river'),
    line(ridge, 'ridge'),
  ];
  if (lake.length) barriers.push({ type: 'Feature', properties: { kind: 'water' }, geometry: { type: 'Polygon', coordinates: [ll(lake)] } });

  return {
    name: `Synthetic town ${seed} (${buildingCount} buildings, ${households} households)`,
    area: { type: 'Polygon', coordinates: [ll(area)] },
    buildings: {
      type: 'FeatureCollection',
      features: buildings.map((b) => ({
        type: 'Feature',
        properties: { households: b.households, use: b.use, ...(b.compound ? { compound: b.compound } : {}) },
        geometry: { type: 'Polygon', coordinates: [ll(b.ring)] },
      })),
    },
    barriers: { type: 'FeatureCollection', features: barriers },
  };
}

/** The straight position a wavy major road follows. */
function nominal(r: Road): number {
  const b = r.axis === 'v' ? 0 : 1;
  return r.coords.reduce((s, c) => s + c[b], 0) / r.coords.length;
}

// ---------------------------------------------------------------------------------------------
// CLI: time the town, the baselines and the metrics, and print the benchmark table.
// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const arg = (name: string, fallback: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
  };
  const seed = Number(arg('seed', '1'));
  const buildingCount = Number(arg('buildings', '10000'));
  const households = Number(arg('households', '40000'));
  const out = arg('out', '');
  const { divisionMetrics } = await import('../../../server/geo/divide/metrics.js');
  const { kmeansVoronoi, hexBinning } = await import('../../../server/geo/divide/baselines.js');

  const time = <T>(f: () => T): [T, number] => {
    const t0 = performance.now();
    const r = f();
    return [r, performance.now() - t0];
  };
  const [town, townMs] = time(() => syntheticTown({ seed, buildings: buildingCount, households }));
  console.error(`${town.name}: generated in ${townMs.toFixed(0)} ms, ${town.barriers.features.length} barriers`);
  if (out) {
    const features = [
      { type: 'Feature', properties: { kind: 'area', name: town.name }, geometry: town.area },
      ...town.barriers.features,
      ...town.buildings.features,
    ];
    fs.writeFileSync(out, JSON.stringify({ type: 'FeatureCollection', features }));
    console.error(`written to ${out}`);
  }
  const input = { area: town.area, buildings: town.buildings, barriers: town.barriers, minHouseholds: 300, maxHouseholds: 500 };
  const rows: Record<string, unknown>[] = [];
  for (const [name, run] of [
    ['kmeans-voronoi', () => kmeansVoronoi(input, { seed })],
    ['h3-hexagons', () => hexBinning(input)],
  ] as const) {
    const [grids, ms] = time(run);
    const [m, metricsMs] = time(() => divisionMetrics({ ...input, grids }));
    rows.push({
      baseline: name,
      ms: Math.round(ms),
      metricsMs: Math.round(metricsMs),
      grids: m.grids,
      households: m.households,
      withinRange: +m.withinRangeShare.toFixed(3),
      cv: +m.householdsCV.toFixed(3),
      alignment: +m.boundaryAlignment.toFixed(3),
      crossingM: Math.round(m.barrierCrossingM),
      ppMedian: +m.polsbyPopperMedian.toFixed(3),
      ppMin: +m.polsbyPopperMin.toFixed(3),
      compoundsSplit: m.compoundsSplit,
      buildingsSplit: m.buildingsSplit,
      unassigned: m.unassignedHouseholds,
    });
  }
  console.table(rows);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
