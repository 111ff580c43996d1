/**
 * The heatmap and statistics from the incident counts kept on write (migration 017), exact:
 * whatever the counts cannot answer on their own is counted from the incidents themselves, in
 * the same statement, and the two parts never overlap.
 *
 * A time window [from, to) is cut into (timeParts): the whole months inside it (month rows), the
 * whole days at either end outside those months (day rows), and at most two cut days — from or
 * to not at midnight — whose incidents are counted one by one (the incidents of a day or two,
 * found by the reported_at index). No window: the all-time rows.
 *
 * Heatmap at zoom z over a bbox: every cell the bbox touches, whole (touchedCells), from
 * incident_cells at the first kept level ≥ z whose area is fine enough for the scope; the
 * incidents of the cut days in those cells are counted one by one.
 * Statistics of a region: the villages' rows of the window's buckets; open incidents whose
 * deadline falls in this month or later (their light may still change), and the cut days, from
 * incidents.
 *
 * What the counts do not cover (a light or status filter, one grid, a staff member's or a
 * place list's scope, windowed zooms finer than the counts) is left to the caller's query over
 * incidents (undefined is returned).
 */
import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { Database, IncidentCellsTable, IncidentTallyTable } from './schema.js';
import { incidentWhere, type IncidentFilter } from './incidents.js';
import { ALL_TIME_ZOOMS, areaLength, cellSide, SPAN, WINDOW_ZOOMS } from './aggregate-keys.js';
import { monthOf } from './event-partitions.js';
import { INCIDENT_STATUSES, type IncidentStatus } from '../incidents/states.js';

const DAY_MS = 86_400_000;

/** A range of buckets of one span, first ≤ bucket < end ('YYYY-MM-DD'). */
export interface BucketRange {
  span: number;
  first: string;
  end: string;
}

export interface TimeParts {
  /** The buckets to read; together they are the whole days [dayStart, dayEnd). */
  buckets: BucketRange[];
  /** The incidents outside [dayStart, dayEnd) — on the cut days — are counted one by one. */
  dayStart: Date;
  dayEnd: Date;
}

const EARLIEST = new Date(Date.UTC(1900, 0, 1));
const LATEST = new Date(Date.UTC(9999, 0, 1));
const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const floorDay = (d: Date) => new Date(Math.floor(d.getTime() / DAY_MS) * DAY_MS);
const ceilDay = (d: Date) => new Date(Math.ceil(d.getTime() / DAY_MS) * DAY_MS);
const ceilMonth = (d: Date) => {
  const start = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
  return start < d ? new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)) : start;
};
const floorMonth = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));

/**
 * The buckets of the window [from, to) (UTC): all time when there is none; else its whole
 * months, the whole days around them, and where the cut days lie. An open end reaches the year
 * 1900 or 9999.
 */
export function timeParts(from: Date | undefined, to: Date | undefined): TimeParts | undefined {
  if (!from && !to) return { buckets: [{ span: SPAN.all, first: 'infinity', end: 'infinity' }], dayStart: EARLIEST, dayEnd: LATEST };
  const dayStart = ceilDay(from ?? EARLIEST);
  const dayEnd = floorDay(to ?? LATEST);
  if (dayEnd <= dayStart) return undefined;
  const buckets: BucketRange[] = [];
  const monthStart = ceilMonth(dayStart);
  const monthEnd = floorMonth(dayEnd);
  if (monthStart < monthEnd) {
    if (dayStart < monthStart) buckets.push({ span: SPAN.day, first: isoDay(dayStart), end: isoDay(monthStart) });
    buckets.push({ span: SPAN.month, first: isoDay(monthStart), end: isoDay(monthEnd) });
    if (monthEnd < dayEnd) buckets.push({ span: SPAN.day, first: isoDay(monthEnd), end: isoDay(dayEnd) });
  } else {
    buckets.push({ span: SPAN.day, first: isoDay(dayStart), end: isoDay(dayEnd) });
  }
  return { buckets, dayStart, dayEnd };
}

