/**
 * Fieldwork of grid staff, as their phones record it:
 * - POST /api/patrols {staffId?, clientId?, track, times?, crs?} — a piece of a patrol track;
 *   GET /api/patrols?staff=&from=&to=&bbox= — tracks as GeoJSON;
 * - GET /api/grids/:code/patrol-coverage?from=&to= — the share of its streets walked, and where not;
 * - POST /api/visits {staffId?, clientId?, addressId | address, visitedAt?, note?, photo?} — a
 *   visit (走访) to a registered address; GET /api/visits?staff=&grid=&from=&to=;
 * - GET /api/staff/:id/log?date=YYYY-MM-DD — the day's 网格日志.
 *
 * A worker key records for its own staff member only (staffId may be left out); any other key
 * allowed here names the staff member, who must serve places in its area.
 */
import { randomUUID } from 'node:crypto';
import type { Request, Router } from 'express';
import { apiRouter } from './router.js';
import type { Store } from '../db/connect.js';
import type { Clock } from '../clock.js';
import type { GridLocator } from '../services/grid-locator.js';
import { badRequest, forbidden, unprocessable } from '../errors.js';
import { text, type MessageKey } from '../i18n/catalogue.js';
import { covers } from '../access/principal.js';
import { assertCovers, coversEverything, scopedPlaces, scopedPrefix } from '../http/authorize.js';
import { getStaff, listStaff, staffPlaces } from '../db/staff.js';
import { listPatrols } from '../db/patrols.js';
import { insertVisit, listVisits, registeredAddress } from '../db/visits.js';
import { workRecords } from '../db/worklog.js';
import { checkTrack } from '../geo/patrol.js';
import { buildWorkLog } from '../staff/worklog.js';
import type { PatrolCoverageAnswer, PatrolRecorded, PatrolTracks, VisitRecorded, VisitsAnswer, WorkLogAnswer } from '../api-types/patrols.js';
import { patrolCoverage, recordPatrol } from '../services/patrols.js';
import { photoOf } from './incidents.js';
import { staffIdParam } from './staff.js';
import { bboxParam, codeParam, crsParam, integerParam, jsonBody, stringParam, timeParam } from './params.js';

const MAX_NOTE = 2000;
/** China has one time zone: a date is a day in it. */
const CHINA_OFFSET = '+08:00';

/** `name=YYYY-MM-DD` → that day in China [from, to); today when absent. */
export function dayParam(req: Request, name: string, now: Date): { date: string; from: Date; to: Date } {
  const raw = stringParam(req, name);
  const date = raw ?? new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  const from = new Date(`${date}T00:00:00${CHINA_OFFSET}`);
  // 2026-02-30 parses as March 2nd: a date must come back as itself.
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(from.getTime()) || new Date(from.getTime() + 8 * 3_600_000).toISOString().slice(0, 10) !== date) {
    throw badRequest('invalid_parameter', text('invalid_date', { name, value: String(raw).slice(0, 40) }));
  }
  return { date, from, to: new Date(from.getTime() + 86_400_000) };
}

function clientIdOf(value: unknown): string {
  if (value === undefined || value === null) return randomUUID();
  if (typeof value !== 'string' || !/^[A-Za-z0-9_.:-]{1,100}$/.test(value)) throw badRequest('invalid_property', text('patrol_invalid_client_id'));
  return value;
}

/**
 * The staff member fieldwork is recorded for: a worker's own, or the one named, who must serve
 * places in the caller's area.
 */
async function fieldworker(store: Store, req: Request, given: unknown): Promise<number> {
  const own = req.principal?.staffId;
  if (own) {
    if (given !== undefined && given !== null && given !== own) throw forbidden('worker_not_own_staff', text('worker_not_own_staff', { own }));
    return own;
  }
  if (given === undefined || given === null) throw badRequest('invalid_property', text('fieldwork_staff_required'));
  if (typeof given !== 'number' || !Number.isSafeInteger(given) || given < 1) throw badRequest('invalid_property', text('staff_invalid_id', { value: String(given).slice(0, 40) }));
  for (const place of await staffPlaces(store.db, given)) assertCovers(req, place, text('subject.staff_place'));
  return given;
}

/** `staff=<id>` for a listing: a worker sees their own; others the staff of their area. */
async function staffFilter(store: Store, req: Request): Promise<number[] | undefined> {
  const own = req.principal?.staffId;
  const raw = stringParam(req, 'staff');
  const asked = raw === undefined ? undefined : raw === 'me' && own ? own : staffIdParam(raw);
  if (own) {
    if (asked !== undefined && asked !== own) throw forbidden('worker_not_own_staff', text('worker_not_own_staff', { own }));
    return [own];
  }
  if (asked !== undefined) {
    const places = await staffPlaces(store.db, asked).catch(() => [] as string[]);
    if (!coversEverything(req) && !places.some((place) => covers(req.principal!, place))) assertCovers(req, places[0] ?? '', text('subject.staff_grid'));
    return [asked];
  }
  if (coversEverything(req)) return undefined;
  const prefix = scopedPrefix(req, undefined);
  const { staff } = await listStaff(store.db, { placePrefixes: prefix === undefined ? undefined : [prefix] }, { limit: 100_000, offset: 0 });
  return staff.map((member) => member.id);
}

function windowParams(req: Request) {
  const from = timeParam(req, 'from');
  const to = timeParam(req, 'to');
  if (from && to && from > to) throw badRequest('invalid_parameter', text('from_after_to'));
  return { from, to };
}

function optionalNote(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > MAX_NOTE) throw badRequest('invalid_property', text('note_too_long', { max: MAX_NOTE }));
  return value.trim() || null;
}

