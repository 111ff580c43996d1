/**
 * How zones cover grids: camera fields of view (see sector.ts), and the ground a patrol walked
 * (its track widened by the distance a person sees and reaches, see walkedZones). A grid's
 * covered share is of its area, or — for patrols, where a grid has stored streets and paths —
 * of the length of those lines. Areas are turf's spherical areas; shares are ratios of them,
 * so the choice of Earth model cancels out.
 */
import Flatbush from 'flatbush';
import { area, bbox, booleanPointInPolygon, buffer, difference, feature, featureCollection, intersect, lineString, simplify } from '@turf/turf';
import type { BBox, LineString, MultiLineString, MultiPolygon, Polygon, Position } from 'geojson';
import { metresBetween } from './patrol.js';
import type { SectorShare } from './sector-share.js';

export type { SectorShare };

export interface GridShape {
  code: string;
  geometry: Polygon | MultiPolygon;
}


export interface GridCoverage {
  /** Share of the grid's area seen by at least one sector, 0–1, rounded to 4 decimals. */
  coveredShare: number;
  /** The grid minus every sector, parts under 1 m² dropped; null when nothing is left. */
  blindSpots: MultiPolygon | null;
}

/** Shares below this round to 0.000 at 3 decimals: noise from shared edges, not coverage. */
const MIN_SHARE = 0.0005;
/** Blind-spot parts smaller than this are slivers between sectors that meet edge to edge. */
const MIN_BLIND_SPOT_M2 = 1;

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

function boxesOverlap(a: BBox, b: BBox): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

function polygonsOf(geometry: Polygon | MultiPolygon): Position[][][] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

/** Area of a ∩ b in m²; 0 when they only touch or do not meet. */
function intersectionArea(a: Polygon | MultiPolygon, b: Polygon | MultiPolygon): number {
  const common = intersect(featureCollection<Polygon | MultiPolygon>([feature(a), feature(b)]));
  return common ? area(common) : 0;
}

/** Which grids a sector falls in, and how much of it each holds; largest share first. */
export function sectorCoverage(sector: Polygon, grids: readonly GridShape[]): SectorShare[] {
  const sectorArea = area(sector);
  if (sectorArea === 0) return [];
  const sectorBox = bbox(sector);
  return grids
    // The bounding-box test spares the clipping of the many grids nowhere near the camera.
    .filter((grid) => boxesOverlap(sectorBox, bbox(grid.geometry)))
    .map((grid) => ({ gridCode: grid.code, share: round4(intersectionArea(sector, grid.geometry) / sectorArea) }))
    .filter((entry) => entry.share >= MIN_SHARE)
    .sort((a, b) => b.share - a.share || a.gridCode.localeCompare(b.gridCode));
}

/** The polygons of a geometry that are at least `minArea` m², as a MultiPolygon or null. */
function withoutSlivers(geometry: Polygon | MultiPolygon, minArea: number): MultiPolygon | null {
  const kept = polygonsOf(geometry).filter((rings) => area({ type: 'Polygon', coordinates: rings }) >= minArea);
  return kept.length > 0 ? { type: 'MultiPolygon', coordinates: kept } : null;
}

/**
 * The grid minus every sector, or null when nothing is left. The sectors are subtracted in a
 * single clipping pass (polyclip sweeps all operands at once): the same as subtracting their
 * union, without building the union first — fast enough for a hundred cameras.
 */
function unseen(grid: Polygon | MultiPolygon, sectors: readonly Polygon[]): Polygon | MultiPolygon | null {
  const gridBox = bbox(grid);
  const near = sectors.filter((sector) => boxesOverlap(gridBox, bbox(sector)));
  if (near.length === 0) return grid;
  const operands = featureCollection<Polygon | MultiPolygon>([feature(grid), ...near.map((sector) => feature(sector))]);
  return difference(operands)?.geometry ?? null;
}

/** How much of a grid the zones (camera sectors, walked ground) cover, and where they do not. */
export function areaCoverage(grid: Polygon | MultiPolygon, zones: readonly Polygon[]): GridCoverage {
  const gridArea = area(grid);
  const blind = unseen(grid, zones);
  const blindArea = blind ? area(blind) : 0;
  return {
    // Clamped: rounding in the clipping can leave the blind area a hair above the grid's.
    coveredShare: gridArea > 0 ? round4(Math.max(0, 1 - blindArea / gridArea)) : 0,
    blindSpots: blind ? withoutSlivers(blind, MIN_BLIND_SPOT_M2) : null,
  };
}

/**
 * Points spread evenly over a polygon: the centres of an n × n lattice over its bounding box
 * that fall inside it. Locating them in the grid index estimates how the polygon is shared
 * among grids without clipping (each sample stands for the same area, to within the lattice).
 */
export function samplePolygon(polygon: Polygon, n: number): Position[] {
  const [minX, minY, maxX, maxY] = bbox(polygon);
  const samples: Position[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const point = [minX + ((i + 0.5) / n) * (maxX - minX), minY + ((j + 0.5) / n) * (maxY - minY)];
      if (booleanPointInPolygon(point, polygon)) samples.push(point);
    }
  }
  return samples;
}

/**
 * The ground along tracks within `radiusM` of them, as polygons (one track's corridor may be
 * several). Each track is simplified to a tenth of the radius first: a phone's fixes every few
 * metres add vertices, not ground.
 */
