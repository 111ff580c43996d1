/**
 * Random spanning trees of a set of units, and the subtree under a unit: a cut of one tree edge
 * splits the set into two connected parts (as ReCom does), the households on each side read off
 * the tree.
 */
import type { Neighbour } from './score.js';

export interface SpanningTree {
  /** The units, root (set[0]) first, each after its parent. */
  order: number[];
  /** Parent of each unit (-1 for the root). */
  up: Map<number, number>;
  /** Households of each unit's subtree. */
  below: Map<number, number>;
  children: Map<number, number[]>;
}

/**
 * A random spanning tree of `set` (Kruskal on random weights, strong links heavier: borders
 * rather fall on strong lines), rooted at set[0]. Undefined when `set` is not connected.
 */
export function randomSpanningTree(
  set: number[],
  inSet: Set<number>,
  neighbours: Neighbour[][],
  householdsOf: (u: number) => number,
  random: () => number,
): SpanningTree | undefined {
  const edges: [number, number, number][] = [];
  for (const u of set) {
    for (const n of neighbours[u]) if (u < n.unit && inSet.has(n.unit)) edges.push([u, n.unit, random() * (1 + n.strong / 10)]);
  }
  edges.sort((p, q) => p[2] - q[2]);
  const parent = new Map(set.map((u) => [u, u]));
  const find = (u: number): number => {
    while (parent.get(u) !== u) u = parent.get(u)!;
    return u;
  };
  const tree = new Map<number, number[]>(set.map((u) => [u, []]));
  for (const [u, v] of edges) {
    const [ru, rv] = [find(u), find(v)];
    if (ru === rv) continue;
    parent.set(ru, rv);
    tree.get(u)!.push(v);
    tree.get(v)!.push(u);
  }
  const root = set[0];
  const order: number[] = [];
  const up = new Map<number, number>([[root, -1]]);
  const stack = [root];
  while (stack.length > 0) {
    const u = stack.pop()!;
    order.push(u);
    for (const v of tree.get(u)!) if (!up.has(v)) (up.set(v, u), stack.push(v));
  }
  if (order.length !== set.length) return undefined;
  const below = new Map<number, number>();
  for (let i = order.length - 1; i >= 0; i--) {
    const u = order[i];
    below.set(u, (below.get(u) ?? 0) + householdsOf(u));
    const p = up.get(u)!;
    if (p >= 0) below.set(p, (below.get(p) ?? 0) + below.get(u)!);
  }
  const children = new Map<number, number[]>(set.map((u) => [u, tree.get(u)!.filter((v) => up.get(v) === u)]));
  return { order, up, below, children };
}

/** The units of the subtree under u. */
export function subtree(u: number, children: Map<number, number[]>): Set<number> {
  const side = new Set<number>();
  const walk = [u];
  while (walk.length > 0) {
    const x = walk.pop()!;
    side.add(x);
    walk.push(...children.get(x)!);
  }
  return side;
}
