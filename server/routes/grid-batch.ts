/**
 * POST /api/grids/batch: several grid writes that must commit together (a split, a merge, a
 * shared border moved), all or nothing:
 *
 *   { "reason"?: "…", "changes": [
 *       { "op": "update", "code": "…", "version": 3, "geometry"?: {…}, "properties"?: {…} },
 *       { "op": "create", "feature": { "type": "Feature", "properties": { "regionCode": … }, "geometry": … } },
 *       { "op": "retire", "code": "…", "version": 2 } ] }
 *
 * An update's `version` plays If-Match's part; its properties overlay the current ones (absent
 * members are kept), its geometry replaces the current one when given. The answer (200) is a
 * FeatureCollection with one feature per change, in order: the new version of an updated or
 * created grid, the retire version of a retired one. Refusals write nothing: 400 malformed
 * (every change's problems), 413 too many changes or vertices, 404 unknown codes, 412 stale
 * versions (every stale code), 409 a move to another village or a kind the number cannot hold,
 * 422 validity/topology (every change's problems, by index).
 */
import { Router } from 'express';
import { apiRouter } from './router.js';
import type { Store } from '../db/connect.js';
import type { Limits } from '../config.js';
import { ApiError, badRequest } from '../errors.js';
import { parseGridFeature, type GridInput } from '../geo/features.js';
import type { GridChange, GridCollection, GridWrite } from '../api-types/grids.js';
import { checkPolygonal, countVertices, type Problem } from '../geo/validate.js';
import { applyGridBatch, type BatchChange } from '../db/grid-batch.js';
import { ProblemList } from '../db/grids.js';
import { actorOf, jsonBody, reasonOf } from './params.js';
import { assertCovers } from '../http/authorize.js';
import { shown, text, type Text } from '../i18n/catalogue.js';
import type { Holds, Same } from '../api-types/type-checks.js';

const CODE = /^\d{15}$/;

type WriteMembers = keyof GridWrite['properties'] | 'geometry';

/**
 * The request bodies the API declares (api-types/grids.ts: GridWrite for POST/PUT /api/grids,
 * GridChange for this batch) and what the parsers make of them, held together at compile time:
 * a member added to, renamed in or dropped from either side fails `tsc` here, so the client's
 * bodies and the server's parsers cannot drift apart.
 */
export type GridBodyChecks = [
  // parseGridFeature reads every member of a GridWrite (its properties and geometry), and nothing else…
  Holds<Same<keyof GridInput, WriteMembers>>,
  // …and each value it makes is one the body may carry.
  Holds<GridInput extends GridWrite['properties'] & Pick<GridWrite, 'geometry'> ? true : false>,
  // A batch knows the ops the body declares, each with the same members (a create's feature becomes its grid).
  Holds<Same<BatchChange['op'], GridChange['op']>>,
  Holds<Same<keyof Extract<BatchChange, { op: 'update' }>, keyof Extract<GridChange, { op: 'update' }>>>,
  Holds<Same<keyof Extract<BatchChange, { op: 'retire' }>, keyof Extract<GridChange, { op: 'retire' }>>>,
  Holds<Same<keyof Extract<BatchChange, { op: 'create' }>['grid'], WriteMembers>>,
];

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function invalid(message: Text): Problem {
  return { code: 'invalid_change', message };
}

/** The code and version of an update or retire, or the problems with them. */
function target(change: Record<string, unknown>, problems: Problem[]): { code: string; version: number } {
  const { code, version } = change;
  if (typeof code !== 'string' || !CODE.test(code)) problems.push(invalid(text('invalid_change.code', { got: shown(code) })));
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    problems.push(invalid(text('invalid_change.version', { got: shown(version) })));
  }
  return { code: code as string, version: version as number };
}

