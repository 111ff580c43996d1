/**
 * ESRI shapefiles: a zip of .shp (geometry), .shx (index), .dbf (attributes), .prj (CRS) and
 * .cpg (the .dbf's code page). Read: points, multipoints, polylines and polygons, their Z/M
 * variants as 2D; written: polygons (grids). The format is small enough to read and write here
 * exactly as the ESRI white paper (1998) says, so that Chinese attributes in any code page and
 * every bad record are under our control. fflate does the zip.
 */
import { unzipSync, zipSync, type Unzipped } from 'fflate';
import type { Geometry, MultiPolygon, Polygon, Position } from 'geojson';
import { encodingOfName, looksLikeUtf8, type EncodingChoice } from './encoding.js';
import { dbfEncoding, readDbf, writeDbf, type DbfFieldSpec } from './dbf.js';
import { FileError, fileError, type RowProblem, type SourceFeature } from './source.js';
import iconv from 'iconv-lite';
import { shown, text as msg, TextError, type Text } from '../i18n/catalogue.js';

export interface ShapefileParts {
  /** Base name, for messages. */
  name: string;
  shp: Uint8Array;
  dbf?: Uint8Array;
  shx?: Uint8Array;
  prj?: string;
  cpg?: string;
}

export interface ShapefileContent {
  name: string;
  features: SourceFeature[];
  problems: RowProblem[];
  fields: string[];
  prj?: string;
  encoding: EncodingChoice & { cpg?: string };
  notes: Text[];
}

const ZIP_MEMBERS = ['shp', 'shx', 'dbf', 'prj', 'cpg'] as const;

/** A zip entry name as the user wrote it: names without the UTF-8 flag are mostly GBK. */
function entryName(name: string): string {
  if (!/[\u0080-\u00ff]/.test(name) || /[^\u0000-\u00ff]/.test(name)) return name;
  const bytes = Buffer.from(name, 'latin1');
  return looksLikeUtf8(bytes) ? bytes.toString('utf8') : iconv.decode(bytes, 'gbk');
}

/**
 * The shapefile in a zip. The zip must hold exactly one .shp (at any folder depth; macOS'
 * __MACOSX copies are ignored) with its .dbf beside it; members are matched case-insensitively.
 * `maxBytes` caps what the members may inflate to (a zip bomb is refused before inflating).
 */
export function unzipShapefile(zip: Uint8Array, maxBytes: number): ShapefileParts {
  let total = 0;
  let entries: Unzipped;
  const names: string[] = [];
  try {
    entries = unzipSync(zip, {
      filter: (file) => {
        names.push(file.name);
        if (file.name.startsWith('__MACOSX/') || file.name.endsWith('/')) return false;
        const extension = /\.([^./]+)$/.exec(file.name)?.[1]?.toLowerCase();
        if (!extension || !(ZIP_MEMBERS as readonly string[]).includes(extension)) return false;
        total += file.originalSize;
        if (total > maxBytes) throw fileError('zip_too_large', msg('zip_too_large', { limit: maxBytes }), { limit: maxBytes });
        return true;
      },
    });
  } catch (error) {
    if (error instanceof FileError) throw error;
    throw fileError('invalid_zip', msg('invalid_zip', { detail: (error as Error).message }));
  }
  const shps = Object.keys(entries).filter((name) => /\.shp$/i.test(name));
  if (shps.length === 0) {
    throw fileError('missing_shp', msg('missing_shp', { found: names.map(entryName).join(', ').slice(0, 300) || msg('missing_shp.nothing') }));
  }
  if (shps.length > 1) {
    throw fileError('several_shapefiles', msg('several_shapefiles', { count: shps.length, names: shps.map(entryName).join(', ').slice(0, 300) }));
  }
  const base = shps[0].slice(0, -4);
  const member = (extension: string) => {
    const key = Object.keys(entries).find((name) => name.toLowerCase() === `${base}.${extension}`.toLowerCase());
    return key ? entries[key] : undefined;
  };
  const text = (bytes: Uint8Array | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);
  return {
    name: entryName(base.split('/').at(-1)!),
    shp: entries[shps[0]],
    shx: member('shx'),
    dbf: member('dbf'),
    prj: text(member('prj')),
    cpg: text(member('cpg')),
  };
}

const SHAPE_NAMES: Record<number, string> = { 0: 'null', 1: 'Point', 3: 'PolyLine', 5: 'Polygon', 8: 'MultiPoint', 31: 'MultiPatch' };
const baseType = (type: number) => (type === 0 || type === 31 ? type : type % 10 === 1 ? 1 : type % 10 === 3 ? 3 : type % 10 === 5 ? 5 : type % 10 === 8 ? 8 : -1);

