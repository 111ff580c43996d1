import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // A village's reference lines: the roads, rivers, railways and ridges (and water areas) that
  // grid borders should follow. Replaced as a whole per region, read by divisions and the map.
  await sql`
    CREATE TABLE reference_lines (
      id bigserial PRIMARY KEY,
      region_code text NOT NULL REFERENCES regions (code),
      kind text NOT NULL CHECK (kind IN ('road', 'river', 'railway', 'ridge', 'water')),
      class text CHECK (class IN ('major', 'minor', 'path')),
      name text,
      properties text,
      geom geometry(Geometry, 4326) NOT NULL,
      imported_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX reference_lines_region_idx ON reference_lines (region_code)`.execute(db);
  await sql`CREATE INDEX reference_lines_geom_idx ON reference_lines USING gist (geom)`.execute(db);
  // What a division took from the store rather than from its request (stored lines, kept
  // special grids), so that its answer can say so without re-reading the whole request.
  await sql`ALTER TABLE divisions ADD COLUMN inputs text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE divisions DROP COLUMN inputs`.execute(db);
  await sql`DROP TABLE reference_lines`.execute(db);
}
