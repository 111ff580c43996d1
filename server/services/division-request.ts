/**
 * A division request (POST /api/divisions), from its body to a queued job: its options checked,
 * what it takes from the store beyond its own body — the households of a village from its
 * address registry (`"households": "addresses"`), its stored buildings, lines and special grids
 * (storedInputs), and for an adjustment (`"adjust": true`) the village's live grids, which ones
 * are kept and which freed — its input checked in a worker thread, and the job stored and queued.
 * Refusals are domain errors (bad input 400, invalid 422, too large 413); the caller's area is
 * checked through the `authorize` the route passes in, once the village is named.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { addressesInRegion } from '../db/addresses.js';
import { insertDivision, liveGridsOf, liveSpecialGrids, overlappingLiveGrids } from '../db/divisions.js';
import { exactBoundary, regionLevel } from '../db/regions.js';
import { regionBuildings } from '../db/buildings.js';
import { DomainError, badInputError, invalidError, tooLargeError } from '../domain-errors.js';
import { shown, text } from '../i18n/catalogue.js';
import { levelWord } from '../i18n/words.js';
import type { DivisionRunner } from '../jobs/division-runner.js';
import type { Limits } from '../config.js';
import { regionBarriers } from '../db/reference-lines.js';
import { samePlace, type SkippedBarriers } from '../geo/divide/input.js';
import { checkPolygonal, type Polygonal } from '../geo/validate.js';
import type { DivisionInputs, DivisionQueued, DivisionRequest } from '../api-types/divisions.js';
import type { Holds, Same } from '../api-types/type-checks.js';
import type { DivisionBody } from '../geo/divide/input.js';
import { householdPoints } from '../geo/address/household-points.js';
import type { AdjustmentPlan } from '../geo/divide/adjust.js';
import type { WorkerPool } from '../workers/pool.js';

/**
 * A request body as this service reads it: the members the API declares (DivisionRequest), not
 * yet checked, and the adjustment's kept and freed grids, which only this service sets. Reading
 * a member the API does not declare fails `tsc`.
 */
type RequestBody = { [K in keyof DivisionRequest]?: unknown } & Pick<DivisionBody, 'keep' | 'freed'>;

