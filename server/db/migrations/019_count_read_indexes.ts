import { sql, type Kysely } from 'kysely';

/**
 * The parts of the heatmap and statistics that are counted one by one (db/incident-counts.ts)
 * read their incidents from indexes alone (issue 19, item 3). Measured with 1,000,000 incidents
 * (EXPLAIN ANALYZE, server backend), statistics of a county over a 90-day window:
 *
 * - The cut days at either end of a window (2 × ≈ 2,700 incidents) were fetched from the table,
 *   one page per incident (their rows are scattered: written in the order they arrived, not the
 *   order they happened), 250–300 ms each when the pages were not cached. The reported_at index
 *   now carries the columns those parts read, so an index-only scan finds them in ≈ 40 pages.
 * - The open incidents whose light may still change (deadline this month or later) are looked
 *   up by deadline, and the window's days were matched by AND-ing a bitmap of every incident
 *   in the window (243,000 entries of the reported_at index, 350 ms). With reported_at in the
 *   unsettled index itself, one range scan of ≈ 7,000 entries answers.
 */
const COVERED = 'grid_code, handling_region, category, status, resolved_at, deadline_at, geom';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX incidents_reported_idx`.execute(db);
  await sql.raw(`CREATE INDEX incidents_reported_idx ON incidents (reported_at) INCLUDE (${COVERED})`).execute(db);
  await sql`DROP INDEX incidents_unsettled_idx`.execute(db);
  await sql`CREATE INDEX incidents_unsettled_idx ON incidents (deadline_at, reported_at) WHERE resolved_at IS NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX incidents_reported_idx`.execute(db);
  await sql`CREATE INDEX incidents_reported_idx ON incidents (reported_at)`.execute(db);
  await sql`DROP INDEX incidents_unsettled_idx`.execute(db);
  await sql`CREATE INDEX incidents_unsettled_idx ON incidents (deadline_at) WHERE resolved_at IS NULL`.execute(db);
}
