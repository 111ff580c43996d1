/**
 * Grid staff (定格、定责、定员):
 * - POST/GET /api/staff, GET/PUT/DELETE /api/staff/:id (If-Match), GET /api/staff/:id/history;
 * - POST /api/staff/import — a roster CSV (姓名, 电话, 职务, 网格编码), all rows or none;
 * - GET /api/grids/:code/staff — who holds a grid;
 * - GET /api/regions/:code/staffing — basic grids without a full-time worker or a leader.
 *
 * Phone numbers are personal data: shown in full to keys that may contact staff
 * (`staff:contact`: admin, dispatcher) and to a worker for themself; masked for everyone else.
 * A key sees staff who serve a place in its area; changing one needs every place of theirs,
 * old and new, in its area.
 */
import express, { type Request, type Router } from 'express';
import { apiRouter } from './router.js';
import type { Store } from '../db/connect.js';
import type { KeyResolver } from '../http/authenticate.js';
import { ApiError, badRequest } from '../errors.js';
import { text } from '../i18n/catalogue.js';
import { can, covers } from '../access/principal.js';
import { assertCovers, coversEverything, scopedPlaces, scopedPrefix } from '../http/authorize.js';
import { createStaff, deleteStaff, getStaff, listStaff, placesOf, staffHistory, updateStaff, type StaffMember } from '../db/staff.js';
import { regionStaffing } from '../db/staffing.js';
import { checkStaffFields, STAFF_FIELDS, type StaffFields } from '../staff/input.js';
import { DUTIES, dutyOf, type Duty } from '../staff/duties.js';
import { maskPhone } from '../staff/phone.js';
import { importRoster, MAX_ROSTER_ROWS } from '../services/staff-roster.js';
import { actorOf, booleanParam, codeParam, etag, ifMatchCondition, integerParam, jsonBody, reasonOf, regionPrefixParam, stringParam } from './params.js';
import type { GridStaffAnswer, RegionStaffing, Staff, StaffHistoryAnswer, StaffImportAnswer, StaffPage } from '../api-types/staff.js';

/** A roster of 5,000 rows is well under a megabyte. */
const ROSTER_BYTES = 2 * 1024 * 1024;

export function staffIdParam(value: unknown): number {
  const id = Number(value);
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value) || !Number.isSafeInteger(id) || id < 1) throw badRequest('invalid_id', text('staff_invalid_id', { value: String(value).slice(0, 40) }));
  return id;
}

/** A staff member as this caller may see them: the phone in full only for who may contact staff, or for themself. */
export function presentStaff(req: Request, member: StaffMember): Staff {
  const principal = req.principal;
  const full = !principal || can(principal, 'staff:contact') || principal.staffId === member.id;
  return { ...member, phone: member.phone && !full ? maskPhone(member.phone) : member.phone, phoneMasked: Boolean(member.phone) && !full };
}

/** The places a (possibly removed) staff member serves or served last: what scope is judged on. */
async function placesForScope(store: Store, member: StaffMember): Promise<string[]> {
  if (!member.deletedAt) return placesOf(member);
  const [last] = (await staffHistory(store.db, member.id)).filter((version) => version.op !== 'delete' || version.gridCodes.length > 0);
  return last ? placesOf(last) : [];
}

/** Reads: the caller's area holds at least one of the person's places (a worker: one of its own grids). */
async function assertMayRead(store: Store, req: Request, member: StaffMember): Promise<void> {
  if (!req.principal || coversEverything(req) || req.principal.staffId === member.id) return;
  const places = await placesForScope(store, member);
  if (!places.some((place) => covers(req.principal!, place))) assertCovers(req, places[0] ?? '', text('subject.staff_grid'));
}

/** Changes: every place of the person, before and after, lies in the caller's area. */
function assertMayHold(req: Request, places: string[]): void {
  for (const place of places) assertCovers(req, place, text('subject.staff_place'));
}

function fieldsOf(body: unknown, current?: StaffFields): StaffFields {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('invalid_json', text('staff_invalid_body'));
  const checked = checkStaffFields(body as Record<string, unknown>, current);
  if (!checked.ok) {
    const [first] = checked.problems;
    throw badRequest(first!.code, first!.message, { problems: checked.problems });
  }
  return checked.value;
}

function dutiesParam(req: Request): Duty[] | undefined {
  const raw = stringParam(req, 'duty');
  if (raw === undefined) return undefined;
  return raw.split(',').map((value) => {
    const duty = dutyOf(value);
    if (!duty) throw badRequest('invalid_parameter', text('staff_invalid_duty', { value: value.slice(0, 40) }));
    return duty;
  });
}


