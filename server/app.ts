/**
 * Builds the express app from its parts. Tests import this (never main.ts) and talk to it
 * through supertest, over real HTTP handling and the real database.
 */
import path from 'node:path';
import { repoRoot } from './paths.js';
import express from 'express';
import type { Store } from './db/connect.js';
import type { Limits } from './config.js';
import { errorHandler, notFound } from './errors.js';
import { checkedBody, checkedQuery } from './routes/params.js';
import { healthRouter } from './routes/health.js';
import { regionsRouter } from './routes/regions.js';
import { referenceLinesRouter } from './routes/reference-lines.js';
import { gridsRouter } from './routes/grids.js';
import { gridBatchRouter } from './routes/grid-batch.js';
import { divisionsRouter } from './routes/divisions.js';
import { DivisionRunner } from './jobs/division-runner.js';
import { WorkerPool } from './workers/pool.js';
import { locateRouter } from './routes/locate.js';
import { GridLocator } from './services/grid-locator.js';
import { AddressGeocoder } from './services/address-geocoder.js';
import { addressesRouter } from './routes/addresses.js';
import { geocodeRouter } from './routes/geocode.js';
import { devicesRouter, gridCamerasRouter } from './routes/devices.js';
import { incidentsRouter } from './routes/incidents.js';
import { open311Errors, open311Router } from './routes/open311.js';
import { incidentViewsRouter } from './routes/incident-views.js';
import { IncidentService } from './services/incidents.js';
import { FeedIngest } from './services/feed-ingest.js';
import { Thumbnailer } from './media/thumbnailer.js';
import { EventPartitions } from './jobs/event-partitions.js';
import type { Signals } from './db/signals.js';
import { ogcErrors, ogcRouter } from './routes/ogc.js';
import { tilesRouter } from './routes/tiles.js';
import { exportRouter, importRouter } from './routes/transfer.js';
import { feedsRouter, mediaRouter } from './routes/feeds.js';
import { defaultIncidentRules, type IncidentRules } from './incidents/rules.js';
import { systemClock, type Clock } from './clock.js';
import type { Logger } from 'pino';
import helmet from 'helmet';
import cors from 'cors';
import { KeyResolver, authenticate } from './http/authenticate.js';
import { authorize, matchEndpoint } from './http/authorize.js';
import { canonicalUrl } from './http/canonical-path.js';
import { readBody } from './http/body.js';
import { setPublicUrl } from './http/links.js';
import { auditScope } from './http/audit-scope.js';
import { defaultRateLimits, failedKeyLimiter, rateLimits, type RateLimits } from './http/rate-limits.js';
import { createLogger, requestLog } from './http/request-log.js';
import { contentSecurityPolicy, withoutInsecureCoop } from './http/security-headers.js';
import { keysRouter, meRouter } from './routes/keys.js';
import { auditRouter } from './routes/audit.js';
import { open311Form } from './routes/open311.js';
import { gridStaffRouter, staffingRouter, staffRouter } from './routes/staff.js';
import { fieldworkRouter, patrolCoverageRouter } from './routes/fieldwork.js';
import { publicRouter } from './routes/public.js';
import { assessmentRouter } from './routes/assessment.js';
import { defaultPublicReportOptions, type PublicReportOptions } from './services/public-reports.js';
import { text } from './i18n/catalogue.js';

// The web client as Vite builds it from client/ (npm run build:client; npm start builds it when missing or stale).
const clientDir = path.join(repoRoot, 'dist', 'client');

export interface AppServices {
  runner?: DivisionRunner;
  /** Worker threads for CPU-heavy pure work (division checks; the default runner's divisions). */
  workers?: WorkerPool;
  locator?: GridLocator;
  geocoder?: AddressGeocoder;
  /** Where "now" comes from (deadlines, lights); tests pass one they can move. */
  clock?: Clock;
  rules?: IncidentRules;
  /** Request logs (pino); tests get one that logs errors only. */
  logger?: Logger;
  access?: AccessOptions;
  /** The months of device_events and their retention (main.ts starts its maintenance). */
  partitions?: EventPartitions;
  /** Snapshot thumbnails, made after the answer (main.ts starts its sweep). */
  thumbnailer?: Thumbnailer;
  /** Notifications between instances (server backend: LISTEN/NOTIFY). */
  signals?: Signals;
  /** Residents' reports without a key (GRIDGOV_PUBLIC_REPORTS_PER_HOUR). */
  publicReports?: PublicReportOptions;
}

export interface AccessOptions {
  /** Let requests without a key read regions and grids (GRIDGOV_PUBLIC_GRIDS=1). */
  publicGrids?: boolean;
  /** Origins allowed to call the API from a browser (GRIDGOV_CORS_ORIGINS); '*' for any. None by default. */
  corsOrigins?: string[] | '*';
  /** Proxies believed about the client's address (GRIDGOV_TRUST_PROXY; express "trust proxy"). */
  trustProxy?: string | number;
  /** Requests a second per key class (GRIDGOV_RATE_*). */
  rateLimits?: RateLimits;
  /** Where the service is reached from outside (GRIDGOV_PUBLIC_URL): the base of links in answers. */
  publicUrl?: string;
}

