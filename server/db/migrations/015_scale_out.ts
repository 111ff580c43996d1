import { sql, type Kysely } from 'kysely';
import { AREA_SQL, MONTH_SQL } from '../aggregate-keys.js';
import { YELLOW_FROM } from '../../incidents/light.js';

/**
 * Scale out (issue 19):
 *
 * 1. device_events partitioned by month of occurred_at (native range partitioning), so that a
 *    year of events is kept and older months are dropped whole (server/db/event-partitions.ts
 *    makes months ahead and drops expired ones). A unique key on a partitioned table must hold
 *    the partition column: an event is identified by (device_id, event_id, occurred_at) — a
 *    re-sent event repeats its time, and a device that reuses an id at another time reports
 *    another event. No foreign keys: they cost a lookup per row on the hottest write there is,
 *    and the ingest sets device, incident and media ids from rows it has just read or written
 *    in the same transaction (devices are never deleted, only marked).
 * 2. media.thumb may wait: the original is stored with the event, the thumbnail made after the
 *    answer (server/media/thumbnailer.ts).
 * 3. Incident counts kept on write for the heatmap (incident_cells: per cell, month and area)
 *    and statistics (incident_tally: per village, month, category, status and light), by
 *    statement-level triggers that append signed deltas — never an update of a shared row, so
 *    concurrent writers on several instances never wait for each other or deadlock; a
 *    compaction (server/db/incident-counts.ts) folds deltas together now and then. A sum
 *    over a key's rows is exact at every moment, whether compacted or not.
 * 4. county_code on the large tables (generated from the codes they hold): the column a Citus
 *    cluster would distribute them by (docs/scale.md).
 * 5. A revoked key is announced (NOTIFY gridgov_keys) so that every instance forgets it at once.
 */

const AREA = AREA_SQL('r');
// The levels as this migration made them (017 replaced the counts; the keys live on in aggregate-keys.ts).
const ALL_TIME_ZOOMS = [6, 7, 8, 9, 10, 11, 12, 13, 14];
const MONTHLY_ZOOMS = [6, 8, 10, 12];
const MONTH = MONTH_SQL('r');

/** Heatmap contributions of incident rows `src` with sign `sign`. */
const cellRows = (src: string, sign: string) => `
  SELECT z.level, floor(ST_X(r.geom) / (22.5::float8 / 2::float8 ^ z.level))::int AS cx,
         floor(ST_Y(r.geom) / (22.5::float8 / 2::float8 ^ z.level))::int AS cy,
         z.month, ${AREA} AS area, r.category, ${sign} AS n, ${sign} * ST_X(r.geom) AS sx, ${sign} * ST_Y(r.geom) AS sy
  FROM ${src} r
  CROSS JOIN LATERAL (
    SELECT l AS level, 'infinity'::date AS month FROM unnest(ARRAY[${ALL_TIME_ZOOMS.join(',')}]) l
    UNION ALL
    SELECT l, ${MONTH} FROM unnest(ARRAY[${MONTHLY_ZOOMS.join(',')}]) l
  ) z`;

/**
 * Statistics contributions: only incidents in a grid count in statistics. A finished incident
 * (resolved_at set) keeps the light it finished with; an open one's light depends on the time
 * of the question, so its deadline's month is kept instead (see incident-aggregates.ts).
 */
const tallyRows = (src: string, sign: string) => `
  SELECT left(r.grid_code, 12) AS area, ${MONTH} AS month, r.category, r.status,
         CASE WHEN r.resolved_at IS NULL THEN ''
              WHEN r.resolved_at > r.deadline_at THEN 'red'
              WHEN r.resolved_at >= r.reported_at + (r.deadline_at - r.reported_at) * ${YELLOW_FROM}::float8 THEN 'yellow'
              ELSE 'green' END AS light,
         CASE WHEN r.resolved_at IS NULL THEN date_trunc('month', r.deadline_at AT TIME ZONE 'UTC')::date ELSE 'infinity'::date END AS deadline_month,
         coalesce(r.resolved_at <= r.deadline_at, false) AS on_time,
         ${sign} AS n
  FROM ${src} r
  WHERE r.grid_code IS NOT NULL`;

const CELL_KEY = 'level, cx, cy, month, area, category';
const TALLY_KEY = 'area, month, category, status, light, deadline_month, on_time';

/** Appends the deltas of `rows` (a UNION of contributions) to both tables. */
const appendDeltas = (cells: string, tally: string) => `
  INSERT INTO incident_cells (${CELL_KEY}, n, sx, sy, delta)
  SELECT ${CELL_KEY}, sum(n), sum(sx), sum(sy), true FROM (${cells}) c
  GROUP BY ${CELL_KEY} HAVING sum(n) <> 0 OR sum(sx) <> 0 OR sum(sy) <> 0;
  INSERT INTO incident_tally (${TALLY_KEY}, n, delta)
  SELECT ${TALLY_KEY}, sum(n), true FROM (${tally}) t
  GROUP BY ${TALLY_KEY} HAVING sum(n) <> 0;`;

