/**
 * npm run bench:ingest — feed ingest end to end against a COPY of the same rows, in one run.
 *
 * The mix (issue 19): 20,000 events from 600 sensors placed in the demo area's real grids, 8
 * event types over 3 hours, 1 % with a 640×360 JPEG, sent 1,000 a request by 4 clients at once.
 * Each event is validated, de-duplicated, snapped, run through the incident rules and committed
 * before the answer.
 *
 * - Server backend (DATABASE_URL): a fresh throwaway database on that server; TWO instances of the
 *   real service (`node --import tsx server/main.ts`, child processes on free ports) started at
 *   once, the clients spread over both.
 * - Embedded (no DATABASE_URL): one instance in this process (one process owns an embedded
 *   database), PGlite in memory.
 *
 * Baseline, in the same run on the same database: the rows the ingest stored, read back, then
 * written again with COPY … FROM STDIN (pg-copy-streams; embedded: PGlite's COPY from a blob)
 * into a plain table with the same key — the database's own pace for storing these rows.
 * Reported: events/s of each and their ratio; batch latencies; the re-send of 5 batches (all
 * duplicates); incidents opened.
 *
 *   npm run bench:ingest
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5433/postgres npm run bench:ingest
 * Knobs: BENCH_EVENTS (20000), BENCH_SENSORS (600), BENCH_SNAPSHOTS (0.01), BENCH_CLIENTS (4);
 * BENCH_CPU_PROF=<dir> (server backend): V8 CPU profiles of the two instances, written when they stop.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import * as turf from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { sql } from 'kysely';
import { createApp } from '../../server/app.js';
import { defaultLimits } from '../../server/config.js';
import { openPGlite, openStore } from '../../server/db/connect.js';
import { loadDemo } from '../../server/demo/load.js';
import { createApiKey } from '../../server/db/api-keys.js';
import { Thumbnailer } from '../../server/media/thumbnailer.js';
import { seededRandom } from '../../server/geo/random.js';
import { repoRoot, startInstance } from './service.js';
import { throwawayDatabase } from './throwaway-store.js';
import { COPY_INTO, COPY_TABLE, copyRowsServer, storedAsCopyText } from './copy-baseline.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const SENSORS = Number(process.env.BENCH_SENSORS ?? 600);
const SNAPSHOT_SHARE = Number(process.env.BENCH_SNAPSHOTS ?? 0.01);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 4);
const BATCH = 1000;
const TYPES = ['smoke_alarm', 'water_level', 'manhole_cover', 'gas_leak', 'intrusion', 'crowd', 'garbage', 'illegal_parking'];
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const server = process.env.DATABASE_URL;

// ---------------------------------------------------------------------------------------------
// The service: two child instances on a server database, or one in this process.

interface Running {
  urls: string[];
  headers: Record<string, string>;
  /** The stored rows as COPY text, and a COPY of them into a plain table: its milliseconds. */
  copyBaseline(): Promise<{ rows: number; ms: number }>;
  /** CPU time (user + system) so far of the processes that serve the requests, ms. */
  serviceCpuMs(): number;
  stop(): Promise<void>;
}

/** Clock ticks a second of /proc/<pid>/stat's times (USER_HZ: 100 on Linux). */
const USER_HZ = 100;
/** CPU time (user + system) of another process so far, ms, from /proc (Linux only; NaN elsewhere). */
function processCpuMs(pid: number): number {
  try {
    // The fields after the command name (which may hold spaces, so after its closing parenthesis).
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / USER_HZ) * 1000;
  } catch {
    return NaN;
  }
}

