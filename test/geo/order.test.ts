import { describe, expect, it } from 'vitest';
import { readingOrder } from '../../server/geo/order.js';

describe('readingOrder', () => {
  it('numbers a 3×2 lattice west→east along rows, rows north→south', () => {
    // Cells 1 unit tall; centres jittered a little within their row.
    const cells = [
      { x: 2, y: 0.05, height: 1 }, // south row, east
      { x: 0, y: 1.1, height: 1 }, // north row, west
      { x: 1, y: -0.1, height: 1 }, // south row, middle
      { x: 2, y: 0.9, height: 1 }, // north row, east
      { x: 1, y: 1.2, height: 1 }, // north row, middle
      { x: 0, y: 0, height: 1 }, // south row, west
    ];
    expect(readingOrder(cells)).toEqual([1, 4, 3, 5, 2, 0]);
  });

  it('is deterministic for identical positions and handles one item', () => {
    expect(readingOrder([{ x: 0, y: 0, height: 1 }])).toEqual([0]);
    expect(readingOrder([{ x: 0, y: 0, height: 1 }, { x: 0, y: 0, height: 1 }])).toEqual([0, 1]);
  });
});
