/**
 * npm run bench:load — the real service under sustained concurrent load.
 *
 * Starts `node --import tsx server/main.ts` on loopback as a second process, on a fresh database
 * (a new embedded folder in a temporary directory, or with DATABASE_URL a new database on that
 * server, dropped afterwards), seeded with a synthetic county of a few thousand grids
 * (load-town.ts) and a few hundred cameras and sensors registered through POST /api/devices.
 * Then autocannon drives it, one scenario after another, each for `--duration` seconds with
 * `--connections` keep-alive connections:
 *   (d) GET /api/health — the baseline: express + one trivial query, so every ratio says what a
 *       scenario costs beyond "an HTTP request that touches the database";
 *   (a) GET /api/locate, one point (in memory: the locate index);
 *   (b) POST /api/locate, 100 points a request;
 *   (c) POST /api/feeds/events, batches of events from the registered devices, each event id
 *       unique, committed before the answer.
 * After the feed run the service is stopped and every event it acknowledged is looked up in
 * device_events: "lost" must be 0.
 *
 * Every request carries `Authorization: Bearer <GRIDGOV_ADMIN_KEY>` (a random key the child is
 * started with), so the benchmark keeps working once the API requires a key.
 *
 * The load generator runs in this process, on the same machine: on a small machine it takes
 * CPU from the service, so absolute figures are a floor; the ratios against the baseline of the
 * same run are what to compare across machines.
 *
 *   npm run bench:load -- [--duration 20] [--connections 10] [--grids 3000] [--devices 200] [--feed-batch 100]
 *   DATABASE_URL=postgres://… npm run bench:load
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { openStore } from '../../server/db/connect.js';
import { seededRandom } from '../../server/geo/random.js';
import { loadTown } from './load-town.js';
import { freePort, repoRoot } from './service.js';
import { throwawayDatabase } from './throwaway-store.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '20' },
    connections: { type: 'string', default: '10' },
    grids: { type: 'string', default: '3000' },
    devices: { type: 'string', default: '200' },
    'feed-batch': { type: 'string', default: '100' },
  },
});
const DURATION = positive('duration');
const CONNECTIONS = positive('connections');
const GRIDS = positive('grids');
const DEVICES = positive('devices');
const FEED_BATCH = positive('feed-batch');
const LOCATE_BATCH = 100;
const log = (message: string) => process.stderr.write(`[bench:load] ${message}\n`);

function positive(name: keyof typeof values): number {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer, got ${values[name]}`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// The service as a child process.

const adminKey = crypto.randomBytes(32).toString('hex');
const auth = { authorization: `Bearer ${adminKey}` };

interface Service {
  child: ChildProcess;
  url: string;
  output: () => string;
}

async function startService(env: Record<string, string>): Promise<Service> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: repoRoot,
    // The per-key rate limit is lifted: this measures the service, not its limiter (tested in access.test.ts).
    env: { ...process.env, ...env, PORT: String(port), GRIDGOV_DEMO: '0', GRIDGOV_ADMIN_KEY: adminKey, GRIDGOV_RATE_KEY: '1000000', GRIDGOV_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Keep the tail of its output for the error message, should it fail.
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}:\n${output}`);
    if (Date.now() - started > 300_000) throw new Error(`the service did not start within 300 s:\n${output}`);
    try {
      if ((await fetch(`${url}/api/health`, { headers: auth, signal: AbortSignal.timeout(2000) })).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  log(`service up on ${url} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { child, url, output: () => output };
}

async function stopService(service: Service): Promise<void> {
  if (service.child.exitCode !== null || service.child.signalCode !== null) return;
  const exited = new Promise((resolve) => service.child.once('exit', resolve));
  service.child.kill('SIGTERM');
  const kill = setTimeout(() => service.child.kill('SIGKILL'), 30_000); // a stuck shutdown must not hang the benchmark
  await exited;
  clearTimeout(kill);
}

async function call(service: Service, method: string, route: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${service.url}${route}`, {
    method,
    headers: { ...auth, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

// ---------------------------------------------------------------------------------------------
// One autocannon run, with its own latency record: autocannon's histogram keeps whole
// milliseconds, too coarse for a sub-millisecond baseline, so the 2xx response times it reports
// per response (fractional ms) are kept here and ranked.

interface Outcome {
  name: string;
  seconds: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  p50: number;
  p99: number;
  max: number;
  /** Items (points, events) a second, for the batch scenarios. */
  itemsPerSecond?: number;
  itemName?: string;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function run(name: string, options: autocannon.Options, itemsPerRequest?: { count: number; name: string }): Promise<Outcome> {
  log(`${name}: ${DURATION} s, ${CONNECTIONS} connections…`);
  let latencies = new Float64Array(1 << 16);
  let recorded = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { connections: CONNECTIONS, duration: DURATION, timeout: 10, ...options, headers: { ...auth, ...options.headers } },
      (error: unknown, result: autocannon.Result) => {
        if (error) return reject(error);
        const sorted = latencies.subarray(0, recorded).sort();
        const ok = result.requests.total - result.non2xx;
        resolve({
          name,
          seconds: result.duration,
          requests: result.requests.total,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          p50: percentile(sorted, 50),
          p99: percentile(sorted, 99),
          max: recorded ? sorted[recorded - 1] : NaN,
          itemsPerSecond: itemsPerRequest ? (ok * itemsPerRequest.count) / result.duration : undefined,
          itemName: itemsPerRequest?.name,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode < 200 || statusCode >= 300) return;
      if (recorded === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[recorded++] = responseTime;
    });
  });
}

