/**
 * The improvement's objective (see improve.ts): a grid's score from its units, compared
 * lexicographically, and the neighbour lists it is computed from. Scoring counts its work
 * (units looked at) on a meter, so that the search is bounded by work, not by time.
 */
import { borderCost, HARD_KINDS, kindsLength, STRONG_KINDS, type Border, type Limits } from '../aggregate.js';
import type { Unit, UnitLink } from '../stages/units.js';

/** A unit's link to a neighbouring unit, with what erasing the border between them costs. */
export interface Neighbour {
  unit: number;
  /** River, water or rail between homes (metres). */
  hard: number;
  /** Strong barriers between homes (metres; river, water and rail count ten times). */
  strong: number;
  /** Border cost (aggregate.ts) of the lines between them. */
  cost: number;
  /** Length of border they share. */
  shared: number;
  /** Of it, the division's own cuts (no mapped line). */
  cut: number;
}

/** Objective of a set of grids, compared lexicographically (see improve.ts). */
export interface Score {
  hard: number;
  out: number;
  deviation: number;
  strong: number;
  /** Cut length inside grids (metres), more is better: a metre of cut not inside a grid is a metre of border on no mapped line. */
  cutInside: number;
  cost: number;
  roundness: number;
}

/** Cut length inside grids that counts as a difference (metres). */
const CUT_TOLERANCE_M = 5;

export const better = (a: Score, b: Score): boolean => {
  if (Math.abs(a.hard - b.hard) > 1) return a.hard < b.hard;
  if (Math.abs(a.deviation - b.deviation) > 0.5) return a.deviation < b.deviation;
  if (a.out !== b.out) return a.out < b.out;
  if (Math.abs(a.strong - b.strong) > 1) return a.strong < b.strong;
  if (Math.abs(a.cutInside - b.cutInside) > CUT_TOLERANCE_M) return a.cutInside > b.cutInside;
  return a.cost <= b.cost + 1e-6 && a.roundness < b.roundness - 1e-3;
};

/** The score of two sets of grids together. */
export const addScores = (a: Score, b: Score): Score => ({
  hard: a.hard + b.hard,
  out: a.out + b.out,
  deviation: a.deviation + b.deviation,
  strong: a.strong + b.strong,
  cutInside: a.cutInside + b.cutInside,
  cost: a.cost + b.cost,
  roundness: a.roundness + b.roundness,
});

/** Neighbours of each unit, over the links between units that are in a grid. */
export function neighbourLists(units: Unit[], links: UnitLink[], assignment: Int32Array): Neighbour[][] {
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
    const cut = kinds.cut ?? 0;
    neighbours[link.a].push({ unit: link.b, hard, strong, cost, shared: link.length, cut });
    neighbours[link.b].push({ unit: link.a, hard, strong, cost, shared: link.length, cut });
  }
  return neighbours;
}

/** Work done so far: units (and their links) looked at, splits listed. */
export interface Meter {
  work: number;
}

export interface Scorer {
  /** How far a grid of `households` is outside [min, max]. */
  deviation: (households: number) => number;
  /** The score of one grid made of `set`; `inSet` says whether a unit is in it. */
  scoreOf: (set: Iterable<number>, inSet: (u: number) => boolean) => Score;
}

export function scorer(units: Unit[], neighbours: Neighbour[][], { min, max }: Limits, meter: Meter): Scorer {
  const deviation = (h: number) => (h < min ? min - h : h > max ? h - max : 0);
  const scoreOf = (set: Iterable<number>, inSet: (u: number) => boolean): Score => {
    let h = 0;
    let area = 0;
    let perimeter = 0;
    let hard = 0;
    let strong = 0;
    let cost = 0;
    let cutInside = 0;
    let size = 0;
    for (const u of set) {
      size++;
      meter.work += 1 + neighbours[u].length;
      h += units[u].households;
      area += units[u].area;
      perimeter += units[u].perimeter;
      for (const n of neighbours[u]) {
        if (!inSet(n.unit)) continue;
        // Each internal link is seen from both ends: half from each.
        hard += n.hard / 2;
        strong += n.strong / 2;
        cost += n.cost / 2;
        cutInside += n.cut / 2;
        perimeter -= n.shared;
      }
    }
    if (size === 0) return { hard: 0, out: 0, deviation: 0, strong: 0, cutInside: 0, cost: 0, roundness: 0 };
    // A grid that is one unit over the maximum (a tower, a compound) counts as in range.
    const indivisible = size === 1 && h > max;
    return {
      hard,
      out: !indivisible && (h < min || h > max) ? 1 : 0,
      deviation: indivisible ? 0 : deviation(h),
      strong,
      cutInside,
      cost,
      roundness: (perimeter * perimeter) / Math.max(4 * Math.PI * area, 1e-9),
    };
  };
  return { deviation, scoreOf };
}
