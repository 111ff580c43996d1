/**
 * npx tsx scripts/bench/heatmap.ts — GET /api/heatmap and GET /api/stats on 1,000,000 incidents.
 *
 * A county of 3 streets × 4 villages × 4 grids (48 grids with households) over a ≈30 × 30 km
 * square near Wuhan; 1,000,000 synthetic incidents in it, inserted by one INSERT … SELECT
 * generate_series (uniform points, the grid under each, random categories, statuses and times
 * over the past year), then ANALYZE. Then, through the real app on a listening HTTP server:
 * - 50 heatmaps of random map views (1280 × 800 px) at zooms 10–15, unfiltered, and 50 more
 *   with a 90-day window and two categories; interleaved request by request with the baseline,
 *   in the same process: the raw points of the same view and filter (SELECT ST_X, ST_Y … with
 *   the same WHERE, serialized as [[lon, lat], …]: what a client would download without
 *   server-side aggregation);
 * - 20 stats of the county, a street or a village, half of them with a time window.
 * Embedded backend unless DATABASE_URL is set (then a throwaway database on that server).
 * Knobs: BENCH_INCIDENTS (1000000), BENCH_HEATMAPS (50), BENCH_STATS (20).
 */
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { createApp } from '../../server/app.js';
import { defaultLimits } from '../../server/config.js';
import { createRegion } from '../../server/db/regions.js';
import { createGrids, type NewGrid } from '../../server/db/grids.js';
import { incidentWhere, type IncidentFilter } from '../../server/db/incidents.js';
import { incidentHeatmap, regionStats } from '../../server/db/incident-stats.js';
import { defaultIncidentRules } from '../../server/incidents/rules.js';
import { seededRandom } from '../../server/geo/random.js';
import { throwawayStore } from './throwaway-store.js';
import { adminAuthorization } from './admin-key.js';

const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 1_000_000);
const HEATMAPS = Number(process.env.BENCH_HEATMAPS ?? 50);
const STATS = Number(process.env.BENCH_STATS ?? 20);
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

// The area: 3 street columns × 4 village rows; each village 2 × 2 grids → 6 × 8 grids.
const LON0 = 114.2;
const LAT0 = 30.4;
const WIDTH = 0.312; // ≈ 30 km at 30.5°N
const HEIGHT = 0.27; // ≈ 30 km
const COLS = 6;
const ROWS = 8;
const GW = WIDTH / COLS;
const GH = HEIGHT / ROWS;
const COUNTY = '420111000000';
const streetCode = (s: number) => `420111${String(s + 1).padStart(3, '0')}000`;
const villageCode = (s: number, v: number) => `${streetCode(s).slice(0, 9)}${String(v + 1).padStart(3, '0')}`;

const box = (minLon: number, minLat: number, maxLon: number, maxLat: number) => ({
  type: 'Polygon' as const,
  coordinates: [[[minLon, minLat], [maxLon, minLat], [maxLon, maxLat], [minLon, maxLat], [minLon, minLat]]],
});

const { store, drop } = await throwawayStore();
const db = store.db;
log(`backend: ${store.backend}`);

// Regions and grids.
await createRegion(db, { code: COUNTY, name: '洪山区', level: 'county', parentCode: null, boundary: box(LON0, LAT0, LON0 + WIDTH, LAT0 + HEIGHT) });
const cellOfGrid: number[] = [];
const random = seededRandom(11);
const grids: NewGrid[] = [];
for (let s = 0; s < COLS / 2; s++) {
  const sx = LON0 + s * 2 * GW;
  await createRegion(db, { code: streetCode(s), name: `街道${s + 1}`, level: 'township', parentCode: COUNTY, boundary: box(sx, LAT0, sx + 2 * GW, LAT0 + HEIGHT) });
  for (let v = 0; v < ROWS / 2; v++) {
    const vy = LAT0 + v * 2 * GH;
    const code = villageCode(s, v);
    await createRegion(db, { code, name: `社区${s + 1}-${v + 1}`, level: 'village', parentCode: streetCode(s), boundary: box(sx, vy, sx + 2 * GW, vy + 2 * GH) });
    for (let k = 0; k < 4; k++) {
      const col = s * 2 + (k % 2);
      const row = v * 2 + Math.floor(k / 2);
      const x = LON0 + col * GW;
      const y = LAT0 + row * GH;
      grids.push({ regionCode: code, name: `网格${k + 1}`, kind: 'urban', specialType: null, households: 500 + Math.floor(random() * 2500), population: null, geometry: box(x, y, x + GW, y + GH) });
      cellOfGrid.push(row * COLS + col);
    }
  }
}
const created = await createGrids(db, grids, { actor: 'bench', reason: null });
const gridCodes: string[] = new Array(COLS * ROWS);
created.forEach((feature, k) => (gridCodes[cellOfGrid[k]] = feature.properties.code));
log(`${grids.length} grids in ${(COLS / 2) * (ROWS / 2)} villages`);

