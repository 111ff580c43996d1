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
import { tileAt } from '../../server/geo/tiles.js';
import { seededRandom } from '../../server/geo/random.js';
import { throwawayStore } from './throwaway-store.js';
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

const { store, drop } = await throwawayStore();
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
        INSERT INTO device_events (device_id, event_id, type, severity, occurred_at, received_at, geom, grid_code, incident_id)
        SELECT 'scale-' || (1 + (n * 7919) % ${sensors}), 'e' || n, 'smoke_alarm', 3, now() - (n::float8 / ${EVENTS}) * interval '360 days', now(),
               ST_SetSRID(ST_MakePoint(${LON0}::float8 + random() * ${WIDTH}, ${LAT0}::float8 + random() * ${HEIGHT}), 4326), NULL, 1 + n % ${INCIDENTS}
        FROM generate_series(${done + 1}::int8, ${Math.min(EVENTS, done + chunk)}::int8) n`.execute(db);
      log(`  ${Math.min(EVENTS, done + chunk).toLocaleString('en')} events`);
    }
  });
  await timed('ANALYZE', () => sql`ANALYZE`.execute(db));

  const { rows: sizes } = await sql<{ name: string; rows: number; bytes: number }>`
    SELECT t.name, (SELECT count(*) FROM pg_partition_tree(t.name::regclass)) AS parts,
           (SELECT sum(c.reltuples) FROM pg_partition_tree(t.name::regclass) p JOIN pg_class c ON c.oid = p.relid WHERE p.isleaf)::bigint AS rows,
           (SELECT sum(pg_total_relation_size(p.relid)) FROM pg_partition_tree(t.name::regclass) p)::bigint AS bytes
    FROM unnest(ARRAY['regions', 'grids', 'grid_versions', 'devices', 'incidents', 'incident_transitions', 'incident_cells', 'incident_tally', 'device_events', 'audit_log']) AS t(name)`.execute(db);

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
  const results: [string, number, number, string][] = [];
  const series = async (label: string, n: number, fn: () => Promise<{ ms: number }>, note = '') => {
    const ms: number[] = [];
    for (let i = -2; i < n; i++) {
      const r = await fn();
      if (i >= 0) ms.push(r.ms);
    }
    results.push([label, p(ms, 50), p(ms, 95), note]);
    log(`${label}: p50 ${p(ms, 50).toFixed(1)} ms`);
  };

  const buildT = performance.now();
  await call(`/api/locate?lon=${LON0 + 0.01}&lat=${LAT0 + 0.01}`);
  const indexBuildS = (performance.now() - buildT) / 1000;
  await series('GET /api/locate (one point)', 200, () => {
    const [x, y] = somewhere();
    return call(`/api/locate?lon=${x}&lat=${y}`);
  });
  await series('POST /api/locate (1,000 points)', 20, () => call('/api/locate', { method: 'POST', body: JSON.stringify({ points: Array.from({ length: 1000 }, somewhere), fields: 'code' }) }));
  await series('GET /tiles/grids/14/x/y.mvt (distinct tiles, first request)', 40, () => {
    const [x, y] = somewhere();
    const tile = tileAt(x, y, 14);
    return call(`/tiles/grids/14/${tile.x}/${tile.y}.mvt?v=${random()}`);
  });
  const day = 86_400_000;
  const heat: number[] = [];
  const heatDirect: number[] = [];
  for (let i = -2; i < 40; i++) {
    const zoom = 8 + Math.floor(random() * 7);
    const degPerPx = 360 / 256 / 2 ** zoom;
    const [cx, cy] = somewhere();
    const bbox: [number, number, number, number] = [cx - 640 * degPerPx, cy - 400 * degPerPx * 0.87, cx + 640 * degPerPx, cy + 400 * degPerPx * 0.87];
    const timedFilter = i % 2 === 0 ? { from: new Date(Date.now() - 120 * day), to: new Date(Date.now() - 30 * day) } : {};
    const params = new URLSearchParams({ bbox: bbox.map((v) => v.toFixed(6)).join(','), zoom: String(zoom) });
    if ('from' in timedFilter) {
      params.set('from', timedFilter.from!.toISOString());
      params.set('to', timedFilter.to!.toISOString());
    }
    const r = await call(`/api/heatmap?${params}`);
    const t = performance.now();
    await incidentHeatmap(db, { bbox: params.get('bbox')!.split(',').map(Number) as typeof bbox, ...timedFilter }, zoom, new Date(), { counts: false });
    if (i >= 0) {
      heat.push(r.ms);
      heatDirect.push(performance.now() - t);
    }
  }
  results.push(['GET /api/heatmap (views 1280 × 800 px at z8–z14, half with a 90-day window)', p(heat, 50), p(heat, 95), `incidents one by one: p50 ${p(heatDirect, 50).toFixed(0)} ms`]);
  const statsDirect: number[] = [];
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
    const t = performance.now();
    await regionStats(db, code, filter, ['fire', 'sanitation', 'traffic', 'public_order', 'facility', 'environment', 'other'], new Date(), { counts: false });
    statsDirect.push(performance.now() - t);
    return r;
  });
  results[results.length - 1][3] = `incidents one by one: p50 ${p(statsDirect, 50).toFixed(0)} ms`;

  // Ingest with 10,000,000 events stored: batches of 1,000 from the sensors, one client.
  let next = 0;
  const now = Date.now();
  const batchMs: number[] = [];
  for (let b = 0; b < 12; b++) {
    const events = Array.from({ length: 1000 }, () => {
      const i = next++;
      return { deviceId: `scale-${1 + ((i * 31) % sensors)}`, eventId: `live-${i}`, type: 'smoke_alarm', occurredAt: new Date(now - 3_600_000 + i * 100).toISOString(), severity: 3 };
    });
    const r = await call('/api/feeds/events', { method: 'POST', body: JSON.stringify({ events }) });
    if (b >= 2) batchMs.push(r.ms);
  }
  results.push(['POST /api/feeds/events (1,000 events a request, one client)', p(batchMs, 50), p(batchMs, 95), `${Math.round(1000 / (p(batchMs, 50) / 1000)).toLocaleString('en')} events/s at p50`]);
  server.close();

  const fmt = (n: number) => n.toLocaleString('en', { maximumFractionDigits: n < 10 ? 1 : 0 });
  console.log(`\n## One server: 100,000 grids, ${INCIDENTS.toLocaleString('en')} incidents, ${EVENTS.toLocaleString('en')} events (PostgreSQL ${(await sql<{ v: string }>`SHOW server_version`.execute(db)).rows[0].v}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} on ${os.cpus().length} cores)\n`);
  console.log('| table | rows | size (with indexes) |\n| --- | ---: | ---: |');
  for (const s of sizes) console.log(`| ${s.name} | ${fmt(Number(s.rows))} | ${fmt(Number(s.bytes) / 2 ** 20)} MiB |`);
  console.log('\n| loading step | seconds |\n| --- | ---: |');
  for (const [label, s] of timings) console.log(`| ${label} | ${fmt(s)} |`);
  console.log(`\nLocate index of 100,000 grids built on first use in ${fmt(indexBuildS)} s.\n`);
  console.log('| request | p50 ms | p95 ms | note |\n| --- | ---: | ---: | --- |');
  for (const [label, p50, p95, note] of results) console.log(`| ${label} | ${fmt(p50)} | ${fmt(p95)} | ${note} |`);
} finally {
  await drop();
}