async function startServerInstances(): Promise<Running> {
  const database = await throwawayDatabase('ingest', server);
  const adminKey = crypto.randomBytes(32).toString('hex');
  log('starting two instances at once on a fresh database…');
  const t = performance.now();
  const env = { ...database.env, GRIDGOV_DEMO: '1', GRIDGOV_DEMO_FEED: '0', GRIDGOV_RATE_KEY: '100000', GRIDGOV_LOG_LEVEL: 'warn' };
  // BENCH_CPU_PROF=<dir>: each instance writes a V8 CPU profile there when it stops.
  const nodeArgs = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`] : [];
  const instances = await Promise.all([startInstance(env, adminKey, undefined, nodeArgs), startInstance(env, adminKey, undefined, nodeArgs)]);
  log(`both healthy after ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return {
    urls: instances.map((i) => i.url),
    headers: { authorization: `Bearer ${adminKey}` },
    copyBaseline: () => copyRowsServer(database.env.DATABASE_URL),
    serviceCpuMs: () => instances.reduce((sum, { child }) => sum + processCpuMs(child.pid!), 0),
    async stop() {
      for (const { child } of instances) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      await database.drop();
    },
  };
}

async function startEmbedded(): Promise<Running> {
  const pglite = await openPGlite({});
  const store = await openStore({ pglite });
  await loadDemo(store.db, defaultLimits, () => {});
  const { key } = await createApiKey(store.db, { name: 'bench', role: 'admin', regionCode: null, createdBy: 'bench' });
  // Its own thumbnailer, so that the thumbnails made after the answers are awaited before closing.
  const thumbnailer = new Thumbnailer(store.db);
  const service = http.createServer(createApp(store, defaultLimits, { access: { rateLimits: { integrator: 1e6, key: 1e6, anonymous: 1e6, failedKey: 1e6 } }, thumbnailer }));
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  return {
    urls: [`http://127.0.0.1:${(service.address() as AddressInfo).port}`],
    headers: { authorization: `Bearer ${key}` },
    async copyBaseline() {
      const { rows } = await sql<{ line: string }>`${sql.raw(storedAsCopyText())}`.execute(store.db);
      await pglite.exec(COPY_TABLE);
      const blob = new Blob([rows.map((r) => r.line).join('\n') + '\n']);
      const t = performance.now();
      await pglite.query(`${COPY_INTO} FROM '/dev/blob'`, [], { blob });
      return { rows: rows.length, ms: performance.now() - t };
    },
    serviceCpuMs: () => {
      const cpu = process.cpuUsage();
      return (cpu.user + cpu.system) / 1000;
    },
    async stop() {
      service.close();
      await thumbnailer.idle();
      await store.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The mix.

const running = server ? await startServerInstances() : await startEmbedded();
try {
  const headers = { 'content-type': 'application/json', ...running.headers };
  const grids = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'data', 'demo', 'grids.geojson'), 'utf8')) as { features: Feature<Polygon | MultiPolygon>[] }).features;
  const random = seededRandom(19);
  const inside = (grid: Feature<Polygon | MultiPolygon>): [number, number] => {
    const [minX, minY, maxX, maxY] = turf.bbox(grid);
    for (;;) {
      const point: [number, number] = [minX + random() * (maxX - minX), minY + random() * (maxY - minY)];
      if (turf.booleanPointInPolygon(point, grid)) return point;
    }
  };
  log(`registering ${SENSORS} sensors in ${grids.length} real grids…`);
  for (let s = 0; s < SENSORS; s++) {
    const [lon, lat] = inside(grids[s % grids.length]);
    const response = await fetch(`${running.urls[s % running.urls.length]}/api/devices`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ id: `bench-sensor-${s}`, kind: 'sensor', sensorType: 'other', name: `传感器${s}`, lon, lat }),
    });
    if (response.status !== 201) throw new Error(`POST /api/devices: ${response.status} ${await response.text()}`);
  }
  const jpeg = (await sharp({ create: { width: 640, height: 360, channels: 3, background: { r: 80, g: 110, b: 150 } } }).jpeg().toBuffer()).toString('base64');
  const start = Date.now() - 3 * 3_600_000;
  const events = Array.from({ length: EVENTS }, (_, i) => {
    const event: Record<string, unknown> = {
      deviceId: `bench-sensor-${Math.floor(random() * SENSORS)}`,
      eventId: `e-${i}`,
      type: TYPES[Math.floor(random() * TYPES.length)],
      occurredAt: new Date(start + (i / EVENTS) * 3 * 3_600_000).toISOString(),
      severity: 1 + Math.floor(random() * 4), // GB/T 28181 AlarmPriority: 1 (一级) … 4
    };
    if (random() < SNAPSHOT_SHARE) event.snapshot = jpeg;
    return event;
  });
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < EVENTS; i += BATCH) batches.push(events.slice(i, i + BATCH));
  const send = async (url: string, batch: Record<string, unknown>[]) => {
    // The compact answer (counts and refused events), as a sender of large batches would ask.
    const response = await fetch(`${url}/api/feeds/events?answer=compact`, { method: 'POST', headers, body: JSON.stringify({ events: batch }) });
    if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
    return (await response.json()) as { accepted: number; duplicates: number; rejected: number; incidents: { created: number; updated: number } };
  };

  log(`sending ${EVENTS.toLocaleString('en')} events, ${BATCH} a request, ${CLIENTS} clients over ${running.urls.length} instance(s)…`);
  const latencies: number[] = [];
  let accepted = 0;
  let created = 0;
  let next = 0;
  const loadBefore = os.loadavg()[0];
  // CPU time is steadier than wall time on a shared machine: the service's — embedded this
  // process (HTTP, JavaScript, PGlite; sharp's threads too, and the clients), on the server the
  // two instances' processes (PostgreSQL's own work is not in it).
  const cpuBefore = running.serviceCpuMs();
  let t = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      while (next < batches.length) {
        const batch = batches[next++];
        const started = performance.now();
        const report = await send(running.urls[client % running.urls.length], batch);
        latencies.push(performance.now() - started);
        accepted += report.accepted;
        created += report.incidents.created;
      }
    }),
  );
  const ingestMs = performance.now() - t;
  const cpuMs = running.serviceCpuMs() - cpuBefore;
  const loadDuring = os.loadavg()[0];

  t = performance.now();
  let duplicates = 0;
  for (const [k, batch] of batches.slice(0, 5).entries()) duplicates += (await send(running.urls[k % running.urls.length], batch)).duplicates;
  const resendMs = performance.now() - t;

  log('the baseline: COPY of the stored rows into a plain table with the same key…');
  const copy = await running.copyBaseline();
  if (copy.rows !== accepted) throw new Error(`${copy.rows} rows stored, ${accepted} accepted`);

  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(0);
  const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
  const ingestRate = rate(EVENTS, ingestMs);
  const copyRate = rate(copy.rows, copy.ms);
  console.log(
    `\n## Ingest benchmark (${server ? 'server, 2 instances' : 'embedded, 1 instance'}; ${EVENTS.toLocaleString('en')} events from ${SENSORS} sensors in ${grids.length} real grids, ${TYPES.length} types over 3 h, ${(SNAPSHOT_SHARE * 100).toFixed(0)} % with a 640×360 JPEG; ${CLIENTS} clients, ${BATCH} a request; load average ${loadBefore.toFixed(1)} → ${loadDuring.toFixed(1)} on ${os.cpus().length} cores)\n`,
  );
  console.log('| path | time | events/s | × COPY | batch p50 / p95 |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  console.log(`| POST /api/feeds/events, end to end | ${(ingestMs / 1000).toFixed(2)} s | ${ingestRate.toLocaleString('en')} | **${(ingestRate / copyRate).toFixed(3)}** | ${pct(50)} / ${pct(95)} ms |`);
  console.log(`| re-sent batches (all duplicates) | ${(resendMs / 1000).toFixed(2)} s | ${rate(5 * BATCH, resendMs).toLocaleString('en')} | | |`);
  console.log(`| COPY of the same ${copy.rows.toLocaleString('en')} rows into a plain table with the same key (baseline) | ${(copy.ms / 1000).toFixed(2)} s | ${copyRate.toLocaleString('en')} | 1.000 | |`);
  console.log(`\nCPU of the service during the ingest: ${(cpuMs / 1000).toFixed(2)} s (${((cpuMs / EVENTS) * 1000).toFixed(0)} µs an event${server ? '; both instances, not PostgreSQL' : '; this process: HTTP, JavaScript, PGlite, thumbnails, the clients'}).`);
  console.log(`\n${accepted.toLocaleString('en')} accepted, ${created.toLocaleString('en')} incidents opened, ${duplicates.toLocaleString('en')} duplicates on re-send.`);
} finally {
  await running.stop();
}
