/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) over incidents, so that
 * 12345-hotline-style clients can file requests and follow them:
 *
 *   GET  /open311/v2/discovery.json
 *   GET  /open311/v2/services.json            incident categories as services (?locale=en)
 *   GET  /open311/v2/services/{code}.json     a service definition (no attributes)
 *   POST /open311/v2/requests.json            file a request → an incident (source hotline)
 *   GET  /open311/v2/requests.json            requests, newest first (at most 1000)
 *   GET  /open311/v2/requests/{id}.json       one request, in an array as the spec has it
 *
 * Errors use the Open311 shape, `[{ "code": <http status>, "description": "…" }]`, with a 4xx
 * status for anything wrong with the request: the service's 422s (outside every grid, address
 * not found) become 400, the status GeoReport v2 clients expect for a request they must change.
 */
import express, { Router, type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import { apiRouter } from './router.js';
import { answerableError, ApiError, asApiError, badRequest, langOf, notFound, recordInternalError } from '../errors.js';
import { linkTo } from '../http/links.js';
import type { Store } from '../db/connect.js';
import { getIncident, listIncidents, type Incident, type IncidentFilter } from '../db/incidents.js';
import { latestTransitionNotes } from '../db/open311.js';
import { OPEN_STATUSES, type IncidentStatus } from '../incidents/states.js';
import { categoryOf, type IncidentCategory } from '../incidents/rules.js';
import { coordinateProblem } from '../geo/validate.js';
import { addressProblem } from '../formats/address-rows.js';
import type { IncidentService, ReportInput } from '../services/incidents.js';
import { stringParam, timeParam } from './params.js';
import { assertIncidentInScope } from './incidents.js';
import { assertCovers, scopedPrefix, lookupById } from '../http/authorize.js';
import { incidentPlace } from '../access/places.js';
import { shown, text, translate } from '../i18n/catalogue.js';
import type { Lang } from '../i18n/lang.js';

const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';
/** When this endpoint's documents last changed (GeoReport's sortable changeset); bump with them. */
const CHANGESET = '2026-11-23T00:00:00Z';
/** The actor recorded with every incident filed through Open311: the key's name, marked as Open311. */
const actorOfRequest = (req: Request) => `open311:${req.principal?.name ?? 'anonymous'}`;
/** The same limit as the JSON API's description. */
const MAX_DESCRIPTION = 2000;
const MAX_NAME = 50;
const MAX_CONTACT = 254;
/** Longest free-text id (address_id, device_id) accepted. */
const MAX_KEY = 200;
const MAX_URL = 2000;
/** The spec's cap on one answer, and its default (and widest) window of requested_datetime. */
const MAX_RESULTS = 1000;
const WINDOW_MS = 90 * 24 * 3_600_000;

/** Open311 open/closed over the closed loop of incidents. */
const CLOSED_STATUSES: readonly IncidentStatus[] = ['resolved', 'closed', 'rejected'];
const open311Status = (status: IncidentStatus): 'open' | 'closed' => (CLOSED_STATUSES.includes(status) ? 'closed' : 'open');

type Locale = Lang;

/** GeoReport v2's own `locale` when it names a language we speak (en, en-US, zh_CN…). */
function requestedLocale(req: Request): Locale | undefined {
  const raw = req.query.locale;
  if (typeof raw !== 'string') return undefined;
  if (/^en([-_][a-z0-9]+)*$/i.test(raw)) return 'en';
  if (/^zh([-_][a-z0-9]+)*$/i.test(raw)) return 'zh';
  return undefined;
}

/** `?locale=en|zh` (also en-US, zh_CN…), else the API's own choice (?lang=, Accept-Language); Chinese by default. */
function localeOf(req: Request): Locale {
  const raw = stringParam(req, 'locale');
  if (raw !== undefined && requestedLocale(req) === undefined) throw badRequest('invalid_parameter', text('open311.locale', { got: raw }));
  return requestedLocale(req) ?? langOf(req);
}

/**
 * The format is the extension of every GeoReport v2 URL. The spec also defines XML; this
 * service serves JSON only, so `.xml` is refused with a 400 (rather than answered with JSON
 * under an .xml name, which an XML client would fail to parse). No extension means JSON.
 */
function checkFormat(req: Request): void {
  const format = (req.params as { format?: string }).format;
  if (format === undefined || format === 'json') return;
  throw badRequest('unsupported_format', text('open311.json_only', { format }));
}

/** The service's public origin for absolute URLs (discovery, media links); '' (path-absolute) when not configured. */
function origin(req: Request): string {
  return linkTo(req, '');
}

function serviceOf(category: IncidentCategory, locale: Locale) {
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

function unknownService(code: string): ApiError {
  return notFound('unknown_service', text('open311.unknown_service', { code }));
}

// ---- POST requests: the fields of a form (or JSON object) ----

type Fields = Record<string, unknown>;

/**
 * The body as fields: form-encoded as GeoReport v2 clients send it, or a JSON object. A request
 * with no body at all has no fields (and fails on the missing api_key).
 */
function fieldsOf(req: Request): Fields {
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
function field(fields: Fields, name: string, max: number): string | null {
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
function locationOf(fields: Fields): Pick<ReportInput, 'point' | 'address'> {
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
function reporterOf(fields: Fields): string | null {
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

// ---- GET requests: parameters ----

function idOf(raw: string): number {
  const id = Number(raw);
  if (!/^\d{1,15}$/.test(raw) || !Number.isSafeInteger(id) || id === 0) {
    throw badRequest('invalid_id', text('open311.id', { got: raw }));
  }
  return id;
}

function listOf(raw: string): string[] {
  return raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function statusesParam(req: Request): IncidentStatus[] | undefined {
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
function dateWindow(req: Request, now: Date): Pick<IncidentFilter, 'from' | 'to'> {
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
  res.status(status).json([{ code: status, description }]);
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

export function open311Router(store: Store, incidents: IncidentService): Router {
  const router = apiRouter();
  const now = () => incidents.clock.now();
  // Forms (the way GeoReport v2 clients POST) are parsed by the app before the key check, since
  // Open311 clients send their api_key in the form (see open311FormParser).

  const requestObject = (req: Request, locale: Locale, incident: Incident, note: string | null) => {
    const category = categoryOf(incidents.rules, incident.category);
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
  };

  const requestObjects = async (req: Request, list: Incident[]) => {
    const locale = localeOf(req);
    const notes = await latestTransitionNotes(store.db, list.map((incident) => incident.id));
    return list.map((incident) => requestObject(req, locale, incident, notes.get(incident.id) ?? null));
  };

  router.get('/discovery{.:format}', (req, res) => {
    checkFormat(req);
    res.json({
      changeset: CHANGESET,
      contact: 'The grid governance centre (网格化服务管理中心) that runs this gridgov service',
      // API keys come in a later issue; until then any non-empty api_key is accepted.
      key_service: 'API keys are not issued yet: any non-empty api_key is accepted for now',
      endpoints: [
        { specification: SPECIFICATION, url: `${origin(req)}${req.baseUrl}`, changeset: CHANGESET, type: 'production', formats: ['application/json'] },
      ],
    });
  });

  router.get('/services{.:format}', (req, res) => {
    checkFormat(req);
    const locale = localeOf(req);
    res.json(incidents.rules.categories.map((category) => serviceOf(category, locale)));
  });

  router.get('/services/:code{.:format}', (req, res) => {
    checkFormat(req);
    const category = categoryOf(incidents.rules, req.params.code);
    if (!category) throw unknownService(req.params.code);
    // Categories ask nothing beyond the standard fields.
    res.json({ service_code: category.code, attributes: [] });
  });

  router.post('/requests{.:format}', async (req, res) => {
    checkFormat(req);
    const fields = fieldsOf(req);
    // api_key was checked before this router (server/http/authenticate.ts): a key whose role may file.
    const code = field(fields, 'service_code', 100);
    if (code === null) throw badRequest('missing_service_code', text('open311.service_code'));
    // GeoReport v2 answers a service_code it does not know with 404, as GET services/{code} does.
    if (!categoryOf(incidents.rules, code)) throw unknownService(code);
    const location = locationOf(fields);
    const description = field(fields, 'description', MAX_DESCRIPTION);
    const reporter = reporterOf(fields);
    // Accepted and checked but not kept: device_id and account_id have no place on an incident;
    // media_url is not fetched (pulling arbitrary URLs into the media store is a later issue);
    // jurisdiction_id does not apply (one jurisdiction per service).
    field(fields, 'device_id', MAX_KEY);
    field(fields, 'media_url', MAX_URL);
    const incident = await incidents.report({ category: code, source: 'hotline', description, reporter, ...location }, actorOfRequest(req), (grid) => assertCovers(req, grid, text('subject.request_grid')));
    res
      .status(201)
      .location(`${req.baseUrl}/requests/${incident.id}.json`)
      .json([{ service_request_id: String(incident.id), service_notice: '', account_id: null }]);
  });

  router.get('/requests{.:format}', async (req, res) => {
    checkFormat(req);
    const at = now();
    const rawIds = stringParam(req, 'service_request_id');
    let list: Incident[];
    if (rawIds !== undefined) {
      // The spec: service_request_id overrides every other argument. Ids not found are left out.
      const ids = [...new Set(listOf(rawIds).map(idOf))];
      if (ids.length > MAX_RESULTS) throw badRequest('invalid_parameter', text('open311.too_many_ids', { max: MAX_RESULTS }));
      list = [];
      for (const id of ids) {
        try {
          list.push(await getIncident(store.db, id, at));
        } catch (err) {
          if (asApiError(err)?.status !== 404) throw err;
        }
      }
      // Outside the key's area: left out, like ids not found.
      const prefix = scopedPrefix(req, undefined);
      if (prefix) list = list.filter((incident) => incidentPlace(incident).startsWith(prefix));
      list.sort((a, b) => b.reportedAt.localeCompare(a.reportedAt) || b.id - a.id);
    } else {
      const rawCodes = stringParam(req, 'service_code');
      const codes = rawCodes === undefined ? undefined : listOf(rawCodes);
      const unknown = codes?.find((code) => !categoryOf(incidents.rules, code));
      if (unknown !== undefined) throw unknownService(unknown);
      const filter: IncidentFilter = { categories: codes, statuses: statusesParam(req), regionPrefix: scopedPrefix(req, undefined), ...dateWindow(req, at) };
      list = (await listIncidents(store.db, filter, { limit: MAX_RESULTS, offset: 0 }, at)).incidents;
    }
    res.json(await requestObjects(req, list));
  });

  router.get('/requests/:id{.:format}', async (req, res) => {
    checkFormat(req);
    const id = idOf(req.params.id);
    let incident: Incident;
    try {
      // For a key of one area, an unknown id and one outside the area answer alike (403).
      incident = await lookupById(req, text('subject.incident'), id, getIncident(store.db, id, now()));
      assertIncidentInScope(req, incident);
    } catch (err) {
      if (asApiError(err)?.status === 404) throw notFound('unknown_request', text('open311.unknown_request', { id }));
      throw err;
    }
    res.json(await requestObjects(req, [incident]));
  });

  router.use((req) => {
    throw notFound('no_such_endpoint', text('open311.no_endpoint', { method: req.method, url: req.originalUrl, discovery: `${req.baseUrl}/discovery.json` }));
  });
  router.use(open311Errors);
  return router;
}
