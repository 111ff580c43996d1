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
 */
import { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import { apiRouter } from './router.js';
import type { Store } from '../db/connect.js';
import { answerableError, ApiError, badRequest, langOf, notFound, recordInternalError } from '../errors.js';
import { linkTo, queryWithout } from '../http/links.js';
import { getGrid } from '../db/grids.js';
import { listDevices, type StoredDevice } from '../db/devices.js';
import {
  devicePositions,
  devicesExtent,
  gridPage,
  gridsExtent,
  incidentPage,
  incidentsExtent,
  ogcIncident,
  pointOf,
  regionPage,
  regionsExtent,
  type Bbox,
  type Extent,
  type OgcIncident,
  type Page,
} from '../db/ogc.js';
import { GRID_KINDS, REGION_LEVELS, levelOfRegionCode, regionPrefix } from '../geo/codes.js';
import { CHINA_EXTENT } from '../geo/validate.js';
import { INCIDENT_STATUSES } from '../incidents/states.js';
import { LIGHTS } from '../incidents/light.js';
import type { IncidentFilter } from '../db/incidents.js';
import type { GridLocator, LocatorSnapshot } from '../services/grid-locator.js';
import type { IncidentService } from '../services/incidents.js';
import { assertVisible, coversEverything, outOfScopeId, scopedPlaces, scopedPrefix } from '../http/authorize.js';
import { requirementOf } from '../http/access-policy.js';
import { can } from '../access/principal.js';
import { devicePlace, incidentPlace } from '../access/places.js';
import { CREDENTIAL_PARAMS } from '../http/authenticate.js';
import { text, translate, type Text } from '../i18n/catalogue.js';

const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
const CRS84_NAMES = new Set([CRS84, 'https://www.opengis.net/def/crs/OGC/1.3/CRS84', '[OGC:CRS84]', 'OGC:CRS84']);
const GREGORIAN = 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian';
const JSON_TYPE = 'application/json';
const GEOJSON_TYPE = 'application/geo+json';
const OPENAPI_TYPE = 'application/vnd.oai.openapi+json;version=3.0';
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;
const MAX_OFFSET = 100_000_000;

const CONFORMANCE = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
];

type CollectionId = 'regions' | 'grids' | 'devices' | 'incidents';

interface FilterParam {
  name: string;
  description: string;
  enum?: readonly string[];
  pattern?: string;
}

interface CollectionInfo {
  title: string;
  description: string;
  /** Whether `datetime` means something here. */
  temporal: boolean;
  /** The collection's own query parameters (besides limit, offset, bbox, …). */
  filters: FilterParam[];
  featureId: string;
}

const REGION_CODE = '^\\d{12}$';
const GRID_CODE = '^\\d{15}$';
const COMMA_LIST = 'One value, or several separated by commas (any of them matches).';

const COLLECTIONS: Record<CollectionId, CollectionInfo> = {
  regions: {
    title: '行政区划 Administrative regions',
    description: 'The administrative tree: province, city, county, township/street and village/community, with boundaries. 行政区划树及其边界。',
    temporal: false,
    filters: [
      { name: 'level', description: `Region level. ${COMMA_LIST}`, enum: REGION_LEVELS },
      { name: 'parent', description: 'The 12-digit code of the parent region: its direct children.', pattern: REGION_CODE },
    ],
    featureId: 'The 12-digit region code (统计用区划代码).',
  },
  grids: {
    title: '网格 Grids',
    description:
      'The governance grids in force (the live map), or those in force at a past moment with `datetime`. ' +
      'An instant gives the grids in force then; an interval gives the grids in force at its end, and an open end the live map. 网格（当前或历史某一时刻）。',
    temporal: true,
    filters: [
      { name: 'region', description: "A 12-digit region code: the grids in that region's whole subtree.", pattern: REGION_CODE },
      { name: 'kind', description: `Grid kind. ${COMMA_LIST}`, enum: GRID_KINDS },
    ],
    featureId: 'The 15-digit grid code.',
  },
  devices: {
    title: '设备 Cameras and sensors',
    description:
      'Cameras and sensors at their positions, with the live grid each stands in (gridCode). A camera’s view sector is not part of the feature: GET /api/devices/{id} has it. 摄像头与传感器。',
    temporal: false,
    filters: [
      { name: 'kind', description: `Device kind. ${COMMA_LIST}`, enum: ['camera', 'sensor'] },
      { name: 'grid', description: 'A 15-digit grid code: the devices standing in that live grid.', pattern: GRID_CODE },
      { name: 'region', description: 'A 12-digit region code: the devices standing in grids of its subtree.', pattern: REGION_CODE },
    ],
    featureId: 'The device id (a GB/T 28181 id or a free-form id).',
  },
  incidents: {
    title: '事件 Incidents',
    description:
      'Reported incidents (事件) at their points, with status, light and deadlines; `datetime` filters the report time (reportedAt). The history of transitions and the reporter are not part of the feature.',
    temporal: true,
    filters: [
      { name: 'status', description: `Incident status. ${COMMA_LIST}`, enum: INCIDENT_STATUSES },
      { name: 'category', description: `Category code (see GET /api/incidents/categories). ${COMMA_LIST}` },
      { name: 'light', description: 'Deadline light now.', enum: LIGHTS },
      { name: 'grid', description: 'A 15-digit grid code: the incidents in that grid.', pattern: GRID_CODE },
      { name: 'region', description: 'A 12-digit region code: incidents in grids of its subtree (or handled in it, outside every grid).', pattern: REGION_CODE },
    ],
    featureId: 'The incident id (an integer).',
  },
};

