/**
 * One household number (server/db/households.ts): a grid answers with the households of its
 * village's buildings, else of its registered addresses, else the figure stored with it, says
 * which, and keeps it through split, merge, redraw and an applied division; the grid, its tile,
 * its 住户 answer, the statistics and the client's points all agree.
 */
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { booleanPointInPolygon } from '@turf/turf';
import type { Polygon } from 'geojson';
import { useTestService } from '../support/context.js';
import { box, gridFeature, seedTree, tree } from '../support/fixtures.js';
import { householdFlags } from '../../server/geo/address/households.js';
import { lonLatToTilePoint, tileAt } from '../../server/geo/tiles.js';
import { finishedJob } from '../support/jobs.js';

const context = useTestService();
const A = tree.villageA.code;
const B = tree.villageB.code;

type GridAnswer = { properties: { code: string; households: number | null; householdsSource: string; storedHouseholds: number | null; version: number } };

/** A point building of `households` at lon/lat. */
const building = (lon: number, lat: number, households: number) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties: { households } });

/** A footprint building: a square of `size` degrees around lon/lat. */
const footprint = (lon: number, lat: number, households: number, size = 0.0002) => ({
  type: 'Feature',
  geometry: box(lon - size / 2, lat - size / 2, lon + size / 2, lat + size / 2),
  properties: { households },
});

async function grid(code: string): Promise<GridAnswer['properties']> {
  const response = await context.api.get(`/api/grids/${code}`);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.properties;
}

async function tileHouseholds(code: string, lon: number, lat: number): Promise<unknown> {
  const z = 15;
  const { x, y } = tileAt(lon, lat, z);
  const response = await context.api.get(`/tiles/grids/${z}/${x}/${y}.mvt`).set('Accept-Encoding', 'gzip').buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });
  expect(response.status).toBe(200);
  const body = response.body as Buffer;
  const tile = new VectorTile(new PbfReader(body[0] === 0x1f ? gunzipSync(body) : body));
  const layer = tile.layers.grids;
  for (let i = 0; i < layer.length; i++) {
    const feature = layer.feature(i);
    if (feature.properties.code === code) return { households: feature.properties.households, source: feature.properties.householdsSource };
  }
  void lonLatToTilePoint;
  return undefined;
}

/** Sends a batch (split, merge, redraw) and answers its features. */
async function batch(changes: unknown[]): Promise<GridAnswer[]> {
  const response = await context.api.post('/api/grids/batch').send({ changes });
  expect(response.status, JSON.stringify(response.body).slice(0, 400)).toBe(200);
  return response.body.features;
}

let west = '';
let east = '';

beforeAll(async () => {
  await seedTree(context);
  const created = await context.api.post('/api/grids/import').send({
    type: 'FeatureCollection',
    features: [
      gridFeature(A, '西', box(114.3, 30.5, 114.305, 30.51), { households: 818 }),
      gridFeature(A, '东', box(114.305, 30.5, 114.31, 30.51), { households: 400 }),
      gridFeature(B, '乙', tree.villageB.geometry, { households: 350 }),
    ],
  });
  expect(created.status, JSON.stringify(created.body).slice(0, 300)).toBe(201);
  [west, east] = created.body.features.map((f: GridAnswer) => f.properties.code);
});

describe('a village with neither buildings nor addresses', () => {
  it('answers the stored figure and says so', async () => {
    const p = await grid(`${B}001`);
    expect(p).toMatchObject({ households: 350, householdsSource: 'stored', storedHouseholds: 350 });
  });
});

