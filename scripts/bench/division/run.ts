/**
 * npm run bench:division — auto-division on real and synthetic places, side by side with two
 * baselines run in the same process on the same input (weighted k-means + Voronoi, H3
 * hexagons), every method measured by the same divisionMetrics.
 *
 * Places: Wuhan Optics Valley (buildings, roads, a pond; ../shared/data), Kunming Jinjiang Road
 * (buildings with their compounds, no roads), and a synthetic town of 10,000 buildings /
 * 40,000 households (scripts/bench/division/town.ts). The real places' area is the buildings'
 * bounding box grown by 40 m.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FeatureCollection, Polygon } from 'geojson';
import { parseDivisionInput, type DivisionInput } from '../../../server/geo/divide/input.js';
import { metricsInputOf, runDivision } from '../../../server/geo/divide/run.js';
import { divisionMetrics, type DivisionMetrics } from '../../../server/geo/divide/metrics.js';
import { hexBinning, kmeansVoronoi } from '../../../server/geo/divide/baselines.js';
import { BARRIER_KINDS } from '../../../server/geo/divide/types.js';
import { syntheticTown } from './town.js';

const shared = path.resolve('..', 'shared', 'data');
const read = (file: string) => JSON.parse(fs.readFileSync(path.join(shared, file), 'utf8')) as FeatureCollection;

function bboxArea(buildings: FeatureCollection, marginM: number): Polygon {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const f of buildings.features) {
    const g = f.geometry as Polygon;
    for (const [x, y] of g.coordinates[0]) {
      xs.push(x);
      ys.push(y);
    }
  }
  const dLat = marginM / 110_574;
  const dLon = marginM / (111_320 * Math.cos((ys[0] * Math.PI) / 180));
  const [x0, y0, x1, y1] = [Math.min(...xs) - dLon, Math.min(...ys) - dLat, Math.max(...xs) + dLon, Math.max(...ys) + dLat];
  return { type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] };
}

/** Keeps barriers of the kinds gridgov knows (OSM-derived files carry others, e.g. construction). */
function knownBarriers(...collections: FeatureCollection[]): FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: collections.flatMap((c) =>
      c.features.filter((f) => (BARRIER_KINDS as readonly string[]).includes(String(f.properties?.kind)) && f.geometry.type !== 'Point'),
    ),
  };
}

function place(name: string, boundary: Polygon, buildings: FeatureCollection, barriers: FeatureCollection) {
  const parsed = parseDivisionInput({ buildings, barriers }, boundary);
  if (parsed.problems) throw new Error(`${name}: ${parsed.problems.map((p) => p.message).join('; ')}`);
  return { name, input: parsed.value };
}

function places() {
  const list: { name: string; input: DivisionInput }[] = [];
  if (fs.existsSync(shared)) {
    const wuhan = read('wuhan_optics_buildings.geojson');
    list.push(place('Wuhan Optics Valley', bboxArea(wuhan, 40), wuhan, knownBarriers(read('wuhan_optics_roads.geojson'), read('wuhan_optics_water.geojson'))));
    const kunming = read('kunming_jinjianglu_buildings.geojson');
    for (const f of kunming.features) f.properties = { ...f.properties, compound: f.properties?.community || undefined };
    list.push(place('Kunming Jinjiang Road', bboxArea(kunming, 40), kunming, { type: 'FeatureCollection', features: [] }));
  } else {
    console.error(`(${shared} not found: real places skipped)`);
  }
  const town = syntheticTown({ seed: 1 });
  list.push(place('Synthetic town (10,000 buildings)', town.area, town.buildings as FeatureCollection, town.barriers as FeatureCollection));
  return list;
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const rows: string[] = [];
console.log('## Auto-division benchmark (300–500 households; runtime × = relative to gridgov on the same input in this process)\n');
for (const { name, input } of places()) {
  const households = input.buildings.reduce((s, b) => s + b.households, 0);
  console.log(`### ${name}: ${input.buildings.length} buildings, ${households} households, ${input.barriers.length} barriers\n`);
  console.log('| method | grids | in [300, 500] | flagged | CV | alignment | cut without a line | major road/river inside | PP median | compounds split | buildings split | runtime |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const t0 = performance.now();
  const ours = await runDivision(input);
  const oursMs = performance.now() - t0;
  const t1 = performance.now();
  const kmeans = kmeansVoronoi(metricsInputOf(input), { seed: 1 });
  const kmeansMs = performance.now() - t1;
  const t2 = performance.now();
  const hex = hexBinning(metricsInputOf(input));
  const hexMs = performance.now() - t2;
  const line = (method: string, m: DivisionMetrics, ms: number, extra: { flagged?: number; cut?: number }) =>
    console.log(
      `| ${method} | ${m.grids} | ${pct(m.withinRangeShare)} | ${extra.flagged ?? '–'} | ${m.householdsCV.toFixed(2)} | ${pct(m.boundaryAlignment)} | ${extra.cut !== undefined ? pct(extra.cut) : '–'} | ${m.barrierCrossingM.toFixed(0)} m | ${m.polsbyPopperMedian.toFixed(2)} | ${m.compoundsSplit} | ${m.buildingsSplit} | ${ms.toFixed(0)} ms (×${(ms / oursMs).toFixed(2)}) |`,
    );
  line('**gridgov**', ours.metrics, oursMs, { flagged: ours.metrics.flagged, cut: ours.metrics.cutBorderShare });
  line('k-means + Voronoi', divisionMetrics(metricsInputOf(input, kmeans)), kmeansMs, {});
  line('H3 hexagons', divisionMetrics(metricsInputOf(input, hex)), hexMs, {});
  console.log(`\n(gridgov division alone, without metrics: ${ours.metrics.runtimeMs.toFixed(0)} ms; cuts through a building: ${ours.metrics.cutsThroughBuildings})\n`);
  rows.push(name);
}