/** The parser reads the declared members and the service's own, nothing else (see DivisionBody). */
export type DivisionBodyChecks = [
  Holds<Same<keyof DivisionBody, Exclude<keyof RequestBody, 'regionCode' | 'boundary' | 'adjust' | 'households'>>>,
];

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
export async function storedInputs(db: Kysely<Database>, regionCode: string, body: RequestBody): Promise<DivisionInputs> {
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

/** What requestDivision works with: the store, the worker threads, the job runner and the size limit. */
export interface DivisionRequestDeps {
  db: Kysely<Database>;
  workers: WorkerPool;
  runner: Pick<DivisionRunner, 'owner' | 'enqueue'>;
  limits: Pick<Limits, 'divisionBuildings'>;
}

/** The request's options, checked: whether it adjusts the village's grids, and where its households come from. */
function optionsOf(body: RequestBody): { adjust: boolean; householdsFrom: 'buildings' | 'addresses' } {
  const adjust = body.adjust ?? false;
  if (typeof adjust !== 'boolean') throw badInputError('invalid_parameter', text('invalid_parameter.adjust', { got: shown(body.adjust) }));
  const householdsFrom = body.households ?? 'buildings';
  if (householdsFrom !== 'buildings' && householdsFrom !== 'addresses') {
    throw badInputError('invalid_parameter', text('invalid_parameter.households_from', { got: shown(body.households) }));
  }
  if ((adjust || householdsFrom === 'addresses') && body.regionCode === undefined) {
    throw badInputError('invalid_parameter', text(adjust ? 'invalid_parameter.adjust_needs_region' : 'invalid_parameter.addresses_need_region'));
  }
  if (householdsFrom === 'addresses' && body.buildings !== undefined) {
    throw badInputError('invalid_parameter', text('invalid_parameter.buildings_or_addresses'));
  }
  return { adjust, householdsFrom };
}

/**
 * A stored village's request filled from the store (its boundary; its households from the
 * address registry, or its stored buildings when the request sends none; its lines and special
 * grids): the boundary and what the division took. `authorize` refuses a village outside the caller's area.
 */
async function villageInputs(
  db: Kysely<Database>,
  body: RequestBody,
  householdsFrom: 'buildings' | 'addresses',
  authorize: (regionCode: string) => void,
): Promise<{ regionCode: string; boundary: unknown; inputs: DivisionInputs }> {
  if (typeof body.regionCode !== 'string' || !/^\d{12}$/.test(body.regionCode)) throw badInputError('invalid_parameter', text('invalid_parameter.region_code'));
  if (body.boundary !== undefined) throw badInputError('invalid_parameter', text('invalid_parameter.region_or_boundary'));
  const regionCode = body.regionCode;
  authorize(regionCode);
  // A region named in the body that does not exist is a 422, not a 404 of this URL.
  const level = await regionLevel(db, regionCode).catch((error: unknown) => {
    throw error instanceof DomainError && error.kind === 'not_found' ? invalidError('unknown_region', error.text) : error;
  });
  if (level !== 'village') throw invalidError('not_a_village', text('not_a_village.division', { code: regionCode, level: levelWord(level) }));
  const boundary = await exactBoundary(db, regionCode);
  if (householdsFrom === 'addresses') {
    const points = await addressBuildings(db, regionCode);
    if (points.length === 0) throw invalidError('no_addresses', text('no_addresses', { region: regionCode }));
    body.buildings = { type: 'FeatureCollection', features: points };
  }
  // Without buildings in the request, the village's stored buildings layer is used.
  if (body.buildings === undefined) {
    const stored = await regionBuildings(db, regionCode);
    if (stored.length === 0) throw invalidError('no_buildings', text('no_buildings.stored', { code: regionCode }));
    body.buildings = { type: 'FeatureCollection', features: stored };
  }
  return { regionCode, boundary, inputs: { ...(await storedInputs(db, regionCode, body)), households: householdsFrom } };
}

/** The request (as JSON text) checked in a worker thread: reading and preparing tens of thousands of footprints takes seconds. */
async function checkInput(workers: WorkerPool, limits: Pick<Limits, 'divisionBuildings'>, request: string): Promise<SkippedBarriers | undefined> {
  const checked = await workers.run('checkDivision', request);
  const problems = checked.problems;
  // Nothing to divide (buildings left out, null or empty): a proposal of it would be empty too.
  if (problems.length === 0 && checked.buildings === 0) throw invalidError('no_buildings', text('no_buildings'));
  if (checked.buildings > limits.divisionBuildings) {
    const details = { buildings: checked.buildings, limit: limits.divisionBuildings };
    throw tooLargeError('too_many_buildings', text('too_many_buildings', details), details);
  }
  if (problems.length > 0) {
    // Well-formed input that does not fit the place (a building outside it, specials on top of each other) is a 422.
    const structural = problems.every((p) => p.code !== 'building_outside_area' && p.code !== 'specials_overlap');
    throw (structural ? badInputError : invalidError)(problems[0].code, problems[0].message, { problems });
  }
  return checked.skippedBarriers;
}

/** An adjustment's kept and freed grids, added to the request (as the job will run it) and to its inputs. */
async function addAdjustment(db: Kysely<Database>, workers: WorkerPool, regionCode: string, request: string, body: RequestBody, inputs: DivisionInputs): Promise<void> {
  const outcome = await adjustmentOf(db, workers, regionCode, request);
  if (!outcome.ok) {
    throw outcome.reason === 'no_grids'
      ? invalidError('no_grids', text('no_grids', { region: regionCode }))
      : invalidError('grids_overlap', text('grids_overlap', { region: regionCode, a: outcome.a, b: outcome.b, m2: Math.round(outcome.areaM2) }), {
          grids: [outcome.a, outcome.b],
          areaM2: outcome.areaM2,
        });
  }
  const asCollection = (grids: typeof outcome.plan.keep) => ({
    type: 'FeatureCollection',
    features: grids.map((g) => ({ type: 'Feature', properties: { code: g.code }, geometry: g.geometry })),
  });
  body.keep = asCollection(outcome.plan.keep);
  body.freed = asCollection(outcome.plan.freed);
  inputs.adjust = { kept: outcome.plan.keep.map((g) => g.code), freed: outcome.plan.freed.map((g) => g.code) };
}

/**
 * POST /api/divisions: the request body (an object) → the queued job. An inline `boundary`
 * (a geometry or a Feature) is anyone's who may divide; a `regionCode` names a stored village,
 * which `authorize` checks against the caller's area before anything of it is read.
 */
export async function requestDivision(deps: DivisionRequestDeps, body: RequestBody, authorize: (regionCode: string) => void): Promise<DivisionQueued> {
  const { db, workers, runner, limits } = deps;
  let boundary = body.boundary;
  let regionCode: string | null = null;
  let inputs: DivisionInputs = { barriers: { source: 'request', features: featuresOf(body.barriers)?.length ?? 0 }, keptSpecials: [] };
  body.specials = withoutCodes(body.specials);
  // Kept and freed grids come from the store (an adjustment), never from the request.
  delete body.keep;
  delete body.freed;
  const { adjust, householdsFrom } = optionsOf(body);
  if (body.regionCode !== undefined) {
    ({ regionCode, boundary, inputs } = await villageInputs(db, body, householdsFrom, authorize));
  } else if (boundary === undefined) {
    throw badInputError('invalid_parameter', text('invalid_parameter.area_missing'));
  }
  if (boundary !== null && typeof boundary === 'object' && (boundary as { type?: string }).type === 'Feature') {
    boundary = (boundary as { geometry?: unknown }).geometry;
  }
  const request = JSON.stringify({ ...body, boundary });
  const skipped = await checkInput(workers, limits, request);
  if (skipped) inputs.barriers.skipped = skipped;
  if (adjust) await addAdjustment(db, workers, regionCode!, request, body, inputs);
  const id = randomUUID();
  // An adjustment's kept and freed grids go with the request the job will run.
  const stored = adjust ? JSON.stringify({ ...body, boundary }) : request;
  await insertDivision(db, { id, regionCode, request: stored, owner: runner.owner, inputs: JSON.stringify(inputs) });
  runner.enqueue(id);
  return { id, status: 'queued', inputs };
}