/** The filters the counts are keyed by; anything else is answered from the incidents. */
function countable(filter: IncidentFilter): boolean {
  return (
    !filter.light &&
    !filter.statuses?.length &&
    !filter.gridCode &&
    filter.afterChange === undefined &&
    filter.placePrefixes === undefined &&
    filter.assigneeStaffId === undefined &&
    (!filter.regionPrefix || filter.regionPrefix.length <= 12)
  );
}

/** SQL: a bucket range of the row alias `k`. */
const inBuckets = (range: BucketRange) =>
  range.span === SPAN.all ? sql<SqlBool>`k.span = ${range.span} AND k.bucket = 'infinity'::date` : sql<SqlBool>`k.span = ${range.span} AND k.bucket >= ${range.first}::date AND k.bucket < ${range.end}::date`;

/**
 * SQL: the incidents `i` on the cut days of the window [from, to), one condition a range (the
 * planner finds each by the reported_at index); none when both ends are at midnight.
 */
function cutDays(parts: TimeParts, from: Date | undefined, to: Date | undefined): RawBuilder<SqlBool>[] {
  const ranges: RawBuilder<SqlBool>[] = [];
  if (!from || from < parts.dayStart) ranges.push(sql<SqlBool>`i.reported_at < ${parts.dayStart}`);
  if (!to || to > parts.dayEnd) ranges.push(sql<SqlBool>`i.reported_at >= ${parts.dayEnd}`);
  return ranges;
}

/**
 * Runs a read of the counts without parallel workers. Each of its parts reads a few thousand
 * rows in milliseconds, but their sum of estimates makes the planner start two workers, and
 * starting them took 100–370 ms of a 5–40 ms query (EXPLAIN ANALYZE, PostgreSQL 15 on the
 * loaded 2-core machine). `hash`: group without sorting — the planner estimates a view's cells
 * (cx = ANY × a range of rows) at a few rows where there are tens of thousands, then sorts them
 * to group (100 ms of a z14 view's 200) where hashing takes a few; heatmap groups are cells,
 * never an order. set_config(…, true) ends with the transaction.
 */
async function withoutWorkers<T>(db: Kysely<Database>, query: RawBuilder<T>, hash = false): Promise<T[]> {
  if (db.isTransaction) return (await query.execute(db)).rows;
  return db.transaction().execute(async (trx) => {
    await sql`SELECT set_config('max_parallel_workers_per_gather', '0', true), set_config('enable_sort', ${hash ? 'off' : 'on'}, true)`.execute(trx);
    return (await query.execute(trx)).rows;
  });
}

/** The first kept level ≥ zoom whose cells' area is fine enough for the scope. */
function cellLevel(zoom: number, levels: readonly number[], prefix: string | undefined): number | undefined {
  return levels.find((level) => level >= zoom && (!prefix || prefix.length <= areaLength(level)));
}

/** A heatmap cell's count and coordinate sums, as incident_cells keeps them (the cell's column and row shifted to the zoom asked for). */
export type CellCount = { gx: IncidentCellsTable['cx']; gy: IncidentCellsTable['cy'] } & CellSums;

/** The counted columns of a heatmap cell: incidents and the sums of their longitudes and latitudes. */
export type CellSums = Pick<IncidentCellsTable, 'n' | 'sx' | 'sy'>;

/** The cells of zoom `zoom` that a bbox touches, by column and row (cells aligned on 0°, side cellSide(zoom)). */
export interface TouchedCells {
  zoom: number;
  xLo: number;
  xHi: number;
  yLo: number;
  yHi: number;
}

/**
 * The cells a bbox touches: a heatmap answers each of them whole — every incident in it, also
 * those beyond the bbox's edge — so that a cell's weight does not change as the map pans, and
 * so that every cell can come from the counts (a cell cut by the edge would have to be counted
 * one by one: at z11 a strip one cell wide across a county held 28,000 incidents).
 */
export function touchedCells(bbox: [number, number, number, number], zoom: number): TouchedCells {
  const c = cellSide(zoom);
  const [minX, minY, maxX, maxY] = bbox;
  return { zoom, xLo: Math.floor(minX / c), xHi: Math.floor(maxX / c), yLo: Math.floor(minY / c), yHi: Math.floor(maxY / c) };
}

