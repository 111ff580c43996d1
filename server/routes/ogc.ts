/**
 * OGC API – Features, Part 1: Core (read-only), so that QGIS, ArcGIS and GDAL/OGR read gridgov
 * directly: the landing page, the conformance declaration, an OpenAPI 3.0 description (/ogc/api),
 * and four collections of GeoJSON features in CRS84 — regions, grids, devices and incidents.
 *
 * Choices a client may want to know about (all in the OpenAPI document too):
 * - Paging is by `limit` (default 100; larger values than 10,000 are served as 10,000) and
 *   `offset`, with `next`/`prev` links; features come in a stable order (code or id), so a
 *   client walking the `next` links neither skips nor repeats features.
 * - `datetime` (RFC 3339, an instant or an interval `a/b`, `../b`, `a/..`; a bare date means that
 *   whole UTC day): on grids it picks the moment whose map is served — an instant is the grids in
 *   force then, an interval the grids in force at its end (an open end: the live map); on
 *   incidents it filters the report time (interval ends included). Regions and devices keep no
 *   history, so `datetime` there is a 400 rather than an answer that silently ignores it.
 * - Query parameters the API does not define are refused with 400 (/req/core/query-param-unknown),
 *   so that a misspelt filter never returns the unfiltered collection. GDAL only sends `limit`,
 *   `bbox`, `datetime` and the filters this document declares.
 * - Only JSON: `f=json` (or none) is served, `f=html` and other formats are a 400; the Accept
 *   header is not negotiated (every answer is JSON).
 * - Errors are `{ "code", "description" }` (the OGC exception schema).
 *
 * This module is the router; routes/ogc/ holds its parts: the collections' descriptions, the
 * parameters, the answers, the OpenAPI document, and one module per collection.
 */
import { Router, type ErrorRequestHandler, type Request } from 'express';
import { apiRouter } from './router.js';
import type { Store } from '../db/connect.js';
import type { Page } from '../db/ogc.js';
import type { OgcCollections, OgcConformance, OgcException, OgcLanding } from '../api-types/ogc.js';
import { answerableError, ApiError, langOf, notFound, recordInternalError } from '../errors.js';
import type { GridLocator } from '../services/grid-locator.js';
import type { IncidentService } from '../services/incidents.js';
import { text, translate } from '../i18n/catalogue.js';
import { COLLECTION_IDS, COLLECTIONS, CONFORMANCE, JSON_TYPE, OPENAPI_TYPE, isCollectionId, type CollectionId } from './ogc/collections.js';
import { bboxParam, checkCrs, checkFormat, checkParameters, limitParam, offsetParam } from './ogc/params.js';
import { baseUrl, collectionJson, sendFeature, sendItems, sendJson } from './ogc/answers.js';
import { openApi } from './ogc/openapi.js';
import type { OgcCollection } from './ogc/collection.js';
import { regionCollection } from './ogc/regions.js';
import { gridCollection } from './ogc/grids.js';
import { deviceCollection } from './ogc/devices.js';
import { incidentCollection } from './ogc/incidents.js';

const ITEM_PARAMETERS = ['limit', 'offset', 'bbox', 'bbox-crs', 'crs', 'f'];

function collectionOf(req: Request): CollectionId {
  const id = String(req.params.collectionId);
  if (!isCollectionId(id)) throw notFound('NotFound', text('ogc.no_collection', { id, collections: COLLECTION_IDS }));
  return id;
}

/** OGC exception JSON for everything that goes wrong under /ogc. */
export const ogcErrors: ErrorRequestHandler = (err, req, res, _next) => {
  const lang = langOf(req);
  const answerable = answerableError(err);
  if (answerable) {
    res.status(answerable.status).type(JSON_TYPE).send(JSON.stringify({ code: answerable.code, description: answerable.messageIn(lang) } satisfies OgcException));
    return;
  }
  recordInternalError(res, err);
  res.status(500).type(JSON_TYPE).send(JSON.stringify({ code: 'InternalError', description: translate(text('internal'), lang) } satisfies OgcException));
};

