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
import type Flatbush from 'flatbush';
import type { MultiPolygon, Polygon } from 'geojson';
import { M_PER_DEG_LAT, RAD } from '../earth.js';
import { boxTree, chooseLattice, classifyCells, codeOrder, flattenGrids, packBlocks, traceEdges, type Lattice } from './index-build.js';
import { CCW_ERR, TINY, onFlatEdge, orientation, orientationExact } from './predicates.js';

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

/** The lattice (see Lattice) and how its cells came out. */
export interface GridIndexStats extends Pick<Lattice, 'originLon' | 'originLat' | 'cellLon' | 'cellLat' | 'columns' | 'rows' | 'cellSizeM'> {
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

  /** Builds the index in the phases of index-build.ts. Throws on a grid that is not a (Multi)Polygon or has a non-finite coordinate. */
  constructor(grids: IndexedGrid[], options: GridIndexOptions = {}) {
    this.size = grids.length;
    this.codes = grids.map((g) => g.code);
    const flat = flattenGrids(grids);
    this.xy = flat.xy;
    this.ringStart = flat.ringStart;
    this.gridRing = flat.gridRing;
    const { tree, ids } = boxTree(flat);
    this.tree = tree;
    this.treeIds = ids;
    const empty = ids.length === 0;
    this.west = empty ? NaN : flat.west;
    this.south = empty ? NaN : flat.south;
    this.east = flat.east;
    this.north = flat.north;

    const lattice = chooseLattice(flat, ids, options.cellSizeM);
    ({ originLon: this.originLon, originLat: this.originLat, columns: this.columns, rows: this.rows } = lattice);
    ({ cellLon: this.cellLon, cellLat: this.cellLat, cellSizeM: this.cellSizeM } = lattice);
    this.invLon = 1 / lattice.cellLon;
    this.invLat = 1 / lattice.cellLat;

    const order = codeOrder(this.codes);
    const trace = traceEdges(flat, lattice, order);
    const classes = classifyCells(trace, lattice.columns * lattice.rows);
    const packed = packBlocks(flat, lattice, order, trace, classes);
    this.cells = classes.cells;
    this.block = packed.block;
    let pureCells = 0;
    let emptyCells = 0;
    for (const value of this.cells) {
      if (value >= 0) pureCells++;
      else if (value === -1) emptyCells++;
    }
    const { mixedCells, candidates, runs } = packed;
    this.counts = { pureCells, emptyCells, mixedCells, candidates, runs, listedEdges: trace.incCell.length };
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
            else s = orientationExact(ax, ay, bx, by, px, py);
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
          const s = orientation(ax, ay, bx, by, lon, lat);
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
