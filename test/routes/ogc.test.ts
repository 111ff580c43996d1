/**
 * OGC API – Features over HTTP: the landing page, conformance, the OpenAPI document, the four
 * collections with their extents, items with paging, bbox, datetime and property filters, single
 * features, and errors in the OGC exception shape. Then a real client: GDAL's ogrinfo (OAPIF
 * driver) lists the collections, reports the feature counts that the database holds, and reads
 * every feature through its own paging (10 per request in GDAL 3.6).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFile, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { sql } from 'kysely';
import { signedAs, useTestService } from '../support/context.js';
import { box, gridFeature, seedTree, tree } from '../support/fixtures.js';
import { createApp } from '../../server/app.js';
import { defaultLimits } from '../../server/config.js';

const context = useTestService();
const A = tree.villageA.code;
const B = tree.villageB.code;
const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
const HOUR = 3_600_000;
const T0 = new Date('2026-05-01T08:00:00Z');
let now = new Date(T0);
const clock = { now: () => new Date(now) };
let api: ReturnType<typeof request>;

/** Village A as a 16 × 16 lattice of grids: 256 grids, more than GDAL reads in one page. */
const STEP = 0.01 / 16;
const LATTICE = 16 * 16;
let beforeGrids: Date;
let beforeRetire: Date;
let retiredCode: string;
let specialCode: string;
let cameraGrid: string;
const incidentIds: number[] = [];
let emptyIncidents: { extent: { spatial: { bbox: number[][] }; temporal?: unknown } };

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  api = signedAs(createApp(context.store, defaultLimits, { clock }), context.adminKey);
  await seedTree(context);
  emptyIncidents = (await api.get('/ogc/collections/incidents')).body;

  beforeGrids = new Date();
  await pause(20);
  const lattice = [];
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      lattice.push(gridFeature(A, `光谷${i}-${j}`, box(114.3 + i * STEP, 30.5 + j * STEP, 114.3 + (i + 1) * STEP, 30.5 + (j + 1) * STEP), i === 0 && j === 0 ? { households: 120 } : {}));
    }
  }
  lattice.push(gridFeature(B, '关南农村', box(114.31, 30.5, 114.315, 30.51), { kind: 'rural' }));
  lattice.push(gridFeature(B, '关南学校', box(114.315, 30.5, 114.32, 30.51), { kind: 'special', specialType: 'school' }));
  const imported = await api.post('/api/grids/import').send({ type: 'FeatureCollection', features: lattice });
  expect(imported.status, JSON.stringify(imported.body).slice(0, 500)).toBe(201);
  const created = imported.body.features as { properties: { code: string; kind: string } }[];
  retiredCode = created.find((grid) => grid.properties.kind === 'rural')!.properties.code;
  specialCode = created.find((grid) => grid.properties.kind === 'special')!.properties.code;

  await pause(20);
  beforeRetire = new Date();
  await pause(20);
  expect((await api.delete(`/api/grids/${retiredCode}`).set('If-Match', '*')).status).toBe(200);

  const camera = await api.post('/api/devices').send({ id: 'cam-a', kind: 'camera', name: '光谷路口', lon: 114.3021, lat: 30.5051, heading: 90, fov: 60, rangeM: 40 });
  expect(camera.status, JSON.stringify(camera.body)).toBe(201);
  cameraGrid = camera.body.gridCode;
  for (const device of [
    { id: 'smoke-b', kind: 'sensor', sensorType: 'smoke', name: '学校烟感', lon: 114.317, lat: 30.505 },
    { id: 'water-out', kind: 'sensor', sensorType: 'water_level', name: '湖边水位', lon: 114.35, lat: 30.52 },
  ]) {
    expect((await api.post('/api/devices').send(device)).status).toBe(201);
  }

  for (const [hours, body] of [
    [0, { category: 'sanitation', lon: 114.3021, lat: 30.5051, reporter: '张三' }],
    [1, { category: 'fire', lon: 114.3081, lat: 30.5081 }],
    [2, { category: 'sanitation', lon: 114.317, lat: 30.505 }],
  ] as const) {
    now = new Date(T0.getTime() + hours * HOUR);
    const response = await api.post('/api/incidents').send({ source: 'worker', ...body });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    incidentIds.push(response.body.id);
  }
  now = new Date(T0.getTime() + 3 * HOUR);
  expect((await api.post(`/api/incidents/${incidentIds[0]}/transition`).send({ to: 'dispatched' })).status).toBe(200);
});

