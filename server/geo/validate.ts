/**
 * Structural checks of incoming GeoJSON, before anything reaches the database: the right
 * type, finite numbers, ring closure (geojson-validation), vertex limits, and China's extent.
 * Geometric validity (self-intersections…) is left to PostGIS' ST_IsValid so that the
 * embedded and server backends judge it with one and the same GEOS.
 */
import gjv from 'geojson-validation';
import type { Geometry, MultiPolygon, Polygon, Position } from 'geojson';

export interface Problem {
  code: string;
  message: string;
  details?: unknown;
}

export type Polygonal = Polygon | MultiPolygon;

/** China's extent with a margin (Zengmu Ansha ≈ 3.9°N, Mohe ≈ 53.6°N, Pamirs ≈ 73.4°E, Fuyuan ≈ 135.1°E). */
export const CHINA_EXTENT = { minLon: 73.0, maxLon: 135.5, minLat: 3.5, maxLat: 54.0 } as const;

export function insideChinaExtent([lon, lat]: Position): boolean {
  return lon >= CHINA_EXTENT.minLon && lon <= CHINA_EXTENT.maxLon && lat >= CHINA_EXTENT.minLat && lat <= CHINA_EXTENT.maxLat;
}

/**
 * Why a coordinate pair given as [lon, lat] cannot be a place in China, or undefined when it
 * can. A pair that only fits the other way round is named as swapped, to say what went wrong.
 */
export function coordinateProblem(lon: unknown, lat: unknown): Problem | undefined {
  if (typeof lon !== 'number' || typeof lat !== 'number' || !Number.isFinite(lon) || !Number.isFinite(lat)) {
    return { code: 'invalid_coordinates', message: `lon and lat must be finite numbers, got ${JSON.stringify([lon, lat])}` };
  }
  if (insideChinaExtent([lon, lat])) return undefined;
  if (insideChinaExtent([lat, lon])) {
    return { code: 'swapped_coordinates', message: `[${lon}, ${lat}] is outside China; it looks like [lat, lon] — give lon first` };
  }
  return {
    code: 'outside_china',
    message: `[${lon}, ${lat}] is outside China's extent (lon ${CHINA_EXTENT.minLon}–${CHINA_EXTENT.maxLon}, lat ${CHINA_EXTENT.minLat}–${CHINA_EXTENT.maxLat})`,
  };
}

/**
 * The problems geojson-validation finds (its trace), run so that its own crashes count as one:
 * it throws on some malformed coordinates (an empty ring) instead of tracing them.
 */
export function geojsonTrace(check: () => string[]): string[] {
  try {
    return check();
  } catch {
    return ['malformed coordinates'];
  }
}

/** Every position of a geometry, in order (rings and parts flattened). */
export function* positionsOf(geometry: Geometry): Generator<Position> {
  switch (geometry.type) {
    case 'Point':
      yield geometry.coordinates;
      return;
    case 'MultiPoint':
    case 'LineString':
      yield* geometry.coordinates;
      return;
    case 'MultiLineString':
    case 'Polygon':
      for (const line of geometry.coordinates) yield* line;
      return;
    case 'MultiPolygon':
      for (const polygon of geometry.coordinates) for (const ring of polygon) yield* ring;
      return;
    case 'GeometryCollection':
      for (const member of geometry.geometries) yield* positionsOf(member);
  }
}

export function countVertices(geometry: Geometry): number {
  let n = 0;
  for (const _ of positionsOf(geometry)) n++;
  return n;
}

/**
 * Where a geometry leaves China, or undefined when every position is inside.
 * A geometry whose positions all fit once swapped is reported as swapped lat/lon,
 * the commonest mistake of callers that think in (lat, lon).
 */
