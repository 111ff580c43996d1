import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { apiRouter } from './router.js';
import type { Store } from '../db/connect.js';
import { ApiError, asApiError, badRequest, conflict, langOf, notFound, unprocessable } from '../errors.js';
import { describeProposal } from '../i18n/division.js';
import { addressBuildings, adjustmentOf, featuresOf, storedInputs, withoutCodes } from '../services/division-request.js';
import type { Lang } from '../i18n/lang.js';
import { exactBoundary, regionLevel } from '../db/regions.js';
import { regionBuildings } from '../db/buildings.js';
import { getDivision, insertDivision, type DivisionRow } from '../db/divisions.js';
import { applyProposal } from '../services/division-apply.js';
import type { DivisionInputs, DivisionJob, DivisionQueued, RunMetrics } from '../api-types/divisions.js';
import type { WorkerPool } from '../workers/pool.js';
import type { Limits } from '../config.js';
import type { ProposalDocument } from '../geo/divide/run.js';
import type { DivisionRunner } from '../jobs/division-runner.js';
import { assertCovers, assertVisible, lookupById } from '../http/authorize.js';
import { actorOf, booleanParam, jsonBody, reasonOf, stringParam } from './params.js';
import { shown, text } from '../i18n/catalogue.js';
import { levelWord } from '../i18n/words.js';



/** A division id is a UUID (randomUUID); anything else names no division (and is not sent to the database). */
function divisionId(raw: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(raw)) throw notFound('unknown_division', text('unknown_division', { id: shown(raw) }));
  return raw;
}

function present(row: DivisionRow, lang: Lang): DivisionJob {
  return {
    id: row.id,
    status: row.status,
    progress: row.progress,
    stage: row.stage,
    regionCode: row.region_code,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    appliedAt: row.applied_at?.toISOString() ?? null,
    ...(row.proposal ? { proposal: describeProposal(JSON.parse(row.proposal) as ProposalDocument, lang) } : {}),
    ...(row.metrics ? { metrics: JSON.parse(row.metrics) as RunMetrics } : {}),
    ...(row.error ? { error: row.error } : {}),
    ...(row.inputs ? { inputs: JSON.parse(row.inputs) as DivisionInputs } : {}),
  };
}

