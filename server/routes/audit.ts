/**
 * GET /api/audit: the audit log for admins, newest first, filtered by actor, key, entity and
 * time, paged with `before` (the last id of the previous page).
 */
import { Router } from 'express';
import { apiRouter } from './router.js';
import type { Store } from '../db/connect.js';
import { listAudit } from '../db/audit.js';
import { badRequest, forbidden } from '../errors.js';
import { coversEverything } from '../http/authorize.js';
import { integerParam, stringParam, timeParam } from './params.js';

const ENTITY = /^([a-z_]{1,40})(?::(.{1,64}))?$/;

export function auditRouter(store: Store): Router {
  const router = apiRouter();

  router.get('/', async (req, res) => {
    // Audit entries are not placed in the region tree; only an admin of the whole tree reads them.
    if (!coversEverything(req)) throw forbidden('out_of_scope', 'The audit log is for admins of the whole tree');
    const entityParam = stringParam(req, 'entity');
    const entity = entityParam === undefined ? undefined : ENTITY.exec(entityParam);
    if (entity === null) throw badRequest('invalid_parameter', 'entity is a table name, optionally with an id: grids or grids:420111002003001');
    const from = timeParam(req, 'from');
    const to = timeParam(req, 'to');
    if (from && to && from > to) throw badRequest('invalid_parameter', 'from must not be after to');
    const limit = integerParam(req, 'limit', 100, 1, 1000);
    const before = integerParam(req, 'before', Number.MAX_SAFE_INTEGER, 1, Number.MAX_SAFE_INTEGER);
    const entries = await listAudit(store.db, {
      actor: stringParam(req, 'actor'),
      keyId: stringParam(req, 'key'),
      entity: entity?.[1],
      entityId: entity?.[2],
      from,
      to,
      before: before === Number.MAX_SAFE_INTEGER ? undefined : before,
      limit,
    });
    const next = entries.length === limit ? entries[entries.length - 1].id : null;
    res.json({ entries, next });
  });

  return router;
}
