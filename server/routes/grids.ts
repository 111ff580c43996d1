import { Router, type Request } from 'express';
import { apiRouter } from './router.js';
import type { Store } from '../db/connect.js';
import type { Limits } from '../config.js';
import { ApiError, badRequest } from '../errors.js';
import { parseGridFeature, type GridInput } from '../geo/features.js';
import { countVertices } from '../geo/validate.js';
import { createGrids, getGrid, gridHistory, listGrids, retireGrid, updateGrid, ProblemList, type NewGrid } from '../db/grids.js';
import { regionLevel } from '../db/regions.js';
import { lineageOf } from '../db/divisions.js';
import { regionPrefix } from '../geo/codes.js';
import { assertCovers } from '../http/authorize.js';
import { actorOf, asOfParam, bboxParam, codeParam, etag, ifMatchCondition, integerParam, jsonBody, reasonOf, stringParam } from './params.js';
import { gridAddresses } from '../db/households.js';
import { shown, text } from '../i18n/catalogue.js';
import type { AddressesAnswer, GridCollection, GridHistory, GridLineage } from '../api-types/grids.js';

function meta(req: Request) {
  return { actor: actorOf(req), reason: reasonOf(req) };
}

function asNewGrid(input: GridInput): NewGrid {
  return { ...input, regionCode: input.regionCode! };
}

/**
 * POST /api/grids/import's FeatureCollection → the grids to create (with their indices in the
 * request) and the problems of those that cannot be: 400 for a body that is no collection, 413
 * past the feature or vertex limits, 403 for a grid outside the caller's area.
 */
function importedGrids(req: Request, limits: Limits): { grids: NewGrid[]; indices: number[]; problems: ProblemList } {
  const body = jsonBody(req) as { type?: unknown; features?: unknown };
  if (body === null || typeof body !== 'object' || body.type !== 'FeatureCollection' || !Array.isArray(body.features)) {
    throw badRequest('invalid_geojson', text('invalid_geojson.features'));
  }
  const features = body.features as unknown[];
  if (features.length === 0) throw badRequest('empty_batch', text('empty_batch.features'));
  if (features.length > limits.batchFeatures) {
    throw new ApiError(413, 'batch_too_large', text('batch_too_large.import_features', { count: features.length, limit: limits.batchFeatures }), {
      features: features.length,
      limit: limits.batchFeatures,
    });
  }
  const problems = new ProblemList();
  const grids: NewGrid[] = [];
  const indices: number[] = [];
  let vertices = 0;
  features.forEach((feature, index) => {
    const parsed = parseGridFeature(feature, { maxVertices: limits.featureVertices, requireRegion: true });
    if (parsed.problems) {
      for (const problem of parsed.problems) problems.add(index, problem);
      return;
    }
    vertices += countVertices(parsed.value.geometry);
    assertCovers(req, parsed.value.regionCode!, text('problem.at', { where: `features[${index}]`, message: text('subject.grid_village') }));
    grids.push(asNewGrid(parsed.value));
    indices.push(index);
  });
  if (vertices > limits.batchVertices) {
    throw new ApiError(413, 'batch_too_large', text('batch_too_large.import_vertices', { count: vertices, limit: limits.batchVertices }), {
      vertices,
      limit: limits.batchVertices,
    });
  }
  return { grids, indices, problems };
}

