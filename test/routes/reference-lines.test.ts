/**
 * A region's reference lines over HTTP: PUT replaces them from GeoJSON (roads, rivers, railways,
 * ridges as lines, water as polygons), every bad file is refused with a clear 4xx and nothing
 * written, GET answers them (by bbox too).
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Feature, FeatureCollection } from 'geojson';
import { useTestService } from '../support/context.js';
import { box, regionFeature, seedTree, tree } from '../support/fixtures.js';
import { fromWgs84 } from '../../server/geo/crs.js';
import { regionBarriers } from '../../server/db/reference-lines.js';

// Small limits, so that "too many" can be shown with small files.
const context = useTestService({ batchFeatures: 100, featureVertices: 100 });
const A = tree.villageA.code; // [114.30, 114.31] × [30.50, 30.51]
/** A village over the OSM fixture (test/fixtures/lines). */
const OPTICS = '420111002006';

beforeAll(async () => {
  await seedTree(context);
  const created = await context.api.post('/api/regions').send(regionFeature(OPTICS, '光谷示范社区', 'village', tree.street.code, box(114.388, 30.504, 114.398, 30.511)));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
});

const line = (kind: string, coordinates: number[][], extra: Record<string, unknown> = {}): Feature => ({
  type: 'Feature',
  properties: { kind, ...extra },
  geometry: { type: 'LineString', coordinates },
});
const collection = (...features: Feature[]): FeatureCollection => ({ type: 'FeatureCollection', features });

const good = collection(
  line('road', [[114.299, 30.505], [114.311, 30.505]], { name: '光谷大道', class: 'major' }),
  line('road', [[114.305, 30.5], [114.305, 30.505]], { class: 'minor', lanes: 2 }),
  line('river', [[114.3, 30.508], [114.31, 30.509]], { name: '示范河' }),
  line('railway', [[114.302, 30.5], [114.302, 30.51]]),
  { type: 'Feature', properties: { kind: 'ridge' }, geometry: { type: 'MultiLineString', coordinates: [[[114.307, 30.506], [114.309, 30.507]]] } },
  { type: 'Feature', properties: { kind: 'water', name: '小湖' }, geometry: box(114.306, 30.501, 114.308, 30.503) },
);

async function put(body: unknown, code = A, query = '') {
  return context.api.put(`/api/regions/${code}/lines${query}`).send(body as object);
}

