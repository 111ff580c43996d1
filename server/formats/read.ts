/**
 * An import file of any supported format → WGS84 GeoJSON features with their properties and
 * row numbers, the problems of the rows that could not be read, and what was decided on the
 * way (format, CRS and where it came from, text encoding). Pure: bytes in, features out.
 *
 * The CRS is, in order: the `crs` the caller gave; the file's own (.prj, GeoJSON `crs`, EWKT
 * SRID); a guess from the coordinates (degrees → WGS84; 8-digit eastings → the Gauss–Krüger
 * zone of their prefix), which the report states as an assumption.
 */
import type { Geometry, Position } from 'geojson';
import { CrsError, describeProjection, guessProjection, projectionByName, projectionFromPrj, type Projection, type XY } from '../geo/projection.js';
import { positionsOf } from '../geo/validate.js';
import { readCsv } from './csv.js';
import type { EncodingChoice } from './encoding.js';
import { readGeoJson } from './geojson.js';
import { readShapefile, unzipShapefile } from './shapefile.js';
import { FileError, fileError, type RowProblem, type SourceFeature } from './source.js';
import { TextError, text as msg, type Text } from '../i18n/catalogue.js';

export type SourceFormat = 'shapefile' | 'geojson' | 'csv';

export interface CrsReport {
  name: string;
  epsg: number | null;
  source: 'parameter' | 'prj' | 'geojson' | 'wkt' | 'guessed';
  /** The assumption made, or a conflict noticed (e.g. crs parameter vs .prj). */
  note?: Text;
}

export interface SourceData {
  format: SourceFormat;
  /** Layer name: the .shp's base name or the file name. */
  name: string;
  /** WGS84. */
  features: SourceFeature[];
  problems: RowProblem[];
  fields: string[];
  crs: CrsReport;
  encoding?: EncodingChoice & { cpg?: string };
  notes: Text[];
}

export interface ReadOptions {
  fileName?: string;
  /** A CRS name or EPSG code that overrides the file's own. */
  crs?: string;
  /** A text encoding that overrides the .cpg / detection. */
  encoding?: string;
  /** The most bytes a zip's members may inflate to. */
  maxInflatedBytes?: number;
}

function formatOf(bytes: Uint8Array, fileName: string | undefined): SourceFormat {
  const extension = /\.([^.]+)$/.exec(fileName ?? '')?.[1]?.toLowerCase();
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return 'shapefile';
  if (extension === 'zip') return 'shapefile';
  if (extension === 'shp' || extension === 'dbf' || extension === 'shx') {
    throw new FileError(415, 'unsupported_format', msg('unsupported_format.shapefile_part', { extension }));
  }
  if (extension === 'geojson' || extension === 'json') return 'geojson';
  if (extension === 'csv' || extension === 'txt' || extension === 'tsv') return 'csv';
  const first = Buffer.from(bytes.subarray(0, 64)).toString('utf8').replace(/^\uFEFF/, '').trimStart()[0];
  if (first === '{') return 'geojson';
  if (extension && !['', 'dat'].includes(extension)) {
    throw new FileError(415, 'unsupported_format', msg('unsupported_format.extension', { extension }));
  }
  return 'csv';
}

function crsFailure(error: unknown): never {
  if (error instanceof CrsError) {
    throw new FileError(error.code === 'invalid_crs' ? 400 : 422, error.code, error.text);
  }
  throw error;
}

function sample(features: SourceFeature[], limit = 200): XY[] {
  const points: XY[] = [];
  for (const feature of features) {
    if (!feature.geometry) continue;
    for (const position of positionsOf(feature.geometry)) {
      if (Number.isFinite(position[0]) && Number.isFinite(position[1])) points.push([position[0], position[1]]);
      break;
    }
    if (points.length >= limit) break;
  }
  return points;
}

