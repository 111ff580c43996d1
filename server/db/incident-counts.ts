/**
 * The heatmap and statistics from the incident counts kept on write (migration 015), exact:
 * whatever the counts cannot answer on their own is counted from the incidents themselves, in
 * the same statement, and the two parts never overlap.
 *
 * Heatmap at zoom z over a bbox: the cells lying wholly inside the bbox ("interior") come from
 * incident_cells — all-time rows, or the months lying wholly inside the time window; the cells
 * on the bbox's edge, and the interior cells' incidents of the window's partial months, are
 * counted from incidents. Statistics of a region: the villages' counts of the months wholly
 * inside the window; the partial months, and open incidents whose light may still change this
 * month (deadline this month or later), from incidents.
 *
 * What the counts do not cover (a light or status filter, one grid, zooms finer than the
 * counts) is left to the caller's query over incidents (undefined is returned).
 */
import { sql, type Expression, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { Database } from './schema.js';
import { incidentWhere, type IncidentFilter } from './incidents.js';
import { ALL_TIME_ZOOMS, cellSide, MONTHLY_ZOOMS } from './aggregate-keys.js';
import { monthOf } from './event-partitions.js';

/** A margin (in cells) that keeps an interior cell's float rounding inside the bbox. */
const EDGE = 1e-9;

/** The first stored zoom at or above `zoom` (counts of finer cells add up to coarser ones). */
function storedZoom(zoom: number, zooms: readonly number[]): number | undefined {
  return zooms.find((z) => z >= zoom);
}

export interface MonthSpan {
  /** First and last whole month inside the window ('YYYY-MM-01'), or none. */
  first?: string;
  last?: string;
  /** Where the whole months start and end (the partial months lie outside [start, end)). */
  start?: Date;
  end?: Date;
}

/** The whole UTC months inside [from, to). */
export function wholeMonths(from: Date | undefined, to: Date | undefined): MonthSpan {
  if (!from && !to) return {};
  const fromD = from ?? new Date(Date.UTC(1900, 0, 1));
  const toD = to ?? new Date(Date.UTC(9999, 0, 1));
  let start = new Date(Date.UTC(fromD.getUTCFullYear(), fromD.getUTCMonth(), 1));
  if (start < fromD) start = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  const end = new Date(Date.UTC(toD.getUTCFullYear(), toD.getUTCMonth(), 1));
  if (end <= start) return {};
  const last = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - 1, 1));
  return { first: monthOf(start), last: monthOf(last), start, end };
}

const scopeOk = (filter: IncidentFilter) => !filter.regionPrefix || filter.regionPrefix.length <= 12;

export interface CellCount {
  gx: number;
  gy: number;
  n: number;
  sx: number;
  sy: number;
}

/**
 * Heatmap cells (count and coordinate sums per cell of zoom `zoom`), or undefined when the
 * counts cannot answer this filter and zoom.
 */
