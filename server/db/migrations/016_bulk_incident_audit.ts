import { sql, type Kysely } from 'kysely';
import { auditRows, ALL_EVENTS, auditRowsInBulk } from './audit-triggers.js';

/**
 * Feed ingest at the database's pace (issue 19): a feed batch updates every incident its events
 * join (counts, latest event, priority) while it holds the merge locks of their grids and
 * categories, and the row-level audit trigger made that one function call and one audit insert
 * per incident — measured at a third to half of the locked statement. The audit stays exactly
 * what it was (one audit_log row per changed incident, with its id, versions and author), now
 * written by one INSERT per statement from the statement's transition tables.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER audit ON incidents`.execute(db);
  await sql`DROP FUNCTION audit_incidents()`.execute(db);
  await auditRowsInBulk(db, 'incidents', 'id', true);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const op of ['insert', 'update', 'delete']) {
    await sql.raw(`DROP TRIGGER audit_rows_${op} ON incidents`).execute(db);
    await sql.raw(`DROP FUNCTION audit_incidents_rows_${op}()`).execute(db);
  }
  await auditRows(db, 'incidents', 'id', true, ALL_EVENTS);
}
