/**
 * Grouping units (blocks, or pieces of over-full blocks) into grids of [min, max] households.
 *
 * 1. Region growing, smallest first: the cluster with the fewest households (below the minimum)
 *    joins the neighbour that keeps the union most compact and erases the weakest border,
 *    as long as the union stays within the maximum — never across a strong barrier (major
 *    road, river, water, rail).
 * 2. A cluster that could not grow (its neighbours are full) takes border units from a
 *    neighbour that can spare them.
 * 3. Only then, two clusters that are both still below the minimum may join across a strong
 *    barrier: there was no other way. Whatever is still below the minimum is flagged upstream.
 * 4. Empty units (parks, squares, road space) join the neighbour across the weakest border.
 * Merges only join neighbours, so every grid stays contiguous.
 */
import type { EdgeKind } from './types.js';

export interface Unit {
  households: number;
  area: number;
  perimeter: number;
}

export interface UnitLink {
  a: number;
  b: number;
  lengthByKind: Partial<Record<EdgeKind, number>>;
  length: number;
}

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

export interface Aggregation {
  /** Cluster of each unit. */
  clusterOf: Int32Array;
  /** Units of each cluster (dense ids 0..n-1), and why it had to join across a strong barrier, if it did. */
  clusters: { units: number[]; households: number; crossReasons: CrossReason[] }[];
}

interface Cluster {
  id: number;
  units: Set<number>;
  households: number;
  area: number;
  perimeter: number;
  /** Neighbour cluster → shared border by kind. */
  borders: Map<number, Partial<Record<EdgeKind, number>>>;
  alive: boolean;
  stuck: boolean;
  crossReasons: Set<CrossReason>;
}

/** Why a cluster joined across a strong barrier: a catalogue key (server/i18n/messages/divisions.ts). */
export type CrossReason = 'crossing.both_below_min' | 'crossing.empty' | 'crossing.empty_alone';

function borderLength(border: Partial<Record<EdgeKind, number>>): number {
  // Edges may carry several kinds (a path along a road); the border length is the longest.
  let length = 0;
  for (const value of Object.values(border)) length = Math.max(length, value ?? 0);
  return length;
}

function strongLength(border: Partial<Record<EdgeKind, number>>): number {
  let length = 0;
  for (const kind of STRONG_KINDS) length = Math.max(length, border[kind] ?? 0);
  return length;
}

function borderCost(border: Partial<Record<EdgeKind, number>>): number {
  let cost = 0;
  for (const [kind, length] of Object.entries(border)) cost = Math.max(cost, (length ?? 0) * BARRIER_WEIGHT[kind as EdgeKind]);
  return cost;
}

