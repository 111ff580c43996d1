/**
 * Coordinates → grid over HTTP: edges, ambiguity, Chinese coordinate systems, batches, and
 * read-your-writes (also from a second service on the same server database).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { keyFor, signedAs, useTestService } from '../support/context.js';
import { box, gridFeature, seedTree, tree } from '../support/fixtures.js';
import { createServerDatabase, serverUrl } from '../support/store.js';
import { createApp } from '../../server/app.js';
import { defaultLimits } from '../../server/config.js';
import { openStore } from '../../server/db/connect.js';
import { fromWgs84 } from '../../server/geo/crs.js';

const context = useTestService();
const A = tree.villageA.code;
const code = (n: number) => `${A}00${n}`;

/** The west of village A as 3 columns (0.002° wide) × 2 rows (0.005° high): codes 001 002 003 (north) / 004 005 006. */
beforeAll(async () => {
  await seedTree(context);
  const features = [];
  for (let row = 0; row < 2; row++) {
    for (let col = 0; col < 3; col++) {
      // Exact decimals, so that the edge points below lie exactly on the edges.
      const at = (v: number) => Number(v.toFixed(6));
      const [x0, y1] = [at(114.3 + col * 0.002), at(30.51 - row * 0.005)];
      features.push(gridFeature(A, `格${row}${col}`, box(x0, at(y1 - 0.005), at(x0 + 0.002), y1)));
    }
  }
  // The two remaining columns of the village (x 114.306–114.31) stay without grids.
  const response = await context.api.post('/api/grids/import').send({ type: 'FeatureCollection', features });
  expect(response.status, JSON.stringify(response.body).slice(0, 300)).toBe(201);
});

describe('GET /api/locate', () => {
  it('answers the grid, its regions and its distance to the edge', async () => {
    const response = await context.api.get('/api/locate?lon=114.301&lat=30.5075');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ code: code(1), name: '格00', kind: 'urban', ambiguous: false, neighbours: [] });
    expect(response.body.regions.map((r: { code: string }) => r.code)).toEqual([tree.county.code, tree.street.code, A]);
    // 0.001° of longitude from the west and east edges at 30.5°N ≈ 95.9 m.
    expect(response.body.distanceToEdgeM).toBeGreaterThan(94);
    expect(response.body.distanceToEdgeM).toBeLessThan(98);
  });

  it('gives a point on a shared edge or vertex to the lowest code, the same in both forms', async () => {
    const edge = [114.302, 30.507]; // between 001 and 002
    const vertex = [114.302, 30.505]; // corner of 001, 002, 004, 005
    for (const [[lon, lat], expected] of [[edge, code(1)], [vertex, code(1)]] as const) {
      const single = await context.api.get(`/api/locate?lon=${lon}&lat=${lat}`);
      expect(single.body.code).toBe(expected);
      expect(single.body.ambiguous).toBe(true);
      const batch = await context.api.post('/api/locate').send({ points: [[lon, lat]], fields: 'code' });
      expect(batch.body.results).toEqual([expected]);
    }
  });

  it('flags a point within a few metres of another grid as ambiguous, with that neighbour', async () => {
    const response = await context.api.get('/api/locate?lon=114.30198&lat=30.5075'); // ≈ 1.9 m west of 002
    expect(response.body.code).toBe(code(1));
    expect(response.body.ambiguous).toBe(true);
    expect(response.body.neighbours.map((n: { code: string }) => n.code)).toEqual([code(2)]);
    expect(response.body.neighbours[0].distanceM).toBeGreaterThan(1.5);
    expect(response.body.neighbours[0].distanceM).toBeLessThan(2.5);
  });

  it('answers 404 outside every grid, with the nearest grid and its distance', async () => {
    const response = await context.api.get('/api/locate?lon=114.307&lat=30.5075');
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('not_in_any_grid');
    expect(response.body.error.details.nearest.code).toBe(code(3));
    expect(response.body.error.details.nearest.distanceM).toBeGreaterThan(90);
    expect(response.body.error.details.nearest.distanceM).toBeLessThan(100);
  });

  it('converts GCJ-02 and BD-09 to WGS84 before locating', async () => {
    // A WGS84 point 5 m inside 002's west edge; shifted to GCJ-02 it reads ~500 m away.
    const wgs = [114.30205, 30.5075] as [number, number];
    for (const crs of ['gcj02', 'bd09'] as const) {
      const [lon, lat] = fromWgs84(wgs[0], wgs[1], crs);
      const response = await context.api.get(`/api/locate?lon=${lon}&lat=${lat}&crs=${crs}`);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body.code).toBe(code(2));
      expect(Math.abs(response.body.wgs84[0] - wgs[0]) * 95_900).toBeLessThan(0.5);
      expect(Math.abs(response.body.wgs84[1] - wgs[1]) * 110_600).toBeLessThan(0.5);
      // Read as WGS84, the same numbers land elsewhere.
      expect((await context.api.get(`/api/locate?lon=${lon}&lat=${lat}`)).body.code).not.toBe(code(2));
    }
  });

  it('refuses bad coordinates with a 4xx that says why', async () => {
    const cases: [string, number, string][] = [
      ['lon=abc&lat=30.5', 400, 'invalid_coordinates'],
      ['lat=30.5', 400, 'invalid_coordinates'],
      ['lon=30.5075&lat=114.301', 400, 'swapped_coordinates'],
      ['lon=2.35&lat=48.85', 400, 'outside_china'],
      ['lon=114.301&lat=30.5075&crs=utm', 400, 'invalid_crs'],
      ['lon=114.301&lat=30.5075&asOf=soon', 400, 'invalid_parameter'],
      ['lon=1e400&lat=30.5', 400, 'invalid_coordinates'],
    ];
    for (const [query, status, errorCode] of cases) {
      const response = await context.api.get(`/api/locate?${query}`);
      expect(response.status, query).toBe(status);
      expect(response.body.error.code, query).toBe(errorCode);
    }
  });
});

