/**
 * Straight cuts through an over-full block (split.ts): a tower heavier than the balance sought
 * is parted from the rest by a clean cut, not one through it.
 */
import { describe, expect, it } from 'vitest';
import { splitBlock, type SplitItem } from '../../../server/geo/divide/split.js';
import type { PlanarPolygon, XY } from '../../../server/geo/divide/types.js';

const rectangle = (x0: number, y0: number, x1: number, y1: number): XY[] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
];
const block = (w: number, h: number): PlanarPolygon => ({ outer: [...rectangle(0, 0, w, h), [0, 0]], holes: [] });
const item = (x: number, y: number, w: number, h: number, households: number): SplitItem => {
  const outline = rectangle(x, y, x + w, y + h);
  return { households, point: [x + w / 2, y + h / 2], vertices: outline, outlines: [outline] };
};

describe('straight cuts through an over-full block', () => {
  it('parts a tower heavier than the balance sought from its neighbours cleanly', () => {
    // A tower of 862 households at the end of a row of 50s in a deep block: no cut can balance
    // 1,162 in two; the best within reach puts the tower alone on its side, along the block's
    // depth (400 m), where a shorter cut across (300 m) would run through every building.
    const tower = item(230, 170, 60, 60, 862);
    const small = [10, 40, 70, 100, 130, 160].map((x) => item(x, 190, 20, 20, 50));
    const split = splitBlock(block(300, 400), [tower, ...small], 6);
    expect(split.throughBuildings).toBe(0);
    expect(split.groups.find((group) => group.includes(tower))).toEqual([tower]);
  });
});
