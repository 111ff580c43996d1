/**
 * Benchmark of GridIndex.locate against the plain approach (flatbush over the grids' bounding
 * boxes, then point-in-polygon on each candidate), in one process, on the same points.
 *
 * Towns: 20,000 grids of 50–200 vertices around 114.3°E 30.5°N —
 *   - "jittered": a lattice of cells whose corners are jittered and whose shared edges are
 *     wiggly polylines (each generated once and used by both neighbours, so grids tile exactly);
 *   - "synthetic": syntheticTown() of synthetic.ts (axis-aligned rectangles with densified edges).
 * Points: 1,000,000 uniform in the town's extent, then points exactly on grid vertices (shared
 * by up to 4 grids), where the lowest-code rule decides.
 *
 * Baselines: "flatbush + PIP" uses an exact crossing-number test on Float64Array rings (the
 * same predicates as GridIndex); "flatbush + robust-pnp" uses robust-point-in-polygon. Each
 * takes the lowest code among the grids whose closed polygon holds the point.
 *
 * Usage: npx tsx scripts/bench/locate-index.ts [grids = 20000] [points = 1000000]
 */
import { createRequire } from 'node:module';
import Flatbush from 'flatbush';
import type { Position } from 'geojson';
import { GridIndex, type IndexedGrid } from '../../server/geo/locate/grid-index.js';
import { orientation as orient } from '../../server/geo/locate/predicates.js';
import { seededRandom } from '../../server/geo/random.js';
import { syntheticTown } from './synthetic.js';

type RobustPnp = (ring: number[][], point: number[]) => number; // -1 inside, 0 on the boundary, 1 outside
const robustPnp = createRequire(import.meta.url)('robust-point-in-polygon') as RobustPnp;

const gridCount = Number(process.argv[2] ?? 20_000);
const pointCount = Number(process.argv[3] ?? 1_000_000);
const M_PER_DEG_LAT = 111_195;
const round7 = (x: number) => Math.round(x * 1e7) / 1e7;

/** A tiling of gridCount jittered, wiggly-edged cells of ≈ 250 m. */
function jitteredTown(count: number, seed = 1): IndexedGrid[] {
  const random = seededRandom(seed);
  const columns = Math.ceil(Math.sqrt(count * 1.28));
  const rows = Math.ceil(count / columns);
  const [lon0, lat0] = [114.3, 30.5];
  const dLat = 250 / M_PER_DEG_LAT;
  const dLon = 250 / (M_PER_DEG_LAT * Math.cos((lat0 * Math.PI) / 180));
  const west = lon0 - (columns * dLon) / 2;
  const south = lat0 - (rows * dLat) / 2;
  const node = (i: number, j: number): Position => {
    const r = seededRandom(i * 100_003 + j * 7 + seed); // the same jitter whichever cell asks
    const jx = i === 0 || i === columns ? 0 : (r() - 0.5) * 0.5;
    const jy = j === 0 || j === rows ? 0 : (r() - 0.5) * 0.5;
    return [round7(west + (i + jx) * dLon), round7(south + (j + jy) * dLat)];
  };
  // Edge polylines, keyed "h i j" (node (i,j) → (i+1,j)) and "v i j" ((i,j) → (i,j+1)); no end points.
  const edges = new Map<string, Position[]>();
  const edge = (key: string, a: Position, b: Position): Position[] => {
    let line = edges.get(key);
    if (!line) {
      const k = 12 + Math.floor(random() * 37); // 12–48 inner vertices
      const [p1, p2, amp] = [random() * 6.3, random() * 6.3, 0.04 + random() * 0.04];
      const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
      line = [];
      for (let s = 1; s <= k; s++) {
        const t = (s - 0.5 + random()) / (k + 1);
        const off = amp * Math.sin(Math.PI * t) * (0.6 * Math.sin(2 * Math.PI * t + p1) + 0.4 * Math.sin(5 * Math.PI * t + p2));
        line.push([round7(a[0] + t * dx - off * dy), round7(a[1] + t * dy + off * dx)]);
      }
      edges.set(key, line);
    }
    return line;
  };
  const grids: IndexedGrid[] = [];
  for (let j = 0; j < rows && grids.length < count; j++) {
    for (let i = 0; i < columns && grids.length < count; i++) {
      const [sw, se, ne, nw] = [node(i, j), node(i + 1, j), node(i + 1, j + 1), node(i, j + 1)];
      const ring: Position[] = [
        sw,
        ...edge(`h ${i} ${j}`, sw, se),
        se,
        ...edge(`v ${i + 1} ${j}`, se, ne),
        ne,
        ...[...edge(`h ${i} ${j + 1}`, nw, ne)].reverse(),
        nw,
        ...[...edge(`v ${i} ${j}`, sw, nw)].reverse(),
        sw,
      ];
      grids.push({ code: '', geometry: { type: 'Polygon', coordinates: [ring] } });
    }
  }
  // Codes in an order unrelated to the layout.
  const codes = grids.map((_, k) => `420111${String(k).padStart(6, '0')}`);
  for (let k = codes.length - 1; k > 0; k--) {
    const m = Math.floor(random() * (k + 1));
    [codes[k], codes[m]] = [codes[m], codes[k]];
  }
  grids.forEach((g, k) => (g.code = codes[k]));
  return grids;
}

