/**
 * The build of a GridIndex, in the order it runs (see grid-index.ts for what the index is):
 *
 *   1. flattenGrids — every ring into one vertex array, with per-grid bounding boxes;
 *   2. boxTree      — a flatbush tree of those boxes, for near / nearest;
 *   3. chooseLattice — the cell size and the lattice over the grids' extent;
 *   4. traceEdges   — which edges meet which cells; which untouched cells lie inside which grid;
 *   5. classifyCells — pure cells get their answer, mixed cells their incidences grouped;
 *   6. packBlocks   — each mixed cell's candidates, edge runs, parity and flips in one array.
 *
 * Each phase is a function of the previous phases' plain typed arrays, so that it can be tested
 * and measured on its own; none keeps state.
 */
import Flatbush from 'flatbush';
import type { Position } from 'geojson';
import { M_PER_DEG_LAT, RAD } from '../earth.js';
import { floatList, intList, type IntList } from './growable-list.js';
import { rayCrosses, segmentMeetsBox } from './predicates.js';
import type { IndexedGrid } from './grid-index.js';

/** Cells across a median grid when no cell size is given (see scripts/bench/locate-index.ts). */
const CELLS_PER_GRID = 6;
const MAX_CELLS = 1 << 24;
/** The lattice's origin lies this many cells south-west of the extent's corner (2 − φ). */
const LATTICE_OFFSET = 0.3819660112501051;
const NONE: number[] = [];

// ---------------------------------------------------------------------------------------------
// 1. Flat rings

/** Every grid's rings, closed, in one vertex array. */
export interface FlatRings {
  /** Number of grids. */
  size: number;
  /** x, y of every vertex; each ring closed (its first vertex repeated last). */
  xy: Float64Array;
  /** Ring r's vertices are ringStart[r] … ringStart[r + 1] − 1 (one more entry than rings). */
  ringStart: Int32Array;
  /** Grid g's rings are gridRing[g] … gridRing[g + 1] − 1. */
  gridRing: Int32Array;
  /** The grid of each ring, and the ring of each vertex (build only). */
  ringGrid: Int32Array;
  ringOf: Int32Array;
  /** Per grid minX, minY, maxX, maxY; a grid without vertices has minX > maxX. */
  bbox: Float64Array;
  west: number;
  south: number;
  east: number;
  north: number;
}

function polygonsOf(grid: IndexedGrid): Position[][][] {
  const g = grid.geometry;
  if (g?.type === 'Polygon') return [g.coordinates];
  if (g?.type === 'MultiPolygon') return g.coordinates;
  throw new TypeError(`grid ${grid.code}: geometry must be a Polygon or MultiPolygon`);
}

/** Phase 1: the grids' rings in flat arrays, closed, with bounding boxes. Throws on a non-finite coordinate. */
export function flattenGrids(grids: readonly IndexedGrid[]): FlatRings {
  const n = grids.length;
  let vertexCount = 0;
  let ringCount = 0;
  const polygons = grids.map(polygonsOf);
  for (const polys of polygons) {
    for (const rings of polys) {
      for (const ring of rings) {
        if (ring.length === 0) continue;
        const [first, last] = [ring[0], ring[ring.length - 1]];
        ringCount++;
        vertexCount += ring.length + (ring.length > 1 && first[0] === last[0] && first[1] === last[1] ? 0 : 1);
      }
    }
  }
  const xy = new Float64Array(vertexCount * 2);
  const ringStart = new Int32Array(ringCount + 1);
  const gridRing = new Int32Array(n + 1);
  const ringGrid = new Int32Array(ringCount);
  const ringOf = new Int32Array(vertexCount);
  const bbox = new Float64Array(n * 4);
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  let v = 0;
  let r = 0;
  for (let g = 0; g < n; g++) {
    gridRing[g] = r;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const rings of polygons[g]) {
      for (const ring of rings) {
        if (ring.length === 0) continue;
        ringGrid[r] = g;
        ringStart[r++] = v;
        for (const p of ring) {
          const x = p[0];
          const y = p[1];
          if (!Number.isFinite(x) || !Number.isFinite(y)) throw new RangeError(`grid ${grids[g].code}: non-finite coordinate`);
          xy[2 * v] = x;
          xy[2 * v + 1] = y;
          v++;
          if (x < minX) minX = x;
          if (x > maxX) maxX = x;
          if (y < minY) minY = y;
          if (y > maxY) maxY = y;
        }
        const first = ringStart[r - 1];
        if (ring.length === 1 || xy[2 * first] !== xy[2 * v - 2] || xy[2 * first + 1] !== xy[2 * v - 1]) {
          xy[2 * v] = xy[2 * first]; // close the ring
          xy[2 * v + 1] = xy[2 * first + 1];
          v++;
        }
        ringOf.fill(r - 1, first, v);
      }
    }
    bbox[4 * g] = minX;
    bbox[4 * g + 1] = minY;
    bbox[4 * g + 2] = maxX;
    bbox[4 * g + 3] = maxY;
    if (minX < west) west = minX;
    if (minY < south) south = minY;
    if (maxX > east) east = maxX;
    if (maxY > north) north = maxY;
  }
  gridRing[n] = r;
  ringStart[r] = v;
  return { size: n, xy, ringStart, gridRing, ringGrid, ringOf, bbox, west, south, east, north };
}

