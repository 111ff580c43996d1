/**
 * Two naive divisions the auto-division is measured against (see metrics.ts). Neither looks at
 * roads, rivers or compounds; they only balance households (k-means) or area (hexagons):
 *
 * - kmeansVoronoi: weighted k-means of building representative points (weights = households),
 *   then the Voronoi cells of the k centres clipped to the area.
 * - hexBinning: the H3 cells covering the area at the resolution whose average cell area is
 *   closest to area ÷ k, clipped to the area.
 *
 * k = round(total households ÷ ((min + max) / 2)), at least 1, where total households are those
 * of buildings whose representative point lies in the area. Both return grids in lon/lat that
 * tile the area, with `households` counted by the same assignment as metrics.ts (the grid
 * containing a building's representative point). Geometry work is done in the area's local
 * metre projection (project.ts), so Voronoi cells are true nearest-centre cells on the ground.
 * Deterministic (k-means from a seeded PRNG). Pure: no I/O.
 */
import { featureCollection, intersect, point, voronoi } from '@turf/turf';
import { cellToBoundary, getHexagonAreaAvg, latLngToCell, polygonToCellsExperimental, POLYGON_TO_CELLS_FLAGS } from 'h3-js';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import type { LocalProjection } from './project.js';
import type { PlanarPolygon, XY } from './types.js';
import { seededRandom } from '../random.js';
import {
  areaProjection,
  planarBuildings,
  PolygonLocator,
  polygonsArea,
  projectPolygonal,
  type MetricsInput,
  unprojectPolygonal,
  type PlanarBuilding,
} from './metrics.js';

export type BaselineInput = Pick<MetricsInput, 'area' | 'buildings' | 'minHouseholds' | 'maxHouseholds'>;
export type BaselineGrid = Feature<Polygon | MultiPolygon, { households: number; kind: 'basic' }>;

/** Clips smaller than this (m²) are dropped as empty. */
const MIN_CELL_M2 = 0.01;
const MAX_ITERATIONS = 50;

/** Number of grids a division of `households` should have: round(households ÷ mid-range), at least 1. */
export function targetGridCount(households: number, minHouseholds: number, maxHouseholds: number): number {
  const mid = (minHouseholds + maxHouseholds) / 2;
  return Math.max(1, Math.round(mid > 0 ? households / mid : 1));
}

export { seededRandom };

interface Prepared {
  proj: LocalProjection;
  areaPolys: PlanarPolygon[];
  areaFeature: Feature<Polygon | MultiPolygon>;
  /** Buildings whose representative point is in the area. */
  buildings: PlanarBuilding[];
  households: number;
  k: number;
}

function prepare(input: BaselineInput): Prepared {
  const proj = areaProjection(input.area);
  const areaPolys = projectPolygonal(input.area, proj);
  const areaLocator = new PolygonLocator([areaPolys]);
  const buildings = planarBuildings(input.buildings, proj).filter((b) => areaLocator.locate(b.point[0], b.point[1]) === 0);
  const households = buildings.reduce((s, b) => s + b.households, 0);
  return {
    proj,
    areaPolys,
    areaFeature: planarFeature(areaPolys),
    buildings,
    households,
    k: targetGridCount(households, input.minHouseholds, input.maxHouseholds),
  };
}

function planarFeature(polys: PlanarPolygon[]): Feature<Polygon | MultiPolygon> {
  const coords = polys.map((p) => [p.outer, ...p.holes] as Position[][]);
  return {
    type: 'Feature',
    properties: {},
    geometry: coords.length === 1 ? { type: 'Polygon', coordinates: coords[0] } : { type: 'MultiPolygon', coordinates: coords },
  };
}

