/**
 * Vector tiles (Mapbox Vector Tile 2.1) and TileJSON 3.0.0 for web maps and GIS clients:
 *
 *   GET /tiles                          the layers and their TileJSON URLs
 *   GET /tiles/{layer}.json             TileJSON of a layer (tiles URL absolute from the request)
 *   GET /tiles/{layer}/{z}/{x}/{y}.mvt  a tile (.pbf is accepted too)
 *
 * Layers (each tile holds one MVT layer of the same name):
 * - grids: live grids — code, name, kind, households (and householdsSource, db/households.ts), regionCode; `asOf` serves the grids in force
 *   at that moment. Feature id: the code as a number.
 * - regions: code, name, level. Feature id: the code as a number.
 * - devices: id, kind, name; cameras also heading, fov (degrees) and rangeM. `kind` filters.
 * - incidents: id, category, status, light, reportedAt; `from`/`to` (report time, ISO 8601),
 *   `category` and `status` (comma lists), `region`, `grid` filter as in /api/incidents.
 * Parameters a layer does not define are refused (400): a misspelt filter never silently serves
 * the unfiltered layer.
 *
 * Scheme: Web Mercator XYZ (y down from the north, as OSM/Google), extent 4096, buffer 64, z 0–22.
 * Geometry is clipped, simplified and snapped in SQL (db/tiles.ts — the same path on the
 * embedded and the server PostGIS) and encoded here by @maplibre/vt-pbf.
 *
 * HTTP:
 * - gzip (`Content-Encoding: gzip`) when the request's Accept-Encoding allows it; `Vary:
 *   Accept-Encoding`. Content-Type application/vnd.mapbox-vector-tile.
 * - Strong ETag: a hash of the uncompressed tile, with `-gz` appended for the gzip bytes (a
 *   different representation); If-None-Match (either form) → 304.
 * - `Cache-Control: no-cache`: clients keep tiles but revalidate, so an edit shows on the next
 *   request; a revalidation costs one tiny read and no tile work.
 * - An empty tile (no feature) is 204 No Content, with the ETag; MapLibre, OpenLayers and
 *   Leaflet.VectorGrid draw nothing for it.
 *
 * Cache: services/vector-tiles.ts (an in-memory LRU of encoded tiles under each layer's change
 * marker; incident tiles also expire with their lights and after 30 s).
 */
import { Router, type Request, type Response } from 'express';
import { apiRouter } from './router.js';
import type { Store } from '../db/connect.js';
import { ApiError, badRequest, forbidden } from '../errors.js';
import { linkTo } from '../http/links.js';
import { coversEverything } from '../http/authorize.js';
import { CREDENTIAL_PARAMS } from '../http/authenticate.js';
import { incidentFilter } from './incidents.js';
import { timeParam } from './params.js';
import type { IncidentService } from '../services/incidents.js';
import { LAYERS, isLayerName, type LayerName } from '../db/tiles.js';
import { VectorTiles, type TileQuery } from '../services/vector-tiles.js';
import { MAX_LAT, MAX_ZOOM, TILE_BUFFER, TILE_EXTENT, tileProblem, type Bounds, type CachedTile, type TileAddress } from '../geo/tiles.js';
import { text, type Text } from '../i18n/catalogue.js';
import type { TileJson, TileLayers } from '../api-types/ogc.js';

export const MVT_TYPE = 'application/vnd.mapbox-vector-tile';

interface LayerInfo {
  description: string;
  fields: Record<string, string>;
  /** Query parameters the layer accepts. */
  parameters: readonly string[];
}

const LAYER_INFO: Record<LayerName, LayerInfo> = {
  grids: {
    description: 'Live grids (网格); ?asOf= for the grids in force at a moment',
    fields: { code: 'String', name: 'String', kind: 'String', households: 'Number', householdsSource: 'String', regionCode: 'String' },
    parameters: ['asOf'],
  },
  regions: {
    description: 'Administrative regions: county, township, village',
    fields: { code: 'String', name: 'String', level: 'String' },
    parameters: [],
  },
  devices: {
    description: 'Cameras and sensors; cameras carry heading, fov and rangeM',
    fields: { id: 'String', kind: 'String', name: 'String', heading: 'Number', fov: 'Number', rangeM: 'Number' },
    parameters: ['kind'],
  },
  incidents: {
    description: 'Incidents (事件) with their deadline light; filter by from, to, category, status, region, grid',
    fields: { id: 'Number', category: 'String', status: 'String', light: 'String', reportedAt: 'String' },
    parameters: ['from', 'to', 'category', 'status', 'region', 'grid'],
  },
  basemap: {
    description: 'A base map that needs no internet: the stored roads, railways, rivers, water areas and building footprints of every village',
    fields: { kind: 'String', class: 'String', name: 'String' },
    parameters: [],
  },
};

