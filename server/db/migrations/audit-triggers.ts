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
