/**
 * GridIndex: "which grid is this point in?", answered millions of times a second.
 *
 * A uniform lattice of cells (in degrees) covers the grids' extent. At build time every cell is
 * classified exactly:
 *   - pure: no edge of any grid meets the cell, so every point in it lies in the same grids —
 *     `locate` answers with one array read (a grid index, or -1 for an empty cell);
 *   - mixed: a block of one Float64Array lists, in code order, the candidate grids, each with
 *     a copy of only the runs of its edges that meet the cell, a precomputed parity and a few
 *     "flip" heights. A point is inside candidate g iff
 *         parity ⊕ (crossings of the eastward ray from the point by g's listed edges)
 *                ⊕ (number of g's flip heights above the point)
 *     is odd. The parity stands for all of g's other edges: those that do not meet the cell
 *     cross the ray either always or never while the point stays in the cell, except for the
 *     chains that start at the end of a listed run east of the cell — whence the flips. The
 *     first candidate whose closed polygon holds the point is the answer.
 * A lookup in a mixed cell thus reads one short stretch of memory (random reads into a big
 * vertex array, not arithmetic, are what a lookup costs at 20,000 grids) and tests ~10 edges.
 *
 * Robustness. Every decision is exact: orientation tests use Shewchuk's error filter with an
 * exact BigInt fallback, ray crossings use the half-open rule (a vertex at the ray's height
 * counts as below it), and a point on an edge or vertex is detected exactly. Cells are tested
 * as closed boxes grown by a margin far larger than the rounding of the point → cell mapping,
 * so a point on (or a hair across) a lattice line is always inside the box of the cell it maps
 * to; the analysis above holds for any point in that box.
 *
 * Boundary rule: a point belongs to every grid whose closed polygon contains it (holes
 * excluded, their edges included) and the answer is the one with the lowest code (string
 * order; equal codes: lowest index) — the same as PostGIS `min(code) … WHERE ST_Intersects`.
 *
 * Coordinates are lon/lat degrees used as planar coordinates (as PostGIS geometry does);
 * grids crossing the antimeridian are not supported. Distances are metres in a local
 * equirectangular projection centred on the query point.
 */
import Flatbush from 'flatbush';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { localProjection } from '../divide/project.js';

export interface IndexedGrid {
  code: string;
  geometry: Polygon | MultiPolygon;
}

export interface Hit {
  index: number;
  code: string;
  distanceToEdgeM: number;
}

export interface NearGrid {
  index: number;
  code: string;
  distanceM: number;
}

export interface GridIndexOptions {
  /** Side of a lattice cell in metres. Default: a sixth of the median grid size (about 6 × 6 cells per grid). */
  cellSizeM?: number;
}

export interface GridIndexStats {
  /** The lattice: column i spans originLon + i·cellLon … originLon + (i + 1)·cellLon, row j likewise. */
  originLon: number;
  originLat: number;
  cellLon: number;
  cellLat: number;
  columns: number;
  rows: number;
  cellSizeM: number;
  pureCells: number;
  emptyCells: number;
  mixedCells: number;
  /** Candidate grids over all mixed cells. */
  candidates: number;
  /** Edge runs over all candidates; edges listed over all candidates. */
  runs: number;
  listedEdges: number;
  vertices: number;
  /** Bytes held by the typed arrays (vertices, cells, mixed-cell blocks, bbox tree). */
  bytes: number;
}

/** Metres per degree of latitude, from the projection the division uses. */
const M_PER_DEG_LAT = localProjection(0, 0).forward([0, 1])[1];
const RAD = Math.PI / 180;
/** Cells across a median grid when no cell size is given (see scripts/bench/locate-index.ts). */
const CELLS_PER_GRID = 6;
const MAX_CELLS = 1 << 24;
/** The lattice's origin lies this many cells south-west of the extent's corner (2 − φ). */
const LATTICE_OFFSET = 0.3819660112501051;
const NONE: number[] = [];
/** Shewchuk's ccwerrboundA: (3 + 16ε)ε with ε = 2⁻⁵³. */
const CCW_ERR = 3.3306690738754716e-16;
/** Below this the filter's products may have underflowed: decide exactly. */
const TINY = 1e-290;

