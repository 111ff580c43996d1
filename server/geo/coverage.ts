/**
 * How camera fields of view (see sector.ts) cover grids. Areas are turf's spherical areas;
 * shares are ratios of them, so the choice of Earth model cancels out.
 */
import { area, bbox, booleanPointInPolygon, difference, feature, featureCollection, intersect } from '@turf/turf';
import type { BBox, MultiPolygon, Polygon, Position } from 'geojson';

export interface GridShape {
  code: string;
  geometry: Polygon | MultiPolygon;
}

export interface SectorShare {
  gridCode: string;
  /** Share of the sector's area inside the grid, 0–1, rounded to 4 decimals. */
  share: number;
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

/** How much of a grid the cameras see, and where they do not. */
export function gridCameraCoverage(grid: Polygon | MultiPolygon, sectors: readonly Polygon[]): GridCoverage {
  const gridArea = area(grid);
  const blind = unseen(grid, sectors);
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
