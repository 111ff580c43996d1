/**
 * What a division request takes from the store beyond its own body: the households of a
 * village from its address registry (`"households": "addresses"`), its stored lines and special
 * grids (storedInputs), and for an adjustment (`"adjust": true`) the village's live grids, which
 * ones are kept and which freed. The route checks the request's shape; this module answers with results or with the reason it cannot.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { addressesInRegion } from '../db/addresses.js';
import { liveGridsOf, liveSpecialGrids, overlappingLiveGrids } from '../db/divisions.js';
import { regionBarriers } from '../db/reference-lines.js';
import { samePlace } from '../geo/divide/input.js';
import { checkPolygonal, type Polygonal } from '../geo/validate.js';
import type { DivisionInputs } from '../api-types/divisions.js';
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

/** A feature's geometry when it is a well-formed Polygon/MultiPolygon (the full check comes later, in parseDivisionInput). */
function polygonalOf(feature: unknown): Polygonal | undefined {
  const checked = checkPolygonal((feature as { geometry?: unknown } | null)?.geometry, { maxVertices: 50_000 });
  return checked.problems ? undefined : checked.geometry;
}

export function featuresOf(value: unknown): unknown[] | undefined {
  const features = (value as { type?: unknown; features?: unknown } | null)?.features;
  return value !== null && typeof value === 'object' && (value as { type?: unknown }).type === 'FeatureCollection' && Array.isArray(features)
    ? features
    : undefined;
}

/**
 * A request's specials with any `properties.code` dropped: only the village's live special
 * grids are kept (storedInputs adds them), never a code the request names.
 */
export function withoutCodes(specials: unknown): unknown {
  const features = featuresOf(specials);
  if (!features) return specials;
  return {
    type: 'FeatureCollection',
    features: features.map((f) => {
      const feature = f as { properties?: unknown };
      if (feature === null || typeof feature !== 'object' || feature.properties === null || typeof feature.properties !== 'object') return f;
      const { code: _dropped, ...properties } = feature.properties as Record<string, unknown>;
      return { ...feature, properties };
    }),
  };
}

/**
 * Fills a village's request from the store: its lines (clipped to it) when `barriers` is
 * absent — `barriers: { features: [] }` divides without them — and its live special grids,
 * first among the specials, to be kept as they are.
 */
export async function storedInputs(db: Kysely<Database>, regionCode: string, body: Record<string, unknown>): Promise<DivisionInputs> {
  let source: DivisionInputs['barriers']['source'] = 'request';
  if (body.barriers === undefined) {
    body.barriers = { type: 'FeatureCollection', features: await regionBarriers(db, regionCode) };
    source = 'stored';
  }
  const kept = await liveSpecialGrids(db, regionCode);
  const sent = body.specials === undefined || body.specials === null ? [] : featuresOf(body.specials);
  // A special the village keeps anyway, sent again, is not a second special on top of it.
  const requested = sent?.filter((feature) => {
    const shape = polygonalOf(feature);
    return !shape || !kept.some((k) => samePlace(k.geometry, shape));
  });
  if (kept.length > 0 && requested) {
    body.specials = {
      type: 'FeatureCollection',
      features: [...kept.map((k) => ({ type: 'Feature', geometry: k.geometry, properties: { specialType: k.specialType, name: k.name, code: k.code } })), ...requested],
    };
  }
  return {
    barriers: { source, features: featuresOf(body.barriers)?.length ?? 0 },
    keptSpecials: kept.map((k) => ({ code: k.code, name: k.name })),
  };
}
