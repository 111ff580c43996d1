/**
 * Cuts for blocks that hold more households than one grid may have and have no mapped line
 * inside to follow. The block's buildings (a residential compound counts as one piece) are
 * split by recursive bisection: at each step, a straight cut that separates them into two
 * sides whose households are in proportion to the number of grids each side will become.
 * Of the directions tried, a cut through a gap between buildings near the balance sought wins
 * over one through a building, then the better balance, then the shorter cut.
 */
import type { PlanarPolygon, TaggedLine, XY } from './types.js';

export interface SplitItem {
  households: number;
  /** A representative point. */
  point: XY;
  /** Outline vertices: a cut must pass beside all of them. */
  vertices: XY[];
  /** The outlines (open rings) of its footprints: borders through gaps run between them (gap-borders.ts). */
  outlines: XY[][];
}

interface HalfPlane {
  /** Keeps points p with n·p ≤ d. */
  n: XY;
  d: number;
}

const DIRECTIONS = 12;
/** How far (share of the households) a clean cut may stray from the balance within reach and still win. */
const BALANCE_TOLERANCE = 0.1;
const MIN_SEGMENT_M = 0.5;

const dot = (a: XY, b: XY) => a[0] * b[0] + a[1] * b[1];

/**
 * The parts of the line {p : u·p = c} inside `polygon` and inside every half-plane, as segments.
 * Even–odd crossing of the polygon's rings gives the inside intervals along the line.
 */
export function clipLine(polygon: PlanarPolygon, u: XY, c: number, halfPlanes: HalfPlane[]): [XY, XY][] {
  const v: XY = [-u[1], u[0]];
  const base: XY = [u[0] * c, u[1] * c];
  const ts: number[] = [];
  for (const ring of [polygon.outer, ...polygon.holes]) {
    for (let i = 1; i < ring.length; i++) {
      const sa = dot(u, ring[i - 1]) - c;
      const sb = dot(u, ring[i]) - c;
      // Half-open rule: a vertex exactly on the line counts on one side only.
      if (sa >= 0 !== sb >= 0) {
        const f = sa / (sa - sb);
        const x = ring[i - 1][0] + f * (ring[i][0] - ring[i - 1][0]);
        const y = ring[i - 1][1] + f * (ring[i][1] - ring[i - 1][1]);
        ts.push(dot(v, [x, y]) - dot(v, base));
      }
    }
  }
  ts.sort((a, b) => a - b);
  let lo = -Infinity;
  let hi = Infinity;
  for (const { n, d } of halfPlanes) {
    const nv = dot(n, v);
    const rest = d - dot(n, base);
    if (Math.abs(nv) < 1e-12) {
      if (rest < 0) return [];
    } else if (nv > 0) hi = Math.min(hi, rest / nv);
    else lo = Math.max(lo, rest / nv);
  }
  const segments: [XY, XY][] = [];
  for (let i = 0; i + 1 < ts.length; i += 2) {
    const t0 = Math.max(ts[i], lo);
    const t1 = Math.min(ts[i + 1], hi);
    if (t1 - t0 >= MIN_SEGMENT_M) {
      segments.push([
        [base[0] + v[0] * t0, base[1] + v[1] * t0],
        [base[0] + v[0] * t1, base[1] + v[1] * t1],
      ]);
    }
  }
  return segments;
}

interface Candidate {
  u: XY;
  c: number;
  left: SplitItem[];
  right: SplitItem[];
  clean: boolean;
  imbalance: number;
  length: number;
}

