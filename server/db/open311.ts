/**
 * Reads that only the Open311 mapping needs: the note of each incident's latest transition
 * (its status_notes), for a whole page of incidents in one query instead of one per incident.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Incident id → the note of its latest transition (null when that transition has none). */
export async function latestTransitionNotes(db: Kysely<Database>, ids: readonly number[]): Promise<Map<number, string | null>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('incident_transitions')
    .distinctOn('incident_id')
    .select(['incident_id', 'note'])
    .where('incident_id', 'in', [...ids])
    .orderBy('incident_id')
    .orderBy('id', 'desc')
    .execute();
  return new Map(rows.map((row) => [Number(row.incident_id), row.note]));
}
