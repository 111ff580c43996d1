import { Router } from 'express';
import { apiRouter } from './router.js';
import { postgisVersion, type Store } from '../db/connect.js';

export function healthRouter(store: Store): Router {
  const router = apiRouter();
  router.get('/', async (_req, res) => {
    res.json({ status: 'ok', backend: store.backend, postgis: await postgisVersion(store.db) });
  });
  return router;
}
