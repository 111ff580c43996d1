/**
 * Incidents: report (at a point or an address), list with filters, read with their history,
 * move through the closed loop, escalate up the region tree, and the cameras that see one.
 */
import { Router, type Request } from 'express';
import { apiRouter } from './router.js';
import { badRequest } from '../errors.js';
import type { Store } from '../db/connect.js';
import { escalateIncident, getIncident, incidentTransitions, listIncidents, LIST_ORDERS, transitionIncident, type Incident, type IncidentFilter, type IncidentOrder, type IncidentSource } from '../db/incidents.js';
import { camerasSeeing } from '../db/devices.js';
import { isIncidentStatus, INCIDENT_STATUSES, type IncidentStatus } from '../incidents/states.js';
import { isLight, LIGHTS } from '../incidents/light.js';
import { levelOfRegionCode, regionPrefix } from '../geo/codes.js';
import { coordinateProblem } from '../geo/validate.js';
import { addressProblem } from '../formats/address-rows.js';
import type { IncidentService, ReportInput } from '../services/incidents.js';
import { assertCovers, scopedPrefix } from '../http/authorize.js';
import { devicesInScope } from '../services/device-places.js';
import type { GridLocator } from '../services/grid-locator.js';
import { incidentPlace } from '../access/places.js';
import { prepareSnapshot, type Snapshot } from '../media/snapshot.js';
import { text } from '../i18n/catalogue.js';
import { actorOf, timeParam, bboxParam, codeParam, crsParam, etag, integerParam, jsonBody, stringParam } from './params.js';

export const INCIDENT_SOURCES: readonly IncidentSource[] = ['worker', 'resident', 'camera', 'sensor', 'hotline'];
const MAX_TEXT = 2000;
const MAX_NAME = 100;

function optionalText(value: unknown, name: string, max: number): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw badRequest('invalid_property', `${name} must be a string`);
  if (value.length > max) throw badRequest('invalid_property', `${name} has ${value.length} characters; at most ${max}`);
  return value.trim() || null;
}

/** The body of POST /api/incidents → a report, or a 400 naming what is wrong. */
export function reportInput(body: unknown): ReportInput {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('invalid_json', 'Expected an object { category, source, lon, lat | address, … }');
  const b = body as Record<string, unknown>;
  if (typeof b.category !== 'string' || b.category === '') throw badRequest('invalid_property', 'category is required (a category code, see GET /api/incidents/categories)');
  const source = b.source ?? 'resident';
  if (!INCIDENT_SOURCES.includes(source as IncidentSource)) throw badRequest('invalid_property', `source must be one of ${INCIDENT_SOURCES.join(', ')}`);
  const input: ReportInput = {
    category: b.category,
    source: source as IncidentSource,
    description: optionalText(b.description, 'description', MAX_TEXT),
    reporter: optionalText(b.reporter, 'reporter', MAX_NAME),
  };
  const hasPoint = b.lon !== undefined || b.lat !== undefined;
  if (hasPoint === (b.address !== undefined)) throw badRequest('invalid_location', 'Give either lon and lat (with crs) or an address');
  if (hasPoint) {
    const problem = coordinateProblem(b.lon, b.lat);
    if (problem) throw badRequest(problem.code, problem.message);
    input.point = { lon: b.lon as number, lat: b.lat as number, crs: crsParam(b.crs) };
  } else {
    const problem = addressProblem(b.address);
    if (problem) throw badRequest(problem.code, `address: ${problem.message}`);
    input.address = (b.address as string).trim();
  }
  return input;
}

function listParam<T extends string>(req: Request, name: string, valid: (value: string) => value is T, allowed: readonly string[]): T[] | undefined {
  const raw = stringParam(req, name);
  if (raw === undefined) return undefined;
  const values = raw.split(',').map((v) => v.trim());
  const bad = values.find((v) => !valid(v));
  if (bad !== undefined) throw badRequest('invalid_parameter', `${name} "${bad}" is not one of ${allowed.join(', ')}`);
  return values as T[];
}

function regionPrefixParam(req: Request): string | undefined {
  const raw = stringParam(req, 'region');
  if (raw === undefined) return undefined;
  const code = codeParam(raw, 12);
  const level = levelOfRegionCode(code);
  if (!level) throw badRequest('invalid_code', `"${code}" is not a region code`);
  return regionPrefix(code, level);
}

/** Refuses an incident outside the caller's area: where it lies (its grid), or its handling region when it has no grid. */
export function assertIncidentInScope(req: Request, incident: Pick<Incident, 'gridCode' | 'handlingRegion'>): void {
  assertCovers(req, incidentPlace(incident), 'The incident');
}

export function incidentFilter(req: Request, categories: readonly string[]): IncidentFilter {
  const grid = stringParam(req, 'grid');
  const light = stringParam(req, 'light');
  if (light !== undefined && !isLight(light)) throw badRequest('invalid_parameter', `light must be one of ${LIGHTS.join(', ')}`);
  const from = timeParam(req, 'from');
  const to = timeParam(req, 'to');
  if (from && to && from > to) throw badRequest('invalid_parameter', 'from must not be after to');
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
  };
}