const COLLECTION_IDS = Object.keys(COLLECTIONS) as CollectionId[];
const isCollectionId = (value: string): value is CollectionId => (COLLECTION_IDS as string[]).includes(value);

// ── parameters ──────────────────────────────────────────────────────────────────────────

const invalid = (name: string, message: Text) => badRequest('InvalidParameterValue', text('ogc.parameter', { name, message }));

function single(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(name, text('ogc.once'));
  return value;
}

/**
 * Refuses query parameters the API does not define for this resource (and says which it does);
 * `lang` (the language of the answer's messages) and credentials go with every resource.
 */
function checkParameters(req: Request, allowed: readonly string[], explain: Record<string, Text> = {}): void {
  for (const name of Object.keys(req.query)) {
    if (allowed.includes(name) || name === 'lang' || CREDENTIAL_PARAMS.includes(name)) continue;
    if (explain[name]) throw badRequest('InvalidParameterValue', explain[name]);
    throw badRequest('UnknownParameter', text('ogc.unknown_parameter', { name, allowed: allowed.length ? allowed : text('ogc.no_parameters') }));
  }
}

/** `f`: only JSON is served. */
function checkFormat(req: Request): void {
  const f = single(req, 'f');
  if (f === undefined) return;
  const value = f.toLowerCase();
  if (['json', 'geojson', 'application/json', 'application/geo+json'].includes(value)) return;
  throw badRequest('InvalidParameterValue', text('ogc.json_only', { f }));
}

function checkCrs(req: Request, name: 'crs' | 'bbox-crs'): void {
  const value = single(req, name);
  if (value !== undefined && !CRS84_NAMES.has(value)) {
    throw invalid(name, text('ogc.crs84_only', { crs: CRS84, got: value }));
  }
}

function limitParam(req: Request): number {
  const raw = single(req, 'limit');
  if (raw === undefined) return DEFAULT_LIMIT;
  if (!/^\d{1,12}$/.test(raw) || Number(raw) < 1) throw invalid('limit', text('ogc.integer', { min: 1, max: MAX_LIMIT, got: raw }));
  // Larger values are served as the maximum rather than refused: clients ask for big pages.
  return Math.min(Number(raw), MAX_LIMIT);
}

function offsetParam(req: Request): number {
  const raw = single(req, 'offset');
  if (raw === undefined) return 0;
  if (!/^\d{1,12}$/.test(raw) || Number(raw) > MAX_OFFSET) throw invalid('offset', text('ogc.integer', { min: 0, max: MAX_OFFSET, got: raw }));
  return Number(raw);
}