// ---------------------------------------------------------------------------------------------
// Exact predicates

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** x · 2¹⁰⁷⁴ as a BigInt: every double is an integer multiple of 2⁻¹⁰⁷⁴. */
function big(x: number): bigint {
  f64[0] = x;
  const bits = u64[0];
  const exp = Number((bits >> 52n) & 0x7ffn);
  let m = bits & 0xfffffffffffffn;
  if (exp !== 0) m = (m | 0x10000000000000n) << BigInt(exp - 1);
  return bits >> 63n ? -m : m;
}

function orientExact(ax: number, ay: number, bx: number, by: number, px: number, py: number): number {
  const x = big(px);
  const y = big(py);
  const d = (big(ax) - x) * (big(by) - y) - (big(ay) - y) * (big(bx) - x);
  return d > 0n ? 1 : d < 0n ? -1 : 0;
}

/** Sign of the turn a → b → p: 1 when p is left of a→b (counter-clockwise), -1 right, 0 on the line. Exact. */
export function orient(ax: number, ay: number, bx: number, by: number, px: number, py: number): number {
  const l = (ax - px) * (by - py);
  const r = (ay - py) * (bx - px);
  const det = l - r;
  const sum = Math.abs(l) + Math.abs(r);
  if (sum > TINY) {
    const bound = CCW_ERR * sum;
    if (det > bound) return 1;
    if (-det > bound) return -1;
  }
  return orientExact(ax, ay, bx, by, px, py);
}

/** Does the closed segment a–b meet the closed box? Exact (separating axes). */
function segmentMeetsBox(ax: number, ay: number, bx: number, by: number, x0: number, y0: number, x1: number, y1: number): boolean {
  if ((ax < x0 && bx < x0) || (ax > x1 && bx > x1) || (ay < y0 && by < y0) || (ay > y1 && by > y1)) return false;
  const s = orient(ax, ay, bx, by, x0, y0);
  if (s === 0) return true;
  return orient(ax, ay, bx, by, x1, y0) !== s || orient(ax, ay, bx, by, x1, y1) !== s || orient(ax, ay, bx, by, x0, y1) !== s;
}

/** Does the eastward ray from p cross edge a–b (half-open rule)? p must not lie on the edge. */
function crosses(ax: number, ay: number, bx: number, by: number, px: number, py: number): boolean {
  if (ay > py === by > py) return false;
  const s = orient(ax, ay, bx, by, px, py);
  return by > py ? s > 0 : s < 0;
}

/** For an edge the eastward ray from p does not straddle: is p on it? (Only an endpoint or a horizontal edge can hold it.) */
function onFlatEdge(ax: number, ay: number, bx: number, by: number, px: number, py: number): boolean {
  if (ay === py) {
    if (ax === px) return true;
    if (by === py) return (ax <= px && px <= bx) || (bx <= px && px <= ax);
  }
  return by === py && bx === px;
}

// ---------------------------------------------------------------------------------------------
// Growable typed arrays (build time only)

