/**
 * The standard-address registry and geocoding over HTTP: CSV and GeoJSON imports in Chinese
 * coordinate systems, bad rows, re-imports, ranked candidates with their live grid, batches,
 * region filters, and a grid's addresses and households.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { signedAs, useTestService } from '../support/context.js';
import { box, seedHalves, tableCounts, tree } from '../support/fixtures.js';
import { createApp } from '../../server/app.js';
import { defaultLimits } from '../../server/config.js';
import { fromWgs84 } from '../../server/geo/crs.js';

const context = useTestService();
const A = tree.villageA.code;
const WEST = `${A}001`;
const EAST = `${A}002`;
const PREFIX = '湖北省武汉市洪山区关山街道光谷社区';

/** [address, lon, lat] in WGS84: the west half of village A is 114.300–114.305, the east half 114.305–114.310. */
const registry: [string, number, number][] = [
  [`${PREFIX}关山大道355号`, 114.302, 30.505],
  [`${PREFIX}关山大道355号光谷天地3栋2单元1501室`, 114.3021, 30.5051],
  [`${PREFIX}关山大道355号光谷天地3栋2单元1502室`, 114.3022, 30.5051],
  [`${PREFIX}关山大道357号`, 114.3031, 30.5052],
  [`${PREFIX}民族大道12号`, 114.307, 30.503],
  [`${PREFIX}民族大道14号`, 114.3075, 30.5031],
  [`${PREFIX}鲁磨路88号`, 114.308, 30.508],
];

function csv(rows: [string, number, number][], crs: 'wgs84' | 'gcj02' = 'wgs84'): string {
  return ['address,lon,lat', ...rows.map(([a, lon, lat]) => {
    const [x, y] = crs === 'wgs84' ? [lon, lat] : fromWgs84(lon, lat, crs);
    return `"${a}",${x.toFixed(9)},${y.toFixed(9)}`;
  })].join('\n');
}

beforeAll(async () => {
  await seedHalves(context);
});

