/**
 * Whether the grids being saved are still as they were loaded: a grid someone else saved
 * meanwhile stops the save before anything is written (the 412 dialog offers theirs or mine).
 * Pure apart from the `current` look-up it is given, so that it is tested without a browser.
 */
import type { MultiPolygon, Polygon } from 'geojson';

type Polygonal = Polygon | MultiPolygon;
type Versioned = { properties: { version: number } };

/**
 * The first stored grid among `pending` (GridEditor's PendingChange) whose version moved on,
 * with the server's state of it (`current`: GET /api/grids/:code); null when none did.
 */
export async function firstStale<C extends Versioned & { code: string; isNew: boolean }, G extends Versioned>(pending: C[], current: (code: string) => Promise<G>): Promise<{ change: C; current: G } | null> {
  for (const change of pending.filter((p) => !p.isNew)) {
    const now = await current(change.code);
    if (now.properties.version !== change.properties.version) return { change, current: now };
  }
  return null;
}

/** Geometry compared by its coordinates, whatever the nesting (Polygon vs one-part MultiPolygon). */
export function sameGeometry(a: Polygonal, b: Polygonal): boolean {
  return JSON.stringify(partsOf(a)) === JSON.stringify(partsOf(b));
}

function partsOf(geometry: Polygonal): number[][][][] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}
