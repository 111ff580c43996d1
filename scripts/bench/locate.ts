/**
 * npm run bench:locate — coordinates → grid code on 20,000 synthetic grids (50–200 vertices,
 * sharing edges) and 1,000,000 random points in their extent:
 * - in process: GridIndex.locateMany (the service's own index);
 * - over HTTP: POST /api/locate (compact form, batches of 100,000) on a listening service;
 * - baseline in the same process and store: PostGIS, batched ST_Intersects with the same
 *   lowest-code rule, on a 100,000-point sample — and 100 % agreement checked against it.
 * Embedded backend unless DATABASE_URL is set (then a throwaway database on that server).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { createApp } from '../../server/app.js';
import { defaultLimits } from '../../server/config.js';
import { locatableGrids } from '../../server/db/locate.js';
import { GridIndex } from '../../server/geo/locate/grid-index.js';
import { seededRandom } from '../../server/geo/random.js';
import { loadTown } from './load-town.js';
import { throwawayStore } from './throwaway-store.js';
import { adminAuthorization } from './admin-key.js';

const POINTS = Number(process.env.BENCH_POINTS ?? 1_000_000);
const SAMPLE = Number(process.env.BENCH_SAMPLE ?? 100_000);
const log = (message: string) => process.stderr.write(`${message}\n`);

const { store, drop } = await throwawayStore();
log(`backend: ${store.backend}; loading 20,000 synthetic grids…`);
await loadTown(store, { grids: 20_000 }, log);

const live = await locatableGrids(store.db);
let t = performance.now();
const index = new GridIndex(live.map((g) => ({ code: g.code, geometry: g.geometry })));
const buildMs = performance.now() - t;

// Random points over the grids' extent (a margin outside it too, so some miss).
let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
for (const g of live) for (const ring of g.geometry.coordinates.flat()) for (const [x, y] of ring) {
  minX = Math.min(minX, x); minY = Math.min(minY, y); maxX = Math.max(maxX, x); maxY = Math.max(maxY, y);
}
const random = seededRandom(7);
const coords = new Float64Array(POINTS * 2);
for (let i = 0; i < POINTS; i++) {
  coords[2 * i] = minX - 0.002 + random() * (maxX - minX + 0.004);
  coords[2 * i + 1] = minY - 0.002 + random() * (maxY - minY + 0.004);
}

// In process.
index.locateMany(coords.subarray(0, 20_000)); // warm-up
t = performance.now();
const found = index.locateMany(coords);
const inProcessMs = performance.now() - t;

// Over HTTP, on a listening service (the real JSON path).
const auth = await adminAuthorization(store);
const server = http.createServer(createApp(store, defaultLimits));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as AddressInfo).port;
const batch = 100_000;
const httpCodes: (string | null)[] = [];
// Warm-up: the service builds its index on first use (main.ts starts that at start-up).
await fetch(`http://127.0.0.1:${port}/api/locate?lon=${coords[0]}&lat=${coords[1]}`, { headers: auth });
t = performance.now();
for (let start = 0; start < POINTS; start += batch) {
  const points: [number, number][] = [];
  for (let i = start; i < Math.min(start + batch, POINTS); i++) points.push([coords[2 * i], coords[2 * i + 1]]);
  const response = await fetch(`http://127.0.0.1:${port}/api/locate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({ points, fields: 'code' }),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`);
  httpCodes.push(...((await response.json()) as { results: (string | null)[] }).results);
}
const httpMs = performance.now() - t;
server.close();

// PostGIS baseline on a sample, batched, same lowest-code rule.
const sample = Math.min(SAMPLE, POINTS);
const postgisCodes: (string | null)[] = [];
t = performance.now();
for (let start = 0; start < sample; start += 10_000) {
  const points: [number, number][] = [];
  for (let i = start; i < Math.min(start + 10_000, sample); i++) points.push([coords[2 * i], coords[2 * i + 1]]);
  const { rows } = await sql<{ code: string | null }>`
    WITH p AS (
      SELECT ordinality AS i, ST_SetSRID(ST_MakePoint((value->>0)::float8, (value->>1)::float8), 4326) AS geom
      FROM json_array_elements(${JSON.stringify(points)}::json) WITH ORDINALITY
    )
    SELECT (SELECT min(v.code) FROM grid_versions v
            WHERE v.valid_to IS NULL AND v.op <> 'retire' AND ST_Intersects(v.geom, p.geom)) AS code
    FROM p ORDER BY p.i`.execute(store.db);
  postgisCodes.push(...rows.map((row) => row.code));
}
const postgisMs = performance.now() - t;

let disagreeIndex = 0;
let disagreeHttp = 0;
for (let i = 0; i < sample; i++) {
  const mine = found[i] < 0 ? null : live[found[i]].code;
  if (mine !== postgisCodes[i]) disagreeIndex++;
  if (httpCodes[i] !== postgisCodes[i]) disagreeHttp++;
}
const hits = Array.from(found).filter((i) => i >= 0).length;
const rate = (n: number, ms: number) => `${((n / ms) * 1000).toLocaleString('en', { maximumFractionDigits: 0 })}/s`;
const inProcessRate = (POINTS / inProcessMs) * 1000;

console.log(`## Locate benchmark (${store.backend}; ${live.length} grids, ${POINTS.toLocaleString('en')} points, ${((hits / POINTS) * 100).toFixed(1)} % inside a grid)\n`);
console.log('| path | time | throughput | × PostGIS |');
console.log('| --- | ---: | ---: | ---: |');
const postgisRate = (sample / postgisMs) * 1000;
console.log(`| GridIndex build | ${buildMs.toFixed(0)} ms | | |`);
console.log(`| in process, GridIndex.locateMany | ${inProcessMs.toFixed(0)} ms | ${rate(POINTS, inProcessMs)} | ${(inProcessRate / postgisRate).toFixed(0)}× |`);
console.log(`| HTTP, POST /api/locate (compact, 100,000 a request) | ${httpMs.toFixed(0)} ms | ${rate(POINTS, httpMs)} | ${((POINTS / httpMs) * 1000 / postgisRate).toFixed(1)}× |`);
console.log(`| PostGIS batched ST_Intersects (${sample.toLocaleString('en')} points) | ${postgisMs.toFixed(0)} ms | ${rate(sample, postgisMs)} | 1× |`);
console.log(`\nAgreement with PostGIS on ${sample.toLocaleString('en')} points: index ${sample - disagreeIndex}/${sample}, HTTP ${sample - disagreeHttp}/${sample}.`);
await drop();