/** A typed array that grows by doubling: one class for the Int32 and Float64 lists. */
class GrowableList<T extends Int32Array | Float64Array> {
  data: T;
  length = 0;
  constructor(
    private readonly allocate: (size: number) => T,
    capacity = 256,
  ) {
    this.data = allocate(Math.max(16, Math.ceil(capacity)));
  }
  push(value: number): void {
    if (this.length === this.data.length) {
      const next = this.allocate(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }
  toArray(): T {
    return this.data.slice(0, this.length) as T;
  }
}

const intList = (capacity?: number) => new GrowableList((size) => new Int32Array(size), capacity);
const floatList = (capacity?: number) => new GrowableList((size) => new Float64Array(size), capacity);

function polygonsOf(grid: IndexedGrid): Position[][][] {
  const g = grid.geometry;
  if (g?.type === 'Polygon') return [g.coordinates];
  if (g?.type === 'MultiPolygon') return g.coordinates;
  throw new TypeError(`grid ${grid.code}: geometry must be a Polygon or MultiPolygon`);
}

// ---------------------------------------------------------------------------------------------

export class GridIndex {
  readonly size: number;
  private readonly codes: string[];
  /** All ring vertices, interleaved lon, lat; every ring closed (first vertex repeated). */
  private readonly xy: Float64Array;
  /** Ring r holds vertices ringStart[r] … ringStart[r + 1] - 1. */
  private readonly ringStart: Int32Array;
  /** Grid g holds rings gridRing[g] … gridRing[g + 1] - 1. */
  private readonly gridRing: Int32Array;
  private readonly west: number;
  private readonly south: number;
  private readonly east: number;
  private readonly north: number;
  private readonly originLon: number;
  private readonly originLat: number;
  private readonly columns: number;
  private readonly rows: number;
  private readonly cellLon: number;
  private readonly cellLat: number;
  private readonly invLon: number;
  private readonly invLat: number;
  private readonly cellSizeM: number;
  /** Per cell: ≥ 0 the answer, -1 empty, ≤ -2 mixed: its block starts at block[-2 - value]. */
  private readonly cells: Int32Array;
  /** The mixed cells' blocks (see the build). */
  private readonly block: Float64Array;
  /** The point a mixed-cell lookup is about (passing doubles to a call would box them). */
  private readonly point = new Float64Array(2);
  private readonly tree: Flatbush | null;
  /** Flatbush item → grid index. */
  private readonly treeIds: Int32Array;
  private readonly counts: Pick<GridIndexStats, 'pureCells' | 'emptyCells' | 'mixedCells' | 'candidates' | 'runs' | 'listedEdges'>;

  constructor(grids: IndexedGrid[], options: GridIndexOptions = {}) {
    const n = grids.length;
    this.size = n;
    this.codes = grids.map((g) => g.code);

    // 1. Flatten every ring into one Float64Array; bounding boxes.
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
    const ringGrid = new Int32Array(ringCount); // build only
    const ringOf = new Int32Array(vertexCount); // build only: the ring of each vertex
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
    this.xy = xy;
    this.ringStart = ringStart;
    this.gridRing = gridRing;

    // Bounding-box tree for near / nearest.
    const withVertices: number[] = [];
    for (let g = 0; g < n; g++) if (bbox[4 * g] <= bbox[4 * g + 2]) withVertices.push(g);
    this.treeIds = Int32Array.from(withVertices);
    if (withVertices.length > 0) {
      const tree = new Flatbush(withVertices.length);
      for (const g of withVertices) tree.add(bbox[4 * g], bbox[4 * g + 1], bbox[4 * g + 2], bbox[4 * g + 3]);
      tree.finish();
      this.tree = tree;
    } else {
      this.tree = null;
    }

    // 2. The lattice.
    const mPerDegLat = M_PER_DEG_LAT;
    const mPerDegLon = Math.max(mPerDegLat * Math.cos(((south + north) / 2) * RAD), 1e-6);
    let cellSizeM = options.cellSizeM;
    if (cellSizeM !== undefined && !(cellSizeM > 0 && Number.isFinite(cellSizeM))) {
      throw new RangeError(`cellSizeM must be a positive number, not ${cellSizeM}`);
    }
    if (cellSizeM === undefined) {
      const sizes: number[] = [];
      for (const g of withVertices) {
        const w = (bbox[4 * g + 2] - bbox[4 * g]) * mPerDegLon;
        const h = (bbox[4 * g + 3] - bbox[4 * g + 1]) * mPerDegLat;
        sizes.push(Math.sqrt(w * h) || Math.max(w, h));
      }
      sizes.sort((a, b) => a - b);
      cellSizeM = (sizes[sizes.length >> 1] ?? 0) / CELLS_PER_GRID;
    }
    const width = east - west;
    const height = north - south;
    // No cell thinner than 1e-9° (so that the build's rounding stays within one column) nor a
    // lattice of more than MAX_CELLS cells.
    let cellLon = Math.max(cellSizeM / mPerDegLon, 1e-9, width / 65536);
    let cellLat = Math.max(cellSizeM / mPerDegLat, 1e-9, height / 65536);
    // The lattice starts a fraction of a cell south-west of the extent, so that data drawn on a
    // regular lattice from the same corner (axis-aligned grids) do not run along its lines.
    let originLon = 0;
    let originLat = 0;
    let columns = 0;
    let rows = 0;
    for (;;) {
      originLon = west - LATTICE_OFFSET * cellLon;
      originLat = south - LATTICE_OFFSET * cellLat;
      columns = withVertices.length > 0 ? Math.floor((east - originLon) / cellLon) + 1 : 0;
      rows = withVertices.length > 0 ? Math.floor((north - originLat) / cellLat) + 1 : 0;
      if (columns * rows <= MAX_CELLS) break;
      const grow = Math.sqrt((columns * rows) / MAX_CELLS) * 1.01;
      cellLon *= grow;
      cellLat *= grow;
    }
    this.originLon = originLon;
    this.originLat = originLat;
    this.west = withVertices.length > 0 ? west : NaN;
    this.south = withVertices.length > 0 ? south : NaN;
    this.east = east;
    this.north = north;
    this.columns = columns;
    this.rows = rows;
    const invLon = 1 / cellLon;
    const invLat = 1 / cellLat;
    this.cellLon = cellLon;
    this.cellLat = cellLat;
    this.invLon = invLon;
    this.invLat = invLat;
    this.cellSizeM = Math.sqrt(cellLon * mPerDegLon * cellLat * mPerDegLat);
    // A point maps to column ⌊(lon - originLon) / cellLon⌋ up to a few ulps; the boxes the
    // build tests are grown by far more than that on every side.
    const marginX = cellLon * 1e-6 + 1e-14 * (Math.abs(originLon) + Math.abs(east));
    const marginY = cellLat * 1e-6 + 1e-14 * (Math.abs(originLat) + Math.abs(north));
    // The columns (rows) whose boxes an edge may meet are found in floating point, with this
    // much slack — far more than that arithmetic's error, far less than a cell; each box is then
    // tested exactly.
    const tolX = 2 * marginX + 1e-3 * cellLon;
    const tolY = 2 * marginY + 1e-3 * cellLat;
    const x0 = (i: number) => originLon + i * cellLon - marginX;
    const x1 = (i: number) => originLon + (i + 1) * cellLon + marginX;
    const y0 = (j: number) => originLat + j * cellLat - marginY;
    const y1 = (j: number) => originLat + (j + 1) * cellLat + marginY;
    const column = (x: number) => Math.min(columns - 1, Math.max(0, Math.floor((x - originLon) * invLon)));
    const row = (y: number) => Math.min(rows - 1, Math.max(0, Math.floor((y - originLat) * invLat)));

    // 3. Which edges meet which cells; which untouched cells lie inside which grid.
    const order = Array.from({ length: n }, (_, g) => g).sort((a, b) =>
      this.codes[a] < this.codes[b] ? -1 : this.codes[a] > this.codes[b] ? 1 : a - b,
    );
    const cellCount = columns * rows;
    const touchedBy = new Int32Array(cellCount); // last grid (index + 1) with an edge in the cell
    const incCell = intList(vertexCount * 1.5); // incidences: (cell, edge), edge e joining vertices e and e + 1
    const incEdge = intList(vertexCount * 1.5);
    const contained = intList(); // pairs: cell, grid
    // Per grid, its edges that straddle a row's reference height y0(j): pairs edge, row.
    const straddle = intList(vertexCount / 2);
    const straddleStart = new Int32Array(n);
    const straddleEnd = new Int32Array(n);
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
          if (state < 0) state = this.rayParity(g, (x0(i) + x1(i)) / 2, (y0(j) + y1(j)) / 2);
          if (state === 1) {
            contained.push(c);
            contained.push(g);
          }
        }
      }
    }

