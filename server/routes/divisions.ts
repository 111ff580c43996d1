import { Router } from 'express';
import { apiRouter } from './router.js';
import type { Store } from '../db/connect.js';
import { badRequest, conflict, langOf, notFound } from '../errors.js';
import { describeProposal } from '../i18n/division.js';
import { requestDivision } from '../services/division-request.js';
import type { Lang } from '../i18n/lang.js';
import { getDivision, type DivisionRow } from '../db/divisions.js';
import { applyProposal } from '../services/division-apply.js';
import type { DivisionInputs, DivisionJob, DivisionQueued, RunMetrics } from '../api-types/divisions.js';
import type { WorkerPool } from '../workers/pool.js';
import type { Limits } from '../config.js';
import type { ProposalDocument } from '../geo/divide/run.js';
import type { DivisionRunner } from '../jobs/division-runner.js';
import { assertCovers, assertVisible, lookupById } from '../http/authorize.js';
import { actorOf, booleanParam, jsonBody, reasonOf, stringParam } from './params.js';
import { shown, text } from '../i18n/catalogue.js';

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
    const queued: DivisionQueued = await requestDivision({ db: store.db, workers, runner, limits }, body, (regionCode) =>
      assertCovers(req, regionCode, text('subject.village')),
    );
    res.status(202).location(`/api/divisions/${queued.id}`).json(queued);
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
