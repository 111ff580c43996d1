/**
 * Builds the express app from its parts. Tests import this (never main.ts) and talk to it
 * through supertest, over real HTTP handling and the real database.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import type { Store } from './db/connect.js';
import type { Limits } from './config.js';
import { errorHandler, notFound } from './errors.js';
import { healthRouter } from './routes/health.js';
import { regionsRouter } from './routes/regions.js';
import { gridsRouter } from './routes/grids.js';
import { divisionsRouter } from './routes/divisions.js';
import { DivisionRunner } from './jobs/division-runner.js';
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
import { ogcRouter } from './routes/ogc.js';
import { tilesRouter } from './routes/tiles.js';
import { exportRouter, importRouter } from './routes/transfer.js';
import { feedsRouter, mediaRouter } from './routes/feeds.js';
import { defaultIncidentRules, type IncidentRules } from './incidents/rules.js';
import { systemClock, type Clock } from './clock.js';

// The web client as Vite builds it from client/ (npm run build:client; npm start builds it when missing or stale).
const clientDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'client');

export interface AppServices {
  runner?: DivisionRunner;
  locator?: GridLocator;
  geocoder?: AddressGeocoder;
  /** Where "now" comes from (deadlines, lights); tests pass one they can move. */
  clock?: Clock;
  rules?: IncidentRules;
}

export function createApp(store: Store, limits: Limits, services: AppServices = {}): express.Express {
  const runner = services.runner ?? new DivisionRunner(store.db);
  const locator = services.locator ?? new GridLocator(store.db);
  const geocoder = services.geocoder ?? new AddressGeocoder(store.db);
  const clock = services.clock ?? systemClock;
  const rules = services.rules ?? defaultIncidentRules;
  const incidents = new IncidentService(store.db, rules, clock, locator, geocoder);
  const ingest = new FeedIngest(store.db, rules, clock, locator);
  const app = express();
  app.disable('x-powered-by');
  // The only ETags are grid versions (for If-Match); express' content hashes would be mistaken for them.
  app.set('etag', false);
  app.use(
    express.json({
      limit: limits.bodyBytes,
      type: ['application/json', 'application/geo+json', 'application/*+json'],
      // Accept any JSON value at the top level so that the routes can say what they expected.
      strict: false,
    }),
  );

  app.use('/api/health', healthRouter(store));
  app.use('/api/regions', exportRouter(store));
  app.use('/api/regions', regionsRouter(store, limits));
  app.use('/api/import', importRouter(store, limits, locator));
  app.use('/api/grids', gridsRouter(store, limits, locator));
  app.use('/api/grids', gridCamerasRouter(store, locator));
  app.use('/api/divisions', divisionsRouter(store, runner));
  app.use('/api/locate', locateRouter(locator));
  app.use('/api/addresses', addressesRouter(store, limits, locator));
  app.use('/api/geocode', geocodeRouter(geocoder, locator));
  app.use('/api/devices', devicesRouter(store, locator, clock));
  app.use('/api/incidents', incidentsRouter(store, incidents));
  app.use('/api/feeds', feedsRouter(ingest));
  app.use('/api/media', mediaRouter(store));
  app.use('/api', incidentViewsRouter(store, incidents));
  app.use('/open311/v2', open311Router(store, incidents));
  // The app-wide JSON parser fails before the Open311 router runs: answer in Open311's shape too.
  app.use('/open311/v2', open311Errors);
  app.use('/ogc', ogcRouter(store, locator, incidents));
  app.use('/tiles', tilesRouter(store, incidents));
  app.use('/api', (req) => {
    throw notFound('no_such_endpoint', `No endpoint ${req.method} ${req.originalUrl}`);
  });

  app.use(express.static(clientDir));
  app.use(errorHandler);
  return app;
}
