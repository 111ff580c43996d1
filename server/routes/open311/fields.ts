/**
 * POST /open311/v2/requests: the fields of a GeoReport v2 form (or JSON object), checked at the
 * edge — the text fields and their limits, the location (lat + long, or address_string), the reporter.
 */
import type { Request } from 'express';
import { ApiError, badRequest } from '../../errors.js';
import { coordinateProblem } from '../../geo/validate.js';
import { addressProblem } from '../../formats/address-rows.js';
import type { ReportInput } from '../../services/incidents.js';
import { shown, text } from '../../i18n/catalogue.js';

/** The same limit as the JSON API's description. */
export const MAX_DESCRIPTION = 2000;
const MAX_NAME = 50;
const MAX_CONTACT = 254;
/** Longest free-text id (address_id, device_id) accepted. */
export const MAX_KEY = 200;
export const MAX_URL = 2000;

export type Fields = Record<string, unknown>;

/**
 * The body as fields: form-encoded as GeoReport v2 clients send it, or a JSON object. A request
 * with no body at all has no fields (and fails on the missing api_key).
 */
export function fieldsOf(req: Request): Fields {
  const hasBody = req.get('content-type') !== undefined;
  if (hasBody && !req.is(['application/x-www-form-urlencoded', 'application/json', 'application/*+json'])) {
    throw new ApiError(415, 'unsupported_media_type', text('open311.media_type'));
  }
  const body: unknown = req.body;
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw badRequest('invalid_body', text('open311.fields_object'));
  return body as Fields;
}

/** An optional text field: trimmed, or null when absent or blank. */
export function field(fields: Fields, name: string, max: number): string | null {
  const value = fields[name];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw badRequest('invalid_parameter', text('open311.text_once', { name }));
  if (value.length > max) throw badRequest('invalid_parameter', text('open311.text_length', { name, length: value.length, max }));
  return value.trim() || null;
}

const DECIMAL = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;

/** lat or long: a decimal number (forms send strings; "abc", "0x1e", "Infinity" are refused). */
function coordinate(fields: Fields, name: 'lat' | 'long'): number | undefined {
  const value = fields[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value !== 'string' || !DECIMAL.test(value)) {
    throw badRequest('invalid_coordinates', text('open311.coordinate', { name, got: shown(value) }));
  }
  return Number(value);
}

/** The location: lat + long, or address_string to geocode; with both, the point places it and the text is kept as its address. */
export function locationOf(fields: Fields): Pick<ReportInput, 'point' | 'address'> {
  const lat = coordinate(fields, 'lat');
  const long = coordinate(fields, 'long');
  const rawAddress = fields.address_string;
  const hasAddress = rawAddress !== undefined && rawAddress !== null && rawAddress !== '';
  let address: string | undefined;
  if (hasAddress) {
    const problem = addressProblem(rawAddress);
    if (problem) throw badRequest(problem.code, text('problem.at', { where: 'address_string', message: problem.message }));
    address = (rawAddress as string).trim();
  }
  if (lat === undefined && long === undefined) {
    if (address !== undefined) return { address };
    if (field(fields, 'address_id', MAX_KEY) !== null) throw badRequest('invalid_location', text('open311.address_id'));
    throw badRequest('invalid_location', text('open311.location_required'));
  }
  if (lat === undefined || long === undefined) throw badRequest('invalid_location', text('open311.lat_long_together'));
  const problem = coordinateProblem(long, lat);
  if (problem?.code === 'swapped_coordinates') {
    throw badRequest(problem.code, text('open311.swapped', { lat, long }));
  }
  if (problem) throw badRequest(problem.code, text('open311.at_point', { lat, long, message: problem.message }));
  return { point: { lon: long, lat, crs: 'wgs84' }, ...(address !== undefined ? { address } : {}) };
}

const HAN = /[\u3400-\u9fff\uf900-\ufaff]/;

/**
 * Who reported it, as one line for the incident's reporter: the name (first then last, as the
 * client's form has them; written together when Chinese, with a space otherwise) and the
 * contacts in parentheses — "张三 (13800138000, zs@example.cn)".
 */
export function reporterOf(fields: Fields): string | null {
  const first = field(fields, 'first_name', MAX_NAME);
  const last = field(fields, 'last_name', MAX_NAME);
  const phone = field(fields, 'phone', MAX_NAME);
  const email = field(fields, 'email', MAX_CONTACT);
  const names = [first, last].filter((part): part is string => part !== null);
  const name = names.join(names.some((part) => HAN.test(part)) ? '' : ' ');
  const contacts = [phone, email].filter((part): part is string => part !== null).join(', ');
  if (name && contacts) return `${name} (${contacts})`;
  return name || contacts || null;
}

