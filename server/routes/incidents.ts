/**
 * Incidents: report (at a point or an address), list with filters, read with their history,
 * move through the closed loop, escalate up the region tree, and the cameras that see one.
 */
import { Router, type Request } from 'express';
import { apiRouter } from './router.js';
import type { CategoriesAnswer, IncidentCamerasAnswer, IncidentDetail, IncidentPage, IncidentStep } from '../api-types/incidents.js';
import { badRequest, forbidden } from '../errors.js';
import { checkedPhoto } from '../services/photos.js';
import type { Snapshot } from '../media/snapshot.js';
import { getStaff } from '../db/staff.js';
import type { Store } from '../db/connect.js';
import { getIncident, incidentTransitions, listIncidents, LIST_ORDERS, type ChangeMeta, type Incident, type IncidentFilter, type IncidentOrder, type IncidentSource } from '../db/incidents.js';
import { camerasSeeing } from '../db/devices.js';
import { isIncidentStatus, INCIDENT_STATUSES, type IncidentStatus } from '../incidents/states.js';
import { isLight, LIGHTS } from '../incidents/light.js';
import { coordinateProblem } from '../geo/validate.js';
import { addressProblem } from '../formats/address-rows.js';
import type { IncidentService, ReportInput } from '../services/incidents.js';
import { assertCovers, assertVisible, lookupById, scopedPlaces, scopedPrefix } from '../http/authorize.js';
import { devicesInScope } from '../services/device-places.js';
import type { GridLocator } from '../services/grid-locator.js';
import { incidentPlace } from '../access/places.js';
import { actorOf, timeParam, bboxParam, codeParam, crsParam, etag, integerParam, jsonBody, regionPrefixParam, stringParam, type Unchecked } from './params.js';
import { shown, text } from '../i18n/catalogue.js';

export const INCIDENT_SOURCES: readonly IncidentSource[] = ['worker', 'resident', 'camera', 'sensor', 'hotline'];
const MAX_TEXT = 2000;
const MAX_NAME = 100;

function optionalText(value: unknown, name: string, max: number): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw badRequest('invalid_property', text('invalid_property.string', { name }));
  if (value.length > max) throw badRequest('invalid_property', text('invalid_property.text_length', { name, length: value.length, max }));
  return value.trim() || null;
}

/** An optional photo in a JSON body (base64 or a data: URL), checked as snapshots are. */
export async function photoOf(body: Record<string, unknown>): Promise<Snapshot | undefined> {
  return body.photo === undefined || body.photo === null ? undefined : checkedPhoto(body.photo);
}

/** The body of POST /api/incidents → a report, or a 400 naming what is wrong. */
export function reportInput(body: unknown): ReportInput {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('invalid_json', text('invalid_json.incident'));
  const b = body as Record<string, unknown>;
  if (typeof b.category !== 'string' || b.category === '') throw badRequest('invalid_property', text('invalid_property.category'));
  const source = b.source ?? 'resident';
  if (!INCIDENT_SOURCES.includes(source as IncidentSource)) throw badRequest('invalid_property', text('invalid_property.source', { allowed: INCIDENT_SOURCES }));
  const input: ReportInput = {
    category: b.category,
    source: source as IncidentSource,
    description: optionalText(b.description, 'description', MAX_TEXT),
    reporter: optionalText(b.reporter, 'reporter', MAX_NAME),
  };
  const hasPoint = b.lon !== undefined || b.lat !== undefined;
  if (hasPoint === (b.address !== undefined)) throw badRequest('invalid_location', text('invalid_location'));
  if (hasPoint) {
    const problem = coordinateProblem(b.lon, b.lat);
    if (problem) throw badRequest(problem.code, problem.message);
    input.point = { lon: b.lon as number, lat: b.lat as number, crs: crsParam(b.crs) };
  } else {
    const problem = addressProblem(b.address);
    if (problem) throw badRequest(problem.code, text('problem.at', { where: 'address', message: problem.message }));
    input.address = (b.address as string).trim();
  }
  return input;
}