/** Parity of the crossings of the eastward ray from (px, py) by grid g's edges; the point must lie on none of them. */
export function rayParity(flat: FlatRings, g: number, px: number, py: number): number {
  const { xy, gridRing, ringStart } = flat;
  let parity = 0;
  for (let ri = gridRing[g]; ri < gridRing[g + 1]; ri++) {
    for (let e = ringStart[ri], last = ringStart[ri + 1] - 1; e < last; e++) {
      if (rayCrosses(xy[2 * e], xy[2 * e + 1], xy[2 * e + 2], xy[2 * e + 3], px, py)) parity ^= 1;
    }
  }
  return parity;
}

// ---------------------------------------------------------------------------------------------
// 2. Bounding-box tree

/** Phase 2: a flatbush tree of the boxes of the grids that have vertices; ids[item] is the grid. */
export function boxTree(flat: FlatRings): { tree: Flatbush | null; ids: Int32Array } {
  const { bbox, size } = flat;
  const withVertices: number[] = [];
  for (let g = 0; g < size; g++) if (bbox[4 * g] <= bbox[4 * g + 2]) withVertices.push(g);
  const ids = Int32Array.from(withVertices);
  if (withVertices.length === 0) return { tree: null, ids };
  const tree = new Flatbush(withVertices.length);
  for (const g of withVertices) tree.add(bbox[4 * g], bbox[4 * g + 1], bbox[4 * g + 2], bbox[4 * g + 3]);
  tree.finish();
  return { tree, ids };
}

// ---------------------------------------------------------------------------------------------
// 3. The lattice

/** A uniform lattice of cells in degrees: column i spans originLon + i·cellLon … + (i + 1)·cellLon, row j likewise. */
export interface Lattice {
  originLon: number;
  originLat: number;
  cellLon: number;
  cellLat: number;
  columns: number;
  rows: number;
  /** The cells' side in metres (geometric mean of their width and height). */
  cellSizeM: number;
  /** How far the build grows each cell's box (far more than the rounding of point → cell). */
  marginX: number;
  marginY: number;
  /** Slack when finding the columns (rows) an edge may meet, before the exact test. */
  tolX: number;
  tolY: number;
}

/**
 * Phase 3: the lattice over the extent of the grids `ids`. The default cell is a sixth of the
 * median grid's size; no cell is thinner than 1e-9° (so the build's rounding stays within one
 * column), and the lattice has at most 2²⁴ cells.
 */
