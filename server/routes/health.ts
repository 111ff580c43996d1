import { Router } from 'express';
import { postgisVersion, type Store } from '../db/connect.js';

export function healthRouter(store: Store): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    res.json({ status: 'ok', backend: store.backend, postgis: await postgisVersion(store.db) });
  });
  return router;
}
