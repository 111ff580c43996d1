/**
 * Auto-division: proposes management grids of [min, max] households whose borders follow
 * roads, rivers and ridges. The stages, each in its own module:
 *
 * 1. prepare   — project the input to local metres; check the buildings lie in the area.
 * 2. polygonize — the area outline, barriers, water and special outlines → blocks (planar faces).
 * 3. split     — blocks holding more than `max` households get cuts between their buildings.
 * 4. units     — blocks joined where a building or a compound (≤ max) spans their border.
 * 5. aggregate — units grouped into grids, smallest first, preferring weak borders.
 * 6. assemble  — grid outlines dissolved from their blocks, numbered, flagged.
 *
 * See docs/division.md for the method and its trade-offs.
 */
import Flatbush from 'flatbush';
import type { Feature, LineString, MultiPolygon, Polygon, Position } from 'geojson';
import { readingOrder } from '../order.js';
import { adjacency, dissolve, polygonize, type Subdivision } from './planar.js';
import { insideAny, type PreparedDivision } from './prepare.js';
import { anchorKey, pointInPolygon, representativePoint } from './polygon.js';
import { splitBlock, type SplitItem } from './split.js';
import { polygonsArea } from './polygon.js';
import { aggregate, STRONG_KINDS, type Unit, type UnitLink } from './aggregate.js';
import type { EdgeKind, PlanarPolygon, XY } from './types.js';
import { text, type Text } from '../../i18n/catalogue.js';

export interface Flag {
  code: 'above_max' | 'below_min' | 'crosses_barrier' | 'not_contiguous';
  message: Text;
}

export interface ProposalGridProperties {
  number: string;
  kind: 'basic' | 'special';
  specialType: string | null;
  name: string | null;
  /** A special grid that is already live and is kept as it is: its code (absent otherwise). */
  code?: string;
  households: number;
  buildings: number;
  flags: Flag[];
}

export type ProposalGrid = Feature<Polygon | MultiPolygon, ProposalGridProperties>;

export interface Proposal {
  grids: ProposalGrid[];
  /** Where a grid contains a major road, river, water edge or rail, and why. */
  crossings: Feature<LineString, { gridNumber: string; kind: EdgeKind; lengthM: number; reason: Text }>[];
  /** Which grid (index into grids) each input building went to, by request index (-1: none). */
  gridOfBuilding: Map<number, number>;
  /** Internal border length, and the part of it cut through blocks with no mapped line. */
  internalBorderM: number;
  cutBorderM: number;
  /** Cuts that could not find a gap between buildings (the building is then kept whole by merging). */
  cutsThroughBuildings: number;
}

export type Progress = (fraction: number, stage: string) => void;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

type FaceRole = { kind: 'outside' } | { kind: 'water' } | { kind: 'special'; special: number } | { kind: 'block' };

function classifyFaces(sub: Subdivision, prepared: PreparedDivision): FaceRole[] {
  return sub.faces.map((face) => {
    const p = face.interiorPoint;
    if (!insideAny(p, prepared.area)) return { kind: 'outside' };
    const special = prepared.specials.findIndex((s) => insideAny(p, s.polygons));
    if (special >= 0) return { kind: 'special', special };
    if (insideAny(p, prepared.water)) return { kind: 'water' };
    return { kind: 'block' };
  });
}

/** Finds the face containing a point: the smallest one (a face's hole may hold another face), or -1. */
function faceLocator(sub: Subdivision): (p: XY) => number {
  if (sub.faces.length === 0) return () => -1;
  const index = new Flatbush(sub.faces.length);
  for (const face of sub.faces) {
    let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const [x, y] of face.polygon.outer) {
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x);
      maxY = Math.max(maxY, y);
    }
    index.add(minX, minY, maxX, maxY);
  }
  index.finish();
  return (p) => {
    let best = -1;
    for (const face of index.search(p[0], p[1], p[0], p[1])) {
      if (pointInPolygon(p, sub.faces[face].polygon) && (best < 0 || sub.faces[face].area < sub.faces[best].area)) best = face;
    }
    return best;
  };
}

class UnionFind {
  parent: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n).map((_, i) => i);
  }
  find(x: number): number {
    while (this.parent[x] !== x) {
      this.parent[x] = this.parent[this.parent[x]];
      x = this.parent[x];
    }
    return x;
  }
  union(a: number, b: number): void {
    this.parent[this.find(a)] = this.find(b);
  }
}

