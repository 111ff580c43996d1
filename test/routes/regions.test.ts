import { describe, expect, it } from 'vitest';
import { useTestService } from '../support/context.js';
import { box, regionFeature, tableCounts, tree } from '../support/fixtures.js';

const context = useTestService();

describe('regions', () => {
  it('reports health with the backend and the PostGIS version', async () => {
    const response = await context.api.get('/api/health');
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('ok');
    expect(response.body.backend).toBe(process.env.DATABASE_URL ? 'postgres' : 'embedded');
    expect(response.body.postgis).toMatch(/^3\.\d+/);
  });

  it('stores a tree and returns a region with its children', async () => {
    const county = await context.api.post('/api/regions').send(regionFeature(tree.county.code, '洪山区', 'county', null, tree.county.geometry));
    expect(county.status).toBe(201);
    expect(county.headers.location).toBe(`/api/regions/${tree.county.code}`);
    expect(county.body.geometry.type).toBe('MultiPolygon');
    const street = await context.api
      .post('/api/regions')
      .set('Content-Type', 'application/geo+json')
      .send(JSON.stringify(regionFeature(tree.street.code, '关山街道', 'township', tree.county.code, tree.street.geometry)));
    expect(street.status).toBe(201);

    const got = await context.api.get(`/api/regions/${tree.county.code}`);
    expect(got.status).toBe(200);
    expect(got.body.properties).toMatchObject({ code: tree.county.code, name: '洪山区', level: 'county', parentCode: null });
    expect(got.body.properties.children).toEqual([{ code: tree.street.code, name: '关山街道', level: 'township', parentCode: tree.county.code }]);

    const roots = await context.api.get('/api/regions');
    expect(roots.body.features.map((f: { id: string }) => f.id)).toEqual([tree.county.code]);
    const children = await context.api.get(`/api/regions?parent=${tree.county.code}`);
    expect(children.body.features.map((f: { id: string }) => f.id)).toEqual([tree.street.code]);
  });

  it('refuses codes that contradict their level or parent, and changes nothing', async () => {
    const before = await tableCounts(context);
    const cases: [unknown, number, string][] = [
      [regionFeature('420111002003', '错级', 'township', tree.county.code, tree.villageA.geometry), 422, 'invalid_code'],
      [regionFeature('420112002000', '错父', 'township', tree.county.code, tree.street.geometry), 422, 'invalid_code'],
      [regionFeature('420111003000', '无父', 'township', '420111009000', tree.street.geometry), 422, 'unknown_region'],
      [regionFeature('42011100300', '短码', 'township', tree.county.code, tree.street.geometry), 400, 'invalid_property'],
      [regionFeature('420111003000', '错级别', 'town', tree.county.code, tree.street.geometry), 400, 'invalid_property'],
      [regionFeature(tree.county.code, '重复', 'county', null, tree.county.geometry), 409, 'region_exists'],
      [regionFeature('420111003000', '', 'township', tree.county.code, tree.street.geometry), 400, 'invalid_property'],
      [{ type: 'Feature', properties: {}, geometry: null }, 400, 'invalid_property'],
      [[1, 2, 3], 400, 'invalid_geojson'],
    ];
    for (const [body, status, code] of cases) {
      const response = await context.api.post('/api/regions').send(body as object);
      expect(response.status, JSON.stringify(response.body)).toBe(status);
      expect(response.body.error.code).toBe(code);
      expect(typeof response.body.error.message).toBe('string');
    }
    expect(await tableCounts(context)).toEqual(before);
  });

  it('refuses an invalid boundary with the reason and a swapped one with a hint', async () => {
    const bowtie = {
      type: 'Polygon',
      coordinates: [[[114.3, 30.5], [114.31, 30.51], [114.31, 30.5], [114.3, 30.51], [114.3, 30.5]]],
    };
    const invalid = await context.api.post('/api/regions').send(regionFeature('420111005000', '自交', 'township', tree.county.code, bowtie as never));
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.code).toBe('invalid_geometry');
    expect(invalid.body.error.message).toMatch(/^边界无效：自相交 \[/);
    expect(invalid.body.error.details.location.type).toBe('Point');
    expect(invalid.body.error.details.location.coordinates[0]).toBeCloseTo(114.305, 6);

    const swapped = await context.api.post('/api/regions').send(regionFeature('420111005000', '颠倒', 'township', tree.county.code, box(30.5, 114.3, 30.51, 114.31)));
    expect(swapped.status).toBe(400);
    expect(swapped.body.error.code).toBe('swapped_coordinates');
  });

  it('answers 404 for unknown regions and 400 for malformed codes', async () => {
    expect((await context.api.get('/api/regions/420111099000')).status).toBe(404);
    expect((await context.api.get('/api/regions/420111099000')).body.error.code).toBe('unknown_region');
    expect((await context.api.get('/api/regions/abc')).status).toBe(400);
    expect((await context.api.get('/api/regions?parent=420111099000')).status).toBe(404);
    expect((await context.api.get('/api/nothing-here')).status).toBe(404);
  });

  it('refuses bodies that are not JSON', async () => {
    const broken = await context.api.post('/api/regions').set('Content-Type', 'application/json').send('{"type": "Feature",');
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('invalid_json');
    const text = await context.api.post('/api/regions').set('Content-Type', 'text/plain').send('hello');
    expect(text.status).toBe(415);
  });
});
