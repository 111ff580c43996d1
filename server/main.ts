/**
 * Start-up: configuration → database (+ migrations) → demo data on a first start → HTTP.
 * Prints each step, since a cold embedded start takes a while.
 */
import { loadConfig } from './config.js';
import { openStore } from './db/connect.js';
import { countRegions } from './db/regions.js';
import { loadDemo } from './demo.js';
import { refreshHouseholds } from './db/households.js';
import { createApp } from './app.js';
import { DivisionRunner } from './jobs/division-runner.js';
import { WorkerPool } from './workers/pool.js';
import { GridLocator } from './services/grid-locator.js';
import { AddressGeocoder } from './services/address-geocoder.js';
import { ensureClientBuilt } from '../scripts/build-client.js';
import { bootstrapAdmin } from './services/bootstrap-admin.js';
import { createLogger } from './http/request-log.js';

const started = performance.now();
const seconds = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
const log = (message: string) => console.log(`[gridgov ${seconds()}] ${message}`);

async function main(): Promise<void> {
  const config = loadConfig();
  // The web client is built (if missing or stale) while the database opens; served once both are ready.
  const client = ensureClientBuilt(log);
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, statementTimeoutMs: config.statementTimeoutMs, log });
  log(`database ready (${store.backend})`);

  if (config.demo && (await countRegions(store.db)) === 0) {
    log('empty database: loading the demo area (Fuzhou, 鼓楼区); set GRIDGOV_DEMO=0 to start empty');
    await loadDemo(store.db, config.limits, log);
  }

  // Grids written before households were computed (db/households.ts) get their figure once.
  await store.db.transaction().execute((trx) => refreshHouseholds(trx, { uncomputed: true }));

  const admin = await bootstrapAdmin(store.db, config.adminKey);
  if (admin.made === 'configured') log('admin key from GRIDGOV_ADMIN_KEY stored');
  const workers = new WorkerPool();
  const runner = new DivisionRunner(store.db, log, workers);
  await runner.resumeOrphans(store.backend === 'embedded' ? 0 : undefined);
  // The locate index is built in the background now, not by the first caller.
  const locator = new GridLocator(store.db);
  void locator
    .live()
    .then((snapshot) => log(`locate index ready: ${snapshot.index.size} grids`))
    .catch((error: unknown) => log(`locate index not built yet: ${error instanceof Error ? error.message : String(error)}`));
  // The geocoder loads the address registry in the background too.
  const geocoder = new AddressGeocoder(store.db, log);
  void geocoder
    .current()
    .then((index) => log(`geocoder ready: ${index.size} addresses`))
    .catch((error: unknown) => log(`geocoder not loaded yet: ${error instanceof Error ? error.message : String(error)}`));
  await client;
  const app = createApp(store, config.limits, {
    runner,
    workers,
    locator,
    geocoder,
    rules: config.incidentRules,
    logger: createLogger(config.logLevel),
    access: { publicGrids: config.publicGrids, corsOrigins: config.corsOrigins, rateLimits: config.rateLimits, trustProxy: config.trustProxy, publicUrl: config.publicUrl },
  });
  const server = app.listen(config.port, () => {
    if (admin.made === 'generated') {
      // Shown once: only its hash is stored. The #key= link signs the web client in (and leaves the URL).
      // Before "listening": whoever waits for that line has the key by then.
      log(`admin key (shown once, keep it): ${admin.key}`);
      log(`sign in: http://localhost:${config.port}/#key=${admin.key}`);
    }
    log(`listening on http://localhost:${config.port} (memory ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB)`);
  });
  server.on('error', (error) => {
    console.error(`[gridgov] cannot listen on port ${config.port}: ${error.message}`);
    process.exit(1);
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: closing`);
    server.close();
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
