/**
 * The order in which grids created together are numbered: west→east along a row, rows
 * north→south — the order in which one reads a map. Rows are found from the points
 * themselves: walking north→south, a point starts a new row when it lies further south of
 * the row's first point than half the typical north–south size of a grid.
 */

export interface Placed {
  /** Representative point of the shape (e.g. ST_PointOnSurface), lon/lat. */
  x: number;
  y: number;
  /** North–south extent of the shape, in the same units as y. */
  height: number;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Indices of `items` in reading order (west→east, then north→south). Deterministic for ties. */
export function readingOrder(items: readonly Placed[]): number[] {
  const rowTolerance = median(items.map((item) => item.height)) / 2;
  const byNorth = items
    .map((_, index) => index)
    .sort((a, b) => items[b].y - items[a].y || items[a].x - items[b].x || a - b);

  const rows: number[][] = [];
  let rowTop = Infinity;
  for (const index of byNorth) {
    if (rows.length === 0 || rowTop - items[index].y > rowTolerance) {
      rows.push([]);
      rowTop = items[index].y;
    }
    rows[rows.length - 1].push(index);
  }
  return rows.flatMap((row) => row.sort((a, b) => items[a].x - items[b].x || items[b].y - items[a].y || a - b));
}
