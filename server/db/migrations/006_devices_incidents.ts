import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Cameras and sensors. The grid is not stored (looked up from the live grids when read); the
  // camera's sector is, for "which cameras see this point" in SQL.
  await sql`
    CREATE TABLE devices (
      id text PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('camera', 'sensor')),
      name text NOT NULL,
      id_scheme text CHECK (id_scheme IN ('gb28181')),
      center_region text,
      geom geometry(Point, 4326) NOT NULL,
      height_m double precision,
      heading double precision,
      fov double precision,
      range_m double precision,
      ptz boolean NOT NULL DEFAULT false,
      sensor_type text,
      sector geometry(Polygon, 4326),
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      deleted_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX devices_geom_idx ON devices USING gist (geom) WHERE deleted_at IS NULL`.execute(db);
  await sql`CREATE INDEX devices_sector_idx ON devices USING gist (sector) WHERE deleted_at IS NULL`.execute(db);

  // Snapshots, kept as sent, and their WebP thumbnails.
  await sql`
    CREATE TABLE media (
      id bigserial PRIMARY KEY,
      content_type text NOT NULL,
      bytes bytea NOT NULL,
      thumb bytea NOT NULL,
      width integer NOT NULL,
      height integer NOT NULL,
      sha256 text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`CREATE SEQUENCE incident_change_seq`.execute(db);
  await sql`
    CREATE TABLE incidents (
      id bigserial PRIMARY KEY,
      category text NOT NULL,
      description text,
      source text NOT NULL CHECK (source IN ('worker', 'resident', 'camera', 'sensor', 'hotline')),
      reporter text,
      address text,
      status text NOT NULL,
      handling_level text NOT NULL CHECK (handling_level IN ('grid', 'village', 'township', 'county')),
      handling_region text,
      grid_code text,
      geom geometry(Point, 4326) NOT NULL,
      reported_at timestamptz NOT NULL,
      deadline_at timestamptz NOT NULL,
      resolved_at timestamptz,
      closed_at timestamptz,
      updated_at timestamptz NOT NULL,
      event_count integer NOT NULL DEFAULT 0,
      last_event_at timestamptz,
      media_id bigint REFERENCES media (id),
      version integer NOT NULL DEFAULT 1,
      -- Bumped on every change: the live stream (SSE) reads changes after the last it sent.
      change_seq bigint NOT NULL DEFAULT nextval('incident_change_seq')
    )`.execute(db);
  await sql`CREATE INDEX incidents_geom_idx ON incidents USING gist (geom)`.execute(db);
  await sql`CREATE INDEX incidents_grid_idx ON incidents (grid_code text_pattern_ops, reported_at)`.execute(db);
  await sql`CREATE INDEX incidents_reported_idx ON incidents (reported_at)`.execute(db);
  await sql`CREATE INDEX incidents_change_idx ON incidents (change_seq)`.execute(db);
  // The merge rule looks for an open incident of a grid and category.
  await sql`
    CREATE INDEX incidents_open_idx ON incidents (grid_code, category, last_event_at)
    WHERE status IN ('reported', 'dispatched', 'in_progress', 'reopened')`.execute(db);

  await sql`
    CREATE TABLE incident_transitions (
      id bigserial PRIMARY KEY,
      incident_id bigint NOT NULL REFERENCES incidents (id),
      from_status text,
      to_status text NOT NULL,
      from_level text,
      to_level text,
      actor text NOT NULL,
      note text,
      at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX incident_transitions_incident_idx ON incident_transitions (incident_id, id)`.execute(db);

  // Device events, idempotent on (device_id, event_id): a re-sent batch creates nothing twice.
  await sql`
    CREATE TABLE device_events (
      device_id text NOT NULL REFERENCES devices (id),
      event_id text NOT NULL,
      type text NOT NULL,
      severity integer NOT NULL,
      occurred_at timestamptz NOT NULL,
      received_at timestamptz NOT NULL,
      geom geometry(Point, 4326) NOT NULL,
      grid_code text,
      incident_id bigint REFERENCES incidents (id),
      media_id bigint REFERENCES media (id),
      PRIMARY KEY (device_id, event_id)
    )`.execute(db);
  await sql`CREATE INDEX device_events_incident_idx ON device_events (incident_id)`.execute(db);
  await sql`CREATE INDEX device_events_device_media_idx ON device_events (device_id, occurred_at) WHERE media_id IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['device_events', 'incident_transitions', 'incidents', 'media', 'devices']) {
    await sql`DROP TABLE ${sql.table(table)}`.execute(db);
  }
  await sql`DROP SEQUENCE incident_change_seq`.execute(db);
}
