/**
 * Stage 8 — attach: the units the grouping left out join a grid. Units of land without
 * households (squares, parks, office blocks) first join each other across weak lines, then the
 * neighbour across the weakest border. Road space joins the grid on both of its sides when
 * there is one (the grid crossed that road, and stays one piece), else the grid it shares the
 * longest border with. Land with no grid around it at all (an island, a sliver between water
 * outlines) joins the nearest grid: it has no households to make a grid of its own.
 */
import { borderCost, borderLength, kindsLength, STRONG_KINDS, addBorder, type Border } from './aggregate.js';
import type { Unit, UnitLink } from './stages/units.js';

/** The borders each unit shares with the others (links across road space apart: `facing`, as "a/b"). */
function directBorders(units: Unit[], links: UnitLink[]): { direct: Map<number, { kinds: Border; shared: number }>[]; facing: Set<string> } {
  const direct: Map<number, { kinds: Border; shared: number }>[] = units.map(() => new Map());
  const facing = new Set<string>();
  for (const link of links) {
    if (link.acrossRoadSpace) {
      facing.add(`${link.a}/${link.b}`);
      continue;
    }
    for (const [x, y] of [[link.a, link.b], [link.b, link.a]]) {
      const border = direct[x].get(y) ?? { kinds: {}, shared: 0 };
      addBorder(border.kinds, link.lengthByKind);
      border.shared += link.length;
      direct[x].set(y, border);
    }
  }
  return { direct, facing };
}

/**
 * Land without households in whole patches (units joined across weak lines) that move
 * together: the patch (0, 1, …) of each unit that `grouped` leaves out and is not road space,
 * else -1. Also what stages/specials.ts weighs as a special grid candidate.
 */
export function landPatches(units: Unit[], links: UnitLink[], grouped: Int32Array): Int32Array {
  return patchesOf(units, directBorders(units, links).direct, grouped);
}

function patchesOf(units: Unit[], direct: Map<number, { kinds: Border }>[], clusterOf: Int32Array): Int32Array {
  const patchOf = new Int32Array(units.length).fill(-1);
  let next = 0;
  units.forEach((unit, u) => {
    if (clusterOf[u] >= 0 || unit.roadSpace || patchOf[u] >= 0) return;
    const patch = next++;
    const stack = [u];
    patchOf[u] = patch;
    while (stack.length > 0) {
      const x = stack.pop()!;
      for (const [y, border] of direct[x]) {
        if (clusterOf[y] >= 0 || units[y].roadSpace || patchOf[y] >= 0 || kindsLength(border.kinds, STRONG_KINDS) > 1) continue;
        patchOf[y] = patch;
        stack.push(y);
      }
    }
  });
  return patchOf;
}

/**
 * `leaveOut`: units that stay without a grid (the special grid candidates, stages/specials.ts):
 * nothing joins them, and they join nothing.
 */
export function attach(
  units: Unit[],
  links: UnitLink[],
  grouped: Int32Array,
  { roadSpace = true, leaveOut }: { roadSpace?: boolean; leaveOut?: Set<number> } = {},
): Int32Array {
  const clusterOf = Int32Array.from(grouped);
  let next = Math.max(-1, ...clusterOf) + 1;
  const { direct, facing } = directBorders(units, links);
  for (const u of leaveOut ?? []) {
    for (const y of direct[u].keys()) direct[y].delete(u);
    direct[u].clear();
  }
  // Land without households: whole patches of it (joined across weak lines) move together.
  const patchOf = patchesOf(units, direct, clusterOf);

  const pending = () => units.map((_, u) => u).filter((u) => clusterOf[u] < 0 && !leaveOut?.has(u) && (roadSpace || !units[u].roadSpace));
  for (let round = 0; round < units.length; round++) {
    const waiting = pending();
    if (waiting.length === 0) break;
    let progress = false;
    // Per patch (land) or unit (road space): the borders with each grid around it.
    const groups = new Map<number, number[]>();
    for (const u of waiting) {
      const key = units[u].roadSpace ? -1 - u : patchOf[u];
      groups.set(key, [...(groups.get(key) ?? []), u]);
    }
    const decided: [number[], number][] = [];
    for (const [key, members] of groups) {
      const around = new Map<number, { kinds: Border; shared: number; sides: number[] }>();
      for (const u of members) {
        for (const [y, border] of direct[u]) {
          const c = clusterOf[y];
          if (c < 0) continue;
          const entry = around.get(c) ?? { kinds: {}, shared: 0, sides: [] };
          addBorder(entry.kinds, border.kinds);
          entry.shared += border.shared;
          entry.sides.push(y);
          around.set(c, entry);
        }
      }
      let best = -1;
      let bestScore = Infinity;
      for (const [c, entry] of around) {
        const spans = key < 0 && entry.sides.some((a) => entry.sides.some((b) => a < b && facing.has(`${a}/${b}`)));
        const length = Math.max(borderLength(entry.kinds), entry.shared, 1);
        const score = spans
          ? -1e12
          : key < 0
            ? -length
            : kindsLength(entry.kinds, STRONG_KINDS) * 1e3 + borderCost(entry.kinds) / length - length / 1e4;
        if (score < bestScore || (score === bestScore && c < best)) [best, bestScore] = [c, score];
      }
      if (best >= 0) decided.push([members, best]);
    }
    for (const [members, c] of decided) {
      for (const u of members) clusterOf[u] = c;
      progress = true;
    }
    if (!progress) {
      // Isolated: no grid anywhere around. Each patch (or road space) becomes a grid of its own
      // — once road space is in play (before, a patch may be cut off only by road space).
      if (!roadSpace) break;
      const placed = units.map((_, u) => u).filter((u) => clusterOf[u] >= 0);
      const nearest = (members: number[]): number => {
        let best = -1;
        let bestDistance = Infinity;
        for (const u of members) {
          const [x, y] = units[u].anchor;
          for (const v of placed) {
            const d = Math.hypot(units[v].anchor[0] - x, units[v].anchor[1] - y);
            if (d < bestDistance) [best, bestDistance] = [clusterOf[v], d];
          }
        }
        return best;
      };
      for (const [, members] of groups) {
        const near = nearest(members);
        const c = near >= 0 ? near : next++;
        for (const u of members) clusterOf[u] = c;
      }
      break;
    }
  }
  const dense = new Map<number, number>();
  return clusterOf.map((c) => {
    if (c < 0) return -1;
    if (!dense.has(c)) dense.set(c, dense.size);
    return dense.get(c)!;
  });
}