/** SQL: the column (X) or row (Y) of incident `i`'s cell at `zoom` — the same float division as the counts' triggers. */
const cellOf = (axis: 'X' | 'Y', zoom: number) => sql<number>`floor(ST_${sql.raw(axis)}(i.geom) / ${cellSide(zoom)}::float8)::int`;

/** The bbox of `cells`' outer edges: it holds every incident of the cells, and those on its far edges that belong to the next ones. */
export function touchedBbox(cells: TouchedCells): [number, number, number, number] {
  const c = cellSide(cells.zoom);
  return [cells.xLo * c, cells.yLo * c, (cells.xHi + 1) * c, (cells.yHi + 1) * c];
}

/** Whether the cell (x, y) of `cells.zoom` is one of `cells`. */
export const isTouched = (cells: TouchedCells, x: number, y: number) => x >= cells.xLo && x <= cells.xHi && y >= cells.yLo && y <= cells.yHi;

/** SQL: incident `i` lies in one of `cells` (the envelope lets the spatial index find them; the cell numbers decide). */
function inTouchedCells(cells: TouchedCells): RawBuilder<SqlBool> {
  const [a, b, c, d] = touchedBbox(cells);
  return sql<SqlBool>`i.geom && ST_MakeEnvelope(${a}, ${b}, ${c}, ${d}, 4326)
    AND ${cellOf('X', cells.zoom)} BETWEEN ${cells.xLo} AND ${cells.xHi} AND ${cellOf('Y', cells.zoom)} BETWEEN ${cells.yLo} AND ${cells.yHi}`;
}

/** At most this many columns are looked up one by one in the cells' index (below, one range). */
const MAX_COLUMN_LOOKUPS = 2048;

/**
 * SQL: the kept cells of `level` inside `cells` (of a zoom ≤ level). One bucket: each column is
 * looked up on its own (cx = ANY), so that the index reads only the rows of the view and not
 * every row of its columns (for a view of 80 × 50 cells in a county 200 cells tall, a quarter
 * of them); a range of buckets comes first in the index, so there it is one range of columns.
 */
function keptCellsIn(cells: TouchedCells, level: number, oneBucket: boolean): RawBuilder<SqlBool> {
  const shift = level - cells.zoom;
  const [x0, x1] = [cells.xLo * 2 ** shift, (cells.xHi + 1) * 2 ** shift - 1];
  const rows = sql<SqlBool>`k.cy BETWEEN ${cells.yLo * 2 ** shift} AND ${(cells.yHi + 1) * 2 ** shift - 1}`;
  if (!oneBucket || x1 - x0 + 1 > MAX_COLUMN_LOOKUPS) return sql<SqlBool>`k.cx BETWEEN ${x0} AND ${x1} AND ${rows}`;
  const columns = Array.from({ length: x1 - x0 + 1 }, (_, i) => x0 + i);
  return sql<SqlBool>`k.cx = ANY(${sql.val(columns)}::int[]) AND ${rows}`;
}

/**
 * Heatmap cells (count and coordinate sums per cell of zoom `zoom`) over every cell the bbox
 * touches (touchedCells), or undefined when the counts cannot answer this filter and zoom.
 */