export async function divide(prepared: PreparedDivision, onProgress: Progress = () => {}): Promise<Proposal> {
  const { minHouseholds: min, maxHouseholds: max } = prepared;
  onProgress(0.05, 'polygonize');
  let sub = polygonize(prepared.lines);
  await yieldToEventLoop();
  let roles = classifyFaces(sub, prepared);
  let locate = faceLocator(sub);
  let faceOf = Int32Array.from(prepared.buildings, (building) => locate(building.point));

  // Split over-full blocks between their buildings (a compound within the cap stays one piece).
  onProgress(0.25, 'split');
  const cuts: typeof prepared.lines = [];
  let cutsThroughBuildings = 0;
  const itemsByFace = new Map<number, SplitItem[]>();
  const compoundItems = new Map<string, SplitItem>();
  const compoundTotals = new Map<string, number>();
  for (const building of prepared.buildings) {
    if (building.compound) compoundTotals.set(building.compound, (compoundTotals.get(building.compound) ?? 0) + building.households);
  }
  /** The compound a building belongs to, when that compound fits in one grid and is kept whole. */
  const wholeCompound = (building: PreparedDivision['buildings'][number]) =>
    building.compound && (compoundTotals.get(building.compound) ?? 0) <= max ? building.compound : undefined;
  prepared.buildings.forEach((building, i) => {
    const face = faceOf[i];
    if (face < 0 || roles[face].kind !== 'block') return;
    const list = itemsByFace.get(face) ?? [];
    const compound = wholeCompound(building) && `${face}/${building.compound}`;
    if (compound && compoundItems.has(compound)) {
      const item = compoundItems.get(compound)!;
      item.households += building.households;
      item.vertices.push(...building.vertices);
      return;
    }
    const item: SplitItem = { households: building.households, point: building.point, vertices: [...building.vertices] };
    if (compound) compoundItems.set(compound, item);
    list.push(item);
    itemsByFace.set(face, list);
  });
  for (const [face, items] of itemsByFace) {
    const households = items.reduce((sum, item) => sum + item.households, 0);
    if (households <= max || items.length < 2) continue;
    // Pieces of half the target size (at most half the cap) give the grouping room to pair
    // them and to combine them with neighbours: a block of 516 is better as 344 + 172 joined
    // elsewhere than as 258 + 258, and a large block without roads pairs into ≈ target grids.
    const parts = Math.ceil(households / ((min + max) / 4));
    const split = splitBlock(sub.faces[face].polygon, items, parts);
    cuts.push(...split.lines);
    cutsThroughBuildings += split.throughBuildings;
  }
  if (cuts.length > 0) {
    sub = polygonize([...prepared.lines, ...cuts]);
    roles = classifyFaces(sub, prepared);
    locate = faceLocator(sub);
    faceOf = Int32Array.from(prepared.buildings, (building) => locate(building.point));
  }
  await yieldToEventLoop();

  // Units: blocks joined where one building or one compound within the cap spans them.
  onProgress(0.45, 'units');
  const faces = sub.faces;
  const links = new UnionFind(faces.length);
  const compoundFace = new Map<string, number>();
  prepared.buildings.forEach((building, i) => {
    const face = faceOf[i];
    if (face < 0 || roles[face].kind !== 'block') return;
    const compound = wholeCompound(building);
    if (compound) {
      const first = compoundFace.get(compound);
      if (first === undefined) compoundFace.set(compound, face);
      else links.union(first, face);
    }
    // A footprint vertex outside its own block means the footprint crosses into another. Only
    // homes bind blocks together: a station or a campus outline drawn over the roads around it
    // (common in OSM) would otherwise weld whole neighbourhoods into one unit.
    if (building.households === 0) return;
    for (const vertex of building.vertices) {
      if (pointInPolygon(vertex, faces[face].polygon)) continue;
      const other = locate(vertex);
      if (other >= 0 && roles[other].kind === 'block') links.union(face, other);
    }
  });

  const blockFaces = faces.filter((_, f) => roles[f].kind === 'block').map((f) => f.id);
  const unitOfFace = new Int32Array(faces.length).fill(-1);
  const unitIds = new Map<number, number>();
  for (const f of blockFaces) {
    const root = links.find(f);
    if (!unitIds.has(root)) unitIds.set(root, unitIds.size);
    unitOfFace[f] = unitIds.get(root)!;
  }
  const units: Unit[] = Array.from({ length: unitIds.size }, () => ({ households: 0, area: 0, perimeter: 0 }));
  for (const f of blockFaces) {
    units[unitOfFace[f]].area += faces[f].area;
  }
  for (const edge of sub.edges) {
    if (edge.left === edge.right) continue;
    for (const side of [edge.left, edge.right]) {
      if (side >= 0 && unitOfFace[side] >= 0) units[unitOfFace[side]].perimeter += edge.length;
    }
  }
  const unitLinks = new Map<string, UnitLink>();
  for (const pair of adjacency(sub)) {
    const a = unitOfFace[pair.a];
    const b = unitOfFace[pair.b];
    if (a < 0 || b < 0) continue;
    if (a === b) {
      units[a].perimeter -= 2 * pair.length;
      continue;
    }
    const key = a < b ? `${a}/${b}` : `${b}/${a}`;
    const link = unitLinks.get(key) ?? { a: Math.min(a, b), b: Math.max(a, b), lengthByKind: {}, length: 0 };
    link.length += pair.length;
    for (const [kind, length] of Object.entries(pair.lengthByKind)) {
      link.lengthByKind[kind as EdgeKind] = (link.lengthByKind[kind as EdgeKind] ?? 0) + (length ?? 0);
    }
    unitLinks.set(key, link);
  }
  prepared.buildings.forEach((building, i) => {
    const face = faceOf[i];
    if (face >= 0 && unitOfFace[face] >= 0) units[unitOfFace[face]].households += building.households;
  });
  await yieldToEventLoop();

  onProgress(0.6, 'aggregate');
  const aggregation = aggregate(units, [...unitLinks.values()], { min, max });
  await yieldToEventLoop();

  // Groups for dissolving: basic grids first, then one group per special.
  onProgress(0.8, 'assemble');
  const basicCount = aggregation.clusters.length;
  const groupOf = new Int32Array(faces.length).fill(-1);
  faces.forEach((_, f) => {
    const role = roles[f];
    if (role.kind === 'block') groupOf[f] = aggregation.clusterOf[unitOfFace[f]];
    else if (role.kind === 'special') groupOf[f] = basicCount + role.special;
  });
  const outlines = dissolve(sub, groupOf);
  const groupCount = basicCount + prepared.specials.length;

  const households = new Array<number>(groupCount).fill(0);
  const buildingCounts = new Array<number>(groupCount).fill(0);
  const groupOfBuilding = new Map<number, number>();
  prepared.buildings.forEach((building, i) => {
    const face = faceOf[i];
    const group = face >= 0 ? groupOf[face] : -1;
    groupOfBuilding.set(building.index, group);
    if (group >= 0) {
      households[group] += building.households;
      buildingCounts[group]++;
    }
  });

  const toLonLat = (ring: XY[]): Position[] =>
    ring.map((p) => {
      const anchor = prepared.anchors.get(anchorKey(p));
      if (anchor) return anchor;
      // 9 decimals (0.1 mm): a vertex on the area's edge stays on it, where 7 decimals (1 cm)
      // would leave slivers along a stored boundary of higher precision.
      const [lon, lat] = prepared.projection.inverse(p);
      return [Math.round(lon * 1e9) / 1e9, Math.round(lat * 1e9) / 1e9];
    });
  const geometryOf = (polygons: PlanarPolygon[]): Polygon | MultiPolygon =>
    polygons.length === 1
      ? { type: 'Polygon', coordinates: [toLonLat(polygons[0].outer), ...polygons[0].holes.map(toLonLat)] }
      : { type: 'MultiPolygon', coordinates: polygons.map((p) => [toLonLat(p.outer), ...p.holes.map(toLonLat)]) };

  // Reading order (west→east, north→south) numbers basic grids 001… and specials 900….
  const present = Array.from({ length: groupCount }, (_, g) => g).filter((g) => (outlines[g] ?? []).length > 0);
  const placed = present.map((g) => {
    const polygons = outlines[g];
    const largest = polygons.reduce((a, b) => (polygonsArea([b]) > polygonsArea([a]) ? b : a));
    const [x, y] = representativePoint([largest])!;
    const ys = polygons.flatMap((p) => p.outer.map((q) => q[1]));
    return { g, x, y, height: Math.max(...ys) - Math.min(...ys) };
  });
  const numberOf = new Map<number, string>();
  for (const special of [false, true]) {
    const subset = placed.filter((p) => (p.g >= basicCount) === special);
    readingOrder(subset).forEach((position, i) => numberOf.set(subset[position].g, String((special ? 900 : 1) + i).padStart(3, '0')));
  }

  // Interior edges of strong barriers: the crossings, with the reason recorded at the merge.
  const crossings: Proposal['crossings'] = [];
  const crossingByGroup = new Map<number, Map<EdgeKind, number>>();
  for (const edge of sub.edges) {
    // Interior: the same grid on both sides (a dangling line inside a grid has the same face on both).
    if (edge.left < 0 || edge.right < 0) continue;
    if (groupOf[edge.left] < 0 || groupOf[edge.left] !== groupOf[edge.right]) continue;
    const strong = edge.kinds.filter((kind) => STRONG_KINDS.includes(kind));
    if (strong.length === 0) continue;
    const group = groupOf[edge.left];
    const byKind = crossingByGroup.get(group) ?? new Map<EdgeKind, number>();
    for (const kind of strong) byKind.set(kind, (byKind.get(kind) ?? 0) + edge.length);
    crossingByGroup.set(group, byKind);
    const sameUnit = edge.left !== edge.right && unitOfFace[edge.left] === unitOfFace[edge.right];
    const reasons = group < basicCount ? aggregation.clusters[group].crossReasons : [];
    crossings.push({
      type: 'Feature',
      geometry: { type: 'LineString', coordinates: toLonLat([edge.a, edge.b]) },
      properties: {
        gridNumber: numberOf.get(group) ?? '',
        kind: strong[0],
        lengthM: edge.length,
        reason:
          edge.left === edge.right
            ? text('crossing.dead_end')
            : sameUnit
              ? text('crossing.same_unit')
              : reasons.length === 1
                ? text(reasons[0])
                : reasons.length > 1
                  ? text('crossing.several', { reasons: reasons.map((reason) => text(reason)) })
                  : text('crossing.joined'),
      },
    });
  }

  const grids: ProposalGrid[] = [];
  const gridIndexOfGroup = new Map<number, number>();
  const sorted = [...present].sort((a, b) => numberOf.get(a)!.localeCompare(numberOf.get(b)!));
  for (const g of sorted) {
    const special = g >= basicCount ? prepared.specials[g - basicCount] : undefined;
    const flags: Flag[] = [];
    const h = households[g];
    if (!special && h > max) {
      flags.push({ code: 'above_max', message: text('flag.above_max', { households: h, max }) });
    }
    if (!special && h < min) {
      flags.push({
        code: 'below_min',
        message: basicCount === 1 ? text('flag.below_min_area', { households: h, min }) : text('flag.below_min', { households: h, min, max }),
      });
    }
    for (const [kind, length] of crossingByGroup.get(g) ?? []) {
      flags.push({ code: 'crosses_barrier', message: text('flag.crosses_barrier', { length: length.toFixed(0), kind: text(`edge.${kind}`) }) });
    }
    if (outlines[g].length > 1) {
      flags.push({ code: 'not_contiguous', message: text('flag.not_contiguous', { parts: outlines[g].length }) });
    }
    gridIndexOfGroup.set(g, grids.length);
    grids.push({
      type: 'Feature',
      geometry: geometryOf(outlines[g]),
      properties: {
        number: numberOf.get(g)!,
        kind: special ? 'special' : 'basic',
        specialType: special?.specialType ?? null,
        name: special?.name ?? null,
        ...(special?.code ? { code: special.code } : {}),
        households: h,
        buildings: buildingCounts[g],
        flags,
      },
    });
  }

  let internalBorderM = 0;
  let cutBorderM = 0;
  for (const edge of sub.edges) {
    if (edge.left < 0 || edge.right < 0) continue;
    const a = groupOf[edge.left];
    const b = groupOf[edge.right];
    if (a < 0 || b < 0 || a === b) continue;
    internalBorderM += edge.length;
    if (edge.kinds.length === 1 && edge.kinds[0] === 'cut') cutBorderM += edge.length;
  }

  onProgress(1, 'done');
  return {
    grids,
    crossings,
    gridOfBuilding: new Map([...groupOfBuilding].map(([building, group]) => [building, group >= 0 ? (gridIndexOfGroup.get(group) ?? -1) : -1])),
    internalBorderM,
    cutBorderM,
    cutsThroughBuildings,
  };
}
