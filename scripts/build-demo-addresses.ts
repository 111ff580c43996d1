/**
 * Builds data/demo/addresses.csv: an illustrative standard-address registry (标准地址) for the
 * demo grids, so that geocoding and a grid's households can be tried on a fresh start.
 *
 * Run: npx tsx scripts/build-demo-addresses.ts   (reads data/demo/*.geojson only)
 *
 * Everything here is made up, like the demo communities: each community gets one road named
 * after it (东街示范一路 …), each basic grid two gates on that road, numbered west → east in odd
 * numbers, and behind each gate a compound of buildings × units × floors × rooms. Positions are
 * seeded pseudo-random points inside the grid. Deterministic: running it twice gives the same file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as turf from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { seededRandom } from '../server/geo/random.js';

const DEMO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'data', 'demo');
const OUT = path.join(DEMO, 'addresses.csv');
const PREFIX = '福建省福州市鼓楼区';
const COMPOUNDS = ['文苑', '明园', '和园小区', '安居苑', '康宁花园', '福泽园', '榕城家园', '三山苑'];
const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九'];

type Area = Feature<Polygon | MultiPolygon, Record<string, unknown>>;
const read = (file: string) => (JSON.parse(fs.readFileSync(path.join(DEMO, file), 'utf8')) as FeatureCollection).features as Area[];

const regions = new Map(read('regions.geojson').map((f) => [f.properties.code as string, f.properties]));
const grids = read('grids.geojson').filter((g) => g.properties.kind !== 'special');

function pointIn(area: Area, random: () => number, near?: [number, number], radius = 0.0003): [number, number] {
  const [minX, minY, maxX, maxY] = turf.bbox(area);
  for (;;) {
    const p: [number, number] = near
      ? [near[0] + (random() - 0.5) * 2 * radius, near[1] + (random() - 0.5) * 2 * radius]
      : [minX + random() * (maxX - minX), minY + random() * (maxY - minY)];
    if (turf.booleanPointInPolygon(p, area)) return p;
  }
}

const rows: string[] = ['address,lon,lat'];
const byCommunity = new Map<string, Area[]>();
for (const grid of grids) {
  const code = grid.properties.regionCode as string;
  byCommunity.set(code, [...(byCommunity.get(code) ?? []), grid]);
}
for (const [communityCode, communityGrids] of byCommunity) {
  const community = regions.get(communityCode)!;
  const township = regions.get(community.parentCode as string)!;
  const stem = (township.name as string).replace(/街道$/, '');
  const road = `${stem}示范${NUMERALS[Number(communityCode.slice(-3)) - 1]}路`;
  const random = seededRandom(Number(communityCode.slice(-6)));
  // Two gates per grid, numbered along the road from west to east.
  const gates = communityGrids
    .flatMap((grid) => [0, 1].map(() => ({ grid, at: pointIn(grid, random) })))
    .sort((a, b) => a.at[0] - b.at[0]);
  for (const [g, gate] of gates.entries()) {
    const number = 2 * g + 1;
    const compound = COMPOUNDS[(g + Number(communityCode.slice(-1))) % COMPOUNDS.length];
    const base = `${PREFIX}${township.name}${road}${number}号`;
    rows.push(`${base},${gate.at[0].toFixed(7)},${gate.at[1].toFixed(7)}`);
    const buildings = 2 + Math.floor(random() * 3);
    for (let b = 1; b <= buildings; b++) {
      const at = pointIn(gate.grid, random, gate.at);
      for (let unit = 1; unit <= 2; unit++) {
        for (let floor = 1; floor <= 6; floor++) {
          for (let door = 1; door <= 2; door++) {
            rows.push(`${base}${compound}${b}栋${unit}单元${floor}0${door}室,${at[0].toFixed(7)},${at[1].toFixed(7)}`);
          }
        }
      }
    }
  }
}
fs.writeFileSync(OUT, rows.join('\n') + '\n');
console.log(`${path.relative(process.cwd(), OUT)}: ${rows.length - 1} addresses in ${grids.length} grids`);
