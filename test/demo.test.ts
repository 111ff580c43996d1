/**
 * The demo area loads through the same checks as the API, tiles its communities exactly, and
 * numbers its grids in reading order.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestService } from './support/context.js';
import { loadDemo } from '../server/demo.js';
import { defaultLimits } from '../server/config.js';
import { readingOrder } from '../server/geo/order.js';
import * as turf from '@turf/turf';

const context = useTestService();

beforeAll(async () => {
  await loadDemo(context.store.db, defaultLimits, () => {});
});

describe('demo area', () => {
  it('holds the county, its ten streets and the illustrative communities and grids', async () => {
    const county = (await context.api.get('/api/regions/350102000000')).body;
    expect(county.properties.name).toBe('鼓楼区');
    expect(county.properties.children).toHaveLength(10);
    const grids = (await context.api.get('/api/grids?region=350102000000')).body.features;
    expect(grids).toHaveLength(24);
    expect(grids.filter((g: { properties: { kind: string } }) => g.properties.kind === 'special').map((g: { id: string }) => g.id)).toEqual([
      '350102004001900',
    ]);
  });

  it('gives every demo community a buildings layer to divide', async () => {
    const villages = ['350102004001', '350102004002', '350102004003', '350102001001', '350102001002', '350102001003', '350102001004'];
    let households = 0;
    for (const code of villages) {
      const buildings = (await context.api.get(`/api/regions/${code}/buildings`)).body.features as { properties: { households: number; compound?: string } }[];
      expect(buildings.length, code).toBeGreaterThan(0);
      expect(buildings.every((b) => b.properties.households === 24 && typeof b.properties.compound === 'string')).toBe(true);
      households += buildings.reduce((sum, b) => sum + b.properties.households, 0);
    }
    expect(households).toBe(3336);
  });

  it('covers every demo community completely, without overlaps', async () => {
    for (const street of ['350102001000', '350102004000']) {
      const communities = (await context.api.get(`/api/regions?parent=${street}`)).body.features;
      expect(communities.length).toBeGreaterThanOrEqual(3);
      for (const community of communities) {
        const coverage = (await context.api.get(`/api/regions/${community.id}/coverage`)).body;
        expect(coverage.coveredRatio, community.id).toBeGreaterThan(0.9999);
        expect(coverage.gaps.features, community.id).toHaveLength(0);
        expect(coverage.overlaps.features.filter((f: { properties: { areaM2: number } }) => f.properties.areaM2 > 0.01)).toHaveLength(0);
      }
    }
  });

  it('numbers each community’s basic grids west→east, north→south', async () => {
    const grids = (await context.api.get('/api/grids?region=350102004001')).body.features.filter(
      (g: { properties: { kind: string } }) => g.properties.kind !== 'special',
    );
    const placed = grids.map((g: GeoJSON.Feature<GeoJSON.MultiPolygon>) => {
      const [x, y] = turf.centroid(g).geometry.coordinates;
      const [, minY, , maxY] = turf.bbox(g);
      return { x, y, height: maxY - minY };
    });
    const order = readingOrder(placed).map((i) => grids[i].id);
    expect(order).toEqual([...order].sort());
  });
});
