/**
 * Builds data/demo/lines.geojson: the demo communities' reference lines (roads and a river), so
 * that the web client has roads and rivers to show and snap to, and an auto-division has lines
 * to follow, on a fresh start.
 *
 * Run: npx tsx scripts/build-demo-lines.ts   (reads data/demo/regions.geojson and buildings.geojson)
 *
 * Everything here is made up, like the demo communities: a street grid of gently bending roads
 * about 250 m apart (minor roads, but for one major road each way through the middle; the demo
 * communities are small, and major roads every few hundred metres would leave grids of a few
 * dozen households) and one meandering river across the area,
 * then each line cut at the community boundaries and stored with the community it lies in
 * (`regionCode`), as PUT /api/regions/:code/lines takes them. A small pond is placed where no
 * demo building stands. Deterministic: a mulberry32 PRNG with a fixed seed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as turf from '@turf/turf';
import type { Feature, FeatureCollection, LineString, MultiPolygon, Point, Polygon, Position } from 'geojson';
import { seededRandom } from '../server/geo/random.js';

const DEMO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'data', 'demo');
const OUT = path.join(DEMO, 'lines.geojson');
const random = seededRandom(20251123);

type Area = Feature<Polygon | MultiPolygon, { code: string; name: string; level: string }>;
const villages = (JSON.parse(fs.readFileSync(path.join(DEMO, 'regions.geojson'), 'utf8')) as FeatureCollection).features.filter(
  (f) => f.properties?.level === 'village',
) as Area[];
const buildings = (JSON.parse(fs.readFileSync(path.join(DEMO, 'buildings.geojson'), 'utf8')) as FeatureCollection<Point>).features;

const [minLon, minLat, maxLon, maxLat] = turf.bbox(turf.featureCollection(villages));
const M_LAT = 1 / 110_574;
const M_LON = 1 / (111_320 * Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180));
const round7 = (v: number) => Math.round(v * 1e7) / 1e7;

/** A smooth random wiggle along a line: two sines of random phase, `amplitude` metres at most. */
function wiggle(amplitude: number): (t: number) => number {
  const [p1, p2, f2] = [random() * 2 * Math.PI, random() * 2 * Math.PI, 2 + random() * 2];
  return (t) => amplitude * (0.65 * Math.sin(2 * Math.PI * t + p1) + 0.35 * Math.sin(2 * Math.PI * f2 * t + p2));
}

/** A line from a to b (lon/lat) with a vertex every ~`stepM` metres, bent sideways by `bend`. */
function bentLine(a: Position, b: Position, stepM: number, bend: (t: number) => number): Position[] {
  const dx = (b[0] - a[0]) / M_LON;
  const dy = (b[1] - a[1]) / M_LAT;
  const length = Math.hypot(dx, dy);
  const [nx, ny] = [-dy / length, dx / length];
  const n = Math.max(2, Math.ceil(length / stepM));
  return Array.from({ length: n + 1 }, (_, i) => {
    const t = i / n;
    const off = bend(t);
    return [round7(a[0] + t * (b[0] - a[0]) + off * nx * M_LON), round7(a[1] + t * (b[1] - a[1]) + off * ny * M_LAT)];
  });
}

const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
type Line = { kind: 'road' | 'river'; class?: 'major' | 'minor'; name: string; coordinates: Position[] };
const lines: Line[] = [];
const SPACING_M = 250;
const MARGIN = 0.0015;
// East–west roads (横路), south to north, and north–south roads (纵路), west to east.
const rows = Math.floor((maxLat - minLat) / M_LAT / SPACING_M);
for (let i = 0; i < rows; i++) {
  const lat = minLat + (120 + i * SPACING_M) * M_LAT;
  const coordinates = bentLine([minLon - MARGIN, lat], [maxLon + MARGIN, lat], 60, wiggle(18));
  lines.push({ kind: 'road', class: i === Math.floor(rows / 2) ? 'major' : 'minor', name: `示范横${NUMERALS[i]}路`, coordinates });
}
const columns = Math.floor((maxLon - minLon) / M_LON / SPACING_M);
for (let i = 0; i < columns; i++) {
  const lon = minLon + (140 + i * SPACING_M) * M_LON;
  const coordinates = bentLine([lon, minLat - MARGIN], [lon, maxLat + MARGIN], 60, wiggle(18));
  lines.push({ kind: 'road', class: i === Math.floor(columns / 2) ? 'major' : 'minor', name: `示范纵${NUMERALS[i]}路`, coordinates });
}
// The river: north-west to south-east across the whole area, meandering 60 m either side.
lines.push({
  kind: 'river',
  name: '示范河',
  coordinates: bentLine([minLon - MARGIN, maxLat - 0.3 * (maxLat - minLat)], [maxLon + MARGIN, minLat + 0.25 * (maxLat - minLat)], 30, wiggle(60)),
});

