/**
 * Staff travel with their grids (server/staff/carry.ts decides how): after a batch of grid
 * writes (split, merge, moved border, retirement) or a division's apply, in the same transaction.
 * The overlaps come from PostGIS: the old grids as they were, against the grids as they are now
 * (or, for a dry run, as a proposal would make them).
 */
import { sql, type Transaction, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { Geometry } from 'geojson';
import { planStaffCarry, type Overlap, type StaffMove } from '../staff/carry.js';
import { regridStaff } from './staff.js';

export interface GridChange {
  /** The old grids as they were: code and the version that was live before the change. */
  before: { code: string; version: number }[];
  retired: string[];
  created: string[];
  /** The live grids after the change that may have taken area (updated and created). */
  after: string[];
}

/** Everything the staff who hold any of `codes` hold. */
async function holdingsOfHolders(db: Kysely<Database>, codes: string[]) {
  if (codes.length === 0) return [];
  const rows = await db
    .selectFrom('staff_grids as g')
    .innerJoin('staff as s', 's.id', 'g.staff_id')
    .select(['g.staff_id', 'g.grid_code'])
    .where('s.deleted_at', 'is', null)
    .where('g.staff_id', 'in', (eb) => eb.selectFrom('staff_grids').select('staff_id').where('grid_code', 'in', codes))
    .execute();
  return rows.map((row) => ({ staffId: Number(row.staff_id), gridCode: row.grid_code }));
}

async function overlapsAfter(trx: Transaction<Database>, change: GridChange): Promise<Overlap[]> {
  if (change.before.length === 0 || change.after.length === 0) return [];
  const { rows } = await sql<{ old_code: string; new_code: string; area: number }>`
    SELECT o.code AS old_code, n.code AS new_code, ST_Area(ST_Intersection(o.geom, n.geom)::geography) AS area
    FROM json_to_recordset(${JSON.stringify(change.before)}::json) AS b(code text, version integer)
    JOIN grid_versions o ON o.code = b.code AND o.version = b.version
    JOIN grid_versions n ON n.code = ANY (${sql.val(change.after)}::text[]) AND n.valid_to IS NULL AND n.op <> 'retire'
      AND ST_Intersects(o.geom, n.geom) AND NOT ST_Touches(o.geom, n.geom)`.execute(trx);
  return rows.map((row) => ({ oldCode: row.old_code, newKey: row.new_code, areaM2: Number(row.area) }));
}

/** Moves staff as lineage says after grid writes; returns the moves made. */
export async function carryStaff(trx: Transaction<Database>, change: GridChange, meta: { actor: string; reason: string | null; at: Date }, overlaps?: Overlap[]): Promise<StaffMove[]> {
  const holdings = await holdingsOfHolders(trx, change.before.map((b) => b.code));
  if (holdings.length === 0) return [];
  const moves = planStaffCarry(overlaps ?? (await overlapsAfter(trx, change)), change.retired, change.created, holdings);
  if (moves.length > 0) {
    await regridStaff(trx, new Map(moves.map((move) => [move.staffId, move.to])), { ...meta, reason: meta.reason ?? 'grids changed: staff follow their grids' });
  }
  return moves;
}

/**
 * What a division would do to staff (its apply's dry run): the village's live grids against the
 * proposal's grids (keyed by their number), without writing anything.
 */
export async function plannedStaffCarry(db: Kysely<Database>, regionCode: string, proposal: { key: string; geometry: Geometry }[], kept: string[]): Promise<{ moves: StaffMove[]; names: Map<number, { name: string; duty: string }> }> {
  const live = await db
    .selectFrom('grid_versions')
    .select(['code', 'version'])
    .where('region_code', '=', regionCode)
    .where('valid_to', 'is', null)
    .where('op', '<>', 'retire')
    .execute();
  const retired = live.map((g) => g.code).filter((code) => !kept.includes(code));
  const holdings = await holdingsOfHolders(db, retired);
  if (holdings.length === 0 || proposal.length === 0) return { moves: [], names: new Map() };
  const { rows } = await sql<{ old_code: string; new_key: string; area: number }>`
    SELECT o.code AS old_code, p.key AS new_key, ST_Area(ST_Intersection(o.geom, ST_SetSRID(ST_GeomFromGeoJSON(p.geometry), 4326))::geography) AS area
    FROM json_to_recordset(${JSON.stringify(proposal.map((p) => ({ key: p.key, geometry: JSON.stringify(p.geometry) })))}::json) AS p(key text, geometry text)
    JOIN grid_versions o ON o.code = ANY (${sql.val(retired)}::text[]) AND o.valid_to IS NULL
      AND ST_Intersects(o.geom, ST_SetSRID(ST_GeomFromGeoJSON(p.geometry), 4326))`.execute(db);
  const overlaps = rows.map((row) => ({ oldCode: row.old_code, newKey: row.new_key, areaM2: Number(row.area) }));
  const moves = planStaffCarry(overlaps, retired, proposal.map((p) => p.key), holdings);
  const people = moves.length
    ? await db.selectFrom('staff').select(['id', 'name', 'duty']).where('id', 'in', moves.map((m) => m.staffId)).execute()
    : [];
  return { moves, names: new Map(people.map((p) => [Number(p.id), { name: p.name, duty: p.duty }])) };
}