export async function heatmapCellsFromCounts(db: Kysely<Database>, filter: IncidentFilter, zoom: number, now: Date): Promise<CellCount[] | undefined> {
  if (!filter.bbox || !countable(filter)) return undefined;
  const timed = filter.from !== undefined || filter.to !== undefined;
  const parts = timeParts(filter.from, filter.to);
  const level = cellLevel(zoom, timed ? WINDOW_ZOOMS : ALL_TIME_ZOOMS, filter.regionPrefix);
  if (!parts || level === undefined) return undefined;
  const cells = touchedCells(filter.bbox, zoom);
  const shift = level - zoom;

  const counted = parts.buckets.map(
    (range) => sql`
    SELECT (k.cx >> ${shift}) AS gx, (k.cy >> ${shift}) AS gy, sum(k.n)::int AS n, sum(k.sx) AS sx, sum(k.sy) AS sy
    FROM incident_cells k
    WHERE k.level = ${level} AND ${inBuckets(range)} AND ${keptCellsIn(cells, level, range.span === SPAN.all)}
      ${filter.categories?.length ? sql`AND k.category IN (${sql.join(filter.categories)})` : sql``}
      ${filter.regionPrefix ? sql`AND k.area LIKE ${`${filter.regionPrefix}%`}` : sql``}
    GROUP BY 1, 2`,
  );
  // The incidents of the cut days at either end of the window, one by one.
  const where = incidentWhere({ ...filter, bbox: undefined }, now);
  const cut = timed
    ? cutDays(parts, filter.from, filter.to).map(
        (day) => sql`
    SELECT ${cellOf('X', zoom)} AS gx, ${cellOf('Y', zoom)} AS gy, count(*)::int AS n, sum(ST_X(i.geom)) AS sx, sum(ST_Y(i.geom)) AS sy
    FROM incidents i WHERE ${where} AND ${inTouchedCells(cells)} AND ${day} GROUP BY 1, 2`,
      )
    : [];
  return withoutWorkers(
    db,
    sql<CellCount>`
    SELECT p.gx, p.gy, sum(p.n)::int AS n, sum(p.sx) AS sx, sum(p.sy) AS sy
    FROM (${sql.join([...counted, ...cut], sql` UNION ALL `)}) p
    GROUP BY 1, 2
    HAVING sum(p.n) > 0`,
    true,
  );
}

/**
 * Statistics of one unit and category: the count, the count of each status (s_<status>), the
 * yellow and red lights, and the resolved or closed incidents finished by their deadline.
 */
export type StatsGroup = { key: string | null } & Pick<IncidentTallyTable, 'category' | 'n' | 'yellow' | 'red' | 'on_time' | StatusColumn>;

/** A status's count column of incident_tally: the schema's own (a status it lacks fails to compile). */
type StatusColumn = `s_${IncidentStatus}`;

/** SQL: a status's column name in StatsGroup. */
export const statusColumn = (status: string) => sql.raw(`s_${status}`);

/** SQL: a StatsGroup's counted columns over incidents `i`, given the light of `i`. */
export function statsColumnsSql(light: RawBuilder<string>) {
  return sql`count(*)::int AS n,
    ${sql.join(INCIDENT_STATUSES.map((s) => sql`(count(*) FILTER (WHERE i.status = ${s}))::int AS ${statusColumn(s)}`))},
    (count(*) FILTER (WHERE ${light} = 'yellow'))::int AS yellow,
    (count(*) FILTER (WHERE ${light} = 'red'))::int AS red,
    (count(*) FILTER (WHERE i.status IN ('resolved', 'closed') AND i.resolved_at <= i.deadline_at))::int AS on_time`;
}

/**
 * Statistics groups (unit key, category → counts) of the grids under `prefix`, from the counts
 * where they can answer; undefined when they cannot (a light, status, grid or bbox filter).
 * `unitKey` maps a code column to its unit; `rawGroups` is the caller's query over incidents
 * (grouped by unit key and category, with statsColumnsSql), narrowed by an extra condition.
 */
