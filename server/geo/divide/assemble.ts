/**
 * Stage 9 — assemble: each grid's outline dissolved from its blocks by dropping the edges with
 * the same grid on both sides (exact: neighbouring grids share their vertices and tile the
 * area), numbered in reading order (basic 001…, special 900…), with what the proposal says
 * about itself: flags and the strong barriers inside each grid (crossings), each a stable code
 * with parameters that the API puts into words in the reader's language.
 */
import Flatbush from 'flatbush';
import type { Feature, LineString, MultiPolygon, Polygon, Position } from 'geojson';
import { readingOrder } from '../order.js';
import { dissolve } from './planar.js';
import { anchorKey, pointInPolygon, polygonsArea, representativePoint } from './polygon.js';
import type { PreparedDivision } from './prepare.js';
import { STRONG_KINDS } from './aggregate.js';
import type { Blocks } from './stages/blocks.js';
import { indivisibleHomes } from './indivisible.js';
import type { Units } from './stages/units.js';
import type { SpecialCandidate } from './stages/specials.js';
import type { EdgeKind, PlanarPolygon, XY } from './types.js';

// The proposal's shapes live in an import-free leaf, so that the API's types can name them.
import type { CrossingProperties, CrossingReason, Flag, ProposalGrid } from './proposal-types.js';
export type { CrossingProperties, CrossingReason, Flag, FlagCode, ProposalGrid, ProposalGridProperties } from './proposal-types.js';

export interface Proposal {
  grids: ProposalGrid[];
  /** Where a grid contains a major road, river, water edge or rail, and why. */
  crossings: Feature<LineString, CrossingProperties>[];
  /** Which grid (index into grids) each input building went to, by request index (-1: none). */
  gridOfBuilding: Map<number, number>;
  /** Internal border length, and the part of it cut through blocks with no mapped line. */
  internalBorderM: number;
  cutBorderM: number;
  /** Cuts that could not find a gap between buildings (the building is then kept whole by joining). */
  cutsThroughBuildings: number;
}

/** A crossing shorter than this (a stub of road ending in a block) is listed but not flagged. */
const FLAG_CROSSING_M = 20;

/** Finds the name of the input line of a kind that runs along a segment. */
function lineNamer(prepared: PreparedDivision): (a: XY, b: XY, kind: EdgeKind) => string | null {
  const named = prepared.lines.filter((line) => line.name);
  const segments: [XY, XY, number][] = [];
  named.forEach((line, i) => {
    for (let k = 1; k < line.coords.length; k++) segments.push([line.coords[k - 1], line.coords[k], i]);
  });
  if (segments.length === 0) return () => null;
  const index = new Flatbush(segments.length);
  for (const [p, q] of segments) index.add(Math.min(p[0], q[0]), Math.min(p[1], q[1]), Math.max(p[0], q[0]), Math.max(p[1], q[1]));
  index.finish();
  return (a, b, kind) => {
    const x = (a[0] + b[0]) / 2;
    const y = (a[1] + b[1]) / 2;
    for (const s of index.search(x - 0.5, y - 0.5, x + 0.5, y + 0.5)) {
      const line = named[segments[s][2]];
      if (line.kind === kind) return line.name!;
    }
    return null;
  };
}