/** A layer's parsed parameters: how to read the tile (services/vector-tiles.ts), and their canonical form for URLs. */
interface LayerQuery extends TileQuery {
  key: string;
}

/** The two tile URLs this router answers, as a refusal of any other. */
function tilePaths(): Text {
  return text('unknown_layer.path', { tilejson: '/tiles/{layer}.json', tile: '/tiles/{layer}/{z}/{x}/{y}.mvt', layers: LAYERS });
}

function layerOf(value: unknown): LayerName {
  if (!isLayerName(value)) throw badRequest('unknown_layer', text('unknown_layer', { layer: String(value), layers: LAYERS }));
  return value;
}

function layerQuery(req: Request, layer: LayerName, categories: readonly string[]): LayerQuery {
  const allowed = LAYER_INFO[layer].parameters;
  const unknown = Object.keys(req.query).filter((name) => !allowed.includes(name) && !CREDENTIAL_PARAMS.includes(name));
  if (unknown.length) {
    throw badRequest(
      'invalid_parameter',
      text('invalid_parameter.tile_params', { layer, allowed: allowed.length ? allowed : text('invalid_parameter.no_params'), unknown }),
    );
  }
  const query: LayerQuery = { layer, key: '', cacheKey: '' };
  const parts: string[] = [];
  if (layer === 'grids') {
    query.asOf = timeParam(req, 'asOf');
    if (query.asOf) parts.push(`asOf=${query.asOf.toISOString()}`);
  } else if (layer === 'devices') {
    // The device layer is not cut by area: it is for keys of the whole tree.
    if (!coversEverything(req)) throw forbidden('out_of_scope', text('out_of_scope.devices_tiles'));
    const kind = req.query.kind;
    if (kind !== undefined) {
      if (kind !== 'camera' && kind !== 'sensor') throw badRequest('invalid_parameter', text('invalid_parameter.device_kind'));
      query.kind = kind;
      parts.push(`kind=${kind}`);
    }
  } else if (layer === 'incidents') {
    const filter = incidentFilter(req, categories);
    query.incidents = filter;
    // The canonical form, from the parsed filter: equal filters share cached tiles.
    for (const name of allowed) {
      const raw = req.query[name];
      if (typeof raw !== 'string') continue;
      if (name === 'from' || name === 'to') parts.push(`${name}=${(filter[name] as Date).toISOString()}`);
      else if (name === 'category' || name === 'status') parts.push(`${name}=${[...new Set(raw.split(',').map((v) => v.trim()))].sort().join(',')}`);
      else parts.push(`${name}=${raw}`);
    }
  }
  query.key = parts.length ? `?${parts.join('&')}` : '';
  query.cacheKey = `${query.key}#${query.incidents?.regionPrefix ?? ''}#${query.incidents?.placePrefixes?.join(',') ?? ''}`;
  return query;
}

function tileAddress(req: Request): TileAddress {
  const match = /^(\d{1,8})\.(mvt|pbf)$/.exec(String(req.params.file));
  if (!match) throw badRequest('invalid_tile', text('invalid_tile.address', { pattern: '{z}/{x}/{y}.mvt', got: String(req.params.file) }));
  const int = (raw: unknown, name: string) => {
    if (typeof raw !== 'string' || !/^\d{1,8}$/.test(raw)) throw badRequest('invalid_tile', text('invalid_tile.integer', { name, got: String(raw) }));
    return Number(raw);
  };
  const tile = { z: int(req.params.z, 'z'), x: int(req.params.x, 'x'), y: Number(match[1]) };
  const problem = tileProblem(tile);
  if (problem) throw badRequest('invalid_tile', problem, tile);
  return tile;
}

