/**
 * A region's reference lines as GeoJSON comes in: roads, rivers, railways and ridges (lines) and
 * water areas (polygons) that grid borders should follow. Checked here, before the database;
 * every problem is reported so that the route can refuse the whole file at once.
 */
import type { Feature, Geometry, LineString, MultiLineString, Position } from 'geojson';
import gjv from 'geojson-validation';
import { toWgs84, type CrsName } from './crs.js';
import { chinaExtentProblem, checkPolygonal, countVertices, geojsonTrace, type Polygonal, type Problem } from './validate.js';
import { shown, text, type Text } from '../i18n/catalogue.js';
import type { BarrierKind } from './divide/types.js';
import type { SkippedBarriers } from './divide/proposal-types.js';
import { BARRIER_KEYS, pointSkipLabel, readBarrierKind, skipTally } from './barrier-kinds.js';
import { underground } from './divide/input.js';
import { LINE_KINDS, ROAD_CLASSES, type LineKind, type RoadClass } from './line-kinds.js';
export { LINE_KINDS, ROAD_CLASSES, type LineKind, type RoadClass };


/** How many lines and vertices one write may hold (the service passes its GRIDGOV_MAX_* limits). */
export interface LineLimits {
  batchFeatures: number;
  featureVertices: number;
  batchVertices: number;
}

export interface ReferenceLine {
  /** Its position in the request's features (some may be left out), to name it in a refusal. */
  feature: number;
  kind: LineKind;
  roadClass: RoadClass | null;
  name: string | null;
  /** The feature's other properties, kept as given. */
  properties: Record<string, unknown>;
  geometry: LineString | MultiLineString | Polygonal;
}

/** The division's barrier kind of a stored line (see server/geo/divide/aggregate.ts for their weights). */
export function barrierKindOf(kind: LineKind, roadClass: RoadClass | null): BarrierKind {
  switch (kind) {
    case 'road':
      return roadClass === 'minor' ? 'minor_road' : roadClass === 'path' ? 'path' : 'major_road';
    case 'railway':
      return 'rail';
    default:
      return kind;
  }
}

/** A division barrier kind → the stored line's kind and class (water by its shape: an area or a line). */
function storedKindOf(kind: BarrierKind, polygonal: boolean): { kind: LineKind; roadClass: RoadClass | null } {
  switch (kind) {
    case 'major_road':
      return { kind: 'road', roadClass: 'major' };
    case 'minor_road':
      return { kind: 'road', roadClass: 'minor' };
    case 'path':
      return { kind: 'road', roadClass: 'path' };
    case 'rail':
      return { kind: 'railway', roadClass: null };
    case 'river':
    case 'water':
      return { kind: polygonal ? 'water' : 'river', roadClass: null };
    default:
      return { kind, roadClass: null };
  }
}

/** A polygon's rings as lines: the edge of a walled compound or a pedestrian square is the line on the ground. */
function outlineOf(geometry: Polygonal): MultiLineString {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return { type: 'MultiLineString', coordinates: polygons.flat() };
}

function checkLinear(geometry: Geometry, maxVertices: number): Problem | undefined {
  const trace = geojsonTrace(() => (geometry.type === 'LineString' ? gjv.isLineString(geometry, true) : gjv.isMultiLineString(geometry, true)));
  if (trace.length > 0) return { code: 'invalid_geojson', message: text('invalid_geojson.trace', { type: geometry.type, trace }) };
  const lines = geometry.type === 'LineString' ? [geometry.coordinates] : (geometry as MultiLineString).coordinates;
  if (lines.length === 0 || lines.some((line) => line.length < 2)) {
    return { code: 'invalid_geojson', message: text('invalid_geojson.line_too_short') };
  }
  if (lines.some((line) => line.some((p) => !p.every(Number.isFinite)))) return { code: 'invalid_geojson', message: text('invalid_geojson.not_finite') };
  if (lines.some((line) => line.every((p) => p[0] === line[0][0] && p[1] === line[0][1]))) {
    return { code: 'invalid_geometry', message: text('invalid_geometry.zero_length') };
  }
  const vertices = countVertices(geometry);
  if (vertices > maxVertices) return { code: 'too_many_vertices', message: text('too_many_vertices.line', { vertices, limit: maxVertices }) };
  return chinaExtentProblem(geometry);
}

function mapPositions<G extends Geometry>(geometry: G, f: (p: Position) => Position): G {
  const walk = (value: unknown): unknown =>
    Array.isArray(value) && typeof value[0] === 'number' ? f(value as Position) : Array.isArray(value) ? value.map(walk) : value;
  return { ...geometry, coordinates: walk((geometry as { coordinates: unknown }).coordinates) } as G;
}

