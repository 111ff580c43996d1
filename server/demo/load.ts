/**
 * The demo area (data/demo, see data/README.md), loaded on a first start so that a new user
 * sees a real place at once: its region tree, grids, buildings, roads, addresses, cameras and
 * sensors, and 90 days of incidents. Everything goes through the same parsing and checks as the
 * API; the history is written in bulk (server/demo/history.ts).
 */
import { translate } from '../i18n/catalogue.js';
import fs from 'node:fs';
import path from 'node:path';
import * as turf from '@turf/turf';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Limits } from '../config.js';
import { repoRoot } from '../paths.js';
import { parseGridFeature, parseRegionFeature } from '../geo/features.js';
import { createRegion } from '../db/regions.js';
import { createGrids, type NewGrid } from '../db/grids.js';
import { importAddresses } from '../db/addresses.js';
import { addressRowsFromCsv } from '../formats/address-rows.js';
import { registryEntries } from '../geo/address/prepare.js';
import { parseBuildings } from '../geo/divide/input.js';
import { replaceBuildings } from '../db/buildings.js';
import { parseReferenceLines } from '../geo/reference-lines.js';
import { replaceReferenceLines } from '../db/reference-lines.js';
import { createDevice } from '../db/devices.js';
import { insertPastIncidents } from '../db/incidents.js';
import { deviceFields } from '../services/devices.js';
import { defaultIncidentRules, type IncidentRules } from '../incidents/rules.js';
import type { Problem } from '../geo/validate.js';
import { createStaffBatch } from '../db/staff.js';
import { demoHistory, type HistoryDevice, type HistoryGrid, type HistoryPeople, type HistoryPerson } from './history.js';
import { demoRoster } from './staff.js';

export const demoDir = path.join(repoRoot, 'data', 'demo');
/** The demo's name in start-up messages. */
export const DEMO_PLACE = '武汉 光谷广场 (洪山区 关山街道 / 关东街道)';

const ACTOR = 'gridgov-demo';

function readFeatures(file: string): unknown[] {
  return (JSON.parse(fs.readFileSync(path.join(demoDir, file), 'utf8')) as { features: unknown[] }).features;
}

export interface DemoDeviceBody {
  id: string;
  kind: 'camera' | 'sensor';
  name: string;
  lon: number;
  lat: number;
  sensorType?: string;
  [field: string]: unknown;
}

export function demoDevices(): DemoDeviceBody[] {
  return JSON.parse(fs.readFileSync(path.join(demoDir, 'devices.json'), 'utf8')) as DemoDeviceBody[];
}

export async function loadDemo(
  db: Kysely<Database>,
  limits: Limits,
  log: (message: string) => void,
  options: { now?: Date; rules?: IncidentRules } = {},
): Promise<void> {
  const now = options.now ?? new Date();
  const meta = { actor: ACTOR, reason: '演示数据 demo data' };
  const regions = readFeatures('regions.geojson');
  for (const [index, feature] of regions.entries()) {
    const parsed = parseRegionFeature(feature, { maxVertices: limits.regionVertices });
    if (parsed.problems) throw new Error(`demo region ${index}: ${parsed.problems.map((p) => translate(p.message, 'en')).join('; ')}`);
    await createRegion(db, parsed.value);
  }
  log(`demo: ${regions.length} regions loaded`);

  const gridFeatures = readFeatures('grids.geojson') as { properties: Record<string, unknown> }[];
  const grids: NewGrid[] = gridFeatures.map((feature, index) => {
    // `buildings` (the OSM ids the division put in the grid) is for checking, not a grid attribute.
    const { buildings: _ids, ...properties } = feature.properties;
    const parsed = parseGridFeature({ ...feature, properties }, { maxVertices: limits.featureVertices, requireRegion: true });
    if (parsed.problems) throw new Error(`demo grid ${index}: ${parsed.problems.map((p) => translate(p.message, 'en')).join('; ')}`);
    return { ...parsed.value, regionCode: parsed.value.regionCode! };
  });
  const created = await createGrids(db, grids, meta);
  log(`demo: ${created.length} grids loaded`);

  const { rows, problems } = addressRowsFromCsv(fs.readFileSync(path.join(demoDir, 'addresses.csv'), 'utf8'), 'wgs84');
  if (problems.length > 0) throw new Error(`demo address row ${problems[0].row}: ${translate(problems[0].message, 'en')}`);
  const { entries } = registryEntries(rows);
  await importAddresses(db, entries, { source: 'demo' });
  log(`demo: ${entries.length} addresses loaded`);

  // Each community's buildings layer (the real footprints, for auto-division) and its roads & water.
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
  const linesByVillage = byRegion(readFeatures('lines.geojson'));
  let lineCount = 0;
  for (const [regionCode, features] of linesByVillage) {
    const { lines, problems } = parseReferenceLines({ type: 'FeatureCollection', features }, limits);
    if (problems.length > 0) throw new Error(`demo lines of ${regionCode}: ${translate(problems[0].message, 'en')}`);
    lineCount += (await replaceReferenceLines(db, regionCode, lines)).stored;
  }
  log(`demo: ${buildingCount} buildings and ${lineCount} roads, railways and water areas loaded`);

  const devices = demoDevices();
  for (const body of devices) await createDevice(db, body.id, deviceFields(body, body.id), now);
  log(`demo: ${devices.filter((d) => d.kind === 'camera').length} cameras and ${devices.filter((d) => d.kind === 'sensor').length} sensors loaded`);

  // The people of the grids (定员): each grid's worker takes its incidents, each community's 网格长 what is escalated.
  const roster = demoRoster(
    created.map((g) => ({ code: g.id, regionCode: g.properties.regionCode, kind: g.properties.kind ?? null })),
    regions.map((feature) => (feature as { properties: { code: string; level: string } }).properties),
  );
  const members = await createStaffBatch(db, roster.map(({ takes: _takes, ...fields }) => fields), { ...meta, at: now });
  const takers = new Map<string, HistoryPerson>();
  const workers = new Map<string, HistoryPerson[]>();
  for (const [index, entry] of roster.entries()) {
    const person = { id: members[index]!.id, name: entry.name, title: entry.duty === 'leader' ? '网格长' : '网格员' };
    if (entry.takes) takers.set(entry.takes, person);
    if (entry.duty === 'fulltime' || entry.duty === 'parttime') for (const code of entry.gridCodes) workers.set(code, [...(workers.get(code) ?? []), person]);
  }
  const people: HistoryPeople = { takerOf: (code) => takers.get(code) ?? null, workersOf: (code) => workers.get(code) ?? [] };
  log(`demo: ${members.length} grid staff loaded (网格长 ${roster.filter((r) => r.duty === 'leader').length}, 网格员 ${roster.filter((r) => r.duty !== 'leader').length})`);

  const historyGrids: HistoryGrid[] = created.map((g) => ({ code: g.id, regionCode: g.properties.regionCode, households: g.properties.households ?? 0, geometry: g.geometry }));
  const gridAt = (lon: number, lat: number) => historyGrids.find((g) => turf.booleanPointInPolygon([lon, lat], g.geometry))?.code ?? null;
  const historyDevices: HistoryDevice[] = devices.map((d) => ({ id: d.id, kind: d.kind, name: d.name, lon: d.lon, lat: d.lat, sensorType: d.sensorType ?? null, gridCode: gridAt(d.lon, d.lat) }));
  const history = demoHistory(historyGrids, historyDevices, options.rules ?? defaultIncidentRules, now, people);
  await insertPastIncidents(db, history, ACTOR);
  log(`demo: ${history.length} incidents of the last 90 days loaded`);
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