    // 4. Cells: pure answers, and the incidences grouped by cell (stable: code order, then edge order).
    const cells = new Int32Array(cellCount).fill(-1);
    const start = new Int32Array(cellCount + 1);
    for (let k = 0; k < incCell.length; k++) start[incCell.data[k] + 1]++;
    for (let c = 0; c < cellCount; c++) start[c + 1] += start[c];
    const fill = start.slice(0, cellCount);
    const edgeByCell = new Int32Array(incCell.length);
    for (let k = 0; k < incCell.length; k++) edgeByCell[fill[incCell.data[k]]++] = incEdge.data[k];
    const fullIn = new Map<number, number[]>(); // mixed cell → grids wholly containing it (code order)
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

    // 5. The mixed cells' blocks.
    const rank = new Int32Array(n);
    order.forEach((g, k) => (rank[g] = k));
    const edgeMark = new Int32Array(v);
    let mark = 0;
    // A block per mixed cell, in one Float64Array so that a lookup reads one stretch of memory:
    // [candidates, then per candidate: grid, parity | runs << 1, flips, then per run: its vertex
    // count and the vertices (x, y …) copied, then the flip heights].
    const block = floatList(4 * incCell.length);
    const flips = floatList();
    let mixedCells = 0;
    let candidates = 0;
    let runs = 0;
    for (let c = 0; c < cellCount; c++) {
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
        // Runs of consecutive edges; a run's end is dangling when the ring's next (previous)
        // edge is not listed, and then, if east of the cell and level with it, a flip height.
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
          if (crosses(xy[2 * e], xy[2 * e + 1], xy[2 * e + 2], xy[2 * e + 3], bx1, by0)) parity ^= 1;
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
    this.cells = cells;
    this.block = block.toArray();
    let pureCells = 0;
    let emptyCells = 0;
    for (let c = 0; c < cellCount; c++) {
      if (cells[c] >= 0) pureCells++;
      else if (cells[c] === -1) emptyCells++;
    }
    this.counts = { pureCells, emptyCells, mixedCells, candidates, runs, listedEdges: incCell.length };
  }