export function fieldworkRouter(store: Store, locator: GridLocator, clock: Clock): Router {
  const router = apiRouter();

  router.post('/patrols', async (req, res) => {
    const body = jsonBody(req) as Record<string, unknown>;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('invalid_json', text('patrol_invalid_track'));
    const checked = checkTrack(body.track, body.times, crsParam(body.crs), clock.now().getTime());
    if (!checked.ok) {
      const { code, params } = checked.problem;
      throw badRequest(code, text(`patrol_${code}` as MessageKey, params), params);
    }
    const clientId = clientIdOf(body.clientId);
    const staffId = await fieldworker(store, req, body.staffId);
    const recorded = await recordPatrol(store.db, staffId, clientId, checked.value, clock.now());
    res.status(recorded.duplicate ? 200 : 201).json({ ...recorded.patrol, duplicate: recorded.duplicate, grids: recorded.grids } satisfies PatrolRecorded);
  });

  router.get('/patrols', async (req, res) => {
    const staffIds = await staffFilter(store, req);
    const { from, to } = windowParams(req);
    const limit = integerParam(req, 'limit', 500, 1, 5000);
    const features = await listPatrols(store.db, { staffIds, from, to, bbox: bboxParam(req) }, limit);
    res.json({ type: 'FeatureCollection', features } satisfies PatrolTracks);
  });

  router.post('/visits', async (req, res) => {
    const body = jsonBody(req) as Record<string, unknown>;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('invalid_json', text('visit_address_required'));
    const { addressId, address } = body;
    let by: { id?: number; address?: string };
    if (typeof addressId === 'number' && Number.isSafeInteger(addressId) && addressId > 0) by = { id: addressId };
    else if (addressId === undefined && typeof address === 'string' && address.trim() !== '' && address.length <= 500) by = { address: address.trim() };
    else throw badRequest('invalid_property', text('visit_address_required'));
    const now = clock.now();
    const visitedAt = body.visitedAt === undefined ? now : new Date(typeof body.visitedAt === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(body.visitedAt) ? body.visitedAt : NaN);
    if (Number.isNaN(visitedAt.getTime()) || visitedAt.getTime() > now.getTime() + 5 * 60_000 || visitedAt.getTime() < now.getTime() - 31 * 86_400_000) {
      throw badRequest('invalid_property', text('patrol_invalid_time', { index: 0, value: String(body.visitedAt).slice(0, 40) }));
    }
    const note = optionalNote(body.note);
    const clientId = clientIdOf(body.clientId);
    const staffId = await fieldworker(store, req, body.staffId);
    const registered = await registeredAddress(store.db, by);
    const snapshot = await locator.live();
    const found = snapshot.index.locate(registered.lon, registered.lat);
    if (found < 0) throw unprocessable('not_in_any_grid', text('visit_not_in_grid'));
    const gridCode = snapshot.grids[found]!.code;
    assertCovers(req, gridCode, text('subject.address_grid'));
    const photo = await photoOf(body);
    const recorded = await insertVisit(store.db, { staffId, clientId, address: registered, gridCode, visitedAt, note, photo }, now);
    res.status(recorded.duplicate ? 200 : 201).json({ ...recorded.visit, duplicate: recorded.duplicate } satisfies VisitRecorded);
  });

  router.get('/visits', async (req, res) => {
    const staffIds = await staffFilter(store, req);
    const grid = stringParam(req, 'grid');
    if (grid !== undefined) assertCovers(req, codeParam(grid, 15), text('subject.grid'));
    const places = scopedPlaces(req);
    const { from, to } = windowParams(req);
    const visits = await listVisits(store.db, { staffIds, gridCodes: grid ? [grid] : undefined, from, to }, integerParam(req, 'limit', 500, 1, 5000));
    res.json({ visits: places ? visits.filter((v) => places.some((p) => v.gridCode.startsWith(p)) || v.staffId === req.principal?.staffId) : visits } satisfies VisitsAnswer);
  });

  router.get('/staff/:id/log', async (req, res) => {
    const id = staffIdParam(req.params.id);
    const own = req.principal?.staffId;
    if (own && own !== id) throw forbidden('worker_not_own_staff', text('worker_not_own_staff', { own }));
    const member = await getStaff(store.db, id);
    if (!own && !coversEverything(req)) {
      const places = member.regionCode ? [...member.gridCodes, member.regionCode] : member.gridCodes;
      if (!places.some((place) => covers(req.principal!, place))) assertCovers(req, places[0] ?? '', text('subject.staff_grid'));
    }
    const day = dayParam(req, 'date', clock.now());
    const log = buildWorkLog(day.date, await workRecords(store.db, id, day.from, day.to));
    res.json({ staffId: id, name: member.name, duty: member.duty, gridCodes: member.gridCodes, ...log } satisfies WorkLogAnswer);
  });

  return router;
}

/** GET /api/grids/:code/patrol-coverage: how much of a grid its patrols reached in a window (default: the last 7 days). */
export function patrolCoverageRouter(store: Store, clock: Clock): Router {
  const router = apiRouter();
  router.get('/:code/patrol-coverage', async (req, res) => {
    const code = codeParam(req.params.code, 15);
    assertCovers(req, code, text('subject.grid'));
    const now = clock.now();
    const { from = new Date(now.getTime() - 7 * 86_400_000), to = now } = windowParams(req);
    const coverage = await patrolCoverage(store.db, code, { from, to });
    res.json({ ...coverage, from: from.toISOString(), to: to.toISOString() } satisfies PatrolCoverageAnswer);
  });
  return router;
}
