/**
 * The tables, as Kysely sees them. Geometry columns are typed `string` on the way in (SQL
 * expressions build them) and are always read back through ST_AsGeoJSON, never raw.
 */
import type { ColumnType, Generated } from 'kysely';
import type { HouseholdsSource } from '../geo/households.js';
export type { HouseholdsSource };

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
  /** The households written with the grid (sent, imported, proposed). */
  households: number | null;
  /** Computed from the village's buildings or addresses (server/db/households.ts); null when stored. */
  households_computed: Generated<number | null>;
  /** Which figure the grid answers with; null on versions not yet computed. */
  households_source: Generated<HouseholdsSource | null>;
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
  /** JSON: what the division took from the store (stored lines, kept special grids). */
  inputs: string | null;
}

export interface GridLineageTable {
  new_code: string;
  old_code: string;
  area_m2: number;
  division_id: string | null;
}

export interface ReferenceLinesTable {
  id: Generated<number>;
  region_code: string;
  kind: string;
  class: string | null;
  name: string | null;
  /** The feature's other properties, as JSON text. */
  properties: string | null;
  geom: Geometry;
  imported_at: Generated<Date>;
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

export interface DevicesTable {
  id: string;
  kind: 'camera' | 'sensor';
  name: string;
  id_scheme: 'gb28181' | null;
  center_region: string | null;
  geom: Geometry;
  height_m: number | null;
  heading: number | null;
  fov: number | null;
  range_m: number | null;
  ptz: boolean;
  sensor_type: string | null;
  sector: Geometry | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

export interface MediaTable {
  id: Generated<number>;
  content_type: string;
  bytes: Buffer | Uint8Array;
  thumb: Buffer | Uint8Array;
  width: number;
  height: number;
  sha256: string;
  created_at: Generated<Date>;
}

export interface IncidentsTable {
  id: Generated<number>;
  category: string;
  description: string | null;
  source: 'worker' | 'resident' | 'camera' | 'sensor' | 'hotline';
  reporter: string | null;
  address: string | null;
  status: string;
  handling_level: 'grid' | 'village' | 'township' | 'county';
  handling_region: string | null;
  grid_code: string | null;
  geom: Geometry;
  reported_at: Date;
  deadline_at: Date;
  resolved_at: Date | null;
  closed_at: Date | null;
  updated_at: Date;
  event_count: Generated<number>;
  last_event_at: Date | null;
  media_id: number | null;
  version: Generated<number>;
  change_seq: Generated<number>;
}

export interface IncidentTransitionsTable {
  id: Generated<number>;
  incident_id: number;
  from_status: string | null;
  to_status: string;
  from_level: string | null;
  to_level: string | null;
  actor: string;
  note: string | null;
  at: Date;
  /** A photo taken with the step. */
  media_id: Generated<number | null>;
}

export interface DeviceEventsTable {
  device_id: string;
  event_id: string;
  type: string;
  severity: number;
  occurred_at: Date;
  received_at: Date;
  geom: Geometry;
  grid_code: string | null;
  incident_id: number | null;
  media_id: number | null;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  role: string;
  region_code: string | null;
  device_ids: string[] | null;
  /** SHA-256 of the key (hex); the key itself is shown once and never stored. */
  hash: string;
  created_at: Generated<Date>;
  created_by: string | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

/** Written only by triggers (migration 007); append-only. */
export interface AuditLogTable {
  id: Generated<number>;
  at: Generated<Date>;
  actor: string;
  key_id: string | null;
  role: string | null;
  ip: string | null;
  request_id: string | null;
  method: string | null;
  path: string | null;
  entity: string;
  entity_id: string | null;
  op: string;
  version_before: number | null;
  version_after: number | null;
  rows: number;
}

export interface Database {
  regions: RegionsTable;
  grids: GridsTable;
  grid_versions: GridVersionsTable;
  divisions: DivisionsTable;
  grid_lineage: GridLineageTable;
  buildings: BuildingsTable;
  reference_lines: ReferenceLinesTable;
  grid_epoch: { id: number; epoch: number };
  addresses: AddressesTable;
  address_epoch: { id: number; epoch: number };
  devices: DevicesTable;
  media: MediaTable;
  incidents: IncidentsTable;
  incident_transitions: IncidentTransitionsTable;
  device_events: DeviceEventsTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
}