  /** Parity of the crossings of the eastward ray from (px, py) by grid g's edges; the point must lie on none of them. */
  private rayParity(g: number, px: number, py: number): number {
    const xy = this.xy;
    let parity = 0;
    for (let ri = this.gridRing[g]; ri < this.gridRing[g + 1]; ri++) {
      for (let e = this.ringStart[ri], last = this.ringStart[ri + 1] - 1; e < last; e++) {
        if (crosses(xy[2 * e], xy[2 * e + 1], xy[2 * e + 2], xy[2 * e + 3], px, py)) parity ^= 1;
      }
    }
    return parity;
  }

  /** Index (into the constructor's array) of the grid containing the point, or -1. See the boundary rule above. */
  locate(lon: number, lat: number): number {
    if (!(lon >= this.west && lon <= this.east && lat >= this.south && lat <= this.north)) return -1;
    let i = ((lon - this.originLon) * this.invLon) | 0;
    if (i >= this.columns) i = this.columns - 1;
    let j = ((lat - this.originLat) * this.invLat) | 0;
    if (j >= this.rows) j = this.rows - 1;
    const value = this.cells[j * this.columns + i];
    if (value >= -1) return value;
    this.point[0] = lon;
    this.point[1] = lat;
    return this.locateMixed(-2 - value);
  }

