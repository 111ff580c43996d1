/**
 * Patrols as geography: a track piece is checked and stored; a grid's patrol coverage is the
 * share of its streets and paths (its stored road lines; without any, its area) that lay within
 * 30 m of a track in a time window, with the parts nobody walked — the same machinery as camera
 * blind spots (server/geo/coverage.ts): for an area, walked corridors subtracted as fields of
 * view are; for streets, steps of them tested against the tracks within reach.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { LineString, MultiLineString, MultiPolygon } from 'geojson';
import { getGrid } from '../db/grids.js';
import { gridStreets, gridsAlong, insertPatrol, tracksNearGrid, type PatrolFilter, type StoredPatrol } from '../db/patrols.js';
import { areaCoverage, lineCoverage, walkedZones, withinReach } from '../geo/coverage.js';
import type { Track } from '../geo/patrol.js';

/** How far a patrolling person sees and reaches on either side of their path. */
export const PATROL_REACH_M = 30;

import type { PatrolCoverage } from '../api-types/patrols.js';

export type { PatrolCoverage };

export async function recordPatrol(db: Kysely<Database>, staffId: number, clientId: string, track: Track, now: Date): Promise<{ patrol: StoredPatrol; duplicate: boolean; grids: string[] }> {
  const stored = await insertPatrol(db, staffId, clientId, track, now);
  return { ...stored, grids: await gridsAlong(db, track) };
}

export async function patrolCoverage(db: Kysely<Database>, code: string, filter: PatrolFilter): Promise<PatrolCoverage> {
  // 404 for a code never issued, 410 for a retired grid.
  const grid = await getGrid(db, code);
  const [near, streets] = await Promise.all([tracksNearGrid(db, code, PATROL_REACH_M, filter), gridStreets(db, code)]);
  const common = {
    code,
    patrols: near.patrols,
    staffIds: near.staffIds,
    walkedM: Math.round(near.lengthM),
    tracks: near.lines.length > 0 ? ({ type: 'MultiLineString', coordinates: near.lines.map((line: LineString) => line.coordinates) } as MultiLineString) : null,
  };
  if (streets.length > 0) {
    const covered = lineCoverage(streets, withinReach(near.lines, PATROL_REACH_M));
    return { ...common, basis: 'streets', coveredShare: covered.coveredShare, streetsM: Math.round(covered.totalM), walkedStreetsM: Math.round(covered.coveredM), unwalked: covered.uncovered };
  }
  // No streets stored: the share of its area, by the walked corridors, as camera sectors cover one.
  const covered = areaCoverage(grid.geometry, walkedZones(near.lines, PATROL_REACH_M));
  return { ...common, basis: 'area', coveredShare: covered.coveredShare, unwalked: covered.blindSpots };
}