export function staffRouter(store: Store, keys?: KeyResolver): Router {
  const router = apiRouter();
  // A worker key covers its staff member's grids: forget cached keys when anyone's grids change.
  const changed = () => keys?.clear();
  const now = () => new Date();
  const meta = (req: Request) => ({ actor: actorOf(req), reason: reasonOf(req), at: now() });

  router.post('/', async (req, res) => {
    const fields = fieldsOf(jsonBody(req));
    assertMayHold(req, placesOf(fields));
    const member = await createStaff(store.db, fields, meta(req));
    changed();
    res.status(201).location(`/api/staff/${member.id}`).set('ETag', etag(member.version)).json(presentStaff(req, member));
  });

  router.get('/', async (req, res) => {
    const region = regionPrefixParam(req);
    const grid = stringParam(req, 'grid');
    const scope = scopedPrefix(req, region);
    const places = scopedPlaces(req);
    const page = { limit: integerParam(req, 'limit', 100, 1, 1000), offset: integerParam(req, 'offset', 0, 0, 10_000_000) };
    const result = await listStaff(
      store.db,
      {
        gridCode: grid === undefined ? undefined : codeParam(grid, 15),
        placePrefixes: places ?? (scope === undefined ? undefined : [scope]),
        duties: dutiesParam(req),
        name: stringParam(req, 'name'),
      },
      page,
    );
    const answer: StaffPage = { total: result.total, ...page, staff: result.staff.map((member) => presentStaff(req, member)) };
    res.json(answer);
  });

  const roster = express.raw({ type: ['text/csv', 'application/csv', 'text/plain'], limit: ROSTER_BYTES });
  router.post('/import', roster, async (req, res) => {
    if (!req.is(['text/csv', 'application/csv', 'text/plain']) || !Buffer.isBuffer(req.body)) {
      throw new ApiError(415, 'unsupported_media_type', text('staff_import_csv', { max: MAX_ROSTER_ROWS }));
    }
    const dryRun = booleanParam(req, 'dryRun', false);
    const result = await importRoster(store.db, req.body, meta(req), { dryRun, mayHold: (place) => assertCovers(req, place, text('subject.staff_place')) });
    const answer: StaffImportAnswer = { ...result, staff: result.staff.map((member) => presentStaff(req, member)) };
    res.status(dryRun ? 200 : 201).json(answer);
  });

  router.get('/:id', async (req, res) => {
    const member = await getStaff(store.db, staffIdParam(req.params.id));
    await assertMayRead(store, req, member);
    res.set('ETag', etag(member.version)).json(presentStaff(req, member));
  });

  router.get('/:id/history', async (req, res) => {
    const id = staffIdParam(req.params.id);
    await assertMayRead(store, req, await getStaff(store.db, id));
    const full = !req.principal || can(req.principal, 'staff:contact') || req.principal.staffId === id;
    const versions = await staffHistory(store.db, id);
    const answer: StaffHistoryAnswer = { id, versions: versions.map((v) => ({ ...v, phone: v.phone && !full ? maskPhone(v.phone) : v.phone })) };
    res.json(answer);
  });

  router.put('/:id', async (req, res) => {
    const id = staffIdParam(req.params.id);
    const condition = ifMatchCondition(req);
    const body = jsonBody(req);
    const current = await getStaff(store.db, id);
    const fields = fieldsOf(body, current);
    assertMayHold(req, [...placesOf(current), ...placesOf(fields)]);
    const member = await updateStaff(store.db, id, fields, condition, meta(req));
    changed();
    res.set('ETag', etag(member.version)).json(presentStaff(req, member));
  });

  router.delete('/:id', async (req, res) => {
    const id = staffIdParam(req.params.id);
    const condition = ifMatchCondition(req);
    const current = await getStaff(store.db, id);
    assertMayHold(req, placesOf(current));
    const member = await deleteStaff(store.db, id, condition, meta(req));
    changed();
    res.json(presentStaff(req, member));
  });

  return router;
}

/** GET /api/grids/:code/staff: who holds a grid now, leader first. */
export function gridStaffRouter(store: Store): Router {
  const router = apiRouter();
  router.get('/:code/staff', async (req, res) => {
    const code = codeParam(req.params.code, 15);
    assertCovers(req, code, text('subject.grid'));
    const { staff } = await listStaff(store.db, { gridCode: code }, { limit: 1000, offset: 0 });
    const order = (duty: Duty) => DUTIES.indexOf(duty);
    staff.sort((a, b) => order(a.duty) - order(b.duty) || a.name.localeCompare(b.name, 'zh-CN') || a.id - b.id);
    const answer: GridStaffAnswer = { code, staff: staff.map((member) => presentStaff(req, member)) };
    res.json(answer);
  });
  return router;
}

/** GET /api/regions/:code/staffing: the 定员 check of a region's basic grids. */
export function staffingRouter(store: Store): Router {
  const router = apiRouter();
  router.get('/:code/staffing', async (req, res) => {
    const code = codeParam(req.params.code, 12);
    assertCovers(req, code, text('subject.region'));
    const answer: RegionStaffing = await regionStaffing(store.db, code);
    res.json(answer);
  });
  return router;
}

export { STAFF_FIELDS };
