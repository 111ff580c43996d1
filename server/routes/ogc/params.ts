/**
 * The OGC API's query parameters, checked at the edge: each answers 400 InvalidParameterValue
 * (or UnknownParameter) naming the parameter, as /req/core/query-param-invalid asks.
 */
import type { Request } from 'express';
import { badRequest } from '../../errors.js';
import type { Bbox } from '../../db/ogc.js';
import type { IncidentFilter } from '../../db/incidents.js';
import { levelOfRegionCode, regionPrefix } from '../../geo/codes.js';
import { LIGHTS } from '../../incidents/light.js';
import { CREDENTIAL_PARAMS } from '../../http/authenticate.js';
import { text, type Text } from '../../i18n/catalogue.js';
import { CRS84, CRS84_NAMES, DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET } from './collections.js';

const invalid = (name: string, message: Text) => badRequest('InvalidParameterValue', text('ogc.parameter', { name, message }));

export function single(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(name, text('ogc.once'));
  return value;
}

/**
 * Refuses query parameters the API does not define for this resource (and says which it does);
 * `lang` (the language of the answer's messages) and credentials go with every resource.
 */
export function checkParameters(req: Request, allowed: readonly string[], explain: Record<string, Text> = {}): void {
  for (const name of Object.keys(req.query)) {
    if (allowed.includes(name) || name === 'lang' || CREDENTIAL_PARAMS.includes(name)) continue;
    if (explain[name]) throw badRequest('InvalidParameterValue', explain[name]);
    throw badRequest('UnknownParameter', text('ogc.unknown_parameter', { name, allowed: allowed.length ? allowed : text('ogc.no_parameters') }));
  }
}

/** `f`: only JSON is served. */
export function checkFormat(req: Request): void {
  const f = single(req, 'f');
  if (f === undefined) return;
  const value = f.toLowerCase();
  if (['json', 'geojson', 'application/json', 'application/geo+json'].includes(value)) return;
  throw badRequest('InvalidParameterValue', text('ogc.json_only', { f }));
}

export function checkCrs(req: Request, name: 'crs' | 'bbox-crs'): void {
  const value = single(req, name);
  if (value !== undefined && !CRS84_NAMES.has(value)) {
    throw invalid(name, text('ogc.crs84_only', { crs: CRS84, got: value }));
  }
}

export function limitParam(req: Request): number {
  const raw = single(req, 'limit');
  if (raw === undefined) return DEFAULT_LIMIT;
  if (!/^\d{1,12}$/.test(raw) || Number(raw) < 1) throw invalid('limit', text('ogc.integer', { min: 1, max: MAX_LIMIT, got: raw }));
  // Larger values are served as the maximum rather than refused: clients ask for big pages.
  return Math.min(Number(raw), MAX_LIMIT);
}

export function offsetParam(req: Request): number {
  const raw = single(req, 'offset');
  if (raw === undefined) return 0;
  if (!/^\d{1,12}$/.test(raw) || Number(raw) > MAX_OFFSET) throw invalid('offset', text('ogc.integer', { min: 0, max: MAX_OFFSET, got: raw }));
  return Number(raw);
}

/** `bbox=minLon,minLat,maxLon,maxLat` (or the 6-number 3D form, whose heights are ignored), CRS84. */
export function bboxParam(req: Request): Bbox | undefined {
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
export interface TimeFilter {
  from?: Date;
  to?: Date;
}

export function datetimeParam(req: Request): TimeFilter | undefined {
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
export function listParam(req: Request, name: string, allowed: readonly string[]): string[] | undefined {
  const raw = single(req, name);
  if (raw === undefined) return undefined;
  const values = raw.split(',').map((value) => value.trim());
  const bad = values.find((value) => !allowed.includes(value));
  if (bad !== undefined) throw invalid(name, text('ogc.one_of', { got: bad, allowed }));
  return values;
}

export function codeParam(req: Request, name: string, digits: 12 | 15): string | undefined {
  const raw = single(req, name);
  if (raw === undefined) return undefined;
  if (!new RegExp(`^\\d{${digits}}$`).test(raw)) {
    throw invalid(name, text(digits === 12 ? 'ogc.region_code' : 'ogc.grid_code', { got: raw }));
  }
  return raw;
}

export function lightParam(req: Request): IncidentFilter['light'] {
  const raw = single(req, 'light');
  if (raw !== undefined && !(LIGHTS as readonly string[]).includes(raw)) throw invalid('light', text('ogc.light', { allowed: LIGHTS, got: raw }));
  return raw as IncidentFilter['light'];
}

/** `region=<12-digit code>` → the prefix that the codes of its subtree share. */
export function regionPrefixParam(req: Request, name = 'region'): string | undefined {
  const code = codeParam(req, name, 12);
  if (code === undefined) return undefined;
  const level = levelOfRegionCode(code);
  if (!level) throw invalid(name, text('ogc.not_region', { code }));
  return regionPrefix(code, level);
}