export function gridsRouter(store: Store, limits: Limits): Router {
  const router = apiRouter();

  router.post('/', async (req, res) => {
    const parsed = parseGridFeature(jsonBody(req), { maxVertices: limits.featureVertices, requireRegion: true });
    if (parsed.problems) {
      const [first] = parsed.problems;
      throw badRequest(first.code, first.message, { problems: parsed.problems });
    }
    assertCovers(req, parsed.value.regionCode!, text('subject.grid_village'));
    const [grid] = await createGrids(store.db, [asNewGrid(parsed.value)], meta(req), { single: true });
    res.status(201).location(`/api/grids/${grid.properties.code}`).set('ETag', etag(grid.properties.version)).json(grid);
  });

  router.post('/import', async (req, res) => {
    const { grids, indices, problems } = importedGrids(req, limits);
    const created = await createGrids(store.db, grids, meta(req), { indices, problems, single: false });
    res.status(201).json({ type: 'FeatureCollection', features: created } satisfies GridCollection);
  });

  router.get('/', async (req, res) => {
    const region = stringParam(req, 'region');
    let prefix: string | undefined;
    if (region !== undefined) {
      const code = codeParam(region, 12);
      prefix = regionPrefix(code, await regionLevel(store.db, code));
    }
    const features = await listGrids(store.db, { regionPrefix: prefix, bbox: bboxParam(req), asOf: asOfParam(req) });
    res.json({ type: 'FeatureCollection', features } satisfies GridCollection);
  });

  router.get('/:code', async (req, res) => {
    const asOf = asOfParam(req);
    const grid = await getGrid(store.db, codeParam(req.params.code, 15), asOf);
    if (!asOf) res.set('ETag', etag(grid.properties.version));
    res.json(grid);
  });

  router.put('/:code', async (req, res) => {
    const code = codeParam(req.params.code, 15);
    assertCovers(req, code, text('subject.grid'));
    const condition = ifMatchCondition(req);
    const body = jsonBody(req);
    const parsed = parseGridFeature(body, { maxVertices: limits.featureVertices, requireRegion: false });
    if (parsed.problems) {
      const [first] = parsed.problems;
      throw badRequest(first.code, first.message, { problems: parsed.problems });
    }
    const claimed = (body as { properties?: { code?: unknown } }).properties?.code;
    if (claimed !== undefined && claimed !== code) {
      throw badRequest('code_mismatch', text('code_mismatch', { got: shown(claimed), code }));
    }
    const grid = await updateGrid(store.db, code, parsed.value, condition, meta(req));
    res.set('ETag', etag(grid.properties.version)).json(grid);
  });

  router.delete('/:code', async (req, res) => {
    const code = codeParam(req.params.code, 15);
    assertCovers(req, code, text('subject.grid'));
    const retired = await retireGrid(store.db, code, ifMatchCondition(req), meta(req));
    res.json(retired);
  });

  router.get('/:code/lineage', async (req, res) => {
    const code = codeParam(req.params.code, 15);
    res.json({ code, ...(await lineageOf(store.db, code)) } satisfies GridLineage);
  });

  // The grid's registry addresses: those its live geometry (or the one at asOf) contains, by the
  // locate rule (a point on a shared edge belongs to the lowest code), and which are households —
  // the same count a grid of an address-registry village answers as its households (db/households.ts).
  router.get('/:code/addresses', async (req, res) => {
    const code = codeParam(req.params.code, 15);
    assertCovers(req, code, text('subject.grid'));
    const asOf = asOfParam(req);
    const limit = integerParam(req, 'limit', 1000, 1, 10_000);
    const offset = integerParam(req, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
    await getGrid(store.db, code, asOf); // 404 unknown, 410 retired
    const inside = await gridAddresses(store.db, code, asOf);
    const answer: AddressesAnswer = {
      code,
      ...(asOf ? { asOf: asOf.toISOString() } : {}),
      total: inside.length,
      households: inside.filter((a) => a.household).length,
      addresses: inside.slice(offset, offset + limit).map((a) => ({
        id: a.id,
        address: a.address,
        lon: a.lon,
        lat: a.lat,
        levels: a.levels,
        household: a.household,
      })),
    };
    res.json(answer);
  });

  router.get('/:code/history', async (req, res) => {
    const versions = await gridHistory(store.db, codeParam(req.params.code, 15));
    res.json({ type: 'FeatureCollection', features: versions } satisfies GridHistory);
  });

  return router;
}