function listParam<T extends string>(req: Request, name: string, valid: (value: string) => value is T, allowed: readonly string[]): T[] | undefined {
  const raw = stringParam(req, name);
  if (raw === undefined) return undefined;
  const values = raw.split(',').map((v) => v.trim());
  const bad = values.find((v) => !valid(v));
  if (bad !== undefined) throw badRequest('invalid_parameter', text('invalid_parameter.one_of', { name, got: bad, allowed }));
  return values as T[];
}

/** An incident outside the caller's area (where it lies, or its handling region when it has no grid) is unknown to it. */
export function assertIncidentInScope(req: Request, incident: Pick<Incident, 'id' | 'gridCode' | 'handlingRegion'>): void {
  assertVisible(req, incidentPlace(incident), text('subject.incident'), incident.id);
}

/** `assignee=<staff id>` (or `me` for a worker key). */
function assigneeParam(req: Request): number | undefined {
  const raw = stringParam(req, 'assignee');
  if (raw === undefined) return undefined;
  if (raw === 'me' && req.principal?.staffId) return req.principal.staffId;
  if (!/^\d{1,15}$/.test(raw) || !Number.isSafeInteger(Number(raw)) || Number(raw) < 1) throw badRequest('invalid_parameter', text('assignee_invalid'));
  return Number(raw);
}

/** Who acts: the actor's name, and the staff member when the key is a worker's. */
function changeMeta(req: Request, body: Record<string, unknown>, at: Date, photo?: Snapshot): ChangeMeta {
  return { actor: actorOf(req), note: noteOf(body), publicNote: optionalText(body.publicNote, 'publicNote', MAX_TEXT), at, actorStaffId: req.principal?.staffId ?? null, photo };
}

export function incidentFilter(req: Request, categories: readonly string[]): IncidentFilter {
  const grid = stringParam(req, 'grid');
  const light = stringParam(req, 'light');
  if (light !== undefined && !isLight(light)) throw badRequest('invalid_parameter', text('invalid_parameter.light', { allowed: LIGHTS }));
  const from = timeParam(req, 'from');
  const to = timeParam(req, 'to');
  if (from && to && from > to) throw badRequest('invalid_parameter', text('invalid_parameter.from_after_to'));
  return {
    // A key sees its own area only: the region asked for, narrowed to the key's scope.
    regionPrefix: scopedPrefix(req, regionPrefixParam(req)),
    gridCode: grid === undefined ? undefined : codeParam(grid, 15),
    statuses: listParam(req, 'status', isIncidentStatus, INCIDENT_STATUSES),
    light: light as IncidentFilter['light'],
    categories: listParam(req, 'category', (v): v is string => categories.includes(v), categories),
    from,
    to,
    bbox: bboxParam(req),
    // A worker key sees the incidents of its own places only.
    placePrefixes: scopedPlaces(req),
    assigneeStaffId: assigneeParam(req),
  };
}

function idParam(value: unknown): number {
  const id = Number(value);
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value) || !Number.isSafeInteger(id)) throw badRequest('invalid_id', text('invalid_id.incident', { got: String(value) }));
  return id;
}

/** If-Match on a transition is optional; when sent, it must name the current version. */
function expectedVersion(req: Request): number | undefined {
  const header = req.get('If-Match');
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^(W\/)?"(\d+)"$/.exec(header.trim());
  if (!match) throw badRequest('invalid_header', text('invalid_header.if_match', { got: shown(header) }));
  return Number(match[2]);
}

function noteOf(body: Record<string, unknown>): string | null {
  return optionalText(body.note, 'note', MAX_TEXT);
}