/** `bbox=minLon,minLat,maxLon,maxLat` (or the 6-number 3D form, whose heights are ignored), CRS84. */
function bboxParam(req: Request): Bbox | undefined {
  const raw = single(req, 'bbox');
  if (raw === undefined) return undefined;
  const numbers = raw.split(',').map((part) => (part.trim() === '' ? NaN : Number(part)));
  if ((numbers.length !== 4 && numbers.length !== 6) || !numbers.every(Number.isFinite)) {
    throw invalid('bbox', text('ogc.bbox_numbers', { got: raw }));
  }
  const [minLon, minLat, maxLon, maxLat] = numbers.length === 4 ? numbers : [numbers[0], numbers[1], numbers[3], numbers[4]];
  if (Math.abs(minLat) > 90 || Math.abs(maxLat) > 90 || Math.abs(minLon) > 180 || Math.abs(maxLon) > 180) {
    throw invalid('bbox', text('ogc.bbox_range', { got: raw }));
  }
  if (minLat > maxLat) throw invalid('bbox', text('ogc.bbox_lat_order', { minLat, maxLat }));
  if (minLon > maxLon) throw invalid('bbox', text('ogc.bbox_lon_order', { minLon, maxLon }));
  return [minLon, minLat, maxLon, maxLat];
}

/** One end of a datetime: the span it names, [start, end) — one millisecond, or a whole UTC day for a date. */
interface Span {
  start: Date;
  end: Date;
}

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})T?$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2})(?::(\d{2})(?::(\d{2})(\.\d+)?)?)?([Zz]|[+-]\d{2}:?\d{2})?$/;

function spanOf(raw: string): Span {
  const problem = text('ogc.datetime', { raw });
  const date = DATE.exec(raw);
  const time = date ? undefined : DATE_TIME.exec(raw);
  const parts = date ?? time;
  if (!parts) throw invalid('datetime', problem);
  const [year, month, day] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const [hour, minute, second] = time ? [Number(time[4]), Number(time[5] ?? 0), Number(time[6] ?? 0)] : [0, 0, 0];
  const millis = time?.[7] ? Math.floor(Number(`0${time[7]}`) * 1000) : 0;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const check = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (
    month < 1 || month > 12 || check.getUTCDate() !== day || check.getUTCMonth() !== month - 1 ||
    hour > 23 || minute > 59 || second > 59
  ) {
    throw invalid('datetime', problem);
  }
  if (!time) return { start: new Date(utc), end: new Date(utc + DAY_MS) };
  const zone = time[8];
  if (zone === undefined) throw invalid('datetime', text('ogc.datetime_zone', { raw }));
  let offsetMs = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const match = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    const [hours, minutes] = [Number(match[2]), Number(match[3])];
    if (hours > 23 || minutes > 59) throw invalid('datetime', problem);
    offsetMs = (match[1] === '-' ? -1 : 1) * (hours * 60 + minutes) * 60_000;
  }
  const start = utc - offsetMs;
  return { start: new Date(start), end: new Date(start + 1) };
}

/** `datetime`: an instant or a closed or half-open interval; [from, to) with either end open. */
interface TimeFilter {
  from?: Date;
  to?: Date;
}

function datetimeParam(req: Request): TimeFilter | undefined {
  const raw = single(req, 'datetime');
  if (raw === undefined) return undefined;
  const parts = raw.split('/');
  if (parts.length === 1) {
    if (raw === '..' || raw === '') throw invalid('datetime', text('ogc.instant_open'));
    const span = spanOf(raw);
    return { from: span.start, to: span.end };
  }
  if (parts.length !== 2) throw invalid('datetime', text('ogc.interval', { raw }));
  const open = (part: string) => part === '..' || part === '';
  const start = open(parts[0]) ? undefined : spanOf(parts[0]);
  const end = open(parts[1]) ? undefined : spanOf(parts[1]);
  if (start && end && start.start >= end.end) throw invalid('datetime', text('ogc.interval_order', { raw }));
  return { from: start?.start, to: end?.end };
}

/** A comma-separated list of allowed values. */
function listParam(req: Request, name: string, allowed: readonly string[]): string[] | undefined {
  const raw = single(req, name);
  if (raw === undefined) return undefined;
  const values = raw.split(',').map((value) => value.trim());
  const bad = values.find((value) => !allowed.includes(value));
  if (bad !== undefined) throw invalid(name, text('ogc.one_of', { got: bad, allowed }));
  return values;
}