/** One change of the body → a typed change, or its problems (request shape and feature validity). */
function parseChange(change: unknown, limits: Limits): { value?: BatchChange; problems: Problem[] } {
  const problems: Problem[] = [];
  if (!isObject(change)) return { problems: [invalid(text('invalid_change.object'))] };
  switch (change.op) {
    case 'retire':
      return { value: { op: 'retire', ...target(change, problems) }, problems };
    case 'create': {
      const parsed = parseGridFeature(change.feature, { maxVertices: limits.featureVertices, requireRegion: true });
      if (parsed.problems) return { problems: parsed.problems };
      return { value: { op: 'create', grid: { ...parsed.value, regionCode: parsed.value.regionCode! } }, problems };
    }
    case 'update': {
      const { code, version } = target(change, problems);
      const { geometry, properties } = change;
      if (geometry === undefined && properties === undefined) problems.push(invalid(text('invalid_change.update_empty')));
      if (properties !== undefined && !isObject(properties)) problems.push(invalid(text('invalid_change.properties')));
      if (isObject(properties) && properties.code !== undefined && properties.code !== code) {
        problems.push({ code: 'code_mismatch', message: text('code_mismatch.change', { got: shown(properties.code), code }) });
      }
      const shape = geometry === undefined ? undefined : checkPolygonal(geometry, { maxVertices: limits.featureVertices });
      if (shape?.problems) problems.push(...shape.problems);
      const value: BatchChange = { op: 'update', code, version, geometry: shape?.geometry, properties: isObject(properties) ? properties : undefined };
      return { value, problems };
    }
    default:
      return { problems: [invalid(text('invalid_change.op', { got: shown(change.op) }))] };
  }
}

function parseBody(body: unknown, limits: Limits): BatchChange[] {
  if (!isObject(body) || !Array.isArray(body.changes)) throw badRequest('invalid_batch', text('invalid_batch'));
  const raw = body.changes as unknown[];
  if (raw.length === 0) throw badRequest('empty_batch', text('empty_batch.changes'));
  if (raw.length > limits.editBatch) {
    throw new ApiError(413, 'batch_too_large', text('batch_too_large.changes', { count: raw.length, limit: limits.editBatch }), { changes: raw.length, limit: limits.editBatch });
  }
  const problems = new ProblemList();
  const changes: BatchChange[] = [];
  const seen = new Map<string, number>();
  let vertices = 0;
  raw.forEach((item, index) => {
    const parsed = parseChange(item, limits);
    for (const problem of parsed.problems) problems.add(index, problem);
    if (!parsed.value || parsed.problems.length > 0) return;
    const change = parsed.value;
    if (change.op !== 'create') {
      const earlier = seen.get(change.code);
      if (earlier !== undefined) problems.add(index, { code: 'duplicate_code', message: text('duplicate_code', { code: change.code, first: earlier, second: index }) });
      seen.set(change.code, index);
    }
    const geometry = change.op === 'create' ? change.grid.geometry : change.op === 'update' ? change.geometry : undefined;
    if (geometry) vertices += countVertices(geometry);
    changes.push(change);
  });
  if (problems.size > 0) {
    const list = problems.toJSON();
    throw badRequest('invalid_batch', text('change.at', { index: list[0].index, message: list[0].problems[0].message }), { errors: list });
  }
  if (vertices > limits.batchVertices) {
    throw new ApiError(413, 'batch_too_large', text('batch_too_large.batch_vertices', { count: vertices, limit: limits.batchVertices }), { vertices, limit: limits.batchVertices });
  }
  return changes;
}

export function gridBatchRouter(store: Store, limits: Limits): Router {
  const router = apiRouter();
  router.post('/batch', async (req, res) => {
    const changes = parseBody(jsonBody(req), limits);
    // A key scoped to part of the tree may change only the grids there (403 otherwise).
    changes.forEach((change, index) => {
      if (change.op === 'create') assertCovers(req, change.grid.regionCode, text('change.at', { index, message: text('subject.village') }));
      else assertCovers(req, change.code, text('change.at', { index, message: text('subject.grid') }));
    });
    const features = await applyGridBatch(store.db, changes, { actor: actorOf(req), reason: reasonOf(req) }, limits.featureVertices);
    res.json({ type: 'FeatureCollection', features } satisfies GridCollection);
  });
  return router;
}