describe('a village with a buildings layer', () => {
  // Village A: 5 buildings west of 114.305 (60 + 40 + 100 + 30 + footprint 70 = 300), 3 east (120 + 80 + 64 = 264).
  const buildings = [
    building(114.301, 30.501, 60),
    building(114.302, 30.503, 40),
    building(114.303, 30.507, 100),
    building(114.304, 30.509, 30),
    footprint(114.3015, 30.5085, 70),
    building(114.306, 30.502, 120),
    building(114.308, 30.505, 80),
    footprint(114.309, 30.508, 64),
  ];

  beforeAll(async () => {
    const response = await context.api.put(`/api/regions/${A}/buildings`).send({ type: 'FeatureCollection', features: buildings });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
  });

  it('counts the households of the buildings in each grid; the stored figure stays beside it', async () => {
    expect(await grid(west)).toMatchObject({ households: 300, householdsSource: 'buildings', storedHouseholds: 818 });
    expect(await grid(east)).toMatchObject({ households: 264, householdsSource: 'buildings', storedHouseholds: 400 });
  });

  it('gives the same number in the grid list, the tiles and the statistics', async () => {
    const list = await context.api.get(`/api/grids?region=${A}`);
    expect(list.body.features.map((f: GridAnswer) => f.properties.households)).toEqual([300, 264]);
    expect(await tileHouseholds(west, 114.302, 30.505)).toEqual({ households: 300, source: 'buildings' });
    const stats = await context.api.get(`/api/stats?region=${A}`);
    expect(stats.status).toBe(200);
    expect(stats.body.total.households).toBe(564);
  });

  it('gives the client the points to count with the same rule', async () => {
    const answer = await context.api.get(`/api/regions/${A}/households`);
    expect(answer.status).toBe(200);
    expect(answer.body.source).toBe('buildings');
    expect(answer.body.points).toHaveLength(8);
    const inWest = answer.body.points.filter((p: { lon: number; lat: number }) => booleanPointInPolygon([p.lon, p.lat], box(114.3, 30.5, 114.305, 30.51)));
    expect(inWest.reduce((sum: number, p: { households: number }) => sum + p.households, 0)).toBe(300);
    expect((await context.api.get(`/api/regions/${tree.street.code}/households`)).status).toBe(422);
  });

  it('recomputes both parts of a split and the whole of a merge, through every reader', async () => {
    const before = await grid(west);
    // Split the west grid at 30.505: the north part (100 + 30 + 70 = 200) becomes a new grid.
    const [south, north] = await batch([
      { op: 'update', code: west, version: before.version, geometry: box(114.3, 30.5, 114.305, 30.505), properties: { name: '西', kind: 'urban', households: 409 } },
      { op: 'create', feature: gridFeature(A, '西（拆分）', box(114.3, 30.505, 114.305, 30.51), { households: 409 }) },
    ]);
    expect(south.properties).toMatchObject({ households: 100, householdsSource: 'buildings', storedHouseholds: 409 });
    expect(north.properties).toMatchObject({ households: 200, householdsSource: 'buildings' });
    expect((await grid(north.properties.code)).households).toBe(200);
    expect(await tileHouseholds(north.properties.code, 114.302, 30.508)).toEqual({ households: 200, source: 'buildings' });

    // Merge the north part into the east grid: 264 + 200.
    const eastNow = await grid(east);
    const [, merged] = await batch([
      { op: 'retire', code: north.properties.code, version: north.properties.version },
      {
        op: 'update',
        code: east,
        version: eastNow.version,
        geometry: { type: 'Polygon', coordinates: [[[114.3, 30.505], [114.305, 30.505], [114.305, 30.5], [114.31, 30.5], [114.31, 30.51], [114.3, 30.51], [114.3, 30.505]]] },
        properties: { name: '东', kind: 'urban', households: 400 },
      },
    ]);
    expect(merged.properties).toMatchObject({ households: 464, householdsSource: 'buildings' });
    const stats = await context.api.get(`/api/stats?region=${A}`);
    expect(stats.body.total.households).toBe(564);
  });

  it('keeps the figure of each moment in the history', async () => {
    const history = await context.api.get(`/api/grids/${west}/history`);
    expect(history.body.features.map((f: GridAnswer) => f.properties.households)).toEqual([100, 300]);
  });
});