/** The plain approach: bounding boxes in flatbush, then a point-in-polygon test per candidate. */
class Baseline {
  private tree: Flatbush;
  private rank: Int32Array;
  private rings: Float64Array[][]; // per grid, its rings as flat closed [x0, y0, x1, y1, …]
  private open: number[][][][]; // per grid, its rings as open [[x, y], …] for robust-point-in-polygon

  constructor(grids: IndexedGrid[]) {
    this.tree = new Flatbush(grids.length);
    this.rings = [];
    this.open = [];
    for (const g of grids) {
      const polys = g.geometry.type === 'Polygon' ? [g.geometry.coordinates] : g.geometry.coordinates;
      const rings = polys.flat();
      this.rings.push(rings.map((ring) => Float64Array.from(ring.flatMap((p) => [p[0], p[1]]))));
      this.open.push(rings.map((ring) => ring.slice(0, -1).map((p) => [p[0], p[1]])));
      const xs = rings.flat().map((p) => p[0]);
      const ys = rings.flat().map((p) => p[1]);
      this.tree.add(Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys));
    }
    this.tree.finish();
    const order = grids.map((_, k) => k).sort((a, b) => (grids[a].code < grids[b].code ? -1 : grids[a].code > grids[b].code ? 1 : a - b));
    this.rank = new Int32Array(grids.length);
    order.forEach((g, k) => (this.rank[g] = k));
  }

  /** Exact crossing-number test on the closed polygon. */
  private pip(g: number, px: number, py: number): boolean {
    let inside = false;
    for (const r of this.rings[g]) {
      let ax = r[0];
      let ay = r[1];
      for (let k = 2; k < r.length; k += 2) {
        const bx = r[k];
        const by = r[k + 1];
        if (ay > py !== by > py) {
          const s = orient(ax, ay, bx, by, px, py);
          if (s === 0) return true;
          if (s > 0 === by > py) inside = !inside;
        } else if (ay === py && (ax === px || (by === py && (ax <= px) !== (bx < px)))) {
          return true;
        }
        ax = bx;
        ay = by;
      }
    }
    return inside;
  }

  private robust(g: number, px: number, py: number): boolean {
    const rings = this.open[g];
    const point = [px, py];
    const outer = robustPnp(rings[0], point);
    if (outer > 0) return false;
    if (outer === 0) return true;
    for (let k = 1; k < rings.length; k++) {
      const h = robustPnp(rings[k], point);
      if (h === 0) return true;
      if (h < 0) return false;
    }
    return true;
  }

  locate(px: number, py: number, robust: boolean): number {
    let best = -1;
    for (const g of this.tree.search(px, py, px, py)) {
      if ((best < 0 || this.rank[g] < this.rank[best]) && (robust ? this.robust(g, px, py) : this.pip(g, px, py))) best = g;
    }
    return best;
  }
}

