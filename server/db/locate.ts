/**
 * What the locate index reads: the live grids (or those at a moment), the regions' names, and
 * the grid epoch that says whether anything changed.
 */
import { sql, type Kysely } from 'kysely';
import type { MultiPolygon } from 'geojson';
import type { Database } from './schema.js';
import { inForce } from './grid-rows.js';
import type { GridKind, RegionLevel } from '../geo/codes.js';

export interface LocatableGrid {
  code: string;
  name: string;
  kind: GridKind;
  regionCode: string;
  geometry: MultiPolygon;
}

export async function gridEpoch(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('grid_epoch').select('epoch').where('id', '=', 1).executeTakeFirstOrThrow();
  return Number(row.epoch);
}

/** Grids in force now (or at `asOf`), with full-precision geometry. */
export async function locatableGrids(db: Kysely<Database>, asOf?: Date): Promise<LocatableGrid[]> {
  const rows = await db
    .selectFrom('grid_versions as v')
    .select(['v.code', 'v.name', 'v.kind', 'v.region_code', sql<string>`ST_AsGeoJSON(v.geom, 15)`.as('geojson')])
    .where(inForce(asOf))
    .orderBy('v.code')
    .execute();
  return rows.map((row) => ({
    code: row.code,
    name: row.name,
    kind: row.kind,
    regionCode: row.region_code,
    geometry: JSON.parse(row.geojson) as MultiPolygon,
  }));
}

export async function regionNames(db: Kysely<Database>): Promise<Map<string, { name: string; level: RegionLevel; parentCode: string | null }>> {
  const rows = await db.selectFrom('regions').select(['code', 'name', 'level', 'parent_code']).execute();
  return new Map(rows.map((row) => [row.code, { name: row.name, level: row.level, parentCode: row.parent_code }]));
}
