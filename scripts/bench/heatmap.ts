/**
 * npx tsx scripts/bench/heatmap.ts — GET /api/heatmap and GET /api/stats on 1,000,000 incidents.
 *
 * A county of 3 streets × 4 villages × 4 grids (48 grids with households) over a ≈30 × 30 km
 * square near Wuhan; 1,000,000 synthetic incidents in it, inserted by one INSERT … SELECT
 * generate_series (uniform points, the grid under each, random categories, statuses and times
 * over the past year; the counts kept on write filled by their triggers), then VACUUM ANALYZE (what autovacuum does after a bulk load on a server). Then,
 * through the real app on a listening HTTP server, each request followed in this process by the
 * same question answered from the counts and from the incidents one by one (counts: false: the
 * query before counts), interleaved, and the two answers compared:
 * - heatmaps of random map views (1280 × 800 px): at z8 (the county and far around), z11 (the
 *   county), z14 (≈ 11 × 6 km) unfiltered; at z8–z14 with a 90-day window ending at a random
 *   time in the past 270 days and two categories; at z8–z14 for the last 7 days;
 * - statistics of the county (by township) and of a township (by village), without a window
 *   and with a 90-day one.
 * Embedded backend unless DATABASE_URL is set (then a throwaway database on that server).
 * Knobs: BENCH_INCIDENTS (1000000), BENCH_HEATMAPS (20 a row), BENCH_STATS (10 a row).
 * Server only: BENCH_KEEP=1 keeps the throwaway database and prints its URL; BENCH_REUSE=<that
 * URL> measures it again without loading (to compare two versions of the code on the same rows).
 */
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { createApp } from '../../server/app.js';
import { defaultLimits } from '../../server/config.js';
import { createRegion } from '../../server/db/regions.js';
import { createGrids, type NewGrid } from '../../server/db/grids.js';
import type { IncidentFilter } from '../../server/db/incidents.js';
import { incidentHeatmap, regionStats } from '../../server/db/incident-stats.js';
import { defaultIncidentRules } from '../../server/incidents/rules.js';
import { seededRandom } from '../../server/geo/random.js';
import { throwawayDatabase, throwawayStore } from './throwaway-store.js';
import { openStore } from '../../server/db/connect.js';
import { adminAuthorization } from './admin-key.js';

const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 1_000_000);
const HEATMAPS = Number(process.env.BENCH_HEATMAPS ?? 20);
const STATS = Number(process.env.BENCH_STATS ?? 10);
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

const REUSE = process.env.BENCH_REUSE;
const KEEP = process.env.BENCH_KEEP === '1';
const kept = KEEP && !REUSE && process.env.DATABASE_URL ? await throwawayDatabase('bench', process.env.DATABASE_URL) : undefined;
const { store, drop } = REUSE
  ? { store: await openStore({ databaseUrl: REUSE }), drop: async () => {} }
  : kept
    ? { store: await openStore(kept.options), drop: async () => log(`kept: BENCH_REUSE=${kept.env.DATABASE_URL} (drop it when done)`) }
    : await throwawayStore();
const db = store.db;
log(`backend: ${store.backend}${REUSE ? ' (reused, not loaded)' : ''}`);

