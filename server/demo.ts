/**
 * The demo area (data/demo, see data/README.md), loaded on a first start so that a new user
 * sees real boundaries and grids at once. It goes through the same parsing and checks as the API.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import type { Database } from './db/schema.js';
import type { Limits } from './config.js';
import { parseGridFeature, parseRegionFeature } from './geo/features.js';
import { createRegion } from './db/regions.js';
import { createGrids, type NewGrid } from './db/grids.js';
import { importAddresses } from './db/addresses.js';
import { addressRowsFromCsv } from './formats/address-rows.js';
import { registryEntries } from './geo/address/prepare.js';
import { parseBuildings } from './geo/divide/input.js';
import { replaceBuildings } from './db/buildings.js';
import { parseReferenceLines } from './geo/reference-lines.js';
import { replaceReferenceLines } from './db/reference-lines.js';
import type { Problem } from './geo/validate.js';
import { translate } from './i18n/catalogue.js';

export const demoDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'data', 'demo');

function readFeatures(file: string): unknown[] {
  return (JSON.parse(fs.readFileSync(path.join(demoDir, file), 'utf8')) as { features: unknown[] }).features;
}

export async function loadDemo(db: Kysely<Database>, limits: Limits, log: (message: string) => void): Promise<void> {
  const meta = { actor: 'gridgov-demo', reason: '演示数据 demo data' };
  const regions = readFeatures('regions.geojson');
  for (const [index, feature] of regions.entries()) {
    const parsed = parseRegionFeature(feature, { maxVertices: limits.regionVertices });
    if (parsed.problems) throw new Error(`demo region ${index}: ${parsed.problems.map((p) => translate(p.message, 'en')).join('; ')}`);
    await createRegion(db, parsed.value);
  }
  log(`demo: ${regions.length} regions loaded`);
  const grids: NewGrid[] = readFeatures('grids.geojson').map((feature, index) => {
    const parsed = parseGridFeature(feature, { maxVertices: limits.featureVertices, requireRegion: true });
    if (parsed.problems) throw new Error(`demo grid ${index}: ${parsed.problems.map((p) => translate(p.message, 'en')).join('; ')}`);
    return { ...parsed.value, regionCode: parsed.value.regionCode! };
  });
  await createGrids(db, grids, meta);
  log(`demo: ${grids.length} grids loaded`);
  const { rows, problems } = addressRowsFromCsv(fs.readFileSync(path.join(demoDir, 'addresses.csv'), 'utf8'), 'wgs84');
  if (problems.length > 0) throw new Error(`demo address row ${problems[0].row}: ${translate(problems[0].message, 'en')}`);
  const { entries } = registryEntries(rows);
  await importAddresses(db, entries, { source: 'demo' });
  log(`demo: ${entries.length} addresses loaded`);
  // The villages' buildings layers (one point per compound building), for auto-division.
  const buildingsByVillage = byRegion(readFeatures('buildings.geojson'));
  let buildingCount = 0;
  for (const [regionCode, features] of buildingsByVillage) {
    const problems: Problem[] = [];
    const buildings = parseBuildings({ type: 'FeatureCollection', features }, problems);
    if (problems.length > 0) throw new Error(`demo buildings of ${regionCode}: ${translate(problems[0].message, 'en')}`);
    buildingCount += await replaceBuildings(
      db,
      regionCode,
      buildings.map((b) => ({ geometry: b.geometry, households: b.households, compound: b.compound, properties: b.properties })),
    );
  }
  log(`demo: ${buildingCount} buildings loaded in ${buildingsByVillage.size} villages`);
  // Their roads and river: what the map shows and snaps to, and what divisions follow.
  const linesByVillage = byRegion(readFeatures('lines.geojson'));
  let lineCount = 0;
  for (const [regionCode, features] of linesByVillage) {
    const { lines, problems } = parseReferenceLines({ type: 'FeatureCollection', features }, limits);
    if (problems.length > 0) throw new Error(`demo lines of ${regionCode}: ${translate(problems[0].message, 'en')}`);
    lineCount += await replaceReferenceLines(db, regionCode, lines);
  }
  log(`demo: ${lineCount} roads, rivers and water areas loaded in ${linesByVillage.size} villages`);
}

/** Features grouped by their properties.regionCode (which the layer files carry), the property removed. */
function byRegion(features: unknown[]): Map<string, unknown[]> {
  const groups = new Map<string, unknown[]>();
  for (const feature of features as { properties: { regionCode: string } }[]) {
    const { regionCode, ...properties } = feature.properties;
    groups.set(regionCode, [...(groups.get(regionCode) ?? []), { ...feature, properties }]);
  }
  return groups;
}
