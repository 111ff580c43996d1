/**
 * Reading the audit log (the triggers of migration 007 write it). Newest first, paged by id.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { AuditEntry } from '../api-types/audit.js';

export interface AuditQuery {
  actor?: string;
  keyId?: string;
  /** A table name (grids, incidents, …), optionally with an id: `grids:420111002003001`. */
  entity?: string;
  entityId?: string;
  from?: Date;
  to?: Date;
  /** Only entries older than this id (the next page). */
  before?: number;
  limit: number;
}

export type { AuditEntry };

export async function listAudit(db: Kysely<Database>, query: AuditQuery): Promise<AuditEntry[]> {
  let select = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(query.limit);
  if (query.actor !== undefined) select = select.where('actor', '=', query.actor);
  if (query.keyId !== undefined) select = select.where('key_id', '=', query.keyId);
  if (query.entity !== undefined) select = select.where('entity', '=', query.entity);
  if (query.entityId !== undefined) select = select.where('entity_id', '=', query.entityId);
  if (query.from !== undefined) select = select.where('at', '>=', query.from);
  if (query.to !== undefined) select = select.where('at', '<=', query.to);
  if (query.before !== undefined) select = select.where('id', '<', query.before);
  const rows = await select.execute();
  return rows.map((row) => ({
    id: row.id,
    at: row.at.toISOString(),
    actor: row.actor,
    keyId: row.key_id,
    role: row.role,
    ip: row.ip,
    requestId: row.request_id,
    method: row.method,
    path: row.path,
    entity: row.entity,
    entityId: row.entity_id,
    op: row.op,
    versionBefore: row.version_before,
    versionAfter: row.version_after,
    rows: row.rows,
  }));
}
