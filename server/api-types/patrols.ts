/**
 * GET /api/grids/:code/patrol-coverage as the API answers it, declared once: the server builds it
 * (services/patrols.ts) and the web client reads it. Types only.
 */
import type { MultiLineString, MultiPolygon } from 'geojson';

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
