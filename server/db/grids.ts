/**
 * Grids: create (one or a batch, all or nothing), update and retire under optimistic
 * concurrency, and reads of the live map, of any past moment (asOf) and of the history.
 */
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database, GridsTable, GridVersionsTable } from './schema.js';
import { DomainError, notFoundError, goneError, conflictError, invalidError, staleError } from '../domain-errors.js';
import { GRID_NUMBER_RANGES, formatGridCode, numberClassOfKind, type GridKind, type GridNumberClass } from '../geo/codes.js';
import { readingOrder } from '../geo/order.js';
import type { Polygonal } from '../geo/validate.js';
import { checkStaged, ProblemList, stage, type StagingDb } from './grid-checks.js';
export { ProblemList };
import { inForce, selectVersions, toFeature, toVersionFeature, type GridFeature, type GridVersionFeature, type VersionRow } from './grid-rows.js';
import { carryStaff } from './staff-lineage.js';
import { text, type Text } from '../i18n/catalogue.js';
import { kindWord } from '../i18n/words.js';
import { refreshHouseholds } from './households.js';

export interface GridAttributes {
  name: string;
  kind: GridKind;
  specialType: string | null;
  households: number | null;
  population: number | null;
}

export interface NewGrid extends GridAttributes {
  regionCode: string;
  geometry: Polygonal;
}

export interface ChangeMeta {
  actor: string;
  reason: string | null;
}

/** A write refused by its checks: 422 with the problems of each feature. */
export function rejectWrite(problems: ProblemList, single: boolean): DomainError {
  const list = problems.toJSON();
  if (single && list.length === 1) {
    const [first] = list[0].problems;
    return invalidError(first.code, first.message, { problems: list[0].problems });
  }
  const count = list.length;
  return invalidError('batch_rejected', text('batch_rejected', { count }), {
    errors: list,
  });
}

/** Why a grid's number cannot take a new kind (a basic number for a special grid, or the other way). */
export function kindClassChange(code: string, current: GridKind, kind: GridKind): Text {
  return text('kind_class_change', { code, current: text(`class.${numberClassOfKind(current)}`), kind: kindWord(kind) });
}

/** The database clock, to the millisecond, so that versions order by time the way they commit. */
export async function now(trx: Transaction<Database>): Promise<Date> {
  const { rows } = await sql<{ at: Date }>`SELECT date_trunc('milliseconds', clock_timestamp()) AS at`.execute(trx);
  return rows[0].at;
}

export async function lockRegions(trx: Transaction<Database>, codes: string[]): Promise<Map<string, { level: string }>> {
  const unique = [...new Set(codes)];
  const rows = unique.length
    ? await trx.selectFrom('regions').select(['code', 'level']).where('code', 'in', unique).orderBy('code').forUpdate().execute()
    : [];
  return new Map(rows.map((row) => [row.code, { level: row.level }]));
}

/**
 * Numbers new grids per village and class (basic 001–899, special 900–999), continuing after
 * the highest number ever issued there so that a retired code is never reused, in reading
 * order (west→east, north→south) of the batch.
 */