function idParam(value: unknown): number {
  const id = Number(value);
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value) || !Number.isSafeInteger(id)) throw badRequest('invalid_id', `An incident id is a positive integer, got "${String(value)}"`);
  return id;
}

/** If-Match on a transition is optional; when sent, it must name the current version. */
function expectedVersion(req: Request): number | undefined {
  const header = req.get('If-Match');
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^(W\/)?"(\d+)"$/.exec(header.trim());
  if (!match) throw badRequest('invalid_header', `If-Match must be an ETag such as "3", got ${header}`);
  return Number(match[2]);
}

function noteOf(body: Record<string, unknown>): string | null {
  return optionalText(body.note, 'note', MAX_TEXT);
}

/** A step's optional photo: base64 JPEG/PNG (or a data: URL), checked as a camera snapshot is; a 400 says why not. */
async function photoOf(body: Record<string, unknown>): Promise<Snapshot | undefined> {
  if (body.photo === undefined || body.photo === null) return undefined;
  const prepared = await prepareSnapshot(body.photo);
  if (!prepared.ok) throw badRequest('invalid_property', text('invalid_property.photo', { reason: prepared.code }), { property: 'photo', reason: prepared.code });
  return prepared.value;
}

export function incidentsRouter(store: Store, incidents: IncidentService, locator: GridLocator): Router {
  const router = apiRouter();
  const categoryCodes = () => incidents.rules.categories.map((c) => c.code);
  /** The incident, when it lies in the caller's area (403 otherwise, 404 when there is none). */
  const incidentInScope = async (req: Request, id: number) => {
    const incident = await getIncident(store.db, id, now());
    assertIncidentInScope(req, incident);
    return incident;
  };
  const now = () => incidents.clock.now();

  router.get('/categories', (_req, res) => {
    res.json({ categories: incidents.rules.categories, mergeWindowMinutes: incidents.rules.mergeWindowMinutes });
  });

  router.post('/', async (req, res) => {
    const incident = await incidents.report(reportInput(jsonBody(req)), actorOf(req), (grid) => assertCovers(req, grid, 'The incident’s grid'));
    res.status(201).location(`/api/incidents/${incident.id}`).set('ETag', etag(incident.version)).json(incident);
  });

  router.get('/', async (req, res) => {
    const filter = incidentFilter(req, categoryCodes());
    const limit = integerParam(req, 'limit', 100, 1, 1000);
    const offset = integerParam(req, 'offset', 0, 0, 10_000_000);
    const sort = stringParam(req, 'sort') ?? 'newest';
    if (!(LIST_ORDERS as readonly string[]).includes(sort)) throw badRequest('invalid_parameter', `sort must be one of ${LIST_ORDERS.join(', ')}`);
    const page = await listIncidents(store.db, filter, { limit, offset, order: sort as IncidentOrder }, now());
    res.json({ total: page.total, limit, offset, incidents: page.incidents });
  });

  router.get('/:id', async (req, res) => {
    const id = idParam(req.params.id);
    const incident = await incidentInScope(req, id);
    res.set('ETag', etag(incident.version)).json({ ...incident, transitions: await incidentTransitions(store.db, id) });
  });

  router.post('/:id/transition', async (req, res) => {
    const id = idParam(req.params.id);
    const body = jsonBody(req) as Record<string, unknown>;
    if (body === null || typeof body !== 'object' || !isIncidentStatus(body.to)) {
      throw badRequest('invalid_property', `Expected { "to": one of ${INCIDENT_STATUSES.join(', ')}, "note"?, "photo"? }`);
    }
    const note = noteOf(body);
    const photo = await photoOf(body);
    await incidentInScope(req, id);
    await transitionIncident(store.db, id, body.to as IncidentStatus, { actor: actorOf(req), note, at: now(), photo }, expectedVersion(req));
    const incident = await getIncident(store.db, id, now());
    res.set('ETag', etag(incident.version)).json(incident);
  });

  router.post('/:id/escalate', async (req, res) => {
    const id = idParam(req.params.id);
    // A body is optional here: escalating needs nothing but, perhaps, a note.
    const body = (req.get('content-type') === undefined ? {} : jsonBody(req)) as Record<string, unknown>;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('invalid_json', 'Expected { "note"?, "photo"? }');
    const note = noteOf(body);
    const photo = await photoOf(body);
    await incidentInScope(req, id);
    await escalateIncident(store.db, id, { actor: actorOf(req), note, at: now(), photo }, expectedVersion(req));
    const incident = await getIncident(store.db, id, now());
    res.set('ETag', etag(incident.version)).json(incident);
  });

  router.get('/:id/cameras', async (req, res) => {
    const incident = await incidentInScope(req, idParam(req.params.id));
    // A camera across the area's border may see the spot; a key of the area sees its own cameras only.
    const cameras = await devicesInScope(store.db, locator, req.principal, await camerasSeeing(store.db, incident.lon, incident.lat));
    res.json({ incident: incident.id, cameras });
  });

  return router;
}