/**
 * A FeatureCollection of reference lines → the lines, in WGS84, and the features left out (points,
 * values that divide nothing, tunnels), or every problem found. Each feature either speaks
 * gridgov's vocabulary — `properties.kind` (road, river, railway, ridge: a LineString or MultiLineString;
 * water: a Polygon or MultiPolygon), optional `name`, and for roads an optional `class` — or any
 * vocabulary the division's barriers take (server/geo/barrier-kinds.ts: OSM tags, Tilezen kinds,
 * Chinese words), stored as the nearest kind: highway=primary → road/major, waterway=canal → river,
 * barrier=wall → wall, natural=water → water.
 */
export function parseReferenceLines(
  value: unknown,
  limits: LineLimits,
  crs: CrsName = 'wgs84',
): { lines: ReferenceLine[]; skipped: SkippedBarriers; problems: Problem[] } {
  const problems: Problem[] = [];
  const lines: ReferenceLine[] = [];
  const { skipped, skip } = skipTally();
  const fc = value as { type?: unknown; features?: unknown };
  if (value === null || typeof value !== 'object' || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    return { lines, skipped, problems: [{ code: 'invalid_geojson', message: text('invalid_geojson.lines_collection') }] };
  }
  const features = fc.features as Feature[];
  if (features.length > limits.batchFeatures) {
    return { lines, skipped, problems: [{ code: 'batch_too_large', message: text('batch_too_large.features', { count: features.length, limit: limits.batchFeatures }) }] };
  }
  let total = 0;
  features.forEach((feature, index) => {
    const where = `features[${index}]`;
    const at = (message: Text) => text('problem.at', { where, message });
    const trace = geojsonTrace(() => gjv.isFeature(feature, true));
    if (trace.length > 0) return void problems.push({ code: 'invalid_geojson', message: at(text('invalid_geojson.trace', { type: 'Feature', trace })) });
    const properties = { ...((feature.properties ?? {}) as Record<string, unknown>) };
    const native = (LINE_KINDS as readonly unknown[]).includes(properties.kind);
    // gridgov's own kinds, checked strictly: a class belongs to roads only and is one of ROAD_CLASSES
    // (a river with a class, or class 5, is a mistake worth naming rather than a major road).
    const badClass = properties.kind !== 'road' || !(ROAD_CLASSES as readonly unknown[]).includes(properties.class);
    if (native && properties.class != null && badClass) {
      return void problems.push({ code: 'invalid_property', message: at(text('invalid_property.road_class', { allowed: ROAD_CLASSES })) });
    }
    // Every vocabulary through the division's one table (gridgov's kinds, OSM tags and ogr2ogr's
    // other_tags, Tilezen kinds, 主干道/河流/围墙 …), so that a file the division takes is stored too.
    const reading = readBarrierKind(properties);
    let geometry = feature.geometry;
    const type = geometry?.type;
    if (type === 'Point' || type === 'MultiPoint') return skip(pointSkipLabel(reading));
    if ('unknown' in reading) {
      return void problems.push({
        code: 'invalid_property',
        message: at(text('invalid_property.line_value', { allowed: LINE_KINDS, got: shown(reading.label === 'kind' ? reading.value : reading.label), keys: BARRIER_KEYS.slice(1) })),
      });
    }
    if ('skip' in reading) return skip(reading.label);
    if (underground(properties)) return skip('tunnel');
    if (!type || !['LineString', 'MultiLineString', 'Polygon', 'MultiPolygon'].includes(type)) {
      return void problems.push({ code: 'wrong_geometry_type', message: at(text('wrong_geometry_type.barrier')) });
    }
    const name = properties.name ?? null;
    if (name !== null && (typeof name !== 'string' || name.length > 200)) {
      return void problems.push({ code: 'invalid_property', message: at(text('invalid_property.line_name')) });
    }
    const polygonal = type === 'Polygon' || type === 'MultiPolygon';
    const { kind, roadClass } = storedKindOf(reading.kind, polygonal);
    // Closed ways with area tags come as polygons (an OSM export's multipolygons layer); a road
    // area or a walled yard drawn so bounds by its outline. Only water is kept as an area.
    if (polygonal && kind !== 'water') geometry = outlineOf(geometry as Polygonal);
    const problem = kind === 'water' ? checkPolygonal(geometry, { maxVertices: limits.featureVertices }).problems?.[0] : checkLinear(geometry, limits.featureVertices);
    if (problem) return void problems.push({ ...problem, message: at(problem.message) });
    total += countVertices(geometry);
    // The kind and class are columns; a foreign vocabulary's own tags stay among the properties.
    if (native) {
      delete properties.kind;
      delete properties.class;
    }
    delete properties.name;
    lines.push({
      feature: index,
      kind,
      roadClass,
      name: name as string | null,
      properties,
      geometry: (crs === 'wgs84' || crs === 'cgcs2000' ? geometry : mapPositions(geometry, ([lon, lat]) => toWgs84(lon, lat, crs))) as ReferenceLine['geometry'],
    });
  });
  if (total > limits.batchVertices) {
    problems.push({ code: 'too_many_vertices', message: text('too_many_vertices.total', { vertices: total, limit: limits.batchVertices }) });
  }
  return { lines, skipped, problems };
}
