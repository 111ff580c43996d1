/**
 * Geocoding end to end: a registry of 1,000,000 synthetic standard addresses (see
 * synthetic-addresses.ts) imported through the data layer, loaded by the service's geocoder,
 * and queried with 50,000 addresses written as people write them — in process, and through
 * POST /api/geocode (1,000 a request, client and server in this process). Baseline, in the same
 * run on the same data: SQL lookups of the exact normalised text, batched (what a registry
 * table with a unique index gives without a geocoder).
 *
 * npm run bench:geocode                    embedded PGlite (in memory)
 * DATABASE_URL=postgres://… npm run bench:geocode
 * BENCH_ADDRESSES / BENCH_QUERIES change the sizes.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { createApp } from '../../server/app.js';
import { defaultLimits } from '../../server/config.js';
import { importAddresses } from '../../server/db/addresses.js';
import { normalizedAddress, registryEntries } from '../../server/geo/address/prepare.js';
import { AddressGeocoder } from '../../server/services/address-geocoder.js';
import { syntheticAddresses } from './synthetic-addresses.js';
import { throwawayStore } from './throwaway-store.js';
import { adminAuthorization } from './admin-key.js';
import { progressBar } from '../progress-bar.js';

const ADDRESSES = Number(process.env.BENCH_ADDRESSES ?? 1_000_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 50_000);
const IMPORT_BATCH = 100_000;
const HTTP_BATCH = 1_000;
const log = (message: string) => process.stderr.write(`${message}\n`);

const { store, drop } = await throwawayStore();
const { recordOf, queries, roads } = syntheticAddresses(ADDRESSES, QUERIES, 20240601, log);
const expected = queries.map((q) => recordOf(q.id).address.normalize('NFKC'));

log(`backend: ${store.backend}; importing ${ADDRESSES.toLocaleString('en')} addresses…`);
const bar = progressBar();
let t = performance.now();
for (let first = 0; first < ADDRESSES; first += IMPORT_BATCH) {
  const rows = Array.from({ length: Math.min(IMPORT_BATCH, ADDRESSES - first) }, (_, k) => recordOf(first + k));
  const { entries } = registryEntries(rows);
  await importAddresses(store.db, entries, { onProgress: (done) => bar((first + done) / ADDRESSES, 'importing') });
}
process.stderr.write('\n');
const importMs = performance.now() - t;
await sql`ANALYZE addresses`.execute(store.db);

const geocoder = new AddressGeocoder(store.db, log);
t = performance.now();
const index = await geocoder.current();
const loadMs = performance.now() - t;

// In process: the index the service answers from.
for (const q of queries.slice(0, 2000)) index.search(q.text, { limit: 1 }); // warm-up
t = performance.now();
const inProcess = queries.map((q) => index.search(q.text, { limit: 1 })[0]?.address ?? null);
const inProcessMs = performance.now() - t;

// Over HTTP, through the real app and a real socket.
const auth = await adminAuthorization(store);
const server = http.createServer(createApp(store, defaultLimits, { geocoder }));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/geocode`;
const post = async (addresses: string[]) => {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ addresses, limit: 1 }) });
  if (!response.ok) throw new Error(`POST /api/geocode: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { results: { candidates: { address: string }[] }[] }).results.map((r) => r.candidates[0]?.address ?? null);
};
await post(queries.slice(0, HTTP_BATCH).map((q) => q.text)); // warm-up (and the grid index)
t = performance.now();
const overHttp: (string | null)[] = [];
for (let first = 0; first < QUERIES; first += HTTP_BATCH) overHttp.push(...(await post(queries.slice(first, first + HTTP_BATCH).map((q) => q.text))));
const httpMs = performance.now() - t;
server.close();

// Baseline: exact normalised text, 1,000 a statement, on the unique index.
t = performance.now();
const baseline: (string | null)[] = [];
for (let first = 0; first < QUERIES; first += HTTP_BATCH) {
  const keys = queries.slice(first, first + HTTP_BATCH).map((q) => normalizedAddress(q.text));
  const { rows } = await sql<{ normalized: string; address: string }>`
    SELECT normalized, address FROM addresses WHERE normalized = ANY(${keys}::text[])`.execute(store.db);
  const found = new Map(rows.map((row) => [row.normalized, row.address]));
  baseline.push(...keys.map((key) => found.get(key) ?? null));
}
const baselineMs = performance.now() - t;

const accuracy = (answers: (string | null)[]) => `${((100 * answers.filter((a, i) => a === expected[i]).length) / QUERIES).toFixed(1)} %`;
const perSecond = (n: number, ms: number) => (n / ms) * 1000;
const baselineRate = perSecond(QUERIES, baselineMs);
const row = (path: string, ms: number, answers: (string | null)[]) =>
  `| ${path} | ${(ms / 1000).toFixed(2)} s | ${Math.round(perSecond(QUERIES, ms)).toLocaleString('en')}/s | ${(perSecond(QUERIES, ms) / baselineRate).toFixed(1)}× | ${accuracy(answers)} |`;

console.log(`\n## Geocoding benchmark (${store.backend}; ${ADDRESSES.toLocaleString('en')} addresses on ${roads.toLocaleString('en')} roads, ${QUERIES.toLocaleString('en')} queries)\n`);
console.log(`Import: ${(importMs / 1000).toFixed(1)} s (${Math.round(perSecond(ADDRESSES, importMs)).toLocaleString('en')} addresses/s, batches of ${IMPORT_BATCH.toLocaleString('en')}); geocoder load from the database: ${(loadMs / 1000).toFixed(1)} s.\n`);
console.log('| path | time | addresses/s | × SQL exact | top-1 right |');
console.log('| --- | ---: | ---: | ---: | ---: |');
console.log(row('in process, AddressIndex.search', inProcessMs, inProcess));
console.log(row(`HTTP, POST /api/geocode (${HTTP_BATCH.toLocaleString('en')} a request)`, httpMs, overHttp));
console.log(row(`SQL, exact normalised text (${HTTP_BATCH.toLocaleString('en')} a statement)`, baselineMs, baseline));
await drop();