export function chooseLattice(flat: FlatRings, ids: Int32Array, cellSizeM?: number): Lattice {
  const { bbox, west, south, east, north } = flat;
  const mPerDegLat = M_PER_DEG_LAT;
  const mPerDegLon = Math.max(mPerDegLat * Math.cos(((south + north) / 2) * RAD), 1e-6);
  if (cellSizeM !== undefined && !(cellSizeM > 0 && Number.isFinite(cellSizeM))) {
    throw new RangeError(`cellSizeM must be a positive number, not ${cellSizeM}`);
  }
  if (cellSizeM === undefined) {
    const sizes: number[] = [];
    for (const g of ids) {
      const w = (bbox[4 * g + 2] - bbox[4 * g]) * mPerDegLon;
      const h = (bbox[4 * g + 3] - bbox[4 * g + 1]) * mPerDegLat;
      sizes.push(Math.sqrt(w * h) || Math.max(w, h));
    }
    sizes.sort((a, b) => a - b);
    cellSizeM = (sizes[sizes.length >> 1] ?? 0) / CELLS_PER_GRID;
  }
  let cellLon = Math.max(cellSizeM / mPerDegLon, 1e-9, (east - west) / 65536);
  let cellLat = Math.max(cellSizeM / mPerDegLat, 1e-9, (north - south) / 65536);
  // The lattice starts a fraction of a cell south-west of the extent, so that data drawn on a
  // regular lattice from the same corner (axis-aligned grids) do not run along its lines.
  let originLon = 0;
  let originLat = 0;
  let columns = 0;
  let rows = 0;
  for (;;) {
    originLon = west - LATTICE_OFFSET * cellLon;
    originLat = south - LATTICE_OFFSET * cellLat;
    columns = ids.length > 0 ? Math.floor((east - originLon) / cellLon) + 1 : 0;
    rows = ids.length > 0 ? Math.floor((north - originLat) / cellLat) + 1 : 0;
    if (columns * rows <= MAX_CELLS) break;
    const grow = Math.sqrt((columns * rows) / MAX_CELLS) * 1.01;
    cellLon *= grow;
    cellLat *= grow;
  }
  // A point maps to column ⌊(lon - originLon) / cellLon⌋ up to a few ulps; the boxes the build
  // tests are grown by far more than that on every side. The columns (rows) whose boxes an edge
  // may meet are found in floating point with slack far more than that arithmetic's error, far
  // less than a cell; each box is then tested exactly.
  const marginX = cellLon * 1e-6 + 1e-14 * (Math.abs(originLon) + Math.abs(east));
  const marginY = cellLat * 1e-6 + 1e-14 * (Math.abs(originLat) + Math.abs(north));
  return {
    originLon,
    originLat,
    cellLon,
    cellLat,
    columns,
    rows,
    cellSizeM: Math.sqrt(cellLon * mPerDegLon * cellLat * mPerDegLat),
    marginX,
    marginY,
    tolX: 2 * marginX + 1e-3 * cellLon,
    tolY: 2 * marginY + 1e-3 * cellLat,
  };
}

/** The grown box of column i / row j, and the column / row of a coordinate (clamped to the lattice). */
export function latticeBoxes(l: Lattice) {
  const invLon = 1 / l.cellLon;
  const invLat = 1 / l.cellLat;
  return {
    x0: (i: number) => l.originLon + i * l.cellLon - l.marginX,
    x1: (i: number) => l.originLon + (i + 1) * l.cellLon + l.marginX,
    y0: (j: number) => l.originLat + j * l.cellLat - l.marginY,
    y1: (j: number) => l.originLat + (j + 1) * l.cellLat + l.marginY,
    column: (x: number) => Math.min(l.columns - 1, Math.max(0, Math.floor((x - l.originLon) * invLon))),
    row: (y: number) => Math.min(l.rows - 1, Math.max(0, Math.floor((y - l.originLat) * invLat))),
  };
}

// ---------------------------------------------------------------------------------------------
// 4. Edges against cells

/** What tracing the edges through the lattice finds. */
export interface EdgeTrace {
  /** Incidences (cell, edge), edge e joining vertices e and e + 1, in code order of their grids. */
  incCell: IntList;
  incEdge: IntList;
  /** Pairs (cell, grid): a cell no edge of the grid meets, wholly inside it. */
  contained: IntList;
  /** Per grid, its edges straddling a row's reference height y0(j): pairs (edge, row) from straddleStart[g] to straddleEnd[g]. */
  straddle: IntList;
  straddleStart: Int32Array;
  straddleEnd: Int32Array;
}

/** The grids' indices in code order (string order; equal codes: lowest index first) — the boundary rule's order. */
export function codeOrder(codes: readonly string[]): number[] {
  return Array.from({ length: codes.length }, (_, g) => g).sort((a, b) => (codes[a] < codes[b] ? -1 : codes[a] > codes[b] ? 1 : a - b));
}