describe('POST /api/addresses/import', () => {
  it('imports CSV given in GCJ-02, stores WGS84 and says where the addresses fell', async () => {
    const response = await context.api.post('/api/addresses/import?crs=gcj02').type('text/csv').send(csv(registry, 'gcj02'));
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ received: 7, imported: 7, created: 7, updated: 0, rejected: 0, located: { inGrid: 7, outsideGrids: 0 } });
    const hit = await context.api.get('/api/geocode').query({ q: `${PREFIX}鲁磨路88号` });
    const [best] = hit.body.candidates;
    // Back from GCJ-02 to within half a metre of the WGS84 point (≈ 5e-6°).
    expect(Math.abs(best.lon - 114.308)).toBeLessThan(5e-6);
    expect(Math.abs(best.lat - 30.508)).toBeLessThan(5e-6);
  });

  it('imports a GeoJSON FeatureCollection; the same address written differently moves the entry, not a second one', async () => {
    const before = await tableCounts(context);
    const features = [
      // Full-width digits and a Chinese numeral: the same address as 鲁磨路88号 … no: 鲁磨路８８号 is; 九十号 is a new one.
      { type: 'Feature', geometry: { type: 'Point', coordinates: [114.3082, 30.5082] }, properties: { address: `${PREFIX}鲁磨路８８号` } },
      { type: 'Feature', geometry: { type: 'Point', coordinates: [114.3085, 30.5085] }, properties: { address: `${PREFIX}鲁磨路九十号` } },
    ];
    const response = await context.api.post('/api/addresses/import').type('application/geo+json').send({ type: 'FeatureCollection', features });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ imported: 2, created: 1, updated: 1 });
    expect((await tableCounts(context)).addresses).toBe(before.addresses + 1);
    const moved = await context.api.get('/api/geocode').query({ q: '鲁磨路88号' });
    expect(moved.body.candidates[0]).toMatchObject({ lon: 114.3082, lat: 30.5082 });
    const ninety = await context.api.get('/api/geocode').query({ q: '鲁磨路90号' });
    expect(ninety.body.candidates[0]).toMatchObject({ matchedLevel: 'number', gridCode: EAST });
  });

  it('refuses a file with bad rows, listing each, and imports nothing', async () => {
    const before = await tableCounts(context);
    const text = [
      'address,lon,lat',
      `${PREFIX}珞喻路1号,114.301,30.501`,
      ',114.301,30.501', // empty address
      `${PREFIX}珞喻路3号,30.501,114.301`, // swapped
      `${PREFIX}珞喻路5号,abc,30.5`, // not a number
      `"${'长'.repeat(2000)}",114.301,30.501`, // 2 KB
      `${PREFIX}珞喻路7号,2.35,48.85`, // Paris
    ].join('\n');
    const response = await context.api.post('/api/addresses/import').type('text/csv').send(text);
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('invalid_rows');
    expect(response.body.error.details.problems.map((p: { row: number; code: string }) => [p.row, p.code])).toEqual([
      [3, 'empty_address'],
      [4, 'swapped_coordinates'],
      [5, 'invalid_coordinates'],
      [6, 'address_too_long'],
      [7, 'outside_china'],
    ]);
    expect(await tableCounts(context)).toEqual(before);

    const partial = await context.api.post('/api/addresses/import?skipInvalid=true').type('text/csv').send(text);
    expect(partial.status).toBe(200);
    expect(partial.body).toMatchObject({ received: 6, imported: 1, rejected: 5 });
    expect((await tableCounts(context)).addresses).toBe(before.addresses + 1);
  });

  it('answers 4xx for what is not an address file', async () => {
    const before = await tableCounts(context);
    const cases: [string, string, number, string][] = [
      ['text/csv', 'name,x\n福州,1', 400, 'invalid_csv'],
      ['text/csv', '', 400, 'invalid_csv'],
      ['application/json', JSON.stringify({ type: 'Feature' }), 400, 'invalid_geojson'],
      ['application/json', '[1,2', 400, 'invalid_json'],
      ['application/xml', '<a/>', 415, 'unsupported_media_type'],
    ];
    for (const [type, body, status, code] of cases) {
      const response = await context.api.post('/api/addresses/import').type(type).send(body);
      expect([response.status, response.body.error?.code], `${type} ${body}`).toEqual([status, code]);
    }
    const crs = await context.api.post('/api/addresses/import?crs=epsg3857').type('text/csv').send(csv(registry));
    expect([crs.status, crs.body.error.code]).toEqual([400, 'invalid_crs']);
    expect(await tableCounts(context)).toEqual(before);
  });
});

