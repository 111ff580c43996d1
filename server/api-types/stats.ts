/**
 * The incident heatmap and statistics by region as the API answers them (GET /api/heatmap,
 * GET /api/stats), declared once: the server builds them (db/incident-stats.ts,
 * routes/incident-views.ts) and the web client reads them. Types only.
 */
import type { RegionLevel } from '../geo/codes.js';
import type { IncidentStatus } from '../incidents/states.js';
import type { Light } from '../incidents/light.js';

export interface HeatmapPoint {
  /** Mean position of the cell's incidents. */
  lon: number;
  lat: number;
  count: number;
  /** count / max: 0–1, what an OpenLayers Heatmap layer takes as `weight`. */
  weight: number;
}

export interface Heatmap {
  points: HeatmapPoint[];
  total: number;
  max: number;
}

/** GET /api/heatmap: the cells of a zoom level, side cellDeg degrees. */
export interface HeatmapAnswer extends Heatmap {
  zoom: number;
  cellDeg: number;
}

export interface StatsRow {
  code: string;
  name: string;
  level: RegionLevel | 'grid';
  /** Households of the live grids under it; null when none of them says. */
  households: number | null;
  incidents: number;
  byStatus: Record<IncidentStatus, number>;
  byCategory: Record<string, number>;
  byLight: Record<Light, number>;
  /** Finished (resolved or closed) by their deadline, of all finished; null when none finished. */
  onTimeRate: number | null;
  /** Incidents per 100 households; null when households are unknown or 0. */
  per100Households: number | null;
}

export interface RegionStats {
  code: string;
  name: string;
  level: RegionLevel;
  /** Child regions, or the live grids of a village. */
  children: StatsRow[];
  /** The whole region: every incident in a grid under it (also grids no child row lists). */
  total: StatsRow;
}

/** GET /api/stats. */
export interface StatsAnswer extends RegionStats {
  /** The region asked for, when the key's area narrowed it to `code`. */
  requested?: string;
  /** The filter's window (null: open). */
  from: string | null;
  to: string | null;
  /** The service's clock when they were counted. */
  asOf: string;
}
