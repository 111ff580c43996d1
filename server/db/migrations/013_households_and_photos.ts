import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // A grid's households as computed from what its village holds (buildings, else registered
  // addresses; see server/db/households.ts) beside the figure written with it (`households`,
  // kept as it was sent). `households_source` says which one the grid answers with; null on
  // versions written before this column, which are computed once at start-up.
  await sql`ALTER TABLE grid_versions ADD COLUMN households_computed integer CHECK (households_computed >= 0)`.execute(db);
  await sql`
    ALTER TABLE grid_versions ADD COLUMN households_source text
    CHECK (households_source IN ('buildings', 'addresses', 'stored'))`.execute(db);
  // A photo taken with a step of an incident (dispatch, handling, closing…), kept like a snapshot.
  await sql`ALTER TABLE incident_transitions ADD COLUMN media_id bigint REFERENCES media (id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE incident_transitions DROP COLUMN media_id`.execute(db);
  await sql`ALTER TABLE grid_versions DROP COLUMN households_source`.execute(db);
  await sql`ALTER TABLE grid_versions DROP COLUMN households_computed`.execute(db);
}