export function chinaExtentProblem(geometry: Geometry): Problem | undefined {
  let firstOutside: Position | undefined;
  let allFitSwapped = true;
  for (const position of positionsOf(geometry)) {
    if (insideChinaExtent(position)) continue;
    firstOutside ??= position;
    if (!insideChinaExtent([position[1], position[0]])) allFitSwapped = false;
  }
  if (!firstOutside) return undefined;
  const [lon, lat] = firstOutside;
  if (allFitSwapped) {
    return {
      code: 'swapped_coordinates',
      message: `Position [${lon}, ${lat}] is outside China; it looks like [lat, lon] — GeoJSON positions are [lon, lat]`,
      details: { position: firstOutside },
    };
  }
  return {
    code: 'outside_china',
    message: `Position [${lon}, ${lat}] is outside China's extent (lon ${CHINA_EXTENT.minLon}–${CHINA_EXTENT.maxLon}, lat ${CHINA_EXTENT.minLat}–${CHINA_EXTENT.maxLat})`,
    details: { position: firstOutside, extent: CHINA_EXTENT },
  };
}

/** A position that is not 2 or 3 finite numbers (RFC 7946: no more than three). */
function badPosition(geometry: Geometry): Position | undefined {
  for (const position of positionsOf(geometry)) {
    if (position.length > 3 || !position.every(Number.isFinite)) return position;
  }
  return undefined;
}

export interface PolygonalCheckOptions {
  maxVertices: number;
}

/**
 * Checks that `geometry` is a structurally valid Polygon or MultiPolygon inside China with at
 * most `maxVertices` positions. Returns the geometry, typed, or the problems found.
 */
export function checkPolygonal(
  geometry: unknown,
  { maxVertices }: PolygonalCheckOptions,
): { geometry: Polygonal; problems?: undefined } | { geometry?: undefined; problems: Problem[] } {
  if (geometry === null || typeof geometry !== 'object') {
    return { problems: [{ code: 'invalid_geojson', message: 'geometry must be a GeoJSON Polygon or MultiPolygon object' }] };
  }
  const type = (geometry as { type?: unknown }).type;
  if (type !== 'Polygon' && type !== 'MultiPolygon') {
    return {
      problems: [{ code: 'wrong_geometry_type', message: `geometry must be a Polygon or MultiPolygon, got ${JSON.stringify(type)}` }],
    };
  }
  const trace = geojsonTrace(() => (type === 'Polygon' ? gjv.isPolygon(geometry, true) : gjv.isMultiPolygon(geometry, true)));
  if (trace.length > 0) {
    return { problems: [{ code: 'invalid_geojson', message: `Invalid ${type}: ${trace.join('; ')}`, details: { trace } }] };
  }
  const typed = geometry as Polygonal;
  const polygons = typed.type === 'Polygon' ? [typed.coordinates] : typed.coordinates;
  if (polygons.length === 0 || polygons.some((rings) => rings.length === 0)) {
    return { problems: [{ code: 'invalid_geojson', message: `Empty ${type}: every polygon needs an outer ring` }] };
  }
  const bad = badPosition(typed);
  if (bad) {
    const message = bad.length > 3 ? `has ${bad.length} numbers; a position is [lon, lat] or [lon, lat, height]` : 'has a non-finite number';
    return { problems: [{ code: 'invalid_geojson', message: `Position ${JSON.stringify(bad)} ${message}` }] };
  }
  const vertices = countVertices(typed);
  if (vertices > maxVertices) {
    return {
      problems: [
        { code: 'too_many_vertices', message: `Geometry has ${vertices} vertices; the limit is ${maxVertices}`, details: { vertices, limit: maxVertices } },
      ],
    };
  }
  const outside = chinaExtentProblem(typed);
  if (outside) return { problems: [outside] };
  return { geometry: typed };
}

/** A GeoJSON Feature's members, checked only for shape (properties is an object or null). */
export function featureShapeProblem(value: unknown): Problem | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { code: 'invalid_geojson', message: 'Expected a GeoJSON Feature object' };
  }
  const feature = value as { type?: unknown; properties?: unknown };
  if (feature.type !== 'Feature') {
    return { code: 'invalid_geojson', message: `Expected "type": "Feature", got ${JSON.stringify(feature.type)}` };
  }
  if (feature.properties !== null && (typeof feature.properties !== 'object' || Array.isArray(feature.properties))) {
    return { code: 'invalid_geojson', message: 'Feature "properties" must be an object' };
  }
  return undefined;
}
