/**
 * npx tsx scripts/bench/patrol.ts — the patrol coverage of one grid over a month of patrols.
 *
 * The grid is a block of Wuhan's Optics Valley with its 67 OSM streets and paths
 * (test/fixtures/lines); a worker patrols it for BENCH_DAYS days (30), two walks a day along the
 * streets in a random order at 1.4 m/s with a fix every 5 s (≈ 2,000 fixes a walk), each walk
 * stored as the phone sends it, in pieces of 100 fixes. Then, alternated in the same process:
 * - ours: GET /api/grids/:code/patrol-coverage's path (services/patrols.ts: the tracks near the
 *   grid clipped in SQL; 5 m steps of the streets tested against the track segments within 30 m,
 *   through a flatbush index, in TypeScript);
 * - baseline: the same share in one PostGIS statement (ST_Buffer of every track on geography,
 *   ST_Union, ST_Intersection with the union of the grid's streets, lengths on geography).
 * Over the month and over its first day alone (a partial share); both answers are printed and
 * must agree to within a few tenths of a percent. Embedded backend
 * unless DATABASE_URL is set; on the embedded one a month's baseline statement (the union of
 * ~900 geography buffers) has been seen to answer no row, so measure a month on a server (1 day
 * works on both). Knobs: BENCH_DAYS (30), BENCH_RUNS (5).
 */
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import type { Feature, FeatureCollection, LineString, MultiLineString, Position } from 'geojson';
import { createRegion } from '../../server/db/regions.js';
import { createGrids } from '../../server/db/grids.js';
import { replaceReferenceLines } from '../../server/db/reference-lines.js';
import { parseReferenceLines } from '../../server/geo/reference-lines.js';
import { createStaff } from '../../server/db/staff.js';
import { insertPatrol } from '../../server/db/patrols.js';
import { patrolCoverage, PATROL_REACH_M } from '../../server/services/patrols.js';
import { metresBetween } from '../../server/geo/patrol.js';
import { defaultLimits } from '../../server/config.js';
import { seededRandom } from '../../server/geo/random.js';
import { throwawayStore } from './throwaway-store.js';

const DAYS = Number(process.env.BENCH_DAYS ?? 30);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

const box = (minLon: number, minLat: number, maxLon: number, maxLat: number) => ({
  type: 'Polygon' as const,
  coordinates: [[[minLon, minLat], [maxLon, minLat], [maxLon, maxLat], [minLon, maxLat], [minLon, minLat]]],
});

const here = path.dirname(new URL(import.meta.url).pathname);
const lines = JSON.parse(fs.readFileSync(path.join(here, '..', '..', 'test', 'fixtures', 'lines', 'wuhan_optics_lines.geojson'), 'utf8')) as FeatureCollection;
const streets = (lines.features as Feature<LineString | MultiLineString>[]).filter((f) => f.properties?.kind === 'road').flatMap((f) => (f.geometry.type === 'LineString' ? [f.geometry.coordinates] : f.geometry.coordinates));

const { store, drop } = await throwawayStore();
const db = store.db;
log(`backend: ${store.backend}`);
const COUNTY = '420111000000';
const TOWNSHIP = '420111005000';
const VILLAGE = '420111005001';
await createRegion(db, { code: COUNTY, name: '洪山区', level: 'county', parentCode: null, boundary: box(114.3, 30.4, 114.5, 30.6) });
await createRegion(db, { code: TOWNSHIP, name: '关东街道', level: 'township', parentCode: COUNTY, boundary: box(114.38, 30.5, 114.4, 30.52) });
await createRegion(db, { code: VILLAGE, name: '光谷社区', level: 'village', parentCode: TOWNSHIP, boundary: box(114.388, 30.504, 114.398, 30.511) });
const [grid] = await createGrids(db, [{ regionCode: VILLAGE, name: '光谷网格', kind: 'urban', specialType: null, households: 400, population: null, geometry: box(114.388, 30.504, 114.398, 30.511) }], { actor: 'bench', reason: null });
const code = grid!.properties.code;
const { lines: parsed } = parseReferenceLines(lines, defaultLimits, 'wgs84');
await replaceReferenceLines(db, VILLAGE, parsed);
const worker = await createStaff(db, { name: '巡查员', phone: null, duty: 'fulltime', regionCode: null, gridCodes: [code] }, { actor: 'bench', reason: null, at: new Date() });

