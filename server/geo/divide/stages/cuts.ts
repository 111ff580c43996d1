/**
 * Stage 3 — cuts: a block holding more households than one grid may have, with no mapped line
 * inside to follow, is cut between its buildings (split.ts) into pieces of about a quarter of
 * the target range, so that the grouping can pair them and combine them with neighbours. A
 * residential compound within the cap is one piece and is never cut.
 */
import type { PreparedBuilding, PreparedDivision } from '../prepare.js';
import { splitBlock, type SplitItem } from '../split.js';
import type { TaggedLine } from '../types.js';
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

export function cutOverfullBlocks(prepared: PreparedDivision, blocks: Blocks): Cuts {
  const { minHouseholds: min, maxHouseholds: max } = prepared;
  const wholeCompound = wholeCompoundOf(compoundTotals(prepared.buildings), max);
  const itemsByFace = new Map<number, SplitItem[]>();
  const compoundItems = new Map<string, SplitItem>();
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
    if (compound) compoundItems.set(compound, item);
    list.push(item);
    itemsByFace.set(face, list);
  });
  const lines: TaggedLine[] = [];
  let throughBuildings = 0;
  for (const [face, items] of itemsByFace) {
    const households = items.reduce((sum, item) => sum + item.households, 0);
    if (households <= max || items.length < 2) continue;
    // Pieces of half the target size (at most half the cap) give the grouping room to pair
    // them and to combine them with neighbours: a block of 516 is better as 344 + 172 joined
    // elsewhere than as 258 + 258, and a large block without roads pairs into ≈ target grids.
    const parts = Math.ceil(households / ((min + max) / 4));
    const split = splitBlock(blocks.sub.faces[face].polygon, items, parts);
    lines.push(...split.lines);
    throughBuildings += split.throughBuildings;
  }
  return { lines, throughBuildings };
}