/** The pieces of a line inside a village: split at its boundary, kept where their middle is inside. */
function piecesIn(coordinates: Position[], village: Area): Position[][] {
  const line = turf.lineString(coordinates);
  const boundary = turf.polygonToLine(village) as Feature<LineString> | FeatureCollection<LineString>;
  const splitters = 'features' in boundary ? boundary.features : [boundary];
  let pieces: Feature<LineString>[] = [line];
  for (const splitter of splitters) {
    pieces = pieces.flatMap((piece) => {
      const split = turf.lineSplit(piece, splitter).features;
      return split.length > 0 ? split : [piece];
    });
  }
  return pieces
    .filter((piece) => turf.length(piece, { units: 'meters' }) > 5)
    .filter((piece) => turf.booleanPointInPolygon(turf.along(piece, turf.length(piece) / 2), village))
    .map((piece) => piece.geometry.coordinates.map((p) => [round7(p[0]), round7(p[1])]));
}

const features: Feature[] = [];
for (const village of villages) {
  for (const line of lines) {
    for (const coordinates of piecesIn(line.coordinates, village)) {
      features.push({
        type: 'Feature',
        properties: { regionCode: village.properties.code, kind: line.kind, ...(line.class ? { class: line.class } : {}), name: line.name },
        geometry: { type: 'LineString', coordinates },
      });
    }
  }
}

// A pond (water area) of about 70 m × 50 m, in the first village where one fits clear of every
// building (a building in water would have no grid) and of the roads.
const pond = (() => {
  for (const village of villages) {
    const [x0, y0, x1, y1] = turf.bbox(village);
    for (let k = 0; k < 200; k++) {
      const centre: Position = [x0 + random() * (x1 - x0), y0 + random() * (y1 - y0)];
      const ring = Array.from({ length: 24 }, (_, i) => {
        const a = (i / 24) * 2 * Math.PI;
        return [round7(centre[0] + 35 * Math.cos(a) * M_LON), round7(centre[1] + 25 * Math.sin(a) * M_LAT)];
      });
      const polygon = turf.polygon([[...ring, ring[0]]]);
      const clear =
        turf.booleanWithin(polygon, village) &&
        !buildings.some((b) => turf.distance(b.geometry.coordinates, centre, { units: 'meters' }) < 60) &&
        !lines.some((l) => turf.booleanIntersects(turf.lineString(l.coordinates), turf.buffer(polygon, 15, { units: 'meters' })!));
      if (clear) return { regionCode: village.properties.code, polygon };
    }
  }
  throw new Error('no place for the pond');
})();
features.push({ type: 'Feature', properties: { regionCode: pond.regionCode, kind: 'water', name: '示范塘' }, geometry: pond.polygon.geometry });

features.sort((a, b) => String(a.properties!.regionCode).localeCompare(String(b.properties!.regionCode)));
fs.writeFileSync(OUT, `{"type":"FeatureCollection","features":[\n${features.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`);
const counts: Record<string, number> = {};
for (const f of features) counts[String(f.properties!.kind)] = (counts[String(f.properties!.kind)] ?? 0) + 1;
console.log(`${path.relative(process.cwd(), OUT)}: ${features.length} features (${JSON.stringify(counts)}) in ${villages.length} villages`);