const categories = defaultIncidentRules.categories;
let t = performance.now();
/** Loads the county, its grids and the incidents; returns the INSERT's milliseconds. */
async function load(): Promise<number> {
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
  t = performance.now();
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
  await sql`VACUUM ANALYZE`.execute(db);
  log(`${INCIDENTS.toLocaleString('en')} incidents inserted in ${(insertMs / 1000).toFixed(1)} s, VACUUM ANALYZE ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return insertMs;
}
const insertMs = REUSE ? NaN : await load();

// The service, listening.
const auth = await adminAuthorization(store);
const server = http.createServer(createApp(store, defaultLimits));
// Longer than the client's own idle timeout, so that it never reuses a socket the server is closing.
server.keepAliveTimeout = 60_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

async function get(path: string): Promise<{ ms: number; body: unknown }> {
  const start = performance.now();
  const response = await fetch(base + path, { headers: auth });
  const text = await response.text();
  const ms = performance.now() - start;
  if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return { ms, body: JSON.parse(text) };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** One kind of request: over HTTP (from the counts), and in this process from the counts and from the incidents one by one, interleaved. */
interface Series {
  label: string;
  httpMs: number[];
  countsMs: number[];
  directMs: number[];
  incidents: number[];
}

/** Times `fromCounts` and `direct` (the one-by-one query) in turn, after the HTTP request, and checks they agree. */
async function measure(series: Series, warmUp: boolean, path: string, fromCounts: () => Promise<string>, direct: () => Promise<string>, total: (body: unknown) => number) {
  const http = await get(path);
  let t0 = performance.now();
  const counted = await fromCounts();
  const countsMs = performance.now() - t0;
  t0 = performance.now();
  const recounted = await direct();
  const directMs = performance.now() - t0;
  if (counted !== recounted) throw new Error(`counts and incidents disagree for ${path}`);
  if (warmUp) return;
  series.httpMs.push(http.ms);
  series.countsMs.push(countsMs);
  series.directMs.push(directMs);
  series.incidents.push(total(http.body));
}

const day = 86_400_000;
/** Views of 1280 × 800 px at the zooms given, centred in the county; `window` picks a time window and categories, or none. */
async function heatmapSeries(label: string, zooms: number[], seed: number, window?: (r: () => number) => { from: Date; to: Date; categories?: string[] }): Promise<Series> {
  const series: Series = { label, httpMs: [], countsMs: [], directMs: [], incidents: [] };
  const r = seededRandom(seed);
  for (let i = -2; i < HEATMAPS; i++) {
    const zoom = zooms[Math.floor(r() * zooms.length)];
    const degPerPx = 360 / 256 / 2 ** zoom;
    const cx = LON0 + r() * WIDTH;
    const cy = LAT0 + r() * HEIGHT;
    const halfW = (1280 / 2) * degPerPx;
    const halfH = (800 / 2) * degPerPx * Math.cos((cy * Math.PI) / 180);
    const params = new URLSearchParams({ bbox: [cx - halfW, cy - halfH, cx + halfW, cy + halfH].map((v) => v.toFixed(6)).join(','), zoom: String(zoom) });
    const filter: IncidentFilter = {};
    if (window) {
      const w = window(r);
      Object.assign(filter, w);
      params.set('from', w.from.toISOString());
      params.set('to', w.to.toISOString());
      if (w.categories) params.set('category', w.categories.join(','));
    }
    // Parsed back as the route parses it, so that both sides filter alike.
    filter.bbox = params.get('bbox')!.split(',').map(Number) as [number, number, number, number];
    const cells = async (counts: boolean) => {
      const h = await incidentHeatmap(db, filter, zoom, new Date(), { counts });
      return JSON.stringify([h.total, h.points.map((p) => p.count)]);
    };
    await measure(series, i < 0, `/api/heatmap?${params}`, () => cells(true), () => cells(false), (body) => (body as { total: number }).total);
  }
  log(`${label}: done`);
  return series;
}

const pick = (r: () => number) => categories[Math.floor(r() * categories.length)].code;
/** A 90-day window ending at a random time in the past 270 days, two categories. */
const ninetyDays = (r: () => number) => {
  const to = new Date(Date.now() - Math.floor(r() * 270 * day) - Math.floor(r() * day));
  return { from: new Date(to.getTime() - 90 * day), to, categories: [pick(r), pick(r)] };
};
/** The last 7 days, up to now. */
const lastDays = (days: number) => () => {
  const to = new Date();
  return { from: new Date(to.getTime() - days * day), to };
};

const heatmaps = [
  await heatmapSeries('heatmap z8 (the county and around it), no filter', [8], 1),
  await heatmapSeries('heatmap z11 (the county), no filter', [11], 2),
  await heatmapSeries('heatmap z14 (≈ 11 × 6 km), no filter', [14], 3),
  await heatmapSeries('heatmap z8–z14, a 90-day window + 2 categories', [8, 9, 10, 11, 12, 13, 14], 4, ninetyDays),
  await heatmapSeries('heatmap z8–z14, the last 7 days', [8, 9, 10, 11, 12, 13, 14], 5, lastDays(7)),
];

// Stats of the county or a township, without a window and with a 90-day one.
const codes = categories.map((c) => c.code);
async function statsSeries(label: string, regions: string[], seed: number, window?: (r: () => number) => { from: Date; to: Date }): Promise<Series> {
  const series: Series = { label, httpMs: [], countsMs: [], directMs: [], incidents: [] };
  const r = seededRandom(seed);
  for (let i = -2; i < STATS; i++) {
    const code = regions[Math.floor(r() * regions.length)];
    const params = new URLSearchParams({ region: code });
    const filter: IncidentFilter = {};
    if (window) {
      const w = window(r);
      Object.assign(filter, { from: w.from, to: w.to });
      params.set('from', w.from.toISOString());
      params.set('to', w.to.toISOString());
    }
    const stats = async (counts: boolean) => JSON.stringify((await regionStats(db, code, filter, codes, new Date(), { counts })).children);
    await measure(series, i < 0, `/api/stats?${params}`, () => stats(true), () => stats(false), (body) => (body as { total: { incidents: number } }).total.incidents);
  }
  log(`${label}: done`);
  return series;
}
const streets = [0, 1, 2].map(streetCode);
const stats = [
  await statsSeries('stats of the county (by township)', [COUNTY], 6),
  await statsSeries('stats of the county, a 90-day window', [COUNTY], 7, ninetyDays),
  await statsSeries('stats of a township (by village)', streets, 8),
  await statsSeries('stats of a township, a 90-day window', streets, 9, ninetyDays),
];
server.close();

const fmt = (n: number) => n.toLocaleString('en', { maximumFractionDigits: n < 10 ? 1 : 0 });
console.log(`## Heatmap and stats benchmark (${store.backend}; ${INCIDENTS.toLocaleString('en')} incidents, 48 grids)\n`);
console.log(`Insert ${fmt(insertMs / 1000)} s (one INSERT … SELECT generate_series, counts kept by their triggers). Views 1280 × 800 px; ${HEATMAPS} heatmaps and ${STATS} stats a row, after 2 warm-ups.`);
console.log(`Each request over HTTP (from the counts), then in this process from the counts and from the incidents one by one (counts: false, the query before counts), interleaved.\n`);
console.log('| request | incidents counted (mean) | HTTP p50 ms | p95 ms | counts p50 ms | p95 ms | one by one p50 ms | p95 ms | one by one ÷ counts (p50) |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const s of [...heatmaps, ...stats]) {
  console.log(
    `| ${s.label} | ${fmt(mean(s.incidents))} | ${fmt(percentile(s.httpMs, 50))} | ${fmt(percentile(s.httpMs, 95))} | ${fmt(percentile(s.countsMs, 50))} | ${fmt(percentile(s.countsMs, 95))} | ${fmt(percentile(s.directMs, 50))} | ${fmt(percentile(s.directMs, 95))} | ${(percentile(s.directMs, 50) / percentile(s.countsMs, 50)).toFixed(1)}× |`,
  );
}
const sizes: string[] = [];
for (const table of ['incidents', 'incident_cells', 'incident_tally']) {
  const { rows } = await sql<{ n: number; mib: number }>`
    SELECT (SELECT count(*) FROM ${sql.table(table)})::int AS n, round(pg_total_relation_size(${table}::regclass) / 1048576.0, 1)::float8 AS mib`.execute(db);
  sizes.push(`${table}: ${rows[0].n.toLocaleString('en')} rows, ${rows[0].mib} MiB`);
}
console.log(`\n${sizes.join('; ')}.`);
console.log(`\nLoad average during the run: ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} on ${os.cpus().length} cores.`);
await drop();
