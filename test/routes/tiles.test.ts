/**
 * Vector tiles over HTTP, decoded as a map client does (@mapbox/vector-tile + pbf): features and
 * properties per layer, geometry in the right place (to within a tile unit), clipping to the
 * buffer, gzip, ETag / 304, the cache following grid, device and incident writes, the incident
 * filters and lights, the 400s, TileJSON, and GDAL's MVT driver reading a saved tile.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { VectorTile, type VectorTileLayer } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { signedAs, useTestService } from '../support/context.js';
import { box, gridFeature, seedTree, tree } from '../support/fixtures.js';
import { createApp } from '../../server/app.js';
import { defaultLimits } from '../../server/config.js';
import { sql } from 'kysely';
import { TileCache, lonLatToTilePoint, tileAt, tileBounds, tileLonLatBounds, tilePointToLonLat, type TileAddress } from '../../server/geo/tiles.js';

const context = useTestService();
const A = tree.villageA.code;
const HOUR = 3_600_000;

/** Village A as a 3 (west→east) × 2 (north→south) lattice: codes 001–003 north row, 004–006 south. */
const cell = (col: number, row: number) => box(114.3 + col * 0.002, 30.51 - (row + 1) * 0.004, 114.3 + (col + 1) * 0.002, 30.51 - row * 0.004);
const lattice = () =>
  [0, 1].flatMap((row) => [0, 1, 2].map((col) => gridFeature(A, `网格 c${col} r${row}`, cell(col, row), { households: 300 + col * 10 + row, population: 900 })));
const codeOf = (col: number, row: number) => `${A}00${row * 3 + col + 1}`;

/** The z12 tile holding all of village A, and a z14 tile that cuts through its south row. */
const Z12 = tileAt(114.305, 30.505, 12);
const Z14 = tileAt(114.305, 30.505, 14);
const path_ = (layer: string, t: TileAddress, query = '') => `/tiles/${layer}/${t.z}/${t.x}/${t.y}.mvt${query}`;

let now = new Date('2026-05-01T08:00:00Z');
const clock = { now: () => new Date(now) };
/** A second app on the same store whose clock the test moves (incident lights). */
let clocked: ReturnType<typeof request>;

/** Binary bodies as Buffers; supertest has already gunzipped a gzip response. */
function binary(res: unknown, done: (error: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  const stream = res as NodeJS.ReadableStream;
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}

async function getTile(api: ReturnType<typeof request>, url: string, headers: Record<string, string> = {}) {
  let call = api.get(url).buffer(true).parse(binary);
  for (const [name, value] of Object.entries(headers)) call = call.set(name, value);
  return call;
}

function layerOf(body: Buffer, name: string): VectorTileLayer {
  const tile = new VectorTile(new PbfReader(body));
  expect(Object.keys(tile.layers)).toEqual([name]);
  return tile.layers[name];
}

function features(layer: VectorTileLayer) {
  return Array.from({ length: layer.length }, (_, i) => layer.feature(i));
}

/** Twice the signed area by the surveyor's formula, in tile coordinates (y down). */
function surveyorArea(ring: { x: number; y: number }[]): number {
  let sum = 0;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i];
    const b = ring[(i + 1) % ring.length];
    sum += a.x * b.y - b.x * a.y;
  }
  return sum;
}

beforeAll(async () => {
  await seedTree(context);
  const imported = await context.api.post('/api/grids/import').send({ type: 'FeatureCollection', features: lattice() });
  expect(imported.status, JSON.stringify(imported.body)).toBe(201);
  clocked = signedAs(createApp(context.store, defaultLimits, { clock }), context.adminKey);
});

