/**
 * Stage 8a — special grid candidates: large land without homes proposed as a special grid
 * (专属网格) of its own, rather than joined whole to a basic grid that it would make sprawl.
 *
 * Chinese practice puts schools, hospitals, parks, scenic areas, markets and industrial parks in
 * special grids; where nobody drew their outlines (`specials` in the request), a campus, a park
 * or an industrial yard is land without households that attach.ts would hand whole to one
 * neighbouring grid. Here, once every unit has its grid (after attach), a patch — units without
 * homes joined across weak lines, as attach.ts forms them — becomes a candidate when
 *   - its area is at least `minAreaM2`, and
 *   - it is at least `minShare` of the grid it lies in (land included; of the grids, where the
 *     improvement shared it out between two), and
 *   - the grid's homes stay joined without it (they are not joined only through the land).
 * Patches are taken largest first, each checked against what earlier ones left of the grid.
 * Set apart last, the candidates change no grid's homes: households in range and flags stay as
 * the grouping and the improvement left them (set apart before the improvement, they took away
 * the land across which neighbouring grids trade units: fewer grids in range on a dense centre).
 * Land that reached its grid only through a candidate joins a grid again (setApart).
 * The candidate's type is what the land says it is: the land-use outline covering most of it,
 * else the use most of its buildings name (land-use-kinds.ts), else `other`.
 *
 * Candidates are whole units, so every building stays whole and the grids still tile the area.
 */
import type { SpecialType } from '../../codes.js';
import { attach, landPatches } from '../attach.js';
import { insideAny, type PreparedDivision } from '../prepare.js';
import type { Blocks } from './blocks.js';
import type { Units } from './units.js';

/** When land without homes is proposed as a special grid (see the module comment). */
export interface SpecialCandidateRule {
  minAreaM2: number;
  minShare: number;
}

/**
 * The request's defaults (`specialCandidates` in POST /api/divisions): 2 ha — the grounds of a
 * primary school, a small hospital or a community park, the smallest land planners give a
 * special grid of its own — and 30 % of the grid it would join: below that the land does not
 * shape the grid, and a special grid for it would only add a grid to staff.
 */
export const SPECIAL_CANDIDATE_DEFAULTS = { minAreaHa: 2, minShare: 0.3 } as const;

/** The defaults as the stage reads them. */
export const DEFAULT_SPECIAL_CANDIDATE_RULE: SpecialCandidateRule = { minAreaM2: SPECIAL_CANDIDATE_DEFAULTS.minAreaHa * 1e4, minShare: SPECIAL_CANDIDATE_DEFAULTS.minShare };

export interface SpecialCandidate {
  /** Units (indices into units.units) of the land. */
  units: number[];
  areaM2: number;
  specialType: SpecialType;
}

/** The candidates, given the grid of each unit (`landed`, after attach). setApart takes them out of their grids. */
export function specialCandidates(prepared: PreparedDivision, blocks: Blocks, { units, links, unitOfFace }: Units, landed: Int32Array, rule: SpecialCandidateRule): SpecialCandidate[] {
  // Patches of land without homes, as attach.ts moves them: from the grouping's view, every
  // unit without homes is unassigned.
  const unassigned = Int32Array.from(units, (unit) => (unit.households > 0 ? 0 : -1));
  const patchOf = landPatches(units, links, unassigned);
  const patches = new Map<number, number[]>();
  patchOf.forEach((patch, u) => {
    if (patch < 0) return;
    const members = patches.get(patch) ?? [];
    members.push(u);
    patches.set(patch, members);
  });

  const neighbours = sharedBorders(units.length, links);
  const gridUnits = new Map<number, Set<number>>();
  landed.forEach((c, u) => {
    if (c >= 0) gridUnits.set(c, (gridUnits.get(c) ?? new Set<number>()).add(u));
  });
  const areaOf = (members: Iterable<number>) => {
    let sum = 0;
    for (const u of members) sum += units[u].area;
    return sum;
  };
  // The grid's homes stay joined through what is left of it (land of other patches may be cut
  // off: it joins a grid again in attach.ts).
  const homesJoined = (set: Set<number>): boolean => {
    const homes = [...set].filter((u) => units[u].households > 0);
    const first = homes[0];
    if (first === undefined) return false;
    const seen = new Set([first]);
    const stack = [first];
    while (stack.length > 0) {
      for (const v of neighbours[stack.pop()!]) {
        if (set.has(v) && !seen.has(v)) {
          seen.add(v);
          stack.push(v);
        }
      }
    }
    return homes.every((u) => seen.has(u));
  };

  const ranked = [...patches.values()].map((members) => ({ members, area: areaOf(members) })).filter((p) => p.area >= rule.minAreaM2);
  ranked.sort((a, b) => b.area - a.area || a.members[0] - b.members[0]);
  const chosen: { members: number[]; area: number }[] = [];
  for (const patch of ranked) {
    // The grids the land lies in (the improvement may have shared a patch out between two).
    const grids = [...new Set(patch.members.map((u) => landed[u]).filter((c) => c >= 0))];
    const rests = grids.map((grid) => {
      const rest = new Set(gridUnits.get(grid));
      for (const u of patch.members) rest.delete(u);
      return rest;
    });
    const share = patch.area / grids.reduce((sum, grid) => sum + areaOf(gridUnits.get(grid)!), 0);
    if (grids.length > 0 && (share < rule.minShare || !rests.every(homesJoined))) continue;
    grids.forEach((grid, i) => gridUnits.set(grid, rests[i]));
    chosen.push(patch);
  }
  return chosen.map((patch) => ({ units: patch.members, areaM2: patch.area, specialType: landTypeOf(prepared, blocks, unitOfFace, new Set(patch.members)) }));
}

