/**
 * Small synthetic places for tests: rectangles in degrees near Wuhan (114.3°E, 30.5°N), where
 * 0.001° of latitude is ≈ 111 m and 0.001° of longitude ≈ 96 m.
 */
import type { Polygon } from 'geojson';
import type { TestContext } from './context.js';
import { expect } from 'vitest';

export function box(minLon: number, minLat: number, maxLon: number, maxLat: number): Polygon {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [minLon, minLat],
        [maxLon, minLat],
        [maxLon, maxLat],
        [minLon, maxLat],
        [minLon, minLat],
      ],
    ],
  };
}

export function regionFeature(code: string, name: string, level: string, parentCode: string | null, geometry: Polygon) {
  return { type: 'Feature', geometry, properties: { code, name, level, parentCode } };
}

export function gridFeature(regionCode: string, name: string, geometry: Polygon, extra: Record<string, unknown> = {}) {
  return { type: 'Feature', geometry, properties: { regionCode, name, kind: 'urban', ...extra } };
}

/** County → street → two villages side by side: A = [114.30, 114.31] × [30.50, 30.51], B east of it. */
export const tree = {
  county: { code: '420111000000', geometry: box(114.2, 30.4, 114.5, 30.6) },
  street: { code: '420111002000', geometry: box(114.25, 30.45, 114.4, 30.55) },
  villageA: { code: '420111002003', geometry: box(114.3, 30.5, 114.31, 30.51) },
  villageB: { code: '420111002004', geometry: box(114.31, 30.5, 114.32, 30.51) },
};

export async function seedTree(context: TestContext): Promise<void> {
  const features = [
    regionFeature(tree.county.code, '洪山区', 'county', null, tree.county.geometry),
    regionFeature(tree.street.code, '关山街道', 'township', tree.county.code, tree.street.geometry),
    regionFeature(tree.villageA.code, '光谷社区', 'village', tree.street.code, tree.villageA.geometry),
    regionFeature(tree.villageB.code, '关南社区', 'village', tree.street.code, tree.villageB.geometry),
  ];
  for (const feature of features) {
    const response = await context.api.post('/api/regions').send(feature);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
  }
}

/** Counts rows of every table that a write touches, to show that a refused write changed nothing. */
/** Division jobs stored: a refused request must leave none behind. */
export async function divisionCount(context: TestContext): Promise<number> {
  const row = await context.store.db.selectFrom('divisions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function tableCounts(context: TestContext): Promise<Record<string, number>> {
  const db = context.store.db;
  const count = async (table: 'regions' | 'grids' | 'grid_versions' | 'addresses') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return { regions: await count('regions'), grids: await count('grids'), grid_versions: await count('grid_versions'), addresses: await count('addresses') };
}

/**
 * The tree, plus village A split into two grids at 114.305°E: the west half gets code …001 and
 * the east half …002 (reading order). Returns their codes.
 */
export async function seedHalves(context: TestContext): Promise<{ west: string; east: string }> {
  await seedTree(context);
  const A = tree.villageA.code;
  const grids = [gridFeature(A, '西网格', box(114.3, 30.5, 114.305, 30.51)), gridFeature(A, '东网格', box(114.305, 30.5, 114.31, 30.51))];
  const response = await context.api.post('/api/grids/import').send({ type: 'FeatureCollection', features: grids });
  expect(response.status, JSON.stringify(response.body).slice(0, 300)).toBe(201);
  return { west: `${A}001`, east: `${A}002` };
}

/** A second township of the county, east of the first, with one village: "another region" for scope tests. */
export const otherTownship = {
  township: { code: '420111003000', geometry: box(114.41, 30.49, 114.45, 30.52) },
  village: { code: '420111003001', geometry: box(114.41, 30.5, 114.42, 30.51) },
};

export async function seedOtherTownship(context: TestContext): Promise<void> {
  const { township, village } = otherTownship;
  for (const feature of [regionFeature(township.code, '花山街道', 'township', tree.county.code, township.geometry), regionFeature(village.code, '花山村', 'village', township.code, village.geometry)]) {
    expect((await context.api.post('/api/regions').send(feature)).status).toBe(201);
  }
}
