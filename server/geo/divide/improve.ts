/**
 * Stage 7 — improvement: local search over the grouping, with one objective ordered as
 *
 *   0. rivers, water and rail crossed inside grids (metres): never made worse, as in grouping;
 *   1. households out of range (how far each grid is outside [min, max], summed), then the
 *      grids out of range — a grid that is one unit over the maximum (a tower, a compound)
 *      counts as in range: no border can divide it, and joining it to others would only hide
 *      it (four grids of 288 are better than one of 1,152, though fewer grids are out);
 *   2. strong barriers crossed inside grids (metres; river, water and rail count ten times);
 *   3. border cost (the weight of the lines erased inside grids), then compactness.
 *
 * Three kinds of move, each taken only when it makes the objective better in that order:
 * - move a unit on a grid's edge to the neighbouring grid (the grid it leaves stays connected);
 * - merge two neighbouring grids;
 * - recombine two neighbouring grids and split their units again along a random spanning tree
 *   (as ReCom does), keeping the best split of a few trees;
 * - recombine three neighbouring grids into two (three grids of 288 make two of 432);
 * - recombine three neighbouring grids into three (one cut off the size of a grid, the rest
 *   split in two): coarse units that no single move or pair can trade.
 * Runs until a pass changes nothing, or until it has looked at `budget` units (a count of work,
 * not of time, so that the same input gives the same grids on a busy machine as on an idle one).
 * Deterministic (seeded).
 */
import { seededRandom } from '../random.js';
import { borderCost, HARD_KINDS, kindsLength, STRONG_KINDS, type Border, type Limits } from './aggregate.js';
import type { Unit, UnitLink } from './stages/units.js';

interface Neighbour {
  unit: number;
  hard: number;
  strong: number;
  cost: number;
  shared: number;
}

/** Objective of a set of grids, compared lexicographically (see the module comment). */
interface Score {
  hard: number;
  out: number;
  deviation: number;
  strong: number;
  cost: number;
  roundness: number;
}

const better = (a: Score, b: Score): boolean => {
  if (Math.abs(a.hard - b.hard) > 1) return a.hard < b.hard;
  if (Math.abs(a.deviation - b.deviation) > 0.5) return a.deviation < b.deviation;
  if (a.out !== b.out) return a.out < b.out;
  if (Math.abs(a.strong - b.strong) > 1) return a.strong < b.strong;
  return a.cost <= b.cost + 1e-6 && a.roundness < b.roundness - 1e-3;
};

/** Units looked at, at most: a town of 10,000 buildings or a dense centre of 1,300 settles within 0.3–0.7 million. */
export const IMPROVE_BUDGET = 3_000_000;
/** First cuts (one grid off three) whose remaining two grids are split, at most, per three-way recombination. */
const THREE_WAY_CUTS = 8;
/** Up to this many units, a recombination tries every split (2^(n-1)) instead of random trees. */
const EXACT_UNITS = 10;