function codeParam(req: Request, name: string, digits: 12 | 15): string | undefined {
  const raw = single(req, name);
  if (raw === undefined) return undefined;
  if (!new RegExp(`^\\d{${digits}}$`).test(raw)) {
    throw invalid(name, text(digits === 12 ? 'ogc.region_code' : 'ogc.grid_code', { got: raw }));
  }
  return raw;
}

function lightParam(req: Request): IncidentFilter['light'] {
  const raw = single(req, 'light');
  if (raw !== undefined && !(LIGHTS as readonly string[]).includes(raw)) throw invalid('light', text('ogc.light', { allowed: LIGHTS, got: raw }));
  return raw as IncidentFilter['light'];
}

/** `region=<12-digit code>` → the prefix that the codes of its subtree share. */
function regionPrefixParam(req: Request, name = 'region'): string | undefined {
  const code = codeParam(req, name, 12);
  if (code === undefined) return undefined;
  const level = levelOfRegionCode(code);
  if (!level) throw invalid(name, text('ogc.not_region', { code }));
  return regionPrefix(code, level);
}

// ── responses ───────────────────────────────────────────────────────────────────────────

interface Link {
  href: string;
  rel: string;
  type: string;
  title?: string;
}

function baseUrl(req: Request): string {
  return linkTo(req, req.baseUrl);
}

function sendJson(res: Response, body: unknown, type = JSON_TYPE): void {
  res.type(type).send(JSON.stringify(body));
}

function extentJson(extent: Extent) {
  const bbox = extent.bbox ?? [CHINA_EXTENT.minLon, CHINA_EXTENT.minLat, CHINA_EXTENT.maxLon, CHINA_EXTENT.maxLat];
  return {
    spatial: { bbox: [bbox], crs: CRS84 },
    ...(extent.interval
      ? { temporal: { interval: [[extent.interval[0]?.toISOString() ?? null, extent.interval[1]?.toISOString() ?? null]], trs: GREGORIAN } }
      : {}),
  };
}

const EXTENTS: Record<CollectionId, (store: Store) => Promise<Extent>> = {
  regions: (store) => regionsExtent(store.db),
  grids: (store) => gridsExtent(store.db),
  devices: (store) => devicesExtent(store.db),
  incidents: (store) => incidentsExtent(store.db),
};

/** Collections whose items a key of one area sees only in its area (grids and regions anyone who reads grids sees whole). */
const AREA_NARROWED: readonly CollectionId[] = ['devices', 'incidents'];

/**
 * Whether the caller may see where and when a collection's data lies: the catalogue is public,
 * but the extent of incidents or devices tells where things happen. A key that may read the
 * collection's items — of the whole tree, for the collections narrowed to a key's area — gets the
 * true extent; anyone else gets China's.
 */
function seesExtent(req: Request, id: CollectionId): boolean {
  const needs = requirementOf('GET', `/ogc/collections/${id}/items`);
  const principal = req.principal;
  if (principal === undefined || needs === undefined) return false;
  if (AREA_NARROWED.includes(id) && !coversEverything(req)) return false;
  return needs === 'public' || can(principal, needs);
}

async function collectionJson(req: Request, store: Store, base: string, id: CollectionId) {
  const info = COLLECTIONS[id];
  return {
    id,
    title: info.title,
    description: info.description,
    itemType: 'feature',
    crs: [CRS84],
    storageCrs: CRS84,
    extent: extentJson(seesExtent(req, id) ? await EXTENTS[id](store) : { bbox: null }),
    links: [
      { href: `${base}/collections/${id}`, rel: 'self', type: JSON_TYPE, title: 'This collection' },
      { href: `${base}/collections/${id}/items`, rel: 'items', type: GEOJSON_TYPE, title: `${info.title} (GeoJSON)` },
    ],
  };
}

interface FeatureOut {
  type: 'Feature';
  id: string | number;
  geometry: unknown;
  properties: object;
}

