/**
 * The months of device_events (migration 015: range partitions by occurred_at, one a month).
 * Months are made before events need them (ahead by the maintenance job, on demand by the
 * ingest for a late event of a past month) and dropped whole once they fall out of the
 * retention window — dropping a month is instant and leaves nothing to vacuum, where deleting
 * a month's rows would rewrite the table. Incidents and their snapshots stay.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import { partitionDdl } from './migrations/015_scale_out.js';

/** 'YYYY-MM-01' of a time, in UTC (the partitions' bounds are UTC months). */
export function monthOf(at: Date | number): string {
  const d = new Date(at);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-01`;
}

/** The months from `from` to `to` (inclusive), as monthOf gives them. */
export function monthsBetween(from: Date | number, to: Date | number): string[] {
  const months: string[] = [];
  const end = new Date(to);
  for (let d = new Date(Date.UTC(new Date(from).getUTCFullYear(), new Date(from).getUTCMonth(), 1)); d <= end; d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1))) {
    months.push(monthOf(d));
  }
  return months;
}

/** The months that have a partition now. */
export async function eventMonths(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'device_events'::regclass ORDER BY 1`.execute(db);
  return rows.map((r) => /_(\d{4})(\d{2})$/.exec(r.name)).filter((m) => m !== null).map((m) => `${m[1]}-${m[2]}-01`);
}

/** A fixed key: one process at a time changes the partitions. */
const PARTITIONS_LOCK = 0x67726964; // "grid"

/** Makes the partitions of `months` that are missing (idempotent; safe from several instances at once). */
export async function ensureEventMonths(db: Kysely<Database>, months: string[]): Promise<void> {
  if (months.length === 0) return;
  await db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${PARTITIONS_LOCK}, 1)`.execute(trx);
    for (const month of [...new Set(months)].sort()) await sql.raw(partitionDdl(month)).execute(trx);
  });
}

/**
 * Drops the months that end at or before `cutoff` (whole months only: a month still partly
 * inside the window stays). First the snapshots that only those months' events hold (an
 * incident's own snapshot stays with the incident); then the partitions. Returns the months dropped.
 */
export async function dropEventMonthsBefore(db: Kysely<Database>, cutoff: Date): Promise<string[]> {
  const expired = (await eventMonths(db)).filter((month) => {
    const start = new Date(`${month}T00:00:00Z`);
    return Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1) <= cutoff.getTime();
  });
  for (const month of expired) {
    const table = sql.table(`device_events_${month.slice(0, 4)}${month.slice(5, 7)}`);
    try {
      await sql`
        DELETE FROM media m
        WHERE m.id IN (SELECT e.media_id FROM ${table} e WHERE e.media_id IS NOT NULL)
          AND m.id NOT IN (SELECT i.media_id FROM incidents i WHERE i.media_id IS NOT NULL)
          AND m.id NOT IN (SELECT t.media_id FROM incident_transitions t WHERE t.media_id IS NOT NULL)`.execute(db);
    } catch (error) {
      // A snapshot something else still refers to stays; the events go all the same.
      console.error(`[gridgov] snapshots of ${month} kept: ${(error as Error).message}`);
    }
    await db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(${PARTITIONS_LOCK}, 1)`.execute(trx);
      await sql`DROP TABLE IF EXISTS ${table}`.execute(trx);
    });
  }
  return expired;
}