/** Every feature of a collection, by following the `next` links from `path`. */
async function walk(path: string): Promise<{ ids: (string | number)[]; pages: number; matched: number[] }> {
  const ids: (string | number)[] = [];
  const matched: number[] = [];
  let url: string | undefined = path;
  let pages = 0;
  while (url) {
    const response = await api.get(url);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    pages++;
    matched.push(response.body.numberMatched);
    expect(response.body.numberReturned).toBe(response.body.features.length);
    ids.push(...response.body.features.map((feature: { id: string | number }) => feature.id));
    const next = response.body.links.find((link: { rel: string }) => link.rel === 'next');
    url = next ? new URL(next.href).pathname + new URL(next.href).search : undefined;
    expect(pages).toBeLessThan(100);
  }
  return { ids, pages, matched };
}

async function itemIds(query: string, collection = 'grids'): Promise<(string | number)[]> {
  const response = await api.get(`/ogc/collections/${collection}/items?${query}`);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  expect(response.body.numberMatched).toBe(response.body.numberReturned);
  return response.body.features.map((feature: { id: string | number }) => feature.id);
}

/** The OGC exception of `path`, read in English (the Chinese default is checked on its own below). */
async function expectError(path: string, status: number, description?: RegExp) {
  const response = await api.get(path).set('Accept-Language', 'en');
  expect(response.status, `${path}: ${JSON.stringify(response.body)}`).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(Object.keys(response.body).sort()).toEqual(['code', 'description']);
  if (description) expect(response.body.description).toMatch(description);
  return response.body;
}

describe('landing page, conformance and API definition', () => {
  it('links to itself, the API definition, conformance and the collections', async () => {
    const response = await api.get('/ogc');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body.title).toBe('gridgov');
    const links = Object.fromEntries(response.body.links.map((link: { rel: string; href: string; type: string }) => [link.rel, link]));
    expect(Object.keys(links).sort()).toEqual(['conformance', 'data', 'self', 'service-desc']);
    expect(links.data.href).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ogc\/collections$/);
    expect(links.conformance.href).toMatch(/\/ogc\/conformance$/);
    expect(links['service-desc']).toMatchObject({ type: 'application/vnd.oai.openapi+json;version=3.0' });
    expect((await api.get(links['service-desc'].href.replace(/^http:\/\/[^/]+/, ''))).status).toBe(200);
    expect((await api.get('/ogc/?f=json')).status).toBe(200);
  });

  it('declares core, GeoJSON and OpenAPI 3.0', async () => {
    const response = await api.get('/ogc/conformance');
    expect(response.status).toBe(200);
    expect(response.body.conformsTo.sort()).toEqual([
      'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
      'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
      'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
    ]);
  });

  it('serves an OpenAPI 3.0 document naming every path and parameter it accepts', async () => {
    const response = await api.get('/ogc/api');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/vnd\.oai\.openapi\+json;\s*version=3\.0/);
    const doc = JSON.parse(response.text);
    expect(doc.openapi).toBe('3.0.3');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/', '/conformance', '/collections', '/collections/{collectionId}', '/collections/grids/items', '/collections/incidents/items/{featureId}']));
    const names = (path: string) =>
      doc.paths[path].get.parameters.map((p: { $ref?: string; name?: string }) => p.name ?? doc.components.parameters[p.$ref!.split('/').pop()!].name);
    expect(names('/collections/grids/items')).toEqual(expect.arrayContaining(['limit', 'offset', 'bbox', 'bbox-crs', 'datetime', 'region', 'kind', 'f']));
    expect(names('/collections/incidents/items')).toEqual(expect.arrayContaining(['datetime', 'status', 'category', 'grid', 'region']));
    expect(names('/collections/regions/items')).not.toContain('datetime');
    expect(names('/collections/devices/items')).not.toContain('datetime');
    expect(doc.components.parameters.limit.schema).toMatchObject({ minimum: 1, maximum: 10_000, default: 100 });
  });
});