export function createApp(store: Store, limits: Limits, services: AppServices = {}): express.Express {
  const workers = services.workers ?? new WorkerPool();
  const runner = services.runner ?? new DivisionRunner(store.db, undefined, workers);
  const locator = services.locator ?? new GridLocator(store.db);
  const geocoder = services.geocoder ?? new AddressGeocoder(store.db);
  const clock = services.clock ?? systemClock;
  const rules = services.rules ?? defaultIncidentRules;
  const incidents = new IncidentService(store.db, rules, clock, locator, geocoder);
  const thumbnailer = services.thumbnailer ?? new Thumbnailer(store.db);
  const ingest = new FeedIngest(store.db, rules, clock, locator, undefined, thumbnailer, services.partitions ?? new EventPartitions(store.db, clock));
  const access = services.access ?? {};
  const keys = new KeyResolver(store.db);
  // A key revoked anywhere (another instance, the CLI) is forgotten here at once.
  services.signals?.on('gridgov_keys', () => keys.clear());
  const failedKeys = failedKeyLimiter(access.rateLimits ?? defaultRateLimits);
  const app = express();
  // Routing matches as the access policy does: case-sensitively and strictly, on the one
  // canonical path (canonicalUrl). Set before the first app.use, which creates the router.
  app.set('case sensitive routing', true);
  app.set('strict routing', true);
  app.disable('x-powered-by');
  // The only ETags are grid versions (for If-Match); express' content hashes would be mistaken for them.
  app.set('etag', false);
  if (access.trustProxy !== undefined) app.set('trust proxy', access.trustProxy);
  setPublicUrl(app, access.publicUrl);
  app.use(requestLog(services.logger ?? createLogger('error')));
  app.use(helmet({ contentSecurityPolicy: { directives: contentSecurityPolicy }, crossOriginResourcePolicy: { policy: 'cross-origin' }, crossOriginEmbedderPolicy: false }));
  app.use(withoutInsecureCoop);
  app.use(canonicalUrl);
  if (access.corsOrigins && access.corsOrigins.length > 0) {
    app.use(
      cors({
        origin: access.corsOrigins === '*' ? '*' : access.corsOrigins,
        allowedHeaders: ['Authorization', 'Content-Type', 'If-Match', 'X-Actor', 'X-Request-Id', 'Accept-Language'],
        exposedHeaders: ['ETag', 'Location', 'X-Request-Id', 'Retry-After'],
        maxAge: 600,
      }),
    );
  }
  // Which endpoint, who is calling, may they — and only then the body, as far as the endpoint
  // takes one (readBody). Open311's form is the exception: it carries the key, so it is read
  // (1 MB at most, and only for the endpoint that takes it) before the key check.
  app.use(matchEndpoint);
  app.use(open311Form);
  app.use(authenticate(keys, failedKeys));
  app.use(rateLimits(access.rateLimits ?? defaultRateLimits));
  app.use(authorize({ publicGrids: access.publicGrids ?? false }));
  app.use(readBody(limits));
  // Every parsed body and query: not too deep, and text the database can hold.
  app.use(checkedBody);
  app.use(checkedQuery);

  app.use(auditScope);

  app.use('/api/health', healthRouter(store));
  app.use('/api/me', meRouter(access.publicGrids ?? false));
  app.use('/api/keys', keysRouter(store, keys, locator));
  app.use('/api/audit', auditRouter(store));
  app.use('/api/regions', exportRouter(store));
  app.use('/api/regions', regionsRouter(store, limits));
  app.use('/api/regions', referenceLinesRouter(store, limits));
  app.use('/api/regions', staffingRouter(store));
  app.use('/api/import', importRouter(store, limits, locator));
  app.use('/api/grids', gridBatchRouter(store, limits));
  app.use('/api/grids', gridsRouter(store, limits));
  app.use('/api/grids', gridCamerasRouter(store, locator));
  app.use('/api/grids', gridStaffRouter(store));
  app.use('/api/staff', staffRouter(store, keys));
  app.use('/api/grids', patrolCoverageRouter(store, clock));
  app.use('/api', fieldworkRouter(store, locator, clock));
  app.use('/api/assessment', assessmentRouter(store, rules, clock));
  app.use('/api/public', publicRouter(store, incidents, services.publicReports ?? defaultPublicReportOptions));
  app.use('/api/divisions', divisionsRouter(store, runner, workers, limits));
  app.use('/api/locate', locateRouter(locator));
  app.use('/api/addresses', addressesRouter(store, limits, locator));
  app.use('/api/geocode', geocodeRouter(geocoder, locator));
  app.use('/api/devices', devicesRouter(store, locator, clock));
  app.use('/api/incidents', incidentsRouter(store, incidents, locator));
  app.use('/api/feeds', feedsRouter(ingest));
  app.use('/api/media', mediaRouter(store, thumbnailer));
  app.use('/api', incidentViewsRouter(store, incidents, keys));
  app.use('/open311/v2', open311Router(store, incidents));
  // The app-wide JSON parser fails before the Open311 router runs: answer in Open311's shape too.
  app.use('/open311/v2', open311Errors);
  app.use('/ogc', ogcRouter(store, locator, incidents));
  // Refusals before the OGC router (no key, unknown path): in OGC's error shape too.
  app.use('/ogc', ogcErrors);
  app.use('/tiles', tilesRouter(store, incidents));
  app.use('/api', (req) => {
    throw notFound('no_such_endpoint', text('no_such_endpoint', { method: req.method, path: req.path }));
  });

  // The phone pages: their own small entries of the build, at /m (网格员) and /report (随手拍).
  for (const [page, file] of [
    ['/m', 'm/index.html'],
    ['/report', 'report/index.html'],
  ] as const) {
    app.get(page, (_req, res, next) => res.sendFile(path.join(clientDir, file), (error) => error && next()));
  }
  app.use(express.static(clientDir));
  app.use(errorHandler);
  return app;
}
