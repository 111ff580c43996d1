/**
 * From checked GeoJSON input to the planar world the division works in: everything projected
 * to local metres, polygons as rings with a fixed orientation, barrier lines clipped to the
 * neighbourhood of the area, each building reduced to what the division needs of it.
 */
import Flatbush from 'flatbush';
import type { Geometry, Position } from 'geojson';
import { anchorKey, pointInPolygon, polygonsBBox, projectPolygonal, representativePoint, ringArea, type BBox } from './polygon.js';
export { anchorKey };
import { localProjection, type LocalProjection } from './project.js';
import type { DivisionInput } from './input.js';
import type { BarrierKind, EdgeKind, PlanarPolygon, TaggedLine, XY } from './types.js';
import type { Problem } from '../validate.js';
import type { SpecialType } from '../codes.js';
import { readLandUse } from '../land-use-kinds.js';
import { DEFAULT_SPECIAL_CANDIDATE_RULE, type SpecialCandidateRule } from './stages/specials.js';
import { text } from '../../i18n/catalogue.js';

export interface PreparedBuilding {
  /** Position in the request. */
  index: number;
  households: number;
  compound: string | null;
  /** A point inside the footprint (or the address point). */
  point: XY;
  /** Footprint outline vertices (just `point` for an address point): used to keep it whole. */
  vertices: XY[];
  /** The outer ring of each part of the footprint, open (no repeated first point); [[point]] for a point. */
  outlines: XY[][];
  /** What the building (or the land it stands in) is used for, when its properties say (land-use-kinds.ts). */
  use?: SpecialType;
}

/** An outline that says what its land is used for (a park, a campus: land-use polygons among the barriers). */
export interface PreparedLandUse {
  polygons: PlanarPolygon[];
  specialType: SpecialType;
}

export interface PreparedSpecial {
  polygons: PlanarPolygon[];
  specialType: string;
  name: string | null;
  /** A live grid kept as it is (see SpecialInput.code). */
  code: string | null;
}

export interface PreparedKept {
  code: string;
  polygons: PlanarPolygon[];
}

export interface PreparedDivision {
  projection: LocalProjection;
  /** Grids kept as they are (an adjustment): their ground is not divided again. */
  kept: PreparedKept[];
  area: PlanarPolygon[];
  /** Areas grids need not cover (water). */
  water: PlanarPolygon[];
  specials: PreparedSpecial[];
  buildings: PreparedBuilding[];
  /** Every line the subdivision is built from: area outline, barriers, water and special outlines. */
  lines: TaggedLine[];
  minHouseholds: number;
  maxHouseholds: number;
  /** When large land without homes is proposed as a special grid (stages/specials.ts); null: never. */
  specialCandidates: SpecialCandidateRule | null;
  landUse: PreparedLandUse[];
  /**
   * The exact lon/lat of every vertex of the area, water and special outlines, by anchorKey of
   * its projected point: output vertices that fall on one get it back unchanged, so a proposal
   * shares its outline with the stored boundary to the last digit (no slivers).
   */
  anchors: Map<string, Position>;
}


/** Barrier lines further than this from the area cannot bound any of its blocks. */
const LINE_MARGIN_M = 50;

/**
 * A line that ends within this distance of another is joined to it. Roads taken from vector
 * tiles stop a few metres short where a tile was cut, and carriageways short of the road they
 * meet: left open, such a gap welds the blocks on the two sides of a road into one.
 */
export const GAP_M = 12;

/** Connectors (of the line's kind) from each open end of a barrier line to the nearest other line within GAP_M. */
export function closeGaps(lines: TaggedLine[]): TaggedLine[] {
  const segments: [XY, XY, number][] = [];
  lines.forEach((line, i) => {
    for (let k = 1; k < line.coords.length; k++) segments.push([line.coords[k - 1], line.coords[k], i]);
  });
  if (segments.length === 0) return [];
  const index = new Flatbush(segments.length);
  for (const [a, b] of segments) index.add(Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1]));
  index.finish();
  const nearest = (p: XY, own: number, within: number): { point: XY; distance: number } | undefined => {
    let best: { point: XY; distance: number } | undefined;
    for (const s of index.search(p[0] - within, p[1] - within, p[0] + within, p[1] + within)) {
      const [a, b, line] = segments[s];
      if (line === own) continue;
      const dx = b[0] - a[0];
      const dy = b[1] - a[1];
      const l2 = dx * dx + dy * dy;
      const t = l2 > 0 ? Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / l2)) : 0;
      const q: XY = [a[0] + t * dx, a[1] + t * dy];
      const distance = Math.hypot(q[0] - p[0], q[1] - p[1]);
      if (distance <= within && (!best || distance < best.distance)) best = { point: q, distance };
    }
    return best;
  };
  const connectors: TaggedLine[] = [];
  lines.forEach((line, i) => {
    if (line.kind === 'boundary' || line.kind === 'cut' || line.coords.length < 2) return;
    const first = line.coords[0];
    const last = line.coords[line.coords.length - 1];
    if (first[0] === last[0] && first[1] === last[1]) return; // a ring has no open end
    for (const end of [first, last]) {
      const near = nearest(end, i, GAP_M);
      if (!near || near.distance < 0.05) continue; // already meets a line (the noding joins it)
      connectors.push({ coords: [end, near.point], kind: line.kind, ...(line.name ? { name: line.name } : {}) });
    }
  });
  return connectors;
}


function polygonsOf(geometry: Geometry, projection: LocalProjection, anchors?: Map<string, Position>): PlanarPolygon[] {
  return geometry.type === 'Polygon' || geometry.type === 'MultiPolygon' ? projectPolygonal(geometry, projection, anchors) : [];
}

