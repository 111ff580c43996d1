/**
 * Builds data/demo/buildings.geojson: the demo villages' buildings layer, so that an
 * auto-division (POST /api/divisions with a regionCode) has something to divide on a fresh start.
 *
 * Run: npx tsx scripts/build-demo-buildings.ts   (reads data/demo/addresses.csv and regions.geojson)
 *
 * Derived from the illustrative addresses (scripts/build-demo-addresses.ts): one Point per
 * compound building, at the position its room addresses share; households = the number of
 * room addresses there; regionCode = the village (community) it lies in; compound = the
 * compound name. Deterministic: the same input gives the same file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as turf from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';

const DEMO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'data', 'demo');
const OUT = path.join(DEMO, 'buildings.geojson');

type Area = Feature<Polygon | MultiPolygon, Record<string, unknown>>;
const villages = (JSON.parse(fs.readFileSync(path.join(DEMO, 'regions.geojson'), 'utf8')) as FeatureCollection).features.filter(
  (f) => f.properties?.level === 'village',
) as Area[];

// 福建省…东街示范一路1号明园1栋1单元101室 → compound 明园, building 1
const ROOM = /号(.+?)(\d+)栋\d+单元\d+室$/;
const buildings = new Map<string, { lon: number; lat: number; compound: string; households: number }>();
const lines = fs.readFileSync(path.join(DEMO, 'addresses.csv'), 'utf8').trim().split('\n').slice(1);
for (const line of lines) {
  const [address, lon, lat] = line.split(',');
  const room = ROOM.exec(address);
  if (!room) continue; // a gate, not a room
  const key = `${lon},${lat}`;
  const building = buildings.get(key) ?? { lon: Number(lon), lat: Number(lat), compound: room[1], households: 0 };
  building.households++;
  buildings.set(key, building);
}

const features = [...buildings.values()].map((b) => {
  const village = villages.find((v) => turf.booleanPointInPolygon([b.lon, b.lat], v));
  if (!village) throw new Error(`building at ${b.lon},${b.lat} lies in no demo village`);
  return {
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [b.lon, b.lat] },
    properties: { regionCode: village.properties.code as string, compound: b.compound, households: b.households },
  };
});
features.sort((a, b) => a.properties.regionCode.localeCompare(b.properties.regionCode));
const body = features.map((f) => JSON.stringify(f)).join(',\n');
fs.writeFileSync(OUT, `{"type":"FeatureCollection","features":[\n${body}\n]}\n`);
const households = features.reduce((s, f) => s + f.properties.households, 0);
console.log(`${path.relative(process.cwd(), OUT)}: ${features.length} buildings, ${households} households in ${new Set(features.map((f) => f.properties.regionCode)).size} villages`);
