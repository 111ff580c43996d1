/**
 * Staff travel with their grids (lineage decides): when grids are split, merged, redrawn or
 * replaced by a division, who holds which grid afterwards follows how the old grids' area went
 * to the new ones. Pure: the overlaps and holdings come in, the moves go out.
 *
 * - A grid that lives on keeps its staff (an edit, or the part of a split that keeps the code).
 * - A new grid gets the staff of the old grid it took most of its area from (its main predecessor):
 *   both parts of a split are staffed.
 * - A retired grid's staff go to the grid that took most of its area (its main successor): in a
 *   merge the retired grid's worker joins the merged grid, and nobody is left without a grid
 *   while their area lives on.
 */

export interface Overlap {
  /** An old grid (as it was before the change). */
  oldCode: string;
  /** A grid after the change: its code, or a proposal's key when it has none yet (dry run). */
  newKey: string;
  areaM2: number;
}

export interface Holding {
  staffId: number;
  gridCode: string;
}

export interface StaffMove {
  staffId: number;
  /** The grids they hold before and after. */
  from: string[];
  to: string[];
}

/** Overlaps below this are shared edges, not area. */
const MIN_AREA_M2 = 1;

function largest(overlaps: Overlap[], key: (o: Overlap) => string): Map<string, Overlap> {
  const best = new Map<string, Overlap>();
  for (const overlap of overlaps) {
    if (overlap.areaM2 <= MIN_AREA_M2) continue;
    const current = best.get(key(overlap));
    // Ties go to the lower code, so that the answer does not depend on the order of the rows.
    if (!current || overlap.areaM2 > current.areaM2 || (overlap.areaM2 === current.areaM2 && overlap.oldCode + overlap.newKey < current.oldCode + current.newKey)) {
      best.set(key(overlap), overlap);
    }
  }
  return best;
}

/**
 * @param overlaps old grid × new grid areas
 * @param retired the old grids that no longer live
 * @param created the new grids (codes or keys) that did not exist before
 * @param holdings who held the old grids (and any other grid they hold) before the change
 * @returns each staff member whose grids change, with their grids before and after
 */
export function planStaffCarry(overlaps: Overlap[], retired: readonly string[], created: readonly string[], holdings: readonly Holding[]): StaffMove[] {
  const gone = new Set(retired);
  const before = new Map<number, Set<string>>();
  for (const { staffId, gridCode } of holdings) before.set(staffId, (before.get(staffId) ?? new Set()).add(gridCode));
  const after = new Map<number, Set<string>>([...before].map(([id, codes]) => [id, new Set([...codes].filter((code) => !gone.has(code)))]));
  const holdersOf = (code: string) => holdings.filter((h) => h.gridCode === code).map((h) => h.staffId);

  const predecessor = largest(overlaps, (o) => o.newKey);
  for (const key of created) {
    const main = predecessor.get(key);
    if (main) for (const staffId of holdersOf(main.oldCode)) after.get(staffId)!.add(key);
  }
  const successor = largest(overlaps, (o) => o.oldCode);
  for (const code of retired) {
    const main = successor.get(code);
    if (main) for (const staffId of holdersOf(code)) after.get(staffId)!.add(main.newKey);
  }

  const moves: StaffMove[] = [];
  for (const [staffId, codes] of before) {
    const from = [...codes].sort();
    const to = [...after.get(staffId)!].sort();
    if (from.join() !== to.join()) moves.push({ staffId, from, to });
  }
  return moves.sort((a, b) => a.staffId - b.staffId);
}