function linesOf(geometry: Geometry, projection: LocalProjection): XY[][] {
  switch (geometry.type) {
    case 'LineString':
      return [geometry.coordinates.map((p) => projection.forward(p))];
    case 'MultiLineString':
      return geometry.coordinates.map((line) => line.map((p) => projection.forward(p)));
    case 'Polygon':
    case 'MultiPolygon':
      return polygonsOf(geometry, projection).flatMap((polygon) => [polygon.outer, ...polygon.holes]);
    default:
      return [];
  }
}

export function insideAny(point: XY, polygons: PlanarPolygon[]): boolean {
  return polygons.some((polygon) => pointInPolygon(point, polygon));
}

type Box = BBox; // minX, minY, maxX, maxY

/** The runs of a polyline whose segments come near `box`; the rest cannot matter. */
function clipToBox(line: XY[], box: Box): XY[][] {
  const runs: XY[][] = [];
  let run: XY[] = [];
  for (let i = 1; i < line.length; i++) {
    const [ax, ay] = line[i - 1];
    const [bx, by] = line[i];
    const near = Math.max(ax, bx) >= box[0] && Math.min(ax, bx) <= box[2] && Math.max(ay, by) >= box[1] && Math.min(ay, by) <= box[3];
    if (near) {
      if (run.length === 0) run.push(line[i - 1]);
      run.push(line[i]);
    } else if (run.length > 0) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length > 1) runs.push(run);
  return runs;
}


export function prepareDivision(input: DivisionInput): { value: PreparedDivision; problems: Problem[] } {
  const problems: Problem[] = [];
  const lonLats = input.area.type === 'Polygon' ? input.area.coordinates[0] : input.area.coordinates.flatMap((p) => p[0]);
  const lons = lonLats.map((p) => p[0]);
  const lats = lonLats.map((p) => p[1]);
  const projection = localProjection((Math.min(...lons) + Math.max(...lons)) / 2, (Math.min(...lats) + Math.max(...lats)) / 2);

  const anchors = new Map<string, Position>();
  const area = polygonsOf(input.area, projection, anchors);
  const [minX, minY, maxX, maxY] = polygonsBBox(area);
  const near: Box = [minX - LINE_MARGIN_M, minY - LINE_MARGIN_M, maxX + LINE_MARGIN_M, maxY + LINE_MARGIN_M];

  const lines: TaggedLine[] = area.flatMap((polygon) => [polygon.outer, ...polygon.holes].map((coords) => ({ coords, kind: 'boundary' as EdgeKind })));
  const water: PlanarPolygon[] = [];
  for (const barrier of input.barriers) {
    if (barrier.kind === 'water' && (barrier.geometry.type === 'Polygon' || barrier.geometry.type === 'MultiPolygon')) {
      water.push(...polygonsOf(barrier.geometry, projection, anchors));
    }
    for (const line of linesOf(barrier.geometry, projection)) {
      for (const coords of clipToBox(line, near)) lines.push({ coords, kind: barrier.kind as BarrierKind, ...(barrier.name ? { name: barrier.name } : {}) });
    }
  }

  lines.push(...closeGaps(lines));

  const specials = input.specials.map((special) => ({
    polygons: polygonsOf(special.geometry, projection, anchors),
    specialType: special.specialType,
    name: special.name,
    code: special.code,
  }));
  const kept = (input.keep ?? []).map((grid) => ({ code: grid.code, polygons: polygonsOf(grid.geometry, projection, anchors) }));
  for (const special of [...specials, ...kept]) {
    for (const polygon of special.polygons) {
      for (const coords of [polygon.outer, ...polygon.holes]) lines.push({ coords, kind: 'boundary' });
    }
  }

  const buildings: PreparedBuilding[] = [];
  const outside: number[] = [];
  for (const building of input.buildings) {
    let point: XY;
    let vertices: XY[];
    let outlines: XY[][];
    if (building.geometry.type === 'Point') {
      point = projection.forward(building.geometry.coordinates);
      vertices = [point];
      outlines = [[point]];
    } else {
      const polygons = polygonsOf(building.geometry, projection);
      const largest = polygons.reduce((best, p) => (Math.abs(ringArea(p.outer)) > Math.abs(ringArea(best.outer)) ? p : best));
      point = representativePoint([largest])!;
      outlines = polygons.map((p) => p.outer.slice(1));
      vertices = outlines.flat();
    }
    if (!insideAny(point, area)) {
      outside.push(building.index);
      continue;
    }
    const use = building.households === 0 ? readLandUse(building.properties) : undefined;
    buildings.push({ index: building.index, households: building.households, compound: building.compound, point, vertices, outlines, ...(use ? { use } : {}) });
  }
  if (outside.length > 0) {
    problems.push({
      code: 'building_outside_area',
      message: text('building_outside_area', {
        count: outside.length,
        list: [...outside.slice(0, 10).map((index) => `buildings[${index}]`), ...(outside.length > 10 ? ['…'] : [])],
      }),
      details: { buildings: outside },
    });
  }
  // Absent (a caller that builds its input itself): the request's defaults; null: off.
  const rule = input.specialCandidates === undefined ? DEFAULT_SPECIAL_CANDIDATE_RULE : input.specialCandidates;
  const landUse = (input.landUse ?? []).map((use) => ({ polygons: polygonsOf(use.geometry, projection), specialType: use.specialType }));
  return {
    value: {
      projection,
      kept,
      area,
      water,
      specials,
      buildings,
      lines,
      minHouseholds: input.minHouseholds,
      maxHouseholds: input.maxHouseholds,
      specialCandidates: rule,
      landUse,
      anchors,
    },
    problems,
  };
}