describe('grid tiles', () => {
  it('hold the live grids with their properties, in the right place to within a tile unit', async () => {
    const response = await getTile(context.api, path_('grids', Z12));
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
    const layer = layerOf(response.body, 'grids');
    expect(layer.version).toBe(2);
    expect(layer.extent).toBe(4096);
    const all = features(layer);
    expect(all.map((f) => f.properties.code).sort()).toEqual([0, 1].flatMap((row) => [0, 1, 2].map((col) => codeOf(col, row))).sort());

    for (const feature of all) {
      const code = String(feature.properties.code);
      const position = Number(code.slice(-3)) - 1;
      const [col, row] = [position % 3, Math.floor(position / 3)];
      expect(feature.properties).toEqual({ code, name: `网格 c${col} r${row}`, kind: 'urban', households: 300 + col * 10 + row, householdsSource: 'stored', regionCode: A });
      expect(feature.id).toBe(Number(code));
      expect(feature.type).toBe(3);

      // One exterior ring, positive area in tile coordinates (MVT 2.1 §4.3.4.4), closed.
      const rings = feature.loadGeometry();
      expect(rings).toHaveLength(1);
      expect(surveyorArea(rings[0])).toBeGreaterThan(0);

      // Every corner of the stored box is a vertex of the tile geometry, to within one unit…
      const corners = cell(col, row).coordinates[0].slice(0, 4);
      for (const [lon, lat] of corners) {
        const [px, py] = lonLatToTilePoint(Z12, lon, lat);
        const nearest = Math.min(...rings[0].map((p) => Math.hypot(p.x - px, p.y - py)));
        expect(nearest, `${code} corner ${lon},${lat}`).toBeLessThanOrEqual(1);
      }
      // …and, back to lon/lat (the decoder's own conversion and ours), every vertex is within a
      // tile unit of a corner.
      const unitLon = (tileLonLatBounds(Z12)[2] - tileLonLatBounds(Z12)[0]) / 4096;
      const unitLat = unitLon * Math.cos((30.5 * Math.PI) / 180);
      const geojson = feature.toGeoJSON(Z12.x, Z12.y, Z12.z);
      expect(geojson.geometry.type).toBe('Polygon');
      const vertices = (geojson.geometry as { coordinates: number[][][] }).coordinates[0];
      for (const [lon, lat] of vertices) {
        const close = corners.some(([cx, cy]) => Math.abs(cx - lon) <= unitLon && Math.abs(cy - lat) <= unitLat);
        expect(close, `${code} vertex ${lon},${lat}`).toBe(true);
      }
      const [lon0, lat0] = tilePointToLonLat(Z12, rings[0][0].x, rings[0][0].y);
      expect(Math.abs(lon0 - vertices[0][0])).toBeLessThan(1e-9);
      expect(Math.abs(lat0 - vertices[0][1])).toBeLessThan(1e-9);
    }
  });

  it('clip to the tile and its 64-unit buffer', async () => {
    // The z14 tile's north edge (30.5055°N) cuts the south row (30.502–30.506) and misses the north row.
    const layer = layerOf((await getTile(context.api, path_('grids', Z14))).body, 'grids');
    const all = features(layer);
    expect(all.map((f) => f.properties.code).sort()).toEqual([codeOf(0, 1), codeOf(1, 1), codeOf(2, 1)]);
    for (const feature of all) {
      for (const p of feature.loadGeometry().flat()) {
        expect(p.x).toBeGreaterThanOrEqual(-64);
        expect(p.x).toBeLessThanOrEqual(4096 + 64);
        expect(p.y).toBeGreaterThanOrEqual(-64);
        expect(p.y).toBeLessThanOrEqual(4096 + 64);
      }
      expect(Math.min(...feature.loadGeometry().flat().map((p) => p.y))).toBe(-64);
    }
  });

  it('serve an empty tile as 204 with an ETag', async () => {
    const response = await getTile(context.api, '/tiles/grids/14/0/0.mvt');
    expect(response.status).toBe(204);
    expect(response.headers.etag).toMatch(/^"[\w-]+"$/);
    expect(response.body.length ?? 0).toBe(0);
  });

  it('gzip when accepted, with a strong ETag per encoding, and 304 on If-None-Match', async () => {
    // Raw HTTP, to see the bytes on the wire.
    const server = http.createServer(context.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const raw = (headers: Record<string, string>) =>
      new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port, path: path_('grids', Z12), headers: { Authorization: `Bearer ${context.adminKey}`, ...headers } }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
          })
          .on('error', reject);
      });
    try {
      const zipped = await raw({ 'Accept-Encoding': 'gzip, deflate, br' });
      const plain = await raw({ 'Accept-Encoding': 'identity' });
      const none = await raw({});
      expect(zipped.status).toBe(200);
      expect(zipped.headers['content-encoding']).toBe('gzip');
      expect(zipped.headers.vary).toMatch(/Accept-Encoding/i);
      expect(zipped.body.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(none.headers['content-encoding']).toBeUndefined();
      expect(gunzipSync(zipped.body)).toEqual(plain.body);
      expect(Number(zipped.headers['content-length'])).toBe(zipped.body.length);

      // Strong (no W/), and different for the two representations.
      expect(zipped.headers.etag).toMatch(/^"[\w-]+-gz"$/);
      expect(plain.headers.etag).toMatch(/^"[\w-]+"$/);
      expect(zipped.headers.etag).toBe(plain.headers.etag!.replace(/"$/, '-gz"'));
      expect(zipped.headers['cache-control']).toBe('no-cache');

      const again = await raw({ 'Accept-Encoding': 'gzip', 'If-None-Match': zipped.headers.etag! });
      expect(again.status).toBe(304);
      expect(again.body.length).toBe(0);
      expect(again.headers.etag).toBe(zipped.headers.etag);
      expect(again.headers['x-tile-cache']).toBe('hit');
      // Either representation's tag revalidates; a weak prefix (added by proxies) is tolerated.
      expect((await raw({ 'Accept-Encoding': 'gzip', 'If-None-Match': `"nope", W/${plain.headers.etag}` })).status).toBe(304);
      expect((await raw({ 'Accept-Encoding': 'gzip', 'If-None-Match': '"nope"' })).status).toBe(200);
    } finally {
      server.close();
    }
  });

  it('show a grid edit in the very next tile: the cache follows the grid epoch', async () => {
    const url = path_('grids', Z12);
    const before = await getTile(context.api, url);
    const cached = await getTile(context.api, url);
    expect(cached.headers['x-tile-cache']).toBe('hit');
    expect(cached.headers.etag).toBe(before.headers.etag);

    const code = codeOf(1, 0);
    const current = (await context.api.get(`/api/grids/${code}`)).body;
    const edited = { ...current, properties: { ...current.properties, name: '网格 改名', households: 999 } };
    const put = await context.api.put(`/api/grids/${code}`).set('If-Match', '"1"').send(edited);
    expect(put.status, JSON.stringify(put.body)).toBe(200);

    const after = await getTile(context.api, url, { 'If-None-Match': before.headers.etag });
    expect(after.status).toBe(200);
    expect(after.headers['x-tile-cache']).toBe('miss');
    expect(after.headers.etag).not.toBe(before.headers.etag);
    const feature = features(layerOf(after.body, 'grids')).find((f) => f.properties.code === code)!;
    expect(feature.properties).toMatchObject({ name: '网格 改名', households: 999 });

    // Retiring takes it off the live map; asOf still shows the map before.
    const retired = await context.api.delete(`/api/grids/${codeOf(2, 0)}`).set('If-Match', '"1"');
    expect(retired.status, JSON.stringify(retired.body)).toBe(200);
    const live = features(layerOf((await getTile(context.api, url)).body, 'grids'));
    expect(live.map((f) => f.properties.code)).not.toContain(codeOf(2, 0));
    expect(live).toHaveLength(5);
    const past = await getTile(context.api, path_('grids', Z12, `?asOf=${encodeURIComponent(current.properties.validFrom)}`));
    const then = features(layerOf(past.body, 'grids'));
    expect(then).toHaveLength(6);
    expect(then.find((f) => f.properties.code === code)!.properties.name).toBe('网格 c1 r0');
  });
});