async function assignCodes(db: StagingDb, problems: ProblemList): Promise<void> {
  const staged = await sql<{ idx: number; region_code: string; kind: string; x: number; y: number; height: number }>`
    SELECT idx, region_code, kind, ST_X(ST_Centroid(geom)) AS x, ST_Y(ST_Centroid(geom)) AS y,
           ST_YMax(geom) - ST_YMin(geom) AS height
    FROM grid_staging`.execute(db);
  const groups = new Map<string, typeof staged.rows>();
  for (const row of staged.rows) {
    const key = `${row.region_code}/${numberClassOfKind(row.kind as GridKind)}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const assigned: { idx: number; code: string; number: number }[] = [];
  for (const [key, rows] of groups) {
    const [regionCode, numberClass] = key.split('/') as [string, GridNumberClass];
    const range = GRID_NUMBER_RANGES[numberClass];
    const { max } = await db
      .selectFrom('grids')
      .select((eb) => eb.fn.max<number | null>('number').as('max'))
      .where('region_code', '=', regionCode)
      .where('number', '>=', range.first)
      .where('number', '<=', range.last)
      .executeTakeFirstOrThrow();
    let next = (max ?? range.first - 1) + 1;
    for (const position of readingOrder(rows)) {
      const row = rows[position];
      if (next > range.last) {
        problems.add(row.idx, {
          code: 'codes_exhausted',
          message: text('codes_exhausted', { regionCode, numberClass: text(`class.${numberClass}`), first: range.first, last: range.last }),
        });
        continue;
      }
      assigned.push({ idx: row.idx, code: formatGridCode(regionCode, next), number: next });
      next++;
    }
  }
  await sql`
    UPDATE grid_staging s SET code = m.code, number = m.number
    FROM json_to_recordset(${JSON.stringify(assigned)}::json) AS m(idx integer, code text, number integer)
    WHERE s.idx = m.idx`.execute(db);
}

const ANALYZE_AFTER = 500;

export interface CreateOptions {
  /** Request positions of `grids` (default 0, 1, 2…), for problem reports. */
  indices?: number[];
  /** Problems the caller already found in features it could not pass on; reported together. */
  problems?: ProblemList;
  /** A single-feature request reports its first problem as the error itself. */
  single?: boolean;
}

/**
 * Creates grids, all or nothing. Every check runs over the whole batch so that the caller gets
 * every problem at once; if any feature fails, nothing is written and a 422 lists them.
 * Returns the stored features in input order.
 */
export async function createGrids(
  db: Kysely<Database>,
  grids: NewGrid[],
  meta: ChangeMeta,
  options: CreateOptions = {},
): Promise<GridFeature[]> {
  return db.transaction().execute((trx) => createGridsIn(trx, grids, meta, options));
}

/** createGrids inside a transaction the caller holds (e.g. to retire and replace in one go). */
export async function createGridsIn(
  trx: Transaction<Database>,
  grids: NewGrid[],
  meta: ChangeMeta,
  options: CreateOptions = {},
): Promise<GridFeature[]> {
  const indices = options.indices ?? grids.map((_, index) => index);
  const problems = options.problems ?? new ProblemList();
  const regions = await lockRegions(trx, grids.map((grid) => grid.regionCode));
  const staging = await stage(
    trx,
    grids.map((grid, i) => ({ ...grid, index: indices[i], code: null })),
  );
  await checkStaged(staging, regions, problems);
  if (problems.size === 0) await assignCodes(staging, problems);
  if (problems.size > 0) throw rejectWrite(problems, options.single ?? grids.length === 1);

  const at = await now(trx);
  await sql`
    INSERT INTO grids (code, region_code, number, version, created_at)
    SELECT code, region_code, number, 1, ${at} FROM grid_staging`.execute(trx);
  await sql`
    INSERT INTO grid_versions (code, version, op, valid_from, region_code, name, kind, special_type,
                               households, population, geom, actor, reason)
    SELECT code, 1, 'create', ${at}, region_code, name, kind, special_type, households, population, geom,
           ${meta.actor}, ${meta.reason}
    FROM grid_staging`.execute(trx);
  const { rows: staged } = await sql<{ code: string }>`SELECT code FROM grid_staging`.execute(trx);
  await refreshHouseholds(trx, { codes: staged.map((row) => row.code) });
  // PGlite has no autovacuum: after a large import, refresh the planner's statistics so
  // that the next batch's overlap check looks up neighbours by index instead of scanning.
  if (grids.length >= ANALYZE_AFTER) await sql`ANALYZE grids, grid_versions`.execute(trx);
  const rows = await selectVersions(trx).innerJoin('grid_staging as s', 's.code', 'v.code').where('v.version', '=', 1).orderBy('s.idx').execute();
  return rows.map(toFeature);
}

/** The codes and versions of a village's live grids, in code order. */
function liveGridsOf(db: Kysely<Database>, regionCode: string) {
  return db.selectFrom('grids').select(['code', 'version']).where('region_code', '=', regionCode).where('retired_at', 'is', null).orderBy('code');
}

/**
 * Retires every live grid of a village in one statement set (the caller's transaction), for a
 * re-division, except those in `keep` (special grids a division kept); returns the retired codes.
 */
export async function retireRegionGrids(trx: Transaction<Database>, regionCode: string, meta: ChangeMeta, keep: string[] = []): Promise<string[]> {
  const live = await liveGridsOf(trx, regionCode).forUpdate().execute();
  const codes = live.map((grid) => grid.code).filter((code) => !keep.includes(code));
  await retireCodes(trx, codes, meta);
  return codes;
}

/**
 * Retires grids the caller has already locked and checked: each one's open version is closed by a
 * `retire` version. Shared by re-division and the batch endpoint so both write retirements alike.
 */
export async function retireCodes(trx: Transaction<Database>, codes: string[], meta: ChangeMeta): Promise<void> {
  if (codes.length === 0) return;
  const at = await now(trx);
  await sql`
    INSERT INTO grid_versions (code, version, op, valid_from, region_code, name, kind, special_type,
                               households, population, geom, actor, reason)
    SELECT v.code, v.version + 1, 'retire', ${at}, v.region_code, v.name, v.kind, v.special_type,
           v.households, v.population, v.geom, ${meta.actor}, ${meta.reason}
    FROM grid_versions v WHERE v.code = ANY (${codes}::text[]) AND v.valid_to IS NULL`.execute(trx);
  // The retire version just inserted is open too: close only the version it replaces.
  await sql`
    UPDATE grid_versions SET valid_to = ${at}
    WHERE code = ANY (${codes}::text[]) AND valid_to IS NULL AND op <> 'retire'`.execute(trx);
  await sql`
    UPDATE grids SET version = version + 1, retired_at = ${at} WHERE code = ANY (${codes}::text[])`.execute(trx);
}

/**
 * Writes the shapes staged in `grid_staging` for `codes` (grids already locked and checked) as
 * their next `update` versions. Shared by the batch endpoint and file import.
 */
export async function writeStagedUpdates(trx: Transaction<Database>, codes: string[], meta: ChangeMeta): Promise<void> {
  if (codes.length === 0) return;
  const at = await now(trx);
  await sql`UPDATE grid_versions SET valid_to = ${at} WHERE code = ANY (${codes}::text[]) AND valid_to IS NULL`.execute(trx);
  await sql`
    INSERT INTO grid_versions (code, version, op, valid_from, region_code, name, kind, special_type,
                               households, population, geom, actor, reason)
    SELECT s.code, g.version + 1, 'update', ${at}, s.region_code, s.name, s.kind, s.special_type,
           s.households, s.population, s.geom, ${meta.actor}, ${meta.reason}
    FROM grid_staging s JOIN grids g ON g.code = s.code
    WHERE s.code = ANY (${codes}::text[])`.execute(trx);
  await sql`UPDATE grids SET version = version + 1 WHERE code = ANY (${codes}::text[])`.execute(trx);
  await refreshHouseholds(trx, { codes });
}

/** The live grids of a village and their versions: what a proposal was made against. */
export async function liveVersions(db: Kysely<Database>, regionCode: string): Promise<Record<string, number>> {
  const rows = await liveGridsOf(db, regionCode).execute();
  return Object.fromEntries(rows.map((row) => [row.code, row.version]));
}

/** A grid's identity row and its current version's region and kind, as the schema types them. */
type LockedGrid = Pick<Selectable<GridsTable>, 'code' | 'version' | 'retired_at'> & Pick<Selectable<GridVersionsTable>, 'region_code' | 'kind'>;

/**
 * Locks a grid's identity row, then reads its current version. The two are separate statements
 * on purpose: under READ COMMITTED, a joined `FOR UPDATE` that waited for a concurrent writer
 * re-checks the join against the old version row and silently drops the grid.
 */
async function lockGrid(trx: Transaction<Database>, code: string): Promise<LockedGrid> {
  const identity = await trx
    .selectFrom('grids')
    .select(['code', 'version', 'retired_at'])
    .where('code', '=', code)
    .forUpdate()
    .executeTakeFirst();
  if (!identity) throw notFoundError('unknown_grid', text('unknown_grid', { code }));
  const current = await trx
    .selectFrom('grid_versions')
    .select(['region_code', 'kind'])
    .where('code', '=', code)
    .where('version', '=', identity.version)
    .executeTakeFirstOrThrow();
  return { ...identity, ...current };
}

/** The versions a conditional write (If-Match) accepts as current; 'any' for `If-Match: *`. */
export type VersionCondition = { versions: number[] } | 'any';

function checkCondition(grid: LockedGrid, condition: VersionCondition): void {
  if (grid.retired_at) {
    throw goneError('grid_retired', text('grid_retired', { code: grid.code, at: grid.retired_at.toISOString() }), {
      retiredAt: grid.retired_at.toISOString(),
      version: grid.version,
    });
  }
  if (condition !== 'any' && !condition.versions.includes(grid.version)) {
    throw staleError(
      'stale_version',
      text('stale_version', { code: grid.code, version: grid.version, expected: condition.versions.length > 0 ? condition.versions : text('stale_version.none_given') }),
      { currentVersion: grid.version, expectedVersions: condition.versions },
    );
  }
}

export interface GridUpdate extends GridAttributes {
  geometry: Polygonal;
  /** When given, must be the grid's own village: a grid cannot move to another village. */
  regionCode?: string;
}

/** Writes the next version of a grid, if `condition` still holds and the new shape passes every check. */
export async function updateGrid(
  db: Kysely<Database>,
  code: string,
  update: GridUpdate,
  condition: VersionCondition,
  meta: ChangeMeta,
): Promise<GridFeature> {
  return db.transaction().execute(async (trx) => {
    const current = await lockGrid(trx, code);
    checkCondition(current, condition);
    if (update.regionCode !== undefined && update.regionCode !== current.region_code) {
      throw conflictError('region_change', text('region_change', { code, from: current.region_code, to: update.regionCode }));
    }
    if (numberClassOfKind(update.kind) !== numberClassOfKind(current.kind)) {
      throw conflictError('kind_class_change', kindClassChange(code, current.kind, update.kind));
    }
    const regions = await lockRegions(trx, [current.region_code]);
    const staging = await stage(trx, [{ ...update, index: 0, code, regionCode: current.region_code }]);
    const problems = new ProblemList();
    await checkStaged(staging, regions, problems);
    if (problems.size > 0) throw rejectWrite(problems, true);

    const at = await now(trx);
    const version = current.version + 1;
    await trx.updateTable('grid_versions').set({ valid_to: at }).where('code', '=', code).where('valid_to', 'is', null).execute();
    await sql`
      INSERT INTO grid_versions (code, version, op, valid_from, region_code, name, kind, special_type,
                                 households, population, geom, actor, reason)
      SELECT code, ${version}, 'update', ${at}, region_code, name, kind, special_type, households, population, geom,
             ${meta.actor}, ${meta.reason}
      FROM grid_staging`.execute(trx);
    await trx.updateTable('grids').set({ version }).where('code', '=', code).execute();
    await refreshHouseholds(trx, { codes: [code] });
    return toFeature(await versionRow(trx, code, version));
  });
}

/** Retires a grid: its last version is closed by a `retire` version; the code is never issued again. */
export async function retireGrid(
  db: Kysely<Database>,
  code: string,
  condition: VersionCondition,
  meta: ChangeMeta,
): Promise<GridVersionFeature> {
  return db.transaction().execute(async (trx) => {
    const current = await lockGrid(trx, code);
    checkCondition(current, condition);
    const at = await now(trx);
    const version = current.version + 1;
    await trx.updateTable('grid_versions').set({ valid_to: at }).where('code', '=', code).where('valid_to', 'is', null).execute();
    await sql`
      INSERT INTO grid_versions (code, version, op, valid_from, region_code, name, kind, special_type,
                                 households, population, geom, actor, reason)
      SELECT code, ${version}, 'retire', ${at}, region_code, name, kind, special_type, households, population, geom,
             ${meta.actor}, ${meta.reason}
      FROM grid_versions WHERE code = ${code} AND version = ${current.version}`.execute(trx);
    await trx.updateTable('grids').set({ version, retired_at: at }).where('code', '=', code).execute();
    // Its staff let it go (nothing took its area); their open incidents there go to nobody.
    await carryStaff(trx, { before: [{ code, version: current.version }], retired: [code], created: [], after: [] }, { ...meta, at });
    return toVersionFeature(await versionRow(trx, code, version));
  });
}

async function versionRow(db: Kysely<Database>, code: string, version: number): Promise<VersionRow> {
  return selectVersions(db)
    .where('v.code', '=', code)
    .where('v.version', '=', version)
    .executeTakeFirstOrThrow();
}

/**
 * A grid as it is now, or as it was at `asOf`. A code never issued is 404; a grid retired
 * (or not yet created) at that moment is 410 / 404 with the reason.
 */
export async function getGrid(db: Kysely<Database>, code: string, asOf?: Date): Promise<GridFeature> {
  const row = await selectVersions(db)
    .where('v.code', '=', code)
    .where(inForce(asOf))
    .executeTakeFirst();
  if (row) return toFeature(row);
  const identity = await db.selectFrom('grids').select(['created_at', 'retired_at']).where('code', '=', code).executeTakeFirst();
  if (!identity) throw notFoundError('unknown_grid', text('unknown_grid', { code }));
  const at = asOf ?? new Date();
  if (identity.retired_at && identity.retired_at <= at) {
    throw goneError('grid_retired', text('grid_retired', { code, at: identity.retired_at.toISOString() }), {
      retiredAt: identity.retired_at.toISOString(),
    });
  }
  throw notFoundError('grid_not_yet_created', text('grid_not_yet_created', { code, createdAt: identity.created_at.toISOString(), at: at.toISOString() }), {
    createdAt: identity.created_at.toISOString(),
  });
}

export interface GridQuery {
  /** Prefix of a region code: the region's whole subtree. */
  regionPrefix?: string;
  bbox?: [number, number, number, number];
  asOf?: Date;
}

export async function listGrids(db: Kysely<Database>, query: GridQuery): Promise<GridFeature[]> {
  let select = selectVersions(db).where(inForce(query.asOf));
  if (query.regionPrefix) select = select.where('v.code', 'like', `${query.regionPrefix}%`);
  if (query.bbox) {
    const [minLon, minLat, maxLon, maxLat] = query.bbox;
    select = select.where(sql<boolean>`v.geom && ST_MakeEnvelope(${minLon}, ${minLat}, ${maxLon}, ${maxLat}, 4326)`);
  }
  const rows = await select.orderBy('v.code').execute();
  return rows.map(toFeature);
}

/** Every version of a grid, newest first. */
export async function gridHistory(db: Kysely<Database>, code: string): Promise<GridVersionFeature[]> {
  const rows = await selectVersions(db)
    .where('v.code', '=', code)
    .orderBy('v.version', 'desc')
    .execute();
  if (rows.length === 0) throw notFoundError('unknown_grid', text('unknown_grid', { code }));
  return rows.map(toVersionFeature);
}

