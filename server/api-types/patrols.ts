/**
 * Fieldwork as the API answers it, declared once: GET /api/grids/:code/patrol-coverage (the
 * server builds it in services/patrols.ts, the web client reads it), GET /api/staff/:id/log
 * (staff/worklog.ts builds it, the field client reads it), patrols and visits (db/patrols.ts,
 * db/visits.ts, routes/fieldwork.ts). Types only.
 */
import type { LineString, MultiLineString, MultiPolygon } from 'geojson';
import type { StaffDuty } from './staff.js';

export interface PatrolCoverage {
  code: string;
  /** streets: the share is of the grid's stored road lines; area: of its area (no lines stored). */
  basis: 'streets' | 'area';
  coveredShare: number;
  /** Metres of streets and paths in the grid, and of those walked (basis streets). */
  streetsM?: number;
  walkedStreetsM?: number;
  /** Tracks that came within reach, the people who walked them, and their length inside the grid. */
  patrols: number;
  staffIds: number[];
  walkedM: number;
  /** The streets (MultiLineString) or the area (MultiPolygon) nobody walked; null when none. */
  unwalked: MultiLineString | MultiPolygon | null;
  /** The tracks near the grid, for the map. */
  tracks: MultiLineString | null;
}

/** GET /api/grids/:code/patrol-coverage: the coverage over the window it was asked for. */
export interface PatrolCoverageAnswer extends PatrolCoverage {
  from: string;
  to: string;
}

/** One line of a day's 网格日志, in time order (patrol pieces of one walk joined). */
export type WorkLogEntry =
  | { kind: 'report'; at: string; incidentId: number; category: string; gridCode: string | null; description: string | null }
  | { kind: 'step'; at: string; incidentId: number; from: string | null; to: string; escalated: boolean; note: string | null }
  | { kind: 'patrol'; at: string; until: string; km: number; pieces: number }
  | { kind: 'visit'; at: string; visitId: number; address: string; gridCode: string; note: string | null };

/** A day's 网格日志 with its totals (staff/worklog.ts buildWorkLog). */
export interface WorkLog {
  date: string;
  entries: WorkLogEntry[];
  totals: { reports: number; steps: number; patrols: number; patrolKm: number; patrolMinutes: number; visits: number };
}

/** GET /api/staff/:id/log: whose log it is, and the day's. */
export interface WorkLogAnswer extends WorkLog {
  staffId: number;
  name: string;
  duty: StaffDuty;
  gridCodes: string[];
}

/** A piece of a patrol track as stored. */
export interface StoredPatrol {
  id: number;
  staffId: number;
  clientId: string;
  startedAt: string;
  endedAt: string;
  lengthM: number;
  points: number;
}

/** POST /api/patrols: the piece stored (200 when its client id was sent before), and the grids it passed. */
export interface PatrolRecorded extends StoredPatrol {
  duplicate: boolean;
  grids: string[];
}

/** A patrol piece on the map: its track and who walked it. */
export interface PatrolTrack {
  type: 'Feature';
  id: number;
  geometry: LineString;
  properties: { staffId: number; name: string; startedAt: string; endedAt: string; lengthM: number };
}

/** GET /api/patrols?staff=&from=&to=&bbox=. */
export interface PatrolTracks {
  type: 'FeatureCollection';
  features: PatrolTrack[];
}

/** A visit (走访) to a registered address. */
export interface Visit {
  id: number;
  staffId: number;
  addressId: number;
  address: string;
  gridCode: string;
  lon: number;
  lat: number;
  visitedAt: string;
  note: string | null;
  mediaId: number | null;
}

/** POST /api/visits: the visit stored (200 when its client id was sent before). */
export interface VisitRecorded extends Visit {
  duplicate: boolean;
}

/** GET /api/visits?staff=&grid=&from=&to=. */
export interface VisitsAnswer {
  visits: Visit[];
}
