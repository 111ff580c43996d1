import { Router } from 'express';
import type { Store } from '../db/connect.js';
import type { Limits } from '../config.js';
import { badRequest } from '../errors.js';
import { parseRegionFeature } from '../geo/features.js';
import { createRegion, getRegion, listRegions, regionCoverage } from '../db/regions.js';
import { asOfParam, codeParam, jsonBody, stringParam } from './params.js';

export function regionsRouter(store: Store, limits: Limits): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const parsed = parseRegionFeature(jsonBody(req), { maxVertices: limits.regionVertices });
    if (parsed.problems) {
      const [first] = parsed.problems;
      throw badRequest(first.code, first.message, { problems: parsed.problems });
    }
    const region = await createRegion(store.db, parsed.value);
    res.status(201).location(`/api/regions/${region.properties.code}`).json(region);
  });

  router.get('/', async (req, res) => {
    const parent = stringParam(req, 'parent');
    const regions = await listRegions(store.db, parent === undefined ? null : codeParam(parent, 12));
    res.json({ type: 'FeatureCollection', features: regions });
  });

  router.get('/:code', async (req, res) => {
    res.json(await getRegion(store.db, codeParam(req.params.code, 12)));
  });

  router.get('/:code/coverage', async (req, res) => {
    res.json(await regionCoverage(store.db, codeParam(req.params.code, 12), asOfParam(req)));
  });

  return router;
}