export async function heatmapCellsFromCounts(db: Kysely<Database>, filter: IncidentFilter, zoom: number, now: Date): Promise<CellCount[] | undefined> {
  if (!filter.bbox || filter.light || filter.statuses?.length || filter.gridCode || filter.afterChange !== undefined || !scopeOk(filter)) return undefined;
  const timed = filter.from !== undefined || filter.to !== undefined;
  const level = storedZoom(zoom, timed ? MONTHLY_ZOOMS : ALL_TIME_ZOOMS);
  if (level === undefined) return undefined;
  const months = wholeMonths(filter.from, filter.to);
  if (timed && !months.first) return undefined;
  const c = cellSide(zoom);
  const [minX, minY, maxX, maxY] = filter.bbox;
  const lo = (v: number) => Math.floor(v / c + EDGE) + 1;
  const hi = (v: number) => Math.floor(v / c - EDGE) - 1;
  const [cxLo, cxHi, cyLo, cyHi] = [lo(minX), hi(maxX), lo(minY), hi(maxY)];
  if (cxLo > cxHi || cyLo > cyHi) return undefined;
  const shift = level - zoom;

  const cell = (axis: 'X' | 'Y') => sql`floor(ST_${sql.raw(axis)}(i.geom) / ${c}::float8)::int`;
  const interiorCell = sql<SqlBool>`(${cell('X')} BETWEEN ${cxLo} AND ${cxHi} AND ${cell('Y')} BETWEEN ${cyLo} AND ${cyHi})`;
  const where = incidentWhere(filter, now);
  const envelope = (a: number, b: number, x: number, y: number) => sql`i.geom && ST_MakeEnvelope(${a}, ${b}, ${x}, ${y}, 4326)`;
  // The ring of edge cells as four strips, so that the index finds them without the interior.
  const strips = sql<SqlBool>`(${sql.join(
    [envelope(minX, minY, cxLo * c, maxY), envelope((cxHi + 1) * c, minY, maxX, maxY), envelope(minX, minY, maxX, cyLo * c), envelope(minX, (cyHi + 1) * c, maxX, maxY)],
    sql` OR `,
  )})`;
  const rawCells = (extra: Expression<SqlBool> | RawBuilder<SqlBool>) => sql`
    SELECT ${cell('X')} AS gx, ${cell('Y')} AS gy, count(*)::int AS n, sum(ST_X(i.geom)) AS sx, sum(ST_Y(i.geom)) AS sy
    FROM incidents i WHERE ${where} AND ${extra} GROUP BY 1, 2`;

  const counted = sql`
    SELECT (k.cx >> ${shift}) AS gx, (k.cy >> ${shift}) AS gy, sum(k.n)::int AS n, sum(k.sx) AS sx, sum(k.sy) AS sy
    FROM incident_cells k
    WHERE k.level = ${level}
      AND ${timed ? sql`k.month BETWEEN ${months.first}::date AND ${months.last}::date` : sql`k.month = 'infinity'::date`}
      AND k.cx BETWEEN ${cxLo * 2 ** shift} AND ${(cxHi + 1) * 2 ** shift - 1}
      AND k.cy BETWEEN ${cyLo * 2 ** shift} AND ${(cyHi + 1) * 2 ** shift - 1}
      ${filter.categories?.length ? sql`AND k.category IN (${sql.join(filter.categories)})` : sql``}
      ${filter.regionPrefix ? sql`AND k.area LIKE ${`${filter.regionPrefix}%`}` : sql``}
    GROUP BY 1, 2`;
  const parts = [counted, rawCells(sql<SqlBool>`${strips} AND NOT ${interiorCell}`)];
  if (timed) {
    // Interior cells' incidents of the partial months at either end of the window.
    parts.push(rawCells(sql<SqlBool>`${envelope(cxLo * c, cyLo * c, (cxHi + 1) * c, (cyHi + 1) * c)} AND ${interiorCell} AND (i.reported_at < ${months.start!} OR i.reported_at >= ${months.end!})`));
  }
  const { rows } = await sql<CellCount>`
    SELECT p.gx, p.gy, sum(p.n)::int AS n, sum(p.sx) AS sx, sum(p.sy) AS sy
    FROM (${sql.join(parts, sql` UNION ALL `)}) p
    GROUP BY 1, 2
    HAVING sum(p.n) > 0`.execute(db);
  return rows;
}

export interface StatsGroup {
  key: string | null;
  status: string;
  category: string;
  n: number;
  yellow: number;
  red: number;
  on_time: number;
}

/**
 * Statistics groups (unit key, status, category → counts, yellow, red, on time) of the grids
 * under `prefix`, from the counts where they can answer; undefined when they cannot (a light,
 * status, grid or bbox filter). `unitKey` maps a code column to its unit; `rawGroups` is the
 * caller's query over incidents, narrowed by an extra condition.
 */
