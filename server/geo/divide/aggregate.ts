/**
 * Stage 6 — grouping: units of land gathered into grids of [min, max] households by region
 * growing, smallest first. A cluster below the minimum joins the neighbour that keeps the union
 * most compact and erases the weakest border, as long as the union stays within the maximum:
 *
 * 1. across weak lines only (paths, minor roads, walls, ridges, cuts) — or through a unit of
 *    land without households (a square, an office block) to the cluster beyond it;
 * 2. then, for a cluster still below the minimum, across a major road at its cost (a major
 *    road is a soft barrier: crossing one is better than a grid out of range). Rivers, water
 *    and rail stay hard: crossed only when both sides are below the minimum.
 *
 * Units without households and road space are left out here (-1); the improvement phase
 * (improve.ts) and attach.ts deal with the rest. Merges only join neighbours, so grids stay
 * contiguous.
 */
import type { EdgeKind } from './types.js';
import type { Unit, UnitLink } from './stages/units.js';

export type { Unit, UnitLink };

/** How much a planner minds a grid border being erased there (per metre). */
export const BARRIER_WEIGHT: Record<EdgeKind, number> = {
  major_road: 100,
  river: 100,
  water: 100,
  rail: 80,
  ridge: 20,
  wall: 8,
  minor_road: 4,
  boundary: 4,
  path: 1,
  cut: 0.2,
};
/** Barriers a grid should not contain; crossing one is reported. */
export const STRONG_KINDS: EdgeKind[] = ['major_road', 'river', 'water', 'rail'];
/** Strong barriers that are never crossed for range alone (only when both sides are below the minimum). */
export const HARD_KINDS: EdgeKind[] = ['river', 'water', 'rail'];

export interface Limits {
  min: number;
  max: number;
}

export type Border = Partial<Record<EdgeKind, number>>;

export function addBorder(into: Border, from: Border): void {
  for (const [kind, length] of Object.entries(from)) into[kind as EdgeKind] = (into[kind as EdgeKind] ?? 0) + (length ?? 0);
}

export function kindsLength(border: Border, kinds: readonly EdgeKind[]): number {
  let length = 0;
  for (const kind of kinds) length = Math.max(length, border[kind] ?? 0);
  return length;
}

/** Longest of the kinds (edges may carry several: a path along a road). */
export function borderLength(border: Border): number {
  let length = 0;
  for (const value of Object.values(border)) length = Math.max(length, value ?? 0);
  return length;
}

export function borderCost(border: Border): number {
  let cost = 0;
  for (const [kind, length] of Object.entries(border)) cost = Math.max(cost, (length ?? 0) * BARRIER_WEIGHT[kind as EdgeKind]);
  return cost;
}

/** A min-heap of [key, id] pairs; stale entries are skipped by the caller. */
class Heap {
  private items: [number, number][] = [];
  push(key: number, id: number): void {
    const items = this.items;
    items.push([key, id]);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent][0] <= items[i][0]) break;
      [items[parent], items[i]] = [items[i], items[parent]];
      i = parent;
    }
  }
  pop(): [number, number] | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0];
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && items[l][0] < items[m][0]) m = l;
        if (r < items.length && items[r][0] < items[m][0]) m = r;
        if (m === i) break;
        [items[m], items[i]] = [items[i], items[m]];
        i = m;
      }
    }
    return top;
  }
}

interface Cluster {
  id: number;
  units: number[];
  households: number;
  area: number;
  perimeter: number;
  /** Neighbour cluster → the lines between them by kind, and the boundary they share. */
  borders: Map<number, { kinds: Border; shared: number }>;
  alive: boolean;
}

/**
 * Groups the units with households into clusters. Returns the cluster (dense 0…n-1) of each
 * unit, -1 for units left out (no households, or road space).
 */
