/**
 * The grid index's build phases one by one (server/geo/locate/index-build.ts), and its exact
 * predicates: each phase's output checked against what it must be for small, hand-made grids.
 */
import type { Polygon, Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { M_PER_DEG_LAT } from '../../../server/geo/earth.js';
import type { IndexedGrid } from '../../../server/geo/locate/grid-index.js';
import {
  boxTree,
  chooseLattice,
  classifyCells,
  codeOrder,
  flattenGrids,
  latticeBoxes,
  packBlocks,
  rayParity,
  traceEdges,
} from '../../../server/geo/locate/index-build.js';
import { onFlatEdge, orientation, rayCrosses, segmentMeetsBox } from '../../../server/geo/locate/predicates.js';

const square = (x0: number, y0: number, x1: number, y1: number): Position[] => [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];
const polygon = (...rings: Position[][]): Polygon => ({ type: 'Polygon', coordinates: rings });

// Two 0.01° squares side by side, the second with a hole and an open ring (not closed by its writer).
const grids: IndexedGrid[] = [
  { code: 'B', geometry: polygon(square(114.3, 30.5, 114.31, 30.51)) },
  {
    code: 'A',
    geometry: polygon(square(114.31, 30.5, 114.32, 30.51).slice(0, 4), square(114.313, 30.503, 114.317, 30.507)),
  },
];

describe('predicates', () => {
  it('orientation is exact where the naive determinant rounds to the wrong sign', () => {
    // Points a hair off the line y = x, far from the origin: the plain formula loses them.
    const a = 114.3;
    expect(orientation(a, a, a + 1, a + 1, a + 0.5, a + 0.5)).toBe(0);
    const above = a + 0.5 + Number.EPSILON * 256;
    expect(orientation(a, a, a + 1, a + 1, a + 0.5, above)).toBe(1);
    expect(orientation(a + 1, a + 1, a, a, a + 0.5, above)).toBe(-1);
  });

  it('the eastward ray follows the half-open rule: a vertex at the ray counts as below it', () => {
    // Edge from (1, 0) to (1, 2): the ray from (0, 1) crosses it, from (2, 1) does not.
    expect(rayCrosses(1, 0, 1, 2, 0, 1)).toBe(true);
    expect(rayCrosses(1, 0, 1, 2, 2, 1)).toBe(false);
    // A ray at a vertex's height: the vertex counts as below the ray, so the edge going up from
    // it is crossed and the edge coming up to it from below is not (each vertex counted once).
    expect(rayCrosses(1, 1, 1, 2, 0, 1)).toBe(true);
    expect(rayCrosses(1, 0, 1, 1, 0, 1)).toBe(false);
  });

  it('a point on a horizontal edge or an endpoint is on the edge', () => {
    expect(onFlatEdge(0, 1, 2, 1, 1, 1)).toBe(true);
    expect(onFlatEdge(0, 1, 2, 1, 3, 1)).toBe(false);
    expect(onFlatEdge(0, 0, 1, 1, 1, 1)).toBe(true);
  });

  it('a segment meets a closed box when it touches its corner, not when it passes beside it', () => {
    expect(segmentMeetsBox(0, 2, 2, 0, 0, 0, 1, 1)).toBe(true); // through the corner (1, 1)
    expect(segmentMeetsBox(0, 2.1, 2.1, 0, 0, 0, 1, 1)).toBe(false);
  });
});

describe('flattenGrids', () => {
  const flat = flattenGrids(grids);

  it('flattens every ring, closing the open ones, with per-grid rings and boxes', () => {
    expect(flat.size).toBe(2);
    expect(Array.from(flat.gridRing)).toEqual([0, 1, 3]);
    expect(Array.from(flat.ringStart)).toEqual([0, 5, 10, 15]);
    // The open ring of grid A was closed: its last vertex repeats its first.
    expect([flat.xy[18], flat.xy[19]]).toEqual([flat.xy[10], flat.xy[11]]);
    expect(Array.from(flat.ringGrid)).toEqual([0, 1, 1]);
    expect(flat.ringOf[12]).toBe(2);
    expect(Array.from(flat.bbox.slice(4, 8))).toEqual([114.31, 30.5, 114.32, 30.51]);
    expect([flat.west, flat.south, flat.east, flat.north]).toEqual([114.3, 30.5, 114.32, 30.51]);
  });

  it('refuses a non-finite coordinate and a geometry that is not a polygon', () => {
    expect(() => flattenGrids([{ code: 'X', geometry: polygon([[0, 0], [NaN, 1], [1, 1], [0, 0]]) }])).toThrow(/non-finite/);
    expect(() => flattenGrids([{ code: 'X', geometry: { type: 'Point', coordinates: [0, 0] } as unknown as Polygon }])).toThrow(/Polygon/);
  });

  it('ray parity is odd inside a grid and even in its hole', () => {
    expect(rayParity(flat, 1, 114.311, 30.501)).toBe(1);
    expect(rayParity(flat, 1, 114.315, 30.505)).toBe(0);
    expect(rayParity(flat, 0, 114.315, 30.505)).toBe(0);
  });
});

describe('boxTree', () => {
  it('leaves out grids without vertices and finds the others by box', () => {
    const flat = flattenGrids([...grids, { code: 'E', geometry: polygon() }]);
    const { tree, ids } = boxTree(flat);
    expect(Array.from(ids)).toEqual([0, 1]);
    expect(tree!.search(114.305, 30.505, 114.305, 30.505).map((item) => ids[item])).toEqual([0]);
    expect(boxTree(flattenGrids([])).tree).toBeNull();
  });
});

describe('chooseLattice', () => {
  const flat = flattenGrids(grids);
  const { ids } = boxTree(flat);

  it('makes cells a sixth of the median grid by default, with the origin south-west of the extent', () => {
    const lattice = chooseLattice(flat, ids);
    const side = Math.sqrt(0.01 * M_PER_DEG_LAT * 0.01 * M_PER_DEG_LAT * Math.cos((30.505 * Math.PI) / 180));
    expect(lattice.cellSizeM).toBeCloseTo(side / 6, 0);
    expect(lattice.originLon).toBeLessThan(flat.west);
    expect(lattice.originLat).toBeLessThan(flat.south);
    expect(lattice.originLon + lattice.columns * lattice.cellLon).toBeGreaterThan(flat.east);
    expect(lattice.originLat + lattice.rows * lattice.cellLat).toBeGreaterThan(flat.north);
  });

  it('takes a given cell size, refuses a nonsensical one, and caps the number of cells', () => {
    expect(chooseLattice(flat, ids, 100).cellSizeM).toBeCloseTo(100, 0);
    expect(() => chooseLattice(flat, ids, 0)).toThrow(RangeError);
    expect(() => chooseLattice(flat, ids, Number.NaN)).toThrow(RangeError);
    const tiny = chooseLattice(flat, ids, 0.001);
    expect(tiny.columns * tiny.rows).toBeLessThanOrEqual(1 << 24);
  });

  it('maps a coordinate to the cell whose grown box holds it', () => {
    const lattice = chooseLattice(flat, ids, 50);
    const box = latticeBoxes(lattice);
    for (const [x, y] of [[114.3, 30.5], [114.31, 30.505], [114.32, 30.51], [114.3123, 30.5071]]) {
      const i = box.column(x);
      const j = box.row(y);
      expect(x).toBeGreaterThanOrEqual(box.x0(i));
      expect(x).toBeLessThanOrEqual(box.x1(i));
      expect(y).toBeGreaterThanOrEqual(box.y0(j));
      expect(y).toBeLessThanOrEqual(box.y1(j));
    }
  });
});

describe('traceEdges, classifyCells and packBlocks', () => {
  const flat = flattenGrids(grids);
  const { ids } = boxTree(flat);
  const lattice = chooseLattice(flat, ids, 100);
  const order = codeOrder(grids.map((g) => g.code));
  const trace = traceEdges(flat, lattice, order);
  const classes = classifyCells(trace, lattice.columns * lattice.rows);
  const box = latticeBoxes(lattice);
  const cellAt = (x: number, y: number) => box.row(y) * lattice.columns + box.column(x);

  it('orders grids by code, the boundary rule', () => {
    expect(order).toEqual([1, 0]);
  });

  it('lists an edge in every cell it meets and none it does not', () => {
    const edgesIn = (c: number) => {
      const found: number[] = [];
      for (let k = 0; k < trace.incCell.length; k++) if (trace.incCell.data[k] === c) found.push(trace.incEdge.data[k]);
      return found;
    };
    // The shared border x = 114.31 runs through the cell at (114.31, 30.505): an edge of each grid.
    const border = edgesIn(cellAt(114.31, 30.505)).map((e) => flat.ringGrid[flat.ringOf[e]]);
    expect(new Set(border)).toEqual(new Set([0, 1]));
    // The middle of grid B is far from every edge.
    expect(edgesIn(cellAt(114.305, 30.505))).toEqual([]);
  });

  it('answers pure cells from the grid holding them, leaves the hole and the outside empty', () => {
    expect(classes.cells[cellAt(114.305, 30.505)]).toBe(0);
    expect(classes.cells[cellAt(114.3115, 30.5015)]).toBe(1);
    expect(classes.cells[cellAt(114.315, 30.505)]).toBe(-1); // the hole of A
  });

  it('packs a block per mixed cell, naming its candidates in code order', () => {
    const packed = packBlocks(flat, lattice, order, trace, classes);
    const c = cellAt(114.31, 30.505);
    const offset = -2 - classes.cells[c];
    expect(offset).toBeGreaterThanOrEqual(0);
    const candidates = packed.block[offset];
    expect(candidates).toBe(2);
    expect(packed.block[offset + 1]).toBe(1); // grid A (code 'A') first
    expect(packed.mixedCells).toBe(classes.cells.filter((v) => v < -1).length);
    expect(packed.candidates).toBeGreaterThanOrEqual(packed.mixedCells);
  });
});
