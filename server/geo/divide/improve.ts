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
 * - recombine three neighbouring grids into two (three grids of 288 make two of 432).
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

export function improve(units: Unit[], links: UnitLink[], clusterOf: Int32Array, limits: Limits, budget = IMPROVE_BUDGET): Int32Array {
  let work = 0;
  const spent = () => work > budget;
  const assignment = Int32Array.from(clusterOf);
  const neighbours: Neighbour[][] = units.map(() => []);
  for (const link of links) {
    if (assignment[link.a] < 0 || assignment[link.b] < 0) continue;
    const kinds = link.lengthByKind as Border;
    const hard = kindsLength(kinds, HARD_KINDS);
    const strong = kindsLength(kinds, STRONG_KINDS) + 9 * hard;
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

  const random = seededRandom(14);
  /** Best two-way split of `set` along random spanning trees; undefined when none is connected both sides. */
  const recombine = (set: number[], trees: number): [number[], number[], Score] | undefined => {
    const inSet = new Set(set);
    let best: [number[], number[], Score] | undefined;
    for (let t = 0; t < trees; t++) {
      // Kruskal on random weights, strong links heavier: borders rather fall on strong lines.
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
      // Subtree households from a root, in DFS order.
      const root = set[0];
      const order: number[] = [];
      const up = new Map<number, number>([[root, -1]]);
      const stack = [root];
      while (stack.length > 0) {
        const u = stack.pop()!;
        order.push(u);
        for (const v of tree.get(u)!) if (!up.has(v)) (up.set(v, u), stack.push(v));
      }
      if (order.length !== set.length) return undefined; // not connected
      const below = new Map<number, number>();
      for (let i = order.length - 1; i >= 0; i--) {
        const u = order[i];
        below.set(u, (below.get(u) ?? 0) + units[u].households);
        const p = up.get(u)!;
        if (p >= 0) below.set(p, (below.get(p) ?? 0) + below.get(u)!);
      }
      const total = below.get(root)!;
      for (const u of order) {
        if (u === root) continue;
        const h = below.get(u)!;
        if (deviation(h) + deviation(total - h) > 0 && best && best[2].out === 0) continue;
        // The subtree under u against the rest.
        const side = new Set<number>();
        const walk = [u];
        while (walk.length > 0) {
          const x = walk.pop()!;
          side.add(x);
          for (const y of tree.get(x)!) if (y !== up.get(x) && !side.has(y)) walk.push(y);
        }
        const rest = set.filter((x) => !side.has(x));
        const score = add(scoreOf(side, (x) => side.has(x)), scoreOf(rest, (x) => inSet.has(x) && !side.has(x)));
        if (!best || better(score, best[2])) best = [[...side], rest, score];
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