/** Reads the shapefile: every record a feature (row = record number), or a problem. */
export function readShapefile(parts: ShapefileParts, options: { encoding?: string } = {}): ShapefileContent {
  const notes: Text[] = [];
  const geometries = readShp(parts.shp);
  if (!parts.dbf) throw fileError('missing_dbf', msg('missing_dbf', { name: parts.name }));
  if (!parts.shx) notes.push(msg('note.missing_shx', { name: parts.name }));

  let encoding: ShapefileContent['encoding'];
  const cpg = parts.cpg?.trim();
  if (options.encoding) {
    const name = encodingOfName(options.encoding);
    if (!name) throw fileError('invalid_encoding', msg('invalid_encoding.unknown', { got: shown(options.encoding) }));
    encoding = { name, source: 'parameter', cpg };
  } else if (cpg && encodingOfName(cpg)) {
    encoding = { name: encodingOfName(cpg)!, source: 'cpg', cpg };
  } else {
    if (cpg) notes.push(msg('note.unknown_cpg', { cpg: shown(cpg, 40) }));
    encoding = { ...dbfEncoding(parts.dbf), cpg };
  }
  const table = readDbf(parts.dbf, encoding.name);
  const problems: RowProblem[] = [...geometries.problems];
  if (table.records.length !== geometries.shapes.length) {
    throw fileError('invalid_shapefile', msg('invalid_shapefile.record_count', { name: parts.name, shapes: geometries.shapes.length, records: table.records.length }));
  }
  const features: SourceFeature[] = [];
  let deleted = 0;
  geometries.shapes.forEach((geometry, i) => {
    const record = table.records[i];
    if (record === null) {
      deleted++;
      return;
    }
    if (geometry === undefined) return; // reported by readShp
    features.push({ row: i + 1, geometry, properties: record });
  });
  if (deleted > 0) notes.push(msg('note.deleted_records', { count: deleted }));
  if (geometries.truncated) notes.push(geometries.truncated);
  return { name: parts.name, features, problems, fields: table.fields.map((field) => field.name), prj: parts.prj, encoding, notes };
}

interface ShpContent {
  /** Per record in order: the geometry, null for a null shape, undefined when unreadable. */
  shapes: (Geometry | null | undefined)[];
  problems: RowProblem[];
  truncated?: Text;
}

function readShp(bytes: Uint8Array): ShpContent {
  if (bytes.length < 100) throw fileError('invalid_shapefile', msg('invalid_shapefile.short', { bytes: bytes.length }));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getInt32(0, false) !== 9994 || view.getInt32(28, true) !== 1000) {
    throw fileError('invalid_shapefile', msg('invalid_shapefile.header'));
  }
  const fileType = view.getInt32(32, true);
  if (baseType(fileType) < 0 || fileType === 31) {
    throw fileError('invalid_shapefile', msg('invalid_shapefile.shape_type', { type: fileType, name: SHAPE_NAMES[baseType(fileType)] ?? '?' }));
  }
  const declared = view.getInt32(24, false) * 2;
  const end = Math.min(bytes.length, declared > 100 ? declared : bytes.length);
  const shapes: ShpContent['shapes'] = [];
  const problems: RowProblem[] = [];
  let offset = 100;
  let truncated: Text | undefined;
  while (offset + 8 <= end) {
    const row = shapes.length + 1;
    const length = view.getInt32(offset + 4, false) * 2;
    const start = offset + 8;
    if (length < 4 || start + length > bytes.length) {
      truncated = msg('note.truncated_shp', { row, length, start });
      break;
    }
    try {
      shapes.push(readRecord(new DataView(bytes.buffer, bytes.byteOffset + start, length), row));
    } catch (error) {
      shapes.push(undefined);
      problems.push({ row, code: 'invalid_geometry', message: msg('invalid_geometry.record', { row, detail: error instanceof TextError ? error.text : (error as Error).message }) });
    }
    offset = start + length;
  }
  return { shapes, problems, truncated };
}

