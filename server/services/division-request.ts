/**
 * What a division request takes from the store beyond its own body: the households of a
 * village from its address registry (`"households": "addresses"`), and for an adjustment
 * (`"adjust": true`) the village's live grids, which ones are kept and which freed. The route
 * checks the request's shape; this module answers with results or with the reason it cannot.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { addressesInRegion } from '../db/addresses.js';
import { liveGridsOf, overlappingLiveGrids } from '../db/divisions.js';
import { householdPoints } from '../geo/address/household-points.js';
import type { AdjustmentPlan } from '../geo/divide/adjust.js';
import type { WorkerPool } from '../workers/pool.js';

/** The village's registered households as point buildings, or none. */
export async function addressBuildings(db: Kysely<Database>, regionCode: string) {
  const addresses = await addressesInRegion(db, regionCode);
  return householdPoints(addresses.map((a) => ({ lon: a.lon, lat: a.lat, levels: a.levels })));
}

export type AdjustmentOutcome =
  | { ok: true; plan: AdjustmentPlan }
  | { ok: false; reason: 'no_grids' }
  | { ok: false; reason: 'grids_overlap'; a: string; b: string; areaM2: number };

/**
 * Which live grids of the village an adjustment keeps and which it divides again. `request` is
 * the division request as JSON text (with its boundary); the plan is made in a worker thread.
 */
export async function adjustmentOf(db: Kysely<Database>, workers: WorkerPool, regionCode: string, request: string): Promise<AdjustmentOutcome> {
  const live = await liveGridsOf(db, regionCode);
  if (!live.some((g) => g.kind === 'basic')) return { ok: false, reason: 'no_grids' };
  const overlap = await overlappingLiveGrids(db, regionCode);
  if (overlap) return { ok: false, reason: 'grids_overlap', ...overlap };
  return { ok: true, plan: await workers.run('planAdjustment', `{"request":${request},"live":${JSON.stringify(live)}}`) };
}
