/**
 * npm run bench:division — auto-division on real and synthetic places, side by side with the
 * division as it was before (scripts/bench/division/previous.ts) and two naive baselines
 * (weighted k-means + Voronoi, H3 hexagons), all run in the same process on the same input and
 * measured by the same divisionMetrics.
 *
 * Places: see places.ts (Wuhan, Kunming, the held-out places under GRIDGOV_DIVISION_HELDOUT,
 * a synthetic dense centre, a synthetic town of 10,000 buildings). Name some to run only those:
 * `npm run bench:division -- wuhan dense`.
 *
 * Then a re-division of each real place after a year of building: a dozen blocks gain 60 % more
 * households, and the place is adjusted from the grids proposed before (adjust.ts): the share
 * of households that keep their grid, and the grids in range.
 */
import type { FeatureCollection } from 'geojson';
import { parseDivisionInput } from '../../../server/geo/divide/input.js';
import { metricsInputOf, runDivision, type RunResult } from '../../../server/geo/divide/run.js';
import { divisionMetrics, type DivisionMetrics } from '../../../server/geo/divide/metrics.js';
import { hexBinning, kmeansVoronoi } from '../../../server/geo/divide/baselines.js';
import { prepareDivision } from '../../../server/geo/divide/prepare.js';
import { planAdjustment, type LiveGrid } from '../../../server/geo/divide/adjust.js';
import { seededRandom } from '../../../server/geo/random.js';
import { previousMethod as loadPrevious } from './previous.js';
import { places, type Place } from './places.js';
import { translate } from '../../../server/i18n/catalogue.js';

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
const all = places(process.argv.slice(2));
const results = new Map<string, RunResult>();
for (const p of all) {
  const { name, input } = p;
  const households = input.buildings.reduce((s, b) => s + b.households, 0);
  console.log(`### ${name}: ${input.buildings.length} buildings, ${households} households, ${input.barriers.length} barriers\n`);
  console.log('| method | grids | in range | in range (not counting one building/compound over max) | flagged (a planner must act) | flagged or noted | CV | alignment | PP median (basic grids) | PP median (all grids) | special candidates | compounds split | buildings split | major road/river inside | runtime |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
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
  // Flagged: grids with a flag, which asks a planner to act. Flagged or noted adds the grids with
  // only a note (one tower or compound over the cap: true, but nothing to redraw); before notes
  // existed those carried a flag, so that column compares with earlier rounds and the previous method.
  const share = (n: number | undefined, m: DivisionMetrics) => (n === undefined ? '–' : `${n} (${pct(n / Math.max(m.grids, 1))})`);
  // PP: the basic grids' median (what earlier rounds reported: no place here has special grids
  // of its own), and all grids' (the special grid candidates included). Candidates: large land
  // without homes proposed as special grids (stages/specials.ts), counted apart from the notes.
  const line = (method: string, m: DivisionMetrics, ms: number, flagged?: number, noted?: number, candidates?: number) =>
    console.log(
      `| ${method} | ${m.grids} | ${pct(m.withinRangeShare)} | ${pct(m.withinRangeShareDivisible)} | ${share(flagged, m)} | ${share(flagged === undefined ? undefined : flagged + (noted ?? 0), m)} | ${m.householdsCV.toFixed(2)} | ${pct(m.boundaryAlignment)} | ${(m.polsbyPopperMedianBasic ?? m.polsbyPopperMedian).toFixed(2)} | ${m.polsbyPopperMedian.toFixed(2)} | ${candidates ?? '–'} | ${m.compoundsSplit} | ${m.buildingsSplit} | ${m.barrierCrossingM.toFixed(0)} m | ${ms.toFixed(0)} ms (×${(ms / oursMs).toFixed(2)}) |`,
    );
  line('**gridgov**', ours.metrics, oursMs, ours.metrics.flagged, ours.metrics.noted, ours.metrics.specialCandidates);
  line('previous gridgov', divisionMetrics(metricsInputOf(input, previousGrids)), previousMs, flaggedOf(previousGrids));
  line('k-means + Voronoi', divisionMetrics(metricsInputOf(input, kmeans)), kmeansMs);
  line('H3 hexagons', divisionMetrics(metricsInputOf(input, hex)), hexMs);
  console.log(`\n(gridgov division alone, without metrics: ${ours.metrics.runtimeMs.toFixed(0)} ms; cuts through a building: ${ours.metrics.cutsThroughBuildings})\n`);
}

// Runtime at 10,000 buildings: the division alone, gridgov against the previous method, best of 3.
const town = all.find((p) => !p.real);
if (town) {
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
console.log('| place | grids before | kept | changed/new | households keeping their grid | in range (not counting one building/compound over max) | flagged (act) | flagged or noted | runtime |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const p of all.filter((x) => x.real)) {
  const before = results.get(p.name)!;
  const live: LiveGrid[] = before.proposal.features.map((g, i) => ({
    code: `999999999999${String(i + 1).padStart(3, '0')}`,
    kind: g.properties.kind,
    geometry: g.geometry,
  }));
  const grown = grownBuildings(p, 12, 1.6);
  // The applied proposal's special grids (candidates for land without homes) are live special
  // grids now: the service sends them as specials to keep (services/division-request.ts storedInputs).
  const specials = before.proposal.features.flatMap((g, i) =>
    g.properties.kind === 'special' ? [{ type: 'Feature', geometry: g.geometry, properties: { specialType: g.properties.specialType ?? 'other', code: live[i].code } }] : [],
  );
  const body = { ...p.body, buildings: grown, ...(specials.length > 0 ? { specials: { type: 'FeatureCollection', features: specials } } : {}) };
  const parsed = parseDivisionInput(body, p.boundary);
  if (parsed.problems) throw new Error(translate(parsed.problems[0].message, 'en'));
  const t = performance.now();
  const plan = planAdjustment(parsed.value, live.filter((g) => g.kind === 'basic'));
  const adjusted = await runDivision({ ...parsed.value, keep: plan.keep, freed: plan.freed });
  const ms = performance.now() - t;
  const m = adjusted.metrics;
  const kept = adjusted.proposal.features.filter((g) => g.properties.status === 'kept').length;
  console.log(
    `| ${p.name} | ${live.length} | ${kept} | ${adjusted.proposal.features.length - kept} | ${pct(m.stability ?? 0)} | ${pct(m.withinRangeShareDivisible)} | ${m.flagged} | ${m.flagged + (m.noted ?? 0)} | ${ms.toFixed(0)} ms |`,
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
