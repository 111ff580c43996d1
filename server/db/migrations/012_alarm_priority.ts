import { sql, type Kysely } from 'kysely';

/**
 * Alarm priority as GB/T 28181 means it (AlarmPriority: 1 = 一级警情, the most serious … 4).
 *
 * Device events stored before this migration carry `severity` on the old scale, 1 (lowest) …
 * 5 (highest): an old 5 read as a priority would be the least serious of all. The column is
 * renamed to `priority` — so no query can read an old value with the new meaning — and every
 * stored value is mapped onto the new scale: 5 → 1, 4 → 2, 3 → 3 (the old default stays the
 * middle), 2 and 1 → 4.
 *
 * Incidents get a priority too: the most serious of their events' (none for incidents that
 * people reported). Stored incidents take it from their events; their deadlines stay as they
 * were set (new deadlines by priority apply to incidents opened from now on).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE device_events RENAME COLUMN severity TO priority`.execute(db);
  await sql`
    UPDATE device_events SET priority = CASE
      WHEN priority >= 5 THEN 1
      WHEN priority = 4 THEN 2
      WHEN priority = 3 THEN 3
      ELSE 4 END`.execute(db);
  await sql`ALTER TABLE device_events ADD CONSTRAINT device_events_priority_check CHECK (priority BETWEEN 1 AND 4)`.execute(db);

  await sql`ALTER TABLE incidents ADD COLUMN priority smallint CHECK (priority BETWEEN 1 AND 4)`.execute(db);
  await sql`
    UPDATE incidents i SET priority = e.priority
    FROM (SELECT incident_id, min(priority) AS priority FROM device_events WHERE incident_id IS NOT NULL GROUP BY incident_id) e
    WHERE i.id = e.incident_id`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE incidents DROP COLUMN priority`.execute(db);
  await sql`ALTER TABLE device_events DROP CONSTRAINT device_events_priority_check`.execute(db);
  // Back onto the old scale (1 → 5, 2 → 4, 3 → 3, 4 → 2): old 1 and 2 both came to 4, and go back as 2.
  await sql`UPDATE device_events SET priority = 6 - priority`.execute(db);
  await sql`ALTER TABLE device_events RENAME COLUMN priority TO severity`.execute(db);
}