/** A page of features with its counts and links; `next` only while features remain. */
function sendItems(req: Request, res: Response, id: CollectionId, page: Page, total: number, features: FeatureOut[]): void {
  const base = baseUrl(req);
  const url = (offset: number) =>
    `${base}/collections/${id}/items${queryWithout(req, (query) => {
      query.set('limit', String(page.limit));
      if (offset > 0) query.set('offset', String(offset));
      else query.delete('offset');
    })}`;
  const links: Link[] = [
    { href: `${base}/collections/${id}/items${queryWithout(req)}`, rel: 'self', type: GEOJSON_TYPE, title: 'This page' },
    { href: `${base}/collections/${id}`, rel: 'collection', type: JSON_TYPE, title: 'The collection' },
  ];
  if (page.offset + features.length < total) links.push({ href: url(page.offset + page.limit), rel: 'next', type: GEOJSON_TYPE, title: 'Next page' });
  if (page.offset > 0) links.push({ href: url(Math.max(0, page.offset - page.limit)), rel: 'prev', type: GEOJSON_TYPE, title: 'Previous page' });
  res.set('Content-Crs', `<${CRS84}>`);
  sendJson(
    res,
    { type: 'FeatureCollection', numberMatched: total, numberReturned: features.length, timeStamp: new Date().toISOString(), links, features },
    GEOJSON_TYPE,
  );
}

function sendFeature(req: Request, res: Response, id: CollectionId, feature: FeatureOut): void {
  const base = baseUrl(req);
  res.set('Content-Crs', `<${CRS84}>`);
  sendJson(
    res,
    {
      ...feature,
      links: [
        { href: `${base}/collections/${id}/items/${encodeURIComponent(String(feature.id))}`, rel: 'self', type: GEOJSON_TYPE, title: 'This feature' },
        { href: `${base}/collections/${id}`, rel: 'collection', type: JSON_TYPE, title: 'The collection' },
      ],
    },
    GEOJSON_TYPE,
  );
}

// ── features ────────────────────────────────────────────────────────────────────────────

function deviceFeature(device: StoredDevice, gridCode: string | null): FeatureOut {
  return {
    type: 'Feature',
    id: device.id,
    geometry: pointOf(device.lon, device.lat),
    properties: {
      kind: device.kind,
      name: device.name,
      idScheme: device.idScheme,
      gridCode,
      centerRegion: device.centerRegion,
      heightM: device.heightM,
      heading: device.heading,
      fov: device.fov,
      rangeM: device.rangeM,
      ptz: device.ptz,
      sensorType: device.sensorType,
      version: device.version,
      createdAt: device.createdAt,
      updatedAt: device.updatedAt,
    },
  };
}

function incidentFeature(incident: OgcIncident, categoryNames: Map<string, string>): FeatureOut {
  const { id, lon, lat, ...properties } = incident;
  return {
    type: 'Feature',
    id,
    geometry: pointOf(lon, lat),
    properties: { ...properties, categoryName: categoryNames.get(incident.category) ?? null },
  };
}

function gridCodeAt(snapshot: LocatorSnapshot, lon: number, lat: number): string | null {
  const at = snapshot.index.locate(lon, lat);
  return at < 0 ? null : snapshot.grids[at].code;
}

// ── OpenAPI ─────────────────────────────────────────────────────────────────────────────

function openApi(base: string) {
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

// ── the router ──────────────────────────────────────────────────────────────────────────

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
    res.status(answerable.status).type(JSON_TYPE).send(JSON.stringify({ code: answerable.code, description: answerable.messageIn(lang) }));
    return;
  }
  recordInternalError(res, err);
  res.status(500).type(JSON_TYPE).send(JSON.stringify({ code: 'InternalError', description: translate(text('internal'), lang) }));
};