export function group(units: Unit[], links: UnitLink[], limits: Limits): Int32Array {
  const clusters: Cluster[] = units.map((unit, id) => ({
    id,
    units: [id],
    households: unit.households,
    area: unit.area,
    perimeter: unit.perimeter,
    borders: new Map(),
    alive: !unit.roadSpace,
  }));
  const clusterOf = new Int32Array(units.length).map((_, i) => i);
  for (const link of links) {
    if (units[link.a].roadSpace || units[link.b].roadSpace) continue;
    for (const [x, y] of [[link.a, link.b], [link.b, link.a]]) {
      const border = clusters[x].borders.get(y) ?? { kinds: {}, shared: 0 };
      addBorder(border.kinds, link.lengthByKind);
      border.shared += link.length;
      clusters[x].borders.set(y, border);
    }
  }
  const merge = (from: Cluster, into: Cluster) => {
    const border = from.borders.get(into.id)!;
    into.households += from.households;
    into.area += from.area;
    into.perimeter += from.perimeter - 2 * border.shared;
    for (const unit of from.units) {
      into.units.push(unit);
      clusterOf[unit] = into.id;
    }
    into.borders.delete(from.id);
    for (const [other, otherBorder] of from.borders) {
      if (other === into.id) continue;
      const mine = into.borders.get(other) ?? { kinds: {}, shared: 0 };
      addBorder(mine.kinds, otherBorder.kinds);
      mine.shared += otherBorder.shared;
      into.borders.set(other, mine);
      const theirs = clusters[other].borders;
      theirs.delete(from.id);
      theirs.set(into.id, mine);
    }
    from.alive = false;
    from.units = [];
    from.borders = new Map();
  };

  /** Lower is better: a compact union, and a weak border erased. */
  const mergeScore = (a: Cluster, b: Cluster): number => {
    const border = a.borders.get(b.id)!;
    const perimeter = a.perimeter + b.perimeter - 2 * border.shared;
    const compactness = (4 * Math.PI * (a.area + b.area)) / Math.max(perimeter * perimeter, 1e-9);
    const cost = borderCost(border.kinds) / Math.max(borderLength(border.kinds), 1);
    return cost / 100 - compactness;
  };
  const allowed = (a: Cluster, b: Cluster, mode: 'weak' | 'soft'): boolean => {
    const border = a.borders.get(b.id)!.kinds;
    if (kindsLength(border, HARD_KINDS) > 1) return mode === 'soft' && a.households < limits.min && b.households < limits.min;
    if (kindsLength(border, STRONG_KINDS) > 1) return mode === 'soft';
    return true;
  };

  const grow = (mode: 'weak' | 'soft') => {
    const heap = new Heap();
    for (const cluster of clusters) {
      if (cluster.alive && cluster.households > 0 && cluster.households < limits.min) heap.push(cluster.households, cluster.id);
    }
    for (let entry = heap.pop(); entry; entry = heap.pop()) {
      const cluster = clusters[entry[1]];
      if (!cluster.alive || cluster.households !== entry[0] || cluster.households >= limits.min) continue;
      let best: Cluster[] | undefined;
      let bestScore = Infinity;
      for (const neighbourId of cluster.borders.keys()) {
        const neighbour = clusters[neighbourId];
        if (!allowed(cluster, neighbour, mode)) continue;
        if (neighbour.households === 0) {
          // Through a unit of land without households to the cluster beyond it.
          for (const beyondId of neighbour.borders.keys()) {
            const beyond = clusters[beyondId];
            if (beyondId === cluster.id || beyond.households === 0 || cluster.households + beyond.households > limits.max) continue;
            if (!allowed(neighbour, beyond, 'weak')) continue;
            const score = mergeScore(neighbour, beyond) + 0.5;
            if (score < bestScore) [best, bestScore] = [[neighbour, beyond], score];
          }
          continue;
        }
        if (cluster.households + neighbour.households > limits.max) continue;
        const score = mergeScore(cluster, neighbour);
        if (score < bestScore) [best, bestScore] = [[neighbour], score];
      }
      if (!best) continue;
      let into = cluster;
      for (const next of best) {
        // The larger side keeps its id (fewer border updates).
        if (next.units.length > into.units.length) {
          merge(into, next);
          into = next;
        } else merge(next, into);
      }
      if (into.households < limits.min) heap.push(into.households, into.id);
    }
  };
  grow('weak');
  grow('soft');

  const dense = new Map<number, number>();
  const out = new Int32Array(units.length).fill(-1);
  units.forEach((_, u) => {
    const cluster = clusters[clusterOf[u]];
    if (!cluster.alive || cluster.households === 0) return;
    if (!dense.has(cluster.id)) dense.set(cluster.id, dense.size);
    out[u] = dense.get(cluster.id)!;
  });
  return out;
}