function readRecord(view: DataView, row: number): Geometry | null {
  const type = view.getInt32(0, true);
  const need = (bytes: number) => {
    if (view.byteLength < bytes) throw new TextError(msg('shape.record_short', { bytes: view.byteLength, need: bytes }));
  };
  const point = (at: number): Position => [view.getFloat64(at, true), view.getFloat64(at + 8, true)];
  switch (baseType(type)) {
    case 0:
      return null;
    case 1:
      need(20);
      return { type: 'Point', coordinates: point(4) };
    case 8: {
      need(40);
      const count = view.getInt32(36, true);
      if (count < 0) throw new TextError(msg('shape.negative_count', { count }));
      need(40 + 16 * count);
      return { type: 'MultiPoint', coordinates: Array.from({ length: count }, (_, i) => point(40 + 16 * i)) };
    }
    case 3:
    case 5: {
      need(44);
      const partCount = view.getInt32(36, true);
      const pointCount = view.getInt32(40, true);
      if (partCount < 1 || pointCount < 0) throw new TextError(msg('shape.parts', { parts: partCount, points: pointCount }));
      const pointsAt = 44 + 4 * partCount;
      need(pointsAt + 16 * pointCount);
      const starts = Array.from({ length: partCount }, (_, i) => view.getInt32(44 + 4 * i, true));
      if (starts[0] !== 0 || starts.some((s, i) => s < 0 || s > pointCount || (i > 0 && s < starts[i - 1]))) {
        throw new TextError(msg('shape.part_offsets', { offsets: starts.slice(0, 10).join(', '), points: pointCount }));
      }
      const parts = starts.map((s, i) => Array.from({ length: (starts[i + 1] ?? pointCount) - s }, (_, k) => point(pointsAt + 16 * (s + k))));
      if (baseType(type) === 3) {
        const lines = parts.filter((part) => part.length >= 2);
        if (lines.length === 0) throw new TextError(msg('shape.polyline_empty'));
        return lines.length === 1 ? { type: 'LineString', coordinates: lines[0] } : { type: 'MultiLineString', coordinates: lines };
      }
      return assemblePolygons(parts, row);
    }
    default:
      throw new TextError(msg('shape.type_not_read', { type, name: SHAPE_NAMES[baseType(type)] ?? '?' }));
  }
}

function signedArea(ring: Position[]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) sum += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  return sum / 2; // > 0: counter-clockwise (y up)
}

/** 1 inside, 0 on the boundary, −1 outside. */
function pointInRing([x, y]: Position, ring: Position[]): number {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    const cross = (xj - xi) * (y - yi) - (yj - yi) * (x - xi);
    if (cross === 0 && Math.min(xi, xj) <= x && x <= Math.max(xi, xj) && Math.min(yi, yj) <= y && y <= Math.max(yi, yj)) return 0;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside ? 1 : -1;
}

function ringContains(outer: Position[], inner: Position[]): boolean {
  for (const position of inner) {
    const where = pointInRing(position, outer);
    if (where !== 0) return where > 0;
  }
  return false;
}

/** Above this many rings in one record, rings are grouped by winding instead of nesting. */
const NESTING_RINGS = 500;

function bboxOf(ring: Position[]): [number, number, number, number] {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of ring) {
    if (x < minX) minX = x;
    if (y < minY) minY = y;
    if (x > maxX) maxX = x;
    if (y > maxY) maxY = y;
  }
  return [minX, minY, maxX, maxY];
}

/**
 * Rings → polygons by nesting, not by winding (writers get the winding wrong often enough):
 * a ring inside an even number of others is an outer ring, inside an odd number a hole of the
 * innermost one containing it. Output rings wind as RFC 7946 asks (outer counter-clockwise).
 */
export function assemblePolygons(parts: Position[][], row: number): Polygon | MultiPolygon {
  const rings = parts
    .map((part) => {
      const [first, last] = [part[0], part.at(-1)];
      return first && last && (first[0] !== last[0] || first[1] !== last[1]) ? [...part, first] : part;
    })
    .filter((ring) => ring.length >= 4);
  if (rings.length === 0) throw new TextError(msg('shape.no_ring', { row }));
  const wound = (ring: Position[], ccw: boolean) => (signedArea(ring) > 0 === ccw ? ring : [...ring].reverse());
  const polygons: Position[][][] = [];
  if (rings.length > NESTING_RINGS) {
    // Too many rings to compare pairwise: trust the winding (outer clockwise, holes after their outer ring).
    for (const ring of rings) {
      if (signedArea(ring) < 0 || polygons.length === 0) polygons.push([wound(ring, true)]);
      else polygons[polygons.length - 1].push(wound(ring, false));
    }
    return polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0] } : { type: 'MultiPolygon', coordinates: polygons };
  }
  const order = rings.map((ring) => ({ ring, area: Math.abs(signedArea(ring)), bbox: bboxOf(ring) })).sort((a, b) => b.area - a.area);
  const depth: number[] = [];
  const polygonOf: number[] = [];
  order.forEach(({ ring, bbox }, k) => {
    let container = -1;
    for (let j = k - 1; j >= 0; j--) {
      const outer = order[j].bbox;
      if (bbox[0] < outer[0] || bbox[1] < outer[1] || bbox[2] > outer[2] || bbox[3] > outer[3]) continue;
      if (ringContains(order[j].ring, ring)) {
        container = j;
        break;
      }
    }
    depth[k] = container < 0 ? 0 : depth[container] + 1;
    if (depth[k] % 2 === 0) {
      polygonOf[k] = polygons.length;
      polygons.push([wound(ring, true)]);
    } else {
      polygonOf[k] = polygonOf[container];
      polygons[polygonOf[container]].push(wound(ring, false));
    }
  });
  return polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0] } : { type: 'MultiPolygon', coordinates: polygons };
}