export async function statsGroupsFromCounts(
  db: Kysely<Database>,
  prefix: string,
  filter: IncidentFilter,
  now: Date,
  unitKey: (column: ReturnType<typeof sql.ref>) => RawBuilder<string | null>,
  rawGroups: (extra: RawBuilder<SqlBool>) => RawBuilder<StatsGroup>,
): Promise<StatsGroup[] | undefined> {
  if (!countable(filter) || filter.bbox || prefix.length > 12) return undefined;
  const timed = filter.from !== undefined || filter.to !== undefined;
  const parts = timeParts(filter.from, filter.to);
  if (!parts) return undefined;
  // Open incidents whose deadline fell before this month are red, whatever the day; the rest of
  // the open ones are counted one by one.
  const thisMonth = monthOf(now);
  const thisMonthStart = new Date(`${thisMonth}T00:00:00Z`);
  const settledOrOverdue = sql<SqlBool>`k.deadline_month = 'infinity'::date OR k.deadline_month < ${thisMonth}::date`;
  const open = sql<SqlBool>`k.deadline_month <> 'infinity'::date`;
  const counted = parts.buckets.map(
    (range) => sql<StatsGroup>`
    SELECT ${unitKey(sql.ref('k.area'))} AS key, k.category, sum(k.n)::int AS n,
           ${sql.join(INCIDENT_STATUSES.map((s) => sql`sum(k.${statusColumn(s)})::int AS ${statusColumn(s)}`))},
           sum(k.yellow)::int AS yellow,
           sum(CASE WHEN ${open} THEN k.n ELSE k.red END)::int AS red,
           sum(k.on_time)::int AS on_time
    FROM incident_tally k
    WHERE k.span = ${range.span} AND k.area LIKE ${`${prefix}%`} AND ${inBuckets(range)} AND (${settledOrOverdue})
      ${filter.categories?.length ? sql`AND k.category IN (${sql.join(filter.categories)})` : sql``}
    GROUP BY 1, 2`,
  );
  const inWholeDays = timed ? sql<SqlBool>`i.reported_at >= ${parts.dayStart} AND i.reported_at < ${parts.dayEnd}` : sql<SqlBool>`true`;
  const all = [...counted, rawGroups(sql<SqlBool>`i.resolved_at IS NULL AND i.deadline_at >= ${thisMonthStart} AND ${inWholeDays}`)];
  if (timed) all.push(...cutDays(parts, filter.from, filter.to).map(rawGroups));
  return withoutWorkers(
    db,
    sql<StatsGroup>`
    SELECT p.key, p.category, sum(p.n)::int AS n,
           ${sql.join(INCIDENT_STATUSES.map((s) => sql`sum(p.${statusColumn(s)})::int AS ${statusColumn(s)}`))},
           sum(p.yellow)::int AS yellow, sum(p.red)::int AS red, sum(p.on_time)::int AS on_time
    FROM (${sql.join(all, sql` UNION ALL `)}) p
    GROUP BY 1, 2`,
  );
}

/** One process at a time folds the deltas. */
const COMPACTION_LOCK = 0x67726964_02;

/** Folds one table's delta rows per key; `key` and `sums` name its columns. */
const fold = (table: string, key: string[], summed: string[]) => {
  const keys = key.join(', ');
  const match = key.map((c) => `k.${c} = keys.${c}`).join(' AND ');
  return sql.raw(`
    WITH keys AS (SELECT DISTINCT ${keys} FROM ${table} WHERE delta),
    gone AS (DELETE FROM ${table} k USING keys WHERE ${match} RETURNING k.*)
    INSERT INTO ${table} (${keys}, ${summed.join(', ')}, delta)
    SELECT ${keys}, ${summed.map((c) => `sum(${c})`).join(', ')}, false FROM gone
    GROUP BY ${keys} HAVING ${summed.map((c) => `sum(${c}) <> 0`).join(' OR ')}`);
};

/**
 * Folds each key's delta rows (one per writing statement) into one row; keys that sum to
 * nothing vanish. Exact before, during and after: a reader sums a key's rows whatever their
 * number, and the fold is one statement per table. Returns the rows folded.
 */
export async function compactIncidentCounts(db: Kysely<Database>): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ ok: boolean }>`SELECT pg_try_advisory_xact_lock(${COMPACTION_LOCK}) AS ok`.execute(trx);
    if (!rows[0].ok) return 0;
    const cells = await fold('incident_cells', ['level', 'span', 'bucket', 'cx', 'cy', 'area', 'category'], ['n', 'sx', 'sy']).execute(trx);
    const tally = await fold('incident_tally', ['area', 'span', 'bucket', 'category', 'deadline_month'], ['n', ...INCIDENT_STATUSES.map((s) => `s_${s}`), 'yellow', 'red', 'on_time']).execute(trx);
    return Number(cells.numAffectedRows ?? 0) + Number(tally.numAffectedRows ?? 0);
  });
}
