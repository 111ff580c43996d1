/**
 * Incidents seen from above: the heatmap (incidents counted in square cells on the server, so
 * that a map receives a few thousand weighted points instead of every incident) and the
 * statistics of a region by child region (or, for a village, by grid).
 */
import { effectiveHouseholds } from './households.js';
import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { Database } from './schema.js';
import { incidentWhere, lightSql, type IncidentFilter } from './incidents.js';
import { inForce } from './grid-rows.js';
import { notFoundError } from '../domain-errors.js';
import { heatmapCellsFromCounts, isTouched, statsColumnsSql, statsGroupsFromCounts, touchedBbox, touchedCells, type CellSums, type StatsGroup } from './incident-counts.js';
import { regionPrefix, type RegionLevel } from '../geo/codes.js';
import { INCIDENT_STATUSES, type IncidentStatus } from '../incidents/states.js';
import { LIGHTS, type Light } from '../incidents/light.js';
import { text } from '../i18n/catalogue.js';
import type { Heatmap, RegionStats, StatsRow } from '../api-types/stats.js';

// ---------------------------------------------------------------------------------------------
// Heatmap

/** Heatmap cells are this many screen pixels wide (in longitude) at their zoom. */
export const CELL_PIXELS = 16;
/** A web-mercator tile is 256 pixels wide. */
const TILE_PIXELS = 256;
/** Most cells a bbox may span at its zoom (bounds the work and the size of the answer). */
export const MAX_HEATMAP_CELLS = 20_000;

/** The side of a heatmap cell in degrees at `zoom`: 360 / 2^zoom / (256 / CELL_PIXELS). */
export function cellDegrees(zoom: number): number {
  return 360 / 2 ** zoom / (TILE_PIXELS / CELL_PIXELS);
}

/** How many cells (columns × rows) of side `cell` the bbox touches, cells aligned on 0°. */
export function cellSpan(bbox: [number, number, number, number], cell: number): { columns: number; rows: number; cells: number } {
  const [minLon, minLat, maxLon, maxLat] = bbox;
  const columns = Math.floor(maxLon / cell) - Math.floor(minLon / cell) + 1;
  const rows = Math.floor(maxLat / cell) - Math.floor(minLat / cell) + 1;
  return { columns, rows, cells: columns * rows };
}

/** counts: false answers from the incidents one by one (benchmarks compare the two). */
export interface CountOptions {
  counts?: boolean;
}

const round = (value: number, decimals: number) => {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
};

/**
 * Incidents matching `filter` counted in the cells of `zoom` (side cellDegrees(zoom)): from the
 * counts kept on write where they can answer (db/incident-counts.ts), else one GROUP BY over
 * floor(x / cell), floor(y / cell). The filter should carry a bbox (the route requires one);
 * each cell it touches is counted whole, also beyond its edge.
 */
export async function incidentHeatmap(db: Kysely<Database>, filter: IncidentFilter, zoom: number, now: Date, options: CountOptions = {}): Promise<Heatmap> {
  const cell = cellDegrees(zoom);
  // One float8 key per cell, column × 2^26 + row: exact (below 2^53) and unique, since even at
  // zoom 22 a row number stays within ±2^25. One key hashes faster than two, and sum() is
  // cheaper than avg() (which also keeps the sum of squares).
  // Every cell the bbox touches, whole (touchedCells): the counts answer whole cells. One by
  // one, the incidents of the cells' outer bbox are grouped (one float8 key per cell, hashed as
  // before) and the cells beyond its far edges (incidents lying on them) are left out here: cell
  // conditions in SQL made the planner expect a few rows and sort 70,000 to group them.
  const cells = filter.bbox ? touchedCells(filter.bbox, zoom) : undefined;
  const rows =
    (options.counts === false ? undefined : await heatmapCellsFromCounts(db, filter, zoom, now)) ??
    (
      await sql<CellSums & { mx: number; my: number }>`
        SELECT count(*)::int AS n, sum(p.x) AS sx, sum(p.y) AS sy, min(p.x) AS mx, min(p.y) AS my
        FROM (SELECT ST_X(i.geom) AS x, ST_Y(i.geom) AS y FROM incidents i WHERE ${incidentWhere(cells ? { ...filter, bbox: touchedBbox(cells) } : filter, now)}) p
        GROUP BY floor(p.x / ${cell}::float8) * 67108864 + floor(p.y / ${cell}::float8)`.execute(db)
    ).rows.filter((row) => !cells || isTouched(cells, Math.floor(Number(row.mx) / cell), Math.floor(Number(row.my) / cell)));
  let total = 0;
  let max = 0;
  for (const row of rows) {
    const n = Number(row.n);
    total += n;
    if (n > max) max = n;
  }
  const points = rows.map((row) => ({
    lon: round(Number(row.sx) / Number(row.n), 6),
    lat: round(Number(row.sy) / Number(row.n), 6),
    count: Number(row.n),
    weight: round(Number(row.n) / max, 4),
  }));
  // A stable order (west to east, south to north) so that equal requests give equal answers.
  points.sort((a, b) => a.lon - b.lon || a.lat - b.lat);
  return { points, total, max };
}

// ---------------------------------------------------------------------------------------------
// Statistics by region


interface Unit {
  code: string;
  name: string;
  level: RegionLevel | 'grid';
  /** Grid codes under it start with this. */
  prefix: string;
}

class Tally {
  households: number | null = null;
  incidents = 0;
  finished = 0;
  onTime = 0;
  readonly byStatus = Object.fromEntries(INCIDENT_STATUSES.map((s) => [s, 0])) as Record<IncidentStatus, number>;
  readonly byCategory: Record<string, number>;
  readonly byLight = Object.fromEntries(LIGHTS.map((l) => [l, 0])) as Record<Light, number>;

