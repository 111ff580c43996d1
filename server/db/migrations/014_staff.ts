import { sql, type Kysely } from 'kysely';
import { ALL_EVENTS, auditRows, auditStatements } from './audit-triggers.js';

/**
 * People in the grid (定格、定责、定员): staff and the grids they hold, with their history;
 * incidents assigned to a person, and who acted at each step; worker keys bound to one staff
 * member; patrol tracks and visits (走访); residents' reports (随手拍) and their tracking numbers.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // A grid worker. Grid staff hold grids (staff_grids); staff of a higher level (a village's
  // 网格长, a township's 网格管理员) serve a region, which escalated incidents reach.
  await sql`
    CREATE TABLE staff (
      id bigserial PRIMARY KEY,
      name text NOT NULL,
      phone text,
      duty text NOT NULL CHECK (duty IN ('leader', 'fulltime', 'parttime', 'assistant')),
      region_code text REFERENCES regions (code),
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      deleted_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX staff_region_idx ON staff (region_code) WHERE deleted_at IS NULL`.execute(db);

  // Who holds which grid now; the history is in staff_versions.
  await sql`
    CREATE TABLE staff_grids (
      staff_id bigint NOT NULL REFERENCES staff (id),
      grid_code text NOT NULL REFERENCES grids (code),
      since timestamptz NOT NULL,
      PRIMARY KEY (staff_id, grid_code)
    )`.execute(db);
  await sql`CREATE INDEX staff_grids_grid_idx ON staff_grids (grid_code)`.execute(db);

  // Every version of every staff member, as grid_versions keeps grids: the latest has valid_to = null.
  await sql`
    CREATE TABLE staff_versions (
      staff_id bigint NOT NULL REFERENCES staff (id),
      version integer NOT NULL,
      op text NOT NULL CHECK (op IN ('create', 'update', 'delete', 'regrid')),
      valid_from timestamptz NOT NULL,
      valid_to timestamptz,
      name text NOT NULL,
      phone text,
      duty text NOT NULL,
      region_code text,
      grid_codes text[] NOT NULL,
      actor text NOT NULL,
      reason text,
      PRIMARY KEY (staff_id, version)
    )`.execute(db);

  // Worker keys stand for one staff member.
  await sql`ALTER TABLE api_keys ADD COLUMN staff_id bigint REFERENCES staff (id)`.execute(db);
  await sql`ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check`.execute(db);
  await sql`
    ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check
    CHECK (role IN ('admin', 'planner', 'dispatcher', 'viewer', 'integrator', 'device', 'worker'))`.execute(db);
  await sql`ALTER TABLE api_keys ADD CONSTRAINT api_keys_worker_staff CHECK ((role = 'worker') = (staff_id IS NOT NULL))`.execute(db);

  // (A step's photo is migration 013's incident_transitions.media_id.)
  await sql`ALTER TABLE incidents ADD COLUMN assignee_staff_id bigint REFERENCES staff (id)`.execute(db);
  await sql`ALTER TABLE incidents ADD COLUMN reporter_staff_id bigint REFERENCES staff (id)`.execute(db);
  await sql`CREATE INDEX incidents_assignee_idx ON incidents (assignee_staff_id, reported_at) WHERE assignee_staff_id IS NOT NULL`.execute(db);
  await sql`CREATE INDEX incidents_reporter_idx ON incidents (reporter_staff_id, reported_at) WHERE reporter_staff_id IS NOT NULL`.execute(db);
  await sql`ALTER TABLE incident_transitions ADD COLUMN actor_staff_id bigint REFERENCES staff (id)`.execute(db);
  await sql`ALTER TABLE incident_transitions ADD COLUMN assignee_staff_id bigint REFERENCES staff (id)`.execute(db);
  // What the public may read of a step (GET /api/public/reports/:number); the note is internal.
  await sql`ALTER TABLE incident_transitions ADD COLUMN public_note text`.execute(db);
  await sql`CREATE INDEX incident_transitions_actor_idx ON incident_transitions (actor_staff_id, at) WHERE actor_staff_id IS NOT NULL`.execute(db);

  // A patrol track, sent in pieces while it is walked: each piece is idempotent on its client id.
  await sql`
    CREATE TABLE patrols (
      id bigserial PRIMARY KEY,
      staff_id bigint NOT NULL REFERENCES staff (id),
      client_id text NOT NULL,
      started_at timestamptz NOT NULL,
      ended_at timestamptz NOT NULL,
      geom geometry(LineString, 4326) NOT NULL,
      times double precision[] NOT NULL,
      length_m double precision NOT NULL,
      received_at timestamptz NOT NULL,
      UNIQUE (staff_id, client_id)
    )`.execute(db);
  await sql`CREATE INDEX patrols_geom_idx ON patrols USING gist (geom)`.execute(db);
  await sql`CREATE INDEX patrols_staff_idx ON patrols (staff_id, started_at)`.execute(db);
  await sql`CREATE INDEX patrols_time_idx ON patrols (started_at)`.execute(db);

  // A visit (走访) to a registered address.
  await sql`
    CREATE TABLE visits (
      id bigserial PRIMARY KEY,
      staff_id bigint NOT NULL REFERENCES staff (id),
      client_id text NOT NULL,
      address_id bigint NOT NULL REFERENCES addresses (id),
      address text NOT NULL,
      grid_code text NOT NULL,
      geom geometry(Point, 4326) NOT NULL,
      visited_at timestamptz NOT NULL,
      note text,
      media_id bigint REFERENCES media (id),
      received_at timestamptz NOT NULL,
      UNIQUE (staff_id, client_id)
    )`.execute(db);
  await sql`CREATE INDEX visits_staff_idx ON visits (staff_id, visited_at)`.execute(db);
  await sql`CREATE INDEX visits_grid_idx ON visits (grid_code, visited_at)`.execute(db);

  // A resident's report (随手拍): its unguessable tracking number, and where it came from as a
  // salted hash (the rate per address is counted here, across instances; no address is kept).
  await sql`
    CREATE TABLE public_reports (
      tracking_number text PRIMARY KEY,
      incident_id bigint NOT NULL UNIQUE REFERENCES incidents (id),
      source_hash text NOT NULL,
      created_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX public_reports_source_idx ON public_reports (source_hash, created_at)`.execute(db);
  // The salt of those hashes, made once per database so that every instance hashes alike.
  await sql`CREATE TABLE service_secrets (name text PRIMARY KEY, value text NOT NULL)`.execute(db);
  await sql`INSERT INTO service_secrets (name, value) VALUES ('public_report_salt', md5(random()::text || clock_timestamp()::text) || md5(random()::text))`.execute(db);

  await auditRows(db, 'staff', 'id', true, ALL_EVENTS);
  await auditStatements(db, 'staff_grids');
  await auditStatements(db, 'patrols');
  await auditStatements(db, 'visits');
  await auditStatements(db, 'public_reports');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['service_secrets', 'public_reports', 'visits', 'patrols']) await sql`DROP TABLE ${sql.table(table)}`.execute(db);
  for (const column of ['public_note', 'assignee_staff_id', 'actor_staff_id']) {
    await sql`ALTER TABLE incident_transitions DROP COLUMN ${sql.ref(column)}`.execute(db);
  }
  for (const column of ['reporter_staff_id', 'assignee_staff_id']) await sql`ALTER TABLE incidents DROP COLUMN ${sql.ref(column)}`.execute(db);
  await sql`ALTER TABLE api_keys DROP CONSTRAINT api_keys_worker_staff`.execute(db);
  await sql`DELETE FROM api_keys WHERE role = 'worker'`.execute(db);
  await sql`ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check`.execute(db);
  await sql`ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN ('admin', 'planner', 'dispatcher', 'viewer', 'integrator', 'device'))`.execute(db);
  await sql`ALTER TABLE api_keys DROP COLUMN staff_id`.execute(db);
  for (const table of ['staff_versions', 'staff_grids', 'staff']) await sql`DROP TABLE ${sql.table(table)}`.execute(db);
  for (const fn of ['audit_staff', 'audit_staff_grids_insert', 'audit_staff_grids_update', 'audit_staff_grids_delete', 'audit_patrols_insert', 'audit_patrols_update', 'audit_patrols_delete', 'audit_visits_insert', 'audit_visits_update', 'audit_visits_delete', 'audit_public_reports_insert', 'audit_public_reports_update', 'audit_public_reports_delete']) {
    await sql`DROP FUNCTION IF EXISTS ${sql.raw(fn)}()`.execute(db);
  }
}
