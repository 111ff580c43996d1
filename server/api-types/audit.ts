/**
 * GET /api/audit as the API answers it (for admins of the whole tree), declared once: the server
 * builds it (db/audit.ts, routes/audit.ts). Types only.
 */

/** One change the audit triggers recorded (migration 007): who, through which request, to what. */
export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  keyId: string | null;
  role: string | null;
  ip: string | null;
  requestId: string | null;
  method: string | null;
  path: string | null;
  entity: string;
  entityId: string | null;
  op: string;
  versionBefore: number | null;
  versionAfter: number | null;
  rows: number;
}

/** GET /api/audit: newest first; `next` is the `before` of the next page, null on the last. */
export interface AuditPage {
  entries: AuditEntry[];
  next: number | null;
}
