/**
 * Request parts shared by the routers: query parameters, conditional-request headers, the
 * actor and reason recorded with every change. Each throws a 4xx ApiError on bad input.
 */
import type { Request, RequestHandler } from 'express';
import { ApiError, badRequest } from '../errors.js';
import { shown, text } from '../i18n/catalogue.js';
import type { VersionCondition } from '../db/grids.js';
import { CHINA_EXTENT } from '../geo/validate.js';
import { CRS_NAMES, isCrsName, type CrsName } from '../geo/crs.js';
import { unstorableText } from '../formats/encoding.js';
import { levelOfRegionCode, regionPrefix } from '../geo/codes.js';

function single(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw badRequest('invalid_parameter', text('invalid_parameter.once', { name }));
  return value;
}

/** `name=<ISO 8601 time>`: a date (2024-05-01) or a date-time with optional zone. */
export function timeParam(req: Request, name: string): Date | undefined {
  const raw = single(req, name);
  if (raw === undefined) return undefined;
  const iso = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$/;
  const time = Date.parse(raw);
  if (!iso.test(raw) || Number.isNaN(time)) {
    throw badRequest('invalid_parameter', text('invalid_parameter.time', { name, raw }));
  }
  return new Date(time);
}

/** `asOf=<ISO 8601 time>`: the moment a read looks at. */
export function asOfParam(req: Request): Date | undefined {
  return timeParam(req, 'asOf');
}

/** `bbox=minLon,minLat,maxLon,maxLat` in WGS84 degrees. */
export function bboxParam(req: Request): [number, number, number, number] | undefined {
  const raw = single(req, 'bbox');
  if (raw === undefined) return undefined;
  const parts = raw.split(',').map((part) => (part.trim() === '' ? NaN : Number(part)));
  if (parts.length !== 4 || !parts.every(Number.isFinite)) {
    throw badRequest('invalid_parameter', text('invalid_parameter.bbox_numbers', { raw }));
  }
  const [minLon, minLat, maxLon, maxLat] = parts;
  if (minLon > maxLon || minLat > maxLat) {
    throw badRequest('invalid_parameter', text('invalid_parameter.bbox_order', { raw }));
  }
  if (Math.abs(minLat) > 90 || Math.abs(maxLat) > 90 || Math.abs(minLon) > 180 || Math.abs(maxLon) > 180) {
    const swapped = minLat >= CHINA_EXTENT.minLon && maxLat <= CHINA_EXTENT.maxLon;
    throw badRequest(
      swapped ? 'swapped_coordinates' : 'invalid_parameter',
      text(swapped ? 'swapped_coordinates.bbox' : 'invalid_parameter.bbox_range', { raw }),
    );
  }
  return [minLon, minLat, maxLon, maxLat];
}

/** A coordinate system name (query parameter or body field); WGS84 when absent. */
export function crsParam(value: unknown): CrsName {
  if (value === undefined) return 'wgs84';
  if (!isCrsName(value)) throw badRequest('invalid_crs', text('invalid_crs', { allowed: CRS_NAMES, got: shown(value) }));
  return value;
}

/** `name=true|false` (also 1/0); `fallback` when absent. */
export function booleanParam(req: Request, name: string, fallback: boolean): boolean {
  const raw = single(req, name);
  if (raw === undefined) return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw badRequest('invalid_parameter', text('invalid_parameter.boolean', { name, raw }));
}

/** `name=<integer>` within [min, max]; `fallback` when absent. */
export function integerParam(req: Request, name: string, fallback: number, min: number, max: number): number {
  const raw = single(req, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || value < min || value > max) {
    throw badRequest('invalid_parameter', text('invalid_parameter.integer', { name, min, max, raw }));
  }
  return value;
}

export function stringParam(req: Request, name: string): string | undefined {
  return single(req, name);
}

export function codeParam(value: unknown, digits: 12 | 15): string {
  if (typeof value !== 'string' || !new RegExp(`^\\d{${digits}}$`).test(value)) {
    throw badRequest('invalid_code', text(digits === 12 ? 'invalid_code.region' : 'invalid_code.grid', { got: String(value) }));
  }
  return value;
}

/** A version's strong ETag. */
export function etag(version: number): string {
  return `"${version}"`;
}

/**
 * The versions an If-Match header accepts. Missing → 428 (no blind overwrites); `*` → any.
 * Tags are compared by their version number; a weak prefix is tolerated because proxies
 * that compress responses weaken ETags.
 */
