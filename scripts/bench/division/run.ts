/**
 * npm run bench:division — auto-division on real and synthetic places, side by side with the
 * division as it was before (scripts/bench/division/previous.ts) and two naive baselines
 * (weighted k-means + Voronoi, H3 hexagons), all run in the same process on the same input and
 * measured by the same divisionMetrics.
 *
 * Places: Wuhan Optics Valley (buildings, roads, a pond; ../shared/data), Kunming Jinjiang Road
 * (buildings with their compounds, no roads), a synthetic town of 10,000 buildings / 40,000
 * households (scripts/bench/division/town.ts), a synthetic dense centre of ≈ 1,100 buildings
 * with dual carriageways, a river and a creek (scripts/bench/division/dense.ts), and every held-out place found under
 * GRIDGOV_DIVISION_HELDOUT (default ../heldout): a folder with buildings.geojson (households
 * given), roads.geojson and optionally water.geojson, as scripts/bench/division/tilezen.ts
 * writes them. A real place's area is its buildings' bounding box grown by 40 m.
 *
 * Then a re-division of each real place after a year of building: a dozen blocks gain 60 % more
 * households, and the place is adjusted from the grids proposed before (adjust.ts): the share
 * of households that keep their grid, and the grids in range.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FeatureCollection, Polygon } from 'geojson';
import { parseDivisionInput, type DivisionInput } from '../../../server/geo/divide/input.js';
import { metricsInputOf, runDivision, type RunResult } from '../../../server/geo/divide/run.js';
import { divisionMetrics, type DivisionMetrics } from '../../../server/geo/divide/metrics.js';
import { hexBinning, kmeansVoronoi } from '../../../server/geo/divide/baselines.js';
import { prepareDivision } from '../../../server/geo/divide/prepare.js';
import { planAdjustment, type LiveGrid } from '../../../server/geo/divide/adjust.js';
import { BARRIER_KINDS } from '../../../server/geo/divide/types.js';
import { seededRandom } from '../../../server/geo/random.js';
import { previousMethod as loadPrevious } from './previous.js';
import { syntheticTown } from './town.js';
import { denseCity } from './dense.js';

const shared = path.resolve('..', 'shared', 'data');
const heldout = path.resolve(process.env.GRIDGOV_DIVISION_HELDOUT ?? path.join('..', 'heldout'));
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as FeatureCollection;
const read = (file: string) => readJson(path.join(shared, file));

function bboxArea(buildings: FeatureCollection, marginM: number): Polygon {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const f of buildings.features) {
    const g = f.geometry as Polygon;
    const rings = g.type === 'Polygon' ? g.coordinates : (g as unknown as { coordinates: number[][][][] }).coordinates.flat();
    for (const [x, y] of rings.flat()) {
      xs.push(x);
      ys.push(y);
    }
  }
  const dLat = marginM / 110_574;
  const dLon = marginM / (111_320 * Math.cos((ys[0] * Math.PI) / 180));
  const [x0, y0, x1, y1] = [Math.min(...xs) - dLon, Math.min(...ys) - dLat, Math.max(...xs) + dLon, Math.max(...ys) + dLat];
  return { type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] };
}

/** Keeps barriers of the kinds gridgov knows (OSM-derived files carry others, e.g. construction, ferry). */
function knownBarriers(...collections: FeatureCollection[]): FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: collections.flatMap((c) =>
      c.features.filter((f) => (BARRIER_KINDS as readonly string[]).includes(String(f.properties?.kind)) && f.geometry && f.geometry.type !== 'Point'),
    ),
  };
}

interface Place {
  name: string;
  input: DivisionInput;
  body: Record<string, unknown>;
  boundary: Polygon;
  /** Also re-divided after a year of building (every place but the 10,000-building town). */
  real: boolean;
}

function place(name: string, boundary: Polygon, buildings: FeatureCollection, barriers: FeatureCollection, real: boolean): Place {
  const body = { buildings, barriers };
  const parsed = parseDivisionInput(body, boundary);
  if (parsed.problems) throw new Error(`${name}: ${parsed.problems.map((p) => p.message).join('; ')}`);
  return { name, input: parsed.value, body, boundary, real };
}