describe('GET /api/geocode', () => {
  it('ranks the exact address first, with its grid and the deepest level matched', async () => {
    const response = await context.api.get('/api/geocode').query({ q: `${PREFIX}关山大道355号光谷天地3栋2单元1501室` });
    expect(response.status).toBe(200);
    expect(response.body.parsed).toMatchObject({ road: '关山大道', number: '355', building: '3', unit: '2', room: '1501' });
    expect(response.body.candidates[0]).toMatchObject({
      address: `${PREFIX}关山大道355号光谷天地3栋2单元1501室`,
      gridCode: WEST,
      matchedLevel: 'room',
      unmatched: [],
    });
    expect(response.body.candidates[0].score).toBeGreaterThan(0.9);
  });

  it('copes with what people type', async () => {
    const target = `${PREFIX}关山大道355号光谷天地3栋2单元1501室`;
    for (const q of [
      '关山大道355号光谷天地3栋2单元1501室', // no province, city, district
      '武汉关山大道３５５号光谷天地３栋２单元１５０１室', // full-width digits
      '关山大道三百五十五号光谷天地三栋二单元1501室', // Chinese numerals
      '关山大道355号光谷天地3幢2单元1501', // 幢 for 栋, no 室
      '关山大道355号光谷天地3号楼2单元1501室', // 号楼
      '关山大街355号光谷天地3栋2单元1501室', // 街 for 大道
      '关三大道355号光谷天地3栋2单元1501室', // a typo in the road
    ]) {
      const response = await context.api.get('/api/geocode').query({ q });
      expect(response.body.candidates[0]?.address, q).toBe(target);
    }
  });

  it('says when it matched only the road, and where the road is', async () => {
    const response = await context.api.get('/api/geocode').query({ q: '民族大道999号' });
    expect(response.status).toBe(200);
    const [best] = response.body.candidates;
    expect(best).toMatchObject({ matchedLevel: 'road', id: null, gridCode: EAST });
    expect(best.unmatched).toContain('number');
    expect(best.lon).toBeGreaterThan(114.305);
  });

  it('answers an empty list for an address it does not know', async () => {
    const response = await context.api.get('/api/geocode').query({ q: '黑龙江省漠河市北极村不存在路1号' });
    expect(response.status).toBe(200);
    expect(response.body.candidates).toEqual([]);
  });

  it('gives coordinates in the crs asked for', async () => {
    const wgs = (await context.api.get('/api/geocode').query({ q: '民族大道12号' })).body.candidates[0];
    const gcj = (await context.api.get('/api/geocode').query({ q: '民族大道12号', crs: 'gcj02' })).body.candidates[0];
    const [x, y] = fromWgs84(wgs.lon, wgs.lat, 'gcj02');
    expect(gcj.lon).toBeCloseTo(x, 9);
    expect(gcj.lat).toBeCloseTo(y, 9);
  });

  it('filters by region and refuses unknown or malformed regions', async () => {
    const inA = await context.api.get('/api/geocode').query({ q: '民族大道12号', region: A });
    expect(inA.body.candidates[0].address).toBe(`${PREFIX}民族大道12号`);
    const inB = await context.api.get('/api/geocode').query({ q: '民族大道12号', region: tree.villageB.code });
    expect(inB.body.candidates).toEqual([]);
    const inStreet = await context.api.get('/api/geocode').query({ q: '民族大道12号', region: tree.street.code });
    expect(inStreet.body.candidates.length).toBeGreaterThan(0);
    expect((await context.api.get('/api/geocode').query({ q: '民族大道12号', region: '429999000000' })).status).toBe(404);
    expect((await context.api.get('/api/geocode').query({ q: '民族大道12号', region: '4201' })).status).toBe(400);
  });

  it('refuses an empty, a 2 KB or a repeated q', async () => {
    for (const [query, code] of [
      ['q=', 'empty_address'],
      ['', 'invalid_address'],
      [`q=${encodeURIComponent('路'.repeat(683))}`, 'address_too_long'], // 2 KB of UTF-8
      ['q=a&q=b', 'invalid_parameter'],
      ['q=民族大道&limit=0', 'invalid_parameter'],
    ]) {
      const response = await context.api.get(`/api/geocode?${query}`);
      expect([response.status, response.body.error?.code], query.slice(0, 40)).toEqual([400, code]);
    }
  });

  it('follows a grid edit at once (the grid is looked up when read)', async () => {
    const before = (await context.api.get('/api/geocode').query({ q: '关山大道357号' })).body.candidates[0];
    expect(before.gridCode).toBe(WEST);
    // Move the border west of 357号 (114.3031): the east grid takes the strip 114.303–114.305.
    const west = await context.api.get(`/api/grids/${WEST}`);
    const east = await context.api.get(`/api/grids/${EAST}`);
    for (const [code, grid, geometry] of [
      [WEST, west, box(114.3, 30.5, 114.303, 30.51)],
      [EAST, east, box(114.303, 30.5, 114.31, 30.51)],
    ] as const) {
      const put = await context.api
        .put(`/api/grids/${code}`)
        .set('If-Match', grid.headers.etag)
        .send({ ...grid.body, geometry });
      expect(put.status, JSON.stringify(put.body).slice(0, 300)).toBe(200);
    }
    const after = (await context.api.get('/api/geocode').query({ q: '关山大道357号' })).body.candidates[0];
    expect(after.gridCode).toBe(EAST);
  });
});

