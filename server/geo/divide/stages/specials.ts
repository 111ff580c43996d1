/**
 * Stage 7a — special grid candidates: large land without homes proposed as a special grid
 * (专属网格) of its own, rather than joined whole to a basic grid that it would make sprawl.
 *
 * Chinese practice puts schools, hospitals, parks, scenic areas, markets and industrial parks in
 * special grids; where nobody drew their outlines (`specials` in the request), a campus, a park
 * or an industrial yard is land without households that attach.ts would hand whole to one
 * neighbouring grid. Here, after the land has joined its grids once (so that we know which grid
 * each patch would make), a patch — units without homes joined across weak lines, as attach.ts
 * forms them — becomes a candidate when
 *   - its area is at least `minAreaM2`, and
 *   - it is at least `minShare` of the grid it would join (land plus that grid), and
 *   - the grid's homes stay joined without it (they are not joined only through the land).
 * Patches are taken largest first, each checked against what earlier ones left of the grid.
 * The caller then lets the rest of the land join grids again without the candidates.
 * The candidate's type is what the land says it is: the land-use outline covering most of it,
 * else the use most of its buildings name (land-use-kinds.ts), else `other`.
 *
 * Candidates are whole units, so every building stays whole and the grids still tile the area.
 */
import type { SpecialType } from '../../codes.js';
import { landPatches } from '../attach.js';
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

/**
 * The candidates, given `landed` (the grid of each unit once land without homes has joined one,
 * road space left out). The caller takes their units out of their grids.
 */
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

  const neighbours: number[][] = units.map(() => []);
  for (const link of links) {
    neighbours[link.a].push(link.b);
    neighbours[link.b].push(link.a);
  }
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
    const grid = landed[patch.members[0]];
    const members = grid >= 0 ? gridUnits.get(grid) : undefined;
    if (members) {
      const share = patch.area / areaOf(members);
      const rest = new Set(members);
      for (const u of patch.members) rest.delete(u);
      if (share < rule.minShare || !homesJoined(rest)) continue;
      gridUnits.set(grid, rest);
    }
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