/** Phase 4: which edges meet which cells (exactly), and which untouched cells lie inside which grid. */
export function traceEdges(flat: FlatRings, lattice: Lattice, order: readonly number[]): EdgeTrace {
  const { xy, ringStart, gridRing, bbox } = flat;
  const { columns, tolX, tolY } = lattice;
  const { x0, x1, y0, y1, column, row } = latticeBoxes(lattice);
  const vertexCount = xy.length / 2;
  const touchedBy = new Int32Array(columns * lattice.rows); // last grid (index + 1) with an edge in the cell
  const incCell = intList(vertexCount * 1.5);
  const incEdge = intList(vertexCount * 1.5);
  const contained = intList();
  const straddle = intList(vertexCount / 2);
  const straddleStart = new Int32Array(flat.size);
  const straddleEnd = new Int32Array(flat.size);
  for (const g of order) {
    straddleStart[g] = straddle.length;
    if (bbox[4 * g] > bbox[4 * g + 2]) continue;
    for (let ri = gridRing[g]; ri < gridRing[g + 1]; ri++) {
      for (let e = ringStart[ri]; e < ringStart[ri + 1] - 1; e++) {
        const ax = xy[2 * e];
        const ay = xy[2 * e + 1];
        const bx = xy[2 * e + 2];
        const by = xy[2 * e + 3];
        const j0 = row(Math.min(ay, by) - tolY);
        const j1 = row(Math.max(ay, by) + tolY);
        for (let j = j0; j <= j1; j++) {
          const sy0 = y0(j);
          const sy1 = y1(j);
          if ((ay < sy0 && by < sy0) || (ay > sy1 && by > sy1)) continue;
          if (ay > sy0 !== by > sy0) {
            straddle.push(e);
            straddle.push(j);
          }
          let xa = Math.min(ax, bx);
          let xb = Math.max(ax, bx);
          if (ay !== by) {
            const t0 = Math.min(1, Math.max(0, (sy0 - ay) / (by - ay)));
            const t1 = Math.min(1, Math.max(0, (sy1 - ay) / (by - ay)));
            const xt0 = ax + t0 * (bx - ax);
            const xt1 = ax + t1 * (bx - ax);
            xa = Math.min(xt0, xt1);
            xb = Math.max(xt0, xt1);
          }
          const i0 = column(xa - tolX);
          const i1 = column(xb + tolX);
          for (let i = i0; i <= i1; i++) {
            if (!segmentMeetsBox(ax, ay, bx, by, x0(i), sy0, x1(i), sy1)) continue;
            const c = j * columns + i;
            incCell.push(c);
            incEdge.push(e);
            touchedBy[c] = g + 1;
          }
        }
      }
    }
    straddleEnd[g] = straddle.length;
    // Cells of g's bounding box that no edge of g meets are wholly inside or outside g; one
    // test per run of such cells along a row.
    const i0 = column(bbox[4 * g]);
    const i1 = column(bbox[4 * g + 2]);
    for (let j = row(bbox[4 * g + 1]), j1 = row(bbox[4 * g + 3]); j <= j1; j++) {
      let state = -1;
      for (let i = i0; i <= i1; i++) {
        const c = j * columns + i;
        if (touchedBy[c] === g + 1) {
          state = -1;
          continue;
        }
        if (state < 0) state = rayParity(flat, g, (x0(i) + x1(i)) / 2, (y0(j) + y1(j)) / 2);
        if (state === 1) {
          contained.push(c);
          contained.push(g);
        }
      }
    }
  }
  return { incCell, incEdge, contained, straddle, straddleStart, straddleEnd };
}

// ---------------------------------------------------------------------------------------------
// 5. Cells

/** Cells classified: a pure cell's answer, and a mixed cell's incidences grouped. */
export interface CellClasses {
  /** Per cell: the grid of a pure cell, −1 for an empty one; mixed cells −1 until packBlocks marks them. */
  cells: Int32Array;
  /** Mixed cell c's edges are edgeByCell[start[c]] … edgeByCell[start[c + 1] − 1] (stable: code order, then edge order). */
  start: Int32Array;
  edgeByCell: Int32Array;
  /** Mixed cell → the grids wholly containing it (code order). */
  fullIn: Map<number, number[]>;
}

/** Phase 5: pure answers, and the incidences grouped by cell (a counting sort, stable). */
export function classifyCells(trace: EdgeTrace, cellCount: number): CellClasses {
  const { incCell, incEdge, contained } = trace;
  const cells = new Int32Array(cellCount).fill(-1);
  const start = new Int32Array(cellCount + 1);
  for (let k = 0; k < incCell.length; k++) start[incCell.data[k] + 1]++;
  for (let c = 0; c < cellCount; c++) start[c + 1] += start[c];
  const fill = start.slice(0, cellCount);
  const edgeByCell = new Int32Array(incCell.length);
  for (let k = 0; k < incCell.length; k++) edgeByCell[fill[incCell.data[k]]++] = incEdge.data[k];
  const fullIn = new Map<number, number[]>();
  for (let k = 0; k < contained.length; k += 2) {
    const c = contained.data[k];
    const g = contained.data[k + 1];
    if (start[c + 1] > start[c]) {
      const list = fullIn.get(c);
      if (list) list.push(g);
      else fullIn.set(c, [g]);
    } else if (cells[c] === -1) {
      cells[c] = g;
    }
  }
  return { cells, start, edgeByCell, fullIn };
}

// ---------------------------------------------------------------------------------------------
// 6. Mixed-cell blocks

/** The packed blocks of the mixed cells, with counts for the index's stats. */
export interface PackedBlocks {
  block: Float64Array;
  mixedCells: number;
  candidates: number;
  runs: number;
}