function addBorder(into: Partial<Record<EdgeKind, number>>, from: Partial<Record<EdgeKind, number>>): void {
  for (const [kind, length] of Object.entries(from)) {
    into[kind as EdgeKind] = (into[kind as EdgeKind] ?? 0) + (length ?? 0);
  }
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

export function aggregate(units: Unit[], links: UnitLink[], limits: { min: number; max: number }): Aggregation {
  const clusters: Cluster[] = units.map((unit, id) => ({
    id,
    units: new Set([id]),
    households: unit.households,
    area: unit.area,
    perimeter: unit.perimeter,
    borders: new Map(),
    alive: true,
    stuck: false,
    crossReasons: new Set<CrossReason>(),
  }));
  const clusterOf = new Int32Array(units.length).map((_, i) => i);
  // Unit-level borders, for moving single units between clusters later.
  const unitBorders: Map<number, Partial<Record<EdgeKind, number>>>[] = units.map(() => new Map());
  for (const link of links) {
    for (const [x, y] of [[link.a, link.b], [link.b, link.a]]) {
      const border = clusters[x].borders.get(y) ?? {};
      addBorder(border, link.lengthByKind);
      clusters[x].borders.set(y, border);
      const unitBorder = unitBorders[x].get(y) ?? {};
      addBorder(unitBorder, link.lengthByKind);
      unitBorders[x].set(y, unitBorder);
    }
  }
  const merge = (from: Cluster, into: Cluster, reason: CrossReason) => {
    const border = from.borders.get(into.id)!;
    if (strongLength(border) > 1) into.crossReasons.add(reason);
    for (const earlier of from.crossReasons) into.crossReasons.add(earlier);
    const shared = borderLength(border);
    into.households += from.households;
    into.area += from.area;
    into.perimeter += from.perimeter - 2 * shared;
    for (const unit of from.units) {
      into.units.add(unit);
      clusterOf[unit] = into.id;
    }
    into.borders.delete(from.id);
    for (const [other, otherBorder] of from.borders) {
      if (other === into.id) continue;
      const mine = into.borders.get(other) ?? {};
      addBorder(mine, otherBorder);
      into.borders.set(other, mine);
      const theirs = clusters[other].borders;
      const back = theirs.get(into.id) ?? {};
      addBorder(back, theirs.get(from.id) ?? {});
      theirs.delete(from.id);
      theirs.set(into.id, back);
    }
    from.alive = false;
    from.units = new Set();
    from.borders = new Map();
  };

  /** Lower is better: a compact union, and a weak border erased. */
  const mergeScore = (a: Cluster, b: Cluster): number => {
    const border = a.borders.get(b.id)!;
    const shared = borderLength(border);
    const perimeter = a.perimeter + b.perimeter - 2 * shared;
    const compactness = (4 * Math.PI * (a.area + b.area)) / Math.max(perimeter * perimeter, 1e-9);
    const cost = borderCost(border) / Math.max(shared, 1);
    return cost / 100 - compactness;
  };

  /**
   * Grows clusters below the minimum, smallest first, by joining the best neighbour that keeps
   * the union within the maximum. Across strong barriers only when `acrossStrong` (and then
   * only with a neighbour that is below the minimum too: both gain, so there was no other way).
   */
  const grow = (acrossStrong: boolean) => {
    const heap = new Heap();
    for (const cluster of clusters) {
      if (cluster.alive && cluster.households > 0 && cluster.households < limits.min) heap.push(cluster.households, cluster.id);
    }
    for (let entry = heap.pop(); entry; entry = heap.pop()) {
      const cluster = clusters[entry[1]];
      if (!cluster.alive || cluster.households !== entry[0] || cluster.households >= limits.min) continue;
      let best: Cluster | undefined;
      let bestScore = Infinity;
      for (const [neighbourId, border] of cluster.borders) {
        const neighbour = clusters[neighbourId];
        if (neighbour.households === 0 || cluster.households + neighbour.households > limits.max) continue;
        const strong = strongLength(border) > 1;
        if (strong && (!acrossStrong || neighbour.households >= limits.min)) continue;
        const score = mergeScore(cluster, neighbour);
        if (score < bestScore) {
          best = neighbour;
          bestScore = score;
        }
      }
      if (!best) {
        cluster.stuck = true;
        continue;
      }
      const into = best.households >= cluster.households ? best : cluster;
      const from = into === best ? cluster : best;
      merge(from, into, 'crossing.both_below_min');
      if (into.households < limits.min) heap.push(into.households, into.id);
    }
  };
  grow(false);

  // Stuck clusters below the minimum take border units from neighbours that can spare them.
  for (const cluster of clusters) {
    if (!cluster.alive || !cluster.stuck || cluster.households >= limits.min) continue;
    let moved = true;
    while (moved && cluster.households < limits.min) {
      moved = false;
      for (const neighbourId of [...cluster.borders.keys()]) {
        const neighbour = clusters[neighbourId];
        for (const unit of neighbour.units) {
          const h = units[unit].households;
          if (h === 0 || neighbour.households - h < limits.min || cluster.households + h > limits.max) continue;
          if (![...unitBorders[unit].keys()].some((u) => clusterOf[u] === cluster.id)) continue;
          if (!stillConnectedWithout(neighbour.units, unit, unitBorders)) continue;
          moveUnit(unit, neighbour, cluster);
          moved = true;
          break;
        }
        if (cluster.households >= limits.min) break;
      }
    }
  }

  function moveUnit(unit: number, from: Cluster, to: Cluster) {
    const u = units[unit];
    from.units.delete(unit);
    to.units.add(unit);
    clusterOf[unit] = to.id;
    from.households -= u.households;
    to.households += u.households;
    from.area -= u.area;
    to.area += u.area;
    // Borders change around the moved unit; recompute both clusters' from unit borders.
    for (const cluster of [from, to]) recomputeBorders(cluster);
    for (const [neighbourUnit] of unitBorders[unit]) recomputeBorders(clusters[clusterOf[neighbourUnit]]);
  }

  function recomputeBorders(cluster: Cluster) {
    for (const other of cluster.borders.keys()) clusters[other].borders.delete(cluster.id);
    cluster.borders = new Map();
    let shared = 0;
    let perimeter = 0;
    for (const unit of cluster.units) {
      perimeter += units[unit].perimeter;
      for (const [otherUnit, border] of unitBorders[unit]) {
        const other = clusterOf[otherUnit];
        if (other === cluster.id) {
          shared += borderLength(border);
          continue;
        }
        const mine = cluster.borders.get(other) ?? {};
        addBorder(mine, border);
        cluster.borders.set(other, mine);
        clusters[other].borders.set(cluster.id, mine);
      }
    }
    cluster.perimeter = perimeter - shared;
  }

  grow(true);

  // Empty units (squares, parks, the strip between two carriageways) first join each other
  // across weak borders, then the neighbour whose border with them has the least strong
  // barrier, the cheapest and the longest.
  const emptyScore = (empty: Cluster, neighbour: Cluster): number => {
    const border = empty.borders.get(neighbour.id)!;
    const length = Math.max(borderLength(border), 1);
    return strongLength(border) * 1e3 + borderCost(border) / length - length / 1e4;
  };
  for (const empty of clusters) {
    if (!empty.alive || empty.households !== 0) continue;
    for (const [neighbourId, border] of [...empty.borders]) {
      const neighbour = clusters[neighbourId];
      if (empty.alive && neighbour.alive && neighbour.households === 0 && strongLength(border) <= 1) {
        merge(empty, neighbour, 'crossing.empty');
      }
    }
  }
  let pending = clusters.filter((c) => c.alive && c.households === 0);
  while (pending.length > 0) {
    const next: Cluster[] = [];
    for (const empty of pending) {
      if (!empty.alive) continue;
      let best: Cluster | undefined;
      let bestScore = Infinity;
      for (const neighbourId of empty.borders.keys()) {
        const neighbour = clusters[neighbourId];
        const score = emptyScore(empty, neighbour) + (neighbour.households === 0 ? 1e9 : 0);
        if (score < bestScore) {
          bestScore = score;
          best = neighbour;
        }
      }
      if (best) merge(empty, best, 'crossing.empty_alone');
      else next.push(empty);
    }
    if (next.length === pending.length) break; // isolated empty units stay on their own
    pending = next;
  }

  const alive = clusters.filter((c) => c.alive);
  const dense = new Map(alive.map((c, i) => [c.id, i]));
  return {
    clusterOf: clusterOf.map((id) => dense.get(id)!),
    clusters: alive.map((c) => ({ units: [...c.units], households: c.households, crossReasons: [...c.crossReasons] })),
  };
}

/** Whether `units` minus `removed` is still one connected group (by unit borders). */
function stillConnectedWithout(units: Set<number>, removed: number, borders: Map<number, unknown>[]): boolean {
  const rest = [...units].filter((u) => u !== removed);
  if (rest.length <= 1) return rest.length === 1;
  const seen = new Set([rest[0]]);
  const stack = [rest[0]];
  while (stack.length > 0) {
    const u = stack.pop()!;
    for (const v of borders[u].keys()) {
      if (v !== removed && units.has(v) && !seen.has(v)) {
        seen.add(v);
        stack.push(v);
      }
    }
  }
  return seen.size === rest.length;
}
