/**
 * Benchmark of polygonize: a town-sized network of wiggly roads (n × n polylines crossing
 * between their vertices at arbitrary angles, as OSM roads do) plus the area's boundary.
 * Usage: npx tsx scripts/bench/planar.ts [roads per direction = 50] [segments per road = 500]
 */
import { adjacency, dissolve, polygonize } from '../../server/geo/divide/planar.js';
import type { TaggedLine, XY } from '../../server/geo/divide/types.js';

const n = Number(process.argv[2] ?? 50);
const perRoad = Number(process.argv[3] ?? 500);

let seed = 42;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0; // mulberry32
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const size = 100 * (n + 1);
const lines: TaggedLine[] = [{ kind: 'boundary', coords: [[0, 0], [size, 0], [size, size], [0, size], [0, 0]] }];
for (let axis = 0; axis < 2; axis++) {
  for (let r = 1; r <= n; r++) {
    const coords: XY[] = [];
    for (let k = 0; k <= perRoad; k++) {
      const along = (size * k) / perRoad;
      const across = 100 * r + (k === 0 || k === perRoad ? 0 : (rand() - 0.5) * 6);
      coords.push(axis === 0 ? [along, across] : [across, along]);
    }
    lines.push({ coords, kind: axis === 0 ? 'minor_road' : 'path' });
  }
}
const segments = lines.reduce((s, l) => s + l.coords.length - 1, 0);

polygonize(lines); // warm-up: let the JIT compile before timing
const times: number[] = [];
let sub = polygonize(lines);
for (let k = 0; k < 5; k++) {
  const t0 = performance.now();
  sub = polygonize(lines);
  times.push(performance.now() - t0);
}
times.sort((p, q) => p - q);
const t0 = performance.now();
const adj = adjacency(sub);
const t1 = performance.now();
dissolve(sub, sub.faces.map((f) => f.id % 7));
const t2 = performance.now();
console.log(
  `polygonize: ${segments} segments → ${sub.edges.length} edges, ${sub.faces.length} faces in ${times[2].toFixed(0)} ms (median of 5; best ${times[0].toFixed(0)} ms)`,
);
console.log(`adjacency: ${adj.length} pairs in ${(t1 - t0).toFixed(0)} ms; dissolve into 7 groups in ${(t2 - t1).toFixed(0)} ms`);
