import { sql, type Kysely } from 'kysely';

// A village's reference lines may hold walls (围墙): rural grids follow courtyards and walled
// compounds, and the division already takes walls as barriers (server/geo/barrier-kinds.ts).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE reference_lines DROP CONSTRAINT reference_lines_kind_check`.execute(db);
  await sql`ALTER TABLE reference_lines ADD CONSTRAINT reference_lines_kind_check CHECK (kind IN ('road', 'river', 'railway', 'ridge', 'water', 'wall'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DELETE FROM reference_lines WHERE kind = 'wall'`.execute(db);
  await sql`ALTER TABLE reference_lines DROP CONSTRAINT reference_lines_kind_check`.execute(db);
  await sql`ALTER TABLE reference_lines ADD CONSTRAINT reference_lines_kind_check CHECK (kind IN ('road', 'river', 'railway', 'ridge', 'water'))`.execute(db);
}
