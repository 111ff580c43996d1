/**
 * Benchmark of the grid store: import through createGrids (all topology checks + history),
 * bbox reads through listGrids, and the embedded service's cold and warm start.
 *
 *   npm run bench:store                                  embedded backend only
 *   DATABASE_URL=postgres://… npm run bench:store        also the server backend, in a throwaway
 *                                                        database gridgov_bench_<random> (dropped at the end)
 *
 * Knobs (environment): BENCH_GRIDS (20000), BENCH_BATCH (2000), BENCH_QUERIES (200), BENCH_SEED (1),
 * BENCH_INSET_M (0: grids share edges; > 0: grids pulled that far inside their cells), BENCH_START=0 skips
 * the start-up measurement.
 *
 * Machines are shared and noisy, so each speed is also given as a ratio to a baseline run in the
 * same process on the same backend, interleaved batch by batch / query by query with the real
 * thing: plain INSERTs of the same geometries into a bare table (no checks, no history), and
 * plain bbox SELECTs of it. Ratio = gridgov time ÷ baseline time: how many times the baseline's
 * time the real path takes. Progress goes to stderr, the result tables to stdout.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { postgisVersion, type Store } from '../../server/db/connect.js';
import type { Database } from '../../server/db/schema.js';
import { createGrids, listGrids, type NewGrid } from '../../server/db/grids.js';
import { createRegion, type NewRegion } from '../../server/db/regions.js';
import { parseGridFeature, parseRegionFeature } from '../../server/geo/features.js';
import { defaultLimits } from '../../server/config.js';
import { prng, syntheticTown, type SyntheticTown } from './synthetic.js';
import { timeServiceStart } from './service.js';
import { openThrowaway, throwawayDatabase } from './throwaway-store.js';

function intFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name] || fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

const settings = {
  grids: intFromEnv('BENCH_GRIDS', 20_000),
  batch: intFromEnv('BENCH_BATCH', 2_000),
  queries: intFromEnv('BENCH_QUERIES', 200),
  seed: intFromEnv('BENCH_SEED', 1),
  insetM: Number(process.env.BENCH_INSET_M || 0),
  start: process.env.BENCH_START !== '0',
};
/** Untimed queries before the timed ones, so both sides start with warm caches. */
const WARMUP_QUERIES = 5;
/** The bbox reads cover this share of the township's area each (uniform in between). */
const BBOX_SHARE = { min: 0.005, max: 0.02 };
/** Rows per INSERT … json_to_recordset statement, as grid-checks.ts stages them. */
const BASELINE_CHUNK = 500;