describe('POST /api/locate', () => {
  it('answers every point in input order, full or compact, null outside', async () => {
    const points = [[114.301, 30.5075], [114.307, 30.5075], [114.305, 30.501], [114.303, 30.5025]];
    const full = await context.api.post('/api/locate').send({ points });
    expect(full.status).toBe(200);
    expect(full.body.results.map((r: { code: string } | null) => r?.code ?? null)).toEqual([code(1), null, code(6), code(5)]);
    const compact = await context.api.post('/api/locate').send({ points, fields: 'code', crs: 'wgs84' });
    expect(compact.body.results).toEqual([code(1), null, code(6), code(5)]);
    // GeoJSON positions may carry a height.
    const withHeight = await context.api.post('/api/locate').send({ points: [[114.301, 30.5075, 12.5]], fields: 'code' });
    expect(withHeight.body.results).toEqual([code(1)]);
  });

  it('refuses bad points (with their index), unknown crs and oversized batches', async () => {
    const bad = await context.api.post('/api/locate').send({ points: [[114.301, 30.5075], [30.5, 114.3], ['x', 1]] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.errors.map((e: { index: number }) => e.index)).toEqual([1, 2]);
    expect((await context.api.post('/api/locate').send({ points: [], crs: 'mars' })).status).toBe(400);
    expect((await context.api.post('/api/locate').send({ point: [114.3, 30.5] })).status).toBe(400);
    const many = { points: Array.from({ length: 100_001 }, () => [114.301, 30.5075]), fields: 'code' };
    expect((await context.api.post('/api/locate').send(many)).status).toBe(413);
  });
});

describe('read-your-writes', () => {
  it('reflects a grid edit in the very next lookup, and asOf still sees the old shape', async () => {
    const point = 'lon=114.3015&lat=30.5075';
    expect((await context.api.get(`/api/locate?${point}`)).body.code).toBe(code(1));
    const before = new Date(Date.now() - 1).toISOString();
    const grid = (await context.api.get(`/api/grids/${code(1)}`)).body;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const shrunk = await context.api
      .put(`/api/grids/${code(1)}`)
      .set('If-Match', `"${grid.properties.version}"`)
      .send({ ...grid, geometry: box(114.3, 30.505, 114.301, 30.51) });
    expect(shrunk.status).toBe(200);
    expect((await context.api.get(`/api/locate?${point}`)).status).toBe(404);
    expect((await context.api.get(`/api/locate?${point}&asOf=${encodeURIComponent(before)}`)).body.code).toBe(code(1));
  });

  it.skipIf(!serverUrl)('reflects an edit made through another service process on the same server database', async () => {
    const database = await createServerDatabase();
    const [first, second] = [await openStore({ databaseUrl: database.url }), await openStore({ databaseUrl: database.url })];
    try {
      const admin = await keyFor(first, 'admin');
      const [a, b] = [signedAs(createApp(first, defaultLimits), admin), signedAs(createApp(second, defaultLimits), admin)];
      const seeded = { ...context, api: a } as typeof context;
      await seedTree(seeded);
      const created = await a.post('/api/grids').send(gridFeature(A, '甲', box(114.3, 30.5, 114.302, 30.505)));
      expect(created.status).toBe(201);
      expect((await b.get('/api/locate?lon=114.301&lat=30.5025')).body.code).toBe(created.body.properties.code);
      const retired = await a.delete(`/api/grids/${created.body.properties.code}`).set('If-Match', '"1"');
      expect(retired.status).toBe(200);
      expect((await b.get('/api/locate?lon=114.301&lat=30.5025')).status).toBe(404);
    } finally {
      await first.close();
      await second.close();
      await database.drop();
    }
  });
});
