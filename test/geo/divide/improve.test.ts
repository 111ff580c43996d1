/**
 * The improvement phase on hand-made units (a row of blocks), where the moves it has can be
 * reasoned about one by one.
 */
import { describe, expect, it } from 'vitest';
import { improve } from '../../../server/geo/divide/improve.js';
import type { Unit, UnitLink } from '../../../server/geo/divide/stages/units.js';

/** A row of 100 m × 100 m blocks, west to east, each sharing a path with the next. */
function row(households: number[]): { units: Unit[]; links: UnitLink[] } {
  const units = households.map((h, i) => ({ households: h, buildings: 1, area: 10_000, perimeter: 400, roadSpace: false, anchor: [i * 100, 0] as [number, number] }));
  const links = households.slice(1).map((_, i) => ({ a: i, b: i + 1, length: 100, lengthByKind: { path: 100 } }));
  return { units, links };
}

const householdsOf = (households: number[], assignment: Int32Array) => {
  const grids = new Map<number, number>();
  assignment.forEach((g, u) => grids.set(g, (grids.get(g) ?? 0) + households[u]));
  return [...grids.values()];
};

describe('improve', () => {
  it('recombines three grids into three where no unit move, pair or three-into-two brings them within range', () => {
    // Grids of 515, 395 and 245: moving one block always puts its new grid out of range, no two
    // neighbours split into two grids in range, and 1,155 households make no two grids of ≤ 500;
    // 340 | 335 | 480 does.
    const households = [340, 175, 160, 235, 115, 130];
    const { units, links } = row(households);
    const before = Int32Array.from([0, 0, 1, 1, 2, 2]);
    const after = improve(units, links, before, { min: 300, max: 500 });
    const grids = householdsOf(households, after);
    expect(grids).toHaveLength(3);
    expect(grids.every((h) => h >= 300 && h <= 500), JSON.stringify(grids)).toBe(true);
    // Each grid is a run of neighbouring blocks.
    for (let u = 1; u < after.length; u++) expect(after[u] === after[u - 1] || !after.slice(0, u - 1).includes(after[u])).toBe(true);
  });

  it('takes a cut between buildings inside a grid where grids in range can be drawn along mapped lines instead', () => {
    // Four 100 m blocks of 200 households, two by two. The top two were cut apart by the
    // division (a cut follows no mapped line); every other border is a path. Grids by column
    // (both in range, as round as by row) leave the cut as their border; grids by row hold
    // the same households and leave paths only.
    //   0 | 1      0–1: cut
    //   2 | 3      2–3, 0–2, 1–3: path
    const units: Unit[] = [0, 1, 2, 3].map((i) => ({ households: 200, buildings: 1, area: 10_000, perimeter: 400, roadSpace: false, anchor: [(i % 2) * 100, -Math.floor(i / 2) * 100] as [number, number] }));
    const link = (a: number, b: number, kind: 'cut' | 'path'): UnitLink => ({ a, b, length: 100, lengthByKind: { [kind]: 100 } });
    const links = [link(0, 1, 'cut'), link(2, 3, 'path'), link(0, 2, 'path'), link(1, 3, 'path')];
    const byColumn = Int32Array.from([0, 1, 0, 1]);
    const after = improve(units, links, byColumn, { min: 300, max: 500 });
    expect(after[0]).toBe(after[1]);
    expect(after[2]).toBe(after[3]);
    expect(after[0]).not.toBe(after[2]);
  });
});