export function assemble(
  prepared: PreparedDivision,
  blocks: Blocks,
  { unitOfFace }: Units,
  clusterOfUnit: Int32Array,
  cutsThroughBuildings: number,
  candidates: SpecialCandidate[] = [],
): Proposal {
  const { minHouseholds: min, maxHouseholds: max } = prepared;
  const { sub, roles, faceOf } = blocks;
  const faces = sub.faces;
  // Groups: new basic grids, then the special grid candidates (the last clusters), then the
  // requested specials, then the grids an adjustment keeps.
  const basicCount = (clusterOfUnit.length > 0 ? Math.max(-1, ...clusterOfUnit) + 1 : 0) - candidates.length;
  const specialBase = basicCount + candidates.length;
  const candidateOf = (g: number) => (g >= basicCount && g < specialBase ? candidates[g - basicCount] : undefined);
  const keptBase = specialBase + prepared.specials.length;
  const isKept = (g: number) => g >= keptBase;
  const groupOf = new Int32Array(faces.length).fill(-1);
  faces.forEach((_, f) => {
    const role = roles[f];
    if (role.kind === 'block' && unitOfFace[f] >= 0) groupOf[f] = clusterOfUnit[unitOfFace[f]];
    else if (role.kind === 'special') groupOf[f] = specialBase + role.special;
    else if (role.kind === 'kept') groupOf[f] = keptBase + role.kept;
  });
  const outlines = dissolve(sub, groupOf);
  const groupCount = keptBase + prepared.kept.length;

  const households = new Array<number>(groupCount).fill(0);
  const homePoints = new Map<number, XY[]>();
  const buildingsOf = new Map<number, PreparedDivision['buildings']>();
  const buildingCounts = new Array<number>(groupCount).fill(0);
  const groupOfBuilding = new Map<number, number>();
  prepared.buildings.forEach((building, i) => {
    const face = faceOf[i];
    const group = face >= 0 ? groupOf[face] : -1;
    groupOfBuilding.set(building.index, group);
    if (group >= 0) {
      if (building.households > 0) homePoints.set(group, [...(homePoints.get(group) ?? []), building.point]);
      households[group] += building.households;
      buildingCounts[group]++;
      const list = buildingsOf.get(group) ?? [];
      list.push(building);
      buildingsOf.set(group, list);
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
  // Kept grids keep their number (the last three digits of their code); new ones follow the highest.
  const numberOf = new Map<number, string>();
  prepared.kept.forEach((k, i) => numberOf.set(keptBase + i, k.code.slice(-3)));
  const firstNew = 1 + Math.max(0, ...prepared.kept.map((k) => Number(k.code.slice(-3))).filter((n) => n < 900));
  for (const special of [false, true]) {
    const subset = placed.filter((p) => !isKept(p.g) && (p.g >= basicCount) === special);
    readingOrder(subset).forEach((position, i) => numberOf.set(subset[position].g, String((special ? 900 : firstNew) + i).padStart(3, '0')));
  }

  // Within a grid, the patches of ground its strong barriers separate (faces joined across
  // every other line). A strong barrier is crossed where it separates two patches that both
  // hold homes; the carriageway between a grid and the road space or the park it took on the
  // other side is its edge in all but drawing, and not reported.
  const patch = new Int32Array(faces.length).map((_, f) => f);
  const root = (f: number): number => {
    while (patch[f] !== f) f = patch[f] = patch[patch[f]];
    return f;
  };
  for (const edge of sub.edges) {
    if (edge.left < 0 || edge.right < 0 || edge.left === edge.right) continue;
    if (groupOf[edge.left] < 0 || groupOf[edge.left] !== groupOf[edge.right]) continue;
    if (edge.kinds.some((kind) => STRONG_KINDS.includes(kind))) continue;
    patch[root(edge.left)] = root(edge.right);
  }
  const homesIn = new Int32Array(faces.length);
  prepared.buildings.forEach((building, i) => {
    if (faceOf[i] >= 0 && building.households > 0) homesIn[root(faceOf[i])] += building.households;
  });
  const namer = lineNamer(prepared);
  const crossings: Proposal['crossings'] = [];
  const crossingByGroup = new Map<number, Map<string, { kind: EdgeKind; name: string | null; length: number; deadEnd: number }>>();
  for (const edge of sub.edges) {
    // Interior: the same grid on both sides (a dangling line inside a grid has the same face on both).
    if (edge.left < 0 || edge.right < 0) continue;
    const group = groupOf[edge.left];
    if (group < 0 || group !== groupOf[edge.right] || group >= basicCount) continue;
    const strong = edge.kinds.filter((kind) => STRONG_KINDS.includes(kind));
    if (strong.length === 0) continue;
    const [pl, pr] = [root(edge.left), root(edge.right)];
    if (pl !== pr && (homesIn[pl] === 0 || homesIn[pr] === 0)) continue;
    const reason: CrossingReason = edge.left === edge.right || pl === pr ? 'dead_end' : unitOfFace[edge.left] === unitOfFace[edge.right] ? 'spanned' : 'joined';
    const kind = strong[0];
    const name = namer(edge.a, edge.b, kind);
    const byPlace = crossingByGroup.get(group) ?? new Map();
    const key = `${kind}/${name ?? ''}`;
    const entry = byPlace.get(key) ?? { kind, name, length: 0, deadEnd: 0 };
    entry.length += edge.length;
    if (reason === 'dead_end') entry.deadEnd += edge.length;
    byPlace.set(key, entry);
    crossingByGroup.set(group, byPlace);
    crossings.push({
      type: 'Feature',
      geometry: { type: 'LineString', coordinates: toLonLat([edge.a, edge.b]) },
      properties: { gridNumber: numberOf.get(group) ?? '', kind, name, lengthM: edge.length, reason },
    });
  }

  const grids: ProposalGrid[] = [];
  const gridIndexOfGroup = new Map<number, number>();
  const sorted = [...present].sort((a, b) => numberOf.get(a)!.localeCompare(numberOf.get(b)!));
  for (const g of sorted) {
    const kept = isKept(g) ? prepared.kept[g - keptBase] : undefined;
    const candidate = candidateOf(g);
    const special = !kept && g >= specialBase ? prepared.specials[g - specialBase] : undefined;
    const number = numberOf.get(g)!;
    const flags: Flag[] = [];
    const notes: Flag[] = [];
    const h = households[g];
    if (candidate) {
      notes.push({ code: 'special_candidate', params: { number, areaHa: Math.round(candidate.areaM2 / 1e3) / 10, specialType: candidate.specialType } });
    }
    if (!special && !candidate && h > max) {
      // One tower or one compound over the cap: no border may split it, so there is nothing to
      // redraw — a note, not a flag (a flag asks a planner to act).
      const indivisible = indivisibleHomes(buildingsOf.get(g) ?? []);
      if (indivisible) notes.push({ code: 'above_max', variant: indivisible, params: { number, households: h, max } });
      else flags.push({ code: 'above_max', params: { number, households: h, max } });
    }
    if (!special && !candidate && h < min) {
      flags.push({ code: 'below_min', variant: basicCount === 1 ? 'whole_area' : 'isolated', params: { number, households: h, min, max } });
    }
    for (const { kind, name, length, deadEnd } of crossingByGroup.get(g)?.values() ?? []) {
      // Only a barrier that separates homes of the grid is a crossing a planner must redraw. A
      // stretch that divides nothing (a tunnel ramp, a road ending in the grid, a spur the grid's
      // ground goes around: its two sides are one patch) is listed in `crossings` as a dead end,
      // however long, but does not flag the grid.
      if (length - deadEnd < FLAG_CROSSING_M) continue;
      flags.push({ code: 'crosses_barrier', params: { number, kind, name: name ?? '', lengthM: Math.round(length) } });
    }
    // Parts apart matter where they hold homes: an island or a sliver of land without any that
    // went with the nearest grid (attach.ts) is no grid in two places.
    const partsWithHomes = outlines[g].length > 1 ? outlines[g].filter((part) => homePoints.get(g)?.some((p) => pointInPolygon(p, part))).length : 1;
    if (partsWithHomes > 1) flags.push({ code: 'not_contiguous', params: { number, parts: partsWithHomes } });
    gridIndexOfGroup.set(g, grids.length);
    grids.push({
      type: 'Feature',
      geometry: geometryOf(outlines[g]),
      properties: {
        number,
        kind: special || candidate ? 'special' : 'basic',
        specialType: special?.specialType ?? candidate?.specialType ?? null,
        name: special?.name ?? null,
        ...(special?.code ? { code: special.code } : {}),
        ...(kept ? { code: kept.code, status: 'kept' as const } : {}),
        households: h,
        buildings: buildingCounts[g],
        ...(candidate ? { candidate: true } : {}),
        flags,
        notes,
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

  return {
    grids,
    crossings,
    gridOfBuilding: new Map([...groupOfBuilding].map(([building, group]) => [building, group >= 0 ? (gridIndexOfGroup.get(group) ?? -1) : -1])),
    internalBorderM,
    cutBorderM,
    cutsThroughBuildings,
  };
}
