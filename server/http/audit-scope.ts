/**
 * Runs each writing request inside an audit context (server/db/audit-context.ts), so that the
 * triggers record who made every change, from where, in which request.
 */
import type { NextFunction, Request, Response } from 'express';
import { withAuditContext } from '../db/audit-context.js';
import { actorOf } from './actor.js';
import { redactUrl } from './request-log.js';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function auditScope(req: Request, _res: Response, next: NextFunction): void {
  if (READS.has(req.method)) return next();
  const principal = req.principal;
  withAuditContext(
    {
      actor: actorOf(req),
      keyId: principal?.keyId,
      role: principal?.role,
      ip: req.ip,
      requestId: typeof req.id === 'string' ? req.id : String(req.id ?? ''),
      method: req.method,
      path: redactUrl(req.originalUrl).slice(0, 500),
    },
    next,
  );
}
