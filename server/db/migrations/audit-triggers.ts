/**
 * The audit triggers' SQL (see migration 007), shared by the migrations that add audited
 * tables: a row-level trigger for tables changed one row at a time, a statement-level one (with
 * the row count) for tables written in bulk. Both write through audit_write().
 */
import { sql, type Kysely } from 'kysely';

export const ALL_EVENTS = 'INSERT OR UPDATE OR DELETE';

/** Audits each row of `table`: its id column, whether it has a version column, the events that count. */
export async function auditRows(db: Kysely<unknown>, table: string, id: string, versioned: boolean, events: string): Promise<void> {
  const before = versioned ? 'OLD.version' : 'NULL';
  const after = versioned ? 'NEW.version' : 'NULL';
  await sql
    .raw(
      `CREATE FUNCTION audit_${table}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            PERFORM audit_write('${table}', NEW.${id}::text, 'insert', NULL, ${after}, 1);
          ELSIF TG_OP = 'UPDATE' THEN
            PERFORM audit_write('${table}', NEW.${id}::text, 'update', ${before}, ${after}, 1);
          ELSE
            PERFORM audit_write('${table}', OLD.${id}::text, 'delete', ${before}, NULL, 1);
          END IF;
          RETURN NULL;
        END $$`,
    )
    .execute(db);
  await sql.raw(`CREATE TRIGGER audit AFTER ${events} ON ${table} FOR EACH ROW EXECUTE FUNCTION audit_${table}()`).execute(db);
}

/**
 * Audits each row of `table` like auditRows (one audit row per changed row, with its id and
 * versions), but with one INSERT per statement from its transition tables: for tables written a
 * batch at a time (a feed batch updates every incident it joins), instead of one function call
 * and one insert per row.
 */
export async function auditRowsInBulk(db: Kysely<unknown>, table: string, id: string, versioned: boolean): Promise<void> {
  const version = (alias: string) => (versioned ? `${alias}.version` : 'NULL::integer');
  const ops: Record<'insert' | 'update' | 'delete', { transitions: string; columns: string; from: string }> = {
    insert: { transitions: 'NEW TABLE AS new_rows', columns: `n.${id}::text, 'insert', NULL::integer, ${version('n')}`, from: 'new_rows n' },
    update: { transitions: 'OLD TABLE AS old_rows NEW TABLE AS new_rows', columns: `n.${id}::text, 'update', ${version('o')}, ${version('n')}`, from: `old_rows o JOIN new_rows n ON n.${id} = o.${id}` },
    delete: { transitions: 'OLD TABLE AS old_rows', columns: `o.${id}::text, 'delete', ${version('o')}, NULL::integer`, from: 'old_rows o' },
  };
  for (const [op, { transitions, columns, from }] of Object.entries(ops)) {
    await sql
      .raw(
        `CREATE FUNCTION audit_${table}_rows_${op}() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            INSERT INTO audit_log (actor, key_id, role, ip, request_id, method, path, entity, entity_id, op, version_before, version_after, rows)
            SELECT coalesce(c->>'actor', 'db:' || session_user), c->>'keyId', c->>'role', c->>'ip', c->>'requestId', c->>'method', c->>'path',
                   '${table}', ${columns}, 1
            FROM ${from} CROSS JOIN (SELECT nullif(current_setting('gridgov.audit', true), '')::jsonb AS c) context;
            RETURN NULL;
          END $$`,
      )
      .execute(db);
    await sql.raw(`CREATE TRIGGER audit_rows_${op} AFTER ${op.toUpperCase()} ON ${table} REFERENCING ${transitions} FOR EACH STATEMENT EXECUTE FUNCTION audit_${table}_rows_${op}()`).execute(db);
  }
}

/** Audits each statement writing `table`, with the number of rows it wrote. */
export async function auditStatements(db: Kysely<unknown>, table: string): Promise<void> {
  for (const [op, transition] of [
    ['insert', 'NEW TABLE AS changed'],
    ['update', 'NEW TABLE AS changed'],
    ['delete', 'OLD TABLE AS changed'],
  ] as const) {
    await sql
      .raw(
        `CREATE FUNCTION audit_${table}_${op}() RETURNS trigger LANGUAGE plpgsql AS $$
          DECLARE n integer;
          BEGIN
            SELECT count(*) INTO n FROM changed;
            IF n > 0 THEN PERFORM audit_write('${table}', NULL, '${op}', NULL, NULL, n); END IF;
            RETURN NULL;
          END $$`,
      )
      .execute(db);
    await sql
      .raw(`CREATE TRIGGER audit_${op} AFTER ${op.toUpperCase()} ON ${table} REFERENCING ${transition} FOR EACH STATEMENT EXECUTE FUNCTION audit_${table}_${op}()`)
      .execute(db);
  }
}