describe('region and device tiles', () => {
  it('regions carry code, name and level', async () => {
    const layer = layerOf((await getTile(context.api, path_('regions', Z12))).body, 'regions');
    const byCode = Object.fromEntries(features(layer).map((f) => [f.properties.code, f.properties]));
    expect(byCode[tree.county.code]).toEqual({ code: tree.county.code, name: '洪山区', level: 'county' });
    expect(byCode[A]).toEqual({ code: A, name: '光谷社区', level: 'village' });
    expect(Object.keys(byCode)).toHaveLength(4);
  });

  it('devices carry id, kind, name and a camera its heading and fov; an edit shows at once', async () => {
    const url = path_('devices', Z12);
    expect((await getTile(context.api, url)).status).toBe(204);
    const created = await context.api
      .post('/api/devices')
      .send({ id: 'cam-1', kind: 'camera', name: '路口', lon: 114.305, lat: 30.504, heading: 45, fov: 90, rangeM: 80 });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await context.api.post('/api/devices').send({ id: 'sensor-1', kind: 'sensor', name: '水位', lon: 114.301, lat: 30.508, sensorType: 'water_level' })).status).toBe(201);

    const layer = layerOf((await getTile(context.api, url)).body, 'devices');
    const byId = Object.fromEntries(features(layer).map((f) => [f.properties.id, f]));
    expect(byId['cam-1'].properties).toEqual({ id: 'cam-1', kind: 'camera', name: '路口', heading: 45, fov: 90, rangeM: 80 });
    expect(byId['sensor-1'].properties).toEqual({ id: 'sensor-1', kind: 'sensor', name: '水位' });
    expect(byId['cam-1'].type).toBe(1);
    const [point] = byId['cam-1'].loadGeometry()[0];
    const [px, py] = lonLatToTilePoint(Z12, 114.305, 30.504);
    expect(Math.hypot(point.x - px, point.y - py)).toBeLessThanOrEqual(1);
    const cameras = layerOf((await getTile(context.api, path_('devices', Z12, '?kind=camera'))).body, 'devices');
    expect(cameras.length).toBe(1);

    const moved = await context.api.put('/api/devices/cam-1').set('If-Match', '"1"').send({ kind: 'camera', name: '路口', lon: 114.309, lat: 30.509, heading: 180, fov: 60 });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const after = features(layerOf((await getTile(context.api, url)).body, 'devices')).find((f) => f.properties.id === 'cam-1')!;
    expect(after.properties).toMatchObject({ heading: 180, fov: 60 });
    const [p2] = after.loadGeometry()[0];
    const [qx, qy] = lonLatToTilePoint(Z12, 114.309, 30.509);
    expect(Math.hypot(p2.x - qx, p2.y - qy)).toBeLessThanOrEqual(1);
  });
});