export function ogcRouter(store: Store, locator: GridLocator, incidents: IncidentService): Router {
  const router = apiRouter();

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
    });
  });

  router.get('/conformance', (req, res) => {
    checkParameters(req, ['f']);
    checkFormat(req);
    sendJson(res, { conformsTo: CONFORMANCE });
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
    });
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

    if (id === 'regions') {
      const parent = codeParam(req, 'parent', 12);
      const result = await regionPage(store.db, { bbox, levels: listParam(req, 'level', REGION_LEVELS), parentCode: parent }, page);
      sendItems(req, res, id, page, result.total, result.items);
      return;
    }

    if (id === 'grids') {
      const time = datetimeParam(req);
      // The grids in force at the last moment of the instant or interval; an open end is now.
      const asOf = time?.to ? new Date(time.to.getTime() - 1) : undefined;
      const result = await gridPage(store.db, { regionPrefix: regionPrefixParam(req), kinds: listParam(req, 'kind', GRID_KINDS), bbox, asOf }, page);
      sendItems(req, res, id, page, result.total, result.items);
      return;
    }

    if (id === 'devices') {
      const kinds = listParam(req, 'kind', ['camera', 'sensor']);
      const grid = codeParam(req, 'grid', 15);
      const prefix = scopedPrefix(req, regionPrefixParam(req));
      const [positions, snapshot] = await Promise.all([devicePositions(store.db, { kinds, bbox }), locator.live()]);
      const placed = positions
        .map((device) => ({ ...device, gridCode: gridCodeAt(snapshot, device.lon, device.lat) }))
        .filter((device) => (grid === undefined || device.gridCode === grid) && (prefix === undefined || devicePlace(device.gridCode, device.centerRegion).startsWith(prefix)));
      const shown = placed.slice(page.offset, page.offset + page.limit);
      const devices = shown.length ? await listDevices(store.db, { ids: shown.map((device) => device.id) }) : [];
      const gridCodes = new Map(shown.map((device) => [device.id, device.gridCode]));
      sendItems(req, res, id, page, placed.length, devices.map((device) => deviceFeature(device, gridCodes.get(device.id) ?? null)));
      return;
    }

    const categories = incidents.rules.categories;
    const time = datetimeParam(req);
    const filter: IncidentFilter = {
      statuses: listParam(req, 'status', INCIDENT_STATUSES) as IncidentFilter['statuses'],
      categories: listParam(req, 'category', categories.map((category) => category.code)),
      light: lightParam(req),
      gridCode: codeParam(req, 'grid', 15),
      regionPrefix: scopedPrefix(req, regionPrefixParam(req)),
      placePrefixes: scopedPlaces(req),
      from: time?.from,
      to: time?.to,
      bbox,
    };
    const result = await incidentPage(store.db, filter, page, incidents.clock.now());
    const names = new Map(categories.map((category) => [category.code, category.name]));
    sendItems(req, res, id, page, result.total, result.items.map((incident) => incidentFeature(incident, names)));
  });

  router.get('/collections/:collectionId/items/:featureId', async (req, res) => {
    const id = collectionOf(req);
    checkParameters(req, ['crs', 'f']);
    checkFormat(req);
    checkCrs(req, 'crs');
    const featureId = String(req.params.featureId);
    const missing = () => notFound('NotFound', text('ogc.no_feature', { id: featureId, collection: id }));

    if (id === 'regions') {
      if (!/^\d{12}$/.test(featureId)) throw missing();
      const { items } = await regionPage(store.db, { code: featureId }, { limit: 1, offset: 0 });
      if (!items.length) throw missing();
      sendFeature(req, res, id, items[0]);
      return;
    }
    if (id === 'grids') {
      if (!/^\d{15}$/.test(featureId)) throw missing();
      // The live grid: 404 for a code never issued, 410 for a retired grid (getGrid says when).
      sendFeature(req, res, id, await getGrid(store.db, featureId));
      return;
    }
    if (id === 'devices') {
      const [device] = await listDevices(store.db, { ids: [featureId] });
      // For a key of one area, an unknown id answers as one outside the area (outOfScopeId).
      if (!device) throw coversEverything(req) ? missing() : outOfScopeId(req, text('subject.device'), featureId);
      const snapshot = await locator.live();
      const gridCode = gridCodeAt(snapshot, device.lon, device.lat);
      assertVisible(req, devicePlace(gridCode, device.centerRegion), text('subject.device'), featureId);
      sendFeature(req, res, id, deviceFeature(device, gridCode));
      return;
    }
    if (!/^\d{1,15}$/.test(featureId)) throw missing();
    const incident = await ogcIncident(store.db, Number(featureId), incidents.clock.now());
    if (!incident) throw coversEverything(req) ? missing() : outOfScopeId(req, text('subject.incident'), featureId);
    assertVisible(req, incidentPlace(incident), text('subject.incident'), featureId);
    const names = new Map(incidents.rules.categories.map((category) => [category.code, category.name]));
    sendFeature(req, res, id, incidentFeature(incident, names));
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