/**
 * Phase 6: a block per mixed cell, in one Float64Array so that a lookup reads one stretch of
 * memory: [candidates, then per candidate: grid, parity | runs << 1, flips, then per run: its
 * vertex count and the vertices (x, y …) copied, then the flip heights]. Marks each mixed cell
 * in `classes.cells` as −2 − (its block's offset).
 */
export function packBlocks(flat: FlatRings, lattice: Lattice, order: readonly number[], trace: EdgeTrace, classes: CellClasses): PackedBlocks {
  const { xy, ringStart, ringGrid, ringOf } = flat;
  const { straddle, straddleStart, straddleEnd } = trace;
  const { cells, start, edgeByCell, fullIn } = classes;
  const { x1, y0, y1 } = latticeBoxes(lattice);
  const columns = lattice.columns;
  const rank = new Int32Array(flat.size);
  order.forEach((g, k) => (rank[g] = k));
  const edgeMark = new Int32Array(xy.length / 2);
  let mark = 0;
  const block = floatList(4 * trace.incCell.length);
  const flips = floatList();
  let mixedCells = 0;
  let candidates = 0;
  let runs = 0;
  for (let c = 0; c < cells.length; c++) {
    const s = start[c];
    const end = start[c + 1];
    if (s === end) continue;
    mixedCells++;
    const i = c % columns;
    const j = (c - i) / columns;
    const bx1 = x1(i);
    const by0 = y0(j);
    const by1 = y1(j);
    cells[c] = -2 - block.length;
    const header = block.length;
    block.push(0);
    let count = 0;
    const full = fullIn.get(c) ?? NONE;
    let f = 0;
    let k = s;
    while (k < end || f < full.length) {
      const listed = k < end ? ringGrid[ringOf[edgeByCell[k]]] : -1;
      if (f < full.length && (listed < 0 || rank[full[f]] < rank[listed])) {
        // A grid holding the whole cell: always inside, and no later candidate can win.
        block.push(full[f]);
        block.push(1);
        block.push(0);
        count++;
        break;
      }
      const g = listed;
      mark++;
      let kEnd = k;
      while (kEnd < end && ringGrid[ringOf[edgeByCell[kEnd]]] === g) edgeMark[edgeByCell[kEnd++]] = mark;
      const at = block.length;
      block.push(g);
      block.push(0); // parity | runs << 1, patched below
      block.push(0); // flips, patched below
      flips.length = 0;
      let runCount = 0;
      // Runs of consecutive edges; a run's end is dangling when the ring's next (previous) edge
      // is not listed, and then, if east of the cell and level with it, a flip height.
      while (k < kEnd) {
        const first = edgeByCell[k];
        let last = first;
        k++;
        while (k < kEnd && edgeByCell[k] === last + 1) last = edgeByCell[k++];
        block.push(last + 2 - first);
        for (let q = 2 * first; q < 2 * last + 4; q++) block.push(xy[q]);
        runCount++;
        const ri = ringOf[first];
        const prev = first === ringStart[ri] ? ringStart[ri + 1] - 2 : first - 1;
        const next = last + 1 === ringStart[ri + 1] - 1 ? ringStart[ri] : last + 1;
        for (let side = 0; side < 2; side++) {
          const vertex = side === 0 ? first : last + 1;
          const neighbour = side === 0 ? prev : next;
          if (edgeMark[neighbour] === mark) continue;
          const px = xy[2 * vertex];
          const py = xy[2 * vertex + 1];
          if (px > bx1 && py >= by0 && py <= by1) flips.push(py);
        }
      }
      // The parity of the unlisted edges' crossings of the eastward ray from the cell's
      // south-east corner, less the flips there. Edges straddling the row's reference height
      // are all listed somewhere in the row: only those need testing.
      let parity = 0;
      for (let q = straddleStart[g]; q < straddleEnd[g]; q += 2) {
        const e = straddle.data[q];
        if (straddle.data[q + 1] !== j || edgeMark[e] === mark) continue;
        if (rayCrosses(xy[2 * e], xy[2 * e + 1], xy[2 * e + 2], xy[2 * e + 3], bx1, by0)) parity ^= 1;
      }
      for (let q = 0; q < flips.length; q++) {
        if (flips.data[q] > by0) parity ^= 1;
        block.push(flips.data[q]);
      }
      block.data[at + 1] = parity | (runCount << 1);
      block.data[at + 2] = flips.length;
      count++;
      runs += runCount;
    }
    block.data[header] = count;
    candidates += count;
  }
  return { block: block.toArray(), mixedCells, candidates, runs };
}
