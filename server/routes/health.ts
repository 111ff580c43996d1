import { Router } from 'express';
import { apiRouter } from './router.js';
import { postgisVersion, type Store } from '../db/connect.js';
import type { Health } from '../api-types/session.js';

export function healthRouter(store: Store): Router {
  const router = apiRouter();
  router.get('/', async (_req, res) => {
    const health: Health = { status: 'ok', backend: store.backend, postgis: await postgisVersion(store.db) };
    res.json(health);
  });
  return router;
}
