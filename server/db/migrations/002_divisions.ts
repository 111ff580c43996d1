import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // A division job: its request is kept so that a job interrupted by a restart runs again.
  await sql`
    CREATE TABLE divisions (
      id text PRIMARY KEY,
      status text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
      progress double precision NOT NULL DEFAULT 0,
      stage text,
      region_code text REFERENCES regions (code),
      request text NOT NULL,
      base_versions text,
      proposal text,
      metrics text,
      error text,
      owner text,
      heartbeat_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      applied_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX divisions_pending_idx ON divisions (status) WHERE status IN ('queued', 'running')`.execute(db);

  // Which retired grids each new grid replaced, and by how much area.
  await sql`
    CREATE TABLE grid_lineage (
      new_code text NOT NULL REFERENCES grids (code),
      old_code text NOT NULL REFERENCES grids (code),
      area_m2 double precision NOT NULL,
      division_id text REFERENCES divisions (id),
      PRIMARY KEY (new_code, old_code)
    )`.execute(db);
  await sql`CREATE INDEX grid_lineage_old_idx ON grid_lineage (old_code)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE grid_lineage, divisions`.execute(db);
}
