/**
 * Address registry files → rows: a GeoJSON FeatureCollection of Points with
 * `properties.address`, or CSV with address and lon/lat columns (a header row names them, in
 * English or Chinese). Every bad row is reported by its number, with the reason; the caller
 * decides whether the good ones are imported. Pure: no I/O.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { toWgs84, type CrsName } from '../geo/crs.js';
import { coordinateProblem, type Problem } from '../geo/validate.js';
import { unstorableText } from './encoding.js';
import { shown, text as msg, TextError, type Text, type ParamValue } from '../i18n/catalogue.js';

/** A street address is never this long; a longer one is a mistake (or an attack). */
export const MAX_ADDRESS_LENGTH = 200;

export interface AddressRow {
  /** 1-based: the CSV line (after the header: line 2 is row 2) or the feature's position + 1. */
  row: number;
  address: string;
  /** WGS84, converted from the file's crs. */
  lon: number;
  lat: number;
}

export interface RowProblem extends Problem {
  row: number;
}

export interface AddressRows {
  rows: AddressRow[];
  problems: RowProblem[];
}

/** Why a value cannot be an address, or undefined. */
export function addressProblem(value: unknown): Problem | undefined {
  if (typeof value !== 'string') return { code: 'invalid_address', message: msg('invalid_address.type', { got: describe(value) }) };
  const trimmed = value.trim();
  if (trimmed === '') return { code: 'empty_address', message: msg('empty_address') };
  if (trimmed.length > MAX_ADDRESS_LENGTH) {
    return { code: 'address_too_long', message: msg('address_too_long', { length: trimmed.length, max: MAX_ADDRESS_LENGTH }) };
  }
  const broken = unstorableText(trimmed);
  if (broken) return { code: 'invalid_address', message: msg('invalid_address.text', { problem: broken }) };
  return undefined;
}

function describe(value: unknown): ParamValue {
  return value === undefined ? msg('invalid_address.nothing') : shown(value, 60);
}

function toRow(row: number, address: unknown, lon: unknown, lat: unknown, crs: CrsName): AddressRow | RowProblem {
  const problem = addressProblem(address) ?? coordinateProblem(lon, lat);
  if (problem) return { row, ...problem };
  const [x, y] = toWgs84(lon as number, lat as number, crs);
  return { row, address: (address as string).trim(), lon: x, lat: y };
}

function collect(results: (AddressRow | RowProblem)[]): AddressRows {
  const rows: AddressRow[] = [];
  const problems: RowProblem[] = [];
  for (const result of results) ('code' in result ? problems : rows).push(result as never);
  return { rows, problems };
}

/** A FeatureCollection of Points; throws a Problem (as the error) when the whole body is not one. */
export function addressRowsFromGeoJSON(body: unknown, crs: CrsName): AddressRows {
  const collection = body as { type?: unknown; features?: unknown };
  if (body === null || typeof body !== 'object' || collection.type !== 'FeatureCollection' || !Array.isArray(collection.features)) {
    throw fileProblem('invalid_geojson', msg('invalid_geojson.address_collection'));
  }
  return collect(
    collection.features.map((feature: unknown, i) => {
      const row = i + 1;
      const f = feature as { type?: unknown; geometry?: { type?: unknown; coordinates?: unknown }; properties?: Record<string, unknown> | null };
      if (feature === null || typeof feature !== 'object' || f.type !== 'Feature') {
        return { row, code: 'invalid_feature', message: msg('invalid_feature') };
      }
      const coordinates = f.geometry?.coordinates;
      if (f.geometry?.type !== 'Point' || !Array.isArray(coordinates) || coordinates.length < 2 || coordinates.length > 3) {
        return { row, code: 'invalid_geometry', message: msg('invalid_geometry.address_point', { got: describe(f.geometry?.type) }) };
      }
      const properties = f.properties ?? {};
      return toRow(row, properties.address ?? properties['地址'], coordinates[0], coordinates[1], crs);
    }),
  );
}

const COLUMN_NAMES = {
  address: ['address', 'addr', 'full_address', '地址', '标准地址', '详细地址'],
  lon: ['lon', 'lng', 'long', 'longitude', 'x', '经度'],
  lat: ['lat', 'latitude', 'y', '纬度'],
} as const;

function findColumn(header: string[], names: readonly string[]): number {
  return header.findIndex((name) => names.includes(name.trim().replace(/^\uFEFF/, '').toLowerCase()));
}

/** CSV text with a header row; numbers may be quoted. */
export function addressRowsFromCsv(text: string, crs: CrsName): AddressRows {
  let records: string[][];
  try {
    records = parseCsv(text, { bom: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (error) {
    throw fileProblem('invalid_csv', msg('invalid_csv.unreadable', { detail: (error as Error).message }));
  }
  const [header, ...lines] = records;
  if (!header) throw fileProblem('invalid_csv', msg('invalid_csv.address_empty'));
  const columns = { address: findColumn(header, COLUMN_NAMES.address), lon: findColumn(header, COLUMN_NAMES.lon), lat: findColumn(header, COLUMN_NAMES.lat) };
  const missing = Object.entries(columns).filter(([, index]) => index < 0).map(([name]) => name);
  if (missing.length > 0) {
    throw fileProblem('invalid_csv', msg('invalid_csv.address_header', { missing, found: header.join(', ').slice(0, 200) }));
  }
  const number = (raw: string | undefined) => (raw === undefined || raw === '' ? raw : Number(raw));
  return collect(lines.map((line, i) => toRow(i + 2, line[columns.address] ?? '', number(line[columns.lon]), number(line[columns.lat]), crs)));
}

/** Thrown when the file as a whole cannot be read (as opposed to single bad rows). */
export class AddressFileError extends TextError {
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}

function fileProblem(code: string, message: Text): AddressFileError {
  return new AddressFileError({ code, message });
}
