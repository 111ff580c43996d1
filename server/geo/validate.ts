/**
 * Structural checks of incoming GeoJSON, before anything reaches the database: the right
 * type, finite numbers, ring closure (geojson-validation), vertex limits, and China's extent.
 * Geometric validity (self-intersections…) is left to PostGIS' ST_IsValid so that the
 * embedded and server backends judge it with one and the same GEOS.
 */
import gjv from 'geojson-validation';
import type { Geometry, MultiPolygon, Polygon, Position } from 'geojson';
import { shown, text, type MessageKey, type Text } from '../i18n/catalogue.js';

/** Why an input is refused: a stable code, a message from the catalogue, and what it is about. */
export interface Problem {
  code: string;
  message: Text;
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
    return { code: 'invalid_coordinates', message: text('invalid_coordinates.not_numbers', { got: shown([lon, lat]) }) };
  }
  if (insideChinaExtent([lon, lat])) return undefined;
  if (insideChinaExtent([lat, lon])) {
    return { code: 'swapped_coordinates', message: text('swapped_coordinates.point', { lon, lat }) };
  }
  return { code: 'outside_china', message: text('outside_china.point', { lon, lat, ...CHINA_EXTENT }) };
}

/** geojson-validation's trace lines, in words of the catalogue (the rare others as they are). */
const TRACE_WORDS: [RegExp, MessageKey][] = [
  [/first and last positions must be equivalent/, 'geojson_trace.ring_not_closed'],
  [/at least four positions/, 'geojson_trace.ring_too_short'],
  [/coordinates must have at least two/, 'geojson_trace.line_too_short'],
  [/Position must be at least two/, 'geojson_trace.position_too_short'],
  [/Position must only contain numbers/, 'geojson_trace.position_not_numbers'],
  [/must be an array/, 'geojson_trace.not_array'],
  [/name "coordinates"/, 'geojson_trace.no_coordinates'],
];

/** GEOS' validity reasons (ST_IsValidReason, "Self-intersection[119.3 26.08]") in words. */
const VALIDITY_WORDS: [RegExp, MessageKey][] = [
  [/^Ring Self-intersection/i, 'geos.ring_self_intersection'],
  [/^Self-intersection/i, 'geos.self_intersection'],
  [/^Too few points/i, 'geos.too_few_points'],
  [/^Hole lies outside shell/i, 'geos.hole_outside_shell'],
  [/^Holes are nested/i, 'geos.nested_holes'],
  [/^Nested shells/i, 'geos.nested_shells'],
  [/^Interior is disconnected/i, 'geos.disconnected_interior'],
  [/^Duplicate Rings/i, 'geos.duplicate_rings'],
  [/^Invalid Coordinate/i, 'geos.invalid_coordinate'],
  [/^Ring is not closed/i, 'geos.ring_not_closed'],
];

/** A validity reason as a Text with its point (`at`); one GEOS words in a way not known here, in its own words. */
export function validityReason(reason: string): Text {
  const known = VALIDITY_WORDS.find(([pattern]) => pattern.test(reason));
  if (!known) return text('geos.other', { reason });
  const at = /\[[^\]]*\]\s*$/.exec(reason)?.[0];
  return text(known[1], { at: at ? ` ${at}` : '' });
}

/** One line of geojson-validation's trace as a Text. */
export function traceText(line: string): Text {
  const known = TRACE_WORDS.find(([pattern]) => pattern.test(line));
  return known ? text(known[1]) : text('geojson_trace.other', { trace: line });
}

/**
 * The problems geojson-validation finds (its trace), run so that its own crashes count as one:
 * it throws on some malformed coordinates (an empty ring) instead of tracing them.
 */
export function geojsonTrace(check: () => string[]): Text[] {
  let trace: string[];
  try {
    trace = check();
  } catch {
    return [text('geojson_trace.malformed')];
  }
  // The same line for every ring says one thing once.
  return [...new Set(trace)].map(traceText);
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
    return { code: 'swapped_coordinates', message: text('swapped_coordinates.position', { lon, lat }), details: { position: firstOutside } };
  }
  return {
    code: 'outside_china',
    message: text('outside_china.position', { lon, lat, ...CHINA_EXTENT }),
    details: { position: firstOutside, extent: CHINA_EXTENT },
  };
}

/** More vertices than a limit allows (one geometry, or all of a request's). */
export function tooManyVertices(vertices: number, limit: number): Problem {
  return { code: 'too_many_vertices', message: text('too_many_vertices', { vertices, limit }), details: { vertices, limit } };
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
    return { problems: [{ code: 'invalid_geojson', message: text('invalid_geojson.geometry_object') }] };
  }
  const type = (geometry as { type?: unknown }).type;
  if (type !== 'Polygon' && type !== 'MultiPolygon') {
    return { problems: [{ code: 'wrong_geometry_type', message: text('wrong_geometry_type.polygonal', { got: shown(type) }) }] };
  }
  const trace = geojsonTrace(() => (type === 'Polygon' ? gjv.isPolygon(geometry, true) : gjv.isMultiPolygon(geometry, true)));
  if (trace.length > 0) {
    return { problems: [{ code: 'invalid_geojson', message: text('invalid_geojson.trace', { type, trace }), details: { trace } }] };
  }
  const typed = geometry as Polygonal;
  const polygons = typed.type === 'Polygon' ? [typed.coordinates] : typed.coordinates;
  if (polygons.length === 0 || polygons.some((rings) => rings.length === 0)) {
    return { problems: [{ code: 'invalid_geojson', message: text('invalid_geojson.empty', { type }) }] };
  }
  const bad = badPosition(typed);
  if (bad) {
    const position = JSON.stringify(bad);
    const message = bad.length > 3 ? text('invalid_geojson.position_length', { position, count: bad.length }) : text('invalid_geojson.position_not_finite', { position });
    return { problems: [{ code: 'invalid_geojson', message }] };
  }
  const vertices = countVertices(typed);
  if (vertices > maxVertices) {
    return { problems: [tooManyVertices(vertices, maxVertices)] };
  }
  const outside = chinaExtentProblem(typed);
  if (outside) return { problems: [outside] };
  return { geometry: typed };
}

/** A GeoJSON Feature's members, checked only for shape (properties is an object or null). */
export function featureShapeProblem(value: unknown): Problem | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { code: 'invalid_geojson', message: text('invalid_geojson.not_feature') };
  }
  const feature = value as { type?: unknown; properties?: unknown };
  if (feature.type !== 'Feature') {
    return { code: 'invalid_geojson', message: text('invalid_geojson.feature_type', { got: shown(feature.type) }) };
  }
  if (feature.properties !== null && (typeof feature.properties !== 'object' || Array.isArray(feature.properties))) {
    return { code: 'invalid_geojson', message: text('invalid_geojson.properties') };
  }
  return undefined;
}
