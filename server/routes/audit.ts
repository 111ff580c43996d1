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
import { text } from '../i18n/catalogue.js';
import type { AuditPage } from '../api-types/audit.js';

const ENTITY = /^([a-z_]{1,40})(?::(.{1,64}))?$/;

export function auditRouter(store: Store): Router {
  const router = apiRouter();

  router.get('/', async (req, res) => {
    // Audit entries are not placed in the region tree; only an admin of the whole tree reads them.
    if (!coversEverything(req)) throw forbidden('out_of_scope', text('out_of_scope.audit'));
    const entityParam = stringParam(req, 'entity');
    const entity = entityParam === undefined ? undefined : ENTITY.exec(entityParam);
    if (entity === null) throw badRequest('invalid_parameter', text('invalid_parameter.audit_entity'));
    const from = timeParam(req, 'from');
    const to = timeParam(req, 'to');
    if (from && to && from > to) throw badRequest('invalid_parameter', text('invalid_parameter.from_after_to'));
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
    res.json({ entries, next } satisfies AuditPage);
  });

  return router;
}
