/**
 * A CSV import file → source features. A header row names the columns; the geometry is a WKT
 * column (wkt, geometry, geom, the_geom, shape, 几何, 坐标) or a pair of coordinate columns
 * (lon/lat, lng/lat, longitude/latitude, 经度/纬度, x/y — x the easting, as in GIS, not the
 * surveyor's northing). Comma, semicolon or tab separated; UTF-8 (with or without BOM) or GBK
 * as Excel saves it on a Chinese Windows. Pure.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import type { Geometry } from 'geojson';
import { decode, detectEncoding, encodingOfName, type EncodingChoice } from './encoding.js';
import { fileError, type RowProblem, type SourceFeature } from './source.js';
import { parseWktGeometry } from './wkt.js';
import { shown, text as msg, TextError, type Text } from '../i18n/catalogue.js';

export interface CsvContent {
  features: SourceFeature[];
  problems: RowProblem[];
  fields: string[];
  encoding: EncodingChoice;
  /** The EWKT SRID shared by the geometry column, when it had one. */
  srid?: number;
  notes: Text[];
}

const normalize = (name: string) => name.replace(/^\uFEFF/, '').trim().toLowerCase().replace(/[\s_\-.]+/g, '');
export const GEOMETRY_COLUMNS = ['wkt', 'geometry', 'geom', 'thegeom', 'shape', 'wktgeometry', '几何', '坐标', '空间坐标', '图形'];
export const X_COLUMNS = ['lon', 'lng', 'long', 'longitude', 'x', '经度', 'xcoord', 'easting'];
export const Y_COLUMNS = ['lat', 'latitude', 'y', '纬度', 'ycoord', 'northing'];

function delimiterOf(firstLine: string): string {
  const counts = [',', ';', '\t'].map((d) => ({ d, n: firstLine.split(d).length }));
  return counts.sort((a, b) => b.n - a.n)[0].d;
}

/** A CSV file's rows as text: the header, the records with their line numbers, and the encoding read. */
export interface CsvRecords {
  header: string[];
  lines: { record: string[]; info: { lines: number } }[];
  encoding: EncodingChoice;
}

/**
 * The text rows of a CSV file: its encoding (given, a UTF-8 BOM, or detected: UTF-8 or GBK as
 * Excel saves it), its delimiter (comma, semicolon or tab, from the first line), the header and
 * the records. Empty when the file has no rows at all.
 */
export function readCsvRecords(bytes: Uint8Array, options: { encoding?: string } = {}): CsvRecords {
  let encoding: EncodingChoice;
  if (options.encoding) {
    const name = encodingOfName(options.encoding);
    if (!name) throw fileError('invalid_encoding', msg('invalid_encoding.unknown', { got: shown(options.encoding) }));
    encoding = { name, source: 'parameter' };
  } else if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    encoding = { name: 'utf-8', source: 'detected' };
  } else {
    encoding = detectEncoding(bytes);
  }
  const text = decode(bytes, encoding.name).replace(/^\uFEFF/, '');
  const delimiter = delimiterOf(text.slice(0, text.indexOf('\n') >= 0 ? text.indexOf('\n') : text.length));
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(text, { relax_column_count: true, skip_empty_lines: true, trim: true, delimiter, info: true }) as unknown as typeof records;
  } catch (error) {
    throw fileError('invalid_csv', msg('invalid_csv.unreadable', { detail: (error as Error).message }));
  }
  const [first, ...lines] = records;
  return { header: first ? first.record.map((name) => name.replace(/^\uFEFF/, '').trim()) : [], lines, encoding };
}

export function readCsv(bytes: Uint8Array, options: { encoding?: string } = {}): CsvContent {
  const { header, lines, encoding } = readCsvRecords(bytes, options);
  if (header.length === 0) throw fileError('invalid_csv', msg('invalid_csv.empty'));
  const keys = header.map(normalize);
  const geometryColumn = keys.findIndex((key) => GEOMETRY_COLUMNS.includes(key));
  const xColumn = keys.findIndex((key) => X_COLUMNS.includes(key));
  const yColumn = keys.findIndex((key) => Y_COLUMNS.includes(key));
  if (geometryColumn < 0 && (xColumn < 0 || yColumn < 0)) {
    throw fileError('missing_geometry_column', msg('missing_geometry_column', { header: header.join(', ').slice(0, 200) }));
  }
  const used = new Set(geometryColumn >= 0 ? [geometryColumn] : [xColumn, yColumn]);
  const features: SourceFeature[] = [];
  const problems: RowProblem[] = [];
  const srids = new Set<number | undefined>();
  for (const { record, info } of lines) {
    const row = info.lines;
    const properties: Record<string, unknown> = {};
    header.forEach((name, i) => {
      if (!used.has(i)) properties[name.replace(/^\uFEFF/, '').trim()] = record[i] === undefined || record[i] === '' ? null : record[i];
    });
    let geometry: Geometry | null = null;
    if (geometryColumn >= 0) {
      const raw = record[geometryColumn] ?? '';
      if (raw !== '') {
        try {
          const parsed = parseWktGeometry(raw);
          geometry = parsed.geometry;
          srids.add(parsed.srid);
        } catch (error) {
          problems.push({ row, code: 'invalid_geometry', message: msg('invalid_geometry.wkt', { row, column: header[geometryColumn], detail: error instanceof TextError ? error.text : (error as Error).message }) });
          continue;
        }
      }
    } else {
      const [x, y] = [record[xColumn] ?? '', record[yColumn] ?? ''];
      if (x !== '' || y !== '') {
        const [nx, ny] = [Number(x), Number(y)];
        if (x === '' || y === '' || !Number.isFinite(nx) || !Number.isFinite(ny)) {
          problems.push({ row, code: 'invalid_coordinates', message: msg('invalid_coordinates.csv', { row, columns: `${header[xColumn]}/${header[yColumn]}`, got: shown([x, y]) }) });
          continue;
        }
        geometry = { type: 'Point', coordinates: [nx, ny] };
      }
    }
    features.push({ row, geometry, properties });
  }
  const notes: Text[] = [];
  const definedSrids = [...srids].filter((s): s is number => s !== undefined);
  if (new Set(definedSrids).size > 1) throw fileError('mixed_srid', msg('mixed_srid', { srids: [...new Set(definedSrids)] }));
  return {
    features,
    problems,
    fields: header.filter((_, i) => !used.has(i)).map((name) => name.replace(/^\uFEFF/, '').trim()),
    encoding,
    srid: definedSrids[0],
    notes,
  };
}