/** The land-use outline covering most of the land (by its faces' area), else the use most of its buildings name, else `other`. */
function landTypeOf(prepared: PreparedDivision, { sub, faceOf }: Blocks, unitOfFace: Int32Array, members: Set<number>): SpecialType {
  const byOutline = new Map<SpecialType, number>();
  sub.faces.forEach((face, f) => {
    if (!members.has(unitOfFace[f])) return;
    const outline = prepared.landUse.find((use) => insideAny(face.interiorPoint, use.polygons));
    if (outline) byOutline.set(outline.specialType, (byOutline.get(outline.specialType) ?? 0) + face.area);
  });
  const byBuildings = new Map<SpecialType, number>();
  prepared.buildings.forEach((building, i) => {
    const face = faceOf[i];
    if (building.use && face >= 0 && members.has(unitOfFace[face])) byBuildings.set(building.use, (byBuildings.get(building.use) ?? 0) + 1);
  });
  const most = (votes: Map<SpecialType, number>) => [...votes].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
  return most(byOutline) ?? most(byBuildings) ?? 'other';
}

/**
 * The grid of each unit with the candidates as grids of their own, numbered after the basic
 * grids (basic count + i). Land without homes that reached its grid's homes only through a
 * candidate (a strip beyond a campus) joins a grid again, as attach.ts hands out land.
 */
export function setApart({ units, links }: Units, clusterOf: Int32Array, candidates: SpecialCandidate[]): Int32Array {
  const leaveOut = new Set(candidates.flatMap((candidate) => candidate.units));
  const next = Int32Array.from(clusterOf, (c, u) => (leaveOut.has(u) ? -1 : c));
  const neighbours = sharedBorders(units.length, links, leaveOut);
  // From each grid's homes through the grid: what is not reached is cut off by a candidate.
  const reached = new Uint8Array(units.length);
  const stack = units.flatMap((unit, u) => (unit.households > 0 && next[u] >= 0 ? [u] : []));
  for (const u of stack) reached[u] = 1;
  while (stack.length > 0) {
    const u = stack.pop()!;
    for (const v of neighbours[u]) {
      if (!reached[v] && next[v] === next[u]) {
        reached[v] = 1;
        stack.push(v);
      }
    }
  }
  // Every grid a candidate took land from (the improvement may have shared a patch out between two).
  const affected = new Set(candidates.flatMap((candidate) => candidate.units.map((u) => clusterOf[u])));
  next.forEach((c, u) => {
    if (c >= 0 && !reached[u] && affected.has(c)) next[u] = -1;
  });
  const out = attach(units, links, next, { leaveOut });
  const basicCount = Math.max(-1, ...out) + 1;
  candidates.forEach((candidate, i) => candidate.units.forEach((u) => (out[u] = basicCount + i)));
  return out;
}

/**
 * Units that share a stretch of border (not a corner, not facing each other across road
 * space): what keeps a grid's outline one piece once assembled.
 */
function sharedBorders(count: number, links: Units['links'], leaveOut: Set<number> = new Set()): number[][] {
  const neighbours: number[][] = Array.from({ length: count }, () => []);
  for (const link of links) {
    if (link.acrossRoadSpace || link.length < MIN_SHARED_BORDER_M || leaveOut.has(link.a) || leaveOut.has(link.b)) continue;
    neighbours[link.a].push(link.b);
    neighbours[link.b].push(link.a);
  }
  return neighbours;
}

/** A shared border shorter than this is a corner: the outlines on either side are apart. */
const MIN_SHARED_BORDER_M = 1;
