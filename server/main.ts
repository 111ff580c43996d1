/**
 * Start-up: configuration → database (+ migrations) → demo data on a first start → HTTP.
 * Prints each step with the time since the process started, since a cold embedded start takes a
 * while; what can wait (the locate index, the geocoder, orphaned division jobs, the demo feed)
 * starts after the service listens.
 */
import { loadConfig } from './config.js';
import { exclusively, openStore } from './db/connect.js';
import { Signals } from './db/signals.js';
import { EventPartitions } from './jobs/event-partitions.js';
import { Thumbnailer } from './media/thumbnailer.js';
import { compactCountsPeriodically } from './jobs/count-compaction.js';
import { systemClock } from './clock.js';
import { countRegions } from './db/regions.js';
import { listDevices } from './db/devices.js';
import { refreshHouseholds } from './db/households.js';
import { loadDemo, demoDevices, DEMO_PLACE } from './demo/load.js';
import { DemoFeed } from './demo/feed.js';
import { createApp } from './app.js';
import { DivisionRunner } from './jobs/division-runner.js';
import { WorkerPool } from './workers/pool.js';
import { GridLocator } from './services/grid-locator.js';
import { AddressGeocoder } from './services/address-geocoder.js';
import { FeedIngest } from './services/feed-ingest.js';
import { ensureClientBuilt } from '../scripts/build-client.js';
import { bootstrapAdmin } from './services/bootstrap-admin.js';
import { createLogger } from './http/request-log.js';

// Since the process started (node's own clock), so the compile step and module loading count too.
const seconds = () => `${(performance.now() / 1000).toFixed(1)} s`;
const log = (message: string) => console.log(`[gridgov ${seconds()}] ${message}`);
const memory = () => `${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`;

async function main(): Promise<void> {
  const config = loadConfig();
  log(`modules loaded (memory ${memory()})`);
  // The web client is built (only if missing or stale) while the database opens.
  const client = ensureClientBuilt(log);
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, statementTimeoutMs: config.statementTimeoutMs, log });
  log(`database ready (${store.backend})`);

  // Several instances may start at once on one database: the demo, the households backfill
  // and the first key once.
  const admin = await exclusively(store, async () => {
    if (config.demo && (await countRegions(store.db)) === 0) {
      log(`empty database: loading the demo area (${DEMO_PLACE}); set GRIDGOV_DEMO=0 to start empty`);
      await loadDemo(store.db, config.limits, log, { rules: config.incidentRules });
    }
    // Grids written before households were computed (db/households.ts) get their figure once.
    await store.db.transaction().execute((trx) => refreshHouseholds(trx, { uncomputed: true }));
    return bootstrapAdmin(store.db, config.adminKey);
  });
  if (admin.made === 'configured') log('admin key from GRIDGOV_ADMIN_KEY stored');
  const workers = new WorkerPool();
  const runner = new DivisionRunner(store.db, log, workers, config.divisionLeaseS);
  // Server: jobs whose owner stopped renewing its lease are taken over, now and whenever one
  // lapses (by exactly one instance). Embedded: this process owns every job (after listening).
  if (store.backend === 'postgres') runner.start();
  const partitions = new EventPartitions(store.db, systemClock, config.eventRetentionDays, log);
  partitions.start();
  const thumbnailer = new Thumbnailer(store.db);
  thumbnailer.start();
  const stopCompaction = compactCountsPeriodically(store.db, log);
  const signals = store.backend === 'postgres' && config.databaseUrl ? await Signals.listen(config.databaseUrl) : undefined;
  const locator = new GridLocator(store.db);
  const geocoder = new AddressGeocoder(store.db, log);
  await client;
  const app = createApp(store, config.limits, {
    runner,
    workers,
    locator,
    geocoder,
    rules: config.incidentRules,
    logger: createLogger(config.logLevel),
    partitions,
    thumbnailer,
    signals,
    publicReports: { perHour: config.publicReportsPerHour },
    access: { publicGrids: config.publicGrids, corsOrigins: config.corsOrigins, rateLimits: config.rateLimits, trustProxy: config.trustProxy, publicUrl: config.publicUrl },
  });
  let feed: DemoFeed | undefined;
  let stopping = false;
  /** The work after listening; a stop waits for it, so that none of it meets a closed database. */
  let warming: Promise<void> = Promise.resolve();
  const server = app.listen(config.port, () => {
    if (admin.made === 'generated') {
      // Shown once: only its hash is stored. The #key= link signs the web client in (and leaves the URL).
      // Before "listening": whoever waits for that line has the key by then.
      log(`admin key (shown once, keep it): ${admin.key}`);
      log(`sign in: http://localhost:${config.port}/#key=${admin.key}`);
    }
    log(`listening on http://localhost:${config.port} (started in ${seconds()}, memory ${memory()})`);
    warming = afterListening().catch((error: unknown) => log(`after start-up: ${error instanceof Error ? error.message : String(error)}`));
  });
  server.on('error', (error) => {
    console.error(`[gridgov] cannot listen on port ${config.port}: ${error.message}`);
    process.exit(1);
  });

  /** What need not hold up the first request: indexes warm up, jobs resume, the demo feed starts. */
  async function afterListening(): Promise<void> {
    if (store.backend === 'embedded') await runner.resumeOrphans(0).catch((error: unknown) => log(`division jobs not resumed: ${String(error)}`));
    const [snapshot, index] = await Promise.all([
      locator.live().catch((error: unknown) => log(`locate index not built yet: ${error instanceof Error ? error.message : String(error)}`)),
      geocoder.current().catch((error: unknown) => log(`geocoder not loaded yet: ${error instanceof Error ? error.message : String(error)}`)),
    ]);
    if (snapshot && index) log(`ready: locate index ${snapshot.index.size} grids, geocoder ${index.size} addresses (memory ${memory()})`);
    if (!config.demoFeed || stopping) return;
    // Only the demo's own devices, and only when they are there: never a feed without the demo data.
    const devices = await listDevices(store.db, { ids: demoDevices().map((d) => d.id) });
    if (devices.length === 0 || stopping) return;
    const ingest = new FeedIngest(store.db, config.incidentRules, systemClock, locator, undefined, thumbnailer, partitions);
    feed = new DemoFeed(ingest, devices, config.demoFeedIntervalMs, log);
    feed.start();
    log(`demo feed: ${devices.length} demo cameras and sensors send an event every ${config.demoFeedIntervalMs / 1000} s (GRIDGOV_DEMO_FEED=0 stops it)`);
  }

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: closing`);
    server.close();
    runner.stop();
    stopCompaction();
    // Start-up work still running and a demo event being ingested finish before the database closes.
    await warming;
    await feed?.stop();
    await signals?.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error) => {
  console.error('[gridgov] start-up failed:', error);
  process.exit(1);
});