describe('collections', () => {
  it('lists the four collections with CRS84 extents computed from the data', async () => {
    const response = await api.get('/ogc/collections');
    expect(response.status).toBe(200);
    const byId = Object.fromEntries(response.body.collections.map((c: { id: string }) => [c.id, c]));
    expect(Object.keys(byId)).toEqual(['regions', 'grids', 'devices', 'incidents']);
    for (const collection of Object.values(byId) as { id: string; title: string; itemType: string; crs: string[]; links: { rel: string; type: string; href: string }[] }[]) {
      expect(collection.itemType).toBe('feature');
      expect(collection.crs).toEqual([CRS84]);
      expect(collection.title).toMatch(/[\u4e00-\u9fff].* [A-Z]/);
      const rels = Object.fromEntries(collection.links.map((link) => [link.rel, link]));
      expect(rels.items).toMatchObject({ type: 'application/geo+json', href: expect.stringMatching(new RegExp(`/ogc/collections/${collection.id}/items$`)) });
      expect(rels.self.href).toMatch(new RegExp(`/ogc/collections/${collection.id}$`));
    }
    expect(byId.regions.extent.spatial).toEqual({ bbox: [[114.2, 30.4, 114.5, 30.6]], crs: CRS84 });
    // The live grids: village A and the special grid of B (B's rural grid is retired).
    expect(byId.grids.extent.spatial.bbox).toEqual([[114.3, 30.5, 114.32, 30.51]]);
    const [[gridsFrom, gridsTo]] = byId.grids.extent.temporal.interval;
    expect(Date.parse(gridsFrom)).toBeGreaterThanOrEqual(beforeGrids.getTime());
    expect(gridsTo).toBeNull();
    expect(byId.devices.extent.spatial.bbox).toEqual([[114.3021, 30.505, 114.35, 30.52]]);
    expect(byId.devices.extent.temporal).toBeUndefined();
    expect(byId.regions.extent.temporal).toBeUndefined();
    expect(byId.incidents.extent.temporal.interval).toEqual([[T0.toISOString(), new Date(T0.getTime() + 2 * HOUR).toISOString()]]);
  });

  it("gives China's extent to an empty collection", () => {
    expect(emptyIncidents.extent.spatial.bbox).toEqual([[73, 3.5, 135.5, 54]]);
    expect(emptyIncidents.extent.temporal).toBeUndefined();
  });

  it('describes one collection, and 404s an unknown one', async () => {
    const response = await api.get('/ogc/collections/devices');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: 'devices', itemType: 'feature' });
    await expectError('/ogc/collections/buildings', 404, /regions, grids, devices, incidents/);
    await expectError('/ogc/collections/buildings/items', 404);
  });
});