/** Two hours' walk (10 km) along streets in a random order (a straight line from one to the next), a fix every ≈ 5 s at 1.4 m/s. */
function walk(random: () => number, start: number): { coordinates: Position[]; times: number[] } {
  const order = [...streets].sort(() => random() - 0.5);
  const route = order.flatMap((street) => (random() < 0.5 ? street : [...street].reverse()));
  const coordinates: Position[] = [route[0]!];
  let metres = 0;
  for (let i = 1; i < route.length && metres < 10_000; i++) {
    metres += metresBetween(route[i - 1]!, route[i]!);
    const a = route[i - 1]!;
    const b = route[i]!;
    const steps = Math.max(1, Math.ceil(metresBetween(a, b) / 7));
    for (let k = 1; k <= steps; k++) coordinates.push([a[0]! + ((b[0]! - a[0]!) * k) / steps, a[1]! + ((b[1]! - a[1]!) * k) / steps]);
  }
  const times = [start];
  for (let i = 1; i < coordinates.length; i++) times.push(times[i - 1]! + Math.max(1000, Math.round((metresBetween(coordinates[i - 1]!, coordinates[i]!) / 1.4) * 1000)));
  return { coordinates, times };
}

const random = seededRandom(18);
const end = Date.now();
const from = new Date(end - DAYS * 86_400_000);
let fixes = 0;
let pieces = 0;
for (let day = 0; day < DAYS; day++) {
  for (const hour of [9, 15]) {
    const w = walk(random, from.getTime() + day * 86_400_000 + hour * 3_600_000);
    fixes += w.coordinates.length;
    for (let i = 0, n = 0; i < w.coordinates.length - 1; i += 99, n++) {
      const coordinates = w.coordinates.slice(i, i + 100);
      const times = w.times.slice(i, i + 100);
      const lengthM = coordinates.slice(1).reduce((sum, p, k) => sum + metresBetween(coordinates[k]!, p), 0);
      await insertPatrol(db, worker.id, `d${day}h${hour}:${n}`, { coordinates, times, lengthM, startedAt: new Date(times[0]!), endedAt: new Date(times[times.length - 1]!) }, new Date());
      pieces++;
    }
  }
}
await sql`ANALYZE patrols`.execute(db);
log(`${DAYS} days: ${DAYS * 2} walks, ${fixes.toLocaleString('en')} fixes in ${pieces.toLocaleString('en')} pieces; ${streets.length} streets`);

async function baseline(to: Date): Promise<number> {
  const { rows } = await sql<{ share: number }>`
    WITH g AS (SELECT geom FROM grid_versions WHERE code = ${code} AND valid_to IS NULL),
         s AS (SELECT ST_Union(ST_Intersection(l.geom, g.geom)) AS geom FROM reference_lines l, g WHERE l.kind = 'road' AND ST_Intersects(l.geom, g.geom)),
         z AS (SELECT ST_Union(ST_Buffer(p.geom::geography, ${PATROL_REACH_M})::geometry) AS geom FROM patrols p, g
               WHERE p.ended_at >= ${from} AND p.started_at < ${to} AND ST_DWithin(p.geom::geography, g.geom::geography, ${PATROL_REACH_M}))
    SELECT ST_Length(ST_Intersection(s.geom, z.geom)::geography) / ST_Length(s.geom::geography) AS share FROM s, z`.execute(db);
  // Seen on the embedded backend over a month of tracks: the union of ~900 geography buffers
  // answers no row at all (no error). Say so rather than fail on undefined.
  if (!rows[0]) throw new Error(`the baseline statement answered no row on the ${store.backend} backend (${pieces} pieces); run with DATABASE_URL, or fewer BENCH_DAYS`);
  return Number(rows[0].share);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
// The month, and its first day alone (where the share is partial: the two answers must agree there too).
for (const [label, to] of [
  [`${DAYS} days`, new Date(end)],
  ['the first day', new Date(from.getTime() + 86_400_000)],
] as const) {
  const ours: number[] = [];
  const base: number[] = [];
  let oursShare = 0;
  let baseShare = 0;
  for (let run = 0; run < RUNS; run++) {
    let t = performance.now();
    oursShare = (await patrolCoverage(db, code, { from, to })).coveredShare;
    ours.push(performance.now() - t);
    t = performance.now();
    baseShare = await baseline(to);
    base.push(performance.now() - t);
  }
  log(`patrol coverage of one grid over ${label} (${RUNS} runs, medians):`);
  log(`  ours (tracks clipped in SQL; street steps within 30 m of a track, in TypeScript): ${median(ours).toFixed(0)} ms, share ${(oursShare * 100).toFixed(2)} %`);
  log(`  baseline (one PostGIS statement: union of geography buffers ∩ streets):        ${median(base).toFixed(0)} ms, share ${(baseShare * 100).toFixed(2)} %`);
  log(`  ratio ours / baseline: ${(median(ours) / median(base)).toFixed(2)}×`);
}
await store.close();
await drop();