// Incidents, in one statement.
const categories = defaultIncidentRules.categories;
let t = performance.now();
await sql`SELECT setseed(0.42)`.execute(db);
await sql`
  INSERT INTO incidents (category, source, status, handling_level, handling_region, grid_code, geom,
                         reported_at, deadline_at, resolved_at, closed_at, updated_at)
  SELECT c.category, 'resident', c.status, 'grid', left(c.grid_code, 12), c.grid_code, ST_SetSRID(ST_MakePoint(c.x, c.y), 4326),
         c.reported_at, c.deadline_at, c.resolved_at, c.closed_at, coalesce(c.closed_at, c.resolved_at, c.reported_at)
  FROM (
    SELECT b.*, b.reported_at + b.hours * interval '1 hour' AS deadline_at,
           CASE WHEN b.status IN ('resolved', 'closed', 'rejected') THEN b.reported_at + b.r4 * 1.25 * b.hours * interval '1 hour' END AS resolved_at,
           CASE WHEN b.status = 'closed' THEN b.reported_at + (b.r4 * 1.25 * b.hours + 1) * interval '1 hour' END AS closed_at
    FROM (
      SELECT a.x, a.y, a.r4,
             (${sql.val(gridCodes)}::text[])[1 + least(${ROWS - 1}, floor((a.y - ${LAT0}) / ${GH})::int) * ${COLS} + least(${COLS - 1}, floor((a.x - ${LON0}) / ${GW})::int)] AS grid_code,
             (${sql.val(categories.map((c) => c.code))}::text[])[a.k] AS category,
             (${sql.val(categories.map((c) => c.deadlineHours))}::float8[])[a.k] AS hours,
             CASE WHEN a.r3 < 0.10 THEN 'reported' WHEN a.r3 < 0.15 THEN 'dispatched' WHEN a.r3 < 0.25 THEN 'in_progress'
                  WHEN a.r3 < 0.35 THEN 'resolved' WHEN a.r3 < 0.90 THEN 'closed' WHEN a.r3 < 0.95 THEN 'rejected' ELSE 'reopened' END AS status,
             now() - a.r1 * interval '365 days' AS reported_at
      FROM (
        SELECT ${LON0}::float8 + random() * ${WIDTH} AS x, ${LAT0}::float8 + random() * ${HEIGHT} AS y,
               1 + floor(random() * ${categories.length})::int AS k, random() AS r1, random() AS r3, random() AS r4
        FROM generate_series(1, ${INCIDENTS})
      ) a
    ) b
  ) c`.execute(db);
const insertMs = performance.now() - t;
t = performance.now();
await sql`ANALYZE`.execute(db);
log(`${INCIDENTS.toLocaleString('en')} incidents inserted in ${(insertMs / 1000).toFixed(1)} s, ANALYZE ${((performance.now() - t) / 1000).toFixed(1)} s`);

// The service, listening.
const auth = await adminAuthorization(store);
const server = http.createServer(createApp(store, defaultLimits));
// Longer than the client's own idle timeout, so that it never reuses a socket the server is closing.
server.keepAliveTimeout = 60_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

async function get(path: string): Promise<{ ms: number; bytes: number; body: unknown }> {
  const start = performance.now();
  const response = await fetch(base + path, { headers: auth });
  const text = await response.text();
  const ms = performance.now() - start;
  if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return { ms, bytes: Buffer.byteLength(text), body: JSON.parse(text) };
}

