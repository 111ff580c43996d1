/**
 * GET/POST /api/locate as the API answers it, declared once: the server builds it
 * (routes/locate.ts) and the web client reads it (the grid at a clicked point). Types only.
 */
import type { GridKind, RegionLevel } from '../geo/codes.js';

/** A grid near the point, with its distance (metres). */
export interface NearGrid {
  code: string;
  name: string;
  distanceM: number;
}

/** The grid a point lies in, its chain of regions (county first) and how close it is to a neighbour. */
export interface LocatedGrid {
  code: string;
  name: string;
  kind: GridKind;
  regions: { level: RegionLevel; code: string; name: string }[];
  distanceToEdgeM: number;
  /** Another grid lies within a GPS fix's error (5 m): the answer may be the neighbour's. */
  ambiguous: boolean;
  neighbours: NearGrid[];
}

/** GET /api/locate?lon=&lat=: the grid, and the point in WGS84. */
export interface LocateAnswer extends LocatedGrid {
  wgs84: [number, number];
}

/** POST /api/locate: one result per point, in order; null where no grid holds it. */
export interface LocateBatchAnswer {
  results: (LocatedGrid | null)[];
}

/** POST /api/locate with fields: 'code': the grid codes only. */
export interface LocateCodesAnswer {
  results: (string | null)[];
}