export function improve(units: Unit[], links: UnitLink[], clusterOf: Int32Array, limits: Limits, budget = IMPROVE_BUDGET): Int32Array {
  let work = 0;
  const spent = () => work > budget;
  const assignment = Int32Array.from(clusterOf);
  const neighbours: Neighbour[][] = units.map(() => []);
  for (const link of links) {
    if (assignment[link.a] < 0 || assignment[link.b] < 0) continue;
    const kinds = link.lengthByKind as Border;
    // A strong line between homes and land without any is a grid's edge in all but drawing
    // (assemble.ts reports crossings between homes only): its cost counts, not as a crossing.
    const homesBothSides = units[link.a].households > 0 && units[link.b].households > 0;
    const hard = homesBothSides ? kindsLength(kinds, HARD_KINDS) : 0;
    const strong = homesBothSides ? kindsLength(kinds, STRONG_KINDS) + 9 * hard : 0;
    const cost = borderCost(kinds);
    neighbours[link.a].push({ unit: link.b, hard, strong, cost, shared: link.length });
    neighbours[link.b].push({ unit: link.a, hard, strong, cost, shared: link.length });
  }
  const count = Math.max(0, ...assignment) + 1;
  const members: Set<number>[] = Array.from({ length: count }, () => new Set());
  assignment.forEach((c, u) => c >= 0 && members[c].add(u));

  const { min, max } = limits;
  const deviation = (h: number) => (h < min ? min - h : h > max ? h - max : 0);
  /** The score of one grid made of `set`. */
  const scoreOf = (set: Iterable<number>, inSet: (u: number) => boolean): Score => {
    let h = 0;
    let area = 0;
    let perimeter = 0;
    let hard = 0;
    let strong = 0;
    let cost = 0;
    let size = 0;
    for (const u of set) {
      size++;
      work += 1 + neighbours[u].length;
      h += units[u].households;
      area += units[u].area;
      perimeter += units[u].perimeter;
      for (const n of neighbours[u]) {
        if (!inSet(n.unit)) continue;
        // Each internal link is seen from both ends: half from each.
        hard += n.hard / 2;
        strong += n.strong / 2;
        cost += n.cost / 2;
        perimeter -= n.shared;
      }
    }
    if (size === 0) return { hard: 0, out: 0, deviation: 0, strong: 0, cost: 0, roundness: 0 };
    const indivisible = size === 1 && h > max;
    return {
      hard,
      out: !indivisible && (h < min || h > max) ? 1 : 0,
      deviation: indivisible ? 0 : deviation(h),
      strong,
      cost,
      roundness: (perimeter * perimeter) / Math.max(4 * Math.PI * area, 1e-9),
    };
  };
  const add = (a: Score, b: Score): Score => ({
    hard: a.hard + b.hard,
    out: a.out + b.out,
    deviation: a.deviation + b.deviation,
    strong: a.strong + b.strong,
    cost: a.cost + b.cost,
    roundness: a.roundness + b.roundness,
  });
  const gridScore = (c: number) => scoreOf(members[c], (u) => assignment[u] === c);
  const pairScore = (a: number, b: number) => add(gridScore(a), gridScore(b));

  const connected = (set: Set<number>): boolean => {
    const [first] = set;
    if (first === undefined) return true;
    const seen = new Set([first]);
    const stack = [first];
    while (stack.length > 0) {
      const u = stack.pop()!;
      for (const n of neighbours[u]) {
        if (set.has(n.unit) && !seen.has(n.unit)) {
          seen.add(n.unit);
          stack.push(n.unit);
        }
      }
    }
    return seen.size === set.size;
  };

  /**
   * Best two-way split of a small `set` (≤ EXACT_UNITS units), trying every split with both
   * sides connected: random trees miss the one split in range among a few coarse units (two
   * grids of 504 and 264 across a road make 380 + 388 one way only). Splits whose households
   * are further out of range than the best so far are not scored.
   */
  const exactSplit = (set: number[]): [number[], number[], Score] | undefined => {
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
    work += splits.length;
    splits.sort((p, q) => p[1] - q[1]);
    let best: [number[], number[], Score] | undefined;
    for (const [a, off] of splits) {
      if (best && off > best[2].deviation + 0.5) break;
      if (!connectedMask(a) || !connectedMask(all & ~a)) continue;
      const side = set.filter((_, j) => a & (1 << j));
      const other = set.filter((_, j) => !(a & (1 << j)));
      const sideSet = new Set(side);
      const otherSet = new Set(other);
      const score = add(scoreOf(side, (x) => sideSet.has(x)), scoreOf(other, (x) => otherSet.has(x)));
      if (!best || better(score, best[2])) best = [side, other, score];
    }
    return best;
  };

  const random = seededRandom(14);
  /**
   * A random spanning tree of `set` (Kruskal on random weights, strong links heavier: borders
   * rather fall on strong lines), rooted at set[0]: DFS order, parent, households under each
   * unit, children. Undefined when `set` is not connected.
   */
  const spanningTree = (set: number[], inSet: Set<number>) => {
    const edges: [number, number, number][] = [];
    for (const u of set) {
      for (const n of neighbours[u]) if (u < n.unit && inSet.has(n.unit)) edges.push([u, n.unit, random() * (1 + n.strong / 10)]);
    }
    edges.sort((p, q) => p[2] - q[2]);
    const parent = new Map(set.map((u) => [u, u]));
    const find = (u: number): number => {
      while (parent.get(u) !== u) u = parent.get(u)!;
      return u;
    };
    const tree = new Map<number, number[]>(set.map((u) => [u, []]));
    for (const [u, v] of edges) {
      const [ru, rv] = [find(u), find(v)];
      if (ru === rv) continue;
      parent.set(ru, rv);
      tree.get(u)!.push(v);
      tree.get(v)!.push(u);
    }
    const root = set[0];
    const order: number[] = [];
    const up = new Map<number, number>([[root, -1]]);
    const stack = [root];
    while (stack.length > 0) {
      const u = stack.pop()!;
      order.push(u);
      for (const v of tree.get(u)!) if (!up.has(v)) (up.set(v, u), stack.push(v));
    }
    if (order.length !== set.length) return undefined;
    const below = new Map<number, number>();
    for (let i = order.length - 1; i >= 0; i--) {
      const u = order[i];
      below.set(u, (below.get(u) ?? 0) + units[u].households);
      const p = up.get(u)!;
      if (p >= 0) below.set(p, (below.get(p) ?? 0) + below.get(u)!);
    }
    const children = new Map<number, number[]>(set.map((u) => [u, tree.get(u)!.filter((v) => up.get(v) === u)]));
    return { order, up, below, children };
  };
  /** The units of the subtree under u. */
  const subtree = (u: number, children: Map<number, number[]>): Set<number> => {
    const side = new Set<number>();
    const walk = [u];
    while (walk.length > 0) {
      const x = walk.pop()!;
      side.add(x);
      walk.push(...children.get(x)!);
    }
    return side;
  };
  /** Best two-way split of `set` along random spanning trees; undefined when none is connected both sides. */
  const recombine = (set: number[], trees: number): [number[], number[], Score] | undefined => {
    if (set.length <= EXACT_UNITS) return exactSplit(set);
    const inSet = new Set(set);
    let best: [number[], number[], Score] | undefined;
    for (let t = 0; t < trees; t++) {
      const tree = spanningTree(set, inSet);
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
        const score = add(scoreOf(side, (x) => side.has(x)), scoreOf(rest, (x) => inSet.has(x) && !side.has(x)));
        if (!best || better(score, best[2])) best = [[...side], rest, score];
      }
    }
    return best;
  };

  /**
   * Best three-way split of `set` (three neighbouring grids recombined into three): a first cut
   * along a random spanning tree leaves one side the size of a grid and the rest the size of two,
   * which is then split as two grids are. Three grids of 555, 469 and 460 whose units are too
   * coarse to trade one at a time (a 195 moved anywhere puts its new grid over the cap) can come
   * out as 492 + 500 + 492, where no pair of them can.
   */
  const recombineThree = (set: number[], trees: number): [number[], number[], number[], Score] | undefined => {
    const inSet = new Set(set);
    const total = set.reduce((sum, u) => sum + units[u].households, 0);
    const seen = new Set<string>();
    let best: [number[], number[], number[], Score] | undefined;
    for (let t = 0; t < trees; t++) {
      const tree = spanningTree(set, inSet);
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
        const split = recombine(rest, 3);
        if (!split) continue;
        const score = add(scoreOf(side, (x) => side.has(x)), split[2]);
        if (!best || better(score, best[3])) best = [[...side], split[0], split[1], score];
      }
    }
    return best;
  };

  const adjacentGrids = (c: number): Set<number> => {
    const out = new Set<number>();
    for (const u of members[c]) for (const n of neighbours[u]) if (assignment[n.unit] >= 0 && assignment[n.unit] !== c) out.add(assignment[n.unit]);
    return out;
  };

  for (let pass = 0; pass < 20 && !spent(); pass++) {
    let changed = false;
    // Unit moves.
    for (let u = 0; u < units.length; u++) {
      const from = assignment[u];
      if (from < 0 || members[from].size <= 1) continue;
      const targets = new Set<number>();
      for (const n of neighbours[u]) if (assignment[n.unit] >= 0 && assignment[n.unit] !== from) targets.add(assignment[n.unit]);
      if (targets.size === 0) continue;
      for (const to of targets) {
        const before = pairScore(from, to);
        assignment[u] = to;
        members[from].delete(u);
        members[to].add(u);
        const after = pairScore(from, to);
        if (better(after, before) && connected(members[from])) {
          changed = true;
          break;
        }
        assignment[u] = from;
        members[to].delete(u);
        members[from].add(u);
      }
    }
    // Merges and recombinations of neighbouring grids, where one of them is out of range.
    for (let a = 0; a < count; a++) {
      if (spent()) break;
      if (members[a].size === 0) continue;
      const score = gridScore(a);
      if (score.out === 0) continue;
      let done = false;
      for (const b of adjacentGrids(a)) {
        const before = pairScore(a, b);
        const union = [...members[a], ...members[b]];
        const merged = scoreOf(union, (u) => assignment[u] === a || assignment[u] === b);
        const split = union.length >= 2 ? recombine(union, 6) : undefined;
        const take = split && !better(merged, split[2]) ? split : undefined;
        if (take && better(take[2], before)) {
          for (const u of take[0]) assignment[u] = a;
          for (const u of take[1]) assignment[u] = b;
          members[a] = new Set(take[0]);
          members[b] = new Set(take[1]);
          done = true;
        } else if (better(merged, before)) {
          for (const u of members[b]) assignment[u] = a;
          members[a] = new Set(union);
          members[b] = new Set();
          done = true;
        }
        if (done) break;
      }
      // Three grids into two: a with a neighbour b and a neighbour c of either.
      if (!done && score.deviation > 0) {
        for (const b of adjacentGrids(a)) {
          for (const c of new Set([...adjacentGrids(a), ...adjacentGrids(b)])) {
            if (c === a || c === b || done) continue;
            const before = add(pairScore(a, b), gridScore(c));
            const union = [...members[a], ...members[b], ...members[c]];
            const split = recombine(union, 6);
            if (!split || !better(split[2], before)) continue;
            for (const u of split[0]) assignment[u] = a;
            for (const u of split[1]) assignment[u] = b;
            members[a] = new Set(split[0]);
            members[b] = new Set(split[1]);
            members[c] = new Set();
            done = true;
          }
          if (done) break;
        }
      }
      // Three grids into three: a with two of its neighbours (or a neighbour's), recut.
      if (!done && score.deviation > 0) {
        for (const b of adjacentGrids(a)) {
          for (const c of new Set([...adjacentGrids(a), ...adjacentGrids(b)])) {
            if (c === a || c === b || done || spent()) continue;
            const before = add(pairScore(a, b), gridScore(c));
            const split = recombineThree([...members[a], ...members[b], ...members[c]], 3);
            if (!split || !better(split[3], before)) continue;
            [a, b, c].forEach((grid, i) => {
              for (const u of split[i] as number[]) assignment[u] = grid;
              members[grid] = new Set(split[i] as number[]);
            });
            done = true;
          }
          if (done) break;
        }
      }
      changed ||= done;
    }
    if (!changed) break;
  }

  // Dense ids again (merges empty some grids).
  const dense = new Map<number, number>();
  return assignment.map((c) => {
    if (c < 0) return -1;
    if (!dense.has(c)) dense.set(c, dense.size);
    return dense.get(c)!;
  });
}
