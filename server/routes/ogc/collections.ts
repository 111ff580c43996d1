/**
 * The OGC API's fixed parts: media types, the CRS it serves (CRS84), paging bounds, its
 * conformance classes, and the four collections with their own filters (described once, for the
 * collection documents and the OpenAPI description alike).
 */
import { GRID_KINDS, REGION_LEVELS } from '../../geo/codes.js';
import { INCIDENT_STATUSES } from '../../incidents/states.js';
import { LIGHTS } from '../../incidents/light.js';

export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
export const CRS84_NAMES = new Set([CRS84, 'https://www.opengis.net/def/crs/OGC/1.3/CRS84', '[OGC:CRS84]', 'OGC:CRS84']);
export const GREGORIAN = 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian';
export const JSON_TYPE = 'application/json';
export const GEOJSON_TYPE = 'application/geo+json';
export const OPENAPI_TYPE = 'application/vnd.oai.openapi+json;version=3.0';
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 10_000;
export const MAX_OFFSET = 100_000_000;

export const CONFORMANCE = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
];

export type CollectionId = 'regions' | 'grids' | 'devices' | 'incidents';

export interface FilterParam {
  name: string;
  description: string;
  enum?: readonly string[];
  pattern?: string;
}

export interface CollectionInfo {
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

export const COLLECTIONS: Record<CollectionId, CollectionInfo> = {
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

export const COLLECTION_IDS = Object.keys(COLLECTIONS) as CollectionId[];
export const isCollectionId = (value: string): value is CollectionId => (COLLECTION_IDS as string[]).includes(value);
