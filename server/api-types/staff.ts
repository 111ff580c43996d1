/**
 * Staff (网格长, 网格员 and above) as the API answers them (GET /api/staff…, a grid's staff),
 * declared once: the server builds them (db/staff.ts, routes/staff.ts) and the web and field
 * clients read them. Types only.
 */

/** 网格长, 专职网格员, 兼职网格员, 协管员 (db/schema.ts: staff.duty). */
export type StaffDuty = 'leader' | 'fulltime' | 'parttime' | 'assistant';

/** What is written about a staff member (the body of POST/PUT /api/staff, and each version of the history). */
export interface StaffFields {
  name: string;
  phone: string | null;
  duty: StaffDuty;
  /** The region served by staff of a higher level; null for grid staff. */
  regionCode: string | null;
  gridCodes: string[];
}

/** A staff member as stored. */
export interface StaffRecord extends StaffFields {
  id: number;
  version: number;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

/** A staff member as answered: the phone masked for a key that may not read contacts. */
export interface Staff extends StaffRecord {
  phoneMasked: boolean;
}

/** GET /api/grids/:code/staff. */
export interface GridStaffAnswer {
  code: string;
  staff: Staff[];
}

/** One version of a staff member's history (the phone masked as the member is). */
export interface StaffVersion extends StaffFields {
  version: number;
  op: 'create' | 'update' | 'delete' | 'regrid';
  validFrom: string;
  validTo: string | null;
  actor: string;
  reason: string | null;
}

/** GET /api/staff/:id/history: newest first. */
export interface StaffHistoryAnswer {
  id: number;
  versions: StaffVersion[];
}

/** GET /api/staff: a page of staff. */
export interface StaffPage {
  total: number;
  limit: number;
  offset: number;
  staff: Staff[];
}

/** POST /api/staff/import: the roster's rows, the staff created (none on a dry run). */
export interface StaffImportAnswer {
  rows: number;
  created: number;
  staff: Staff[];
  dryRun: boolean;
}

/** A basic grid short of staff in a region's 定员 check. */
export interface GridStaffing {
  code: string;
  name: string;
  regionCode: string;
  kind: string;
  /** What the grid lacks: 'fulltime', 'leader', or both. */
  missing: ('fulltime' | 'leader')[];
  staff: { id: number; name: string; duty: string }[];
}

/** GET /api/regions/:code/staffing: the 定员 check of a region's basic grids. */
export interface RegionStaffing {
  code: string;
  name: string;
  level: string;
  basicGrids: number;
  /** Basic grids with both a full-time worker and a leader. */
  staffed: number;
  /** The others, with what each lacks. */
  understaffed: GridStaffing[];
}