describe('items', () => {
  it('pages the grids in code order with numberMatched, numberReturned, timeStamp and next/prev links', async () => {
    const response = await api.get('/ogc/collections/grids/items');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/geo\+json/);
    expect(response.headers['content-crs']).toBe(`<${CRS84}>`);
    expect(response.body).toMatchObject({ type: 'FeatureCollection', numberMatched: LATTICE + 1, numberReturned: 100 });
    expect(Math.abs(Date.parse(response.body.timeStamp) - Date.now())).toBeLessThan(60_000);
    const rels = response.body.links.map((link: { rel: string }) => link.rel);
    expect(rels).toEqual(expect.arrayContaining(['self', 'next']));
    expect(rels).not.toContain('prev');
    const next = response.body.links.find((link: { rel: string }) => link.rel === 'next');
    expect(next).toMatchObject({ type: 'application/geo+json' });
    expect(new URL(next.href).searchParams.get('offset')).toBe('100');

    const all = await walk('/ogc/collections/grids/items?limit=60');
    expect(all.pages).toBe(5);
    expect(new Set(all.matched)).toEqual(new Set([LATTICE + 1]));
    expect(all.ids).toHaveLength(LATTICE + 1);
    expect(new Set(all.ids).size).toBe(LATTICE + 1);
    expect(all.ids).toEqual([...all.ids].sort());
    expect(all.ids).toContain(specialCode);
    expect(all.ids).not.toContain(retiredCode);

    const middle = await api.get('/ogc/collections/grids/items?limit=60&offset=120&kind=urban');
    const prev = middle.body.links.find((link: { rel: string }) => link.rel === 'prev');
    expect(Object.fromEntries(new URL(prev.href).searchParams)).toEqual({ limit: '60', offset: '60', kind: 'urban' });
    const last = await api.get('/ogc/collections/grids/items?limit=60&offset=240');
    expect(last.body.numberReturned).toBe(LATTICE + 1 - 240);
    expect(last.body.links.map((link: { rel: string }) => link.rel)).not.toContain('next');
    const beyond = await api.get('/ogc/collections/grids/items?offset=5000');
    expect(beyond.body).toMatchObject({ numberMatched: LATTICE + 1, numberReturned: 0, features: [] });
  });

  it('serves flat GDAL-friendly grid features', async () => {
    const response = await api.get(`/ogc/collections/grids/items?kind=special`);
    expect(response.body.numberMatched).toBe(1);
    const [feature] = response.body.features;
    expect(feature).toMatchObject({ type: 'Feature', id: specialCode, geometry: { type: 'MultiPolygon' } });
    expect(feature.properties).toMatchObject({ code: specialCode, regionCode: B, kind: 'special', specialType: 'school', version: 1 });
    for (const value of Object.values(feature.properties)) expect(typeof value === 'object' && value !== null).toBe(false);
  });

  it('filters by bbox (CRS84 only), region subtree and kind', async () => {
    // Two lattice columns by two rows in the south-west corner of village A.
    const corner = await itemIds(`bbox=114.3,30.5,114.3012,30.5012`);
    expect(corner).toHaveLength(4);
    expect(await itemIds(`bbox=114.3,30.5,114.3012,30.5012&bbox-crs=${encodeURIComponent(CRS84)}`)).toEqual(corner);
    expect(await itemIds(`bbox=114.3,30.5,0,114.3012,30.5012,100`)).toEqual(corner);
    expect(await itemIds('bbox=114.316,30.501,114.317,30.502')).toEqual([specialCode]);
    expect(await itemIds('bbox=100,20,100.1,20.1')).toEqual([]);
    expect((await itemIds(`region=${A}&limit=1000`)).length).toBe(LATTICE);
    expect(await itemIds(`region=${B}`)).toEqual([specialCode]);
    expect((await itemIds(`region=${tree.street.code}&limit=1000`)).length).toBe(LATTICE + 1);
    expect(await itemIds('kind=rural')).toEqual([]);
    expect((await itemIds('kind=rural,special')).length).toBe(1);
    await expectError('/ogc/collections/grids/items?bbox=114.3,30.5,114.31', 400, /bbox/);
    await expectError('/ogc/collections/grids/items?bbox=30.5,114.3,30.51,114.31', 400, /minLon,minLat/);
    await expectError('/ogc/collections/grids/items?bbox=114.31,30.5,114.3,30.51', 400, /bbox/);
    await expectError('/ogc/collections/grids/items?bbox=114.3,30.5,114.31,30.51&bbox-crs=EPSG:3857', 400, /CRS84/);
    await expectError('/ogc/collections/grids/items?region=42011100', 400, /12 digits/);
    await expectError('/ogc/collections/grids/items?kind=forest', 400, /urban, rural, special/);
  });

  it('maps datetime on grids to the grids in force at that moment (an interval: at its end)', async () => {
    const at = (time: Date) => encodeURIComponent(time.toISOString());
    expect(await itemIds(`datetime=${at(beforeGrids)}`)).toEqual([]);
    const then = await itemIds(`datetime=${at(beforeRetire)}&limit=1000`);
    expect(then).toHaveLength(LATTICE + 2);
    expect(then).toContain(retiredCode);
    expect(await itemIds(`datetime=${at(beforeRetire)}&kind=rural`)).toEqual([retiredCode]);
    expect(await itemIds(`datetime=${at(beforeGrids)}/${at(beforeRetire)}&kind=rural`)).toEqual([retiredCode]);
    expect(await itemIds(`datetime=../${at(beforeRetire)}&kind=rural`)).toEqual([retiredCode]);
    // An open end is the live map.
    expect(await itemIds(`datetime=${at(beforeRetire)}/..&kind=rural`)).toEqual([]);
    expect((await itemIds(`datetime=../..&limit=1000`)).length).toBe(LATTICE + 1);
    // A date is the whole (UTC) day: the grids in force at its end.
    expect(await itemIds('datetime=2000-01-01')).toEqual([]);
    // The same instant given with an offset.
    const local = new Date(beforeRetire.getTime() + 8 * HOUR).toISOString().replace('Z', '+08:00');
    expect(await itemIds(`datetime=${encodeURIComponent(local)}&kind=rural`)).toEqual([retiredCode]);
    for (const bad of ['2024-02-30', 'yesterday', '2024-05-01T08:00:00', '2024-05-01T25:00:00Z', '..', '2024-05-02/2024-05-01', 'a/b/c']) {
      await expectError(`/ogc/collections/grids/items?datetime=${encodeURIComponent(bad)}`, 400, /datetime/);
    }
  });

  it('gives regions flat, with level and parent filters, and refuses datetime on them', async () => {
    const all = await api.get('/ogc/collections/regions/items');
    expect(all.body.numberMatched).toBe(4);
    expect(all.body.features.map((f: { id: string }) => f.id)).toEqual([tree.county.code, tree.street.code, A, B]);
    expect(all.body.features[1].properties).toEqual({ code: tree.street.code, name: '关山街道', level: 'township', parentCode: tree.county.code });
    expect(await itemIds('level=village', 'regions')).toEqual([A, B]);
    expect(await itemIds(`parent=${tree.county.code}`, 'regions')).toEqual([tree.street.code]);
    expect(await itemIds('bbox=114.301,30.501,114.302,30.502', 'regions')).toEqual([tree.county.code, tree.street.code, A]);
    await expectError('/ogc/collections/regions/items?datetime=2026-05-01T00:00:00Z', 400, /no time dimension/);
    await expectError('/ogc/collections/regions/items?level=hamlet', 400, /level/);
  });

  it('gives devices at their points with the grid they stand in, filtered by kind, grid and region', async () => {
    const all = await api.get('/ogc/collections/devices/items');
    expect(all.body.numberMatched).toBe(3);
    const byId = Object.fromEntries(all.body.features.map((f: { id: string }) => [f.id, f]));
    expect(Object.keys(byId)).toEqual(['cam-a', 'smoke-b', 'water-out']);
    expect(byId['cam-a'].geometry).toEqual({ type: 'Point', coordinates: [114.3021, 30.5051] });
    expect(byId['cam-a'].properties).toMatchObject({ kind: 'camera', name: '光谷路口', gridCode: cameraGrid, heading: 90, fov: 60, rangeM: 40, ptz: false });
    expect(byId['cam-a'].properties).not.toHaveProperty('sector');
    expect(byId['cam-a'].properties).not.toHaveProperty('coverage');
    expect(byId['smoke-b'].properties.gridCode).toBe(specialCode);
    expect(byId['water-out'].properties.gridCode).toBeNull();
    for (const feature of all.body.features) {
      for (const value of Object.values(feature.properties)) expect(typeof value === 'object' && value !== null).toBe(false);
    }
    expect(await itemIds('kind=sensor', 'devices')).toEqual(['smoke-b', 'water-out']);
    expect(await itemIds(`grid=${cameraGrid}`, 'devices')).toEqual(['cam-a']);
    expect(await itemIds(`region=${B}`, 'devices')).toEqual(['smoke-b']);
    expect(await itemIds('bbox=114.34,30.51,114.36,30.53', 'devices')).toEqual(['water-out']);
    // The camera's view reaches into this box, but its point does not: the point is the geometry.
    expect(await itemIds('bbox=114.3022,30.505,114.3025,30.5052', 'devices')).toEqual([]);
    const paged = await api.get('/ogc/collections/devices/items?limit=2&offset=1');
    expect(paged.body).toMatchObject({ numberMatched: 3, numberReturned: 2 });
    expect(paged.body.features.map((f: { id: string }) => f.id)).toEqual(['smoke-b', 'water-out']);
    await expectError('/ogc/collections/devices/items?datetime=2026-05-01T00:00:00Z', 400, /no time dimension/);
    await expectError('/ogc/collections/devices/items?kind=drone', 400, /camera, sensor/);
  });

  it('gives incidents with numeric ids, flat properties, and status, category, grid, region and datetime filters', async () => {
    const all = await api.get('/ogc/collections/incidents/items');
    expect(all.body.numberMatched).toBe(3);
    expect(all.body.features.map((f: { id: number }) => f.id)).toEqual(incidentIds);
    const [first] = all.body.features;
    expect(first.geometry).toEqual({ type: 'Point', coordinates: [114.3021, 30.5051] });
    expect(first.properties).toMatchObject({ category: 'sanitation', categoryName: '环境卫生', status: 'dispatched', gridCode: cameraGrid, reportedAt: T0.toISOString() });
    for (const hidden of ['transitions', 'reporter', 'lon', 'lat', 'id']) expect(first.properties).not.toHaveProperty(hidden);
    for (const feature of all.body.features) {
      for (const value of Object.values(feature.properties)) expect(typeof value === 'object' && value !== null).toBe(false);
    }
    const at = (hours: number) => encodeURIComponent(new Date(T0.getTime() + hours * HOUR).toISOString());
    const [one, two, three] = incidentIds;
    expect(await itemIds('status=dispatched', 'incidents')).toEqual([one]);
    expect(await itemIds('status=reported,dispatched', 'incidents')).toEqual([one, two, three]);
    expect(await itemIds('category=fire', 'incidents')).toEqual([two]);
    expect(await itemIds(`grid=${cameraGrid}`, 'incidents')).toEqual([one]);
    expect(await itemIds(`region=${B}`, 'incidents')).toEqual([three]);
    expect(await itemIds(`region=${A}&category=sanitation`, 'incidents')).toEqual([one]);
    expect(await itemIds('bbox=114.308,30.508,114.309,30.509', 'incidents')).toEqual([two]);
    // Report time: an instant matches exactly, interval ends are included, open ends are open.
    expect(await itemIds(`datetime=${at(1)}`, 'incidents')).toEqual([two]);
    expect(await itemIds(`datetime=${at(0)}/${at(1)}`, 'incidents')).toEqual([one, two]);
    expect(await itemIds(`datetime=../${at(0.5)}`, 'incidents')).toEqual([one]);
    expect(await itemIds(`datetime=${at(0.5)}/..`, 'incidents')).toEqual([two, three]);
    expect(await itemIds('datetime=2026-05-01', 'incidents')).toEqual([one, two, three]);
    expect(await itemIds('datetime=2026-05-02', 'incidents')).toEqual([]);
    // GDAL turns `reportedAt >= '2026-05-01'` into a date followed by a bare T.
    expect(await itemIds('datetime=2026-05-01T%2F..', 'incidents')).toEqual([one, two, three]);
    await expectError('/ogc/collections/incidents/items?category=ufo', 400, /category/);
    await expectError('/ogc/collections/incidents/items?status=lost', 400, /status/);
    await expectError('/ogc/collections/incidents/items?grid=123', 400, /15 digits/);
  });
});