/** The tags of If-None-Match, unquoted, weak prefix dropped; '*' matches anything. */
function noneMatchTags(req: Request): string[] {
  const header = req.get('If-None-Match');
  if (!header) return [];
  return header.split(',').map((tag) => tag.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1'));
}

export function tilesRouter(store: Store, incidents: IncidentService): Router {
  const router = apiRouter();
  const tiles = new VectorTiles(store.db, incidents.clock);
  const categories = () => incidents.rules.categories.map((c) => c.code);

  function send(req: Request, res: Response, entry: CachedTile, hit: boolean): void {
    const gzip = entry.raw.byteLength > 0 && req.acceptsEncodings('gzip', 'identity') === 'gzip';
    res.set('Vary', 'Accept-Encoding');
    res.set('Cache-Control', 'no-cache');
    res.set('ETag', `"${entry.hash}${gzip ? '-gz' : ''}"`);
    res.set('X-Tile-Cache', hit ? 'hit' : 'miss');
    const tags = noneMatchTags(req);
    if (tags.includes('*') || tags.includes(entry.hash) || tags.includes(`${entry.hash}-gz`)) {
      res.status(304).end();
      return;
    }
    if (entry.raw.byteLength === 0) {
      res.status(204).end();
      return;
    }
    res.set('Content-Type', MVT_TYPE);
    if (gzip) res.set('Content-Encoding', 'gzip');
    const body = gzip ? entry.gzip : entry.raw;
    res.set('Content-Length', String(body.byteLength));
    res.end(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  }

  router.get('/', (req, res) => {
    const base = linkTo(req, req.baseUrl);
    res.json({
      layers: LAYERS.map((id) => ({ id, description: LAYER_INFO[id].description, tilejson: `${base}/${id}.json`, tiles: `${base}/${id}/{z}/{x}/{y}.mvt` })),
    } satisfies TileLayers);
  });

  router.get('/:file', async (req, res) => {
    const match = /^([a-z]+)\.json$/.exec(String(req.params.file));
    if (!match) throw badRequest('unknown_layer', tilePaths());
    const layer = layerOf(match[1]);
    const query = layerQuery(req, layer, categories());
    const info = LAYER_INFO[layer];

    const bounds = clampBounds((await tiles.bounds(query)) ?? [-180, -MAX_LAT, 180, MAX_LAT]);
    const base = linkTo(req, req.baseUrl);
    res.set('Cache-Control', 'no-cache');
    res.json({
      tilejson: '3.0.0',
      name: `gridgov ${layer}`,
      description: info.description,
      version: '1.0.0',
      scheme: 'xyz',
      tiles: [`${base}/${layer}/{z}/{x}/{y}.mvt${query.key}`],
      minzoom: 0,
      maxzoom: MAX_ZOOM,
      bounds,
      center: [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, centerZoom(bounds)],
      vector_layers: [{ id: layer, description: info.description, minzoom: 0, maxzoom: MAX_ZOOM, fields: info.fields }],
      // Not TileJSON fields, but what a client needs to know about these tiles.
      extent: TILE_EXTENT,
      buffer: TILE_BUFFER,
    } satisfies TileJson);
  });

  router.get('/:layer/:z/:x/:file', async (req, res) => {
    const layer = layerOf(req.params.layer);
    const tile = tileAddress(req);
    const query = layerQuery(req, layer, categories());
    const { entry, hit } = await tiles.tile(query, tile);
    send(req, res, entry, hit);
  });

  // Anything else under /tiles: a JSON answer naming the two forms, not express' HTML 404.
  router.use((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.set('Allow', 'GET, HEAD');
      throw new ApiError(405, 'method_not_allowed', text('method_not_allowed.tiles', { method: req.method }));
    }
    throw badRequest('invalid_tile', tilePaths());
  });

  return router;
}

function clampBounds([a, b, c, d]: Bounds): Bounds {
  const lat = (v: number) => Math.max(-MAX_LAT, Math.min(MAX_LAT, v));
  return [Math.max(-180, a), lat(b), Math.min(180, c), lat(d)];
}

/** A zoom at which the bounds fill a 512-pixel view (0–16). */
function centerZoom([a, b, c, d]: Bounds): number {
  const span = Math.max(c - a, (d - b) * 1.2, 1e-6);
  return Math.max(0, Math.min(16, Math.floor(Math.log2((360 * 2) / span))));
}