function places(): Place[] {
  const list: Place[] = [];
  if (fs.existsSync(shared)) {
    const wuhan = read('wuhan_optics_buildings.geojson');
    list.push(place('Wuhan Optics Valley', bboxArea(wuhan, 40), wuhan, knownBarriers(read('wuhan_optics_roads.geojson'), read('wuhan_optics_water.geojson')), true));
    const kunming = read('kunming_jinjianglu_buildings.geojson');
    for (const f of kunming.features) f.properties = { ...f.properties, compound: f.properties?.community || undefined };
    list.push(place('Kunming Jinjiang Road', bboxArea(kunming, 40), kunming, { type: 'FeatureCollection', features: [] }, true));
  } else {
    console.error(`(${shared} not found: real places skipped)`);
  }
  if (fs.existsSync(heldout)) {
    for (const folder of fs.readdirSync(heldout).sort()) {
      const dir = path.join(heldout, folder);
      if (!fs.existsSync(path.join(dir, 'buildings.geojson'))) continue;
      const buildings = readJson(path.join(dir, 'buildings.geojson'));
      const layers = ['roads.geojson', 'water.geojson'].filter((f) => fs.existsSync(path.join(dir, f))).map((f) => readJson(path.join(dir, f)));
      list.push(place(`Held-out: ${folder}`, bboxArea(buildings, 40), buildings, knownBarriers(...layers), true));
    }
  }
  const dense = denseCity(7);
  list.push(place('Synthetic dense centre (dual carriageways, a river, a creek)', dense.area, dense.buildings, dense.barriers as FeatureCollection, true));
  const town = syntheticTown({ seed: 1 });
  list.push(place('Synthetic town (10,000 buildings)', town.area, town.buildings as FeatureCollection, town.barriers as FeatureCollection, false));
  return list;
}

const previous = await loadPrevious();
/** The previous method on the same request, checked by its own parser. */
async function previousMethod(p: Place) {
  const parsed = previous.parse(p.body, p.boundary);
  if (parsed.problems) throw new Error(parsed.problems[0].message);
  const result = await previous.run(parsed.value);
  return result.proposal.features as unknown as MetricsGrids;
}
type MetricsGrids = Parameters<typeof metricsInputOf>[1] & { properties: { flags?: unknown[] } }[];

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const flaggedOf = (grids: { properties: { flags?: unknown[] } }[]) => grids.filter((g) => (g.properties.flags?.length ?? 0) > 0).length;