export function incidentsRouter(store: Store, incidents: IncidentService, locator: GridLocator): Router {
  const router = apiRouter();
  const categoryCodes = () => incidents.rules.categories.map((c) => c.code);
  /** The incident, when it lies in the caller's area (403 otherwise, 404 when there is none). */
  const incidentInScope = async (req: Request, id: number) => {
    const incident = await lookupById(req, text('subject.incident'), id, getIncident(store.db, id, now()));
    assertIncidentInScope(req, incident);
    return incident;
  };
  const now = () => incidents.clock.now();

  router.get('/categories', (_req, res) => {
    const answer: CategoriesAnswer = { categories: incidents.rules.categories, mergeWindowMinutes: incidents.rules.mergeWindowMinutes };
    res.json(answer);
  });

  router.post('/', async (req, res) => {
    const body = jsonBody(req);
    const input = reportInput(body);
    const staffId = req.principal?.staffId ?? null;
    if (staffId) {
      // A worker reports as themself, from their phone.
      input.source = 'worker';
      input.reporterStaffId = staffId;
      input.reporter ??= (await getStaff(store.db, staffId)).name;
    }
    input.photo = await photoOf(body as Record<string, unknown>);
    const incident = await incidents.report(input, actorOf(req), (grid) => assertCovers(req, grid, text('subject.incident_grid')));
    res.status(201).location(`/api/incidents/${incident.id}`).set('ETag', etag(incident.version)).json(incident);
  });

  router.get('/', async (req, res) => {
    const filter = incidentFilter(req, categoryCodes());
    const limit = integerParam(req, 'limit', 100, 1, 1000);
    const offset = integerParam(req, 'offset', 0, 0, 10_000_000);
    // newest (the default), urgency (open first, 一级 alarms first, then red, yellow, green, then the nearest deadline) or deadline.
    const sort = stringParam(req, 'sort') ?? 'newest';
    if (!(LIST_ORDERS as readonly string[]).includes(sort)) throw badRequest('invalid_parameter', text('invalid_parameter.sort', { allowed: LIST_ORDERS, got: shown(sort) }));
    const page = await listIncidents(store.db, filter, { limit, offset, order: sort as IncidentOrder }, now());
    const answer: IncidentPage = { total: page.total, limit, offset, incidents: page.incidents };
    res.json(answer);
  });

  router.get('/:id', async (req, res) => {
    const id = idParam(req.params.id);
    const incident = await incidentInScope(req, id);
    const detail: IncidentDetail = { ...incident, transitions: await incidentTransitions(store.db, id) };
    res.set('ETag', etag(incident.version)).json(detail);
  });

  router.post('/:id/transition', async (req, res) => {
    const id = idParam(req.params.id);
    const body = jsonBody(req) as Unchecked<IncidentStep>;
    if (body === null || typeof body !== 'object' || !isIncidentStatus(body.to)) {
      throw badRequest('invalid_property', text('invalid_property.transition', { allowed: INCIDENT_STATUSES }));
    }
    const assignee = body.assignee === undefined || body.assignee === null ? undefined : body.assignee;
    if (assignee !== undefined && (typeof assignee !== 'number' || !Number.isSafeInteger(assignee) || assignee < 1)) throw badRequest('invalid_property', text('assignee_invalid'));
    const own = req.principal?.staffId;
    if (own && assignee !== undefined && assignee !== own) throw forbidden('worker_not_own_staff', text('worker_not_own_staff', { own }));
    const meta = changeMeta(req, body, now(), undefined);
    meta.photo = await photoOf(body);
    await incidentInScope(req, id);
    const incident = await incidents.transition(id, { to: body.to as IncidentStatus, assignee, expectedVersion: expectedVersion(req) }, meta);
    res.set('ETag', etag(incident.version)).json(incident);
  });

  router.post('/:id/escalate', async (req, res) => {
    const id = idParam(req.params.id);
    // A body is optional here: escalating needs nothing but, perhaps, a note.
    const body = (req.get('content-type') === undefined ? {} : jsonBody(req)) as Unchecked<IncidentStep>;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('invalid_json', text('invalid_json.note'));
    const meta = changeMeta(req, body, now(), undefined);
    meta.photo = await photoOf(body);
    await incidentInScope(req, id);
    const incident = await incidents.escalate(id, meta, expectedVersion(req));
    res.set('ETag', etag(incident.version)).json(incident);
  });

  router.get('/:id/cameras', async (req, res) => {
    const incident = await incidentInScope(req, idParam(req.params.id));
    // A camera across the area's border may see the spot; a key of the area sees its own cameras only.
    const cameras = await devicesInScope(store.db, locator, req.principal, await camerasSeeing(store.db, incident.lon, incident.lat));
    const answer: IncidentCamerasAnswer = { incident: incident.id, cameras };
    res.json(answer);
  });

  return router;
}

