/** The query parameters of Open311 GeoReport v2: locale, the format extension, ids, statuses and the date window. */
import type { Request } from 'express';
import { badRequest, langOf } from '../../errors.js';
import type { IncidentFilter } from '../../db/incidents.js';
import { OPEN_STATUSES, type IncidentStatus } from '../../incidents/states.js';
import type { Lang } from '../../i18n/lang.js';
import { text } from '../../i18n/catalogue.js';
import { stringParam, timeParam } from '../params.js';

/** The spec's cap on one answer, and its default (and widest) window of requested_datetime. */
export const MAX_RESULTS = 1000;
const WINDOW_MS = 90 * 24 * 3_600_000;

/** Open311 open/closed over the closed loop of incidents. */
export const CLOSED_STATUSES: readonly IncidentStatus[] = ['resolved', 'closed', 'rejected'];
export const open311Status = (status: IncidentStatus): 'open' | 'closed' => (CLOSED_STATUSES.includes(status) ? 'closed' : 'open');

export type Locale = Lang;

/** GeoReport v2's own `locale` when it names a language we speak (en, en-US, zh_CN…). */
export function requestedLocale(req: Request): Locale | undefined {
  const raw = req.query.locale;
  if (typeof raw !== 'string') return undefined;
  if (/^en([-_][a-z0-9]+)*$/i.test(raw)) return 'en';
  if (/^zh([-_][a-z0-9]+)*$/i.test(raw)) return 'zh';
  return undefined;
}

/** `?locale=en|zh` (also en-US, zh_CN…), else the API's own choice (?lang=, Accept-Language); Chinese by default. */
export function localeOf(req: Request): Locale {
  const raw = stringParam(req, 'locale');
  if (raw !== undefined && requestedLocale(req) === undefined) throw badRequest('invalid_parameter', text('open311.locale', { got: raw }));
  return requestedLocale(req) ?? langOf(req);
}

/**
 * The format is the extension of every GeoReport v2 URL. The spec also defines XML; this
 * service serves JSON only, so `.xml` is refused with a 400 (rather than answered with JSON
 * under an .xml name, which an XML client would fail to parse). No extension means JSON.
 */
export function checkFormat(req: Request): void {
  const format = (req.params as { format?: string }).format;
  if (format === undefined || format === 'json') return;
  throw badRequest('unsupported_format', text('open311.json_only', { format }));
}

export function idOf(raw: string): number {
  const id = Number(raw);
  if (!/^\d{1,15}$/.test(raw) || !Number.isSafeInteger(id) || id === 0) {
    throw badRequest('invalid_id', text('open311.id', { got: raw }));
  }
  return id;
}

export function listOf(raw: string): string[] {
  return raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

export function statusesParam(req: Request): IncidentStatus[] | undefined {
  const raw = stringParam(req, 'status');
  if (raw === undefined) return undefined;
  const wanted = new Set(listOf(raw));
  const bad = [...wanted].find((s) => s !== 'open' && s !== 'closed');
  if (bad !== undefined) throw badRequest('invalid_parameter', text('open311.status', { got: bad }));
  if (wanted.size !== 1) return undefined; // both, or none given: every status
  return wanted.has('open') ? [...OPEN_STATUSES] : [...CLOSED_STATUSES];
}

/**
 * start_date and end_date (ISO 8601, both inclusive) on requested_datetime. The spec's window
 * is at most 90 days and defaults to the last 90: one of them alone opens 90 days from it.
 */
export function dateWindow(req: Request, now: Date): Pick<IncidentFilter, 'from' | 'to'> {
  const start = timeParam(req, 'start_date');
  const end = timeParam(req, 'end_date');
  if (!start && !end) return { from: new Date(now.getTime() - WINDOW_MS) };
  const from = start ?? new Date(end!.getTime() - WINDOW_MS);
  const last = end ?? new Date(start!.getTime() + WINDOW_MS);
  if (from > last) throw badRequest('invalid_parameter', text('open311.dates_order'));
  if (last.getTime() - from.getTime() > WINDOW_MS) throw badRequest('invalid_parameter', text('open311.dates_span'));
  // The filter's upper bound is exclusive; end_date is inclusive (times are kept to the millisecond).
  return { from, to: new Date(last.getTime() + 1) };
}

// ---- errors ----