describe('single features', () => {
  it('serves one feature of each collection by its id, with links', async () => {
    const grid = await api.get(`/ogc/collections/grids/items/${specialCode}`);
    expect(grid.status).toBe(200);
    expect(grid.headers['content-type']).toMatch(/^application\/geo\+json/);
    expect(grid.body).toMatchObject({ type: 'Feature', id: specialCode, properties: { kind: 'special' } });
    expect(grid.body.links.map((link: { rel: string }) => link.rel)).toEqual(['self', 'collection']);
    const region = await api.get(`/ogc/collections/regions/items/${A}`);
    expect(region.body).toMatchObject({ id: A, properties: { code: A, level: 'village', parentCode: tree.street.code } });
    expect(region.body.properties).not.toHaveProperty('children');
    const device = await api.get('/ogc/collections/devices/items/cam-a');
    expect(device.body).toMatchObject({ id: 'cam-a', properties: { gridCode: cameraGrid } });
    const incident = await api.get(`/ogc/collections/incidents/items/${incidentIds[1]}`);
    expect(incident.body).toMatchObject({ id: incidentIds[1], properties: { category: 'fire', categoryName: '消防火情' } });
  });

  it('answers 404 for unknown ids and 410 for a retired grid, in the OGC exception shape', async () => {
    await expectError(`/ogc/collections/grids/items/${A}999`, 404);
    await expectError('/ogc/collections/grids/items/not-a-code', 404);
    const retired = await expectError(`/ogc/collections/grids/items/${retiredCode}`, 410, /retired/);
    expect(retired.code).toBe('grid_retired');
    await expectError('/ogc/collections/regions/items/420111002999', 404);
    await expectError('/ogc/collections/devices/items/no-such-device', 404);
    await expectError('/ogc/collections/incidents/items/999999', 404);
    await expectError('/ogc/collections/incidents/items/abc', 404);
  });
});