describe('a village with registered addresses only', () => {
  const V = '420111002005';
  const village = box(114.32, 30.5, 114.33, 30.51);
  let one = '';
  let two = '';

  beforeAll(async () => {
    expect((await context.api.post('/api/regions').send({ type: 'Feature', geometry: village, properties: { code: V, name: '南湖社区', level: 'village', parentCode: tree.street.code } })).status).toBe(201);
    const created = await context.api.post('/api/grids/import').send({
      type: 'FeatureCollection',
      features: [gridFeature(V, '一', box(114.32, 30.5, 114.325, 30.51), { households: 900 }), gridFeature(V, '二', box(114.325, 30.5, 114.33, 30.51))],
    });
    expect(created.status).toBe(201);
    [one, two] = created.body.features.map((f: GridAnswer) => f.properties.code);
    // West grid: gate 1号 with 4 rooms behind it (4 households, the gate is not one) and 3号 alone (1);
    // east grid: 5号 with 2 rooms (2) and 7号 alone (1).
    const rows = [
      ['南湖路1号', 114.321, 30.501],
      ['南湖路1号1栋1单元101室', 114.3211, 30.5011],
      ['南湖路1号1栋1单元102室', 114.3212, 30.5012],
      ['南湖路1号1栋1单元201室', 114.3213, 30.5013],
      ['南湖路1号1栋1单元202室', 114.3214, 30.5014],
      ['南湖路3号', 114.323, 30.508],
      ['南湖路5号', 114.326, 30.502],
      ['南湖路5号2栋1单元101室', 114.3261, 30.5021],
      ['南湖路5号2栋1单元102室', 114.3262, 30.5022],
      ['南湖路7号', 114.328, 30.508],
    ];
    const csv = `address,lon,lat\n${rows.map((r) => r.join(',')).join('\n')}\n`;
    const imported = await context.api.post('/api/addresses/import').set('Content-Type', 'text/csv').send(csv);
    expect(imported.status, JSON.stringify(imported.body).slice(0, 300)).toBe(200);
  });

  it('counts household addresses, the same number the 住户 answer gives', async () => {
    expect(await grid(one)).toMatchObject({ households: 5, householdsSource: 'addresses', storedHouseholds: 900 });
    expect(await grid(two)).toMatchObject({ households: 3, householdsSource: 'addresses', storedHouseholds: null });
    for (const [code, n] of [[one, 5], [two, 3]] as const) {
      const tab = await context.api.get(`/api/grids/${code}/addresses`);
      expect(tab.body.households).toBe(n);
    }
  });

  it('gives the client addresses whose household rule counts the same', async () => {
    const answer = await context.api.get(`/api/regions/${V}/households`);
    expect(answer.body.source).toBe('addresses');
    const inOne = answer.body.points.filter((p: { lon: number; lat: number }) => booleanPointInPolygon([p.lon, p.lat], box(114.32, 30.5, 114.325, 30.51) as Polygon));
    expect(householdFlags(inOne.map((p: { levels: Record<string, string> }) => p.levels)).filter(Boolean).length).toBe(5);
  });

  it('moves households with a redrawn border', async () => {
    const before = await grid(one);
    const other = await grid(two);
    // The border moves east to 114.3265: 5号 and its rooms (3 addresses, 2 households) change grid.
    const [a, b] = await batch([
      { op: 'update', code: one, version: before.version, geometry: box(114.32, 30.5, 114.3265, 30.51), properties: { name: '一', kind: 'urban', households: 900 } },
      { op: 'update', code: two, version: other.version, geometry: box(114.3265, 30.5, 114.33, 30.51), properties: { name: '二', kind: 'urban', households: null } },
    ]);
    expect(a.properties.households).toBe(7);
    expect(b.properties.households).toBe(1);
  });
});

describe('an applied division', () => {
  it('gives each new grid the households its proposal counted', async () => {
    const started = await context.api.post('/api/divisions').send({ regionCode: A, minHouseholds: 200, maxHouseholds: 400 });
    expect(started.status, JSON.stringify(started.body).slice(0, 300)).toBe(202);
    const job = await finishedJob(context, `/api/divisions/${started.body.id}`);
    expect(job.status).toBe('done');
    const dry = await context.api.post(`/api/divisions/${started.body.id}/apply?dryRun=true`);
    expect(dry.status).toBe(200);
    expect(dry.body.grids.retire.sort()).toEqual([east, west].sort());
    expect(dry.body.grids.keep).toEqual([]);
    expect(dry.body.grids.create).toBe(job.proposal.features.length);
    expect(Array.isArray(dry.body.addresses) && Array.isArray(dry.body.incidents)).toBe(true);
    const applied = await context.api.post(`/api/divisions/${started.body.id}/apply`);
    expect(applied.status, JSON.stringify(applied.body).slice(0, 300)).toBe(200);
    const proposed: number[] = job.proposal.features.map((f: { properties: { households: number } }) => f.properties.households);
    const created = applied.body.created as { code: string; households: number }[];
    expect(created).toHaveLength(proposed.length);
    for (const [i, entry] of created.entries()) {
      const p = await grid(entry.code);
      expect(p).toMatchObject({ householdsSource: 'buildings', households: proposed[i], storedHouseholds: proposed[i] });
    }
    expect(proposed.reduce((s, n) => s + n, 0)).toBe(564);
  });
});