/** All positions of a grid's rings (closing ones included). */
const positions = (g: IndexedGrid): Position[] => (g.geometry.type === 'Polygon' ? g.geometry.coordinates.flat() : g.geometry.coordinates.flat(2));

function randomPoints(grids: IndexedGrid[], n: number, seed: number): Float64Array {
  let [w, s, e, no] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const g of grids) {
    for (const [x, y] of positions(g)) {
      w = Math.min(w, x);
      e = Math.max(e, x);
      s = Math.min(s, y);
      no = Math.max(no, y);
    }
  }
  const random = seededRandom(seed);
  const out = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) {
    out[2 * k] = w + random() * (e - w);
    out[2 * k + 1] = s + random() * (no - s);
  }
  return out;
}

/** Every vertex of every grid, once per grid (so shared vertices appear several times). */
function vertexPoints(grids: IndexedGrid[], every: number): Float64Array {
  const out: number[] = [];
  let k = 0;
  for (const g of grids) for (const [x, y] of positions(g)) if (k++ % every === 0) out.push(x, y);
  return Float64Array.from(out);
}

/**
 * Best of `runs` timed passes (after one warm-up) over all points: points per second and the
 * answers. One loop per method, each calling its method directly (a shared loop calling a
 * callback would inline whichever method it saw first and box the others' arguments).
 */
function timed(points: Float64Array, runs: number, pass: (answers: Int32Array) => void): { rate: number; answers: Int32Array } {
  const answers = new Int32Array(points.length / 2);
  let best = Infinity;
  for (let run = 0; run <= runs; run++) {
    const t0 = performance.now();
    pass(answers);
    const ms = performance.now() - t0;
    if (run > 0 || runs === 0) best = Math.min(best, ms);
  }
  return { rate: (answers.length / best) * 1000, answers };
}

function timeIndex(index: GridIndex, points: Float64Array, runs: number) {
  return timed(points, runs, (answers) => {
    for (let k = 0; k < answers.length; k++) answers[k] = index.locate(points[2 * k], points[2 * k + 1]);
  });
}

function timeBaseline(baseline: Baseline, points: Float64Array, runs: number) {
  return timed(points, runs, (answers) => {
    for (let k = 0; k < answers.length; k++) answers[k] = baseline.locate(points[2 * k], points[2 * k + 1], false);
  });
}

function timeRobust(baseline: Baseline, points: Float64Array, runs: number) {
  return timed(points, runs, (answers) => {
    for (let k = 0; k < answers.length; k++) answers[k] = baseline.locate(points[2 * k], points[2 * k + 1], true);
  });
}

const fmt = (rate: number) => (rate >= 1e6 ? `${(rate / 1e6).toFixed(2)} M/s` : `${(rate / 1e3).toFixed(0)} k/s`);

function disagreements(a: Int32Array, b: Int32Array): number {
  let d = 0;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) d++;
  return d;
}