console.log('## Auto-division benchmark (300–500 households; runtime × = relative to gridgov on the same input in this process)\n');
const all = places();
const results = new Map<string, RunResult>();
for (const p of all) {
  const { name, input } = p;
  const households = input.buildings.reduce((s, b) => s + b.households, 0);
  console.log(`### ${name}: ${input.buildings.length} buildings, ${households} households, ${input.barriers.length} barriers\n`);
  console.log('| method | grids | in range | in range (not counting one building/compound over max) | flagged | CV | alignment | PP median | compounds split | buildings split | major road/river inside | runtime |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const t0 = performance.now();
  const ours = await runDivision(input);
  const oursMs = performance.now() - t0;
  results.set(name, ours);
  const t1 = performance.now();
  const previousGrids = await previousMethod(p);
  const previousMs = performance.now() - t1;
  const t2 = performance.now();
  const kmeans = kmeansVoronoi(metricsInputOf(input), { seed: 1 });
  const kmeansMs = performance.now() - t2;
  const t3 = performance.now();
  const hex = hexBinning(metricsInputOf(input));
  const hexMs = performance.now() - t3;
  const line = (method: string, m: DivisionMetrics, ms: number, flagged?: number) =>
    console.log(
      `| ${method} | ${m.grids} | ${pct(m.withinRangeShare)} | ${pct(m.withinRangeShareDivisible)} | ${flagged === undefined ? '–' : `${flagged} (${pct(flagged / Math.max(m.grids, 1))})`} | ${m.householdsCV.toFixed(2)} | ${pct(m.boundaryAlignment)} | ${m.polsbyPopperMedian.toFixed(2)} | ${m.compoundsSplit} | ${m.buildingsSplit} | ${m.barrierCrossingM.toFixed(0)} m | ${ms.toFixed(0)} ms (×${(ms / oursMs).toFixed(2)}) |`,
    );
  line('**gridgov**', ours.metrics, oursMs, ours.metrics.flagged);
  line('previous gridgov', divisionMetrics(metricsInputOf(input, previousGrids)), previousMs, flaggedOf(previousGrids));
  line('k-means + Voronoi', divisionMetrics(metricsInputOf(input, kmeans)), kmeansMs);
  line('H3 hexagons', divisionMetrics(metricsInputOf(input, hex)), hexMs);
  console.log(`\n(gridgov division alone, without metrics: ${ours.metrics.runtimeMs.toFixed(0)} ms; cuts through a building: ${ours.metrics.cutsThroughBuildings})\n`);
}

// Runtime at 10,000 buildings: the division alone, gridgov against the previous method, best of 3.
{
  const town = all.find((p) => !p.real)!;
  // Each run reports its division's own time (without the metrics that follow it).
  const best = async (run: () => Promise<{ metrics: { runtimeMs: number } }>) => {
    let ms = Infinity;
    for (let i = 0; i < 3; i++) ms = Math.min(ms, (await run()).metrics.runtimeMs);
    return ms;
  };
  const ours = await best(() => runDivision(town.input));
  const parsedPrevious = previous.parse(town.body, town.boundary).value;
  const before = await best(() => previous.run(parsedPrevious));
  console.log(`### Runtime, 10,000 buildings (division alone, best of 3)\n`);
  console.log(`gridgov ${ours.toFixed(0)} ms; previous method ${before.toFixed(0)} ms; ratio ×${(ours / before).toFixed(2)} (goal: ≤ 2,000 ms)\n`);
}

// A year of building: a dozen blocks gain 60 % households, then an adjustment keeps what works.
console.log('### Re-division after a dozen blocks gain 60 % households (adjust: true)\n');
console.log('| place | grids before | kept | changed/new | households keeping their grid | in range (not counting one building/compound over max) | flagged | runtime |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const p of all.filter((x) => x.real)) {
  const before = results.get(p.name)!;
  const live: LiveGrid[] = before.proposal.features.map((g, i) => ({
    code: `999999999999${String(i + 1).padStart(3, '0')}`,
    kind: g.properties.kind,
    geometry: g.geometry,
  }));
  const grown = grownBuildings(p, 12, 1.6);
  const body = { ...p.body, buildings: grown };
  const parsed = parseDivisionInput(body, p.boundary);
  if (parsed.problems) throw new Error(parsed.problems[0].message);
  const t = performance.now();
  const plan = planAdjustment(parsed.value, live.filter((g) => g.kind === 'basic'));
  const adjusted = await runDivision({ ...parsed.value, keep: plan.keep, freed: plan.freed });
  const ms = performance.now() - t;
  const m = adjusted.metrics;
  const kept = adjusted.proposal.features.filter((g) => g.properties.status === 'kept').length;
  console.log(
    `| ${p.name} | ${live.length} | ${kept} | ${adjusted.proposal.features.length - kept} | ${pct(m.stability ?? 0)} | ${pct(m.withinRangeShareDivisible)} | ${m.flagged} | ${ms.toFixed(0)} ms |`,
  );
}

/** The place's buildings with `count` blocks (the buildings within 60 m of a seeded pick) gaining by `factor`. */
function grownBuildings(p: Place, count: number, factor: number): FeatureCollection {
  const buildings = structuredClone(p.body.buildings) as FeatureCollection;
  const random = seededRandom(2026);
  const homes = buildings.features.filter((f) => Number(f.properties?.households) > 0);
  const prepared = prepareDivision(p.input).value;
  const pointOf = new Map(prepared.buildings.map((b) => [b.index, b.point]));
  const grown = new Set<number>();
  for (let k = 0; k < count && homes.length > 0; k++) {
    const pick = buildings.features.indexOf(homes[Math.floor(random() * homes.length)]);
    const centre = pointOf.get(pick);
    if (!centre) continue;
    buildings.features.forEach((f, i) => {
      const q = pointOf.get(i);
      if (q && Math.hypot(q[0] - centre[0], q[1] - centre[1]) <= 60 && !grown.has(i)) {
        grown.add(i);
        f.properties = { ...f.properties, households: Math.round(Number(f.properties?.households ?? 0) * factor) };
      }
    });
  }
  return buildings;
}
