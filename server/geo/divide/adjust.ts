/**
 * Re-division that keeps what still works (网格调整). Starting from a village's live grids:
 * a basic grid whose households (counted from today's buildings) are within [min, max] — or
 * that is one building or compound over the maximum, which no border can fix — is kept as it
 * is, same code and same border. The others are freed, and with them, where a freed group
 * cannot be divided into grids in range on its own (too few households, say), the smallest of
 * their neighbours until it can. Only the freed ground is divided again (runDivision with
 * `keep`); the proposal says of each grid whether it is kept, changed (drawn anew where grids
 * were) or new (where no grid was), and `stability` is the share of households whose grid
 * stays the same.
 */
import * as turf from '@turf/turf';
import type { Feature } from 'geojson';
import type { DivisionInput, KeptGridInput } from './input.js';
import type { Polygonal } from '../validate.js';
import { planarBuildings, PolygonLocator, type MetricsInput } from './metrics.js';
import { areaProjection, projectPolygonal } from './polygon.js';
import type { RunResult } from './run.js';

export interface LiveGrid {
  code: string;
  kind: 'basic' | 'special';
  geometry: Polygonal;
}

export interface AdjustmentPlan {
  keep: KeptGridInput[];
  /** The live grids whose ground is divided again. */
  freed: KeptGridInput[];
}

/** Two grids are neighbours when their outlines come within this many metres. */
const TOUCH_M = 0.5;

/** Whether `households` can be made into grids of [min, max]: some k with k·min ≤ h ≤ k·max. */
export function divisible(households: number, min: number, max: number): boolean {
  if (households === 0) return true;
  const k = Math.ceil(households / max);
  return k * min <= households;
}

/** Each input building's grid among `grids` (by position in input.buildings), or -1; by the metrics' rule. */
function gridOfBuildings(input: DivisionInput, grids: KeptGridInput[]): { gridOf: Int32Array; homes: Set<string>[]; households: number[] } {
  const projection = areaProjection(input.area);
  const locator = new PolygonLocator(grids.map((g) => projectPolygonal(g.geometry, projection)));
  const collection: MetricsInput['buildings'] = {
    type: 'FeatureCollection',
    features: input.buildings.map((b) => ({ type: 'Feature', geometry: b.geometry, properties: { households: b.households, compound: b.compound ?? undefined } })) as MetricsInput['buildings']['features'],
  };
  const gridOf = new Int32Array(input.buildings.length).fill(-1);
  const households = new Array<number>(grids.length).fill(0);
  const homes: Set<string>[] = grids.map(() => new Set());
  for (const b of planarBuildings(collection, projection)) {
    const g = locator.locate(b.point[0], b.point[1]);
    if (g < 0) continue;
    gridOf[b.index] = g;
    households[g] += b.households;
    if (b.households > 0) homes[g].add(b.compound !== null ? `c:${b.compound}` : `b:${b.index}`);
  }
  return { gridOf, homes, households };
}

export function planAdjustment(input: DivisionInput, live: LiveGrid[]): AdjustmentPlan {
  const { minHouseholds: min, maxHouseholds: max } = input;
  const basic = live.filter((g) => g.kind === 'basic');
  const projection = areaProjection(input.area);
  const { homes, households } = gridOfBuildings(input, basic);
  const meetsRules = (g: number) => (households[g] >= min && households[g] <= max) || (households[g] > max && homes[g].size === 1);

  // Neighbours: outlines within TOUCH_M of each other (bounding boxes first).
  const boxes = basic.map((g) => turf.bbox(g.geometry));
  const pad = TOUCH_M / 111_000 / Math.cos((projection.origin[1] * Math.PI) / 180);
  const neighbours: number[][] = basic.map(() => []);
  for (let i = 0; i < basic.length; i++) {
    for (let j = i + 1; j < basic.length; j++) {
      const [a, b] = [boxes[i], boxes[j]];
      if (a[0] - pad > b[2] || b[0] - pad > a[2] || a[1] - pad > b[3] || b[1] - pad > a[3]) continue;
      if (!turf.booleanDisjoint(turf.buffer(basic[i].geometry as never, TOUCH_M, { units: 'meters' }) as Feature, basic[j].geometry as never)) {
        neighbours[i].push(j);
        neighbours[j].push(i);
      }
    }
  }

  const freed = new Set(basic.map((_, g) => g).filter((g) => !meetsRules(g)));
  // Each connected group of freed grids must be divisible on its own; if not, it takes its
  // smallest neighbour, until it is (or nothing is left to take).
  for (let round = 0; round < basic.length; round++) {
    let grew = false;
    const seen = new Set<number>();
    for (const start of freed) {
      if (seen.has(start)) continue;
      const group: number[] = [];
      const stack = [start];
      seen.add(start);
      while (stack.length > 0) {
        const g = stack.pop()!;
        group.push(g);
        for (const n of neighbours[g]) if (freed.has(n) && !seen.has(n)) (seen.add(n), stack.push(n));
      }
      const total = group.reduce((s, g) => s + households[g], 0);
      if (divisible(total, min, max)) continue;
      const around = [...new Set(group.flatMap((g) => neighbours[g]))].filter((n) => !freed.has(n));
      if (around.length === 0) continue;
      const smallest = around.reduce((a, b) => (households[b] < households[a] ? b : a));
      freed.add(smallest);
      grew = true;
    }
    if (!grew) break;
  }
  return {
    keep: basic.filter((_, g) => !freed.has(g)).map((g) => ({ code: g.code, geometry: g.geometry })),
    freed: basic.filter((_, g) => freed.has(g)).map((g) => ({ code: g.code, geometry: g.geometry })),
  };
}

/**
 * Marks each proposed grid of an adjustment (input.keep, input.freed) kept, changed (it holds
 * homes that were in a freed grid) or new, and measures stability: the share of households
 * whose grid code stays the same.
 */
export function markAdjustment<R extends RunResult>(result: R, input: DivisionInput): R {
  const before = [...(input.keep ?? []), ...(input.freed ?? [])];
  const { gridOf } = gridOfBuildings(input, before);
  const byNumber = new Map(result.proposal.features.map((g) => [g.properties.number, g]));
  const wasGridded = new Set<string>();
  let total = 0;
  let stayed = 0;
  result.proposal.buildingGrid.forEach((number, i) => {
    const households = input.buildings[i]?.households ?? 0;
    total += households;
    const grid = number !== null ? byNumber.get(number) : undefined;
    if (!grid || gridOf[i] < 0) return;
    if (grid.properties.code === before[gridOf[i]].code) stayed += households;
    wasGridded.add(number!);
  });
  for (const grid of result.proposal.features) {
    // A special grid candidate is new ground of the proposal like a basic grid: changed where it holds buildings of a freed grid.
    if ((grid.properties.kind !== 'basic' && !grid.properties.candidate) || grid.properties.status === 'kept') continue;
    grid.properties.status = wasGridded.has(grid.properties.number) ? 'changed' : 'new';
  }
  result.metrics.stability = total > 0 ? stayed / total : 1;
  return result;
}