describe('base map tiles', () => {
  it('carry the stored roads, water and building footprints, and follow a replaced layer', async () => {
    const road = { type: 'Feature', properties: { kind: 'road', class: 'major', name: '示范大道' }, geometry: { type: 'LineString', coordinates: [[114.3005, 30.505], [114.3055, 30.506]] } };
    const pond = { type: 'Feature', properties: { kind: 'water', name: '示范塘' }, geometry: box(114.3012, 30.5062, 114.3018, 30.5068) };
    expect((await context.api.put(`/api/regions/${A}/lines`).send({ type: 'FeatureCollection', features: [road, pond] })).status).toBe(200);
    const house = { type: 'Feature', properties: { households: 12 }, geometry: box(114.3031, 30.5041, 114.3033, 30.5043) };
    expect((await context.api.put(`/api/regions/${A}/buildings`).send({ type: 'FeatureCollection', features: [house] })).status).toBe(200);

    const response = await getTile(context.api, path_('basemap', Z12));
    expect(response.status).toBe(200);
    const all = features(layerOf(response.body, 'basemap'));
    expect(all.map((f) => `${f.properties.kind}/${f.properties.class ?? ''}/${f.properties.name ?? ''}/${f.type}`).sort()).toEqual(['building///3', 'road/major/示范大道/2', 'water//示范塘/3']);
    // In the right place: the road's first vertex to within a tile unit or two (z12).
    const line = all.find((f) => f.properties.kind === 'road')!.loadGeometry()[0];
    const [x, y] = lonLatToTilePoint(Z12, 114.3005, 30.505);
    expect(Math.hypot(line[0].x - x, line[0].y - y)).toBeLessThan(2);

    // A village's lines replaced: the next tile shows it (the cache follows the layer's marker).
    expect((await context.api.put(`/api/regions/${A}/lines`).send({ type: 'FeatureCollection', features: [road] })).status).toBe(200);
    const after = features(layerOf((await getTile(context.api, path_('basemap', Z12))).body, 'basemap'));
    expect(after.map((f) => f.properties.kind).sort()).toEqual(['building', 'road']);
    expect((await context.api.get('/tiles/basemap.json')).body.bounds).toHaveLength(4);
  });
});