/** planar polygon(s) ∩ the area, as planar polygons; [] when they do not meet. */
function clipToArea(cell: Feature<Polygon>, prep: Prepared): PlanarPolygon[] {
  const clipped = intersect(featureCollection<Polygon | MultiPolygon>([cell, prep.areaFeature]));
  if (!clipped) return [];
  const g = clipped.geometry;
  const polys = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates).map((rings) => ({
    outer: rings[0] as XY[],
    holes: rings.slice(1) as XY[][],
  }));
  return polygonsArea(polys) < MIN_CELL_M2 ? [] : polys;
}

/**
 * Grids from planar cells: households by representative point; a building in the area that
 * falls in no cell through rounding at a shared edge goes to `fallback(building)`.
 */
function toGrids(cells: PlanarPolygon[][], prep: Prepared, fallback: (b: PlanarBuilding) => number): BaselineGrid[] {
  const locator = new PolygonLocator(cells);
  const households = new Array<number>(cells.length).fill(0);
  for (const b of prep.buildings) {
    let c = locator.locate(b.point[0], b.point[1]);
    if (c < 0) c = fallback(b);
    if (c >= 0) households[c] += b.households;
  }
  return cells.map((polys, i) => ({
    type: 'Feature',
    properties: { households: households[i], kind: 'basic' },
    geometry: unprojectPolygonal(polys, prep.proj),
  }));
}

function wholeArea(prep: Prepared): BaselineGrid[] {
  return toGrids([prep.areaPolys], prep, () => 0);
}

// ---------------------------------------------------------------------------------------------
// Weighted k-means + Voronoi
// ---------------------------------------------------------------------------------------------

/**
 * Weighted k-means (k-means++ seeding from a seeded PRNG, then ≤ 50 Lloyd iterations) of points
 * with positive weights. Returns distinct centres (fewer than k when there are fewer distinct points).
 */
