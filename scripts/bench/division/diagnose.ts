/**
 * Why is a grid out of range, or flagged? Divides one place of the benchmark (places.ts) and,
 * for every basic grid outside [min, max] or carrying a flag, says what stands around it: its
 * units (the pieces the grouping moves), and each neighbouring grid with the lines between them
 * (weak, a major road, or hard: river, water, rail) and whether the two together would fit.
 * Writes the proposal and a picture of it (render-division.ts) for looking at.
 *
 *   npx tsx scripts/bench/division/diagnose.ts <place key> [out folder]    (keys: wuhan, kunming, dense, town, held-out folder names)
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { prepareDivision } from '../../../server/geo/divide/prepare.js';
import { divideInStages } from '../../../server/geo/divide/index.js';
import { HARD_KINDS, kindsLength, STRONG_KINDS, type Border } from '../../../server/geo/divide/aggregate.js';
import { addBorder } from '../../../server/geo/divide/aggregate.js';
import { divisionMetrics } from '../../../server/geo/divide/metrics.js';
import { metricsInputOf } from '../../../server/geo/divide/run.js';
import { places } from './places.js';

const [key, outArg] = process.argv.slice(2);
const place = places([key])[0];
if (!place) {
  console.error(`no place ${key}`);
  process.exit(2);
}
const out = outArg ?? path.join('/tmp', 'diagnose', key);
fs.mkdirSync(out, { recursive: true });

const prepared = prepareDivision(place.input).value;
const { min, max } = { min: prepared.minHouseholds, max: prepared.maxHouseholds };
const started = performance.now();
const stages = await divideInStages(prepared);
const ms = performance.now() - started;
const { units, clusterOf, proposal } = stages;

// Grid (index into proposal.grids) of each cluster, by its buildings.
const gridOfCluster = new Map<number, number>();
prepared.buildings.forEach((building, i) => {
  const face = stages.blocks.faceOf[i];
  const unit = face >= 0 ? units.unitOfFace[face] : -1;
  const grid = proposal.gridOfBuilding.get(building.index);
  if (unit >= 0 && grid !== undefined && grid >= 0) gridOfCluster.set(clusterOf[unit], grid);
});
const clusterOfGrid = new Map([...gridOfCluster].map(([c, g]) => [g, c]));
const householdsOf = new Map<number, number>();
const unitsOf = new Map<number, number[]>();
clusterOf.forEach((c, u) => {
  householdsOf.set(c, (householdsOf.get(c) ?? 0) + units.units[u].households);
  unitsOf.set(c, [...(unitsOf.get(c) ?? []), u]);
});
// Borders between clusters, by kind.
const borders = new Map<number, Map<number, Border>>();
for (const link of units.links) {
  const [a, b] = [clusterOf[link.a], clusterOf[link.b]];
  if (a === b || a < 0 || b < 0) continue;
  for (const [x, y] of [[a, b], [b, a]]) {
    const mine = borders.get(x) ?? new Map<number, Border>();
    const border = mine.get(y) ?? {};
    addBorder(border, link.lengthByKind);
    mine.set(y, border);
    borders.set(x, mine);
  }
}
const kindOf = (border: Border) => (kindsLength(border, HARD_KINDS) > 1 ? 'hard' : kindsLength(border, STRONG_KINDS) > 1 ? 'major' : 'weak');

const lines: string[] = [];
const counts = new Map<string, number>();
const count = (cause: string) => counts.set(cause, (counts.get(cause) ?? 0) + 1);
proposal.grids.forEach((grid, g) => {
  const p = grid.properties;
  if (p.kind !== 'basic') return;
  const h = p.households;
  const out = h < min || h > max;
  if (!out && p.flags.length === 0) return;
  const c = clusterOfGrid.get(g);
  const members = c === undefined ? [] : (unitsOf.get(c) ?? []);
  const homes = members.filter((u) => units.units[u].households > 0).map((u) => units.units[u].households).sort((a, b) => b - a);
  const around = c === undefined ? [] : [...(borders.get(c) ?? new Map<number, Border>())].map(([n, border]) => ({ n, border, kind: kindOf(border), h: householdsOf.get(n) ?? 0, grid: gridOfCluster.get(n) }));
  const describe = around
    .filter((a) => a.h > 0)
    .map((a) => `${a.grid !== undefined ? proposal.grids[a.grid].properties.number : '?'}:${a.h}/${a.kind}${h + a.h <= max ? '(fits)' : ''}`)
    .join(' ');
  let cause = '';
  const buildingsIn = place.input.buildings.filter((b) => proposal.gridOfBuilding.get(b.index) === g && b.households > 0).map((b) => b.households);
  const largest = Math.max(0, ...buildingsIn);
  if (h > max) cause = buildingsIn.length <= 1 ? 'over: one building' : homes.length <= 1 ? (largest > max ? 'over: one unit with a building over max' : 'over: one unit of several buildings') : `over: ${homes.length} units`;
  else if (h < min) {
    const fits = around.filter((a) => a.h > 0 && h + a.h <= max);
    if (around.filter((a) => a.h > 0).length === 0) cause = 'under: no neighbour with homes';
    else if (fits.length === 0) cause = 'under: every neighbour full';
    else if (fits.every((a) => a.kind === 'hard')) cause = 'under: only across hard';
    else if (fits.every((a) => a.kind !== 'weak')) cause = 'under: only across a major road';
    else cause = 'under: a weak neighbour would fit';
  }
  for (const flag of p.flags) {
    const what = flag.code === 'crosses_barrier' ? `crosses ${flag.params.kind}` : flag.code;
    count(`flag: ${what}`);
  }
  if (cause) count(cause);
  const crossings = proposal.crossings.filter((x) => x.properties.gridNumber === p.number);
  const reasons = [...new Set(crossings.map((x) => x.properties.reason))].join(',');
  lines.push(
    `${p.number} ${h} hh ${cause ? `[${cause}]` : ''} units ${homes.join('+')} (${buildingsIn.length} homes, largest ${largest}) flags ${p.flags.map((f) => f.code + (f.params.lengthM ? `:${f.params.name || f.params.kind} ${f.params.lengthM}m` : '')).join(',') || '-'}${reasons ? ` (${reasons})` : ''}\n    around ${describe}`,
  );
});

const m = divisionMetrics(metricsInputOf(place.input, proposal.grids));
const flagged = proposal.grids.filter((g) => g.properties.flags.length > 0).length;
console.log(
  `${place.name}: ${proposal.grids.length} grids, in range ${(m.withinRangeShareDivisible * 100).toFixed(1)} %, flagged ${flagged} (${((flagged / proposal.grids.length) * 100).toFixed(1)} %), alignment ${(m.boundaryAlignment * 100).toFixed(1)} %, PP ${m.polsbyPopperMedian.toFixed(2)}, buildings split ${m.buildingsSplit}, ${ms.toFixed(0)} ms`,
);
console.log([...counts].sort((a, b) => b[1] - a[1]).map(([cause, n]) => `  ${n} × ${cause}`).join('\n'));
fs.writeFileSync(path.join(out, 'grids.txt'), lines.join('\n') + '\n');
fs.writeFileSync(path.join(out, 'proposal.geojson'), JSON.stringify({ type: 'FeatureCollection', features: proposal.grids }));
fs.writeFileSync(path.join(out, 'barriers.geojson'), JSON.stringify(place.body.barriers));
fs.writeFileSync(path.join(out, 'buildings.geojson'), JSON.stringify(place.body.buildings));
execFileSync('npx', ['tsx', 'scripts/render-division.ts', path.join(out, 'proposal.geojson'), path.join(out, 'proposal.png'), path.join(out, 'barriers.geojson'), '--buildings', path.join(out, 'buildings.geojson')]);
console.log(`  → ${out}/grids.txt, proposal.png`);
// The cut lines, for drawing over the proposal.
fs.writeFileSync(
  path.join(out, 'cuts.geojson'),
  JSON.stringify({
    type: 'FeatureCollection',
    features: stages.cuts.lines.map((line) => ({ type: 'Feature', properties: { kind: 'rail' }, geometry: { type: 'LineString', coordinates: line.coords.map((p) => prepared.projection.inverse(p)) } })),
  }),
);
