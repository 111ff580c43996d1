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

export type DivisionStatus = 'queued' | 'running' | 'done' | 'failed';

/** An auto-division job; JSON columns are text (the same on both backends). */
export interface DivisionsTable {
  id: string;
  status: DivisionStatus;
  progress: Generated<number>;
  stage: string | null;
  region_code: string | null;
  request: string;
  base_versions: string | null;
  proposal: string | null;
  metrics: string | null;
  error: string | null;
  owner: string | null;
  heartbeat_at: Date | null;
  created_at: Generated<Date>;
  finished_at: Date | null;
  applied_at: Date | null;
}

export interface GridLineageTable {
  new_code: string;
  old_code: string;
  area_m2: number;
  division_id: string | null;
}

export interface BuildingsTable {
  id: Generated<number>;
  region_code: string;
  households: number;
  compound: string | null;
  /** The feature's other properties, as JSON text. */
  properties: string | null;
  geom: Geometry;
  imported_at: Generated<Date>;
}

export interface AddressesTable {
  id: Generated<number>;
  address: string;
  normalized: string;
  /** ParsedAddress as JSON. */
  levels: unknown;
  region_code: string | null;
  geom: Geometry;
  source: string | null;
  seq: Generated<number>;
  imported_at: Generated<Date>;
}

export interface Database {
  regions: RegionsTable;
  grids: GridsTable;
  grid_versions: GridVersionsTable;
  divisions: DivisionsTable;
  grid_lineage: GridLineageTable;
  buildings: BuildingsTable;
  grid_epoch: { id: number; epoch: number };
  addresses: AddressesTable;
  address_epoch: { id: number; epoch: number };
}