export function walkedZones(tracks: readonly LineString[], radiusM: number): Polygon[] {
  const zones: Polygon[] = [];
  const tolerance = radiusM / 10 / 111_000;
  for (const track of tracks) {
    if (track.coordinates.length < 2) continue;
    const simple = simplify(lineString(track.coordinates), { tolerance, highQuality: false });
    const corridor = buffer(simple, radiusM, { units: 'meters', steps: 4 });
    if (!corridor) continue;
    const geometry = corridor.geometry as Polygon | MultiPolygon;
    for (const rings of polygonsOf(geometry)) zones.push({ type: 'Polygon', coordinates: rings });
  }
  return zones;
}

export interface LineCoverage {
  /** Share of the lines' length covered, 0–1, rounded to 4 decimals. */
  coveredShare: number;
  totalM: number;
  coveredM: number;
  /** The stretches not covered (shorter than a step dropped); null when none are left. */
  uncovered: MultiLineString | null;
}

/** Whether a point is covered: inside a zone, near a track… */
export type CoveredAt = (point: Position) => boolean;

/** Points inside any of the zones (polygons: camera sectors, walked corridors). */
export function insideZones(zones: readonly Polygon[]): CoveredAt {
  if (zones.length === 0) return () => false;
  const index = new Flatbush(zones.length);
  for (const zone of zones) {
    const [minX, minY, maxX, maxY] = bbox(zone);
    index.add(minX, minY, maxX, maxY);
  }
  index.finish();
  return (point) => index.search(point[0]!, point[1]!, point[0]!, point[1]!).some((i) => booleanPointInPolygon(point, zones[i]!));
}

/**
 * Points within `radiusM` of a track: the exact test of "walked within 30 m", without building
 * corridors. Track segments go into an index, each box widened by the radius; distances are
 * measured in a local plane (metres east and north of the tracks' mean latitude), exact to a few
 * centimetres over a grid's extent.
 */
export function withinReach(tracks: readonly LineString[], radiusM: number): CoveredAt {
  const segments: number[] = [];
  let latSum = 0;
  let count = 0;
  for (const track of tracks) for (const p of track.coordinates) (latSum += p[1]!), count++;
  if (count === 0) return () => false;
  const mPerLat = 110_574;
  const mPerLon = 111_320 * Math.cos(((latSum / count) * Math.PI) / 180);
  for (const track of tracks) {
    for (let i = 1; i < track.coordinates.length; i++) {
      const a = track.coordinates[i - 1]!;
      const b = track.coordinates[i]!;
      segments.push(a[0]! * mPerLon, a[1]! * mPerLat, b[0]! * mPerLon, b[1]! * mPerLat);
    }
  }
  const n = segments.length / 4;
  if (n === 0) return () => false;
  const index = new Flatbush(n);
  for (let i = 0; i < n; i++) {
    const [ax, ay, bx, by] = [segments[4 * i]!, segments[4 * i + 1]!, segments[4 * i + 2]!, segments[4 * i + 3]!];
    index.add(Math.min(ax, bx) - radiusM, Math.min(ay, by) - radiusM, Math.max(ax, bx) + radiusM, Math.max(ay, by) + radiusM);
  }
  index.finish();
  const r2 = radiusM * radiusM;
  return (point) => {
    const px = point[0]! * mPerLon;
    const py = point[1]! * mPerLat;
    for (const i of index.search(px, py, px, py)) {
      const [ax, ay, bx, by] = [segments[4 * i]!, segments[4 * i + 1]!, segments[4 * i + 2]!, segments[4 * i + 3]!];
      const dx = bx - ax;
      const dy = by - ay;
      const length2 = dx * dx + dy * dy;
      const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / length2));
      const ex = ax + t * dx - px;
      const ey = ay + t * dy - py;
      if (ex * ex + ey * ey <= r2) return true;
    }
    return false;
  };
}

/**
 * How much of some lines (a grid's streets and paths) is covered: each line is cut into steps
 * of at most `stepM` metres and a step counts when its midpoint is covered.
 */
export function lineCoverage(lines: readonly (LineString | MultiLineString)[], covered: CoveredAt, stepM = 5): LineCoverage {
  let totalM = 0;
  let coveredM = 0;
  const stretches: Position[][] = [];
  const parts = lines.flatMap((line) => (line.type === 'LineString' ? [line.coordinates] : line.coordinates));
  for (const part of parts) {
    let open: Position[] | undefined;
    for (let i = 1; i < part.length; i++) {
      const a = part[i - 1]!;
      const b = part[i]!;
      const metres = metresBetween(a, b);
      const steps = Math.max(1, Math.ceil(metres / stepM));
      for (let k = 0; k < steps; k++) {
        const from = [a[0]! + ((b[0]! - a[0]!) * k) / steps, a[1]! + ((b[1]! - a[1]!) * k) / steps];
        const to = [a[0]! + ((b[0]! - a[0]!) * (k + 1)) / steps, a[1]! + ((b[1]! - a[1]!) * (k + 1)) / steps];
        const piece = metres / steps;
        totalM += piece;
        if (covered([(from[0]! + to[0]!) / 2, (from[1]! + to[1]!) / 2])) {
          coveredM += piece;
          if (open) stretches.push(open);
          open = undefined;
        } else if (open) open.push(to);
        else open = [from, to];
      }
    }
    if (open) stretches.push(open);
  }
  const kept = stretches.filter((stretch) => stretch.length > 2 || metresBetween(stretch[0]!, stretch[stretch.length - 1]!) >= stepM);
  return {
    coveredShare: totalM > 0 ? round4(coveredM / totalM) : 0,
    totalM,
    coveredM,
    uncovered: kept.length > 0 ? { type: 'MultiLineString', coordinates: kept } : null,
  };
}
