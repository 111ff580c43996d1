/**
 * npm run bench:scale — the figures of docs/scale.md: one PostgreSQL server holding 100,000
 * grids, 1,000,000 incidents and 10,000,000 device events, and what the service answers at
 * that size. Server backend only (DATABASE_URL): a throwaway database, dropped at the end.
 *
 * The data is written by SQL (generate_series), not through the API: 5 counties × 10
 * townships × 20 villages × 100 grids of ≈330 m squares near Wuhan (regions with boundaries,
 * grids with one version each and households), 1,000,000 incidents over the past year in
 * them (the counts kept on write are filled by their triggers as for any write), 10,000,000
 * events over 12 months from 20,000 sensors, in their monthly partitions. Then through the
 * real app on a listening server: locate (the index build, one point, 1,000 points), grid
 * tiles at z14, heatmaps at z8–z14, statistics, and feed batches of 1,000 events — and the
 * size of every large table.
 *
 * Knobs: SCALE_EVENTS (10000000), SCALE_INCIDENTS (1000000). DATABASE_URL=postgres://… npm run bench:scale
 */
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { createApp } from '../../server/app.js';
import { defaultLimits } from '../../server/config.js';
import { ensureEventMonths, monthsBetween } from '../../server/db/event-partitions.js';
import { incidentHeatmap, regionStats } from '../../server/db/incident-stats.js';
import { gridTileByPostgis } from '../../server/db/tiles.js';
import { tileAt } from '../../server/geo/tiles.js';
import { seededRandom } from '../../server/geo/random.js';
import { openThrowaway, throwawayDatabase } from './throwaway-store.js';
import { copyRowsServer } from './copy-baseline.js';
import { adminAuthorization } from './admin-key.js';

if (!process.env.DATABASE_URL) throw new Error('bench:scale measures the server backend: set DATABASE_URL');
const EVENTS = Number(process.env.SCALE_EVENTS ?? 10_000_000);
const INCIDENTS = Number(process.env.SCALE_INCIDENTS ?? 1_000_000);
const log = (message: string) => process.stderr.write(`[scale ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

const G = 0.003; // grid side, degrees (≈330 m × 290 m at 30°N)
const LON0 = 114.0;
const LAT0 = 30.0;
// A village is 10 × 10 grids; a township 5 × 4 villages; a county 5 × 2 townships; 5 counties in a column.
const VILLAGE = 10 * G;
const TOWNSHIP_W = 5 * VILLAGE;
const TOWNSHIP_H = 4 * VILLAGE;
const COUNTY_W = 5 * TOWNSHIP_W;
const COUNTY_H = 2 * TOWNSHIP_H;
const WIDTH = COUNTY_W;
const HEIGHT = 5 * COUNTY_H;

const database = await throwawayDatabase('scale', process.env.DATABASE_URL);
const store = await openThrowaway(database);
const drop = () => store.close();
const db = store.db;
const timings: [string, number][] = [];
const timed = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
  const t = performance.now();
  const value = await fn();
  timings.push([label, (performance.now() - t) / 1000]);
  log(`${label}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return value;
};

