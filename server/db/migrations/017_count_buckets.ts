import { sql, type Kysely } from 'kysely';
import { ALL_TIME_ZOOMS, AREA_SQL, COARSE_AREA_LEVEL, DAY_SQL, MONTH_SQL, SPAN, WINDOW_ZOOMS } from '../aggregate-keys.js';
import { YELLOW_FROM } from '../../incidents/light.js';

/**
 * Counts kept on write that answer any day window and any zoom cheaply (issue 19, item 3).
 * Migration 015's counts kept months only (a window's partial months were counted one by one),
 * the village as every cell's area (a county-wide view read hundreds of thousands of rows), and
 * one statistics row per village × month × category × status × light (389,254 rows for
 * 1,000,000 incidents in 100,000 grids). This one replaces both tables:
 *
 * - incident_cells: per level, time bucket (all time, month, day; aggregate-keys.ts), cell, area
 *   and category. Months and days at levels 6–12, all time at 6–14; the county as the area at
 *   levels ≤ 10.
 * - incident_tally: per village, time bucket and category one row, with the count of each
 *   status and of the finished incidents' lights in columns (statistics add them up by status,
 *   category and light separately, never jointly). Open incidents are kept by their deadline's
 *   month: a reader counts those whose deadline passed before this month as red, and the few
 *   whose deadline falls this month or later (their light still changes) one by one.
 *
 * The triggers are 015's (statement-level, names unchanged, appending signed deltas in the
 * writing transaction); only their functions are replaced. The counts are rebuilt from the
 * incidents.
 */

/** The statuses as this migration knows them (server/incidents/states.ts); one column each. */
export const TALLY_STATUSES = ['reported', 'dispatched', 'in_progress', 'resolved', 'closed', 'rejected', 'reopened'] as const;

const AREA = AREA_SQL('r');

/** Heatmap contributions of incident rows `src` with sign `sign`. */
export const cellRows = (src: string, sign: string) => `
  SELECT z.level, z.span, z.bucket,
         floor(ST_X(r.geom) / (22.5::float8 / 2::float8 ^ z.level))::int AS cx,
         floor(ST_Y(r.geom) / (22.5::float8 / 2::float8 ^ z.level))::int AS cy,
         CASE WHEN z.level <= ${COARSE_AREA_LEVEL} THEN left(${AREA}, 6) ELSE ${AREA} END AS area,
         r.category, ${sign} AS n, ${sign} * ST_X(r.geom) AS sx, ${sign} * ST_Y(r.geom) AS sy
  FROM ${src} r
  CROSS JOIN LATERAL (
    SELECT l::smallint AS level, ${SPAN.all}::smallint AS span, 'infinity'::date AS bucket FROM unnest(ARRAY[${ALL_TIME_ZOOMS.join(',')}]) l
    UNION ALL
    SELECT l::smallint, ${SPAN.month}::smallint, ${MONTH_SQL('r')} FROM unnest(ARRAY[${WINDOW_ZOOMS.join(',')}]) l
    UNION ALL
    SELECT l::smallint, ${SPAN.day}::smallint, ${DAY_SQL('r')} FROM unnest(ARRAY[${WINDOW_ZOOMS.join(',')}]) l
  ) z`;

const SETTLED_LIGHT = `CASE WHEN r.resolved_at IS NULL THEN ''
              WHEN r.resolved_at > r.deadline_at THEN 'red'
              WHEN r.resolved_at >= r.reported_at + (r.deadline_at - r.reported_at) * ${YELLOW_FROM}::float8 THEN 'yellow'
              ELSE 'green' END`;

/** The tally's counted columns. */
export const TALLY_COLUMNS = ['n', ...TALLY_STATUSES.map((s) => `s_${s}`), 'yellow', 'red', 'on_time'];

/**
 * Statistics contributions: only incidents in a grid count in statistics. A finished incident
 * (resolved_at set) keeps the light it finished with (yellow, red columns); an open one's light
 * depends on the time of the question, so its deadline's month is kept instead. on_time counts
 * the resolved and closed incidents finished by their deadline.
 */
export const tallyRows = (src: string, sign: string) => `
  SELECT left(r.grid_code, 12) AS area, z.span, z.bucket, r.category,
         CASE WHEN r.resolved_at IS NULL THEN date_trunc('month', r.deadline_at AT TIME ZONE 'UTC')::date ELSE 'infinity'::date END AS deadline_month,
         ${sign} AS n,
         ${TALLY_STATUSES.map((s) => `${sign} * (r.status = '${s}')::int AS s_${s}`).join(',\n         ')},
         ${sign} * (${SETTLED_LIGHT} = 'yellow')::int AS yellow,
         ${sign} * (${SETTLED_LIGHT} = 'red')::int AS red,
         ${sign} * (r.status IN ('resolved', 'closed') AND coalesce(r.resolved_at <= r.deadline_at, false))::int AS on_time
  FROM ${src} r
  CROSS JOIN LATERAL (
    SELECT ${SPAN.all}::smallint AS span, 'infinity'::date AS bucket
    UNION ALL SELECT ${SPAN.month}::smallint, ${MONTH_SQL('r')}
    UNION ALL SELECT ${SPAN.day}::smallint, ${DAY_SQL('r')}
  ) z
  WHERE r.grid_code IS NOT NULL`;