/** The baseline: every matching point, as a client would download them. */
async function rawPoints(filter: IncidentFilter): Promise<{ ms: number; bytes: number; n: number }> {
  const start = performance.now();
  const { rows } = await sql<{ lon: number; lat: number }>`
    SELECT ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat FROM incidents i WHERE ${incidentWhere(filter, new Date())}`.execute(db);
  const text = JSON.stringify({ points: rows.map((r) => [r.lon, r.lat]) });
  return { ms: performance.now() - start, bytes: Buffer.byteLength(text), n: rows.length };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

interface Series {
  label: string;
  /** In this process: the counts kept on write, and the query over incidents one by one ("today's"). */
  countsMs: number[];
  directMs: number[];
  ms: number[];
  bytes: number[];
  baseMs: number[];
  baseBytes: number[];
  points: number[];
  incidents: number[];
}

const day = 86_400_000;
async function heatmapSeries(label: string, filtered: boolean): Promise<Series> {
  const series: Series = { label, countsMs: [], directMs: [], ms: [], bytes: [], baseMs: [], baseBytes: [], points: [], incidents: [] };
  const r = seededRandom(filtered ? 2 : 1);
  for (let i = -2; i < HEATMAPS; i++) {
    const zoom = 10 + Math.floor(r() * 6);
    const degPerPx = 360 / 256 / 2 ** zoom;
    const cx = LON0 + r() * WIDTH;
    const cy = LAT0 + r() * HEIGHT;
    const halfW = (1280 / 2) * degPerPx;
    const halfH = (800 / 2) * degPerPx * Math.cos((cy * Math.PI) / 180);
    const bbox: [number, number, number, number] = [cx - halfW, cy - halfH, cx + halfW, cy + halfH];
    const filter: IncidentFilter = { bbox };
    const params = new URLSearchParams({ bbox: bbox.map((v) => v.toFixed(6)).join(','), zoom: String(zoom) });
    if (filtered) {
      const to = new Date(Date.now() - Math.floor(r() * 270) * day);
      const from = new Date(to.getTime() - 90 * day);
      const picked = [categories[Math.floor(r() * categories.length)].code, categories[Math.floor(r() * categories.length)].code];
      Object.assign(filter, { from, to, categories: picked });
      params.set('from', from.toISOString());
      params.set('to', to.toISOString());
      params.set('category', picked.join(','));
    }
    // Parsed back as the route parses it, so that both sides filter alike.
    filter.bbox = params.get('bbox')!.split(',').map(Number) as [number, number, number, number];
    const heat = await get(`/api/heatmap?${params}`);
    const raw = await rawPoints(filter);
    let t0 = performance.now();
    const fromCounts = await incidentHeatmap(db, filter, zoom, new Date());
    const countsMs = performance.now() - t0;
    t0 = performance.now();
    const direct = await incidentHeatmap(db, filter, zoom, new Date(), { counts: false });
    const directMs = performance.now() - t0;
    if (fromCounts.total !== direct.total || JSON.stringify(fromCounts.points.map((p) => p.count)) !== JSON.stringify(direct.points.map((p) => p.count))) {
      throw new Error(`counts and incidents disagree for ${params}`);
    }
    const body = heat.body as { points: unknown[]; total: number };
    if (body.total !== raw.n) throw new Error(`heatmap total ${body.total} ≠ raw points ${raw.n}`);
    if (i < 0) continue; // warm-up
    series.countsMs.push(countsMs);
    series.directMs.push(directMs);
    series.ms.push(heat.ms);
    series.bytes.push(heat.bytes);
    series.baseMs.push(raw.ms);
    series.baseBytes.push(raw.bytes);
    series.points.push(body.points.length);
    series.incidents.push(raw.n);
  }
  log(`${label}: done`);
  return series;
}

const unfiltered = await heatmapSeries('heatmap, no filter', false);
const filtered = await heatmapSeries('heatmap, 90 days + 2 categories', true);

// Stats.
const statsRegions = [COUNTY, ...[0, 1, 2].map(streetCode), ...[0, 1, 2].flatMap((s) => [0, 1, 2, 3].map((v) => villageCode(s, v)))];
const statsMs: number[] = [];
const statsCountsMs: number[] = [];
const statsDirectMs: number[] = [];
const statsKinds: string[] = [];
const rs = seededRandom(3);
for (let i = -2; i < STATS; i++) {
  const k = i % 4 === 0 ? 0 : Math.floor(rs() * statsRegions.length);
  const code = statsRegions[k];
  const params = new URLSearchParams({ region: code });
  if (i % 2 === 1) {
    const to = new Date(Date.now() - Math.floor(rs() * 270) * day);
    params.set('from', new Date(to.getTime() - 90 * day).toISOString());
    params.set('to', to.toISOString());
  }
  const result = await get(`/api/stats?${params}`);
  const body = result.body as { level: string; total: { incidents: number } };
  const filter: IncidentFilter = { from: params.get('from') ? new Date(params.get('from')!) : undefined, to: params.get('to') ? new Date(params.get('to')!) : undefined };
  const codes = categories.map((c) => c.code);
  let t0 = performance.now();
  const fromCounts = await regionStats(db, code, filter, codes, new Date());
  const countsMs = performance.now() - t0;
  t0 = performance.now();
  const direct = await regionStats(db, code, filter, codes, new Date(), { counts: false });
  const directMs = performance.now() - t0;
  if (JSON.stringify(fromCounts.total) !== JSON.stringify(direct.total)) throw new Error(`stats of ${code} disagree: ${JSON.stringify(fromCounts.total)} ≠ ${JSON.stringify(direct.total)}`);
  if (i < 0) continue;
  statsCountsMs.push(countsMs);
  statsDirectMs.push(directMs);
  statsMs.push(result.ms);
  statsKinds.push(body.level);
}
server.close();

const fmt = (n: number) => n.toLocaleString('en', { maximumFractionDigits: n < 10 ? 1 : 0 });
const kb = (bytes: number) => `${fmt(bytes / 1024)} KB`;
console.log(`## Heatmap and stats benchmark (${store.backend}; ${INCIDENTS.toLocaleString('en')} incidents, 48 grids)\n`);
console.log(`Insert ${fmt(insertMs / 1000)} s (one INSERT … SELECT generate_series). Views 1280 × 800 px at zooms 10–15; ${HEATMAPS} requests each, after 2 warm-ups.\n`);
console.log('| request | incidents in view (mean) | cells returned (mean) | p50 ms | p95 ms | baseline: raw points p50 ms | p95 ms | baseline ÷ heatmap (p50) | answer size (mean) | raw points size (mean) |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const s of [unfiltered, filtered]) {
  console.log(
    `| GET /api/heatmap, ${s.label.replace('heatmap, ', '')} | ${fmt(mean(s.incidents))} | ${fmt(mean(s.points))} | ${fmt(percentile(s.ms, 50))} | ${fmt(percentile(s.ms, 95))} | ${fmt(percentile(s.baseMs, 50))} | ${fmt(percentile(s.baseMs, 95))} | ${(percentile(s.baseMs, 50) / percentile(s.ms, 50)).toFixed(1)}× | ${kb(mean(s.bytes))} | ${kb(mean(s.baseBytes))} |`,
  );
}
console.log(`\nThe same requests in this process, interleaved: from the counts kept on write vs. from the incidents one by one (today's query):\n`);
console.log('| request | counts p50 ms | p95 ms | incidents one by one p50 ms | p95 ms | speed-up (p50) |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const s of [unfiltered, filtered]) {
  console.log(`| heatmap, ${s.label.replace('heatmap, ', '')} | ${fmt(percentile(s.countsMs, 50))} | ${fmt(percentile(s.countsMs, 95))} | ${fmt(percentile(s.directMs, 50))} | ${fmt(percentile(s.directMs, 95))} | ${(percentile(s.directMs, 50) / percentile(s.countsMs, 50)).toFixed(1)}× |`);
}
console.log(`| stats | ${fmt(percentile(statsCountsMs, 50))} | ${fmt(percentile(statsCountsMs, 95))} | ${fmt(percentile(statsDirectMs, 50))} | ${fmt(percentile(statsDirectMs, 95))} | ${(percentile(statsDirectMs, 50) / percentile(statsCountsMs, 50)).toFixed(1)}× |`);
console.log(`\nLoad average during the run: ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} on ${os.cpus().length} cores.`);
const levels = [...new Set(statsKinds)].map((l) => `${statsKinds.filter((k) => k === l).length} ${l}`).join(', ');
console.log(`\n| request | n | p50 ms | p95 ms |`);
console.log('| --- | ---: | ---: | ---: |');
console.log(`| GET /api/stats (${levels}; half with a 90-day window) | ${statsMs.length} | ${fmt(percentile(statsMs, 50))} | ${fmt(percentile(statsMs, 95))} |`);
await drop();