const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const now = () => performance.now();

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const secs = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
const msec = (ms: number) => `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
const perSecond = (count: number, ms: number) => {
  const rate = (count * 1000) / ms;
  if (rate >= 1e6) return `${(rate / 1e6).toFixed(2)} M`;
  if (rate >= 1e3) return `${(rate / 1e3).toFixed(rate >= 1e4 ? 0 : 1)} k`;
  return rate.toFixed(rate < 10 ? 1 : 0);
};
const ratio = (real: number, baseline: number) => `${(real / baseline).toFixed(1)}×`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function table(header: string[], rows: string[][]): string {
  const align = header.map((_, i) => (i === 0 ? '---' : '---:'));
  return [header, align, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

// ---------------------------------------------------------------------------------------------
// Input: the synthetic town, parsed the way the API parses it
// ---------------------------------------------------------------------------------------------

interface Input {
  town: SyntheticTown;
  regions: NewRegion[];
  grids: NewGrid[];
  /** Per grid, its geometry as the JSON text that both import paths send. */
  geometryText: string[];
}

function prepareInput(): Input {
  const town = syntheticTown({ grids: settings.grids, seed: settings.seed, insetM: settings.insetM });
  const regions = town.regions.map((feature) => {
    const parsed = parseRegionFeature(feature, { maxVertices: defaultLimits.regionVertices });
    if (parsed.problems) throw new Error(`synthetic region ${feature.properties.code}: ${JSON.stringify(parsed.problems)}`);
    return parsed.value;
  });
  const grids = town.grids.map((feature, index) => {
    const parsed = parseGridFeature(feature, { maxVertices: defaultLimits.featureVertices, requireRegion: true });
    if (parsed.problems) throw new Error(`synthetic grid ${index}: ${JSON.stringify(parsed.problems)}`);
    return { ...parsed.value, regionCode: parsed.value.regionCode! };
  });
  return { town, regions, grids, geometryText: grids.map((grid) => JSON.stringify(grid.geometry)) };
}

/** Random bboxes inside the town, each BBOX_SHARE of its area, aspect ratio 1:2 … 2:1. */
function randomBboxes(extent: SyntheticTown['extent'], count: number, seed: number): [number, number, number, number][] {
  const random = prng(seed);
  const [minLon, minLat, maxLon, maxLat] = extent;
  const [width, height] = [maxLon - minLon, maxLat - minLat];
  return Array.from({ length: count }, () => {
    const share = BBOX_SHARE.min + random() * (BBOX_SHARE.max - BBOX_SHARE.min);
    const aspect = 2 ** (random() * 2 - 1);
    const w = Math.min(width, width * Math.sqrt(share * aspect));
    const h = Math.min(height, height * Math.sqrt(share / aspect));
    const west = minLon + random() * (width - w);
    const south = minLat + random() * (height - h);
    return [west, south, west + w, south + h];
  });
}

// ---------------------------------------------------------------------------------------------
// Baseline: the same geometries in a bare table, no checks, no history
// ---------------------------------------------------------------------------------------------

async function createBaselineTable(db: Kysely<Database>): Promise<void> {
  await sql`CREATE TABLE bench_baseline (id integer, geom geometry(MultiPolygon, 4326))`.execute(db);
  // Index before loading, as grid_versions' indexes exist while grids are imported.
  await sql`CREATE INDEX ON bench_baseline USING gist (geom)`.execute(db);
}

/** One import batch into the baseline table: one transaction, chunked like the real staging. */
async function baselineInsert(db: Kysely<Database>, ids: number[], geometries: string[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (let start = 0; start < ids.length; start += BASELINE_CHUNK) {
      const rows = ids.slice(start, start + BASELINE_CHUNK).map((id, i) => ({ id, geometry: geometries[start + i] }));
      await sql`
        INSERT INTO bench_baseline (id, geom)
        SELECT r.id, ST_Multi(ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(r.geometry), 4326)))
        FROM json_to_recordset(${JSON.stringify(rows)}::json) AS r(id integer, geometry text)`.execute(trx);
    }
  });
}

/** Baseline read: ids and geometries, parsed into objects as listGrids returns them. */
async function baselineRead(db: Kysely<Database>, bbox?: [number, number, number, number]): Promise<unknown[]> {
  const where = bbox ? sql`WHERE geom && ST_MakeEnvelope(${bbox[0]}, ${bbox[1]}, ${bbox[2]}, ${bbox[3]}, 4326)` : sql``;
  const { rows } = await sql<{ id: number; geojson: string }>`
    SELECT id, ST_AsGeoJSON(geom, 7) AS geojson FROM bench_baseline ${where}`.execute(db);
  return rows.map((row) => ({ id: row.id, geometry: JSON.parse(row.geojson) }));
}

// ---------------------------------------------------------------------------------------------
// One backend
// ---------------------------------------------------------------------------------------------

/** Runs `a` and `b` one after the other, alternating who goes first, and returns their times in ms. */
async function timedPair<A, B>(swap: boolean, a: () => Promise<A>, b: () => Promise<B>): Promise<[number, number, A, B]> {
  const timed = async <T>(run: () => Promise<T>): Promise<[number, T]> => {
    const started = now();
    const result = await run();
    return [now() - started, result];
  };
  if (swap) {
    const [tb, rb] = await timed(b);
    const [ta, ra] = await timed(a);
    return [ta, tb, ra, rb];
  }
  const [ta, ra] = await timed(a);
  const [tb, rb] = await timed(b);
  return [ta, tb, ra, rb];
}

interface BackendResult {
  label: string;
  server: string;
  openMs: number;
  importMs: number;
  importBaselineMs: number;
  slowestBatchMs: number;
  queryMs: number[];
  queryBaselineMs: number[];
  features: number;
  fullMs: number;
  fullBaselineMs: number;
  fullFeatures: number;
}

async function benchBackend(label: string, input: Input, open: () => Promise<Store>): Promise<BackendResult> {
  progress(`${label}: opening the store`);
  const started = now();
  const store = await open();
  const openMs = now() - started;
  const db = store.db;
  try {
    const { rows } = await sql<{ version: string }>`SELECT current_setting('server_version') AS version`.execute(db);
    const server = `PostgreSQL ${rows[0].version.split(' ')[0]}, PostGIS ${await postgisVersion(db)}`;
    for (const region of input.regions) await createRegion(db, region);
    await createBaselineTable(db);

    // 1. Import, batch by batch, each batch through createGrids and into the baseline table.
    const { grids, geometryText } = input;
    const meta = { actor: 'bench', reason: 'benchmark' };
    let [importMs, importBaselineMs, slowestBatchMs] = [0, 0, 0];
    for (let start = 0, batch = 0; start < grids.length; start += settings.batch, batch++) {
      const end = Math.min(grids.length, start + settings.batch);
      const ids = Array.from({ length: end - start }, (_, i) => start + i);
      const [real, base, created] = await timedPair(
        batch % 2 === 1,
        () => createGrids(db, grids.slice(start, end), meta),
        () => baselineInsert(db, ids, geometryText.slice(start, end)),
      );
      if (created.length !== end - start) throw new Error(`createGrids returned ${created.length} of ${end - start} grids`);
      importMs += real;
      importBaselineMs += base;
      slowestBatchMs = Math.max(slowestBatchMs, real);
      progress(`${label}: import ${end}/${grids.length}  (batch ${secs(real)}, baseline ${secs(base)})`);
    }

    // 2. Reads by bbox, the same bboxes on both sides; the counts must agree.
    const bboxes = randomBboxes(input.town.extent, WARMUP_QUERIES + settings.queries, settings.seed + 1);
    const [queryMs, queryBaselineMs] = [[] as number[], [] as number[]];
    let features = 0;
    for (const [i, bbox] of bboxes.entries()) {
      const [real, base, found, baseFound] = await timedPair(
        i % 2 === 1,
        () => listGrids(db, { bbox }),
        () => baselineRead(db, bbox),
      );
      if (found.length !== baseFound.length) throw new Error(`bbox ${bbox}: listGrids found ${found.length}, baseline ${baseFound.length}`);
      if (i < WARMUP_QUERIES) continue;
      queryMs.push(real);
      queryBaselineMs.push(base);
      features += found.length;
    }
    progress(`${label}: ${settings.queries} bbox reads done`);

    // 3. One read of everything.
    const [fullMs, fullBaselineMs, all] = await timedPair(false, () => listGrids(db, {}), () => baselineRead(db));
    if (all.length !== grids.length) throw new Error(`listGrids returned ${all.length} of ${grids.length} grids`);
    return {
      label,
      server,
      openMs,
      importMs,
      importBaselineMs,
      slowestBatchMs,
      queryMs,
      queryBaselineMs,
      features,
      fullMs,
      fullBaselineMs,
      fullFeatures: all.length,
    };
  } finally {
    await store.close();
  }
}

function report(result: BackendResult, input: Input): string {
  const { grids, vertices } = { grids: input.grids.length, vertices: input.town.vertices };
  const sum = (list: number[]) => list.reduce((a, b) => a + b, 0);
  const [q, qb] = [sum(result.queryMs), sum(result.queryBaselineMs)];
  const [sorted, sortedBase] = [[...result.queryMs].sort((a, b) => a - b), [...result.queryBaselineMs].sort((a, b) => a - b)];
  const n = result.queryMs.length;
  const importCell = (ms: number) => `${secs(ms)} · ${perSecond(grids, ms)} grids/s · ${perSecond(vertices, ms)} vertices/s`;
  const readCell = (ms: number) => `${secs(ms)} · ${perSecond(n, ms)} queries/s · ${perSecond(result.features, ms)} features/s`;
  return [
    `### ${result.label} — ${result.server}`,
    '',
    `${int(grids)} grids, ${int(vertices)} vertices, ${input.regions.length - 2} villages; batches of ${int(settings.batch)}; ` +
      `${n} bboxes of ${BBOX_SHARE.min * 100}–${BBOX_SHARE.max * 100} % of the area (${int(result.features / n)} features on average). ` +
      `Store opened (create + migrate) in ${secs(result.openMs)}.`,
    '',
    table(
      ['measure', 'gridgov', 'baseline', 'ratio'],
      [
        ['import (createGrids)', importCell(result.importMs), importCell(result.importBaselineMs), ratio(result.importMs, result.importBaselineMs)],
        ['slowest import batch', secs(result.slowestBatchMs), '', ''],
        ['bbox reads (listGrids)', readCell(q), readCell(qb), ratio(q, qb)],
        ['bbox read latency p50 / p95', `${msec(percentile(sorted, 50))} / ${msec(percentile(sorted, 95))}`,
          `${msec(percentile(sortedBase, 50))} / ${msec(percentile(sortedBase, 95))}`, ratio(percentile(sorted, 50), percentile(sortedBase, 50))],
        [`full read (${int(result.fullFeatures)} features)`, `${secs(result.fullMs)} · ${perSecond(result.fullFeatures, result.fullMs)} features/s`,
          `${secs(result.fullBaselineMs)} · ${perSecond(result.fullFeatures, result.fullBaselineMs)} features/s`, ratio(result.fullMs, result.fullBaselineMs)],
      ],
    ),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Backends
