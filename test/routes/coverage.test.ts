import { beforeAll, describe, expect, it } from 'vitest';
import { useTestService } from '../support/context.js';
import { box, gridFeature, seedTree, tree } from '../support/fixtures.js';

const context = useTestService();
const A = tree.villageA.code;
const M_LAT = 1 / 111_000;

beforeAll(() => seedTree(context));

describe('coverage', () => {
  it('reports the covered share, the gaps and the overlaps of a village, now and asOf', async () => {
    const empty = await context.api.get(`/api/regions/${A}/coverage`);
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ regionCode: A, grids: 0, coveredRatio: 0 });
    expect(empty.body.gaps.features).toHaveLength(1);

    // The west half in two grids; the second reaches 0.5 m into the first along ~1 m of its
    // edge, an overlap under the 1 m² write tolerance that coverage still reports.
    const west = await context.api.post('/api/grids').send(gridFeature(A, '西北', box(114.3, 30.505, 114.305, 30.51)));
    expect(west.status).toBe(201);
    const southWest = await context.api
      .post('/api/grids')
      .send(gridFeature(A, '西南', { type: 'Polygon', coordinates: [[[114.3, 30.5], [114.305, 30.5], [114.305, 30.505], [114.30001, 30.505], [114.30001, 30.505 + 0.5 * M_LAT], [114.3, 30.505 + 0.5 * M_LAT], [114.3, 30.5]]] }));
    expect(southWest.status, JSON.stringify(southWest.body).slice(0, 300)).toBe(201);
    const afterTwo = new Date().toISOString();

    const half = (await context.api.get(`/api/regions/${A}/coverage`)).body;
    expect(half.grids).toBe(2);
    expect(half.coveredRatio).toBeCloseTo(0.5, 3);
    expect(half.gaps.features).toHaveLength(1);
    const gapArea = half.gaps.features[0].properties.areaM2;
    // The east half: 0.005° × 0.01° ≈ 480 m × 1,110 m ≈ 533,000 m².
    expect(gapArea).toBeGreaterThan(520_000);
    expect(gapArea).toBeLessThan(545_000);
    expect(half.overlaps.features).toHaveLength(1);
    expect(half.overlaps.features[0].properties.codes.sort()).toEqual([west.body.properties.code, southWest.body.properties.code].sort());
    expect(half.overlaps.features[0].properties.areaM2).toBeLessThan(1);

    // Fill the east half: full coverage, no gaps.
    expect((await context.api.post('/api/grids').send(gridFeature(A, '东', box(114.305, 30.5, 114.31, 30.51)))).status).toBe(201);
    const full = (await context.api.get(`/api/regions/${A}/coverage`)).body;
    expect(full.coveredRatio).toBeCloseTo(1, 6);
    expect(full.gaps.features).toHaveLength(0);

    const past = (await context.api.get(`/api/regions/${A}/coverage?asOf=${encodeURIComponent(afterTwo)}`)).body;
    expect(past.grids).toBe(2);
    expect(past.coveredRatio).toBeCloseTo(0.5, 3);

    // A township's coverage counts the grids of its whole subtree.
    const street = (await context.api.get(`/api/regions/${tree.street.code}/coverage`)).body;
    expect(street.grids).toBe(3);
    expect((await context.api.get('/api/regions/420111002099/coverage')).status).toBe(404);
  });
});
