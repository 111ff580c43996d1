/**
 * The tables, as Kysely sees them. Geometry columns are typed `string` on the way in (SQL
 * expressions build them) and are always read back through ST_AsGeoJSON, never raw.
 */
import type { ColumnType, Generated } from 'kysely';

type Geometry = ColumnType<string, string, string>;

export interface RegionsTable {
  code: string;
  name: string;
  level: string;
  parent_code: string | null;
  boundary: Geometry;
  created_at: Generated<Date>;
}

/** One row per grid code ever issued: the code's identity and its current version. */
export interface GridsTable {
  code: string;
  region_code: string;
  number: number;
  version: number;
  created_at: Date;
  retired_at: Date | null;
}

export type GridOp = 'create' | 'update' | 'retire';

/** Every version of every grid; the latest has valid_to = null. */
export interface GridVersionsTable {
  code: string;
  version: number;
  op: GridOp;
  valid_from: Date;
  valid_to: Date | null;
  region_code: string;
  name: string;
  kind: string;
  special_type: string | null;
  households: number | null;
  population: number | null;
  geom: Geometry;
  actor: string;
  reason: string | null;
}

export interface Database {
  regions: RegionsTable;
  grids: GridsTable;
  grid_versions: GridVersionsTable;
}
