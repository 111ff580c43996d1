/**
 * Recombination (as ReCom does): neighbouring grids' units pooled and split again into grids,
 * keeping the best split by the improvement's objective (score.ts). Two ways: every split of a
 * small set, or the cuts of a few random spanning trees; three ways: one grid cut off a tree,
 * the rest split in two.
 */
import type { Unit } from '../stages/units.js';
import { addScores, better, type Meter, type Neighbour, type Score, type Scorer } from './score.js';
import { randomSpanningTree, subtree } from './trees.js';
import type { Limits } from '../aggregate.js';

/** Up to this many units, a recombination tries every split (2^(n-1)) instead of random trees. */
export const EXACT_UNITS = 10;
/** First cuts (one grid off three) whose remaining two grids are split, at most, per three-way recombination. */
const THREE_WAY_CUTS = 8;

/** What a recombination works with: the units, their neighbours, the objective, the seeded random source. */
export interface SplitSearch {
  units: Unit[];
  neighbours: Neighbour[][];
  limits: Limits;
  meter: Meter;
  scorer: Scorer;
  random: () => number;
}

export type TwoWay = [number[], number[], Score];
export type ThreeWay = [number[], number[], number[], Score];

/**
 * Best two-way split of a small `set` (≤ EXACT_UNITS units), trying every split with both
 * sides connected: random trees miss the one split in range among a few coarse units (two
 * grids of 504 and 264 across a road make 380 + 388 one way only). Splits whose households
 * are further out of range than the best so far are not scored.
 */
export function exactSplit({ units, neighbours, meter, scorer: { deviation, scoreOf } }: SplitSearch, set: number[]): TwoWay | undefined {
  const n = set.length;
  const index = new Map(set.map((u, i) => [u, i]));
  const adjacent = set.map((u) => {
    let mask = 0;
    for (const nb of neighbours[u]) {
      const j = index.get(nb.unit);
      if (j !== undefined) mask |= 1 << j;
    }
    return mask;
  });
  const all = (1 << n) - 1;
  const connectedMask = (mask: number): boolean => {
    let seen = mask & -mask;
    for (let frontier = seen; frontier; ) {
      let next = 0;
      for (let j = 0; j < n; j++) if (frontier & (1 << j)) next |= adjacent[j];
      next &= mask & ~seen;
      seen |= next;
      frontier = next;
    }
    return seen === mask;
  };
  const households = set.map((u) => units[u].households);
  const total = households.reduce((a, b) => a + b, 0);
  // Side A holds set[0]: every split once, nearest to the range first; only those as near
  // as the best connected one are scored.
  const splits: [number, number][] = [];
  for (let rest = 0; rest < 1 << (n - 1); rest++) {
    const a = 1 | (rest << 1);
    if (a === all) continue;
    let h = 0;
    for (let j = 0; j < n; j++) if (a & (1 << j)) h += households[j];
    if (h === 0 || h === total) continue;
    splits.push([a, deviation(h) + deviation(total - h)]);
  }
  meter.work += splits.length;
  splits.sort((p, q) => p[1] - q[1]);
  let best: TwoWay | undefined;
  for (const [a, off] of splits) {
    if (best && off > best[2].deviation + 0.5) break;
    if (!connectedMask(a) || !connectedMask(all & ~a)) continue;
    const side = set.filter((_, j) => a & (1 << j));
    const other = set.filter((_, j) => !(a & (1 << j)));
    const sideSet = new Set(side);
    const otherSet = new Set(other);
    const score = addScores(scoreOf(side, (x) => sideSet.has(x)), scoreOf(other, (x) => otherSet.has(x)));
    if (!best || better(score, best[2])) best = [side, other, score];
  }
  return best;
}

const treeOf = (search: SplitSearch, set: number[], inSet: Set<number>) =>
  randomSpanningTree(set, inSet, search.neighbours, (u) => search.units[u].households, search.random);

/** Best two-way split of `set` along random spanning trees; undefined when none is connected both sides. */
export function recombine(search: SplitSearch, set: number[], trees: number): TwoWay | undefined {
  if (set.length <= EXACT_UNITS) return exactSplit(search, set);
  const { deviation, scoreOf } = search.scorer;
  const inSet = new Set(set);
  let best: TwoWay | undefined;
  for (let t = 0; t < trees; t++) {
    const tree = treeOf(search, set, inSet);
    if (!tree) return undefined; // not connected
    const { order, up, below, children } = tree;
    const total = below.get(set[0])!;
    for (const u of order) {
      if (up.get(u)! < 0) continue;
      const h = below.get(u)!;
      // Only splits as near to the range as the best so far are scored (households first).
      if (best && deviation(h) + deviation(total - h) > best[2].deviation + 0.5) continue;
      // The subtree under u against the rest.
      const side = subtree(u, children);
      const rest = set.filter((x) => !side.has(x));
      const score = addScores(scoreOf(side, (x) => side.has(x)), scoreOf(rest, (x) => inSet.has(x) && !side.has(x)));
      if (!best || better(score, best[2])) best = [[...side], rest, score];
    }
  }
  return best;
}

/**
 * Best three-way split of `set` (three neighbouring grids recombined into three): a first cut
 * along a random spanning tree leaves one side the size of a grid and the rest the size of two,
 * which is then split as two grids are. Three grids of 555, 469 and 460 whose units are too
 * coarse to trade one at a time (a 195 moved anywhere puts its new grid over the cap) can come
 * out as 492 + 500 + 492, where no pair of them can.
 */
export function recombineThree(search: SplitSearch, set: number[], trees: number): ThreeWay | undefined {
  const { min, max } = search.limits;
  const inSet = new Set(set);
  const total = set.reduce((sum, u) => sum + search.units[u].households, 0);
  const seen = new Set<string>();
  let best: ThreeWay | undefined;
  for (let t = 0; t < trees; t++) {
    const tree = treeOf(search, set, inSet);
    if (!tree) return undefined;
    const { order, up, below, children } = tree;
    for (const u of order) {
      if (up.get(u)! < 0) continue;
      const h = below.get(u)!;
      if (h < min || h > max || total - h < 2 * min || total - h > 2 * max) continue;
      const side = subtree(u, children);
      const key = [...side].sort((x, y) => x - y).join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      if (seen.size > THREE_WAY_CUTS) return best;
      const rest = set.filter((x) => !side.has(x));
      const split = recombine(search, rest, 3);
      if (!split) continue;
      const score = addScores(search.scorer.scoreOf(side, (x) => side.has(x)), split[2]);
      if (!best || better(score, best[3])) best = [[...side], split[0], split[1], score];
    }
  }
  return best;
}