const rows: string[] = [];
const sweep: string[] = [];
const towns: [string, () => IndexedGrid[]][] = [
  ['jittered', () => jitteredTown(gridCount)],
  [
    'synthetic',
    () => syntheticTown({ grids: gridCount }).grids.map((f, k) => ({ code: `${f.properties.regionCode}${String(k).padStart(5, '0')}`, geometry: f.geometry })),
  ],
];
for (const [name, makeTown] of towns) {
  const grids = makeTown();
  const vertices = grids.reduce((s, g) => s + positions(g).length, 0);
  const points = randomPoints(grids, pointCount, 2);
  const onVertices = vertexPoints(grids, 7);

  const builds: number[] = [];
  let index = new GridIndex(grids);
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    index = new GridIndex(grids);
    builds.push(performance.now() - t0);
  }
  builds.sort((a, b) => a - b);
  const stats = index.stats();
  const fast = timeIndex(index, points, 5);
  const many = (() => {
    const out = new Int32Array(pointCount);
    index.locateMany(points, out);
    const t0 = performance.now();
    index.locateMany(points, out);
    return (pointCount / (performance.now() - t0)) * 1000;
  })();

  const t0 = performance.now();
  const baseline = new Baseline(grids);
  const baselineBuild = performance.now() - t0;
  const plain = timeBaseline(baseline, points, 2);
  const robustPoints = points.subarray(0, Math.min(points.length, 2 * 200_000));
  const robust = timeRobust(baseline, robustPoints, 1);

  const vFast = timeIndex(index, onVertices, 1).answers;
  const vPlain = timeBaseline(baseline, onVertices, 0).answers;
  const vRobust = timeRobust(baseline, onVertices, 0).answers;

  // robust-point-in-polygon calls some vertices of a polygon outside it (its open issue #2):
  // count the disagreements that are exactly that.
  let ownVertex = 0;
  for (let k = 0; k < vFast.length; k++) {
    const g = vFast[k];
    if (g < 0 || g === vRobust[k]) continue;
    const [x, y] = [onVertices[2 * k], onVertices[2 * k + 1]];
    const ring = (grids[g].geometry.coordinates as Position[][])[0];
    if (ring.some((p) => p[0] === x && p[1] === y) && robustPnp(ring.slice(0, -1), [x, y]) === 1) ownVertex++;
  }
  const vRobustWrong = disagreements(vFast, vRobust);
  const inside = fast.answers.reduce((s, a) => s + (a >= 0 ? 1 : 0), 0);
  const mixedShare = stats.mixedCells / (stats.columns * stats.rows);
  rows.push(
    `| ${name} | ${grids.length} grids, ${vertices} vertices | GridIndex.locate | ${builds[1].toFixed(0)} ms | ${fmt(fast.rate)} | 1× | ${(stats.bytes / 2 ** 20).toFixed(0)} MiB; ${stats.columns}×${stats.rows} cells of ${stats.cellSizeM.toFixed(0)} m, ${(100 * mixedShare).toFixed(0)}% mixed; locateMany ${fmt(many)}; ${((100 * inside) / pointCount).toFixed(1)}% of points in a grid |`,
    `| | | flatbush + PIP | ${baselineBuild.toFixed(0)} ms | ${fmt(plain.rate)} | ${(fast.rate / plain.rate).toFixed(1)}× slower | disagreements: ${disagreements(fast.answers, plain.answers)} / ${pointCount} random, ${disagreements(vFast, vPlain)} / ${vFast.length} on vertices |`,
    `| | | flatbush + robust-pnp | (same) | ${fmt(robust.rate)} | ${(fast.rate / robust.rate).toFixed(1)}× slower | disagreements: ${disagreements(fast.answers.subarray(0, robust.answers.length), robust.answers)} / ${robust.answers.length} random, ${vRobustWrong} / ${vFast.length} on vertices${vRobustWrong > 0 ? ` (${vRobustWrong === ownVertex ? 'all' : ownVertex}: robust-pnp puts a grid's own vertex outside it)` : ''} |`,
  );

  // Cell size sweep: cells across a median grid (the default is 6).
  const medianGridM = stats.cellSizeM * 6;
  for (const across of [3, 4, 6, 8, 10]) {
    const cellSizeM = medianGridM / across;
    const t1 = performance.now();
    const other = across === 6 ? index : new GridIndex(grids, { cellSizeM });
    const build = across === 6 ? builds[1] : performance.now() - t1;
    const s = other.stats();
    const run = timeIndex(other, points, 5);
    sweep.push(
      `| ${name} | ${across}${across === 6 ? ' (default)' : ''} | ${cellSizeM.toFixed(0)} m | ${build.toFixed(0)} ms | ${fmt(run.rate)} | ${(100 * (s.mixedCells / (s.columns * s.rows))).toFixed(0)}% | ${(s.bytes / 2 ** 20).toFixed(0)} MiB | ${disagreements(run.answers, fast.answers)} |`,
    );
  }
}

console.log(`node ${process.version}, one core; ${pointCount} random points in the extent (robust-pnp: the first 200,000); best of several passes\n`);
console.log('| town | size | method | build | lookups | GridIndex is | notes |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
console.log('\nCell size sweep (GridIndex.locate, measured again in turn; disagreements with the default):\n');
console.log('| town | cells per median grid | cell | build | lookups | mixed cells | memory | disagreements |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const row of sweep) console.log(row);
