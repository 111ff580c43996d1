/**
 * The improvement's parts on hand-made units (a row of 100 m × 100 m blocks sharing paths):
 * the objective and its order, random spanning trees, and the two-way splits built on them.
 */
import { describe, expect, it } from 'vitest';
import { better, neighbourLists, scorer, type Score } from '../../../server/geo/divide/improve/score.js';
import { randomSpanningTree, subtree } from '../../../server/geo/divide/improve/trees.js';
import { exactSplit, recombine, type SplitSearch } from '../../../server/geo/divide/improve/splits.js';
import { seededRandom } from '../../../server/geo/random.js';
import type { Unit, UnitLink } from '../../../server/geo/divide/stages/units.js';

const limits = { min: 300, max: 500 };

function row(households: number[]): { units: Unit[]; links: UnitLink[] } {
  const units = households.map((h, i) => ({ households: h, buildings: 1, area: 10_000, perimeter: 400, roadSpace: false, anchor: [i * 100, 0] as [number, number] }));
  const links = households.slice(1).map((_, i) => ({ a: i, b: i + 1, length: 100, lengthByKind: { path: 100 } }));
  return { units, links };
}

function searchOf(households: number[]): SplitSearch {
  const { units, links } = row(households);
  const neighbours = neighbourLists(units, links, new Int32Array(units.length));
  const meter = { work: 0 };
  return { units, neighbours, limits, meter, scorer: scorer(units, neighbours, limits, meter), random: seededRandom(14) };
}

const score = (s: Partial<Score>): Score => ({ hard: 0, out: 0, deviation: 0, strong: 0, cutInside: 0, cost: 0, roundness: 0, ...s });

describe('the improvement objective', () => {
  it('orders hard barriers, then households out of range, then strong barriers, then cuts inside grids, then cost with compactness', () => {
    expect(better(score({ hard: 0, deviation: 500 }), score({ hard: 50 }))).toBe(true);
    expect(better(score({ deviation: 0, strong: 900 }), score({ deviation: 20 }))).toBe(true);
    expect(better(score({ strong: 0, cost: 999 }), score({ strong: 40 }))).toBe(true);
    // More of the division's cuts inside grids (fewer left as borders) before cost and compactness.
    expect(better(score({ cutInside: 100, cost: 50, roundness: 3 }), score({ cutInside: 0, cost: 10, roundness: 2 }))).toBe(true);
    expect(better(score({ strong: 40, cutInside: 100 }), score({ strong: 0 }))).toBe(false);
    // Lower roundness is better only where the cost is no higher.
    expect(better(score({ cost: 10, roundness: 2 }), score({ cost: 10, roundness: 3 }))).toBe(true);
    expect(better(score({ cost: 11, roundness: 2 }), score({ cost: 10, roundness: 3 }))).toBe(false);
  });

  it('scores a grid from its units: erased lines, perimeter less the shared border, households out of range', () => {
    const { scorer: s, meter } = searchOf([200, 250, 900]);
    const two = s.scoreOf([0, 1], (u) => u <= 1);
    expect(two.cost).toBeCloseTo(100); // 100 m of path erased, weight 1
    expect(two.roundness).toBeCloseTo((600 * 600) / (4 * Math.PI * 20_000));
    expect([two.out, two.deviation]).toEqual([0, 0]);
    expect(s.scoreOf([0], (u) => u === 0)).toMatchObject({ out: 1, deviation: 100 });
    // One unit over the maximum (a tower) counts as in range: no border can divide it.
    expect(s.scoreOf([2], (u) => u === 2)).toMatchObject({ out: 0, deviation: 0 });
    expect(meter.work).toBeGreaterThan(0);
  });
});

describe('random spanning trees', () => {
  it('span a connected set, with the households under each unit, and none for a set in two pieces', () => {
    const { units, neighbours } = searchOf([10, 20, 30, 40, 50]);
    const set = [0, 1, 2, 3, 4];
    const tree = randomSpanningTree(set, new Set(set), neighbours, (u) => units[u].households, seededRandom(1))!;
    expect([...tree.order].sort()).toEqual(set);
    expect(tree.below.get(0)).toBe(150);
    // On a row the tree is the row: the subtree under unit 2 (rooted at 0) is 2, 3, 4.
    expect([...subtree(2, tree.children)].sort()).toEqual([2, 3, 4]);
    expect(tree.below.get(2)).toBe(120);
    expect(randomSpanningTree([0, 2], new Set([0, 2]), neighbours, (u) => units[u].households, seededRandom(1))).toBeUndefined();
  });
});

describe('two-way splits', () => {
  it('tries every connected split of a small set and keeps the best: both in range, then the rounder', () => {
    // 120 | 680, 400 | 400 and 490 | 310: two are in range; two blocks a side are rounder than three and one.
    const split = exactSplit(searchOf([120, 280, 90, 310]), [0, 1, 2, 3])!;
    expect([split[0], split[1]]).toEqual([[0, 1], [2, 3]]);
  });

  it('splits a large set along random spanning trees into two connected grids in range', () => {
    const search = searchOf(new Array(14).fill(60)); // 840 households: two grids of 300–500
    const [a, b] = recombine(search, Array.from({ length: 14 }, (_, i) => i), 6)!;
    for (const side of [a, b]) {
      const sorted = [...side].sort((x, y) => x - y);
      expect(sorted[sorted.length - 1] - sorted[0] + 1).toBe(sorted.length); // contiguous on the row
      expect(side.length * 60).toBeGreaterThanOrEqual(300);
      expect(side.length * 60).toBeLessThanOrEqual(500);
    }
  });
});