describe('incident tiles', () => {
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    const report = async (name: string, category: string, lon: number, lat: number) => {
      const response = await clocked.post('/api/incidents').send({ category, source: 'worker', lon, lat });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      ids[name] = response.body.id;
    };
    await report('fire', 'fire', 114.301, 30.507);
    now = new Date(now.getTime() + HOUR);
    await report('trash', 'sanitation', 114.303, 30.503);
    now = new Date(now.getTime() + HOUR);
    // In c1 r0 (the north-east cell, c2 r0, was retired above).
    await report('trash2', 'sanitation', 114.303, 30.508);
    // Past the fire's 2 h deadline (red), well inside sanitation's 48 h (green).
    now = new Date('2026-05-01T10:30:00Z');
  });

  const incidentsIn = async (query = '') => {
    const response = await getTile(clocked, path_('incidents', Z12, query));
    if (response.status === 204) return [];
    expect(response.status, response.body.toString()).toBe(200);
    return features(layerOf(response.body, 'incidents'));
  };

  it('carry id, category, status, light and reportedAt', async () => {
    const all = await incidentsIn();
    expect(all.map((f) => f.properties.id).sort()).toEqual(Object.values(ids).sort());
    const fire = all.find((f) => f.properties.id === ids.fire)!;
    expect(fire.properties).toEqual({ id: ids.fire, category: 'fire', status: 'reported', light: 'red', reportedAt: '2026-05-01T08:00:00.000Z' });
    expect(fire.id).toBe(ids.fire);
    const trash = all.find((f) => f.properties.id === ids.trash)!;
    expect(trash.properties.light).toBe('green');
  });

  it('filter by category and report time', async () => {
    expect((await incidentsIn('?category=sanitation')).map((f) => f.properties.id).sort()).toEqual([ids.trash, ids.trash2].sort());
    expect((await incidentsIn('?category=fire,sanitation')).length).toBe(3);
    expect((await incidentsIn('?category=flood')).length).toBe(0);
    expect((await incidentsIn('?from=2026-05-01T08:30:00Z')).map((f) => f.properties.id).sort()).toEqual([ids.trash, ids.trash2].sort());
    expect((await incidentsIn('?to=2026-05-01T09:30:00Z')).map((f) => f.properties.id).sort()).toEqual([ids.fire, ids.trash].sort());
    expect((await incidentsIn('?from=2026-05-01T08:30:00Z&to=2026-05-01T09:30:00Z&category=sanitation')).map((f) => f.properties.id)).toEqual([ids.trash]);
    for (const query of ['?category=nope', '?from=yesterday', '?from=2026-05-02&to=2026-05-01', '?light=red', '?bbox=1,2,3,4']) {
      const response = await clocked.get(path_('incidents', Z12, query));
      expect(response.status, query).toBe(400);
      expect(response.body.error.code).toBe('invalid_parameter');
    }
  });

  it('follow writes and the clock: a transition and a passing deadline show in the next tile', async () => {
    const before = (await incidentsIn()).find((f) => f.properties.id === ids.trash)!;
    expect(before.properties).toMatchObject({ status: 'reported', light: 'green' });
    expect((await clocked.post(`/api/incidents/${ids.trash}/transition`).send({ to: 'dispatched' })).status).toBe(200);
    expect((await incidentsIn()).find((f) => f.properties.id === ids.trash)!.properties.status).toBe('dispatched');

    // Sanitation has 48 h: yellow from 80 % of it, red after it — with no write in between.
    now = new Date(Date.parse('2026-05-01T09:00:00Z') + 40 * HOUR);
    expect((await incidentsIn()).find((f) => f.properties.id === ids.trash)!.properties.light).toBe('yellow');
    now = new Date(Date.parse('2026-05-01T09:00:00Z') + 49 * HOUR);
    expect((await incidentsIn()).find((f) => f.properties.id === ids.trash)!.properties.light).toBe('red');
  });
});

