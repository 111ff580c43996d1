/** The OGC API's OpenAPI 3.0 description (GET /ogc/api), built from the collections' own descriptions. */
import { COLLECTION_IDS, COLLECTIONS, CRS84, DEFAULT_LIMIT, GEOJSON_TYPE, JSON_TYPE, MAX_LIMIT, OPENAPI_TYPE } from './collections.js';

export function openApi(base: string) {
  const ref = (name: string) => ({ $ref: `#/components/parameters/${name}` });
  const problem = (description: string) => ({ description, content: { [JSON_TYPE]: { schema: { $ref: '#/components/schemas/exception' } } } });
  const json = (description: string, type = JSON_TYPE) => ({ description, content: { [type]: { schema: { type: 'object' } } } });
  const errors = { '400': problem('Invalid or unknown query parameter'), '500': problem('Server error') };
  const paths: Record<string, unknown> = {
    '/': { get: { summary: 'Landing page', operationId: 'getLandingPage', parameters: [ref('f')], responses: { '200': json('Links to the API definition, conformance and collections'), ...errors } } },
    '/conformance': { get: { summary: 'Conformance classes', operationId: 'getConformance', parameters: [ref('f')], responses: { '200': json('The conformance classes implemented'), ...errors } } },
    '/api': { get: { summary: 'This API definition', operationId: 'getApi', responses: { '200': json('OpenAPI 3.0 document', OPENAPI_TYPE) } } },
    '/collections': { get: { summary: 'The feature collections', operationId: 'getCollections', parameters: [ref('f')], responses: { '200': json('Collections with extents and links'), ...errors } } },
    '/collections/{collectionId}': {
      get: {
        summary: 'One feature collection',
        operationId: 'describeCollection',
        parameters: [ref('collectionId'), ref('f')],
        responses: { '200': json('The collection'), ...errors, '404': problem('No such collection') },
      },
    },
  };
  for (const id of COLLECTION_IDS) {
    const info = COLLECTIONS[id];
    const filters = info.filters.map((filter) => ({
      name: filter.name,
      in: 'query',
      required: false,
      description: filter.description,
      style: 'form',
      explode: false,
      schema: { type: 'string', ...(filter.enum ? { enum: filter.enum } : {}), ...(filter.pattern ? { pattern: filter.pattern } : {}) },
    }));
    paths[`/collections/${id}/items`] = {
      get: {
        summary: `${info.title}: features`,
        description: info.description,
        operationId: `get${id[0].toUpperCase()}${id.slice(1)}`,
        parameters: [ref('limit'), ref('offset'), ref('bbox'), ref('bbox-crs'), ref('crs'), ...(info.temporal ? [ref('datetime')] : []), ...filters, ref('f')],
        responses: { '200': json('A page of features (FeatureCollection) with numberMatched, numberReturned and next/prev links', GEOJSON_TYPE), ...errors },
      },
    };
    paths[`/collections/${id}/items/{featureId}`] = {
      get: {
        summary: `${info.title}: one feature`,
        operationId: `get${id[0].toUpperCase()}${id.slice(1)}Feature`,
        parameters: [{ name: 'featureId', in: 'path', required: true, description: info.featureId, schema: { type: 'string' } }, ref('crs'), ref('f')],
        responses: { '200': json('The feature', GEOJSON_TYPE), ...errors, '404': problem('No such feature') },
      },
    };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'gridgov — OGC API – Features',
      version: '1.0.0',
      description:
        'Read-only OGC API – Features (Part 1: Core, GeoJSON) over the grid-based community governance store: regions, grids, devices and incidents, in CRS84. ' +
        'Query parameters not listed here are refused with 400.',
    },
    servers: [{ url: base }],
    paths,
    components: {
      parameters: {
        collectionId: { name: 'collectionId', in: 'path', required: true, schema: { type: 'string', enum: COLLECTION_IDS } },
        f: { name: 'f', in: 'query', required: false, description: 'Output format: JSON only.', schema: { type: 'string', enum: ['json'] } },
        limit: {
          name: 'limit',
          in: 'query',
          required: false,
          description: `Features per page (default ${DEFAULT_LIMIT}); larger values than ${MAX_LIMIT} are served as ${MAX_LIMIT}.`,
          schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
        },
        offset: {
          name: 'offset',
          in: 'query',
          required: false,
          description: 'Features to skip (the next/prev links carry it).',
          schema: { type: 'integer', minimum: 0, default: 0 },
        },
        bbox: {
          name: 'bbox',
          in: 'query',
          required: false,
          description: 'minLon,minLat,maxLon,maxLat in CRS84: features whose geometry intersects the box.',
          style: 'form',
          explode: false,
          schema: { type: 'array', minItems: 4, maxItems: 6, items: { type: 'number' } },
        },
        'bbox-crs': { name: 'bbox-crs', in: 'query', required: false, description: 'Only CRS84.', schema: { type: 'string', enum: [CRS84] } },
        crs: { name: 'crs', in: 'query', required: false, description: 'Only CRS84 (the only output CRS).', schema: { type: 'string', enum: [CRS84] } },
        datetime: {
          name: 'datetime',
          in: 'query',
          required: false,
          description:
            'RFC 3339 instant or interval (a/b, ../b, a/..; a bare date is that whole UTC day). Grids: the grids in force at the instant, or at the end of the interval (open end: the live map). Incidents: report time within the interval, ends included.',
          schema: { type: 'string' },
        },
      },
      schemas: {
        exception: {
          type: 'object',
          required: ['code'],
          properties: { code: { type: 'string' }, description: { type: 'string' } },
        },
      },
    },
  };
}

