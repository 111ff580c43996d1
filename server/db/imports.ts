/**
 * The reads a file import needs beyond the create paths it writes through (the use-case itself
 * is server/services/file-import.ts): villages' names, the grids a file names (locked), which
 * staged rows equal their grid's current version, stored region codes, a village's building count.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.js';

/** The names of villages, by code (those not stored are left out). */
export async function villageNames(db: Kysely<Database>, codes: string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(codes.filter((code) => /^\d{12}$/.test(code)))];
  if (wanted.length === 0) return new Map();
  const rows = await db.selectFrom('regions').select(['code', 'name']).where('code', 'in', wanted).execute();
  return new Map(rows.map((row) => [row.code, row.name]));
}

export interface CurrentGrid {
  code: string;
  version: number;
  retired_at: Date | null;
  region_code: string;
  kind: string;
}

/** The grids of `codes` that exist (live or retired), locked, with their current region and kind. */
export async function lockCurrentGrids(trx: Transaction<Database>, codes: string[]): Promise<Map<string, CurrentGrid>> {
  if (codes.length === 0) return new Map();
  // Identity rows locked first, current versions read after (see lockGrid in grids.ts: a
  // joined FOR UPDATE can silently drop a row a concurrent writer just changed).
  const identities = await trx.selectFrom('grids').select(['code', 'version', 'retired_at']).where('code', 'in', codes).orderBy('code').forUpdate().execute();
  if (identities.length === 0) return new Map();
  const versions = await trx
    .selectFrom('grid_versions as v')
    .innerJoin('grids as g', (join) => join.onRef('g.code', '=', 'v.code').onRef('g.version', '=', 'v.version'))
    .select(['v.code', 'v.region_code', 'v.kind'])
    .where('v.code', 'in', identities.map((identity) => identity.code))
    .execute();
  const byCode = new Map(versions.map((version) => [version.code, version]));
  return new Map(identities.map((identity) => [identity.code, { ...identity, region_code: byCode.get(identity.code)!.region_code, kind: byCode.get(identity.code)!.kind }]));
}

/** The staged rows (grid_staging, server/db/grid-checks.ts) identical to their grid's current version: attributes, and geometry within 1e-7°. */
export async function stagedUnchanged(trx: Transaction<Database>): Promise<Set<number>> {
  const { rows } = await sql<{ idx: number }>`
    SELECT s.idx FROM grid_staging s
    JOIN grid_versions v ON v.code = s.code AND v.valid_to IS NULL AND v.op <> 'retire'
    WHERE s.code IS NOT NULL AND s.name = v.name AND s.kind = v.kind
      AND s.special_type IS NOT DISTINCT FROM v.special_type
      AND s.households IS NOT DISTINCT FROM v.households AND s.population IS NOT DISTINCT FROM v.population
      AND ST_HausdorffDistance(s.geom, v.geom) < 1e-7`.execute(trx);
  return new Set(rows.map((row) => row.idx));
}

/** Which of `codes` are stored regions. */
export async function storedRegionCodes(db: Kysely<Database>, codes: string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  return new Set((await db.selectFrom('regions').select('code').where('code', 'in', codes).execute()).map((row) => row.code));
}

/** How many buildings a village's layer holds. */
export async function buildingCount(db: Kysely<Database>, regionCode: string): Promise<number> {
  const row = await db.selectFrom('buildings').select((eb) => eb.fn.countAll<number>().as('n')).where('region_code', '=', regionCode).executeTakeFirstOrThrow();
  return Number(row.n);
}