export function weightedKMeans(points: XY[], weights: number[], k: number, seed: number): XY[] {
  const n = points.length;
  if (n === 0) return [];
  const random = seededRandom(seed);
  const pick = (score: Float64Array): number => {
    let total = 0;
    for (let i = 0; i < n; i++) total += score[i];
    if (!(total > 0)) return -1;
    let r = random() * total;
    for (let i = 0; i < n; i++) {
      r -= score[i];
      if (r < 0 && score[i] > 0) return i;
    }
    for (let i = n - 1; i >= 0; i--) if (score[i] > 0) return i;
    return -1;
  };

  // k-means++: first centre ∝ weight, then ∝ weight × squared distance to the nearest centre.
  const centres: XY[] = [];
  const d2 = new Float64Array(n).fill(Infinity);
  const score = new Float64Array(n);
  for (let i = 0; i < n; i++) score[i] = weights[i];
  while (centres.length < k) {
    const i = pick(score);
    if (i < 0) break;
    const c: XY = [points[i][0], points[i][1]];
    centres.push(c);
    for (let j = 0; j < n; j++) {
      const d = (points[j][0] - c[0]) ** 2 + (points[j][1] - c[1]) ** 2;
      if (d < d2[j]) d2[j] = d;
      score[j] = weights[j] * d2[j];
    }
  }

  // Lloyd iterations.
  const m = centres.length;
  const label = new Int32Array(n).fill(-1);
  const sx = new Float64Array(m);
  const sy = new Float64Array(m);
  const sw = new Float64Array(m);
  for (let iter = 0; iter < MAX_ITERATIONS; iter++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const [x, y] = points[i];
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < m; c++) {
        const d = (x - centres[c][0]) ** 2 + (y - centres[c][1]) ** 2;
        if (d < bestD) {
          bestD = d;
          best = c;
        }
      }
      if (label[i] !== best) {
        label[i] = best;
        changed++;
      }
    }
    if (changed === 0 && iter > 0) break;
    sx.fill(0);
    sy.fill(0);
    sw.fill(0);
    for (let i = 0; i < n; i++) {
      const c = label[i];
      sx[c] += weights[i] * points[i][0];
      sy[c] += weights[i] * points[i][1];
      sw[c] += weights[i];
    }
    // An emptied cluster keeps its centre.
    for (let c = 0; c < m; c++) if (sw[c] > 0) centres[c] = [sx[c] / sw[c], sy[c] / sw[c]];
  }

  // Voronoi needs distinct sites.
  const seen = new Set<string>();
  return centres.filter((c) => {
    const key = `${c[0]},${c[1]}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function kmeansVoronoi(input: BaselineInput, { seed = 1 }: { seed?: number } = {}): BaselineGrid[] {
  const prep = prepare(input);
  const weighted = prep.buildings.filter((b) => b.households > 0);
  const centres = weightedKMeans(
    weighted.map((b) => b.point),
    weighted.map((b) => b.households),
    prep.k,
    seed,
  );
  if (centres.length <= 1) return wholeArea(prep);

  // Voronoi in metres over a box a bit larger than the area and the centres.
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of prep.areaPolys) for (const [x, y] of p.outer) [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
  for (const [x, y] of centres) [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
  const margin = 100 + 0.1 * Math.max(x1 - x0, y1 - y0);
  const cells = voronoi(featureCollection(centres.map((c) => point(c))), {
    bbox: [x0 - margin, y0 - margin, x1 + margin, y1 + margin],
  });

  const kept: PlanarPolygon[][] = [];
  const keptCentres: XY[] = [];
  cells.features.forEach((cell, i) => {
    if (!cell) return;
    const clipped = clipToArea(cell, prep);
    if (clipped.length) {
      kept.push(clipped);
      keptCentres.push(centres[i]);
    }
  });
  const nearestCentre = (b: PlanarBuilding): number => {
    let best = -1;
    let bestD = Infinity;
    keptCentres.forEach((c, i) => {
      const d = (b.point[0] - c[0]) ** 2 + (b.point[1] - c[1]) ** 2;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    });
    return best;
  };
  return toGrids(kept, prep, nearestCentre);
}

// ---------------------------------------------------------------------------------------------
// H3 hexagons
// ---------------------------------------------------------------------------------------------

/** H3 resolution whose average cell area is closest (by ratio) to `targetM2`. */
export function h3ResolutionFor(targetM2: number): number {
  let best = 0;
  let bestScore = Infinity;
  for (let res = 0; res <= 15; res++) {
    const score = Math.abs(Math.log(getHexagonAreaAvg(res, 'm2') / targetM2));
    if (score < bestScore) {
      bestScore = score;
      best = res;
    }
  }
  return best;
}

export function hexBinning(input: BaselineInput): BaselineGrid[] {
  const prep = prepare(input);
  const res = h3ResolutionFor(polygonsArea(prep.areaPolys) / prep.k);

  // Every cell that overlaps the area (not only those whose centre is in it).
  const parts = input.area.type === 'Polygon' ? [input.area.coordinates] : input.area.coordinates;
  const ids = new Set<string>();
  for (const rings of parts) {
    for (const h of polygonToCellsExperimental(rings, res, POLYGON_TO_CELLS_FLAGS.containmentOverlapping, true)) ids.add(h);
  }
  const sorted = [...ids].sort();

  const kept: PlanarPolygon[][] = [];
  const keptIds = new Map<string, number>();
  for (const h of sorted) {
    const ring = cellToBoundary(h, true).map((p) => prep.proj.forward(p));
    const first = ring[0];
    const last = ring[ring.length - 1];
    if (first[0] !== last[0] || first[1] !== last[1]) ring.push([first[0], first[1]]);
    const clipped = clipToArea({ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [ring] } }, prep);
    if (clipped.length) {
      keptIds.set(h, kept.length);
      kept.push(clipped);
    }
  }
  const cellOf = (b: PlanarBuilding): number => {
    const [lon, lat] = prep.proj.inverse(b.point);
    return keptIds.get(latLngToCell(lat, lon, res)) ?? -1;
  };
  return toGrids(kept, prep, cellOf);
}
