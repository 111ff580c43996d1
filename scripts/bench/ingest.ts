/**
 * Feed ingest end to end: camera and sensor events through POST /api/feeds/events (a real
 * socket, batches of 1,000, 4 clients at once), each event validated, de-duplicated, snapped to
 * one of 2,000 synthetic grids, run through the incident rules and committed before the answer.
 * Baseline, in the same run on the same database: the same events as a bare multi-row INSERT
 * into device_events (no checks, no snapping, no incidents) — the cost of storing them at all.
 *
 * npm run bench:ingest                       embedded PGlite (in memory)
 * DATABASE_URL=postgres://… npm run bench:ingest
 * BENCH_EVENTS (default 50,000) and BENCH_SNAPSHOTS (share with a 640×360 JPEG, default 0.02).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import * as turf from '@turf/turf';
import { sql } from 'kysely';
import { createApp } from '../../server/app.js';
import { defaultLimits } from '../../server/config.js';
import { createDevice } from '../../server/db/devices.js';
import { cameraSector } from '../../server/geo/sector.js';
import { seededRandom } from '../../server/geo/random.js';
import { loadTown } from './load-town.js';
import { throwawayStore } from './throwaway-store.js';
import { adminAuthorization } from './admin-key.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 50_000);
const SNAPSHOT_SHARE = Number(process.env.BENCH_SNAPSHOTS ?? 0.02);
const BATCH = 1000;
const CLIENTS = 4;
const DEVICES = 1000;
const log = (message: string) => process.stderr.write(`${message}\n`);

const { store, drop } = await throwawayStore();
log(`backend: ${store.backend}; 2,000 grids, ${DEVICES} devices…`);
const { grids } = await loadTown(store, { grids: 2000, gridsPerVillage: 500 }, () => {});

const [minX, minY, maxX, maxY] = turf.bbox({ type: 'FeatureCollection', features: grids.map((g) => turf.feature(g.geometry)) });
const random = seededRandom(11);
const somewhere = (): [number, number] => [minX + random() * (maxX - minX), minY + random() * (maxY - minY)];
const now = new Date();
const placed: { lon: number; lat: number; heading: number }[] = [];
for (let d = 0; d < DEVICES; d++) {
  const [lon, lat] = somewhere();
  const camera = d % 2 === 0;
  const heading = Math.floor(random() * 360);
  placed.push({ lon, lat, heading });
  await createDevice(
    store.db,
    `dev-${d}`,
    {
      kind: camera ? 'camera' : 'sensor', name: `设备${d}`, idScheme: null, centerRegion: null, lon, lat, heightM: null,
      heading: camera ? heading : null, fov: camera ? 60 : null, rangeM: camera ? 80 : null, ptz: false, sensorType: camera ? null : 'smoke',
      sector: camera ? cameraSector({ lon, lat, heading, fov: 60, rangeM: 80 }) : null,
    },
    now,
  );
}
/** A point a camera sees: along its heading, within its 80 m range and 60° view. */
function seenBy(camera: { lon: number; lat: number; heading: number }): [number, number] {
  const target = turf.destination([camera.lon, camera.lat], 10 + random() * 60, camera.heading - 25 + random() * 50, { units: 'meters' });
  return target.geometry.coordinates as [number, number];
}
const jpeg = (await sharp({ create: { width: 640, height: 360, channels: 3, background: { r: 80, g: 110, b: 150 } } }).jpeg().toBuffer()).toString('base64');

const TYPES = ['intrusion', 'crowd', 'garbage', 'illegal_parking', 'smoke_alarm', 'water_level', 'manhole_cover'];
function makeEvent(i: number) {
  const device = Math.floor(random() * DEVICES);
  const event: Record<string, unknown> = {
    deviceId: `dev-${device}`,
    eventId: `e-${i}`,
    type: TYPES[Math.floor(random() * TYPES.length)],
    occurredAt: new Date(now.getTime() - (EVENTS - i) * 50).toISOString(),
    severity: 1 + Math.floor(random() * 5),
  };
  if (device % 2 === 0 && random() < 0.6) [event.lon, event.lat] = seenBy(placed[device]!); // the target a camera saw
  if (random() < SNAPSHOT_SHARE) event.snapshot = jpeg;
  return event;
}
const events = Array.from({ length: EVENTS }, (_, i) => makeEvent(i));
const batches: Record<string, unknown>[][] = [];
for (let i = 0; i < EVENTS; i += BATCH) batches.push(events.slice(i, i + BATCH));

