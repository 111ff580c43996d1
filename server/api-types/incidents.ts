/**
 * Incidents as the API answers them (GET /api/incidents, /api/incidents/:id, the SSE feed…),
 * declared once: the server builds them (db/incidents.ts) and the web client reads them
 * (client/src/api.ts imports these types). Types only — nothing here runs.
 */
import type { IncidentStatus } from '../incidents/states.js';
import type { Light } from '../incidents/light.js';
import type { IncidentCategory } from '../incidents/rules.js';

export type { IncidentCategory, IncidentStatus, Light };

/** Who reported it: the table's own values (db/schema.ts: incidents.source). */
export type IncidentSource = 'worker' | 'resident' | 'camera' | 'sensor' | 'hotline';
/** The level that handles it (网格 → 村/社区 → 街道/乡镇 → 县区), escalated upward. */
export type HandlingLevel = 'grid' | 'village' | 'township' | 'county';

/** Who an incident is assigned to (分流交办). */
export interface Assignee {
  staffId: number;
  name: string;
  duty: string;
}

export interface Incident {
  id: number;
  category: string;
  description: string | null;
  source: IncidentSource;
  reporter: string | null;
  address: string | null;
  status: IncidentStatus;
  light: Light;
  handlingLevel: HandlingLevel;
  handlingRegion: string | null;
  gridCode: string | null;
  lon: number;
  lat: number;
  reportedAt: string;
  deadlineAt: string;
  resolvedAt: string | null;
  closedAt: string | null;
  updatedAt: string;
  eventCount: number;
  mediaId: number | null;
  /** The most serious alarm priority of its device events: 1 (一级警情) … 4; null when people reported it. */
  priority: number | null;
  version: number;
  changeSeq: number;
  assignee: Assignee | null;
  reporterStaffId: number | null;
}

/** One step of an incident's loop (its history). */
export interface Transition {
  from: string | null;
  to: string;
  fromLevel: string | null;
  toLevel: string | null;
  actor: string;
  /** The staff member who acted (a worker key), when one did. */
  actorStaffId: number | null;
  note: string | null;
  /** What residents may read of this step (GET /api/public/reports/:number). */
  publicNote: string | null;
  /** Who the incident is assigned to after this step. */
  assignee: Assignee | null;
  at: string;
  /** A photo taken with the step (the handling, the result…). */
  photo: { mediaId: number; url: string; thumbUrl: string } | null;
}

/** GET /api/incidents/:id: the incident and its steps, oldest first. */
/** GET /api/incidents: a page of incidents in the order asked for, and how many match. */
export interface IncidentPage {
  total: number;
  limit: number;
  offset: number;
  incidents: Incident[];
}

export interface IncidentDetail extends Incident {
  transitions: Transition[];
}

/** GET /api/incidents/categories: the categories in force and how long a report merges with an open incident. */
export interface CategoriesAnswer {
  categories: IncidentCategory[];
  mergeWindowMinutes: number;
}

/** A camera that sees an incident's point (GET /api/incidents/:id/cameras), nearest first, with its latest snapshot. */
export interface IncidentCamera {
  id: string;
  name: string;
  distanceM: number;
  lon: number;
  lat: number;
  latestSnapshot: { mediaId: number; url: string; thumbUrl: string; occurredAt: string } | null;
}

/** GET /api/incidents/:id/cameras. */
export interface IncidentCamerasAnswer {
  incident: number;
  cameras: IncidentCamera[];
}

/**
 * The body of POST /api/incidents/:id/transition (with `to`) and /escalate (without): one step
 * of an incident's loop, as routes/incidents.ts reads it.
 */
export interface IncidentStep {
  to?: IncidentStatus;
  note?: string;
  /** A reply the public reporter may read. */
  publicNote?: string;
  /** base64 JPEG/PNG (a data: URL is fine). */
  photo?: string;
  /** The staff member it is assigned to (分流交办): their id. */
  assignee?: number;
}

/** GET /api/events/stream, event `reset`: too many changes were missed to replay; reload, then continue. */
export interface FeedReset {
  reason: 'too_many_changes';
  message: string;
}

/** GET /api/events/stream, event `revoked`: the stream's key was revoked, and the stream ends. */
export interface FeedRevoked {
  code: 'invalid_key';
}
