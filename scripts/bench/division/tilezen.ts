/**
 * Turns a JavaScript file of Tilezen vector-tile layers (an array of tiles, each
 * `{ buildings, roads, water, … }` FeatureCollections, as 3D map demos store them) into the
 * GeoJSON files the division benchmark reads: building pieces cut at tile edges merged back by
 * OpenStreetMap id, households by the frozen footprint rule (server/geo/households.ts), roads,
 * rail and water as they are.
 *
 *   npx tsx scripts/bench/division/tilezen.ts <tiles.js> <variable name> <out folder>
 *
 * The held-out city of `npm run bench:division` is made this way (see docs/division.md); its
 * source is not in this repository.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as turf from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { householdsByFootprint } from '../../../server/geo/households.js';

type Tile = Record<string, FeatureCollection | undefined>;

export function readTiles(file: string, variable: string): Tile[] {
  const source = fs.readFileSync(file, 'utf8');
  // The file is a script that assigns one variable; evaluate it alone to get the array.
  return new Function(`${source}; return ${variable};`)() as Tile[];
}

export function mergeBuildings(tiles: Tile[]): Feature<Polygon | MultiPolygon>[] {
  const pieces = new Map<string, Feature<Polygon | MultiPolygon>[]>();
  for (const tile of tiles) {
    for (const feature of tile.buildings?.features ?? []) {
      if (feature.properties?.kind !== 'building') continue; // building_part: inside a building
      if (feature.geometry.type !== 'Polygon' && feature.geometry.type !== 'MultiPolygon') continue;
      const id = String(feature.properties.id);
      const list = pieces.get(id) ?? [];
      list.push(feature as Feature<Polygon | MultiPolygon>);
      pieces.set(id, list);
    }
  }
  const merged: Feature<Polygon | MultiPolygon>[] = [];
  for (const [, list] of pieces) {
    let shape: Feature<Polygon | MultiPolygon> | null = list[0];
    for (const piece of list.slice(1)) shape = shape && turf.union(turf.featureCollection([shape, piece]));
    if (!shape) continue;
    const properties: Record<string, unknown> = { ...list[0].properties, _tile_parts: list.length };
    delete properties.area;
    delete properties.volume;
    merged.push({ type: 'Feature', geometry: turf.truncate(shape, { precision: 8 }).geometry, properties });
  }
  for (const building of merged) {
    building.properties!.households = householdsByFootprint(building.properties!, turf.area(building));
  }
  return merged;
}

function layer(tiles: Tile[], name: string): Feature[] {
  return tiles.flatMap((tile) => tile[name]?.features ?? []);
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('tilezen.ts')) {
  const [file, variable, out] = process.argv.slice(2);
  if (!file || !variable || !out) {
    console.error('usage: tilezen.ts <tiles.js> <variable> <out folder>');
    process.exit(2);
  }
  const tiles = readTiles(file, variable);
  fs.mkdirSync(out, { recursive: true });
  const write = (name: string, features: Feature[]) =>
    fs.writeFileSync(path.join(out, name), JSON.stringify({ type: 'FeatureCollection', features }));
  const buildings = mergeBuildings(tiles);
  write('buildings.geojson', buildings);
  write('roads.geojson', layer(tiles, 'roads'));
  write('water.geojson', layer(tiles, 'water'));
  const households = buildings.reduce((s, b) => s + (b.properties!.households as number), 0);
  console.log(`${buildings.length} buildings, ${households} households → ${out}`);
}
