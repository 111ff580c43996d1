/**
 * Households of a building from its footprint, by the rule frozen for gridgov's development
 * data (../shared/data/README.md), for when no population registry count is at hand:
 *
 * - residential: kind_detail/building in {residential, apartments, house, dormitory, terrace,
 *   detached, semidetached_house}, or landuse_kind = residential, or an untagged building (no
 *   kind_detail, no landuse_kind) of at most 2,500 m²; anything else has 0 households;
 *   footprints under 30 m² have 0;
 * - floors: `levels` rounded, else round((height − 2) / 3), else 3 (footprint ≤ 600 m²) or 6;
 * - households = round(footprint m² × floors × 0.85 / 92): 92 m² is the mean housing floor area
 *   per urban household in China's 2020 census; 0.85 turns gross into usable floor area.
 */

import { bbox as turfBbox, booleanPointInPolygon } from '@turf/turf';
import type { MultiPolygon, Polygon } from 'geojson';
import { householdFlags } from './address/households.js';
import type { ParsedAddress } from './address/types.js';

const RESIDENTIAL = new Set(['residential', 'apartments', 'house', 'dormitory', 'terrace', 'detached', 'semidetached_house']);
const MEAN_HOUSEHOLD_FLOOR_M2 = 92;
const USABLE_SHARE = 0.85;

function numberOf(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

function isResidential(properties: Record<string, unknown>, areaM2: number): boolean {
  const kind = properties.kind_detail ?? properties.building;
  if (typeof kind === 'string' && RESIDENTIAL.has(kind)) return true;
  if (properties.landuse_kind === 'residential') return true;
  // `building` is OpenStreetMap's own tag, `kind_detail` Tilezen's name for it; "yes" says nothing.
  const untagged =
    properties.kind_detail === undefined &&
    properties.landuse_kind === undefined &&
    (properties.building === undefined || properties.building === 'yes');
  return untagged && areaM2 <= 2_500;
}

export function floorsOf(properties: Record<string, unknown>, areaM2: number): number {
  const levels = numberOf(properties.levels);
  if (levels !== undefined) return Math.round(levels);
  const height = numberOf(properties.height);
  if (height !== undefined) return Math.round((height - 2) / 3);
  return areaM2 <= 600 ? 3 : 6;
}

export function householdsByFootprint(properties: Record<string, unknown>, areaM2: number): number {
  if (areaM2 < 30 || !isResidential(properties, areaM2)) return 0;
  return Math.max(0, Math.round((areaM2 * floorsOf(properties, areaM2) * USABLE_SHARE) / MEAN_HOUSEHOLD_FLOOR_M2));
}

// ── A grid's households ─────────────────────────────────────────────────────────────────────
//
// One rule for the server (db/households.ts writes it on every grid) and for the web client's
// live estimate while a border moves (client/src/households/), so the two never disagree:
//
// 1. a village with a buildings layer counts buildings: the households of each building whose
//    anchor (a point inside its footprint, PostGIS' ST_PointOnSurface, or the point itself)
//    lies in the grid;
// 2. a village without buildings but with registered addresses counts the grid's household
//    addresses (geo/address/households.ts: an address with nothing registered beneath it);
// 3. a village with neither keeps the figure written with the grid ("stored").
//
// A point in two grids (on their shared border) counts in the one with the lowest code, as
// locate answers; a drawn, unsaved grid ("new-1") comes after every stored code.


export type HouseholdsSource = 'buildings' | 'addresses' | 'stored';

/** What a village holds that households can be counted from: a building anchor, or a registered address. */
export interface HouseholdPoint {
  lon: number;
  lat: number;
  /** Buildings: the building's households. */
  households?: number;
  /** Addresses: the parsed levels (for the household rule). */
  levels?: ParsedAddress;
}

export interface CountedGrid {
  code: string;
  geometry: Polygon | MultiPolygon;
}

export function householdsSource(village: { buildings: boolean; addresses: boolean }): HouseholdsSource {
  return village.buildings ? 'buildings' : village.addresses ? 'addresses' : 'stored';
}

/** For each grid (by code), the indices of the points it holds: each point in the lowest-coded grid containing it. */
export function pointsByGrid(points: readonly HouseholdPoint[], grids: readonly CountedGrid[]): Map<string, number[]> {
  const ordered = [...grids].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const boxes = ordered.map((grid) => turfBbox(grid.geometry));
  const owned = new Map<string, number[]>(ordered.map((grid) => [grid.code, []]));
  points.forEach((point, i) => {
    for (let g = 0; g < ordered.length; g++) {
      const [w, s, e, n] = boxes[g];
      if (point.lon < w || point.lon > e || point.lat < s || point.lat > n) continue;
      if (booleanPointInPolygon([point.lon, point.lat], ordered[g].geometry)) {
        owned.get(ordered[g].code)!.push(i);
        return;
      }
    }
  });
  return owned;
}

/** The households of each grid from its village's points, by the source's rule (nothing for "stored"). */
export function gridHouseholds(source: HouseholdsSource, points: readonly HouseholdPoint[], grids: readonly CountedGrid[]): Map<string, number> {
  const counts = new Map<string, number>();
  if (source === 'stored') return counts;
  for (const [code, indices] of pointsByGrid(points, grids)) {
    counts.set(
      code,
      source === 'buildings'
        ? indices.reduce((sum, i) => sum + (points[i].households ?? 0), 0)
        : householdFlags(indices.map((i) => points[i].levels ?? {})).filter(Boolean).length,
    );
  }
  return counts;
}

/**
 * A stored figure shared out by weights (the areas of a split grid's parts), in whole numbers
 * that add up to it (largest remainder); null stays null.
 */
export function apportion(total: number | null, weights: readonly number[]): (number | null)[] {
  if (total === null) return weights.map(() => null);
  const sum = weights.reduce((s, w) => s + Math.max(0, w), 0);
  if (sum <= 0) return weights.map((_, i) => (i === 0 ? total : 0));
  const exact = weights.map((w) => (total * Math.max(0, w)) / sum);
  const shares = exact.map(Math.floor);
  let left = total - shares.reduce((s, n) => s + n, 0);
  const byRemainder = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left <= 0) break;
    shares[i]++;
    left--;
  }
  return shares;
}