// ---------------------------------------------------------------------------------------------

// A fresh database (throwaway-store.ts): the child is pointed at it by `env`; this process opens
// it to seed it and to count what was stored.
const database = await throwawayDatabase('load', process.env.DATABASE_URL);
let service: Service | undefined;
try {
  // Seed before the service starts: the embedded data folder takes one process at a time.
  log(`backend: ${process.env.DATABASE_URL ? 'postgres' : 'embedded'}; seeding a county of ${GRIDS} grids…`);
  const seedStore = await openStore(database.options);
  const { town } = await loadTown(seedStore, { grids: GRIDS, gridsPerVillage: 300 }, () => {});
  await seedStore.close();

  service = await startService(database.env);
  const svc = service;

  // Points drawn inside random grids' boxes: a synthetic grid's edges run along its box, so
  // every point falls in some grid and answers 200 (a miss would be a 404 and count as non-2xx).
  const boxes = town.grids.map((grid) => {
    const ring = grid.geometry.coordinates[0];
    const xs = ring.map((p) => p[0]);
    const ys = ring.map((p) => p[1]);
    return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
  });
  const random = seededRandom(42);
  const pointInAGrid = (): [number, number] => {
    const [minX, minY, maxX, maxY] = boxes[Math.floor(random() * boxes.length)];
    return [+(minX + (0.05 + 0.9 * random()) * (maxX - minX)).toFixed(7), +(minY + (0.05 + 0.9 * random()) * (maxY - minY)).toFixed(7)];
  };

  // The locate index is built in the background at start-up: wait for it, so that no scenario
  // measures the build.
  for (const started = Date.now(); ; ) {
    const [lon, lat] = pointInAGrid();
    const answer = await call(svc, 'GET', `/api/locate?lon=${lon}&lat=${lat}`);
    if (answer.status === 200) break;
    if (Date.now() - started > 120_000) throw new Error(`GET /api/locate still answers ${answer.status}: ${JSON.stringify(answer.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  // Cameras and sensors, half and half, through the API.
  log(`registering ${DEVICES} devices…`);
  const deviceIds: string[] = [];
  for (let d = 0; d < DEVICES; d++) {
    const [lon, lat] = pointInAGrid();
    const id = `load-dev-${d}`;
    const device =
      d % 2 === 0
        ? { id, kind: 'camera', name: `压测摄像头${d}`, lon, lat, heading: Math.floor(random() * 360), fov: 60, rangeM: 80 }
        : { id, kind: 'sensor', name: `压测传感器${d}`, lon, lat, sensorType: 'smoke' };
    const answer = await call(svc, 'POST', '/api/devices', device);
    if (answer.status !== 201) throw new Error(`POST /api/devices: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
    deviceIds.push(id);
  }

  // Precomputed requests, so that the generator spends its CPU on sending.
  const singlePaths = Array.from({ length: 20_000 }, () => {
    const [lon, lat] = pointInAGrid();
    return `/api/locate?lon=${lon}&lat=${lat}`;
  });
  const batchBodies = Array.from({ length: 500 }, () => JSON.stringify({ points: Array.from({ length: LOCATE_BATCH }, pointInAGrid) }));

  const outcomes: Outcome[] = [];
  outcomes.push(await run('GET /api/health (baseline)', { url: `${svc.url}/api/health` }));

  let nextPath = 0;
  outcomes.push(
    await run('GET /api/locate (1 point)', {
      url: svc.url,
      requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: singlePaths[nextPath++ % singlePaths.length] }) }],
    }),
  );

  let nextBody = 0;
  outcomes.push(
    await run(
      `POST /api/locate (${LOCATE_BATCH} points)`,
      {
        url: `${svc.url}/api/locate`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        requests: [{ setupRequest: (request) => ({ ...request, body: batchBodies[nextBody++ % batchBodies.length] }) }],
      },
      { count: LOCATE_BATCH, name: 'points' },
    ),
  );

  // Events: each request's ids are kept on its connection's context (one request in flight per
  // connection), and those its answer calls "accepted" are the acknowledged ones.
  const TYPES = ['intrusion', 'crowd', 'garbage', 'illegal_parking', 'smoke_alarm', 'water_level', 'manhole_cover'];
  const runTag = Date.now().toString(36);
  let nextEvent = 0;
  const acknowledged: string[] = [];
  let partial = 0;
  outcomes.push(
    await run(
      `POST /api/feeds/events (${FEED_BATCH} events)`,
      {
        url: `${svc.url}/api/feeds/events`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        requests: [
          {
            setupRequest: (request, context) => {
              const occurredAt = new Date().toISOString();
              const events = Array.from({ length: FEED_BATCH }, () => ({
                deviceId: deviceIds[Math.floor(random() * deviceIds.length)],
                eventId: `load-${runTag}-${nextEvent++}`,
                type: TYPES[Math.floor(random() * TYPES.length)],
                occurredAt,
                severity: 1 + Math.floor(random() * 4), // GB/T 28181 AlarmPriority 1–4
              }));
              (context as { ids?: string[] }).ids = events.map((event) => event.eventId);
              return { ...request, body: JSON.stringify({ events }) };
            },
            onResponse: (status, body, context) => {
              const ids = (context as { ids?: string[] }).ids;
              if (status !== 200 || !ids) return;
              const report = JSON.parse(body) as { accepted: number; results: { index: number; status: string }[] };
              if (report.accepted !== ids.length) partial++;
              for (const result of report.results) if (result.status === 'accepted') acknowledged.push(ids[result.index]);
            },
          },
        ],
      },
      { count: FEED_BATCH, name: 'events' },
    ),
  );
  const sentEvents = nextEvent;

  // Stop the service (the embedded folder opens in one process at a time), then look every
  // acknowledged event up in the database.
  await stopService(svc);
  const store = await openStore(database.options);
  const stored = new Set<string>();
  for (let i = 0; i < acknowledged.length; i += 5000) {
    const chunk = acknowledged.slice(i, i + 5000);
    const { rows } = await sql<{ event_id: string }>`SELECT event_id FROM device_events WHERE event_id = ANY(${chunk}::text[])`.execute(store.db);
    for (const row of rows) stored.add(row.event_id);
  }
  await store.close();
  const lost = acknowledged.filter((id) => !stored.has(id)).length;

  // The report.
  const [base] = outcomes;
  const rate = (o: Outcome) => o.requests / o.seconds;
  const ms = (value: number) => (Number.isNaN(value) ? '—' : value < 10 ? value.toFixed(2) : value.toFixed(0));
  const backend = process.env.DATABASE_URL ? 'postgres' : 'embedded';
  console.log(
    `## Load test (${backend}; ${GRIDS.toLocaleString('en')} grids, ${DEVICES} devices; ${CONNECTIONS} connections × ${DURATION} s per scenario; ` +
      `${os.cpus().length} CPUs shared by service and load generator)\n`,
  );
  console.log('| scenario | req/s | items/s | p50 ms | p99 ms | max ms | non-2xx | errors (timeouts) | p50 × health | req/s × health |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const o of outcomes) {
    const items = o.itemsPerSecond === undefined ? '' : `${Math.round(o.itemsPerSecond).toLocaleString('en')} ${o.itemName}`;
    console.log(
      `| ${o.name} | ${Math.round(rate(o)).toLocaleString('en')} | ${items} | ${ms(o.p50)} | ${ms(o.p99)} | ${ms(o.max)} | ${o.non2xx} | ${o.errors} (${o.timeouts}) | ` +
        `${(o.p50 / base.p50).toFixed(2)}× | ${(rate(o) / rate(base)).toFixed(2)}× |`,
    );
  }
  console.log(
    `\nFeed: ${sentEvents.toLocaleString('en')} events sent, ${acknowledged.length.toLocaleString('en')} acknowledged as accepted` +
      `${partial ? ` (${partial} answers accepted only part of their batch)` : ''}, ${stored.size.toLocaleString('en')} of those found in device_events: lost = ${lost}.`,
  );
  console.log('Latencies are of 2xx answers; req/s counts every answer. Events sent but not acknowledged (in flight when a run ended) are not counted.');
  if (lost > 0 || outcomes.some((o) => o.non2xx > 0 || o.errors > 0)) process.exitCode = 1;
} catch (error) {
  if (service) process.stderr.write(`[bench:load] service output (tail):\n${service.output()}\n`);
  throw error;
} finally {
  if (service) await stopService(service);
  await database.drop();
}