function resolveCrs(options: ReadOptions, own: { text?: string; source: 'prj' | 'geojson' | 'wkt' } | undefined, features: SourceFeature[]): { projection: Projection; report: CrsReport } {
  let fromFile: Projection | undefined;
  let fileProblem: unknown;
  if (own?.text !== undefined) {
    try {
      fromFile = own.source === 'prj' ? projectionFromPrj(own.text) : projectionByName(own.text);
    } catch (error) {
      fileProblem = error;
    }
  }
  if (options.crs !== undefined && options.crs.trim() !== '') {
    let projection: Projection;
    try {
      projection = projectionByName(options.crs);
    } catch (error) {
      crsFailure(error);
    }
    const report: CrsReport = { name: projection.name, epsg: projection.epsg, source: 'parameter' };
    if (fromFile && fromFile.name !== projection.name) report.note = msg('crs.note_overridden', { file: describeProjection(fromFile), given: describeProjection(projection) });
    else if (fileProblem instanceof Error) report.note = msg('crs.note_unusable', { reason: fileProblem instanceof TextError ? fileProblem.text : fileProblem.message });
    return { projection, report };
  }
  if (fileProblem) crsFailure(fileProblem);
  if (fromFile && own) return { projection: fromFile, report: { name: fromFile.name, epsg: fromFile.epsg, source: own.source } };
  let guess;
  try {
    guess = guessProjection(sample(features));
  } catch (error) {
    crsFailure(error);
  }
  return { projection: guess.projection, report: { name: guess.projection.name, epsg: guess.projection.epsg, source: 'guessed', note: guess.assumption } };
}

/** Maps every position; undefined when one does not project to finite numbers. */
function project(geometry: Geometry, projection: Projection): Geometry | undefined {
  let ok = true;
  const position = (p: Position): Position => {
    if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
      ok = false;
      return p;
    }
    const [lon, lat] = projection.toWgs84(p[0], p[1]);
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) ok = false;
    return [lon, lat];
  };
  const map = (g: Geometry): Geometry => {
    switch (g.type) {
      case 'Point':
        return { type: 'Point', coordinates: position(g.coordinates) };
      case 'MultiPoint':
      case 'LineString':
        return { type: g.type, coordinates: g.coordinates.map(position) } as Geometry;
      case 'MultiLineString':
      case 'Polygon':
        return { type: g.type, coordinates: g.coordinates.map((line) => line.map(position)) } as Geometry;
      case 'MultiPolygon':
        return { type: 'MultiPolygon', coordinates: g.coordinates.map((polygon) => polygon.map((ring) => ring.map(position))) };
      case 'GeometryCollection':
        return { type: 'GeometryCollection', geometries: g.geometries.map(map) };
    }
  };
  if (!Array.isArray((geometry as { coordinates?: unknown }).coordinates) && geometry.type !== 'GeometryCollection') return undefined;
  try {
    const out = map(geometry);
    return ok ? out : undefined;
  } catch {
    return undefined;
  }
}

export function readSourceFile(bytes: Uint8Array, options: ReadOptions = {}): SourceData {
  if (bytes.length === 0) throw fileError('empty_file', msg('empty_file'));
  const format = formatOf(bytes, options.fileName);
  const baseName = (options.fileName ?? 'upload').replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '');
  let raw: { name: string; features: SourceFeature[]; problems: RowProblem[]; fields: string[]; encoding?: SourceData['encoding']; notes: Text[] };
  let own: { text?: string; source: 'prj' | 'geojson' | 'wkt' } | undefined;
  if (format === 'shapefile') {
    const parts = unzipShapefile(bytes, options.maxInflatedBytes ?? 256 * 1024 * 1024);
    const content = readShapefile(parts, { encoding: options.encoding });
    raw = content;
    own = parts.prj !== undefined ? { text: parts.prj, source: 'prj' } : undefined;
  } else if (format === 'geojson') {
    const content = readGeoJson(Buffer.from(bytes).toString('utf8'));
    raw = { ...content, name: baseName, notes: [] };
    own = content.crsName !== undefined ? { text: content.crsName, source: 'geojson' } : undefined;
  } else {
    const content = readCsv(bytes, { encoding: options.encoding });
    raw = { ...content, name: baseName };
    own = content.srid !== undefined ? { text: `EPSG:${content.srid}`, source: 'wkt' } : undefined;
  }

  const { projection, report } = resolveCrs(options, own, raw.features);
  const problems = [...raw.problems];
  const features: SourceFeature[] = [];
  for (const feature of raw.features) {
    if (!feature.geometry) {
      features.push(feature);
      continue;
    }
    const geometry = project(feature.geometry, projection);
    if (!geometry) {
      problems.push({ row: feature.row, code: 'invalid_coordinates', message: msg('invalid_coordinates.projected', { row: feature.row, crs: describeProjection(projection) }) });
      continue;
    }
    features.push({ ...feature, geometry });
  }
  problems.sort((a, b) => a.row - b.row);
  return { format, name: raw.name, features, problems, fields: raw.fields, crs: report, encoding: raw.encoding, notes: raw.notes };
}
