/**
 * A GeoJSON import file → source features: a FeatureCollection (or one Feature, or a bare
 * geometry). An old-style (2008) `crs` member naming a CRS, as QGIS writes for non-WGS84
 * layers, is returned for the caller to honour. Pure.
 */
import type { Geometry } from 'geojson';
import { fileError, type RowProblem, type SourceFeature } from './source.js';
import { shown, text as msg } from '../i18n/catalogue.js';

export interface GeoJsonContent {
  features: SourceFeature[];
  problems: RowProblem[];
  fields: string[];
  /** The `crs` member's name (e.g. "urn:ogc:def:crs:EPSG::4528"), when there is one. */
  crsName?: string;
}

const GEOMETRY_TYPES = ['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection'];

export function readGeoJson(text: string): GeoJsonContent {
  let body: unknown;
  try {
    body = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw fileError('invalid_json', msg('invalid_json.file', { detail: (error as Error).message }));
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw fileError('invalid_geojson', msg('invalid_geojson.expected_collection'));
  const object = body as { type?: unknown; features?: unknown; crs?: { properties?: { name?: unknown } } };
  let items: unknown[];
  if (object.type === 'FeatureCollection') {
    if (!Array.isArray(object.features)) throw fileError('invalid_geojson', msg('invalid_geojson.no_features'));
    items = object.features;
  } else if (object.type === 'Feature') {
    items = [object];
  } else if (typeof object.type === 'string' && GEOMETRY_TYPES.includes(object.type)) {
    items = [{ type: 'Feature', geometry: object, properties: {} }];
  } else {
    throw fileError('invalid_geojson', msg('invalid_geojson.collection_type', { got: shown(object.type) }));
  }
  const crsName = typeof object.crs?.properties?.name === 'string' ? object.crs.properties.name : undefined;
  const features: SourceFeature[] = [];
  const problems: RowProblem[] = [];
  const fields = new Set<string>();
  items.forEach((item, i) => {
    const row = i + 1;
    const feature = item as { type?: unknown; geometry?: unknown; properties?: unknown };
    if (item === null || typeof item !== 'object' || feature.type !== 'Feature') {
      problems.push({ row, code: 'invalid_geojson', message: msg('invalid_geojson.feature_row', { row }) });
      return;
    }
    const properties = feature.properties ?? {};
    if (typeof properties !== 'object' || Array.isArray(properties)) {
      problems.push({ row, code: 'invalid_geojson', message: msg('invalid_geojson.feature_properties', { row }) });
      return;
    }
    const geometry = (feature.geometry ?? null) as Geometry | null;
    if (geometry !== null && (typeof geometry !== 'object' || !GEOMETRY_TYPES.includes((geometry as { type?: string }).type ?? ''))) {
      problems.push({ row, code: 'invalid_geojson', message: msg('invalid_geojson.feature_geometry', { row, got: shown((geometry as { type?: unknown })?.type) }) });
      return;
    }
    for (const key of Object.keys(properties)) fields.add(key);
    features.push({ row, geometry, properties: properties as Record<string, unknown> });
  });
  return { features, problems, fields: [...fields], crsName };
}