const auth = await adminAuthorization(store);
const server = http.createServer(createApp(store, defaultLimits));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/feeds/events`;
const send = async (batch: Record<string, unknown>[]) => {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ events: batch }) });
  if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
  return (await response.json()) as { accepted: number; duplicates: number; rejected: number; incidents: { created: number; updated: number } };
};
await send([{ deviceId: 'dev-1', eventId: 'warm-up', type: 'smoke_alarm', occurredAt: now.toISOString(), severity: 1 }]);

const latencies: number[] = [];
let accepted = 0;
let created = 0;
let next = 0;
let t = performance.now();
await Promise.all(
  Array.from({ length: CLIENTS }, async () => {
    while (next < batches.length) {
      const batch = batches[next++];
      const started = performance.now();
      const report = await send(batch);
      latencies.push(performance.now() - started);
      accepted += report.accepted;
      created += report.incidents.created;
    }
  }),
);
const ingestMs = performance.now() - t;

// The same batches again: all duplicates, nothing written.
t = performance.now();
let duplicates = 0;
for (const batch of batches.slice(0, 10)) duplicates += (await send(batch)).duplicates;
const resendMs = performance.now() - t;
server.close();

// Baseline: the bare rows, multi-row INSERT, 1,000 a statement, into a copy of the table.
await sql`CREATE TABLE bench_events (LIKE device_events INCLUDING DEFAULTS)`.execute(store.db);
t = performance.now();
for (const batch of batches) {
  const rows = batch.map((e) => ({ d: e.deviceId, e: e.eventId, t: e.type, s: e.severity, o: e.occurredAt, x: (e.lon as number) ?? 114.3, y: (e.lat as number) ?? 30.5 }));
  await sql`
    INSERT INTO bench_events (device_id, event_id, type, severity, occurred_at, received_at, geom)
    SELECT r.d, r.e, r.t, r.s, r.o, now(), ST_SetSRID(ST_MakePoint(r.x, r.y), 4326)
    FROM json_to_recordset(${JSON.stringify(rows)}::json) AS r(d text, e text, t text, s int, o timestamptz, x float8, y float8)`.execute(store.db);
}
const baselineMs = performance.now() - t;

latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(0);
const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
console.log(`\n## Ingest benchmark (${store.backend}; ${EVENTS.toLocaleString('en')} events, ${(SNAPSHOT_SHARE * 100).toFixed(0)} % with a 640×360 JPEG, ${DEVICES} devices, 2,000 grids)\n`);
console.log('| path | time | events/s | × bare INSERT | batch p50 / p95 |');
console.log('| --- | ---: | ---: | ---: | ---: |');
console.log(`| POST /api/feeds/events (${BATCH} a request, ${CLIENTS} clients) | ${(ingestMs / 1000).toFixed(1)} s | ${rate(EVENTS, ingestMs).toLocaleString('en')} | ${(rate(EVENTS, ingestMs) / rate(EVENTS, baselineMs)).toFixed(2)} | ${pct(50)} / ${pct(95)} ms |`);
console.log(`| re-sent batches (all duplicates) | ${(resendMs / 1000).toFixed(1)} s | ${rate(10 * BATCH, resendMs).toLocaleString('en')} | | |`);
console.log(`| bare multi-row INSERT (baseline) | ${(baselineMs / 1000).toFixed(1)} s | ${rate(EVENTS, baselineMs).toLocaleString('en')} | 1.00 | |`);
console.log(`\n${accepted.toLocaleString('en')} accepted, ${created.toLocaleString('en')} incidents opened, ${duplicates.toLocaleString('en')} duplicates on re-send.`);
await drop();