// ---------------------------------------------------------------------------------------------
// Writing polygons.

export interface ShapefileFeature {
  geometry: Polygon | MultiPolygon | null;
  properties: Record<string, unknown>;
}

export interface WriteOptions {
  /** Base name of the members inside the zip. */
  name: string;
  fields: DbfFieldSpec[];
  /** The .prj text (ESRI WKT). */
  prj: string;
  /** Text encoding of the .dbf, stated in the .cpg (default UTF-8). */
  encoding?: string;
  /** Language driver byte of the .dbf (default: none; the .cpg says it). */
  ldid?: number;
  /** Leave out the .cpg (to make files as old tools do). */
  omitCpg?: boolean;
}

export interface WrittenShapefile {
  files: Record<string, Uint8Array>;
  truncated: { record: number; field: string }[];
}

function header(view: DataView, fileBytes: number, shapeType: number, bbox: number[]): void {
  view.setInt32(0, 9994, false);
  view.setInt32(24, fileBytes / 2, false);
  view.setInt32(28, 1000, true);
  view.setInt32(32, shapeType, true);
  bbox.forEach((value, i) => view.setFloat64(36 + 8 * i, value, true));
}

/** The members of a polygon shapefile (rings wound as the format asks: outer clockwise). */
export function writeShapefile(features: ShapefileFeature[], options: WriteOptions): WrittenShapefile {
  const records = features.map(({ geometry }) => {
    if (!geometry) return { content: new Uint8Array(4), bbox: undefined };
    const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
    const rings = polygons.flatMap((polygon) =>
      polygon.map((ring, i) => {
        const clockwise = i === 0;
        return signedArea(ring) < 0 === clockwise ? ring : [...ring].reverse();
      }),
    );
    const points = rings.flat();
    const bbox: number[] = bboxOf(points);
    const content = new Uint8Array(44 + 4 * rings.length + 16 * points.length);
    const view = new DataView(content.buffer);
    view.setInt32(0, 5, true);
    bbox.forEach((value, i) => view.setFloat64(4 + 8 * i, value, true));
    view.setInt32(36, rings.length, true);
    view.setInt32(40, points.length, true);
    let start = 0;
    rings.forEach((ring, i) => {
      view.setInt32(44 + 4 * i, start, true);
      start += ring.length;
    });
    const at = 44 + 4 * rings.length;
    points.forEach(([x, y], i) => {
      view.setFloat64(at + 16 * i, x, true);
      view.setFloat64(at + 16 * i + 8, y, true);
    });
    return { content, bbox };
  });
  const boxes = records.flatMap((record) => (record.bbox ? [record.bbox] : []));
  const bbox = boxes.length
    ? [...bboxOf(boxes.flatMap((b) => [[b[0], b[1]], [b[2], b[3]]])), 0, 0, 0, 0]
    : [0, 0, 0, 0, 0, 0, 0, 0];
  const shpBytes = 100 + records.reduce((sum, record) => sum + 8 + record.content.length, 0);
  const shp = new Uint8Array(shpBytes);
  const shx = new Uint8Array(100 + 8 * records.length);
  const shpView = new DataView(shp.buffer);
  const shxView = new DataView(shx.buffer);
  header(shpView, shpBytes, 5, bbox);
  header(shxView, shx.length, 5, bbox);
  let offset = 100;
  records.forEach((record, i) => {
    shpView.setInt32(offset, i + 1, false);
    shpView.setInt32(offset + 4, record.content.length / 2, false);
    shp.set(record.content, offset + 8);
    shxView.setInt32(100 + 8 * i, offset / 2, false);
    shxView.setInt32(104 + 8 * i, record.content.length / 2, false);
    offset += 8 + record.content.length;
  });
  const encoding = options.encoding ?? 'utf-8';
  const dbf = writeDbf(options.fields, features.map((feature) => feature.properties), { encoding, ldid: options.ldid });
  const files: Record<string, Uint8Array> = {
    [`${options.name}.shp`]: shp,
    [`${options.name}.shx`]: shx,
    [`${options.name}.dbf`]: dbf.bytes,
    [`${options.name}.prj`]: Buffer.from(options.prj, 'utf8'),
  };
  if (!options.omitCpg) files[`${options.name}.cpg`] = Buffer.from(encoding === 'utf-8' ? 'UTF-8' : encoding.toUpperCase(), 'ascii');
  return { files, truncated: dbf.truncated };
}

export function zipFiles(files: Record<string, Uint8Array>): Uint8Array {
  return zipSync(files, { level: 6 });
}

