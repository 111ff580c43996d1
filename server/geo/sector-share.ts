/**
 * How a camera's field of view is shared among grids: a leaf with no imports, so that the API's
 * types (server/api-types/devices.ts) and the web client can name it without pulling in the
 * geometry of geo/coverage.ts.
 */
export interface SectorShare {
  gridCode: string;
  /** Share of the sector's area inside the grid, 0–1, rounded to 4 decimals. */
  share: number;
}