export async function statsGroupsFromCounts(
  db: Kysely<Database>,
  prefix: string,
  filter: IncidentFilter,
  now: Date,
  unitKey: (column: ReturnType<typeof sql.ref>) => RawBuilder<string | null>,
  rawGroups: (extra: RawBuilder<SqlBool>) => RawBuilder<StatsGroup>,
): Promise<StatsGroup[] | undefined> {
  if (filter.light || filter.statuses?.length || filter.gridCode || filter.bbox || prefix.length > 12) return undefined;
  const timed = filter.from !== undefined || filter.to !== undefined;
  const months = wholeMonths(filter.from, filter.to);
  if (timed && !months.first) return undefined;
  // Open incidents whose deadline fell before this month are red, whatever the day; the rest of
  // the open ones are counted one by one.
  const thisMonth = monthOf(now);
  const thisMonthStart = new Date(`${thisMonth}T00:00:00Z`);
  const inWholeMonths = timed ? sql<SqlBool>`i.reported_at >= ${months.start!} AND i.reported_at < ${months.end!}` : sql<SqlBool>`true`;
  const counted = sql<StatsGroup>`
    SELECT ${unitKey(sql.ref('k.area'))} AS key, k.status, k.category, sum(k.n)::int AS n,
           coalesce(sum(k.n) FILTER (WHERE k.light = 'yellow'), 0)::int AS yellow,
           coalesce(sum(k.n) FILTER (WHERE k.light = 'red' OR k.light = ''), 0)::int AS red,
           coalesce(sum(k.n) FILTER (WHERE k.on_time), 0)::int AS on_time
    FROM incident_tally k
    WHERE k.area LIKE ${`${prefix}%`}
      AND (k.light <> '' OR k.deadline_month < ${thisMonth}::date)
      ${timed ? sql`AND k.month BETWEEN ${months.first}::date AND ${months.last}::date` : sql``}
      ${filter.categories?.length ? sql`AND k.category IN (${sql.join(filter.categories)})` : sql``}
    GROUP BY 1, 2, 3`;
  const parts = [counted, rawGroups(sql<SqlBool>`i.resolved_at IS NULL AND i.deadline_at >= ${thisMonthStart} AND ${inWholeMonths}`)];
  if (timed) parts.push(rawGroups(sql<SqlBool>`(i.reported_at < ${months.start!} OR i.reported_at >= ${months.end!})`));
  const { rows } = await sql<StatsGroup>`
    SELECT p.key, p.status, p.category, sum(p.n)::int AS n, sum(p.yellow)::int AS yellow, sum(p.red)::int AS red, sum(p.on_time)::int AS on_time
    FROM (${sql.join(parts, sql` UNION ALL `)}) p
    GROUP BY 1, 2, 3`.execute(db);
  return rows;
}

/** One process at a time folds the deltas. */
const COMPACTION_LOCK = 0x67726964_02;

/**
 * Folds each key's delta rows (one per writing statement) into one row; keys that sum to
 * nothing vanish. Exact before, during and after: a reader sums a key's rows whatever their
 * number, and the fold is one statement per table. Returns the rows folded.
 */
export async function compactIncidentCounts(db: Kysely<Database>): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ ok: boolean }>`SELECT pg_try_advisory_xact_lock(${COMPACTION_LOCK}) AS ok`.execute(trx);
    if (!rows[0].ok) return 0;
    const cells = await sql`
      WITH keys AS (SELECT DISTINCT level, cx, cy, month, area, category FROM incident_cells WHERE delta),
      gone AS (
        DELETE FROM incident_cells k USING keys
        WHERE k.level = keys.level AND k.cx = keys.cx AND k.cy = keys.cy AND k.month = keys.month AND k.area = keys.area AND k.category = keys.category
        RETURNING k.*
      )
      INSERT INTO incident_cells (level, cx, cy, month, area, category, n, sx, sy, delta)
      SELECT level, cx, cy, month, area, category, sum(n), sum(sx), sum(sy), false FROM gone
      GROUP BY level, cx, cy, month, area, category HAVING sum(n) <> 0`.execute(trx);
    const tally = await sql`
      WITH keys AS (SELECT DISTINCT area, month, category, status, light, deadline_month, on_time FROM incident_tally WHERE delta),
      gone AS (
        DELETE FROM incident_tally k USING keys
        WHERE k.area = keys.area AND k.month = keys.month AND k.category = keys.category AND k.status = keys.status
          AND k.light = keys.light AND k.deadline_month = keys.deadline_month AND k.on_time = keys.on_time
        RETURNING k.*
      )
      INSERT INTO incident_tally (area, month, category, status, light, deadline_month, on_time, n, delta)
      SELECT area, month, category, status, light, deadline_month, on_time, sum(n), false FROM gone
      GROUP BY area, month, category, status, light, deadline_month, on_time HAVING sum(n) <> 0`.execute(trx);
    return Number(cells.numAffectedRows ?? 0) + Number(tally.numAffectedRows ?? 0);
  });
}