describe('errors and formats', () => {
  it('serves JSON only: f=json is accepted, f=html is a 400 saying so', async () => {
    expect((await api.get('/ogc/collections/grids/items?f=json&limit=1')).status).toBe(200);
    expect((await api.get('/ogc/collections?f=json')).status).toBe(200);
    for (const path of ['/ogc?f=html', '/ogc/collections?f=html', '/ogc/collections/grids/items?f=html', `/ogc/collections/grids/items/${specialCode}?f=html`]) {
      const error = await expectError(path, 400, /JSON only/);
      expect(error.code).toBe('InvalidParameterValue');
    }
    await expectError('/ogc/conformance?f=xml', 400, /JSON only/);
  });

  it('refuses unknown and repeated parameters and bad limits or offsets', async () => {
    const unknown = await expectError('/ogc/collections/grids/items?kindd=urban', 400, /kindd/);
    expect(unknown.code).toBe('UnknownParameter');
    await expectError('/ogc/collections?limit=5', 400, /limit/);
    await expectError('/ogc/collections/grids/items?kind=urban&kind=rural', 400, /kind/);
    await expectError('/ogc/collections/grids/items?limit=0', 400, /limit/);
    await expectError('/ogc/collections/grids/items?limit=ten', 400, /limit/);
    await expectError('/ogc/collections/grids/items?offset=-1', 400, /offset/);
    await expectError('/ogc/collections/grids/items?crs=EPSG:4490', 400, /CRS84/);
    // Larger limits are served as the maximum, not refused.
    const big = await api.get('/ogc/collections/grids/items?limit=20000');
    expect(big.status).toBe(200);
    expect(big.body.numberReturned).toBe(LATTICE + 1);
    expect((await api.get(`/ogc/collections/grids/items?limit=1&crs=${encodeURIComponent(CRS84)}`)).status).toBe(200);
  });

  it('answers unknown paths and other methods in JSON', async () => {
    await expectError('/ogc/nowhere', 404, /nowhere/);
    // A Chinese client (the default) reads the exception in Chinese; the code stays the same.
    const chinese = await api.get('/ogc/collections/grids/items?limit=ten');
    expect(chinese.body).toEqual({ code: 'InvalidParameterValue', description: 'limit：须为 1 到 10000 的整数，收到“ten”' });
    // ?lang= chooses too, and is a parameter every resource takes.
    const english = await api.get('/ogc/collections/grids/items?limit=ten&lang=en');
    expect(english.body.description).toMatch(/^limit: /);
    expect((await api.get('/ogc/collections/grids/items?limit=1&lang=zh-CN')).status).toBe(200);
    const post = await api.post('/ogc/collections/grids/items').send({ type: 'Feature' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    expect(post.body.code).toBe('MethodNotAllowed');
  });
});

// ── GDAL ────────────────────────────────────────────────────────────────────────────────

const gdal = spawnSync('ogrinfo', ['--version'], { encoding: 'utf8' });
const gdalVersion = gdal.status === 0 ? gdal.stdout.trim() : undefined;
if (!gdalVersion) console.warn('[ogc.test] ogrinfo (GDAL) is not installed: SKIPPING the GDAL client tests (apt-get install gdal-bin to run them)');

describe.skipIf(!gdalVersion)(`GDAL's OAPIF driver (${gdalVersion ?? 'not installed'})`, () => {
  let server: http.Server;
  let root: string;
  const requests: string[] = [];

  beforeAll(async () => {
    const app = createApp(context.store, defaultLimits, { clock });
    server = http.createServer((req, res) => {
      requests.push(req.url ?? '');
      app(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    root = `OAPIF:http://127.0.0.1:${(server.address() as AddressInfo).port}/ogc`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()) ?? resolve());
  });

  function ogrinfo(...args: string[]): Promise<string> {
    // No proxy for the local server; quiet GDAL's debug output.
    // GDAL sends the key as a header on every request it makes, links followed included (GDAL ≥ 3.6).
    const env = { ...process.env, NO_PROXY: '127.0.0.1', no_proxy: '127.0.0.1', CPL_DEBUG: 'OFF', GDAL_HTTP_TIMEOUT: '60', GDAL_HTTP_HEADERS: `Authorization: Bearer ${context.adminKey}` };
    return new Promise((resolve, reject) => {
      execFile('ogrinfo', args, { env, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        if (error) reject(new Error(`ogrinfo ${args.join(' ')} failed: ${error.message}\n${stderr}`));
        else resolve(stdout);
      });
    });
  }

  async function databaseCounts(): Promise<Record<string, number>> {
    const { rows } = await sql<{ regions: number; grids: number; devices: number; incidents: number }>`
      SELECT (SELECT count(*) FROM regions) AS regions,
             (SELECT count(*) FROM grid_versions WHERE valid_to IS NULL AND op <> 'retire') AS grids,
             (SELECT count(*) FROM devices WHERE deleted_at IS NULL) AS devices,
             (SELECT count(*) FROM incidents) AS incidents`.execute(context.store.db);
    return Object.fromEntries(Object.entries(rows[0]).map(([name, n]) => [name, Number(n)]));
  }

  it('lists the collections as layers and reports the feature counts the database holds', async () => {
    const listing = await ogrinfo('-ro', '-so', root);
    const layers = [...listing.matchAll(/^\d+: (\S+) \(title: [^)]*\) \(([^)]+)\)$/gm)].map((match) => [match[1], match[2]]);
    expect(layers).toEqual([
      ['regions', 'Multi Polygon'],
      ['grids', 'Multi Polygon'],
      ['devices', 'Point'],
      ['incidents', 'Point'],
    ]);
    const counts = await databaseCounts();
    expect(counts).toEqual({ regions: 4, grids: LATTICE + 1, devices: 3, incidents: 3 });
    for (const [layer, expected] of Object.entries(counts)) {
      const summary = await ogrinfo('-ro', '-al', '-so', root, layer);
      console.log(`[ogc.test] GDAL: ${layer}: ${/Feature Count: \d+/.exec(summary)?.[0]}, ${/Extent: .*/.exec(summary)?.[0]}`);
      expect(summary).toContain(`Layer name: ${layer}`);
      expect(summary).toContain(`Feature Count: ${expected}`);
    }
    const grids = await ogrinfo('-ro', '-al', '-so', root, 'grids');
    expect(grids).toContain('Extent: (114.300000, 30.500000) - (114.320000, 30.510000)');
    expect(grids).toMatch(/^validFrom: DateTime/m);
    expect(grids).toMatch(/^code: String/m);
  });

  it('reads every feature of every layer through its paging', async () => {
    const counts = await databaseCounts();
    requests.length = 0;
    // GDAL 3.6 reads 10 features per request by default; newer versions read more, so ask for 10.
    const grids = await ogrinfo('-ro', '-al', '-q', '-oo', 'PAGE_SIZE=10', root, 'grids');
    const features = grids.match(/^OGRFeature\(grids\):\d+$/gm) ?? [];
    expect(features).toHaveLength(counts.grids);
    const codes = [...grids.matchAll(/^ {2}code \(String\) = (\d{15})$/gm)].map((match) => match[1]);
    expect(new Set(codes).size).toBe(counts.grids);
    expect(codes).toContain(specialCode);
    expect(codes).not.toContain(retiredCode);
    const pages = requests.filter((url) => url.startsWith('/ogc/collections/grids/items'));
    console.log(`[ogc.test] GDAL read ${features.length} grids in ${pages.length} requests (${pages[1]} … ${pages[pages.length - 1]})`);
    // 10 per page: the count proves that GDAL followed the next links to the last page.
    expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(counts.grids / 10));
    expect(pages.some((url) => url.includes(`offset=${Math.floor((counts.grids - 1) / 10) * 10}`))).toBe(true);
    expect(pages.some((url) => /[?&]offset=\d+/.test(url))).toBe(true);

    for (const layer of ['regions', 'devices', 'incidents']) {
      const text = await ogrinfo('-ro', '-al', '-q', root, layer);
      expect(text.match(new RegExp(`^OGRFeature\\(${layer}\\):\\d+$`, 'gm')) ?? [], layer).toHaveLength(counts[layer]);
    }
    const incidents = await ogrinfo('-ro', '-al', '-q', root, 'incidents');
    // Integer ids become GDAL's FIDs.
    for (const id of incidentIds) expect(incidents).toContain(`OGRFeature(incidents):${id}\n`);
    expect(incidents).toMatch(/reportedAt \(DateTime\) = 2026\/05\/01 08:00:00/);
  });

  it('passes attribute, id and spatial filters to the server', async () => {
    requests.length = 0;
    const special = await ogrinfo('-ro', '-al', '-q', root, 'grids', '-where', "kind = 'special'");
    expect(special.match(/^OGRFeature\(grids\)/gm)).toHaveLength(1);
    expect(requests.some((url) => /^\/ogc\/collections\/grids\/items\?(.*&)?kind=special(&|$)/.test(url))).toBe(true);
    const byId = await ogrinfo('-ro', '-al', '-q', root, 'grids', '-where', `id = '${specialCode}'`);
    expect(byId).toContain(`code (String) = ${specialCode}`);
    expect(requests).toContain(`/ogc/collections/grids/items/${specialCode}`);
    const corner = await ogrinfo('-ro', '-al', '-q', root, 'grids', '-spat', '114.3', '30.5', '114.3012', '30.5012');
    expect(corner.match(/^OGRFeature\(grids\)/gm)).toHaveLength(4);
    expect(requests.some((url) => /^\/ogc\/collections\/grids\/items\?(.*&)?bbox=114\./.test(url))).toBe(true);
    // A comparison on a date-time field becomes `datetime` (with a T: GDAL 3.6 keeps only the date of '2026-05-01 08:30:00').
    const afterHalfPast = await ogrinfo('-ro', '-al', '-q', root, 'incidents', '-where', "reportedAt >= '2026-05-01T08:30:00'");
    expect(afterHalfPast.match(/^OGRFeature\(incidents\)/gm)).toHaveLength(2);
    expect(requests.some((url) => url.includes('datetime=2026-05-01T08:30:00Z%2F..'))).toBe(true);
  });
});
