/**
 * Division jobs and their application: the job rows (status, progress, the proposal), the
 * before/after diff of buildings, and the apply step that replaces a village's grids.
 */
import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import type { MultiPolygon } from 'geojson';
import { carryStaff } from './staff-lineage.js';
import type { StaffMove } from '../staff/carry.js';
import type { Database, DivisionStatus, DivisionsTable } from './schema.js';
import { notFoundError, conflictError } from '../domain-errors.js';
import { createGridsIn, liveVersions, retireRegionGrids, type ChangeMeta, type NewGrid } from './grids.js';
import type { GridFeature } from './grid-rows.js';
import { text } from '../i18n/catalogue.js';
import { householdFlags } from '../geo/address/households.js';
import type { ParsedAddress } from '../geo/address/types.js';
import type { PlaceMove } from '../api-types/divisions.js';
import type { GridLineage } from '../api-types/grids.js';


/** The answer for an id that names nothing. */
export function unknownDivision(id: string) {
  return notFoundError('unknown_division', text('unknown_division', { id }));
}
export type DivisionRow = Omit<Selectable<DivisionsTable>, 'owner' | 'heartbeat_at'>;

export async function insertDivision(
  db: Kysely<Database>,
  job: { id: string; regionCode: string | null; request: string; owner: string; inputs?: string },
): Promise<void> {
  const base = job.regionCode ? JSON.stringify(await liveVersions(db, job.regionCode)) : null;
  await db
    .insertInto('divisions')
    .values({
      id: job.id,
      status: 'queued',
      region_code: job.regionCode,
      request: job.request,
      base_versions: base,
      owner: job.owner,
      inputs: job.inputs ?? null,
      heartbeat_at: sql<Date>`now()`,
    })
    .execute();
}

