/**
 * Stage 3 — cuts: a block holding more households than one grid may have, with no mapped line
 * inside to follow, is cut between its buildings (split.ts) into pieces of about a quarter of
 * the target range, so that the grouping can pair them and combine them with neighbours. A
 * residential compound within the cap is one piece and is never cut.
 */
import type { PreparedBuilding, PreparedDivision } from '../prepare.js';
import { splitBlock, type SplitItem } from '../split.js';
import { pointInPolygon } from '../polygon.js';
import type { TaggedLine, XY } from '../types.js';
import type { Blocks } from './blocks.js';

/** Households of each compound, by name. */
export function compoundTotals(buildings: PreparedBuilding[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const building of buildings) {
    if (building.compound) totals.set(building.compound, (totals.get(building.compound) ?? 0) + building.households);
  }
  return totals;
}

/** The compound a building belongs to, when that compound fits in one grid and is kept whole. */
export function wholeCompoundOf(totals: Map<string, number>, max: number) {
  return (building: PreparedBuilding): string | undefined =>
    building.compound && (totals.get(building.compound) ?? 0) <= max ? building.compound : undefined;
}

export interface Cuts {
  lines: TaggedLine[];
  /** Cuts that found no gap between buildings (the building is then kept whole by joining). */
  throughBuildings: number;
}

/** Share of the minimum from which a block below it is cut in two. */
const NEARLY_FULL = 0.8;

/** Margin around a compound's buildings when it is cut out of its block. */
const COMPOUND_MARGIN_M = 1.5;

/** Convex hull (monotone chain) of points, counter-clockwise, closed. */
export function convexHull(points: XY[]): XY[] {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cross = (o: XY, a: XY, b: XY) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const half = (list: XY[]) => {
    const out: XY[] = [];
    for (const p of list) {
      while (out.length >= 2 && cross(out[out.length - 2], out[out.length - 1], p) <= 0) out.pop();
      out.push(p);
    }
    out.pop();
    return out;
  };
  const hull = [...half(sorted), ...half([...sorted].reverse())];
  return hull.length > 0 ? [...hull, hull[0]] : hull;
}

/** The hull of a compound's buildings grown by `margin` (each vertex pushed out from the centre). */
function compoundOutline(vertices: XY[], margin: number): XY[] {
  const hull = convexHull(vertices);
  if (hull.length < 4) return [];
  const cx = hull.slice(1).reduce((sum, p) => sum + p[0], 0) / (hull.length - 1);
  const cy = hull.slice(1).reduce((sum, p) => sum + p[1], 0) / (hull.length - 1);
  return hull.map(([x, y]) => {
    const d = Math.hypot(x - cx, y - cy) || 1;
    return [x + ((x - cx) / d) * margin, y + ((y - cy) / d) * margin] as XY;
  });
}

export function cutOverfullBlocks(prepared: PreparedDivision, blocks: Blocks): Cuts {
  const { minHouseholds: min, maxHouseholds: max } = prepared;
  const wholeCompound = wholeCompoundOf(compoundTotals(prepared.buildings), max);
  const itemsByFace = new Map<number, SplitItem[]>();
  const compoundItems = new Map<string, SplitItem>();
  const compoundOfItem = new Set<SplitItem>();
  prepared.buildings.forEach((building, i) => {
    const face = blocks.faceOf[i];
    if (face < 0 || blocks.roles[face].kind !== 'block') return;
    const list = itemsByFace.get(face) ?? [];
    const compound = wholeCompound(building) && `${face}/${building.compound}`;
    if (compound && compoundItems.has(compound)) {
      const item = compoundItems.get(compound)!;
      item.households += building.households;
      item.vertices.push(...building.vertices);
      return;
    }
    const item: SplitItem = { households: building.households, point: building.point, vertices: [...building.vertices] };
    if (compound) {
      compoundItems.set(compound, item);
      compoundOfItem.add(item);
    }
    list.push(item);
    itemsByFace.set(face, list);
  });
  // A compound's blocks are joined into one unit (it is kept whole): where they hold more than
  // the cap with the other buildings in them, the compound is cut out of each of them too.
  const facesOfCompound = new Map<string, Set<number>>();
  const householdsOfFace = new Map<number, number>();
  for (const [face, items] of itemsByFace) householdsOfFace.set(face, items.reduce((sum, item) => sum + item.households, 0));
  for (const key of compoundItems.keys()) {
    const slash = key.indexOf('/');
    const name = key.slice(slash + 1);
    facesOfCompound.set(name, (facesOfCompound.get(name) ?? new Set()).add(Number(key.slice(0, slash))));
  }
  const joinedOverfull = new Set<number>();
  for (const faces of facesOfCompound.values()) {
    if (faces.size < 2) continue;
    const total = [...faces].reduce((sum, f) => sum + (householdsOfFace.get(f) ?? 0), 0);
    if (total > max) for (const f of faces) joinedOverfull.add(f);
  }
  const lines: TaggedLine[] = [];
  let throughBuildings = 0;
  for (const [face, items] of itemsByFace) {
    const households = householdsOfFace.get(face)!;
    if ((households <= max && households < NEARLY_FULL * min && !joinedOverfull.has(face)) || (households >= min && households <= max && !joinedOverfull.has(face)) || items.length < 2) continue;
    // A compound among other buildings that no straight cut passes beside is cut out along its
    // own outline: a cut through it would join the pieces back (compounds are kept whole) into
    // a unit over the cap. The rest of the block is cut next round.
    const polygon = blocks.sub.faces[face].polygon;
    const outlines = () =>
      items
        .filter((item) => compoundOfItem.has(item))
        .map((item) => compoundOutline(item.vertices, COMPOUND_MARGIN_M))
        .filter((ring) => ring.length > 0 && ring.every((p, k) => pointInPolygon(p, polygon) && (k === 0 || pointInPolygon([(p[0] + ring[k - 1][0]) / 2, (p[1] + ring[k - 1][1]) / 2], polygon))));
    if (joinedOverfull.has(face) && households <= max) {
      for (const ring of outlines()) lines.push({ coords: ring, kind: 'cut' });
      continue;
    }
    // A block just below the minimum is cut in two as well: two of them (2 × 288) make no grid,
    // their halves combine with their neighbours (3 × 384).
    const nearlyFull = households >= NEARLY_FULL * min && households < min;
    if (nearlyFull) {
      const split = splitBlock(polygon, items, 2);
      lines.push(...split.lines);
      throughBuildings += split.throughBuildings;
      continue;
    }
    if (households <= max) continue;
    // Pieces of half the target size (at most half the cap) give the grouping room to pair
    // them and to combine them with neighbours: a block of 516 is better as 344 + 172 joined
    // elsewhere than as 258 + 258, and a large block without roads pairs into ≈ target grids.
    const parts = Math.ceil(households / ((min + max) / 4));
    const split = splitBlock(polygon, items, parts);
    const rings = split.throughBuildings > 0 ? outlines() : [];
    if (rings.length > 0) {
      for (const ring of rings) lines.push({ coords: ring, kind: 'cut' });
      continue;
    }
    lines.push(...split.lines);
    throughBuildings += split.throughBuildings;
  }
  return { lines, throughBuildings };
}