export function ogcRouter(store: Store, locator: GridLocator, incidents: IncidentService): Router {
  const router = apiRouter();
  const collections: Record<CollectionId, OgcCollection> = {
    regions: regionCollection(store),
    grids: gridCollection(store),
    devices: deviceCollection(store, locator),
    incidents: incidentCollection(store, incidents),
  };

  router.get('/', (req, res) => {
    checkParameters(req, ['f']);
    checkFormat(req);
    const base = baseUrl(req);
    sendJson(res, {
      title: 'gridgov',
      description: 'Grid-based community governance (网格化服务管理): regions, grids, devices and incidents as OGC API – Features.',
      links: [
        { href: `${base}`, rel: 'self', type: JSON_TYPE, title: 'This document' },
        { href: `${base}/api`, rel: 'service-desc', type: OPENAPI_TYPE, title: 'The API definition (OpenAPI 3.0)' },
        { href: `${base}/conformance`, rel: 'conformance', type: JSON_TYPE, title: 'Conformance classes' },
        { href: `${base}/collections`, rel: 'data', type: JSON_TYPE, title: 'The feature collections' },
      ],
    } satisfies OgcLanding);
  });

  router.get('/conformance', (req, res) => {
    checkParameters(req, ['f']);
    checkFormat(req);
    sendJson(res, { conformsTo: CONFORMANCE } satisfies OgcConformance);
  });

  router.get('/api', (req, res) => {
    checkParameters(req, ['f']);
    checkFormat(req);
    sendJson(res, openApi(baseUrl(req)), OPENAPI_TYPE);
  });

  router.get('/collections', async (req, res) => {
    checkParameters(req, ['f']);
    checkFormat(req);
    const base = baseUrl(req);
    const collections = await Promise.all(COLLECTION_IDS.map((id) => collectionJson(req, store, base, id)));
    sendJson(res, {
      links: [{ href: `${base}/collections`, rel: 'self', type: JSON_TYPE, title: 'The feature collections' }],
      collections,
    } satisfies OgcCollections);
  });

  router.get('/collections/:collectionId', async (req, res) => {
    const id = collectionOf(req);
    checkParameters(req, ['f']);
    checkFormat(req);
    sendJson(res, await collectionJson(req, store, baseUrl(req), id));
  });

  router.get('/collections/:collectionId/items', async (req, res) => {
    const id = collectionOf(req);
    const info = COLLECTIONS[id];
    const allowed = [...ITEM_PARAMETERS, ...(info.temporal ? ['datetime'] : []), ...info.filters.map((filter) => filter.name)];
    checkParameters(req, allowed, {
      datetime: text('ogc.no_time', { collection: id }),
    });
    checkFormat(req);
    checkCrs(req, 'crs');
    checkCrs(req, 'bbox-crs');
    const page: Page = { limit: limitParam(req), offset: offsetParam(req) };
    const bbox = bboxParam(req);
    const { total, features } = await collections[id].items(req, page, bbox);
    sendItems(req, res, id, page, total, features);
  });

  router.get('/collections/:collectionId/items/:featureId', async (req, res) => {
    const id = collectionOf(req);
    checkParameters(req, ['crs', 'f']);
    checkFormat(req);
    checkCrs(req, 'crs');
    const featureId = String(req.params.featureId);
    const missing = () => notFound('NotFound', text('ogc.no_feature', { id: featureId, collection: id }));
    sendFeature(req, res, id, await collections[id].item(req, featureId, missing));
  });

  // Anything else under /ogc: an OGC error rather than the app's HTML or /api shapes.
  router.use((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.set('Allow', 'GET, HEAD');
      throw new ApiError(405, 'MethodNotAllowed', text('ogc.read_only', { method: req.method }));
    }
    throw notFound('NotFound', text('ogc.no_resource', { path: req.path, start: baseUrl(req) }));
  });
  router.use(ogcErrors);
  return router;
}
