/**
 * How Open311 answers: services from incident categories, requests from incidents, and errors in
 * GeoReport v2's shape `[{ "code": <http status>, "description": "…" }]`.
 */
import express, { type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import { answerableError, langOf, notFound, recordInternalError, type ApiError } from '../../errors.js';
import { linkTo } from '../../http/links.js';
import type { Incident } from '../../db/incidents.js';
import { categoryOf, type IncidentCategory, type IncidentRules } from '../../incidents/rules.js';
import { text, translate } from '../../i18n/catalogue.js';
import type { Lang } from '../../i18n/lang.js';
import { open311Status, requestedLocale, type Locale } from './params.js';
import type { Open311Error, Open311Request, Open311Service } from '../../api-types/open311.js';

export const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';
/** When this endpoint's documents last changed (GeoReport's sortable changeset); bump with them. */
export const CHANGESET = '2026-11-23T00:00:00Z';

/** The service's public origin for absolute URLs (discovery, media links); '' (path-absolute) when not configured. */
export function origin(req: Request): string {
  return linkTo(req, '');
}
export function serviceOf(category: IncidentCategory, locale: Locale): Open311Service {
  return {
    service_code: category.code,
    service_name: locale === 'en' ? category.nameEn : category.name,
    description: translate(text('open311.service_description', { name: locale === 'en' ? category.nameEn : category.name, hours: category.deadlineHours }), locale),
    metadata: false,
    type: 'realtime',
    keywords: [category.code, category.name, category.nameEn].join(', '),
    group: translate(text('open311.group'), locale),
  };
}

export function unknownService(code: string): ApiError {
  return notFound('unknown_service', text('open311.unknown_service', { code }));
}

/** A GeoReport v2 service request from an incident; `note` is its latest transition's note (why it is in its current state). */
export function requestObject(rules: IncidentRules, req: Request, locale: Locale, incident: Incident, note: string | null): Open311Request {
  const category = categoryOf(rules, incident.category);
  return {
    service_request_id: String(incident.id),
    status: open311Status(incident.status),
    // The note of the latest transition: why it is in its current state (null when none was given).
    status_notes: note,
    service_name: category ? (locale === 'en' ? category.nameEn : category.name) : incident.category,
    service_code: incident.category,
    description: incident.description,
    // Who handles it now: the grid (gridCode) while handled at grid level; after an escalation,
    // the village, township or county it was escalated to (handlingRegion, a region code).
    agency_responsible: incident.handlingLevel === 'grid' ? (incident.gridCode ?? incident.handlingRegion) : (incident.handlingRegion ?? incident.gridCode),
    service_notice: '',
    requested_datetime: incident.reportedAt,
    updated_datetime: incident.updatedAt,
    // The category's deadline.
    expected_datetime: incident.deadlineAt,
    address: incident.address,
    address_id: null,
    zipcode: null,
    lat: incident.lat,
    long: incident.lon,
    media_url: incident.mediaId === null ? null : `${origin(req)}/api/media/${incident.mediaId}`,
  };
}

function describe(err: ApiError, lang: Lang): string {
  const nearest = (err.details as { nearest?: { code: string; distanceM: number } | null } | undefined)?.nearest;
  if (err.code === 'not_in_any_grid' && nearest) return translate(text('open311.nearest', { message: err.text, code: nearest.code, distance: nearest.distanceM }), lang);
  return err.messageIn(lang);
}

export const open311Errors: ErrorRequestHandler = (err, req, res, _next) => {
  // The answer's language: GeoReport v2's own locale when it names one we speak, else the API's choice.
  const lang = requestedLocale(req) ?? langOf(req);
  let status: number;
  let description: string;
  // Errors of express' body parser (too large, bad JSON, unsupported charset…) and router: their 4xx.
  const answerable = answerableError(err);
  if (answerable && answerable.status < 500) {
    // The service's 422 (not in any grid, address not found) is a request the client must change: 400.
    status = answerable.status === 422 ? 400 : answerable.status;
    description = describe(answerable, lang);
  } else {
    recordInternalError(res, err);
    status = 500;
    description = translate(text('internal'), lang);
  }
  res.status(status).json([{ code: status, description }] satisfies Open311Error[]);
};

/**
 * GeoReport v2 clients POST forms (some send JSON) with their api_key inside: parsed before
 * authentication, which reads the key, and small (1 MB).
 */
const open311FormParsers = [express.urlencoded({ extended: false, limit: '1mb' }), express.json({ limit: '1mb', strict: false })];

/**
 * Open311 clients send their api_key inside the form, so the form of the one endpoint that takes
 * it (the policy row's body `form`) is read before the key check — 1 MB at most; nothing else is.
 */
export const open311Form: RequestHandler = (req, res, next) => {
  if (req.endpoint?.body !== 'form') return next();
  const [urlencoded, json] = open311FormParsers;
  urlencoded!(req, res, (error?: unknown) => (error ? next(error) : json!(req, res, next)));
};