  private locateMixed(o: number): number {
    const b = this.block;
    const px = this.point[0];
    const py = this.point[1];
    for (let n = b[o++]; n > 0; n--) {
      const g = b[o];
      const head = b[o + 1];
      const flips = b[o + 2];
      o += 3;
      let inside = head & 1;
      for (let run = head >>> 1; run > 0; run--) {
        const last = o + 2 * b[o];
        let ax = b[o + 1];
        let ay = b[o + 2];
        for (o += 3; o < last; o += 2) {
          const bx = b[o];
          const by = b[o + 1];
          if (ay > py !== by > py) {
            const l = (ax - px) * (by - py);
            const r = (ay - py) * (bx - px);
            const det = l - r;
            const sum = Math.abs(l) + Math.abs(r);
            let s: number;
            if (sum > TINY && det > CCW_ERR * sum) s = 1;
            else if (sum > TINY && -det > CCW_ERR * sum) s = -1;
            else s = orientExact(ax, ay, bx, by, px, py);
            if (s === 0) return g; // on the edge
            if (s > 0 === by > py) inside ^= 1;
          } else if ((ay === py || by === py) && onFlatEdge(ax, ay, bx, by, px, py)) {
            return g;
          }
          ax = bx;
          ay = by;
        }
        o = last + 1;
      }
      for (const end = o + flips; o < end; o++) if (b[o] > py) inside ^= 1;
      if (inside) return g;
    }
    return -1;
  }

  /** Fills out[i] for each point of a flat [lon0, lat0, lon1, lat1, …] array; returns out. */
  locateMany(coords: Float64Array | number[], out?: Int32Array): Int32Array {
    const count = coords.length >> 1;
    const result = out ?? new Int32Array(count);
    if (result.length < count) throw new RangeError(`out holds ${result.length} results, ${count} needed`);
    for (let k = 0; k < count; k++) result[k] = this.locate(coords[2 * k], coords[2 * k + 1]);
    return result;
  }

  /** The grid containing the point (as `locate`) with the distance to its nearest edge, or undefined. */
  hit(lon: number, lat: number): Hit | undefined {
    const index = this.locate(lon, lat);
    if (index < 0) return undefined;
    return { index, code: this.codes[index], distanceToEdgeM: this.distanceToEdge(index, lon, lat) };
  }

  /** Distance in metres from the point to the nearest edge of grid `index` (0 on the edge; Infinity for an empty grid). */
  distanceToEdge(index: number, lon: number, lat: number): number {
    this.check(index);
    const xy = this.xy;
    const ky = M_PER_DEG_LAT;
    const kx = ky * Math.cos(lat * RAD);
    let best = Infinity;
    for (let ri = this.gridRing[index]; ri < this.gridRing[index + 1]; ri++) {
      for (let e = this.ringStart[ri], last = this.ringStart[ri + 1] - 1; e < last; e++) {
        const ax = (xy[2 * e] - lon) * kx;
        const ay = (xy[2 * e + 1] - lat) * ky;
        const dx = (xy[2 * e + 2] - lon) * kx - ax;
        const dy = (xy[2 * e + 3] - lat) * ky - ay;
        const len2 = dx * dx + dy * dy;
        const t = len2 > 0 ? Math.min(1, Math.max(0, -(ax * dx + ay * dy) / len2)) : 0;
        const x = ax + t * dx;
        const y = ay + t * dy;
        const d2 = x * x + y * y;
        if (d2 < best) best = d2;
      }
    }
    return Math.sqrt(best);
  }

