/**
 * The gaps the unsaved edits opened between grids inside their villages: what a village's grids
 * covered as loaded and no longer cover (warnings; see `gapsOf`). Plain data in, problems out,
 * so that it runs (and is tested) without a map.
 */
import type { MultiPolygon, Polygon } from 'geojson';
import { gapsOf, type Problem } from './checks.js';

type Polygonal = Polygon | MultiPolygon;

/** What the gaps need of a pending change (GridEditor's PendingChange). */
export interface GapChange {
  code: string;
  properties: { regionCode: string };
  /** As loaded; null for a drawn grid. */
  before: Polygonal | null;
  after: Polygonal;
  retire?: boolean;
}

/** A grid held by the client, in WGS84. */
export interface HeldGrid {
  code: string;
  regionCode: string;
  /** Drawn and not saved yet: it covered nothing as loaded. */
  isNew: boolean;
  /** As loaded (its stored boundary). */
  loaded: Polygonal;
  /** As drawn now. */
  now: Polygonal;
}

/**
 * @param pending The unsaved changes (retirements included: what a retired grid covered counts as loaded).
 * @param held Every grid held, edited or not.
 * @param villages The villages' boundaries by code; a village not among them is not checked.
 */
export function openedGaps(pending: GapChange[], held: HeldGrid[], villages: Map<string, Polygonal>): Problem[] {
  const regionCodes = new Set(pending.map((p) => p.properties.regionCode).filter((code) => code && villages.has(code)));
  const problems: Problem[] = [];
  for (const region of regionCodes) {
    const before = held.filter((grid) => grid.regionCode === region && !grid.isNew).map((grid) => grid.loaded);
    for (const p of pending) if (p.retire && p.properties.regionCode === region && p.before) before.push(p.before);
    const after = held.filter((grid) => grid.regionCode === region).map((grid) => grid.now);
    const edited = new Map(pending.filter((p) => !p.retire && p.properties.regionCode === region).map((p) => [p.code, p.after]));
    problems.push(...gapsOf(region, villages.get(region)!, before, after, edited));
  }
  return problems;
}