export const CELL_KEY = 'level, span, bucket, cx, cy, area, category';
export const TALLY_KEY = 'area, span, bucket, category, deadline_month';

const sums = (columns: string[]) => columns.map((c) => `sum(${c})`).join(', ');
const anyNonZero = (columns: string[]) => columns.map((c) => `sum(${c}) <> 0`).join(' OR ');

/** Appends the deltas of `cells` and `tally` (UNIONs of contributions) to both tables. */
const appendDeltas = (cells: string, tally: string, delta: 'true' | 'false') => [
  `INSERT INTO incident_cells (${CELL_KEY}, n, sx, sy, delta)
   SELECT ${CELL_KEY}, sum(n), sum(sx), sum(sy), ${delta} FROM (${cells}) c
   GROUP BY ${CELL_KEY} HAVING sum(n) <> 0 OR sum(sx) <> 0 OR sum(sy) <> 0`,
  `INSERT INTO incident_tally (${TALLY_KEY}, ${TALLY_COLUMNS.join(', ')}, delta)
   SELECT ${TALLY_KEY}, ${sums(TALLY_COLUMNS)}, ${delta} FROM (${tally}) t
   GROUP BY ${TALLY_KEY} HAVING ${anyNonZero(TALLY_COLUMNS)}`,
];

/** Updated rows whose counted columns changed (an event joining an incident changes none). 015's. */
const CHANGED = `
  SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id
  WHERE (ST_X(o.geom), ST_Y(o.geom), o.reported_at, o.category, o.grid_code, o.handling_region, o.status, o.resolved_at, o.deadline_at)
        IS DISTINCT FROM (ST_X(n.geom), ST_Y(n.geom), n.reported_at, n.category, n.grid_code, n.handling_region, n.status, n.resolved_at, n.deadline_at)`;

const body = (statements: string[]) => `${statements.join(';\n      ')};`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE incident_cells, incident_tally`.execute(db);
  await sql`
    CREATE TABLE incident_cells (
      level smallint NOT NULL,
      span smallint NOT NULL,
      bucket date NOT NULL,
      cx integer NOT NULL,
      cy integer NOT NULL,
      area text NOT NULL,
      category text NOT NULL,
      n integer NOT NULL,
      sx double precision NOT NULL,
      sy double precision NOT NULL,
      delta boolean NOT NULL
    )`.execute(db);
  // Covering: a view's rows are read from the index alone where the pages are all-visible
  // (vacuumed), instead of one heap page per row (rows of a cell are written scattered).
  await sql`CREATE INDEX incident_cells_idx ON incident_cells (level, span, bucket, cx, cy) INCLUDE (category, area, n, sx, sy)`.execute(db);
  await sql`CREATE INDEX incident_cells_delta_idx ON incident_cells (level) WHERE delta`.execute(db);
  await sql
    .raw(`
    CREATE TABLE incident_tally (
      area text NOT NULL,
      span smallint NOT NULL,
      bucket date NOT NULL,
      category text NOT NULL,
      deadline_month date NOT NULL,
      ${TALLY_COLUMNS.map((c) => `${c} integer NOT NULL`).join(',\n      ')},
      delta boolean NOT NULL
    )`)
    .execute(db);
  await sql
    .raw(`CREATE INDEX incident_tally_idx ON incident_tally (span, bucket, area text_pattern_ops) INCLUDE (category, deadline_month, ${TALLY_COLUMNS.join(', ')})`)
    .execute(db);
  await sql`CREATE INDEX incident_tally_delta_idx ON incident_tally (span) WHERE delta`.execute(db);

  for (const [op, rows, sign] of [
    ['insert', 'new_rows', '1'],
    ['delete', 'old_rows', '-1'],
  ]) {
    await sql.raw(`
      CREATE OR REPLACE FUNCTION incident_counts_${op}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        ${body(appendDeltas(cellRows(rows, sign), tallyRows(rows, sign), 'true'))}
        RETURN NULL;
      END $$`).execute(db);
  }
  const changedNew = `(SELECT * FROM new_rows WHERE id IN (${CHANGED}))`;
  const changedOld = `(SELECT * FROM old_rows WHERE id IN (${CHANGED}))`;
  await sql.raw(`
    CREATE OR REPLACE FUNCTION incident_counts_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NOT EXISTS (${CHANGED}) THEN RETURN NULL; END IF;
      ${body(
        appendDeltas(
          `${cellRows(changedNew, '1')} UNION ALL ${cellRows(changedOld, '-1')}`,
          `${tallyRows(changedNew, '1')} UNION ALL ${tallyRows(changedOld, '-1')}`,
          'true',
        ),
      )}
      RETURN NULL;
    END $$`).execute(db);
  // The incidents already there, folded.
  for (const statement of appendDeltas(cellRows('incidents', '1'), tallyRows('incidents', '1'), 'false')) await sql.raw(statement).execute(db);
}
