import { sql, type Kysely } from 'kysely';
import { ALL_EVENTS, auditRows, auditStatements } from './audit-triggers.js';

/**
 * API keys and the audit log.
 *
 * The audit log is written by triggers, in the same transaction as the change it records, so a
 * change and its record commit or vanish together and no code path can forget to write one.
 * Who made the change comes from the transaction's `gridgov.audit` setting (see
 * server/db/audit-context.ts); a change made outside any request (a CLI, a migration) is
 * recorded as the database user.
 */

/**
 * Tables audited row by row: table, its id column, whether it has a version column, and the
 * events that count (a division job's progress updates are bookkeeping; its creation and its
 * application are changes).
 */
const ROW_AUDITED: [table: string, id: string, versioned: boolean, events: string][] = [
  ['regions', 'code', false, ALL_EVENTS],
  ['grids', 'code', true, ALL_EVENTS],
  ['divisions', 'id', false, 'INSERT OR UPDATE OF applied_at OR DELETE'],
  ['devices', 'id', true, ALL_EVENTS],
  ['incidents', 'id', true, ALL_EVENTS],
  ['api_keys', 'id', false, ALL_EVENTS],
];

/** Tables written in bulk (imports, feeds): one audit row per statement, with the row count. */
const STATEMENT_AUDITED = ['buildings', 'addresses', 'device_events', 'media'];

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE api_keys (
      id text PRIMARY KEY,
      name text NOT NULL,
      role text NOT NULL CHECK (role IN ('admin', 'planner', 'dispatcher', 'viewer', 'integrator', 'device')),
      region_code text REFERENCES regions (code),
      device_ids text[],
      hash text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      created_by text,
      revoked_at timestamptz,
      last_used_at timestamptz
    )`.execute(db);

  await sql`
    CREATE TABLE audit_log (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT clock_timestamp(),
      actor text NOT NULL,
      key_id text,
      role text,
      ip text,
      request_id text,
      method text,
      path text,
      entity text NOT NULL,
      entity_id text,
      op text NOT NULL,
      version_before integer,
      version_after integer,
      rows integer NOT NULL DEFAULT 1
    )`.execute(db);
  await sql`CREATE INDEX audit_log_at_idx ON audit_log (at)`.execute(db);
  await sql`CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, at)`.execute(db);
  await sql`CREATE INDEX audit_log_actor_idx ON audit_log (actor, at)`.execute(db);

  // Append-only: rows can be added, never changed or removed through SQL the service runs.
  await sql`
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only';
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`.execute(db);
  await sql`
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`.execute(db);

  // One writer of audit rows: the context (who, from where, which request) and what changed.
  await sql`
    CREATE FUNCTION audit_write(entity text, entity_id text, op text, version_before integer, version_after integer, row_count integer)
    RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
      context jsonb := nullif(current_setting('gridgov.audit', true), '')::jsonb;
    BEGIN
      INSERT INTO audit_log (actor, key_id, role, ip, request_id, method, path, entity, entity_id, op, version_before, version_after, rows)
      VALUES (
        coalesce(context->>'actor', 'db:' || session_user),
        context->>'keyId', context->>'role', context->>'ip', context->>'requestId', context->>'method', context->>'path',
        entity, entity_id, op, version_before, version_after, row_count);
    END $$`.execute(db);

  for (const [table, id, versioned, events] of ROW_AUDITED) await auditRows(db, table, id, versioned, events);
  for (const table of STATEMENT_AUDITED) await auditStatements(db, table);
}