export function divisionsRouter(store: Store, runner: DivisionRunner, workers: WorkerPool, limits: Pick<Limits, 'divisionBuildings'>): Router {
  const router = apiRouter();

  router.post('/', async (req, res) => {
    const body = jsonBody(req) as Record<string, unknown>;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('invalid_json', text('invalid_json.object'));
    let boundary = body.boundary;
    let regionCode: string | null = null;
    let inputs: DivisionInputs = { barriers: { source: 'request', features: featuresOf(body.barriers)?.length ?? 0 }, keptSpecials: [] };
    body.specials = withoutCodes(body.specials);
    // Kept and freed grids come from the store (an adjustment), never from the request.
    delete body.keep;
    delete body.freed;
    const adjust = body.adjust ?? false;
    if (typeof adjust !== 'boolean') throw badRequest('invalid_parameter', text('invalid_parameter.adjust', { got: shown(body.adjust) }));
    const householdsFrom = body.households ?? 'buildings';
    if (householdsFrom !== 'buildings' && householdsFrom !== 'addresses') {
      throw badRequest('invalid_parameter', text('invalid_parameter.households_from', { got: shown(body.households) }));
    }
    if ((adjust || householdsFrom === 'addresses') && body.regionCode === undefined) {
      throw badRequest('invalid_parameter', text(adjust ? 'invalid_parameter.adjust_needs_region' : 'invalid_parameter.addresses_need_region'));
    }
    if (householdsFrom === 'addresses' && body.buildings !== undefined) {
      throw badRequest('invalid_parameter', text('invalid_parameter.buildings_or_addresses'));
    }
    if (body.regionCode !== undefined) {
      if (typeof body.regionCode !== 'string' || !/^\d{12}$/.test(body.regionCode)) {
        throw badRequest('invalid_parameter', text('invalid_parameter.region_code'));
      }
      if (boundary !== undefined) throw badRequest('invalid_parameter', text('invalid_parameter.region_or_boundary'));
      assertCovers(req, body.regionCode, text('subject.village'));
      // A region named in the body that does not exist is a 422, not a 404 of this URL.
      const level = await regionLevel(store.db, body.regionCode).catch((error: unknown) => {
        const answer = asApiError(error);
        throw answer?.status === 404 ? unprocessable('unknown_region', answer.text) : error;
      });
      if (level !== 'village') {
        throw unprocessable('not_a_village', text('not_a_village.division', { code: body.regionCode, level: levelWord(level) }));
      }
      regionCode = body.regionCode;
      boundary = await exactBoundary(store.db, body.regionCode);
      if (householdsFrom === 'addresses') {
        const points = await addressBuildings(store.db, body.regionCode);
        if (points.length === 0) throw unprocessable('no_addresses', text('no_addresses', { region: body.regionCode }));
        body.buildings = { type: 'FeatureCollection', features: points };
      }
      // Without buildings in the request, the village's stored buildings layer is used.
      if (body.buildings === undefined) {
        const stored = await regionBuildings(store.db, body.regionCode);
        if (stored.length === 0) {
          throw unprocessable('no_buildings', text('no_buildings.stored', { code: body.regionCode }));
        }
        body.buildings = { type: 'FeatureCollection', features: stored };
      }
      inputs = { ...(await storedInputs(store.db, body.regionCode, body)), households: householdsFrom };
    } else if (boundary === undefined) {
      throw badRequest('invalid_parameter', text('invalid_parameter.area_missing'));
    }
    if (boundary !== null && typeof boundary === 'object' && (boundary as { type?: string }).type === 'Feature') {
      boundary = (boundary as { geometry?: unknown }).geometry;
    }
    // Checked in a worker thread: reading and preparing tens of thousands of footprints takes seconds.
    const request = JSON.stringify({ ...body, boundary });
    const checked = await workers.run('checkDivision', request);
    const problems = checked.problems;
    // Nothing to divide (buildings left out, null or empty): a proposal of it would be empty too.
    if (problems.length === 0 && checked.buildings === 0) throw unprocessable('no_buildings', text('no_buildings'));
    if (checked.buildings > limits.divisionBuildings) {
      throw new ApiError(413, 'too_many_buildings', text('too_many_buildings', { buildings: checked.buildings, limit: limits.divisionBuildings }), { buildings: checked.buildings, limit: limits.divisionBuildings });
    }
    if (problems.length > 0) {
      // Well-formed input that does not fit the place (a building outside it, specials on top of each other) is a 422.
      const structural = problems.every((p) => p.code !== 'building_outside_area' && p.code !== 'specials_overlap');
      throw new ApiError(structural ? 400 : 422, problems[0].code, problems[0].message, { problems });
    }
    if (adjust) {
      const outcome = await adjustmentOf(store.db, workers, regionCode!, request);
      if (!outcome.ok) {
        throw outcome.reason === 'no_grids'
          ? unprocessable('no_grids', text('no_grids', { region: regionCode }))
          : unprocessable('grids_overlap', text('grids_overlap', { region: regionCode, a: outcome.a, b: outcome.b, m2: Math.round(outcome.areaM2) }), {
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
    const id = randomUUID();
    // An adjustment's kept and freed grids go with the request the job will run.
    const stored = adjust ? JSON.stringify({ ...body, boundary }) : request;
    await insertDivision(store.db, { id, regionCode, request: stored, owner: runner.owner, inputs: JSON.stringify(inputs) });
    runner.enqueue(id);
    const queued: DivisionQueued = { id, status: 'queued', inputs };
    res.status(202).location(`/api/divisions/${id}`).json(queued);
  });

  router.get('/:id', async (req, res) => {
    const id = divisionId(req.params.id);
    const division = await lookupById(req, text('subject.division'), id, getDivision(store.db, id));
    // A stored village's division stays in its area (an inline boundary's is anyone's who may divide).
    if (division.region_code) assertVisible(req, division.region_code, text('subject.division'), id);
    res.json(present(division, langOf(req)));
  });

  /**
   * Applies a finished proposal to its village: `?dryRun=true` answers the diff only (which
   * buildings and households change grid); otherwise the grids are replaced in one transaction.
   */
  router.post('/:id/apply', async (req, res) => {
    // Checked first: a garbage dryRun must not apply for real, nor a garbage gridKind apply as urban.
    const dryRun = booleanParam(req, 'dryRun', false);
    const kind = stringParam(req, 'gridKind') ?? 'urban';
    if (kind !== 'urban' && kind !== 'rural') throw badRequest('invalid_parameter', text('invalid_parameter.grid_kind', { got: kind }));
    const division = await getDivision(store.db, divisionId(req.params.id));
    if (division.status !== 'done' || !division.proposal) {
      throw conflict('not_done', text('not_done', { id: division.id, status: division.status }));
    }
    if (!division.region_code) throw conflict('no_region', text('no_region'));
    assertVisible(req, division.region_code, text('subject.division'), division.id);
    const answer = await applyProposal(store.db, { ...division, region_code: division.region_code, proposal: division.proposal }, {
      dryRun,
      gridKind: kind,
      meta: { actor: actorOf(req), reason: reasonOf(req) ?? `自动划分 auto-division ${division.id}` },
    });
    res.json(answer);
  });

  return router;
}