describe('POST /api/geocode', () => {
  it('answers a batch in input order', async () => {
    const response = await context.api.post('/api/geocode').send({ addresses: ['民族大道14号', '鲁磨路88号', '不存在的地方'] });
    expect(response.status).toBe(200);
    expect(response.body.results.map((r: { candidates: { address: string }[] }) => r.candidates[0]?.address ?? null)).toEqual([
      `${PREFIX}民族大道14号`,
      `${PREFIX}鲁磨路88号`,
      null,
    ]);
    expect(response.body.results[0].candidates).toHaveLength(1);
  });

  it('names every bad entry, and refuses oversized batches', async () => {
    const bad = await context.api.post('/api/geocode').send({ addresses: ['民族大道14号', '', 42, 'x'.repeat(300)] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.errors.map((e: { index: number; code: string }) => [e.index, e.code])).toEqual([
      [1, 'empty_address'],
      [2, 'invalid_address'],
      [3, 'address_too_long'],
    ]);
    const big = await context.api.post('/api/geocode').send({ addresses: Array.from({ length: 10_001 }, () => '民族大道14号') });
    expect(big.status).toBe(413);
    for (const body of [{}, { addresses: '民族大道' }, { addresses: [], limit: 'x' }]) {
      expect((await context.api.post('/api/geocode').send(body)).status).toBe(400);
    }
  });
});

describe('a second service on the same database', () => {
  it('sees an import made through the first one', async () => {
    const second = signedAs(createApp(context.store, defaultLimits), context.adminKey);
    expect((await second.get('/api/geocode').query({ q: '珞喻路1号' })).body.candidates[0]?.matchedLevel).toBe('number');
    const imported = await context.api
      .post('/api/addresses/import')
      .type('text/csv')
      .send(`address,lon,lat\n${PREFIX}珞喻路11号,114.3012,30.5012`);
    expect(imported.status).toBe(200);
    const found = (await second.get('/api/geocode').query({ q: '珞喻路11号' })).body.candidates[0];
    expect(found).toMatchObject({ address: `${PREFIX}珞喻路11号`, matchedLevel: 'number' });
  });
});

describe('GET /api/grids/:code/addresses', () => {
  it("lists a grid's addresses and counts its households", async () => {
    const response = await context.api.get(`/api/grids/${WEST}/addresses`);
    expect(response.status).toBe(200);
    const addresses = response.body.addresses.map((a: { address: string; household: boolean }) => [a.address.replace(PREFIX, ''), a.household]);
    // 355号 is the gate of the rooms beneath it; the rooms and 珞喻路 numbers are households.
    expect(addresses).toEqual(
      expect.arrayContaining([
        ['关山大道355号', false],
        ['关山大道355号光谷天地3栋2单元1501室', true],
        ['关山大道355号光谷天地3栋2单元1502室', true],
        ['珞喻路1号', true],
      ]),
    );
    expect(addresses.map(([a]: [string]) => a)).not.toContain('关山大道357号'); // moved east by the edit above
    expect(response.body.total).toBe(addresses.length);
    expect(response.body.households).toBe(addresses.filter(([, household]: [string, boolean]) => household).length);
  });

  it('pages, and answers 404 for an unknown grid and 400 for a malformed code', async () => {
    const page = await context.api.get(`/api/grids/${WEST}/addresses?limit=1&offset=1`);
    expect(page.body.addresses).toHaveLength(1);
    expect((await context.api.get(`/api/grids/${A}999/addresses`)).status).toBe(404);
    expect((await context.api.get('/api/grids/123/addresses')).status).toBe(400);
  });
});