describe('bad requests', () => {
  it.each([
    ['/tiles/grids/23/0/0.mvt', 'invalid_tile'],
    ['/tiles/grids/-1/0/0.mvt', 'invalid_tile'],
    ['/tiles/grids/1.5/0/0.mvt', 'invalid_tile'],
    ['/tiles/grids/14/16384/0.mvt', 'invalid_tile'],
    ['/tiles/grids/14/0/16384.mvt', 'invalid_tile'],
    ['/tiles/grids/0/0/1.mvt', 'invalid_tile'],
    ['/tiles/grids/14/x/0.mvt', 'invalid_tile'],
    ['/tiles/grids/14/0/0.png', 'invalid_tile'],
    ['/tiles/grids/14/0/0', 'invalid_tile'],
    ['/tiles/grids/14/0', 'invalid_tile'],
    ['/tiles/roads/14/0/0.mvt', 'unknown_layer'],
    ['/tiles/roads.json', 'unknown_layer'],
    ['/tiles/grids/14/0/0.mvt?asOf=soon', 'invalid_parameter'],
    ['/tiles/grids/14/0/0.mvt?category=fire', 'invalid_parameter'],
    ['/tiles/devices/14/0/0.mvt?kind=drone', 'invalid_parameter'],
  ])('%s → 400 %s', async (url, code) => {
    const response = await context.api.get(url);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/application\/json/);
    expect(response.body.error.code).toBe(code);
  });

  it('is read-only: 405 for other methods', async () => {
    const response = await context.api.post(path_('grids', Z12)).send({});
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD');
  });

  it('accepts the highest tile of each zoom and z 22', async () => {
    expect((await context.api.get('/tiles/grids/14/16383/16383.mvt')).status).toBe(204);
    const deep = tileAt(114.3005, 30.503, 22);
    expect((await getTile(context.api, path_('grids', deep))).status).toBe(200);
  });
});

describe('TileJSON', () => {
  it('describes a layer with an absolute tiles URL, zooms, bounds from the data and fields', async () => {
    const response = await context.api.get('/tiles/grids.json');
    expect(response.status).toBe(200);
    const json = response.body;
    expect(json).toMatchObject({ tilejson: '3.0.0', scheme: 'xyz', minzoom: 0, maxzoom: 22 });
    expect(json.tiles).toHaveLength(1);
    expect(json.tiles[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/tiles\/grids\/\{z\}\/\{x\}\/\{y\}\.mvt$/);
    // The live grids: village A less the retired north-east cell, so still all of it.
    const [w, s, e, n] = json.bounds;
    expect(w).toBeCloseTo(114.3, 6);
    expect(s).toBeCloseTo(30.502, 6);
    expect(e).toBeCloseTo(114.306, 6);
    expect(n).toBeCloseTo(30.51, 6);
    expect(json.center[0]).toBeCloseTo(114.303, 6);
    expect(json.vector_layers).toEqual([
      expect.objectContaining({ id: 'grids', fields: { code: 'String', name: 'String', kind: 'String', households: 'Number', householdsSource: 'String', regionCode: 'String' } }),
    ]);

    // The template, filled in, serves the tile.
    const url = new URL(json.tiles[0].replace('{z}', String(Z12.z)).replace('{x}', String(Z12.x)).replace('{y}', String(Z12.y)));
    expect((await getTile(context.api, url.pathname)).status).toBe(200);
  });

  it("keeps a layer filter in the tiles URL, built on the request's Host", async () => {
    const response = await context.api.get('/tiles/incidents.json?category=fire,sanitation&from=2026-05-01').set('Host', 'maps.example.org');
    expect(response.status).toBe(200);
    expect(response.body.tiles[0]).toBe('http://maps.example.org/tiles/incidents/{z}/{x}/{y}.mvt?from=2026-05-01T00:00:00.000Z&category=fire,sanitation');
    expect(response.body.vector_layers[0].fields).toMatchObject({ id: 'Number', category: 'String', status: 'String', light: 'String', reportedAt: 'String' });
    const regions = (await context.api.get('/tiles/regions.json')).body;
    expect(regions.bounds).toEqual([114.2, 30.4, 114.5, 30.6].map((v) => expect.closeTo(v, 6)));
    const list = (await context.api.get('/tiles')).body;
    expect(list.layers.map((l: { id: string }) => l.id)).toEqual(['grids', 'regions', 'devices', 'incidents', 'basemap']);
  });
});

describe('tile math and cache', () => {
  it('agrees with PostGIS ST_TileEnvelope', async () => {
    for (const t of [{ z: 0, x: 0, y: 0 }, Z12, Z14, { z: 22, x: 3_428_000, y: 1_700_001 }, { z: 5, x: 31, y: 0 }]) {
      const { rows } = await sql<{ x0: number; y0: number; x1: number; y1: number }>`
        SELECT ST_XMin(e) AS x0, ST_YMin(e) AS y0, ST_XMax(e) AS x1, ST_YMax(e) AS y1 FROM ST_TileEnvelope(${t.z}, ${t.x}, ${t.y}) e`.execute(context.store.db);
      const ours = tileBounds(t);
      [rows[0].x0, rows[0].y0, rows[0].x1, rows[0].y1].forEach((v, i) => expect(Math.abs(Number(v) - ours[i]), `${t.z}/${t.x}/${t.y}`).toBeLessThan(1e-6));
    }
    const [lon, lat] = tilePointToLonLat(Z14, 1234.5, 2345.25);
    const [px, py] = lonLatToTilePoint(Z14, lon, lat);
    expect(px).toBeCloseTo(1234.5, 6);
    expect(py).toBeCloseTo(2345.25, 6);
  });

  it('evicts the least recently used tiles past its byte budget', () => {
    const cache = new TileCache(3000, 100);
    const entry = () => ({ marker: '1', raw: new Uint8Array(500), gzip: new Uint8Array(300), hash: 'h' });
    cache.set('a', entry());
    cache.set('b', entry());
    cache.set('c', entry());
    expect(cache.size).toBe(3);
    cache.get('a'); // a is now the most recent; b the least
    cache.set('d', entry());
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.totalBytes).toBeLessThanOrEqual(3000);
  });
});