function bestCut(polygon: PlanarPolygon, halfPlanes: HalfPlane[], items: SplitItem[], leftShare: number): Candidate | undefined {
  const total = items.reduce((sum, item) => sum + item.households, 0);
  // The balance within reach: a building (or compound) heavier than the larger side sought
  // puts at least its own households on one side, so the tolerance counts from there. Else a
  // tower of 862 among 300 others leaves no clean cut within tolerance, the better balance
  // wins regardless, and the cut runs through a building — the block then falls back to
  // borders through the gaps (gap-borders.ts), which wind around the tower, longer and off
  // every mapped line.
  const heaviest = items.reduce((m, item) => Math.max(m, item.households), 0);
  const tolerance = Math.max(0, heaviest - Math.max(leftShare, 1 - leftShare) * total) / Math.max(total, 1) + BALANCE_TOLERANCE;
  let best: Candidate | undefined;
  for (let k = 0; k < DIRECTIONS; k++) {
    const angle = (Math.PI * k) / DIRECTIONS;
    const u: XY = [Math.cos(angle), Math.sin(angle)];
    const sorted = [...items].sort((a, b) => dot(u, a.point) - dot(u, b.point));
    // Prefix maxima / suffix minima of the items' extents along u, to find gaps.
    const maxLeft: number[] = [];
    let running = -Infinity;
    for (const item of sorted) {
      for (const p of item.vertices) running = Math.max(running, dot(u, p));
      maxLeft.push(running);
    }
    const minRight: number[] = new Array(sorted.length);
    running = Infinity;
    for (let i = sorted.length - 1; i >= 0; i--) {
      for (const p of sorted[i].vertices) running = Math.min(running, dot(u, p));
      minRight[i] = running;
    }
    let cumulative = 0;
    for (let i = 0; i + 1 < sorted.length; i++) {
      cumulative += sorted[i].households;
      const imbalance = Math.abs(cumulative - leftShare * total) / Math.max(total, 1);
      const gap = minRight[i + 1] - maxLeft[i];
      const clean = gap > 0;
      const c = clean ? (maxLeft[i] + minRight[i + 1]) / 2 : (dot(u, sorted[i].point) + dot(u, sorted[i + 1].point)) / 2;
      // A clean cut within the tolerance first, then balance (within 2 % counts as equal),
      // then the shorter cut. A clean cut far off balance is no better than an unclean one: the
      // pieces would be of any size (a row of 20 buildings against one).
      const tier = clean && imbalance <= tolerance ? 0 : 1;
      const bestTier = best ? (best.clean && best.imbalance <= tolerance ? 0 : 1) : 2;
      const better = tier < bestTier || (tier === bestTier && imbalance < best!.imbalance - 0.02);
      const tie = best && tier === bestTier && Math.abs(imbalance - best.imbalance) <= 0.02;
      if (!better && !tie) continue;
      const length = clipLine(polygon, u, c, halfPlanes).reduce((sum, [a, b]) => sum + Math.hypot(b[0] - a[0], b[1] - a[1]), 0);
      if (length === 0) continue;
      if (better || length < best!.length) {
        best = { u, c, left: sorted.slice(0, i + 1), right: sorted.slice(i + 1), clean, imbalance, length };
      }
    }
  }
  return best;
}

/**
 * Cut lines that divide `polygon`'s items into `parts` groups. Returns kind "cut" lines, how
 * many of the cuts had to pass through a building (no gap existed), and the groups.
 */
export function splitBlock(polygon: PlanarPolygon, items: SplitItem[], parts: number): { lines: TaggedLine[]; throughBuildings: number; groups: SplitItem[][] } {
  const lines: TaggedLine[] = [];
  const groups: SplitItem[][] = [];
  let throughBuildings = 0;
  const recurse = (subset: SplitItem[], halfPlanes: HalfPlane[], k: number) => {
    if (k <= 1 || subset.length <= 1) {
      groups.push(subset);
      return;
    }
    const kLeft = Math.floor(k / 2);
    const cut = bestCut(polygon, halfPlanes, subset, kLeft / k);
    if (!cut) {
      groups.push(subset);
      return;
    }
    if (!cut.clean) throughBuildings++;
    for (const [a, b] of clipLine(polygon, cut.u, cut.c, halfPlanes)) lines.push({ coords: [a, b], kind: 'cut' });
    recurse(cut.left, [...halfPlanes, { n: cut.u, d: cut.c }], kLeft);
    recurse(cut.right, [...halfPlanes, { n: [-cut.u[0], -cut.u[1]], d: -cut.c }], k - kLeft);
  };
  recurse(items, [], parts);
  return { lines, throughBuildings, groups };
}
