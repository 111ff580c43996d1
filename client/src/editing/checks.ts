/**
 * The live checks run in the browser while a planner edits, the same rules the server applies
 * on save (server/db/grid-checks.ts): a valid polygon, no overlap with another grid beyond
 * 1 m², nothing outside the grid's village beyond 1 m². All in WGS84, with turf.
 */
import { area, bbox as turfBbox, difference, feature, featureCollection, intersect, kinks } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { Polygonal } from '../api';

export const OVERLAP_TOLERANCE_M2 = 1;
export const OUTSIDE_TOLERANCE_M2 = 1;

export interface CheckGrid {
  code: string;
  label: string;
  regionCode: string | null;
  geometry: Polygonal;
}

export type Problem =
  | { kind: 'overlap'; code: string; other: string; areaM2: number; piece: Polygonal }
  | { kind: 'outside'; code: string; region: string; areaM2: number; piece: Polygonal }
  | { kind: 'invalid'; code: string; at: [number, number] }
  | { kind: 'noRegion'; code: string };

type BBox = [number, number, number, number];

function boxOf(geometry: Polygonal): BBox {
  return turfBbox(geometry) as BBox;
}

function boxesMeet(a: BBox, b: BBox): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

const asFeature = (geometry: Polygonal): Feature<Polygon | MultiPolygon> => feature(geometry);

/** The area of a ∩ b (m²) and the piece, or null when they only touch. */
export function overlapOf(a: Polygonal, b: Polygonal): { areaM2: number; piece: Polygonal } | null {
  try {
    const piece = intersect(featureCollection([asFeature(a), asFeature(b)]));
    if (!piece) return null;
    const areaM2 = area(piece);
    return areaM2 > 0 ? { areaM2, piece: piece.geometry } : null;
  } catch {
    return null;
  }
}

export function outsideOf(grid: Polygonal, region: Polygonal): { areaM2: number; piece: Polygonal } | null {
  try {
    const piece = difference(featureCollection([asFeature(grid), asFeature(region)]));
    if (!piece) return null;
    const areaM2 = area(piece);
    return areaM2 > 0 ? { areaM2, piece: piece.geometry } : null;
  } catch {
    return null;
  }
}

/** Checks each of `edited` against `others` (every other grid) and the villages. */
export function runChecks(edited: CheckGrid[], others: CheckGrid[], villages: Map<string, Polygonal>): Problem[] {
  const problems: Problem[] = [];
  const everyone = [...edited, ...others];
  const boxes = new Map(everyone.map((g) => [g.code, boxOf(g.geometry)]));
  for (const [i, grid] of edited.entries()) {
    const crossings = kinks(asFeature(grid.geometry)).features;
    if (crossings.length > 0) {
      problems.push({ kind: 'invalid', code: grid.code, at: crossings[0].geometry.coordinates as [number, number] });
      continue;
    }
    const box = boxes.get(grid.code)!;
    // Each pair once: edited × later edited, edited × unedited.
    const candidates = [...edited.slice(i + 1), ...others];
    for (const other of candidates) {
      if (!boxesMeet(box, boxes.get(other.code)!)) continue;
      const overlap = overlapOf(grid.geometry, other.geometry);
      if (overlap && overlap.areaM2 > OVERLAP_TOLERANCE_M2) {
        problems.push({ kind: 'overlap', code: grid.code, other: other.code, ...overlap });
      }
    }
    const village = grid.regionCode ? villages.get(grid.regionCode) : undefined;
    if (!village) {
      problems.push({ kind: 'noRegion', code: grid.code });
      continue;
    }
    const outside = outsideOf(grid.geometry, village);
    if (outside && outside.areaM2 > OUTSIDE_TOLERANCE_M2) {
      problems.push({ kind: 'outside', code: grid.code, region: grid.regionCode!, ...outside });
    }
  }
  return problems;
}

/** The village (of `villages`) that holds most of `geometry`, for a drawn grid. */
export function villageOf(geometry: Polygonal, villages: Map<string, Polygonal>): string | null {
  let best: string | null = null;
  let bestArea = 0;
  const box = boxOf(geometry);
  for (const [code, village] of villages) {
    if (!boxesMeet(box, boxOf(village))) continue;
    const shared = overlapOf(geometry, village);
    if (shared && shared.areaM2 > bestArea) {
      best = code;
      bestArea = shared.areaM2;
    }
  }
  return best;
}

export function areaOf(geometry: Polygonal): number {
  return area(asFeature(geometry));
}