/** Updated rows whose counted columns changed (an event joining an incident changes none). */
const CHANGED = `
  SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id
  WHERE (ST_X(o.geom), ST_Y(o.geom), o.reported_at, o.category, o.grid_code, o.handling_region, o.status, o.resolved_at, o.deadline_at)
        IS DISTINCT FROM (ST_X(n.geom), ST_Y(n.geom), n.reported_at, n.category, n.grid_code, n.handling_region, n.status, n.resolved_at, n.deadline_at)`;

export async function up(db: Kysely<unknown>): Promise<void> {
  // 1. device_events, partitioned by month.
  await sql`ALTER TABLE device_events RENAME TO device_events_unpartitioned`.execute(db);
  for (const op of ['insert', 'update', 'delete']) await sql.raw(`DROP TRIGGER audit_${op} ON device_events_unpartitioned`).execute(db);
  await sql`ALTER TABLE device_events_unpartitioned RENAME CONSTRAINT device_events_pkey TO device_events_unpartitioned_pkey`.execute(db);
  await sql`DROP INDEX device_events_incident_idx, device_events_device_media_idx`.execute(db);
  // 012 (GB/T 28181 alarm priority) renames severity to priority; migration numbers land in any
  // order, so it may have run before this one or run after it: keep the column as it is now.
  const { rows: level } = await sql<{ name: string }>`
    SELECT column_name AS name FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name = 'device_events_unpartitioned' AND column_name IN ('severity', 'priority')`.execute(db);
  const alarm = sql.raw(level[0]?.name === 'priority' ? 'priority' : 'severity');
  const alarmType = sql.raw(level[0]?.name === 'priority' ? 'integer NOT NULL CHECK (priority BETWEEN 1 AND 4)' : 'integer NOT NULL');
  await sql`
    CREATE TABLE device_events (
      device_id text NOT NULL,
      event_id text NOT NULL,
      type text NOT NULL,
      ${alarm} ${alarmType},
      occurred_at timestamptz NOT NULL,
      received_at timestamptz NOT NULL,
      geom geometry(Point, 4326) NOT NULL,
      grid_code text,
      incident_id bigint,
      media_id bigint,
      county_code text GENERATED ALWAYS AS (left(grid_code, 6)) STORED,
      PRIMARY KEY (device_id, event_id, occurred_at)
    ) PARTITION BY RANGE (occurred_at)`.execute(db);
  // A camera's latest snapshot; which events a snapshot belongs to (scope checks of GET /api/media).
  await sql`CREATE INDEX device_events_device_media_idx ON device_events (device_id, occurred_at) WHERE media_id IS NOT NULL`.execute(db);
  await sql`CREATE INDEX device_events_media_idx ON device_events (media_id) WHERE media_id IS NOT NULL`.execute(db);
  const { rows: months } = await sql<{ month: string }>`
    SELECT DISTINCT to_char(date_trunc('month', occurred_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS month FROM device_events_unpartitioned`.execute(db);
  for (const { month } of months) await sql.raw(partitionDdl(month)).execute(db);
  await sql`
    INSERT INTO device_events (device_id, event_id, type, ${alarm}, occurred_at, received_at, geom, grid_code, incident_id, media_id)
    SELECT device_id, event_id, type, ${alarm}, occurred_at, received_at, geom, grid_code, incident_id, media_id FROM device_events_unpartitioned`.execute(db);
  await sql`DROP TABLE device_events_unpartitioned`.execute(db);
  for (const [op, transition] of [
    ['insert', 'NEW TABLE AS changed'],
    ['update', 'NEW TABLE AS changed'],
    ['delete', 'OLD TABLE AS changed'],
  ] as const) {
    await sql
      .raw(`CREATE TRIGGER audit_${op} AFTER ${op.toUpperCase()} ON device_events REFERENCING ${transition} FOR EACH STATEMENT EXECUTE FUNCTION audit_device_events_${op}()`)
      .execute(db);
  }

  // 2. Thumbnails made after the answer.
  await sql`ALTER TABLE media ALTER COLUMN thumb DROP NOT NULL`.execute(db);
  // A snapshot whose pixels could not be decoded once its header passed: kept, never thumbnailed.
  await sql`ALTER TABLE media ADD COLUMN thumb_error text`.execute(db);
  await sql`CREATE INDEX media_thumb_pending_idx ON media (id) WHERE thumb IS NULL AND thumb_error IS NULL`.execute(db);

  // 3. Incident counts kept on write.
  await sql`
    CREATE TABLE incident_cells (
      level smallint NOT NULL,
      cx integer NOT NULL,
      cy integer NOT NULL,
      month date NOT NULL,
      area text NOT NULL,
      category text NOT NULL,
      n integer NOT NULL,
      sx double precision NOT NULL,
      sy double precision NOT NULL,
      delta boolean NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX incident_cells_idx ON incident_cells (level, month, cx, cy)`.execute(db);
  await sql`CREATE INDEX incident_cells_delta_idx ON incident_cells (level) WHERE delta`.execute(db);
  await sql`
    CREATE TABLE incident_tally (
      area text NOT NULL,
      month date NOT NULL,
      category text NOT NULL,
      status text NOT NULL,
      light text NOT NULL,
      deadline_month date NOT NULL,
      on_time boolean NOT NULL,
      n integer NOT NULL,
      delta boolean NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX incident_tally_idx ON incident_tally (area text_pattern_ops, month)`.execute(db);
  await sql`CREATE INDEX incident_tally_delta_idx ON incident_tally (month) WHERE delta`.execute(db);
  // Open incidents whose light may still change (statistics count those one by one).
  await sql`CREATE INDEX incidents_unsettled_idx ON incidents (deadline_at) WHERE resolved_at IS NULL`.execute(db);

  await sql.raw(`
    CREATE FUNCTION incident_counts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      ${appendDeltas(cellRows('new_rows', '1'), tallyRows('new_rows', '1'))}
      RETURN NULL;
    END $$`).execute(db);
  await sql.raw(`
    CREATE FUNCTION incident_counts_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      ${appendDeltas(cellRows('old_rows', '-1'), tallyRows('old_rows', '-1'))}
      RETURN NULL;
    END $$`).execute(db);
  await sql.raw(`
    CREATE FUNCTION incident_counts_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NOT EXISTS (${CHANGED}) THEN RETURN NULL; END IF;
      ${appendDeltas(
        `${cellRows(`(SELECT * FROM new_rows WHERE id IN (${CHANGED}))`, '1')} UNION ALL ${cellRows(`(SELECT * FROM old_rows WHERE id IN (${CHANGED}))`, '-1')}`,
        `${tallyRows(`(SELECT * FROM new_rows WHERE id IN (${CHANGED}))`, '1')} UNION ALL ${tallyRows(`(SELECT * FROM old_rows WHERE id IN (${CHANGED}))`, '-1')}`,
      )}
      RETURN NULL;
    END $$`).execute(db);
  await sql`CREATE TRIGGER counts_insert AFTER INSERT ON incidents REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_counts_insert()`.execute(db);
  await sql`CREATE TRIGGER counts_update AFTER UPDATE ON incidents REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_counts_update()`.execute(db);
  await sql`CREATE TRIGGER counts_delete AFTER DELETE ON incidents REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_counts_delete()`.execute(db);
  // Incidents already there.
  for (const statement of appendDeltas(cellRows('incidents', '1'), tallyRows('incidents', '1')).replaceAll('true FROM', 'false FROM').split(';')) {
    if (statement.trim()) await sql.raw(statement).execute(db);
  }

  // 5. A revoked key is announced to every instance (server/db/signals.ts).
  await sql`
    CREATE FUNCTION api_keys_announce_revocation() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.revoked_at IS NOT NULL AND OLD.revoked_at IS NULL THEN PERFORM pg_notify('gridgov_keys', NEW.id); END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER announce_revocation AFTER UPDATE OF revoked_at ON api_keys FOR EACH ROW EXECUTE FUNCTION api_keys_announce_revocation()`.execute(db);

  // 4. The county code, where a Citus cluster would cut.
  for (const [table, expression] of [
    ['grids', 'left(code, 6)'],
    ['grid_versions', 'left(code, 6)'],
    ['buildings', 'left(region_code, 6)'],
    ['addresses', 'left(region_code, 6)'],
    ['reference_lines', 'left(region_code, 6)'],
    ['devices', 'left(center_region, 6)'],
    ['incidents', 'left(coalesce(grid_code, handling_region), 6)'],
  ]) {
    await sql.raw(`ALTER TABLE ${table} ADD COLUMN county_code text GENERATED ALWAYS AS (${expression}) STORED`).execute(db);
  }
}

/** The partition of device_events for the month starting on `month` (YYYY-MM-01). */
export function partitionDdl(month: string): string {
  const start = new Date(`${month}T00:00:00Z`);
  const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  const name = `device_events_${month.slice(0, 4)}${month.slice(5, 7)}`;
  return `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF device_events FOR VALUES FROM ('${start.toISOString()}') TO ('${end.toISOString()}')`;
}