describe('a real client: GDAL', () => {
  const ogrinfo = (() => {
    try {
      execFileSync('ogrinfo', ['--version'], { stdio: 'pipe' });
      return true;
    } catch {
      return false;
    }
  })();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-mvt-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.skipIf(!ogrinfo)("reads a saved tile with the MVT driver: feature count and the place in EPSG:3857", async () => {
    const response = await getTile(context.api, path_('grids', Z12));
    expect(response.status).toBe(200);
    const expected = features(layerOf(response.body, 'grids')).length;
    // GDAL georeferences a single tile named {z}-{x}-{y}.pbf (EPSG:3857, XYZ).
    const file = path.join(dir, `${Z12.z}-${Z12.x}-${Z12.y}.pbf`);
    fs.writeFileSync(file, response.body);
    const out = execFileSync('ogrinfo', ['-ro', '-so', '-al', `MVT:${file}`], { encoding: 'utf8' });
    expect(out).toMatch(/Layer name: grids/);
    expect(Number(/Feature Count: (\d+)/.exec(out)?.[1])).toBe(expected);
    expect(out).toMatch(/Pseudo-Mercator|EPSG",\s*3857|3857/);
    // The layer's extent, in metres, is the grids' extent to within a tile unit.
    const extent = /Extent: \(([-\d.]+), ([-\d.]+)\) - \(([-\d.]+), ([-\d.]+)\)/.exec(out);
    expect(extent).not.toBeNull();
    const [x0, y0, x1, y1] = extent!.slice(1).map(Number);
    const [tx0, , tx1] = tileBounds(Z12);
    const unit = (tx1 - tx0) / 4096;
    const mercator = (lon: number, lat: number) => [(lon * Math.PI * 6378137) / 180, 6378137 * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360))];
    const [ex0, ey0] = mercator(114.3, 30.502);
    const [ex1, ey1] = mercator(114.306, 30.51);
    expect(Math.abs(x0 - ex0)).toBeLessThanOrEqual(unit);
    expect(Math.abs(y0 - ey0)).toBeLessThanOrEqual(unit);
    expect(Math.abs(x1 - ex1)).toBeLessThanOrEqual(unit);
    expect(Math.abs(y1 - ey1)).toBeLessThanOrEqual(unit);
    // Attributes come through.
    const full = execFileSync('ogrinfo', ['-ro', '-al', '-q', '-where', `code = '${codeOf(0, 0)}'`, `MVT:${file}`], { encoding: 'utf8' });
    expect(full).toMatch(/name \(String\) = 网格 c0 r0/);
    // The tile carries the grid's households as the API states them (computed from the village's
    // buildings once the basemap tests above have stored some).
    const { households } = (await context.api.get(`/api/grids/${codeOf(0, 0)}`)).body.properties;
    expect(full).toMatch(new RegExp(`households \\(Integer(64)?\\) = ${households}\\b`));
  });
});
