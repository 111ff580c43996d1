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
 *
 * This module is the router; routes/open311/ holds the form fields, the query parameters and the answers.
 */
import { Router, type Request } from 'express';
import { apiRouter } from './router.js';
import { asApiError, badRequest, notFound } from '../errors.js';
import type { Store } from '../db/connect.js';
import { getIncident, listIncidents, type Incident, type IncidentFilter } from '../db/incidents.js';
import { latestTransitionNotes } from '../db/open311.js';
import { categoryOf } from '../incidents/rules.js';
import { incidentsByIds, type IncidentService } from '../services/incidents.js';
import { stringParam } from './params.js';
import { assertIncidentInScope } from './incidents.js';
import { assertCovers, scopedPrefix, lookupById } from '../http/authorize.js';
import { incidentPlace } from '../access/places.js';
import { text } from '../i18n/catalogue.js';
import type { Open311Discovery, Open311RequestFiled, Open311ServiceDefinition } from '../api-types/open311.js';
import { CHANGESET, SPECIFICATION, open311Errors, origin, requestObject, serviceOf, unknownService } from './open311/answers.js';
import { field, fieldsOf, locationOf, reporterOf, MAX_DESCRIPTION, MAX_KEY, MAX_URL } from './open311/fields.js';
import { MAX_RESULTS, checkFormat, dateWindow, idOf, listOf, localeOf, statusesParam } from './open311/params.js';

export { open311Errors, open311Form } from './open311/answers.js';

/** The actor recorded with every incident filed through Open311: the key's name, marked as Open311. */
const actorOfRequest = (req: Request) => `open311:${req.principal?.name ?? 'anonymous'}`;

export function open311Router(store: Store, incidents: IncidentService): Router {
  const router = apiRouter();
  const now = () => incidents.clock.now();
  // Forms (the way GeoReport v2 clients POST) are parsed by the app before the key check, since
  // Open311 clients send their api_key in the form (see open311FormParser).

  const requestObjects = async (req: Request, list: Incident[]) => {
    const locale = localeOf(req);
    const notes = await latestTransitionNotes(store.db, list.map((incident) => incident.id));
    return list.map((incident) => requestObject(incidents.rules, req, locale, incident, notes.get(incident.id) ?? null));
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
    } satisfies Open311Discovery);
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
    res.json({ service_code: category.code, attributes: [] } satisfies Open311ServiceDefinition);
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
      .json([{ service_request_id: String(incident.id), service_notice: '', account_id: null }] satisfies Open311RequestFiled[]);
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
      list = await incidentsByIds(store.db, ids, at);
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