export async function getDivision(db: Kysely<Database>, id: string): Promise<DivisionRow> {
  const row = await db
    .selectFrom('divisions')
    .select(['id', 'status', 'progress', 'stage', 'region_code', 'request', 'base_versions', 'proposal', 'metrics', 'error', 'created_at', 'finished_at', 'applied_at', 'inputs'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw unknownDivision(id);
  return row;
}

export async function updateDivision(
  db: Kysely<Database>,
  id: string,
  change: { status?: DivisionStatus; progress?: number; stage?: string; proposal?: string; metrics?: string; error?: string; finished?: boolean },
  /** Only while this process holds the job (it may have lost its lease to another instance). */
  owner?: string,
): Promise<boolean> {
  const result = await db
    .updateTable('divisions')
    .set({
      ...(change.status ? { status: change.status } : {}),
      ...(change.progress !== undefined ? { progress: change.progress } : {}),
      ...(change.stage ? { stage: change.stage } : {}),
      ...(change.proposal ? { proposal: change.proposal } : {}),
      ...(change.metrics ? { metrics: change.metrics } : {}),
      ...(change.error ? { error: change.error } : {}),
      ...(change.finished ? { finished_at: sql<Date>`now()` } : {}),
      heartbeat_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .$if(owner !== undefined, (q) => q.where('owner', '=', owner!))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Jobs left queued or running by a process that stopped (its lease — heartbeat_at — not renewed
 * for `staleSeconds`): this process takes them over, so that an acknowledged job is not lost.
 * FOR UPDATE SKIP LOCKED: when several instances look at once, each job goes to exactly one.
 */
export async function claimOrphanedDivisions(db: Kysely<Database>, owner: string, staleSeconds: number, limit = 100): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    UPDATE divisions d SET owner = ${owner}, status = 'queued', heartbeat_at = now()
    WHERE d.id IN (
      SELECT id FROM divisions
      WHERE status IN ('queued', 'running') AND owner IS DISTINCT FROM ${owner}
        AND (heartbeat_at IS NULL OR heartbeat_at <= now() - make_interval(secs => ${staleSeconds}))
      ORDER BY created_at
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING d.id`.execute(db);
  return rows.map((row) => row.id);
}

/** Renews the lease of every unfinished job `owner` holds; returns the ids it still holds. */
export async function renewDivisionLeases(db: Kysely<Database>, owner: string): Promise<string[]> {
  const rows = await db
    .updateTable('divisions')
    .set({ heartbeat_at: sql<Date>`now()` })
    .where('owner', '=', owner)
    .where('status', 'in', ['queued', 'running'])
    .returning('id')
    .execute();
  return rows.map((row) => row.id);
}

export interface BuildingMove {
  building: number;
  households: number;
  from: string | null;
  to: string | null;
}

/** The live grid of each point (WGS84 lon/lat), by the same rule as everywhere: ST_Intersects, lowest code on a shared edge. */
export async function liveGridOfPoints(db: Kysely<Database>, regionCode: string, points: [number, number][]): Promise<(string | null)[]> {
  if (points.length === 0) return [];
  const { rows } = await sql<{ i: number; code: string | null }>`
    WITH p AS (
      SELECT ordinality - 1 AS i, ST_SetSRID(ST_MakePoint((value->>0)::float8, (value->>1)::float8), 4326) AS geom
      FROM json_array_elements(${JSON.stringify(points)}::json) WITH ORDINALITY
    )
    SELECT p.i, (
      SELECT min(v.code) FROM grid_versions v
      WHERE v.valid_to IS NULL AND v.op <> 'retire' AND v.region_code = ${regionCode} AND ST_Intersects(v.geom, p.geom)
    ) AS code
    FROM p ORDER BY p.i`.execute(db);
  return rows.map((row) => row.code);
}

/**
 * Which of the village's registered addresses and open incidents a proposal moves to another
 * grid: each one's live grid now (lowest code on a shared border, as locate answers) against the
 * proposed grid it falls in. Places that stay in a kept grid are not moves.
 */
export async function placeMoves(
  db: Kysely<Database>,
  regionCode: string,
  proposal: { number: string; code?: string; geometry: unknown }[],
): Promise<{ addresses: PlaceMove[]; incidents: PlaceMove[] }> {
  const grids = JSON.stringify(proposal.map((p) => ({ number: p.number, code: p.code ?? null, geometry: JSON.stringify(p.geometry) })));
  const proposed = sql`(
    SELECT p.number, p.code, ST_SetSRID(ST_GeomFromGeoJSON(p.geometry), 4326) AS geom
    FROM json_to_recordset(${grids}::json) AS p(number text, code text, geometry text))`;
  const liveGrid = (point: RawBuilder<unknown>) => sql<string | null>`(
    SELECT min(v.code) FROM grid_versions v WHERE v.valid_to IS NULL AND v.op <> 'retire' AND ST_Intersects(v.geom, ${point}))`;
  const proposedGrid = (point: RawBuilder<unknown>) => sql<string | null>`(
    SELECT coalesce(min(q.code), min(q.number)) FROM ${proposed} q WHERE ST_Intersects(q.geom, ${point}))`;
  const [addresses, incidents] = await Promise.all([
    sql<{ levels: unknown; from_code: string | null; to_grid: string | null }>`
      SELECT a.levels, ${liveGrid(sql`a.geom`)} AS from_code, ${proposedGrid(sql`a.geom`)} AS to_grid
      FROM addresses a JOIN regions r ON r.code = ${regionCode}
      WHERE ST_DWithin(r.boundary, a.geom, 0.00002)`.execute(db),
    sql<{ id: number; from_code: string | null; to_grid: string | null }>`
      SELECT i.id, i.grid_code AS from_code, ${proposedGrid(sql`i.geom`)} AS to_grid
      FROM incidents i
      WHERE i.grid_code LIKE ${`${regionCode}%`} AND i.status IN ('reported', 'dispatched', 'in_progress', 'reopened')
      ORDER BY i.id`.execute(db),
  ]);
  const flags = householdFlags(addresses.rows.map((row) => (typeof row.levels === 'string' ? JSON.parse(row.levels) : row.levels) as ParsedAddress));
  const group = <R extends { from_code: string | null; to_grid: string | null }>(rows: R[], add: (move: PlaceMove, row: R, i: number) => void) => {
    const moves = new Map<string, PlaceMove>();
    rows.forEach((row, i) => {
      // A place in a kept grid stays where it is.
      if (row.to_grid !== null && row.to_grid === row.from_code) return;
      const key = `${row.from_code}→${row.to_grid}`;
      const move = moves.get(key) ?? { from: row.from_code, to: row.to_grid, count: 0 };
      move.count++;
      add(move, row, i);
      moves.set(key, move);
    });
    return [...moves.values()].sort((a, b) => b.count - a.count);
  };
  return {
    addresses: group(addresses.rows, (move, _row, i) => (move.households = (move.households ?? 0) + (flags[i] ? 1 : 0))),
    incidents: group(incidents.rows, (move, row) => {
      move.ids ??= [];
      if (move.ids.length < 50) move.ids.push(Number(row.id));
    }),
  };
}

export interface ApplyResult {
  retired: string[];
  created: GridFeature[];
  lineage: { newCode: string; oldCode: string; areaM2: number }[];
  /** Staff who followed their grids into the new ones. */
  staffMoves: StaffMove[];
}

/**
 * Replaces a village's live grids with a proposal, in one transaction: the old grids are
 * retired (except `keep`, the special grids the division kept as they are), the new ones
 * created (new codes, every check), and each new grid's lineage — the retired grids it overlaps
 * and by how much — recorded. Refused with 409 when the village's grids changed since the
 * proposal was made.
 */
export async function applyDivision(
  db: Kysely<Database>,
  division: DivisionRow,
  grids: NewGrid[],
  meta: ChangeMeta,
  keep: string[] = [],
): Promise<ApplyResult> {
  const regionCode = division.region_code!;
  return db.transaction().execute(async (trx) => {
    await trx.selectFrom('regions').select('code').where('code', '=', regionCode).forUpdate().execute();
    const applied = await trx.selectFrom('divisions').select('applied_at').where('id', '=', division.id).forUpdate().executeTakeFirstOrThrow();
    if (applied.applied_at) throw conflictError('already_applied', text('already_applied', { id: division.id, at: applied.applied_at.toISOString() }));
    const current = JSON.stringify(await liveVersions(trx, regionCode));
    if (current !== division.base_versions) {
      throw conflictError('stale_proposal', text('stale_proposal', { regionCode }), {
        proposedAgainst: JSON.parse(division.base_versions ?? '{}'),
        current: JSON.parse(current),
      });
    }
    const retiredBefore = Object.entries(JSON.parse(current) as Record<string, number>)
      .filter(([code]) => !keep.includes(code))
      .map(([code, version]) => ({ code, version }));
    const retired = await retireRegionGrids(trx, regionCode, meta, keep);
    const created = await createGridsIn(trx, grids, meta, { single: false });
    const { rows } = await sql<{ new_code: string; old_code: string; area: number }>`
      SELECT n.code AS new_code, o.code AS old_code, ST_Area(ST_Intersection(n.geom, o.geom)::geography) AS area
      FROM grid_versions n
      JOIN grid_versions o ON o.code = ANY (${retired.length ? retired : ['']}::text[]) AND o.op = 'retire'
        AND ST_Intersects(n.geom, o.geom) AND NOT ST_Touches(n.geom, o.geom)
      WHERE n.code = ANY (${created.map((g) => g.properties.code)}::text[]) AND n.version = 1
      ORDER BY n.code, o.code`.execute(trx);
    const lineage = rows.filter((row) => row.area > 1).map((row) => ({ newCode: row.new_code, oldCode: row.old_code, areaM2: row.area }));
    if (lineage.length > 0) {
      await trx
        .insertInto('grid_lineage')
        .values(lineage.map((l) => ({ new_code: l.newCode, old_code: l.oldCode, area_m2: l.areaM2, division_id: division.id })))
        .execute();
    }
    await trx.updateTable('divisions').set({ applied_at: sql<Date>`now()` }).where('id', '=', division.id).execute();
    // Staff follow the lineage into the new grids.
    const staffMoves = await carryStaff(
      trx,
      { before: retiredBefore, retired, created: created.map((g) => g.properties.code), after: created.map((g) => g.properties.code) },
      { actor: meta.actor, reason: meta.reason, at: new Date() },
      lineage.map((l) => ({ oldCode: l.oldCode, newKey: l.newCode, areaM2: l.areaM2 })),
    );
    return { retired, created, lineage, staffMoves };
  });
}

/** Which retired grids a grid replaced, and which grids replaced it; 404 for a code never issued. */
export async function lineageOf(db: Kysely<Database>, code: string): Promise<Omit<GridLineage, 'code'>> {
  const known = await db.selectFrom('grids').select('code').where('code', '=', code).executeTakeFirst();
  if (!known) throw notFoundError('unknown_grid', text('unknown_grid', { code }));
  const [replaced, replacedBy] = await Promise.all([
    db.selectFrom('grid_lineage').select(['old_code', 'area_m2', 'division_id']).where('new_code', '=', code).orderBy('old_code').execute(),
    db.selectFrom('grid_lineage').select(['new_code', 'area_m2', 'division_id']).where('old_code', '=', code).orderBy('new_code').execute(),
  ]);
  return {
    replaced: replaced.map((r) => ({ code: r.old_code, areaM2: r.area_m2, divisionId: r.division_id })),
    replacedBy: replacedBy.map((r) => ({ code: r.new_code, areaM2: r.area_m2, divisionId: r.division_id })),
  };
}

export interface KeptSpecial {
  code: string;
  name: string;
  specialType: string;
  /** Exact (15 digits, as stored): grids proposed around it must meet it without slivers. A grid is a MultiPolygon. */
  geometry: MultiPolygon;
}

/** A village's live special grids (school, hospital…): a division keeps them as they are. */
export async function liveSpecialGrids(db: Kysely<Database>, regionCode: string): Promise<KeptSpecial[]> {
  const rows = await db
    .selectFrom('grid_versions')
    .select(['code', 'name', 'special_type', sql<string>`ST_AsGeoJSON(geom, 15)`.as('geojson')])
    .where('region_code', '=', regionCode)
    .where('valid_to', 'is', null)
    .where('op', '<>', 'retire')
    .where('kind', '=', 'special')
    .orderBy('code')
    .execute();
  return rows.map((row) => ({ code: row.code, name: row.name, specialType: row.special_type ?? 'other', geometry: JSON.parse(row.geojson) as MultiPolygon }));
}

export interface LiveGridRow {
  code: string;
  kind: 'basic' | 'special';
  /** Exact (15 digits, as stored), so that the grids an adjustment keeps come back unchanged. */
  geometry: MultiPolygon;
}

/** A village's live grids, basic and special, by code. */
export async function liveGridsOf(db: Kysely<Database>, regionCode: string): Promise<LiveGridRow[]> {
  const rows = await db
    .selectFrom('grid_versions')
    .select(['code', 'kind', sql<string>`ST_AsGeoJSON(geom, 15)`.as('geojson')])
    .where('region_code', '=', regionCode)
    .where('valid_to', 'is', null)
    .where('op', '<>', 'retire')
    .orderBy('code')
    .execute();
  return rows.map((row) => ({ code: row.code, kind: row.kind === 'special' ? 'special' : 'basic', geometry: JSON.parse(row.geojson) as MultiPolygon }));
}

/** The first two live grids of a village that overlap by more than 1 m², and by how much; undefined if none do. */
export async function overlappingLiveGrids(db: Kysely<Database>, regionCode: string): Promise<{ a: string; b: string; areaM2: number } | undefined> {
  const { rows } = await sql<{ a: string; b: string; area: number }>`
    WITH live AS (
      SELECT code, geom FROM grid_versions
      WHERE region_code = ${regionCode} AND valid_to IS NULL AND op <> 'retire'
    )
    SELECT x.code AS a, y.code AS b, ST_Area(ST_Intersection(x.geom, y.geom)::geography) AS area
    FROM live x JOIN live y ON x.code < y.code AND ST_Intersects(x.geom, y.geom) AND NOT ST_Touches(x.geom, y.geom)
    ORDER BY x.code, y.code`.execute(db);
  const overlap = rows.find((row) => Number(row.area) > 1);
  return overlap ? { a: overlap.a, b: overlap.b, areaM2: Number(overlap.area) } : undefined;
}
