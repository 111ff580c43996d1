/**
 * Grid staff (定员): who holds which grid, and who serves a region, with every version kept.
 * Writes lock the staff row, check the version the caller read (If-Match), write the next
 * version and its history row, and hand open incidents of grids a person no longer holds to
 * whoever holds them now — in one transaction.
 */
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database, StaffDuty, StaffTable } from './schema.js';
import type { VersionCondition } from './grids.js';
import { inTransaction } from './transaction.js';
import { conflictError, goneError, invalidError, notFoundError, staleError } from '../domain-errors.js';
import { text } from '../i18n/catalogue.js';
import { levelOfRegionCode, regionPrefix } from '../geo/codes.js';
import { reassignOrphans } from './assignment.js';
import type { StaffFields, StaffRecord, StaffVersion } from '../api-types/staff.js';

/** The API's own shapes (server/api-types/staff.ts): what is written, and the member as stored. */
export type StaffInput = StaffFields;
export type StaffMember = StaffRecord;

export type { StaffVersion } from '../api-types/staff.js';

export interface StaffMeta {
  actor: string;
  reason: string | null;
  at: Date;
}

export interface StaffFilter {
  /** Staff holding this grid. */
  gridCode?: string;
  /** Staff with a place (grid or region) under one of these prefixes (the caller's scope); [] matches nobody. */
  placePrefixes?: string[];
  duties?: StaffDuty[];
  /** Part of the name. */
  name?: string;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

type StaffRow = Selectable<StaffTable>;

function present(row: StaffRow, gridCodes: string[]): StaffMember {
  return {
    id: Number(row.id),
    name: row.name,
    phone: row.phone,
    duty: row.duty,
    regionCode: row.region_code,
    gridCodes,
    version: Number(row.version),
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
    deletedAt: iso(row.deleted_at),
  };
}

async function gridCodesOf(db: Kysely<Database>, ids: number[]): Promise<Map<number, string[]>> {
  const byStaff = new Map<number, string[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return byStaff;
  const rows = await db.selectFrom('staff_grids').select(['staff_id', 'grid_code']).where('staff_id', 'in', ids).orderBy('grid_code').execute();
  for (const row of rows) byStaff.get(Number(row.staff_id))?.push(row.grid_code);
  return byStaff;
}

/** One staff member (a removed one too, with deletedAt); not_found for an id never issued. */
export async function getStaff(db: Kysely<Database>, id: number): Promise<StaffMember> {
  const row = await db.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFoundError('unknown_staff', text('unknown_staff', { id }));
  return present(row, (await gridCodesOf(db, [id])).get(id)!);
}

/** The places (grid codes and the region code) a current staff member serves: what a worker key covers. */
export async function staffPlaces(db: Kysely<Database>, id: number): Promise<string[]> {
  const member = await getStaff(db, id);
  if (member.deletedAt) throw goneError('staff_removed', text('staff_removed', { id }));
  return placesOf(member);
}

export function placesOf(member: Pick<StaffInput, 'gridCodes' | 'regionCode'>): string[] {
  return member.regionCode ? [...member.gridCodes, member.regionCode] : [...member.gridCodes];
}

/** The prefix (LIKE) condition on a staff member's places, for the caller's scope. */
function placeCondition(prefixes: string[]) {
  if (prefixes.length === 0) return sql<boolean>`false`;
  const patterns = prefixes.map((p) => `${p}%`);
  return sql<boolean>`(s.region_code LIKE ANY (${sql.val(patterns)}::text[])
    OR EXISTS (SELECT 1 FROM staff_grids g WHERE g.staff_id = s.id AND g.grid_code LIKE ANY (${sql.val(patterns)}::text[])))`;
}

/** Current staff matching `filter`, by name; `total` counts them all. */
export async function listStaff(db: Kysely<Database>, filter: StaffFilter, page: { limit: number; offset: number }): Promise<{ total: number; staff: StaffMember[] }> {
  let query = db.selectFrom('staff as s').where('s.deleted_at', 'is', null);
  if (filter.gridCode) query = query.where(sql<boolean>`EXISTS (SELECT 1 FROM staff_grids g WHERE g.staff_id = s.id AND g.grid_code = ${filter.gridCode})`);
  if (filter.placePrefixes) query = query.where(placeCondition(filter.placePrefixes));
  if (filter.duties?.length) query = query.where('s.duty', 'in', filter.duties);
  if (filter.name) query = query.where('s.name', 'like', `%${filter.name.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  const [rows, count] = await Promise.all([
    query.selectAll('s').orderBy('s.name').orderBy('s.id').limit(page.limit).offset(page.offset).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const grids = await gridCodesOf(db, rows.map((row) => Number(row.id)));
  return { total: Number(count.n), staff: rows.map((row) => present(row, grids.get(Number(row.id))!)) };
}

/** Every version of a staff member, newest first. */
export async function staffHistory(db: Kysely<Database>, id: number): Promise<StaffVersion[]> {
  await getStaff(db, id);
  const rows = await db.selectFrom('staff_versions').selectAll().where('staff_id', '=', id).orderBy('version', 'desc').execute();
  return rows.map((row) => ({
    version: Number(row.version),
    op: row.op,
    validFrom: iso(row.valid_from)!,
    validTo: iso(row.valid_to),
    name: row.name,
    phone: row.phone,
    duty: row.duty,
    regionCode: row.region_code,
    gridCodes: [...row.grid_codes].sort(),
    actor: row.actor,
    reason: row.reason,
  }));
}

/**
 * Why these places cannot be held (unknown or retired grids, an unknown region, places in more
 * than one township), as a list of problems; empty when they can.
 */
export async function placeProblems(db: Kysely<Database>, input: Pick<StaffInput, 'gridCodes' | 'regionCode'>): Promise<{ code: string; message: ReturnType<typeof text>; value?: string }[]> {
  const problems: { code: string; message: ReturnType<typeof text>; value?: string }[] = [];
  if (input.gridCodes.length === 0 && !input.regionCode) problems.push({ code: 'no_place', message: text('staff_no_place') });
  if (input.gridCodes.length > 0) {
    const rows = await db.selectFrom('grids').select(['code', 'retired_at']).where('code', 'in', input.gridCodes).execute();
    const known = new Map(rows.map((row) => [row.code, row]));
    for (const code of input.gridCodes) {
      const row = known.get(code);
      if (!row) problems.push({ code: 'unknown_grid', message: text('staff_unknown_grid', { code }), value: code });
      else if (row.retired_at) problems.push({ code: 'grid_retired', message: text('staff_grid_retired', { code }), value: code });
    }
  }
  let scope: string | undefined;
  if (input.regionCode) {
    const region = await db.selectFrom('regions').select(['code', 'level']).where('code', '=', input.regionCode).executeTakeFirst();
    if (!region) problems.push({ code: 'unknown_region', message: text('staff_unknown_region', { code: input.regionCode }), value: input.regionCode });
    else scope = regionPrefix(region.code, levelOfRegionCode(region.code) ?? 'village');
  }
  // A person is managed by one township's grid office: their grids lie in their region, or in one township.
  const township = scope && scope.length >= 9 ? undefined : input.gridCodes[0]?.slice(0, 9);
  for (const code of input.gridCodes) {
    const outside = scope !== undefined ? !code.startsWith(scope) : township !== undefined && !code.startsWith(township);
    if (outside) {
      problems.push({ code: 'places_apart', message: scope !== undefined ? text('staff_grid_outside_region', { code, region: input.regionCode! }) : text('staff_grids_apart', { code, township: `${township}000` }), value: code });
    }
  }
  return problems;
}

async function assertPlaces(db: Kysely<Database>, input: StaffInput): Promise<void> {
  const problems = await placeProblems(db, input);
  if (problems.length > 0) throw invalidError(problems[0].code, problems[0].message, { problems: problems.map(({ code, value }) => ({ code, value })) });
}

async function writeVersion(trx: Transaction<Database>, id: number, version: number, op: StaffVersion['op'], input: StaffInput, meta: StaffMeta): Promise<void> {
  await trx.updateTable('staff_versions').set({ valid_to: meta.at }).where('staff_id', '=', id).where('valid_to', 'is', null).execute();
  await trx
    .insertInto('staff_versions')
    .values({
      staff_id: id,
      version,
      op,
      valid_from: meta.at,
      valid_to: op === 'delete' ? meta.at : null,
      name: input.name,
      phone: input.phone,
      duty: input.duty,
      region_code: input.regionCode,
      grid_codes: input.gridCodes,
      actor: meta.actor,
      reason: meta.reason,
    })
    .execute();
}

/** Replaces a staff member's grids with `codes`, keeping the `since` of grids held already. */
async function setGrids(trx: Transaction<Database>, id: number, codes: string[], at: Date): Promise<void> {
  await trx.deleteFrom('staff_grids').where('staff_id', '=', id).where((eb) => (codes.length ? eb('grid_code', 'not in', codes) : sql<boolean>`true`)).execute();
  if (codes.length > 0) {
    await sql`INSERT INTO staff_grids (staff_id, grid_code, since)
      SELECT ${id}, code, ${at} FROM unnest(${sql.val(codes)}::text[]) AS code
      ON CONFLICT (staff_id, grid_code) DO NOTHING`.execute(trx);
  }
}

export async function createStaff(db: Kysely<Database>, input: StaffInput, meta: StaffMeta): Promise<StaffMember> {
  return inTransaction(db, async (trx) => {
    await assertPlaces(trx, input);
    await assertNotDuplicate(trx, input);
    const row = await trx
      .insertInto('staff')
      .values({ name: input.name, phone: input.phone, duty: input.duty, region_code: input.regionCode, created_at: meta.at, updated_at: meta.at, deleted_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    const id = Number(row.id);
    await setGrids(trx, id, input.gridCodes, meta.at);
    await writeVersion(trx, id, 1, 'create', input, meta);
    return getStaff(trx, id);
  });
}

async function lockStaff(trx: Transaction<Database>, id: number, condition: VersionCondition): Promise<StaffMember> {
  const row = await trx.selectFrom('staff').select(['id', 'version', 'deleted_at']).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw notFoundError('unknown_staff', text('unknown_staff', { id }));
  if (row.deleted_at) throw goneError('staff_removed', text('staff_removed', { id }));
  if (condition !== 'any' && !condition.versions.includes(Number(row.version))) {
    throw staleError('stale_version', text('staff_stale_version', { id, version: Number(row.version) }), { currentVersion: Number(row.version) });
  }
  return getStaff(trx, id);
}

/** The next version of a staff member (all fields given), when `condition` still holds. */
export async function updateStaff(db: Kysely<Database>, id: number, input: StaffInput, condition: VersionCondition, meta: StaffMeta): Promise<StaffMember> {
  return inTransaction(db, async (trx) => {
    const current = await lockStaff(trx, id, condition);
    await assertPlaces(trx, input);
    await assertNotDuplicate(trx, input, id);
    const version = current.version + 1;
    await trx
      .updateTable('staff')
      .set({ name: input.name, phone: input.phone, duty: input.duty, region_code: input.regionCode, version, updated_at: meta.at })
      .where('id', '=', id)
      .execute();
    await setGrids(trx, id, input.gridCodes, meta.at);
    await writeVersion(trx, id, version, 'update', input, meta);
    await reassignOrphans(trx, [id], meta);
    return getStaff(trx, id);
  });
}

/**
 * Removes a staff member (kept in history): their grids are let go, their worker keys revoked,
 * and their open incidents handed to whoever holds the grid now.
 */
export async function deleteStaff(db: Kysely<Database>, id: number, condition: VersionCondition, meta: StaffMeta): Promise<StaffMember> {
  return inTransaction(db, async (trx) => {
    const current = await lockStaff(trx, id, condition);
    const version = current.version + 1;
    await trx.updateTable('staff').set({ version, updated_at: meta.at, deleted_at: meta.at }).where('id', '=', id).execute();
    await setGrids(trx, id, [], meta.at);
    await writeVersion(trx, id, version, 'delete', current, meta);
    await trx.updateTable('api_keys').set({ revoked_at: meta.at }).where('staff_id', '=', id).where('revoked_at', 'is', null).execute();
    await reassignOrphans(trx, [id], meta);
    return getStaff(trx, id);
  });
}

/** Creates many staff members at once: all of them, or (on the first refusal) none. */
export async function createStaffBatch(db: Kysely<Database>, inputs: StaffInput[], meta: StaffMeta): Promise<StaffMember[]> {
  return inTransaction(db, async (trx) => {
    const created: StaffMember[] = [];
    for (const input of inputs) created.push(await createStaff(trx, input, meta));
    return created;
  });
}

/**
 * Moves staff between grids as lineage decided (server/staff/carry.ts): each a new version
 * ('regrid') with the reason, and open incidents of the grids they left handed on.
 */
export async function regridStaff(trx: Transaction<Database>, moves: Map<number, string[]>, meta: StaffMeta): Promise<void> {
  for (const [id, codes] of moves) {
    const current = await getStaff(trx, id);
    const version = current.version + 1;
    await trx.updateTable('staff').set({ version, updated_at: meta.at }).where('id', '=', id).execute();
    await setGrids(trx, id, codes, meta.at);
    await writeVersion(trx, id, version, 'regrid', { ...current, gridCodes: codes }, meta);
  }
  await reassignOrphans(trx, [...moves.keys()], meta);
}

/** Who holds these grids now: grid code → staff ids. */
export async function holdersOf(db: Kysely<Database>, codes: string[]): Promise<{ staffId: number; gridCode: string }[]> {
  if (codes.length === 0) return [];
  const rows = await db
    .selectFrom('staff_grids as g')
    .innerJoin('staff as s', 's.id', 'g.staff_id')
    .select(['g.staff_id', 'g.grid_code'])
    .where('g.grid_code', 'in', codes)
    .where('s.deleted_at', 'is', null)
    .orderBy('g.staff_id')
    .execute();
  return rows.map((row) => ({ staffId: Number(row.staff_id), gridCode: row.grid_code }));
}

/** Two staff members with the same name and phone would be the same person twice. */
export async function assertNotDuplicate(db: Kysely<Database>, input: StaffInput, exceptId?: number): Promise<void> {
  if (!input.phone) return;
  let query = db.selectFrom('staff').select('id').where('deleted_at', 'is', null).where('name', '=', input.name).where('phone', '=', input.phone);
  if (exceptId !== undefined) query = query.where('id', '<>', exceptId);
  const twin = await query.executeTakeFirst();
  if (twin) throw conflictError('staff_exists', text('staff_exists', { id: Number(twin.id) }), { id: Number(twin.id) });
}
