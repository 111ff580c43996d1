/**
 * Who an incident is assigned to (分流交办): a grid's new incident goes to the grid's full-time
 * worker, then its leader; an incident escalated to a region goes to that region's leader, then
 * its full-time staff. Among several of a duty, the one with the fewest open incidents (then the
 * lowest id) takes it, so a grid with two workers shares its cases. In SQL, so that a batch of
 * new incidents (device feeds) is assigned in the statement that inserts it.
 */
import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { Database } from './schema.js';
import { OPEN_STATUSES } from '../incidents/states.js';
import { GRID_ASSIGNEE_ORDER, REGION_ASSIGNEE_ORDER, type Duty } from '../staff/duties.js';

function dutyRank(order: readonly Duty[]) {
  return sql`CASE s.duty ${sql.join(order.map((duty, i) => sql`WHEN ${duty} THEN ${i}`), sql` `)} END`;
}

const openLoad = sql`(SELECT count(*) FROM incidents o WHERE o.assignee_staff_id = s.id AND o.status IN (${sql.join([...OPEN_STATUSES])}))`;

/** The staff id a new incident of `gridCode` goes to, as an SQL expression (NULL when the grid has nobody). */
export function gridAssigneeSql(gridCode: string | null | RawBuilder<unknown>): RawBuilder<number | null> {
  return sql<number | null>`(SELECT s.id FROM staff_grids g JOIN staff s ON s.id = g.staff_id
    WHERE g.grid_code = ${gridCode} AND s.deleted_at IS NULL AND s.duty IN (${sql.join([...GRID_ASSIGNEE_ORDER])})
    ORDER BY ${dutyRank(GRID_ASSIGNEE_ORDER)}, ${openLoad}, s.id LIMIT 1)`;
}

/** The staff id an incident escalated to `regionCode` goes to (NULL when the region has nobody). */
export function regionAssigneeSql(regionCode: string | null): RawBuilder<number | null> {
  return sql<number | null>`(SELECT s.id FROM staff s
    WHERE s.region_code = ${regionCode} AND s.deleted_at IS NULL AND s.duty IN (${sql.join([...REGION_ASSIGNEE_ORDER])})
    ORDER BY ${dutyRank(REGION_ASSIGNEE_ORDER)}, ${openLoad}, s.id LIMIT 1)`;
}

/**
 * Open incidents assigned to these staff members in grids they no longer serve (their grids
 * changed, or they left) go to whoever serves the grid now — or to nobody — each with a step
 * in the incident's record saying so.
 */
export async function reassignOrphans(trx: Transaction<Database>, staffIds: number[], meta: { actor: string; at: Date }): Promise<number> {
  if (staffIds.length === 0) return 0;
  const { rows } = await sql<{ id: number; status: string; handling_level: string; assignee: number | null }>`
    UPDATE incidents i SET assignee_staff_id = ${gridAssigneeSql(sql`i.grid_code`)},
      updated_at = ${meta.at}, version = i.version + 1, change_seq = nextval('incident_change_seq')
    WHERE i.assignee_staff_id IN (${sql.join(staffIds)}) AND i.status IN (${sql.join([...OPEN_STATUSES])})
      AND i.handling_level = 'grid' AND i.grid_code IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM staff_grids g JOIN staff s ON s.id = g.staff_id
                      WHERE g.staff_id = i.assignee_staff_id AND g.grid_code = i.grid_code AND s.deleted_at IS NULL)
    RETURNING i.id, i.status, i.handling_level, i.assignee_staff_id AS assignee`.execute(trx);
  if (rows.length > 0) {
    await trx
      .insertInto('incident_transitions')
      .values(
        rows.map((row) => ({
          incident_id: Number(row.id),
          from_status: row.status,
          to_status: row.status,
          from_level: row.handling_level,
          to_level: row.handling_level,
          actor: meta.actor,
          note: 'reassigned: the assignee no longer serves this grid',
          at: meta.at,
          actor_staff_id: null,
          assignee_staff_id: row.assignee === null ? null : Number(row.assignee),
          media_id: null,
          public_note: null,
        })),
      )
      .execute();
  }
  return rows.length;
}