try {
  await timed('regions (5 counties, 50 townships, 1,000 villages)', async () => {
    const box = (x: string, y: string, w: number | string, h: number | string) => `ST_Multi(ST_MakeEnvelope(${x}, ${y}, ${x} + ${w}, ${y} + ${h}, 4326))`;
    await sql.raw(`
      INSERT INTO regions (code, name, level, parent_code, boundary)
      SELECT '4201' || lpad(c::text, 2, '0') || '000000', '县' || c, 'county', NULL, ${box(`${LON0}`, `${LAT0} + (c - 1) * ${COUNTY_H}`, COUNTY_W, COUNTY_H)}
      FROM generate_series(1, 5) c`).execute(db);
    await sql.raw(`
      INSERT INTO regions (code, name, level, parent_code, boundary)
      SELECT '4201' || lpad(c::text, 2, '0') || lpad(t::text, 3, '0') || '000', '街道' || c || '-' || t, 'township', '4201' || lpad(c::text, 2, '0') || '000000',
             ${box(`${LON0} + ((t - 1) % 5) * ${TOWNSHIP_W}`, `${LAT0} + (c - 1) * ${COUNTY_H} + ((t - 1) / 5) * ${TOWNSHIP_H}`, TOWNSHIP_W, TOWNSHIP_H)}
      FROM generate_series(1, 5) c, generate_series(1, 10) t`).execute(db);
    await sql.raw(`
      INSERT INTO regions (code, name, level, parent_code, boundary)
      SELECT '4201' || lpad(c::text, 2, '0') || lpad(t::text, 3, '0') || lpad(v::text, 3, '0'), '社区' || c || '-' || t || '-' || v, 'village',
             '4201' || lpad(c::text, 2, '0') || lpad(t::text, 3, '0') || '000',
             ${box(`${LON0} + ((t - 1) % 5) * ${TOWNSHIP_W} + ((v - 1) % 5) * ${VILLAGE}`, `${LAT0} + (c - 1) * ${COUNTY_H} + ((t - 1) / 5) * ${TOWNSHIP_H} + ((v - 1) / 5) * ${VILLAGE}`, VILLAGE, VILLAGE)}
      FROM generate_series(1, 5) c, generate_series(1, 10) t, generate_series(1, 20) v`).execute(db);
  });

  await timed('100,000 grids (one version each)', async () => {
    await sql.raw(`
      CREATE TABLE scale_g AS
      SELECT r.code AS region_code, r.code || lpad(k::text, 3, '0') AS code, k,
             ST_Multi(ST_MakeEnvelope(ST_XMin(r.boundary) + ((k - 1) % 10) * ${G}, ST_YMin(r.boundary) + ((k - 1) / 10) * ${G},
                                      ST_XMin(r.boundary) + ((k - 1) % 10 + 1) * ${G}, ST_YMin(r.boundary) + ((k - 1) / 10 + 1) * ${G}, 4326)) AS geom
      FROM regions r, generate_series(1, 100) k WHERE r.level = 'village'`).execute(db);
    await sql`INSERT INTO grids (code, region_code, number, version, created_at) SELECT code, region_code, k, 1, now() FROM scale_g`.execute(db);
    await sql`
      INSERT INTO grid_versions (code, version, op, valid_from, region_code, name, kind, households, geom, actor, households_source)
      SELECT code, 1, 'create', now() - interval '400 days', region_code, '网格' || k, 'urban', 300 + (k * 7) % 200, geom, 'bench', 'stored' FROM scale_g`.execute(db);
    await sql`DROP TABLE scale_g`.execute(db);
  });

  await timed(`${INCIDENTS.toLocaleString('en')} incidents (counts kept by their triggers)`, async () => {
    await sql`SELECT setseed(0.19)`.execute(db);
    await sql`
      INSERT INTO incidents (category, source, status, handling_level, handling_region, grid_code, geom, reported_at, deadline_at, resolved_at, closed_at, updated_at)
      SELECT b.category, 'sensor', b.status, 'grid', left(b.grid_code, 12), b.grid_code, ST_SetSRID(ST_MakePoint(b.x, b.y), 4326),
             b.reported, b.reported + interval '24 hours',
             CASE WHEN b.status IN ('resolved', 'closed') THEN b.reported + b.r * interval '30 hours' END,
             CASE WHEN b.status = 'closed' THEN b.reported + b.r * interval '30 hours' + interval '1 hour' END, b.reported
      FROM (
        SELECT gv.x0 + a.u * ${G} AS x, gv.y0 + a.v * ${G} AS y, a.r, now() - a.t * interval '365 days' AS reported, gv.code AS grid_code,
               (ARRAY['fire', 'sanitation', 'traffic', 'public_order', 'facility', 'environment', 'other'])[1 + floor(a.k * 7)::int] AS category,
               CASE WHEN a.s < 0.05 THEN 'reported' WHEN a.s < 0.08 THEN 'dispatched' WHEN a.s < 0.1 THEN 'in_progress' WHEN a.s < 0.2 THEN 'resolved' ELSE 'closed' END AS status
        FROM (SELECT 1 + floor(random() * 100000)::int AS g, random() AS u, random() AS v, random() AS t, random() AS k, random() AS s, random() AS r
              FROM generate_series(1, ${INCIDENTS})) a
        JOIN (SELECT row_number() OVER (ORDER BY code)::int AS g, code, ST_XMin(geom) AS x0, ST_YMin(geom) AS y0 FROM grid_versions) gv ON gv.g = a.g
      ) b`.execute(db);
  });

  const sensors = 20_000;
  await timed(`${EVENTS.toLocaleString('en')} device events over 12 months (${sensors.toLocaleString('en')} sensors)`, async () => {
    await sql`
      INSERT INTO devices (id, kind, name, geom, sensor_type, version, created_at, updated_at)
      SELECT 'scale-' || s, 'sensor', '传感器' || s, ST_SetSRID(ST_MakePoint(${LON0}::float8 + random() * ${WIDTH}, ${LAT0}::float8 + random() * ${HEIGHT}), 4326), 'other', 1, now(), now()
      FROM generate_series(1, ${sensors}) s`.execute(db);
    const now = Date.now();
    await ensureEventMonths(db, monthsBetween(now - 366 * 86_400_000, now + 62 * 86_400_000));
    const chunk = 1_000_000;
    for (let done = 0; done < EVENTS; done += chunk) {
      await sql`
        INSERT INTO device_events (device_id, event_id, type, priority, occurred_at, received_at, geom, grid_code, incident_id)
        SELECT 'scale-' || (1 + (n * 7919) % ${sensors}), 'e' || n, 'smoke_alarm', 3, now() - (n::float8 / ${EVENTS}) * interval '360 days', now(),
               ST_SetSRID(ST_MakePoint(${LON0}::float8 + random() * ${WIDTH}, ${LAT0}::float8 + random() * ${HEIGHT}), 4326), NULL, 1 + n % ${INCIDENTS}
        FROM generate_series(${done + 1}::int8, ${Math.min(EVENTS, done + chunk)}::int8) n`.execute(db);
      log(`  ${Math.min(EVENTS, done + chunk).toLocaleString('en')} events`);
    }
  });
  await timed('ANALYZE', () => sql`ANALYZE`.execute(db));

  // Exact row counts; sizes of the table with its indexes and, when partitioned, all its partitions.
  const sizes: { name: string; rows: number; bytes: number; parts: number }[] = [];
  for (const name of ['regions', 'grids', 'grid_versions', 'devices', 'incidents', 'incident_transitions', 'incident_cells', 'incident_tally', 'device_events', 'audit_log']) {
    const { rows } = await sql<{ rows: string; bytes: string; parts: string }>`
      SELECT (SELECT count(*) FROM ${sql.table(name)}) AS rows,
             (SELECT coalesce(sum(pg_total_relation_size(relid)), pg_total_relation_size(${name}::regclass)) FROM pg_partition_tree(${name}::regclass)) AS bytes,
             (SELECT count(*) FROM pg_partition_tree(${name}::regclass) WHERE isleaf) AS parts`.execute(db);
    sizes.push({ name, rows: Number(rows[0].rows), bytes: Number(rows[0].bytes), parts: Number(rows[0].parts) });
  }
  const databaseBytes = Number((await sql<{ b: string }>`SELECT pg_database_size(current_database()) AS b`.execute(db)).rows[0].b);

  // The service, listening.
  const auth = await adminAuthorization(store);
  const app = createApp(store, defaultLimits, { access: { rateLimits: { integrator: 1e6, key: 1e6, anonymous: 1e6, failedKey: 1e6 } } });
  const server = http.createServer(app);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const call = async (path: string, init: RequestInit = {}) => {
    const t = performance.now();
    const response = await fetch(base + path, { ...init, headers: { ...auth, 'content-type': 'application/json', ...(init.headers ?? {}) } });
    const body = Buffer.from(await response.arrayBuffer());
    if (!response.ok && response.status !== 404) throw new Error(`${path}: ${response.status} ${body.toString().slice(0, 200)}`);
    return { ms: performance.now() - t, bytes: body.length, status: response.status, body };
  };
  const p = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((q / 100) * values.length) - 1)];
  const random = seededRandom(5);
  const somewhere = (): [number, number] => [LON0 + random() * WIDTH, LAT0 + random() * HEIGHT];
  /** label, p50, p95, baseline p50, baseline label */
  const results: { label: string; p50: number; p95: number; base?: number; baseLabel?: string }[] = [];
  /** n requests after 2 warm-ups, each followed by its baseline in this process (same input). */
  const series = async (label: string, n: number, fn: () => Promise<{ ms: number; baseMs?: number }>, baseLabel?: string) => {
    const ms: number[] = [];
    const base: number[] = [];
    for (let i = -2; i < n; i++) {
      const r = await fn();
      if (i >= 0) {
        ms.push(r.ms);
        if (r.baseMs !== undefined) base.push(r.baseMs);
      }
    }
    results.push({ label, p50: p(ms, 50), p95: p(ms, 95), base: base.length ? p(base, 50) : undefined, baseLabel });
    log(`${label}: p50 ${p(ms, 50).toFixed(1)} ms${base.length ? `, baseline p50 ${p(base, 50).toFixed(1)} ms` : ''}`);
  };
  const timedMs = async (fn: () => Promise<unknown>) => {
    const t = performance.now();
    await fn();
    return performance.now() - t;
  };
  /** The PostGIS baseline of locate: the same points, batched ST_Intersects with the same lowest-code rule. */
  const locateByPostgis = (points: [number, number][]) => sql`
    WITH p AS (
      SELECT ordinality AS i, ST_SetSRID(ST_MakePoint((value->>0)::float8, (value->>1)::float8), 4326) AS geom
      FROM json_array_elements(${JSON.stringify(points)}::json) WITH ORDINALITY
    )
    SELECT (SELECT min(v.code) FROM grid_versions v WHERE v.valid_to IS NULL AND v.op <> 'retire' AND ST_Intersects(v.geom, p.geom)) AS code
    FROM p ORDER BY p.i`.execute(db);

  const buildT = performance.now();
  await call(`/api/locate?lon=${LON0 + 0.01}&lat=${LAT0 + 0.01}`);
  const indexBuildS = (performance.now() - buildT) / 1000;
  const postgis = 'PostGIS ST_Intersects (GiST) on the same points';
  await series('GET /api/locate (one point)', 200, async () => {
    const point = somewhere();
    const r = await call(`/api/locate?lon=${point[0]}&lat=${point[1]}`);
    return { ms: r.ms, baseMs: await timedMs(() => locateByPostgis([point])) };
  }, postgis);
  await series('POST /api/locate (1,000 points)', 20, async () => {
    const points = Array.from({ length: 1000 }, somewhere);
    const r = await call('/api/locate', { method: 'POST', body: JSON.stringify({ points, fields: 'code' }) });
    return { ms: r.ms, baseMs: await timedMs(() => locateByPostgis(points)) };
  }, postgis);
  // Each tile asked once, so that none comes from the service's tile cache.
  const asked = new Set<string>();
  await series('GET /tiles/grids/14/x/y.mvt (distinct tiles, first request)', 40, async () => {
    let tile;
    do {
      const [x, y] = somewhere();
      tile = tileAt(x, y, 14);
    } while (asked.has(`${tile.x}/${tile.y}`));
    asked.add(`${tile.x}/${tile.y}`);
    const r = await call(`/tiles/grids/14/${tile.x}/${tile.y}.mvt`);
    return { ms: r.ms, baseMs: await timedMs(() => gridTileByPostgis(db, tile)) };
  }, 'PostGIS alone: ST_AsMVTGeom + ST_AsMVT of the same tile');
  const day = 86_400_000;
  const oneByOne = 'the same query over the incidents one by one (counts: false)';
  let heatIndex = 0;
  await series('GET /api/heatmap (views 1280 × 800 px at z8–z14, half with a 90-day window)', 40, async () => {
    const zoom = 8 + Math.floor(random() * 7);
    const degPerPx = 360 / 256 / 2 ** zoom;
    const [cx, cy] = somewhere();
    const bbox = [cx - 640 * degPerPx, cy - 400 * degPerPx * 0.87, cx + 640 * degPerPx, cy + 400 * degPerPx * 0.87];
    const windowed = heatIndex++ % 2 === 0;
    const timeFilter = windowed ? { from: new Date(Date.now() - 120 * day), to: new Date(Date.now() - 30 * day) } : {};
    const params = new URLSearchParams({ bbox: bbox.map((v) => v.toFixed(6)).join(','), zoom: String(zoom) });
    if (windowed) {
      params.set('from', timeFilter.from!.toISOString());
      params.set('to', timeFilter.to!.toISOString());
    }
    const r = await call(`/api/heatmap?${params}`);
    const filter = { bbox: params.get('bbox')!.split(',').map(Number) as [number, number, number, number], ...timeFilter };
    return { ms: r.ms, baseMs: await timedMs(() => incidentHeatmap(db, filter, zoom, new Date(), { counts: false })) };
  }, oneByOne);
  const categories = ['fire', 'sanitation', 'traffic', 'public_order', 'facility', 'environment', 'other'];
  await series('GET /api/stats (a county or a township; half with a 90-day window)', 20, async () => {
    const code = random() < 0.5 ? `4201${String(1 + Math.floor(random() * 5)).padStart(2, '0')}000000` : `42010${1 + Math.floor(random() * 5)}${String(1 + Math.floor(random() * 10)).padStart(3, '0')}000`;
    const windowed = random() < 0.5;
    const params = new URLSearchParams({ region: code });
    const filter = windowed ? { from: new Date(Date.now() - 120 * day), to: new Date(Date.now() - 30 * day) } : {};
    if (windowed) {
      params.set('from', filter.from!.toISOString());
      params.set('to', filter.to!.toISOString());
    }
    const r = await call(`/api/stats?${params}`);
    return { ms: r.ms, baseMs: await timedMs(() => regionStats(db, code, filter, categories, new Date(), { counts: false })) };
  }, oneByOne);

  // Ingest with the events stored, the issue's mix without images: 20,000 events from 600 of
  // the sensors, 8 types over 3 hours, batches of 1,000, 4 clients at once; then a COPY of the
  // rows they stored into a plain table with the same key, in this run.
  const INGEST_EVENTS = 20_000;
  const INGEST_SENSORS = 600;
  const types = ['smoke_alarm', 'water_level', 'manhole_cover', 'gas_leak', 'intrusion', 'crowd', 'garbage', 'illegal_parking'];
  const now = Date.now();
  const live = Array.from({ length: INGEST_EVENTS }, (_, i) => ({
    deviceId: `scale-${1 + Math.floor(random() * INGEST_SENSORS)}`,
    eventId: `live-${i}`,
    type: types[Math.floor(random() * types.length)],
    occurredAt: new Date(now - 3 * 3_600_000 + (i / INGEST_EVENTS) * 3 * 3_600_000).toISOString(),
    severity: 1 + Math.floor(random() * 4), // GB/T 28181 AlarmPriority: 1 (一级) … 4
  }));
  const batches = Array.from({ length: INGEST_EVENTS / 1000 }, (_, b) => live.slice(b * 1000, (b + 1) * 1000));
  const next = live.length;
  const batchMs: number[] = [];
  let queued = 0;
  let opened = 0;
  const ingestT = performance.now();
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (queued < batches.length) {
        const r = await call('/api/feeds/events', { method: 'POST', body: JSON.stringify({ events: batches[queued++] }) });
        opened += (JSON.parse(r.body.toString()) as { incidents: { created: number } }).incidents.created;
        batchMs.push(r.ms);
      }
    }),
  );
  const ingestMs = performance.now() - ingestT;
  server.close();
  const copy = await copyRowsServer(database.env.DATABASE_URL, `event_id LIKE 'live-%'`);
  if (copy.rows !== next) throw new Error(`${copy.rows} live events stored, ${next} sent`);
  const ingestRate = (next / ingestMs) * 1000;
  const copyRate = (copy.rows / copy.ms) * 1000;

  const fmt = (n: number) => n.toLocaleString('en', { maximumFractionDigits: n < 10 ? 1 : 0 });
  const version = (await sql<{ server_version: string }>`SHOW server_version`.execute(db)).rows[0].server_version;
  console.log(`\n## One server: ${sizes.find((t) => t.name === 'grids')!.rows.toLocaleString('en')} grids, ${INCIDENTS.toLocaleString('en')} incidents, ${EVENTS.toLocaleString('en')} events (PostgreSQL ${version}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} on ${os.cpus().length} cores)\n`);
  console.log('| table | rows | partitions | size (with indexes) |\n| --- | ---: | ---: | ---: |');
  for (const t of sizes) console.log(`| ${t.name} | ${fmt(t.rows)} | ${t.parts || ''} | ${fmt(t.bytes / 2 ** 20)} MiB |`);
  console.log(`| (whole database) | | | ${fmt(databaseBytes / 2 ** 20)} MiB |`);
  console.log('\n| loading step | seconds |\n| --- | ---: |');
  for (const [label, sec] of timings) console.log(`| ${label} | ${fmt(sec)} |`);
  console.log(`\nLocate index of the grids built on first use in ${fmt(indexBuildS)} s.\n`);
  console.log('| request | p50 ms | p95 ms | baseline in this process | baseline p50 ms | baseline ÷ request (p50) |\n| --- | ---: | ---: | --- | ---: | ---: |');
  for (const r of results) console.log(`| ${r.label} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${r.baseLabel ?? ''} | ${r.base === undefined ? '' : fmt(r.base)} | ${r.base === undefined ? '' : `${(r.base / r.p50).toFixed(2)}×`} |`);
  console.log(`\n| ingest | events | time | events/s | × COPY | batch p50 / p95 |\n| --- | ---: | ---: | ---: | ---: | ---: |`);
  console.log(`| POST /api/feeds/events, 1,000 a request, 4 clients | ${next.toLocaleString('en')} | ${fmt(ingestMs / 1000)} s | ${fmt(ingestRate)} | **${(ingestRate / copyRate).toFixed(3)}** | ${fmt(p(batchMs, 50))} / ${fmt(p(batchMs, 95))} ms |`);
  console.log(`| COPY of the same rows into a plain table with the same key (baseline) | ${copy.rows.toLocaleString('en')} | ${fmt(copy.ms / 1000)} s | ${fmt(copyRate)} | 1.000 | |`);
  console.log(`\n${opened.toLocaleString('en')} incidents opened by the ingest (${INGEST_SENSORS} sensors, ${types.length} types, 3 hours).`);
} finally {
  await drop();
}