describe('reference lines', () => {
  it('replaces a village’s lines and answers them as GeoJSON, by bbox too', async () => {
    const response = await put(good);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toEqual({ regionCode: A, lines: 6, byKind: { road: 2, river: 1, railway: 1, ridge: 1, water: 1 }, skipped: { count: 0, byValue: {} }, outside: [] });

    const all = await context.api.get(`/api/regions/${A}/lines`);
    expect(all.status).toBe(200);
    expect(all.body.type).toBe('FeatureCollection');
    expect(all.body.features.map((f: Feature) => f.properties!.kind)).toEqual(['road', 'road', 'river', 'railway', 'ridge', 'water']);
    expect(all.body.features[0].properties).toEqual({ kind: 'road', class: 'major', name: '光谷大道' });
    expect(all.body.features[1].properties).toEqual({ kind: 'road', class: 'minor', name: null, lanes: 2 });
    expect(all.body.features[0].geometry).toEqual(good.features[0].geometry);

    // Only the lines meeting the box: the water area and the ridge lie east of 114.306.
    const west = await context.api.get(`/api/regions/${A}/lines?bbox=114.300,30.500,114.3055,30.504`);
    expect(west.body.features.map((f: Feature) => f.properties!.kind).sort()).toEqual(['railway', 'road']);

    // Replacing: the old lines go.
    expect((await put(collection(line('river', [[114.3, 30.502], [114.31, 30.502]])))).status).toBe(200);
    expect((await context.api.get(`/api/regions/${A}/lines`)).body.features).toHaveLength(1);
    expect((await put(good)).status).toBe(200);
  });

  it('refuses bad files with a clear 4xx and writes nothing', async () => {
    const cases: [unknown, number, string][] = [
      [{ type: 'Feature' }, 400, 'invalid_geojson'],
      [collection(line('street', [[114.301, 30.501], [114.302, 30.502]])), 400, 'invalid_property'],
      [collection(line('river', [[114.301, 30.501], [114.302, 30.502]], { class: 'major' })), 400, 'invalid_property'],
      [collection(line('road', [[114.301, 30.501], [114.302, 30.502]], { name: 42 })), 400, 'invalid_property'],
      [collection({ type: 'Feature', properties: { kind: 'road' }, geometry: { type: 'GeometryCollection', geometries: [] } }), 400, 'wrong_geometry_type'],
      [collection(line('road', [[114.301, 30.501], [114.302, 30.502]], { class: 'arterial' })), 400, 'invalid_property'],
      [collection(line('road', [[114.301, 30.501]])), 400, 'invalid_geojson'],
      [collection(line('road', [[114.301, 30.501], [114.301, 30.501]])), 400, 'invalid_geometry'],
      [collection(line('road', [[30.501, 114.301], [30.502, 114.302]])), 400, 'swapped_coordinates'],
      [collection(line('road', [[2.35, 48.85], [2.36, 48.86]])), 400, 'outside_china'],
      [collection(line('road', Array.from({ length: 101 }, (_, i) => [114.301 + i * 1e-5, 30.501]))), 400, 'too_many_vertices'],
      [collection(...Array.from({ length: 101 }, () => line('road', [[114.301, 30.501], [114.302, 30.502]]))), 400, 'batch_too_large'],
      // Only roads 2 km east of the village (a file for another place), and a bow-tie lake: PostGIS' judgement, 422.
      [collection(line('road', [[114.33, 30.505], [114.34, 30.505]]), line('road', [[114.335, 30.5], [114.335, 30.51]])), 422, 'line_outside_area'],
      [
        collection({
          type: 'Feature',
          properties: { kind: 'water' },
          geometry: { type: 'Polygon', coordinates: [[[114.301, 30.501], [114.303, 30.503], [114.303, 30.501], [114.301, 30.503], [114.301, 30.501]]] },
        }),
        422,
        'invalid_geometry',
      ],
    ];
    for (const [body, status, code] of cases) {
      const response = await put(body);
      expect(response.status, JSON.stringify(body).slice(0, 200)).toBe(status);
      expect(response.body.error.code, JSON.stringify(response.body)).toBe(code);
    }
    // Every problem of a file is listed, by feature.
    const many = await put(collection(line('street', [[114.301, 30.501], [114.302, 30.502]]), line('road', [[30.501, 114.301], [30.502, 114.302]])));
    expect(many.body.error.details.problems.map((p: { message: string }) => p.message.slice(0, 12))).toEqual(['features[0]：', 'features[1]：']);
    // Nothing was written: the six lines of the first test are still there.
    expect((await context.api.get(`/api/regions/${A}/lines`)).body.features).toHaveLength(6);
  });

  it('answers 404 for an unknown region and 400 for a bad bbox', async () => {
    expect((await put(good, '420111002099')).status).toBe(404);
    expect((await context.api.get('/api/regions/420111002099/lines')).status).toBe(404);
    expect((await context.api.get(`/api/regions/${A}/lines?bbox=30.5,114.3,30.51,114.31`)).status).toBe(400);
  });

  it('takes lines traced on a GCJ-02 map (crs=gcj02) and stores them in WGS84', async () => {
    const wgs = [[114.301, 30.504], [114.309, 30.506]];
    const gcj = wgs.map(([lon, lat]) => fromWgs84(lon, lat, 'gcj02'));
    const response = await put(collection(line('road', gcj)), A, '?crs=gcj02');
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const [stored] = (await context.api.get(`/api/regions/${A}/lines`)).body.features;
    stored.geometry.coordinates.forEach((p: number[], i: number) => {
      expect(Math.abs(p[0] - wgs[i][0])).toBeLessThan(1e-5);
      expect(Math.abs(p[1] - wgs[i][1])).toBeLessThan(1e-5);
    });
    expect((await put(collection(line('road', gcj)), A, '?crs=mars')).status).toBe(400);
    expect((await put(good)).status).toBe(200);
  });

  it('stores lines in the vocabularies the division reads: OSM tags, ogr2ogr other_tags, Tilezen kinds, Chinese words', async () => {
    const B = tree.villageB.code;
    const [x0, y0] = [114.31, 30.5]; // village B's south-west corner
    const at = (dx: number, dy: number) => [x0 + dx, y0 + dy];
    const feature = (properties: Record<string, unknown>, geometry: Feature['geometry']): Feature => ({ type: 'Feature', properties, geometry });
    const lineAt = (...points: number[][]): Feature['geometry'] => ({ type: 'LineString', coordinates: points });
    const square = (dx: number, dy: number, size: number): Feature['geometry'] => ({
      type: 'Polygon',
      coordinates: [[at(dx, dy), at(dx + size, dy), at(dx + size, dy + size), at(dx, dy + size), at(dx, dy)]],
    });
    const mixed = collection(
      feature({ highway: 'primary', name: '解放路' }, lineAt(at(0.001, 0.005), at(0.009, 0.005))),
      feature({ other_tags: '"highway"=>"footway","surface"=>"paved"' }, lineAt(at(0.002, 0.001), at(0.002, 0.004))),
      feature({ kind: 'minor_road', kind_detail: 'residential' }, lineAt(at(0.005, 0.001), at(0.005, 0.004))), // Tilezen
      feature({ waterway: 'canal', name: '东渠' }, lineAt(at(0.001, 0.008), at(0.009, 0.008))),
      feature({ natural: 'water' }, square(0.006, 0.001, 0.001)),
      feature({ kind: '围墙' }, lineAt(at(0.007, 0.006), at(0.008, 0.006))),
      feature({ barrier: 'wall' }, square(0.0065, 0.0025, 0.0005)), // a walled yard drawn closed: its outline
      feature({ railway: 'subway', tunnel: 'yes' }, lineAt(at(0.001, 0.002), at(0.009, 0.002))), // underground: bounds nothing
      feature({ route: 'ferry' }, lineAt(at(0.001, 0.009), at(0.009, 0.009))),
      feature({ amenity: 'fountain' }, { type: 'Point', coordinates: at(0.003, 0.003) }),
      feature({ kind: 'water', name: '镜湖' }, { type: 'Point', coordinates: at(0.004, 0.004) }), // Tilezen's label point
      feature({ kind: 'water' }, lineAt(at(0.001, 0.0085), at(0.009, 0.0085))), // a water line bounds as a river
      feature({ kind: 'road', class: 'minor' }, square(0.003, 0.006, 0.001)), // a road area: its outline
      feature({ highway: 'trunk', name: '外环' }, lineAt([114.35, 30.5], [114.36, 30.51])), // 3 km east: another village's road
    );
    const response = await context.api.put(`/api/regions/${B}/lines`).send(mixed);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.lines).toBe(9);
    expect(response.body.byKind).toEqual({ road: 4, river: 2, water: 1, wall: 2 });
    expect(response.body.skipped).toEqual({ count: 4, byValue: { tunnel: 1, 'route=ferry': 1, 'amenity=fountain': 1, 'water (Point)': 1 } });
    // A roads file cut for a whole district: the lines far outside are left out, named by position.
    expect(response.body.outside).toEqual([13]);
    const stored = (await context.api.get(`/api/regions/${B}/lines`)).body.features as Feature[];
    const summary = stored.map((f) => [f.properties!.kind, f.properties!.class ?? null, f.geometry.type]);
    expect(summary).toEqual([
      ['road', 'major', 'LineString'],
      ['road', 'path', 'LineString'],
      ['road', 'minor', 'LineString'],
      ['river', null, 'LineString'],
      ['water', null, 'Polygon'],
      ['wall', null, 'LineString'],
      ['wall', null, 'MultiLineString'],
      ['river', null, 'LineString'],
      ['road', 'minor', 'MultiLineString'],
    ]);
    // The properties are kept as given (the source's own kind among them), the name in its column.
    expect(stored[0].properties).toEqual({ kind: 'road', class: 'major', name: '解放路', highway: 'primary' });
    expect(stored[2].properties).toMatchObject({ kind: 'road', class: 'minor', kind_detail: 'residential' });

    // A division of the village reads them as its barriers: walls as walls, the canal as a river.
    const barriers = await regionBarriers(context.store.db, B);
    expect(barriers.map((f) => f.properties!.kind)).toEqual(['major_road', 'path', 'minor_road', 'river', 'water', 'wall', 'wall', 'river', 'minor_road']);

    // A value nobody knows is refused in the reader's language, naming it, and nothing changes.
    const typo = await context.api.put(`/api/regions/${B}/lines`).set('Accept-Language', 'zh-CN').send(collection(feature({ highway: 'primay' }, lineAt(at(0.001, 0.005), at(0.009, 0.005)))));
    expect(typo.status).toBe(400);
    expect(typo.body.error.code).toBe('invalid_property');
    expect(typo.body.error.message).toContain('highway=primay');
    expect(typo.body.error.message).toContain('不认识的参考线类型');
    // A refusal names the request's feature even when features before it were left out.
    const lake = await context.api.put(`/api/regions/${B}/lines`).send(
      collection(
        feature({ amenity: 'fountain' }, { type: 'Point', coordinates: at(0.003, 0.003) }),
        feature({ natural: 'water' }, { type: 'Polygon', coordinates: [[at(0.001, 0.001), at(0.003, 0.003), at(0.003, 0.001), at(0.001, 0.003), at(0.001, 0.001)]] }),
      ),
    );
    expect(lake.status).toBe(422);
    expect(lake.body.error.details.features[0].index).toBe(1);
    expect((await context.api.get(`/api/regions/${B}/lines`)).body.features).toHaveLength(9);
  });

  it('stores real OpenStreetMap roads (test/fixtures/lines)', async () => {
    const osm = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'lines', 'wuhan_optics_lines.geojson'), 'utf8')) as FeatureCollection;
    const response = await context.api.put(`/api/regions/${OPTICS}/lines`).send(osm);
    expect(response.status, JSON.stringify(response.body).slice(0, 400)).toBe(200);
    expect(response.body.lines).toBe(osm.features.length);
    expect(response.body.byKind.road).toBeGreaterThan(50);
    const stored = (await context.api.get(`/api/regions/${OPTICS}/lines`)).body.features;
    expect(stored.filter((f: Feature) => f.properties!.name === '鲁磨路').length).toBeGreaterThan(0);
  });
});
