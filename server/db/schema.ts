/**
 * The tables, as Kysely sees them. Geometry columns are typed `string` on the way in (SQL
 * expressions build them) and are always read back through ST_AsGeoJSON, never raw.
 */
import type { ColumnType, Generated } from 'kysely';
import type { HouseholdsSource } from '../geo/households.js';
import type { GridKind, RegionLevel } from '../geo/codes.js';
import type { GridOp } from '../api-types/grids.js';
import type { HandlingLevel, IncidentSource } from '../api-types/incidents.js';
import type { DivisionStatus } from '../api-types/divisions.js';
import type { StaffDuty } from '../api-types/staff.js';
export type { HouseholdsSource };

type Geometry = ColumnType<string, string, string>;

export interface RegionsTable {
  code: string;
  name: string;
  level: RegionLevel;
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

export type { GridOp } from '../api-types/grids.js';

/** Every version of every grid; the latest has valid_to = null. */
export interface GridVersionsTable {
  code: string;
  version: number;
  op: GridOp;
  valid_from: Date;
  valid_to: Date | null;
  region_code: string;
  name: string;
  kind: GridKind;
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

/**
 * The grids of one write, staged for its topology checks (server/db/grid-checks.ts): a
 * temporary table that stage() creates in the write's transaction and that is dropped at commit.
 */
export interface GridStagingTable {
  /** Position in the request. */
  idx: number;
  /** The grid's code: an update's own, or the one assigned to a create (null until then). */
  code: string | null;
  number: number | null;
  region_code: string;
  name: string;
  kind: string;
  special_type: string | null;
  households: number | null;
  population: number | null;
  geom: Geometry;
}

export type { DivisionStatus };

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
  /** Made after the answer (server/media/thumbnailer.ts); null until then. */
  thumb: Buffer | Uint8Array | null;
  /** Why the pixels could not be decoded, when they could not (no thumbnail then). */
  thumb_error: Generated<string | null>;
  width: number;
  height: number;
  sha256: string;
  created_at: Generated<Date>;
}

export interface IncidentsTable {
  id: Generated<number>;
  category: string;
  description: string | null;
  source: IncidentSource;
  reporter: string | null;
  address: string | null;
  status: string;
  handling_level: HandlingLevel;
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
  /** The most serious alarm priority of its device events (1 = 一级 … 4); null when people reported it. */
  priority: number | null;
  version: Generated<number>;
  change_seq: Generated<number>;
  assignee_staff_id: number | null;
  reporter_staff_id: number | null;
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
  actor_staff_id: number | null;
  assignee_staff_id: number | null;
  /** What the public may read of this step (GET /api/public/reports/:number). */
  public_note: string | null;
}

export interface DeviceEventsTable {
  device_id: string;
  event_id: string;
  type: string;
  /** GB/T 28181 AlarmPriority: 1 (一级, most serious) … 4 (migration 012). */
  priority: number;
  occurred_at: Date;
  received_at: Date;
  geom: Geometry;
  grid_code: string | null;
  incident_id: number | null;
  media_id: number | null;
  county_code: Generated<string | null>;
}

/** Heatmap counts kept on write (migration 017; keys in aggregate-keys.ts). */
export interface IncidentCellsTable {
  level: number;
  span: number;
  bucket: Date;
  cx: number;
  cy: number;
  area: string;
  category: string;
  n: number;
  sx: number;
  sy: number;
  delta: boolean;
}

/** Statistics counts kept on write (migration 017): one row per village, time bucket, category and open deadline month. */
export interface IncidentTallyTable {
  area: string;
  span: number;
  bucket: Date;
  category: string;
  deadline_month: Date;
  n: number;
  s_reported: number;
  s_dispatched: number;
  s_in_progress: number;
  s_resolved: number;
  s_closed: number;
  s_rejected: number;
  s_reopened: number;
  yellow: number;
  red: number;
  on_time: number;
  delta: boolean;
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
  /** A worker key's staff member. */
  staff_id: number | null;
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

export type { StaffDuty };

export interface StaffTable {
  id: Generated<number>;
  name: string;
  /** Personal data: read in full only by roles that may contact staff (see server/staff/phone.ts). */
  phone: string | null;
  duty: StaffDuty;
  /** The region served by staff of a higher level (village, township, county); null for grid staff. */
  region_code: string | null;
  version: Generated<number>;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

export interface StaffGridsTable {
  staff_id: number;
  grid_code: string;
  since: Date;
}

export interface StaffVersionsTable {
  staff_id: number;
  version: number;
  op: 'create' | 'update' | 'delete' | 'regrid';
  valid_from: Date;
  valid_to: Date | null;
  name: string;
  phone: string | null;
  duty: StaffDuty;
  region_code: string | null;
  grid_codes: string[];
  actor: string;
  reason: string | null;
}

export interface PatrolsTable {
  id: Generated<number>;
  staff_id: number;
  client_id: string;
  started_at: Date;
  ended_at: Date;
  geom: Geometry;
  /** Epoch milliseconds of each vertex. */
  times: number[];
  length_m: number;
  received_at: Date;
}

export interface VisitsTable {
  id: Generated<number>;
  staff_id: number;
  client_id: string;
  address_id: number;
  address: string;
  grid_code: string;
  geom: Geometry;
  visited_at: Date;
  note: string | null;
  media_id: number | null;
  received_at: Date;
}

export interface PublicReportsTable {
  tracking_number: string;
  incident_id: number;
  source_hash: string;
  created_at: Date;
}

export interface Database {
  regions: RegionsTable;
  grids: GridsTable;
  grid_versions: GridVersionsTable;
  /** Temporary: exists only inside a grid write's transaction, after stage(). */
  grid_staging: GridStagingTable;
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
  incident_cells: IncidentCellsTable;
  incident_tally: IncidentTallyTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  staff: StaffTable;
  staff_grids: StaffGridsTable;
  staff_versions: StaffVersionsTable;
  patrols: PatrolsTable;
  visits: VisitsTable;
  public_reports: PublicReportsTable;
  service_secrets: { name: string; value: string };
}