export function ifMatchCondition(req: Request): VersionCondition {
  const header = req.get('If-Match');
  if (header === undefined || header.trim() === '') {
    throw new ApiError(428, 'precondition_required', text('precondition_required'));
  }
  if (header.trim() === '*') return 'any';
  const versions = header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1'))
    // A number beyond any version (and beyond the database's integers) matches nothing.
    .filter((tag) => /^\d{1,15}$/.test(tag))
    .map(Number);
  return { versions };
}

const MAX_REASON_LENGTH = 1000;

export { actorOf } from '../http/actor.js';

/** Why a change is made: a `reason` member of the JSON body, or `?reason=`. */
export function reasonOf(req: Request): string | null {
  const fromBody = typeof req.body === 'object' && req.body !== null ? (req.body as { reason?: unknown }).reason : undefined;
  const raw = fromBody ?? single(req, 'reason');
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'string') throw badRequest('invalid_parameter', text('invalid_parameter.reason_type'));
  if (raw.length > MAX_REASON_LENGTH) throw badRequest('invalid_parameter', text('invalid_parameter.reason_length', { max: MAX_REASON_LENGTH }));
  const broken = unstorableText(raw);
  if (broken) throw badRequest('invalid_parameter', text('invalid_parameter.reason_text', { problem: broken }));
  return raw.trim() || null;
}

/** A request body named by its API type (server/api-types) but not yet checked: every member may be anything. */
export type Unchecked<T> = { [K in keyof T]?: unknown };

/** The parsed JSON body, or 400/415 when there is none. */
export function jsonBody(req: Request): unknown {
  if (!req.is(['application/json', 'application/geo+json', 'application/*+json'])) {
    throw new ApiError(415, 'unsupported_media_type', text('unsupported_media_type.json'));
  }
  if (req.body === undefined) throw badRequest('invalid_json', text('invalid_json.required'));
  return req.body;
}

/**
 * Middleware: every query parameter's text must be storable (no NUL, no lone surrogate), as a
 * body's strings must — checked once here, so that no route hands such text to the database.
 */
export const checkedQuery: RequestHandler = (req, _res, next) => {
  for (const [name, value] of Object.entries(req.query)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item !== 'string') continue;
      const broken = unstorableText(name) ?? unstorableText(item);
      if (broken) throw badRequest('invalid_parameter', text('invalid_query_text', { name: printable(name) }));
    }
  }
  next();
};

/** A name as it may be shown back: control characters and lone surrogates replaced. */
function printable(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd').slice(0, 64);
}

/** Deeper than this is no GeoJSON or request of this service, and would overflow the stack of whatever walks it. */
export const MAX_BODY_DEPTH = 64;

/**
 * Middleware after the body parsers: a parsed body nested deeper than MAX_BODY_DEPTH, with a
 * string (value or key) that cannot be stored as text, or with a number too large to be finite,
 * is refused here, once for every route.
 */
export const checkedBody: RequestHandler = (req, _res, next) => {
  const checkText = (value: string) => {
    const broken = unstorableText(value);
    if (broken) throw badRequest('invalid_text', text('invalid_text', { problem: broken }));
  };
  // Iterative, and numbers are not stacked: a recursive walk would overflow on the very bodies it
  // is there to refuse, and a large import is mostly coordinates.
  const stack: [unknown, number][] = [[req.body, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value === 'string') {
      checkText(value);
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_BODY_DEPTH) throw badRequest('too_deep', text('too_deep', { max: MAX_BODY_DEPTH }));
    const members = Array.isArray(value) ? value : Object.values(value);
    if (!Array.isArray(value)) for (const key of Object.keys(value)) checkText(key);
    for (const member of members) {
      if (typeof member === 'number') checkNumber(member);
      else if (typeof member === 'string' || (member !== null && typeof member === 'object')) stack.push([member, depth + 1]);
    }
  }
  if (typeof req.body === 'number') checkNumber(req.body);
  next();
};

/**
 * JSON has no infinity, but a parser reads 1e309 as one; no value of this service is infinite,
 * and a body passed on as JSON text (a division to its worker) would turn it silently into null.
 */
function checkNumber(value: number): void {
  if (!Number.isFinite(value)) throw badRequest('invalid_number', text('invalid_number'));
}

/** `region=<12-digit code>` → its significant prefix. */
export function regionPrefixParam(req: Request): string | undefined {
  const raw = stringParam(req, 'region');
  if (raw === undefined) return undefined;
  const code = codeParam(raw, 12);
  const level = levelOfRegionCode(code);
  if (!level) throw badRequest('invalid_code', text('invalid_code.not_region', { code }));
  return regionPrefix(code, level);
}
