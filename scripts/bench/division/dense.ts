/**
 * A synthetic dense city centre, of the kind that defeated the greedy division: superblocks
 * 350–500 m across between arterials mapped as dual carriageways (two one-way lines 16–30 m
 * apart, as OpenStreetMap draws them), a few single-line secondary roads, minor roads and paths
 * inside some superblocks, a river (a water polygon with its centre line) and a creek, and
 * ≈ 1,300 buildings holding ≈ 60,000 households: slab compounds, towers of several hundred
 * households, and offices, shops and schools with none.
 *
 * It is made from a seed, so the benchmark has a dense place that is nobody's real data and
 * that no parameter was chosen on: a check of the method's generality beside the real places.
 *
 *   npx tsx scripts/bench/division/dense.ts [--seed 7] [--out dir]
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Feature, FeatureCollection, LineString, Polygon, Position } from 'geojson';
import { localProjection } from '../../../server/geo/divide/project.js';
import type { XY } from '../../../server/geo/divide/types.js';
import { prng } from '../synthetic.js';

export interface DenseCity {
  area: Polygon;
  buildings: FeatureCollection<Polygon>;
  barriers: FeatureCollection<LineString | Polygon>;
}

const WIDTH = 2000;
const HEIGHT = 1400;
const ROAD_NAMES = ['解放路', '人民路', '中山路', '建设路', '和平路', '胜利路', '新华路', '长江路', '黄河路', '北京路', '南京路', '友谊路', '文化路', '青年路'];

export function denseCity(seed = 7, centre: [number, number] = [118.78, 32.04]): DenseCity {
  const random = prng(seed);
  const between = (a: number, b: number) => a + (b - a) * random();
  const projection = localProjection(centre[0], centre[1]);
  const lonLat = (p: XY): Position => projection.inverse(p).map((v) => Math.round(v * 1e8) / 1e8);
  const barriers: Feature<LineString | Polygon>[] = [];
  const line = (kind: string, coords: XY[], properties: Record<string, unknown> = {}) =>
    barriers.push({ type: 'Feature', properties: { kind, ...properties }, geometry: { type: 'LineString', coordinates: coords.map(lonLat) } });

  // Arterials: positions of the centre lines, each a dual carriageway or a single line.
  const xs = [-30];
  while (xs[xs.length - 1] < WIDTH) xs.push(xs[xs.length - 1] + between(350, 500));
  const ys = [-30];
  while (ys[ys.length - 1] < HEIGHT) ys.push(ys[ys.length - 1] + between(330, 460));
  let names = 0;
  const half: number[] = [];
  const arterial = (vertical: boolean, at: number) => {
    const dual = random() < 0.7;
    const name = ROAD_NAMES[names++ % ROAD_NAMES.length];
    const h = dual ? between(8, 15) : 0;
    half.push(h);
    const along = vertical ? [-60, HEIGHT + 60] : [-60, WIDTH + 60];
    for (const offset of dual ? [-h, h] : [0]) {
      const coords: XY[] = [];
      for (let t = along[0]; t <= along[1]; t += 100) {
        const wobble = Math.sin(t / 300 + at) * 4;
        coords.push(vertical ? [at + offset + wobble, t] : [t, at + offset + wobble]);
      }
      line('major_road', coords, { name, kind_detail: dual ? 'primary' : 'secondary', ...(dual ? { oneway: 'yes' } : {}) });
    }
    return h;
  };
  const xHalf = xs.map((x) => arterial(true, x));
  const yHalf = ys.map((y) => arterial(false, y));

  // A river across the middle row of superblocks (water polygon, 40–60 m wide, and its line), and a creek.
  const riverRow = Math.floor(ys.length / 2) - 1;
  const riverY = (ys[riverRow] + ys[riverRow + 1]) / 2;
  const riverHalf = between(20, 30);
  const riverAt = (x: number) => riverY + Math.sin(x / 250) * 25;
  const north: XY[] = [];
  const south: XY[] = [];
  for (let x = -60; x <= WIDTH + 60; x += 40) {
    north.push([x, riverAt(x) + riverHalf]);
    south.push([x, riverAt(x) - riverHalf]);
  }
  barriers.push({ type: 'Feature', properties: { kind: 'water', name: '青溪河' }, geometry: { type: 'Polygon', coordinates: [[...south, ...north.reverse(), south[0]].map(lonLat)] } });
  line('river', south.map(([x]) => [x, riverAt(x)] as XY), { name: '青溪河' });
  const creekX = (xs[1] + xs[2]) / 2 + between(-40, 40);
  line('river', [[creekX, riverAt(creekX)], [creekX + 20, ys[riverRow + 1]], [creekX - 10, HEIGHT + 60]], { name: '小沙浜' });

  // Superblocks: some cut by minor roads and paths; buildings inside with setbacks.
  const buildings: Feature<Polygon>[] = [];
  const footprint = (x: number, y: number, w: number, h: number): Polygon => ({
    type: 'Polygon',
    coordinates: [[[x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]].map((p) => lonLat(p as XY))],
  });
  let compounds = 0;
  for (let i = 0; i + 1 < xs.length; i++) {
    for (let j = 0; j + 1 < ys.length; j++) {
      const x0 = xs[i] + xHalf[i] + 12;
      const x1 = xs[i + 1] - xHalf[i + 1] - 12;
      const y0 = ys[j] + yHalf[j] + 12;
      const y1 = ys[j + 1] - yHalf[j + 1] - 12;
      // Blocks inside the superblock: split by a minor road each way at random.
      const cutsX = random() < 0.6 ? [x0, between(x0 + 120, x1 - 120), x1] : [x0, x1];
      const cutsY = random() < 0.5 ? [y0, between(y0 + 120, y1 - 120), y1] : [y0, y1];
      for (const cx of cutsX.slice(1, -1)) line('minor_road', [[cx, ys[j] + yHalf[j]], [cx, ys[j + 1] - yHalf[j + 1]]]);
      for (const cy of cutsY.slice(1, -1)) line('minor_road', [[xs[i] + xHalf[i], cy], [xs[i + 1] - xHalf[i + 1], cy]]);
      for (let a = 0; a + 1 < cutsX.length; a++) {
        for (let b = 0; b + 1 < cutsY.length; b++) {
          const bx0 = cutsX[a] + (a > 0 ? 8 : 0);
          const bx1 = cutsX[a + 1] - (a + 1 < cutsX.length - 1 ? 8 : 0);
          const by0 = cutsY[b] + (b > 0 ? 8 : 0);
          const by1 = cutsY[b + 1] - (b + 1 < cutsY.length - 1 ? 8 : 0);
          const use = random();
          // A gated compound is a whole block of homes (not every block is one).
          const compound = use >= 0.28 && random() < 0.6 ? `小区${++compounds}` : undefined;
          for (let x = bx0; x + 20 < bx1; x += between(26, 40)) {
            for (let y = by0; y + 14 < by1; y += between(26, 44)) {
              if (Math.abs(y + 10 - riverAt(x)) < riverHalf + 15 || Math.abs(x + 10 - creekX) < 18) continue; // not in the water
              if (random() < 0.35) continue; // courtyards, gaps
              const w = between(14, 24);
              const h = between(10, 16);
              let households = 0;
              let kind_detail = 'apartments';
              if (use < 0.2) kind_detail = random() < 0.5 ? 'office' : 'retail';
              else if (use < 0.28) households = Math.round(random() < 0.3 ? between(150, 600) : between(40, 120)); // towers among slabs
              else households = Math.round(between(12, 70));
              if (kind_detail !== 'apartments') households = 0;
              buildings.push({
                type: 'Feature',
                properties: { households, kind_detail, ...(households > 0 && compound ? { compound } : {}) },
                geometry: footprint(x, y, w, h),
              });
            }
          }
        }
      }
    }
  }
  const area: Polygon = { type: 'Polygon', coordinates: [[[0, 0], [WIDTH, 0], [WIDTH, HEIGHT], [0, HEIGHT], [0, 0]].map((p) => lonLat(p as XY))] };
  // Only what lies inside the area (the benchmark's area is the place's own).
  const inside = buildings.filter((b) => b.geometry.coordinates[0].every(([lon, lat]) => {
    const [x, y] = projection.forward([lon, lat]);
    return x > 1 && y > 1 && x < WIDTH - 1 && y < HEIGHT - 1;
  }));
  return { area, buildings: { type: 'FeatureCollection', features: inside }, barriers: { type: 'FeatureCollection', features: barriers } };
}

if (process.argv[1]?.endsWith('dense.ts')) {
  const seed = Number(process.argv[process.argv.indexOf('--seed') + 1]) || 7;
  const city = denseCity(seed);
  const households = city.buildings.features.reduce((s, b) => s + (b.properties!.households as number), 0);
  console.log(`${city.buildings.features.length} buildings, ${households} households, ${city.barriers.features.length} barriers`);
  const out = process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1] : undefined;
  if (out) {
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'buildings.geojson'), JSON.stringify(city.buildings));
    fs.writeFileSync(path.join(out, 'barriers.geojson'), JSON.stringify(city.barriers));
    fs.writeFileSync(path.join(out, 'area.geojson'), JSON.stringify(city.area));
  }
}
