/**
 * What the incident counts kept on write (incident_cells, incident_tally: migration 017, which
 * replaced 015's) are keyed by. Shared by the migration that makes the triggers and by the
 * queries that read them, so that both cut cells, time buckets and areas alike.
 *
 * - Cells: the heatmap's square cells, cellDegrees(z) = 22.5 / 2^z degrees (exact in binary
 *   floating point), aligned on 0°. A cell of zoom z is exactly four cells of zoom z + 1, so
 *   counts kept at level L answer any zoom z ≤ L by shifting the cell numbers (L − z) bits.
 * - Time buckets (span, bucket): all time (span 0, bucket 'infinity'), a UTC month (span 1,
 *   bucket = its first day) or a UTC day (span 2, bucket = that day). A window reads its whole
 *   months from month rows, its whole days at either end from day rows, and only the incidents
 *   of a day it cuts (from or to not at midnight) one by one.
 * - Area: what a key's scope is matched against — the village of the incident's grid (the first
 *   12 digits of the grid code), else its handling region, else ''. Cells of the coarse levels
 *   (≤ COARSE_AREA_LEVEL: a cell of several kilometres holds many villages) keep only its county
 *   (the first 6 digits), so that a county-wide view reads thousands of rows, not hundreds of
 *   thousands; a finer scope is answered from the finer levels. A scope prefix matches an area
 *   exactly when it matches the incident (incidentWhere's regionPrefix) as long as the prefix is
 *   no longer than the area kept.
 */

/** Levels whose all-time cell counts are kept; heatmaps finer than the last are counted from incidents. */
export const ALL_TIME_ZOOMS = [6, 7, 8, 9, 10, 11, 12, 13, 14] as const;
/**
 * Levels whose per-month and per-day cell counts are kept (time-windowed heatmaps). Finer
 * windowed views (z13 and up: a few kilometres across) are counted from their incidents.
 */
export const WINDOW_ZOOMS = [6, 7, 8, 9, 10, 11, 12] as const;
/** Cells at this level and coarser keep the county (6 digits) as their area, finer ones the village (12). */
export const COARSE_AREA_LEVEL = 10;
export const areaLength = (level: number) => (level <= COARSE_AREA_LEVEL ? 6 : 12);

/** The spans of the time buckets. */
export const SPAN = { all: 0, month: 1, day: 2 } as const;

/** The side of a cell in degrees at `zoom` (the same number as incident-stats' cellDegrees). */
export const cellSide = (zoom: number) => 22.5 / 2 ** zoom;

/** SQL: the area of an incident row `r`. */
export const AREA_SQL = (r: string) => `coalesce(left(${r}.grid_code, 12), ${r}.handling_region, '')`;
/** SQL: the UTC month of an incident row `r`. */
export const MONTH_SQL = (r: string) => `date_trunc('month', ${r}.reported_at AT TIME ZONE 'UTC')::date`;
/** SQL: the UTC day of an incident row `r`. */
export const DAY_SQL = (r: string) => `(${r}.reported_at AT TIME ZONE 'UTC')::date`;
