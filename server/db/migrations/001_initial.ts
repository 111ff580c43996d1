import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS postgis`.execute(db);

  await sql`
    CREATE TABLE regions (
      code text PRIMARY KEY CHECK (code ~ '^[0-9]{12}$'),
      name text NOT NULL,
      level text NOT NULL CHECK (level IN ('province', 'city', 'county', 'township', 'village')),
      parent_code text REFERENCES regions (code),
      boundary geometry(MultiPolygon, 4326) NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX regions_parent_idx ON regions (parent_code)`.execute(db);
  await sql`CREATE INDEX regions_boundary_idx ON regions USING gist (boundary)`.execute(db);

  await sql`
    CREATE TABLE grids (
      code text PRIMARY KEY CHECK (code ~ '^[0-9]{15}$'),
      region_code text NOT NULL REFERENCES regions (code),
      number integer NOT NULL CHECK (number BETWEEN 1 AND 999),
      version integer NOT NULL,
      created_at timestamptz NOT NULL,
      retired_at timestamptz,
      UNIQUE (region_code, number)
    )`.execute(db);
  // Subtree queries match code prefixes; text_pattern_ops lets LIKE 'prefix%' use the index
  // whatever the server's collation.
  await sql`CREATE INDEX grids_code_prefix_idx ON grids (code text_pattern_ops)`.execute(db);

  await sql`
    CREATE TABLE grid_versions (
      code text NOT NULL REFERENCES grids (code),
      version integer NOT NULL,
      op text NOT NULL CHECK (op IN ('create', 'update', 'retire')),
      valid_from timestamptz NOT NULL,
      valid_to timestamptz,
      region_code text NOT NULL REFERENCES regions (code),
      name text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('urban', 'rural', 'special')),
      special_type text,
      households integer CHECK (households >= 0),
      population integer CHECK (population >= 0),
      geom geometry(MultiPolygon, 4326) NOT NULL,
      actor text NOT NULL,
      reason text,
      PRIMARY KEY (code, version)
    )`.execute(db);
  // The live map: current, non-retired versions only.
  await sql`
    CREATE INDEX grid_versions_live_geom_idx ON grid_versions USING gist (geom)
    WHERE valid_to IS NULL AND op <> 'retire'`.execute(db);
  await sql`
    CREATE INDEX grid_versions_live_code_idx ON grid_versions (code text_pattern_ops)
    WHERE valid_to IS NULL AND op <> 'retire'`.execute(db);
  // asOf reads: any version, by place and by code.
  await sql`CREATE INDEX grid_versions_geom_idx ON grid_versions USING gist (geom)`.execute(db);
  await sql`CREATE INDEX grid_versions_code_time_idx ON grid_versions (code text_pattern_ops, valid_from)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE grid_versions, grids, regions`.execute(db);
}
