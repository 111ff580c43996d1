/**
 * Stage 8 — attach: the units the grouping left out join a grid. Units of land without
 * households (squares, parks, office blocks) first join each other across weak lines, then the
 * neighbour across the weakest border. Road space joins the grid on both of its sides when
 * there is one (the grid crossed that road, and stays one piece), else the grid it shares the
 * longest border with. A unit with no grid around it becomes a grid of its own.
 */
import { borderCost, borderLength, kindsLength, STRONG_KINDS, addBorder, type Border } from './aggregate.js';
import type { Unit, UnitLink } from './stages/units.js';

export function attach(units: Unit[], links: UnitLink[], grouped: Int32Array): Int32Array {
  const clusterOf = Int32Array.from(grouped);
  let next = Math.max(-1, ...clusterOf) + 1;
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

  // Land without households: whole patches of it (joined across weak lines) move together.
  const patchOf = new Int32Array(units.length).fill(-1);
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

  const pending = () => units.map((_, u) => u).filter((u) => clusterOf[u] < 0);
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
      // Isolated: no grid anywhere around. Each patch (or road space) becomes a grid of its own.
      for (const [, members] of groups) {
        const c = next++;
        for (const u of members) clusterOf[u] = c;
      }
      break;
    }
  }
  const dense = new Map<number, number>();
  return clusterOf.map((c) => {
    if (!dense.has(c)) dense.set(c, dense.size);
    return dense.get(c)!;
  });
}
