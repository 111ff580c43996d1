/**
 * The live checks run in the browser while a planner edits, the same rules the server applies
 * on save (server/db/grid-checks.ts): a valid polygon, no overlap with another grid beyond
 * 1 m², nothing outside the grid's village beyond 1 m². All in WGS84, with turf.
 */
import { area, bbox as turfBbox, booleanPointInPolygon, difference, feature, featureCollection, intersect, kinks, lineIntersect, lineString, point, union } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';

/** The client's `Polygonal` (api.ts), restated from geojson so that these checks run in node too (test/client). */
type Polygonal = Polygon | MultiPolygon;

export const OVERLAP_TOLERANCE_M2 = 1;
export const OUTSIDE_TOLERANCE_M2 = 1;
export const GAP_TOLERANCE_M2 = 1;

export interface CheckGrid {
  code: string;
  label: string;
  regionCode: string | null;
  geometry: Polygonal;
}

export type Problem =
  | { kind: 'overlap'; code: string; other: string; areaM2: number; piece: Polygonal }
  | { kind: 'outside'; code: string; region: string; areaM2: number; piece: Polygonal }
  | { kind: 'gap'; code: string; region: string; areaM2: number; piece: Polygonal }
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

/** Problems that are only warnings: they do not hold a save up. */
export const isWarning = (problem: Problem): boolean => problem.kind === 'gap';

const partsOf = (geometry: Polygonal): Polygon[] =>
  geometry.type === 'Polygon' ? [geometry] : geometry.coordinates.map((coordinates) => ({ type: 'Polygon', coordinates }));

function unionOf(geometries: Polygonal[]): Polygonal | null {
  if (geometries.length === 0) return null;
  if (geometries.length === 1) return geometries[0];
  try {
    return union(featureCollection(geometries.map(asFeature)))?.geometry ?? null;
  } catch {
    return null;
  }
}

/**
 * Gaps the edits opened inside a village: the part of the village its grids covered as loaded
 * (`before`) and no longer cover (`after`), each part over 1 m² reported against `code`, the
 * edited grid it is nearest to (`edited`: code → geometry). Gaps that were there before the edits
 * are not reported.
 */
export function gapsOf(region: string, village: Polygonal, before: Polygonal[], after: Polygonal[], edited: Map<string, Polygonal>): Problem[] {
  const was = unionOf(before);
  if (!was) return [];
  const now = unionOf(after);
  let lost: Polygonal | null;
  try {
    lost = now ? (difference(featureCollection([asFeature(was), asFeature(now)]))?.geometry ?? null) : was;
    if (lost) lost = intersect(featureCollection([asFeature(lost), asFeature(village)]))?.geometry ?? null;
  } catch {
    return [];
  }
  if (!lost) return [];
  const problems: Problem[] = [];
  for (const part of partsOf(lost)) {
    const areaM2 = area(asFeature(part));
    if (areaM2 <= GAP_TOLERANCE_M2) continue;
    const box = boxOf(part);
    // The edited grid whose box meets the gap's (the gap touches it), else any edited grid.
    let code = [...edited.keys()][0] ?? '';
    for (const [c, geometry] of edited) {
      if (boxesMeet(box, boxOf(geometry))) {
        code = c;
        break;
      }
    }
    problems.push({ kind: 'gap', code, region, areaM2, piece: part });
  }
  return problems;
}

/**
 * Cuts a polygon in two along a line (WGS84), buffer-free: the line, drawn on past its ends, and
 * a far side of it make a half-plane polygon; the grid ∩ half-plane and grid − half-plane are the
 * two parts. Null unless the line crosses the polygon fully (both ends outside, into two single
 * polygons); the larger part first.
 */
export function splitPolygon(geometry: Polygonal, line: [number, number][]): [Polygon, Polygon] | null {
  const parts = partsOf(geometry);
  if (parts.length !== 1 || line.length < 2) return null;
  const polygon = parts[0];
  const first = line[0];
  const last = line[line.length - 1];
  if (booleanPointInPolygon(point(first), polygon) || booleanPointInPolygon(point(last), polygon)) return null;
  if (lineIntersect(lineString(line), polygon).features.length < 2) return null;
  const box = boxOf(polygon);
  const span = Math.hypot(box[2] - box[0], box[3] - box[1]) * 10 + 1e-3;
  const unit = (a: [number, number], b: [number, number]): [number, number] => {
    const length = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1;
    return [(b[0] - a[0]) / length, (b[1] - a[1]) / length];
  };
  const d0 = unit(line[1], line[0]);
  const d1 = unit(line[line.length - 2], last);
  const start: [number, number] = [first[0] + d0[0] * span, first[1] + d0[1] * span];
  const end: [number, number] = [last[0] + d1[0] * span, last[1] + d1[1] * span];
  const along = unit(start, end);
  const left: [number, number] = [-along[1] * 2 * span, along[0] * 2 * span];
  const ring = [start, ...line, end, [end[0] + left[0], end[1] + left[1]], [start[0] + left[0], start[1] + left[1]], start];
  const side = asFeature({ type: 'Polygon', coordinates: [ring] });
  try {
    const a = intersect(featureCollection([asFeature(polygon), side]))?.geometry;
    const b = difference(featureCollection([asFeature(polygon), side]))?.geometry;
    if (!a || !b || a.type !== 'Polygon' || b.type !== 'Polygon') return null;
    const areaA = area(asFeature(a));
    const areaB = area(asFeature(b));
    const whole = area(asFeature(polygon));
    if (areaA <= GAP_TOLERANCE_M2 || areaB <= GAP_TOLERANCE_M2 || Math.abs(areaA + areaB - whole) > whole * 1e-3) return null;
    return areaA >= areaB ? [a, b] : [b, a];
  } catch {
    return null;
  }
}

/** The union of two grids (WGS84) when they share a border (one polygon), else null. */
export function mergePolygons(a: Polygonal, b: Polygonal): Polygon | null {
  const merged = unionOf([a, b]);
  if (!merged) return null;
  if (merged.type === 'Polygon') return merged;
  return merged.coordinates.length === 1 ? { type: 'Polygon', coordinates: merged.coordinates[0] } : null;
}
