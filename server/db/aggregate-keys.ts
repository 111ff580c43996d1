/**
 * What the incident counts kept on write (migration 015: incident_cells, incident_tally) are
 * keyed by. Shared by the migration that makes the triggers and by the queries that read them,
 * so that both cut cells, months and areas alike.
 *
 * - Cells: the heatmap's square cells, cellDegrees(z) = 22.5 / 2^z degrees (exact in binary
 *   floating point), aligned on 0°. A cell of zoom z is exactly four cells of zoom z + 1, so
 *   counts kept at zoom L answer any zoom z ≤ L by shifting the cell numbers (L − z) bits.
 * - Months: the UTC month of reported_at; 'infinity' stands for "all time" (heatmaps without
 *   a time window read those rows only).
 * - Area: what a key's scope is matched against — the village of the incident's grid (the first
 *   12 digits of the grid code), else its handling region, else ''. A scope prefix (at most 12
 *   digits) matches an area exactly when it matches the incident (incidentWhere's regionPrefix).
 */

/** Zooms whose all-time cell counts are kept; heatmaps finer than the last are counted from incidents. */
export const ALL_TIME_ZOOMS = [6, 7, 8, 9, 10, 11, 12, 13, 14] as const;
/** Zooms whose per-month cell counts are kept (time-windowed heatmaps). */
export const MONTHLY_ZOOMS = [6, 8, 10, 12] as const;

/** The side of a cell in degrees at `zoom` (the same number as incident-stats' cellDegrees). */
export const cellSide = (zoom: number) => 22.5 / 2 ** zoom;

/** SQL: the area of an incident row `r`. */
export const AREA_SQL = (r: string) => `coalesce(left(${r}.grid_code, 12), ${r}.handling_region, '')`;
/** SQL: the UTC month of an incident row `r`. */
export const MONTH_SQL = (r: string) => `date_trunc('month', ${r}.reported_at AT TIME ZONE 'UTC')::date`;
