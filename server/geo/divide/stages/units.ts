/**
 * Stage 4 — units: the pieces the grouping moves around. Blocks are joined where one home (a
 * building with households) or one compound within the cap spans their border, so that no
 * building or compound is split. Non-residential outlines (a metro station drawn over a
 * roundabout) do not join blocks.
 *
 * A unit without buildings, narrow (mean width ≤ ROAD_SPACE_WIDTH_M) and bounded mostly by
 * major roads is road space: the strip between the two carriageways of a dual carriageway, or
 * the box of a junction. It belongs to no side; the grouping leaves it out and hands it to a
 * grid at the end.
 */
import { adjacency } from '../planar.js';
import { pointInPolygon } from '../polygon.js';
import type { PreparedDivision } from '../prepare.js';
import type { EdgeKind } from '../types.js';
import { STRONG_KINDS } from '../aggregate.js';
import type { Blocks } from './blocks.js';
import { compoundTotals, wholeCompoundOf } from './cuts.js';

export interface Unit {
  households: number;
  /** Buildings whose representative point lies in the unit (homes or not). */
  buildings: number;
  area: number;
  perimeter: number;
  /** Road space between carriageways or inside a junction (see the module comment). */
  roadSpace: boolean;
}

export interface UnitLink {
  a: number;
  b: number;
  /** Length of boundary the two units share (0 for units facing each other across road space). */
  length: number;
  /** The lines between them, by kind (a border across road space counts as major_road). */
  lengthByKind: Partial<Record<EdgeKind, number>>;
  /** Facing each other across road space, rather than sharing a border. */
  acrossRoadSpace?: boolean;
}

export interface Units {
  units: Unit[];
  /** Unit of each face, -1 for faces that are not blocks. */
  unitOfFace: Int32Array;
  links: UnitLink[];
}

/** Mean width (2 × area ÷ perimeter) up to which a unit without buildings can be road space. */
export const ROAD_SPACE_WIDTH_M = 50;
/** Share of its outline a road-space unit must have along major roads. */
const ROAD_SPACE_ROAD_SHARE = 0.5;

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

export function buildUnits(prepared: PreparedDivision, blocks: Blocks): Units {
  const { sub, roles, faceOf, locate } = blocks;
  const faces = sub.faces;
  const links = new UnionFind(faces.length);
  const wholeCompound = wholeCompoundOf(compoundTotals(prepared.buildings), prepared.maxHouseholds);
  const compoundFace = new Map<string, number>();
  // Faces apart only by weak lines (a path, a minor road, a wall, the division's own cut): any
  // building across them joins them back, whether it has homes or not, so that none is split.
  const weakApart = new Set<string>();
  const strongApart = new Set<string>();
  for (const edge of sub.edges) {
    if (edge.left < 0 || edge.right < 0 || edge.left === edge.right) continue;
    const key = `${Math.min(edge.left, edge.right)}/${Math.max(edge.left, edge.right)}`;
    if (edge.kinds.some((kind) => STRONG_KINDS.includes(kind))) strongApart.add(key);
    else weakApart.add(key);
  }
  prepared.buildings.forEach((building, i) => {
    const face = faceOf[i];
    if (face < 0 || roles[face].kind !== 'block') return;
    const compound = wholeCompound(building);
    if (compound) {
      const first = compoundFace.get(compound);
      if (first === undefined) compoundFace.set(compound, face);
      else links.union(first, face);
    }
    // A footprint vertex outside its own block means the footprint crosses into another. Homes
    // bind blocks together; other buildings only across weak lines: a station or a campus
    // outline drawn over the major roads around it (common in OSM) would otherwise weld whole
    // neighbourhoods into one unit.
    for (const vertex of building.vertices) {
      if (pointInPolygon(vertex, faces[face].polygon)) continue;
      const other = locate(vertex);
      if (other < 0 || roles[other].kind !== 'block') continue;
      const key = `${Math.min(face, other)}/${Math.max(face, other)}`;
      if (building.households > 0 || (weakApart.has(key) && !strongApart.has(key))) links.union(face, other);
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
  const units: Unit[] = Array.from({ length: unitIds.size }, () => ({ households: 0, buildings: 0, area: 0, perimeter: 0, roadSpace: false }));
  const majorRoad = new Float64Array(units.length);
  for (const f of blockFaces) units[unitOfFace[f]].area += faces[f].area;
  for (const edge of sub.edges) {
    if (edge.left === edge.right) continue;
    for (const side of [edge.left, edge.right]) {
      if (side < 0 || unitOfFace[side] < 0) continue;
      units[unitOfFace[side]].perimeter += edge.length;
      if (edge.kinds.includes('major_road')) majorRoad[unitOfFace[side]] += edge.length;
    }
  }
  const unitLinks = new Map<string, UnitLink>();
  for (const pair of adjacency(sub)) {
    const a = unitOfFace[pair.a];
    const b = unitOfFace[pair.b];
    if (a < 0 || b < 0) continue;
    if (a === b) {
      units[a].perimeter -= 2 * pair.length;
      majorRoad[a] -= 2 * (pair.lengthByKind.major_road ?? 0);
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
    if (face < 0 || unitOfFace[face] < 0) return;
    units[unitOfFace[face]].households += building.households;
    units[unitOfFace[face]].buildings++;
  });
  units.forEach((unit, u) => {
    unit.roadSpace =
      unit.buildings === 0 &&
      unit.perimeter > 0 &&
      (2 * unit.area) / unit.perimeter <= ROAD_SPACE_WIDTH_M &&
      majorRoad[u] >= ROAD_SPACE_ROAD_SHARE * unit.perimeter;
  });
  return { units, unitOfFace, links: [...unitLinks.values()] };
}
