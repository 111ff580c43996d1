/**
 * Benchmark of polygonize: a town-sized network of wiggly roads (n × n polylines crossing
 * between their vertices at arbitrary angles, as OSM roads do) plus the area's boundary.
 * Usage: npx tsx scripts/bench/planar.ts [roads per direction = 50] [segments per road = 500]
 */
import { adjacency, dissolve, polygonize } from '../../server/geo/divide/planar.js';
import type { TaggedLine } from '../../server/geo/divide/types.js';
import { wigglyGrid } from '../../test/support/road-networks.js';

const n = Number(process.argv[2] ?? 50);
const perRoad = Number(process.argv[3] ?? 500);

const size = 100 * (n + 1);
const lines: TaggedLine[] = [{ kind: 'boundary', coords: [[0, 0], [size, 0], [size, size], [0, size], [0, 0]] }, ...wigglyGrid(n, perRoad, 42)];
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
