import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // A village's buildings layer: where divisions take their households from.
  await sql`
    CREATE TABLE buildings (
      id bigserial PRIMARY KEY,
      region_code text NOT NULL REFERENCES regions (code),
      households integer NOT NULL CHECK (households >= 0),
      compound text,
      properties text,
      geom geometry(Geometry, 4326) NOT NULL,
      imported_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX buildings_region_idx ON buildings (region_code)`.execute(db);
  await sql`CREATE INDEX buildings_geom_idx ON buildings USING gist (geom)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE buildings`.execute(db);
}