  constructor(categories: readonly string[]) {
    this.byCategory = Object.fromEntries(categories.map((c) => [c, 0]));
  }

  addHouseholds(n: number | null) {
    if (n !== null) this.households = (this.households ?? 0) + n;
  }

  add(row: StatsGroup) {
    const n = Number(row.n);
    this.incidents += n;
    for (const status of INCIDENT_STATUSES) this.byStatus[status] += Number(row[`s_${status}`]);
    this.byCategory[row.category] = (this.byCategory[row.category] ?? 0) + n;
    const red = Number(row.red);
    const yellow = Number(row.yellow);
    this.byLight.red += red;
    this.byLight.yellow += yellow;
    this.byLight.green += n - red - yellow;
    this.finished += Number(row.s_resolved) + Number(row.s_closed);
    this.onTime += Number(row.on_time);
  }

  row(unit: Unit): StatsRow {
    return {
      code: unit.code,
      name: unit.name,
      level: unit.level,
      households: this.households,
      incidents: this.incidents,
      byStatus: this.byStatus,
      byCategory: this.byCategory,
      byLight: this.byLight,
      onTimeRate: this.finished === 0 ? null : round(this.onTime / this.finished, 4),
      per100Households: this.households ? round((this.incidents / this.households) * 100, 2) : null,
    };
  }
}

/**
 * The SQL key that sends a grid code to its unit: the unit prefix it starts with. Child regions
 * of one parent usually share a prefix length (one substring); a province's cities (4 digits)
 * and directly administered counties (6) do not, hence the CASE.
 */
function unitKey(column: ReturnType<typeof sql.ref>, units: Unit[]) {
  const byLength = new Map<number, string[]>();
  for (const unit of units) byLength.set(unit.prefix.length, [...(byLength.get(unit.prefix.length) ?? []), unit.prefix]);
  if (byLength.size === 0) return sql<string | null>`NULL::text`;
  const cases = [...byLength].map(([length, prefixes]) => sql`WHEN left(${column}, ${length}::int) IN (${sql.join(prefixes)}) THEN left(${column}, ${length}::int)`);
  return sql<string | null>`CASE ${sql.join(cases, sql` `)} END`;
}

/**
 * Statistics of region `code` for each child (child regions, or a village's live grids) and in
 * total. Incidents are attributed by grid code prefix, households summed over live grid
 * versions; `filter` narrows the incidents (time, category…), its region and grid are ignored.
 */
export async function regionStats(db: Kysely<Database>, code: string, filter: IncidentFilter, categories: readonly string[], now: Date, options: CountOptions = {}): Promise<RegionStats> {
  const region = await db.selectFrom('regions').select(['code', 'name', 'level']).where('code', '=', code).executeTakeFirst();
  if (!region) throw notFoundError('unknown_region', text('unknown_region', { code }));
  const level = region.level;
  const prefix = regionPrefix(code, level);

  let units: Unit[];
  if (level === 'village') {
    const grids = await db
      .selectFrom('grid_versions as v')
      .select(['v.code', 'v.name'])
      .where(inForce())
      .where('v.region_code', '=', code)
      .orderBy('v.code')
      .execute();
    units = grids.map((g) => ({ code: g.code, name: g.name, level: 'grid', prefix: g.code }));
  } else {
    const children = await db.selectFrom('regions').select(['code', 'name', 'level']).where('parent_code', '=', code).orderBy('code').execute();
    units = children.map((c) => ({ code: c.code, name: c.name, level: c.level, prefix: regionPrefix(c.code, c.level) }));
  }

  const where = incidentWhere({ ...filter, regionPrefix: undefined, gridCode: undefined, afterChange: undefined }, now);
  // Statuses and lights are counted, not grouped by: the planner cannot estimate groups of a
  // time expression, and would sort 1,000,000 rows on disk instead of hashing a few hundred groups.
  const rawGroups = (extra: RawBuilder<SqlBool>) => sql<StatsGroup>`
      SELECT ${unitKey(sql.ref('i.grid_code'), units)} AS key, i.category, ${statsColumnsSql(lightSql(now))}
      FROM incidents i
      WHERE i.grid_code LIKE ${`${prefix}%`} AND ${where} AND ${extra}
      GROUP BY 1, 2`;
  const [households, groups] = await Promise.all([
    sql<{ key: string | null; households: number | null }>`
      SELECT ${unitKey(sql.ref('v.code'), units)} AS key, sum(${effectiveHouseholds})::int8 AS households
      FROM grid_versions v
      WHERE ${inForce()} AND v.code LIKE ${`${prefix}%`}
      GROUP BY 1`.execute(db),
    // A village's statistics are by grid: counted from its incidents (a village is small);
    // above it, from the villages' counts kept on write (db/incident-counts.ts).
    (async () =>
      (level !== 'village' && options.counts !== false ? await statsGroupsFromCounts(db, prefix, filter, now, (column) => unitKey(column, units), rawGroups) : undefined) ??
      (await rawGroups(sql<SqlBool>`true`).execute(db)).rows)(),
  ]);

  const tallies = new Map(units.map((unit) => [unit.prefix, new Tally(categories)]));
  const total = new Tally(categories);
  for (const row of households.rows) {
    const n = row.households === null ? null : Number(row.households);
    total.addHouseholds(n);
    if (row.key !== null) tallies.get(row.key)?.addHouseholds(n);
  }
  for (const row of groups) {
    total.add(row);
    if (row.key !== null) tallies.get(row.key)?.add(row);
  }
  return {
    code: region.code,
    name: region.name,
    level,
    children: units.map((unit) => tallies.get(unit.prefix)!.row(unit)),
    total: total.row({ code: region.code, name: region.name, level, prefix }),
  };
}
