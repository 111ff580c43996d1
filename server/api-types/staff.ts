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