// ---------------------------------------------------------------------------------------------

function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The embedded store in a fresh data folder on disk (as the service runs it), removed on close. */
const openEmbedded = async (): Promise<Store> => openThrowaway(await throwawayDatabase('bench', undefined));

/** A throwaway database on the server of `url`, dropped on close. */
const openServer = async (url: string): Promise<Store> => openThrowaway(await throwawayDatabase('bench', url));

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = now();
  const input = prepareInput();
  progress(`synthetic town: ${int(input.grids.length)} grids, ${int(input.town.vertices)} vertices, generated and parsed in ${secs(now() - started)}`);

  const reports: string[] = [];
  reports.push(report(await benchBackend('embedded', input, openEmbedded), input));
  const url = process.env.DATABASE_URL;
  if (url) reports.push(report(await benchBackend('postgres', input, () => openServer(url)), input));

  if (settings.start) {
    const dir = tempDir('gridgov-bench-start-');
    try {
      progress('service: cold start');
      const cold = await timeServiceStart(path.join(dir, 'db'));
      progress('service: warm start');
      const warm = await timeServiceStart(path.join(dir, 'db'));
      const mib = (value: number | null) => (value === null ? 'n/a' : `${int(value)} MiB`);
      reports.push(
        [
          '### embedded service start (node --import tsx server/main.ts, GRIDGOV_DEMO=0) — absolute, no baseline',
          '',
          table(
            ['start', 'until /api/health is 200', 'peak RSS (VmHWM)'],
            [
              ['cold (fresh data folder)', secs(cold.seconds * 1000), mib(cold.peakRssMiB)],
              ['warm (same folder, after SIGTERM)', secs(warm.seconds * 1000), mib(warm.peakRssMiB)],
            ],
          ),
        ].join('\n'),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(`\n## Grid store benchmark (${os.cpus().length} CPUs, Node ${process.version}; ratio = gridgov time ÷ baseline time)\n`);
  console.log(reports.join('\n\n'));
}

main().catch((error) => {
  console.error('[bench] failed:', error);
  process.exit(1);
});
