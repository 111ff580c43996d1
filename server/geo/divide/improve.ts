/**
 * Stage 7 — improvement: local search over the grouping, with one objective ordered as
 *
 *   0. rivers, water and rail crossed inside grids (metres): never made worse, as in grouping;
 *   1. households out of range (how far each grid is outside [min, max], summed), then the
 *      grids out of range — a grid that is one unit over the maximum (a tower, a compound)
 *      counts as in range: no border can divide it, and joining it to others would only hide
 *      it (four grids of 288 are better than one of 1,152, though fewer grids are out);
 *   2. strong barriers crossed inside grids (metres; river, water and rail count ten times);
 *   3. the division's own cuts inside grids (metres, more is better): a cut left between two
 *      grids is a border on no mapped line, so among grids equally in range the ones whose
 *      borders run along roads and paths win, even where they are a little less round;
 *   4. border cost (the weight of the lines erased inside grids), then compactness.
 *
 * Three kinds of move, each taken only when it makes the objective better in that order:
 * - move a unit on a grid's edge to the neighbouring grid (the grid it leaves stays connected);
 * - merge two neighbouring grids;
 * - recombine two neighbouring grids and split their units again along a random spanning tree
 *   (as ReCom does), keeping the best split of a few trees — for a grid out of range, and for a
 *   grid in range with a cut on its edge (the pair may be redrawn with the cut inside);
 * - recombine three neighbouring grids into two (three grids of 288 make two of 432);
 * - recombine three neighbouring grids into three (one cut off the size of a grid, the rest
 *   split in two): coarse units that no single move or pair can trade.
 * Runs until a pass changes nothing, or until it has looked at `budget` units (a count of work,
 * not of time, so that the same input gives the same grids on a busy machine as on an idle one).
 * Deterministic (seeded). This module runs the passes; the objective is improve/score.ts, the
 * random spanning trees improve/trees.ts, the recombinations improve/splits.ts.
 */
import { seededRandom } from '../random.js';
import type { Limits } from './aggregate.js';
import type { Unit, UnitLink } from './stages/units.js';
import { addScores as add, better, neighbourLists, scorer, type Meter } from './improve/score.js';
import { recombine, recombineThree, type SplitSearch } from './improve/splits.js';

/** Units looked at, at most: a town of 10,000 buildings or a dense centre of 1,300 settles within 0.3–0.7 million. */
export const IMPROVE_BUDGET = 3_000_000;
/** Cut on a grid's edge (metres) from which a grid in range is recombined with its neighbours too. */
const CUT_ON_EDGE_M = 10;
/** Recombinations (each of its own random trees) of a pair in range that neither changed since. */
const PAIR_TRIES = 3;

export function improve(units: Unit[], links: UnitLink[], clusterOf: Int32Array, limits: Limits, budget = IMPROVE_BUDGET): Int32Array {
  const meter: Meter = { work: 0 };
  const spent = () => meter.work > budget;
  const assignment = Int32Array.from(clusterOf);
  const neighbours = neighbourLists(units, links, assignment);
  const count = Math.max(0, ...assignment) + 1;
  const members: Set<number>[] = Array.from({ length: count }, () => new Set());
  assignment.forEach((c, u) => c >= 0 && members[c].add(u));
  const objective = scorer(units, neighbours, limits, meter);
  const { scoreOf } = objective;
  const search: SplitSearch = { units, neighbours, limits, meter, scorer: objective, random: seededRandom(14) };
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

  /** Length of the division's cuts on a grid's edge: border on no mapped line. */
  const cutOnEdge = (c: number): number => {
    let length = 0;
    for (const u of members[c]) for (const n of neighbours[u]) if (assignment[n.unit] !== c) length += n.cut;
    return length;
  };

  // When each grid last changed, and when (and how often since) a pair in range was recombined
  // to no avail: a pair neither of whose grids changed since is tried again PAIR_TRIES times at
  // most, each with new random trees (the town of 10,000 buildings has hundreds of pairs in
  // range with a cut between them, which would otherwise be recombined on every pass).
  const changedAt = new Int32Array(count);
  let clock = 0;
  const touch = (...grids: number[]) => {
    clock++;
    for (const c of grids) changedAt[c] = clock;
  };
  const tried = new Map<number, { at: number; times: number }>();

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
          touch(from, to);
          break;
        }
        assignment[u] = from;
        members[to].delete(u);
        members[from].add(u);
      }
    }
    // Merges and recombinations of neighbouring grids, where one of them is out of range or
    // has a cut on its edge (a recombination may take the cut inside a grid).
    for (let a = 0; a < count; a++) {
      if (spent()) break;
      if (members[a].size === 0) continue;
      const score = gridScore(a);
      if (score.out === 0 && cutOnEdge(a) < CUT_ON_EDGE_M) continue;
      let done = false;
      for (const b of adjacentGrids(a)) {
        const pair = a * count + b;
        const last = tried.get(pair);
        const unchanged = last !== undefined && last.at >= Math.max(changedAt[a], changedAt[b]);
        if (score.out === 0 && unchanged && last.times >= PAIR_TRIES) continue;
        const before = pairScore(a, b);
        const union = [...members[a], ...members[b]];
        const merged = scoreOf(union, (u) => assignment[u] === a || assignment[u] === b);
        const split = union.length >= 2 ? recombine(search, union, 6) : undefined;
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
        if (done) {
          touch(a, b);
          break;
        }
        tried.set(pair, { at: clock, times: unchanged ? last.times + 1 : 1 });
      }
      // Three grids into two: a with a neighbour b and a neighbour c of either.
      if (!done && score.deviation > 0) {
        for (const b of adjacentGrids(a)) {
          for (const c of new Set([...adjacentGrids(a), ...adjacentGrids(b)])) {
            if (c === a || c === b || done) continue;
            const before = add(pairScore(a, b), gridScore(c));
            const union = [...members[a], ...members[b], ...members[c]];
            const split = recombine(search, union, 6);
            if (!split || !better(split[2], before)) continue;
            for (const u of split[0]) assignment[u] = a;
            for (const u of split[1]) assignment[u] = b;
            members[a] = new Set(split[0]);
            members[b] = new Set(split[1]);
            members[c] = new Set();
            touch(a, b, c);
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
            const split = recombineThree(search, [...members[a], ...members[b], ...members[c]], 3);
            if (!split || !better(split[3], before)) continue;
            [a, b, c].forEach((grid, i) => {
              for (const u of split[i] as number[]) assignment[u] = grid;
              members[grid] = new Set(split[i] as number[]);
            });
            touch(a, b, c);
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