  /** Is the point in grid `index`'s closed polygon (holes excluded, their edges included)? Exact; O(vertices). */
  contains(index: number, lon: number, lat: number): boolean {
    this.check(index);
    const xy = this.xy;
    let inside = false;
    for (let ri = this.gridRing[index]; ri < this.gridRing[index + 1]; ri++) {
      for (let e = this.ringStart[ri], last = this.ringStart[ri + 1] - 1; e < last; e++) {
        const ax = xy[2 * e];
        const ay = xy[2 * e + 1];
        const bx = xy[2 * e + 2];
        const by = xy[2 * e + 3];
        if (ay > lat !== by > lat) {
          const s = orient(ax, ay, bx, by, lon, lat);
          if (s === 0) return true;
          if (s > 0 === by > lat) inside = !inside;
        } else if (onFlatEdge(ax, ay, bx, by, lon, lat)) {
          return true;
        }
      }
    }
    return inside;
  }

  /** Grids other than `except` within `radiusM` metres of the point (0 when inside), nearest first, then by code. */
  near(lon: number, lat: number, radiusM: number, except = -1): NearGrid[] {
    const found = this.within(lon, lat, radiusM).filter((h) => h.index !== except && h.distanceM <= radiusM);
    return found.sort((a, b) => a.distanceM - b.distanceM || this.byCode(a.index, b.index));
  }

  /** The nearest grid to the point (distance 0 when inside one), ties to the lowest code; undefined when empty or farther than maxDistanceM. */
  nearest(lon: number, lat: number, maxDistanceM = Infinity): NearGrid | undefined {
    if (this.tree === null || !Number.isFinite(lon) || !Number.isFinite(lat)) return undefined;
    const inside = this.locate(lon, lat);
    if (inside >= 0) return { index: inside, code: this.codes[inside], distanceM: 0 };
    for (let radius = Math.max(this.cellSizeM, 1); ; radius *= 4) {
      const r = Math.min(radius, maxDistanceM);
      let best: NearGrid | undefined;
      for (const h of this.within(lon, lat, r)) {
        if (!best || h.distanceM < best.distanceM || (h.distanceM === best.distanceM && this.byCode(h.index, best.index) < 0)) best = h;
      }
      if (best && best.distanceM <= r) return best;
      const ky = M_PER_DEG_LAT;
      const kx = ky * Math.cos(lat * RAD);
      const everything = lon - r / kx <= this.west && lon + r / kx >= this.east && lat - r / ky <= this.south && lat + r / ky >= this.north;
      if (r >= maxDistanceM || everything) return best && best.distanceM <= maxDistanceM ? best : undefined;
    }
  }

  /** Lattice and memory figures, for benchmarks and tuning. */
  stats(): GridIndexStats {
    const bytes =
      this.xy.byteLength +
      this.ringStart.byteLength +
      this.gridRing.byteLength +
      this.cells.byteLength +
      this.block.byteLength +
      (this.tree?.data.byteLength ?? 0) +
      this.treeIds.byteLength;
    const { originLon, originLat, columns, rows, cellSizeM } = this;
    const { cellLon, cellLat } = this;
    return { originLon, originLat, cellLon, cellLat, columns, rows, cellSizeM, vertices: this.xy.length / 2, bytes, ...this.counts };
  }

  /** Every grid whose bounding box lies within radiusM of the point, with its distance (0 inside). */
  private within(lon: number, lat: number, radiusM: number): NearGrid[] {
    if (this.tree === null || !(radiusM >= 0)) return [];
    const ky = M_PER_DEG_LAT;
    const kx = ky * Math.cos(lat * RAD);
    const dLon = radiusM / kx;
    const dLat = radiusM / ky;
    return this.tree.search(lon - dLon, lat - dLat, lon + dLon, lat + dLat).map((item) => {
      const index = this.treeIds[item];
      const distanceM = this.contains(index, lon, lat) ? 0 : this.distanceToEdge(index, lon, lat);
      return { index, code: this.codes[index], distanceM };
    });
  }

  private byCode(a: number, b: number): number {
    return this.codes[a] < this.codes[b] ? -1 : this.codes[a] > this.codes[b] ? 1 : a - b;
  }

  private check(index: number): void {
    if (!(Number.isInteger(index) && index >= 0 && index < this.size)) throw new RangeError(`no grid ${index}`);
  }
}
