/**
 * Patrols as geography, visits and the day's log: a worker walks the streets of one grid of
 * Wuhan's Optics Valley (OSM roads, test/fixtures/lines) in pieces; the grid's patrol coverage
 * is most of it and its neighbour's nothing; bad tracks are refused and nothing is written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { bboxClip, lineString } from '@turf/turf';
import type { Feature, FeatureCollection, LineString, MultiLineString, Position } from 'geojson';
import { signedAs, useTestService } from '../support/context.js';
import { box, gridFeature, regionFeature } from '../support/fixtures.js';
import { metresBetween } from '../../server/geo/patrol.js';
import { fromWgs84 } from '../../server/geo/crs.js';

const context = useTestService();
const COUNTY = '420111000000';
const TOWNSHIP = '420111005000';
const VILLAGE = '420111005001';
const BORDER = 114.393;
let WEST = '';
let EAST = '';
let workerId = 0;
let otherId = 0;
let worker: ReturnType<typeof signedAs>;
const lines = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'lines', 'wuhan_optics_lines.geojson'), 'utf8')) as FeatureCollection;

/**
 * A walk along every street of the west grid that lies more than ~40 m from the border, street
 * after nearest street, at 1.4 m/s with a fix every ≤ 8 m, starting `start`.
 */
function walkWestStreets(start: number): { coordinates: Position[]; times: number[] } {
  const parts: Position[][] = [];
  for (const feature of lines.features as Feature<LineString | MultiLineString>[]) {
    if (feature.properties?.kind !== 'road') continue;
    const clipped = bboxClip(feature, [114.388, 30.504, BORDER - 0.0004, 30.511]).geometry as LineString | MultiLineString;
    const pieces: Position[][] = clipped.type === 'LineString' ? [clipped.coordinates] : clipped.coordinates;
    for (const piece of pieces) if (piece.length >= 2) parts.push(piece);
  }
  const route: Position[] = [];
  let remaining = parts;
  let here: Position = remaining[0]![0]!;
  while (remaining.length > 0) {
    remaining.sort((a, b) => metresBetween(here, a[0]!) - metresBetween(here, b[0]!));
    const next = remaining.shift()!;
    route.push(...next);
    here = next[next.length - 1]!;
  }
  const coordinates: Position[] = [route[0]!];
  for (let i = 1; i < route.length; i++) {
    const a = route[i - 1]!;
    const b = route[i]!;
    const steps = Math.max(1, Math.ceil(metresBetween(a, b) / 8));
    for (let k = 1; k <= steps; k++) coordinates.push([a[0]! + ((b[0]! - a[0]!) * k) / steps, a[1]! + ((b[1]! - a[1]!) * k) / steps]);
  }
  const times = [start];
  for (let i = 1; i < coordinates.length; i++) times.push(times[i - 1]! + Math.max(1000, Math.round((metresBetween(coordinates[i - 1]!, coordinates[i]!) / 1.4) * 1000)));
  return { coordinates, times };
}

async function counts() {
  const { rows } = await sql<{ patrols: number; visits: number; media: number }>`
    SELECT (SELECT count(*) FROM patrols)::int AS patrols, (SELECT count(*) FROM visits)::int AS visits, (SELECT count(*) FROM media)::int AS media`.execute(context.store.db);
  return rows[0]!;
}

beforeAll(async () => {
  for (const feature of [
    regionFeature(COUNTY, '洪山区', 'county', null, box(114.3, 30.4, 114.5, 30.6)),
    regionFeature(TOWNSHIP, '关东街道', 'township', COUNTY, box(114.38, 30.5, 114.4, 30.52)),
    regionFeature(VILLAGE, '光谷社区', 'village', TOWNSHIP, box(114.388, 30.504, 114.398, 30.511)),
  ]) {
    expect((await context.api.post('/api/regions').send(feature)).status).toBe(201);
  }
  const grids = await context.api.post('/api/grids/import').send({
    type: 'FeatureCollection',
    features: [gridFeature(VILLAGE, '光谷西', box(114.388, 30.504, BORDER, 30.511)), gridFeature(VILLAGE, '光谷东', box(BORDER, 30.504, 114.398, 30.511))],
  });
  expect(grids.status).toBe(201);
  [WEST, EAST] = grids.body.features.map((f: { properties: { code: string } }) => f.properties.code);
  expect((await context.api.put(`/api/regions/${VILLAGE}/lines`).send(lines)).status).toBe(200);
  workerId = (await context.api.post('/api/staff').send({ name: '巡查员', duty: 'fulltime', gridCodes: [WEST] })).body.id;
  otherId = (await context.api.post('/api/staff').send({ name: '东片网格员', duty: 'fulltime', gridCodes: [EAST] })).body.id;
  const key = await context.api.post('/api/keys').send({ name: '巡查员手机', role: 'worker', staffId: workerId });
  worker = signedAs(context.app, key.body.key);
});

describe('patrols', () => {
  it('cover most of the grid whose streets were walked, and none of its neighbour', async () => {
    const before = await context.api.get(`/api/grids/${WEST}/patrol-coverage`);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ basis: 'streets', coveredShare: 0, patrols: 0 });
    expect(before.body.streetsM).toBeGreaterThan(1000);

    // Ends a minute ago: it overlaps today in China, whatever the hour (the day's log below).
    const draft = walkWestStreets(0);
    const walk = walkWestStreets(Date.now() - 60_000 - draft.times.at(-1)!);
    // Sent as the phone does: pieces of at most 500 fixes, each starting where the last ended, the
    // first in WGS84, the others in GCJ-02 as the phone's map SDK gives them.
    let pieces = 0;
    for (let from = 0; from < walk.coordinates.length - 1; from += 499) {
      const to = Math.min(walk.coordinates.length, from + 500);
      const gcj = pieces > 0;
      const coordinates = walk.coordinates.slice(from, to).map(([lon, lat]) => (gcj ? fromWgs84(lon!, lat!, 'gcj02') : [lon!, lat!]));
      const body = { clientId: `walk-1:${pieces}`, crs: gcj ? 'gcj02' : 'wgs84', track: { type: 'Feature', properties: { times: walk.times.slice(from, to).map((t) => new Date(t).toISOString()) }, geometry: { type: 'LineString', coordinates } } };
      const sent = await worker.post('/api/patrols').send(body);
      expect(sent.status, JSON.stringify(sent.body).slice(0, 300)).toBe(201);
      expect(sent.body.staffId).toBe(workerId);
      expect(sent.body.grids).toContain(WEST);
      if (pieces === 0) {
        // A piece sent again (the connection dropped before the answer) is stored once.
        const again = await worker.post('/api/patrols').send(body);
        expect(again.status).toBe(200);
        expect(again.body).toMatchObject({ duplicate: true, id: sent.body.id });
      }
      pieces++;
    }
    expect(pieces).toBeGreaterThan(1);
    expect((await counts()).patrols).toBe(pieces);

    const west = await context.api.get(`/api/grids/${WEST}/patrol-coverage`);
    expect(west.status).toBe(200);
    expect(west.body.basis).toBe("streets");
    expect(west.body.coveredShare, JSON.stringify({ ...west.body, unwalked: undefined, tracks: undefined })).toBeGreaterThan(0.75);
    expect(west.body.staffIds).toEqual([workerId]);
    expect(west.body.walkedM).toBeGreaterThan(1000);
    expect(west.body.unwalked.type).toBe('MultiLineString');
    // What is left unwalked lies near the border the walk kept away from.
    const unwalked = (west.body.unwalked.coordinates as Position[][]).flat();
    const nearBorder = unwalked.filter(([lon]) => lon! > BORDER - 0.0006).length;
    expect(nearBorder / unwalked.length).toBeGreaterThan(0.5);

    const east = await context.api.get(`/api/grids/${EAST}/patrol-coverage`);
    expect(east.body.coveredShare).toBe(0);
    expect(east.body.patrols).toBe(0);
    // Outside the window nothing counts.
    const earlier = await context.api.get(`/api/grids/${WEST}/patrol-coverage?from=2020-01-01&to=2020-02-01`);
    expect(earlier.body.coveredShare).toBe(0);
  });

  it('cover a grid without stored streets by its area', async () => {
    const bare = '420111005002';
    expect((await context.api.post('/api/regions').send(regionFeature(bare, '荒地村', 'village', TOWNSHIP, box(114.381, 30.512, 114.384, 30.515)))).status).toBe(201);
    const grid = (await context.api.post('/api/grids').send(gridFeature(bare, '荒地', box(114.381, 30.512, 114.384, 30.515)))).body.properties.code;
    await context.api.put(`/api/staff/${otherId}`).set('If-Match', '"1"').send({ gridCodes: [EAST, grid] });
    const start = Date.now() - 3_600_000;
    const coordinates = Array.from({ length: 30 }, (_, i) => [114.381 + (0.003 * i) / 29, 30.5135]);
    const sent = await context.api.post('/api/patrols').send({ staffId: otherId, track: { type: 'LineString', coordinates }, times: coordinates.map((_, i) => start + i * 12_000) });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const coverage = (await context.api.get(`/api/grids/${grid}/patrol-coverage`)).body;
    expect(coverage.basis).toBe('area');
    // A 60 m corridor through a 333 m tall grid.
    expect(coverage.coveredShare).toBeGreaterThan(0.15);
    expect(coverage.coveredShare).toBeLessThan(0.25);
    expect(coverage.unwalked.type).toBe('MultiPolygon');
  });

  it('refuse bad tracks with a clear 4xx, writing nothing', async () => {
    const before = await counts();
    const now = Date.now() - 600_000;
    const track = (coordinates: Position[], times: unknown[]) => ({ track: { type: 'LineString', coordinates }, times });
    const line = [[114.39, 30.506], [114.3901, 30.506], [114.3902, 30.506]];
    const at = (...offsets: number[]) => offsets.map((o) => new Date(now + o * 1000).toISOString());
    const cases: [unknown, number, string][] = [
      [track(line, at(0, 20, 10)), 400, 'times_out_of_order'],
      [track([[0, 0], [0.001, 0], [0.002, 0]], at(0, 10, 20)), 400, 'outside_china'],
      [track([[114.39, 30.506], [114.49, 30.506], [114.4901, 30.506]], at(0, 10, 20)), 400, 'implausible_speed'],
      [track(line, at(0, 10)), 400, 'times_missing'],
      [track(line, ['yesterday', 'today', 'tomorrow']), 400, 'invalid_time'],
      [track([[114.39, 30.506]], at(0)), 400, 'too_few_points'],
      [track(line, [now + 3_600_000, now + 3_610_000, now + 3_620_000]), 400, 'track_in_future'],
      [{ track: { type: 'Polygon', coordinates: [] } }, 400, 'invalid_track'],
      [{ ...track(line, at(0, 10, 20)), staffId: otherId }, 403, 'worker_not_own_staff'],
      [{ ...track(line, at(0, 10, 20)), clientId: 'has spaces' }, 400, 'invalid_property'],
    ];
    for (const [body, status, code] of cases) {
      const response = await worker.post('/api/patrols').send(body as object);
      expect(`${response.status} ${response.body.error?.code}`, JSON.stringify(response.body).slice(0, 300)).toBe(`${status} ${code}`);
      expect(response.body.error.message).toMatch(/\p{Script=Han}/u);
    }
    expect((await context.api.post('/api/patrols').send(track(line, at(0, 10, 20)))).status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it('are listed as GeoJSON, a worker seeing their own', async () => {
    const mine = await worker.get('/api/patrols');
    expect(mine.status).toBe(200);
    expect(mine.body.features.length).toBeGreaterThan(0);
    expect(mine.body.features.every((f: { properties: { staffId: number } }) => f.properties.staffId === workerId)).toBe(true);
    expect((await worker.get(`/api/patrols?staff=${otherId}`)).status).toBe(403);
    const all = await context.api.get('/api/patrols');
    expect(new Set(all.body.features.map((f: { properties: { staffId: number } }) => f.properties.staffId))).toEqual(new Set([workerId, otherId]));
  });
});

describe('visits and the day’s log', () => {
  it('record a visit to a registered address in the worker’s grid, and build the 网格日志', async () => {
    const imported = await context.api.post('/api/addresses/import').send({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { address: '湖北省武汉市洪山区光谷社区鲁磨路1号' }, geometry: { type: 'Point', coordinates: [114.39, 30.507] } },
        { type: 'Feature', properties: { address: '湖北省武汉市洪山区光谷社区鲁磨路99号' }, geometry: { type: 'Point', coordinates: [114.396, 30.507] } },
      ],
    });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    const addresses = (await worker.get(`/api/grids/${WEST}/addresses`)).body;
    const id = (addresses.addresses ?? addresses.features?.map((f: { properties: unknown }) => f.properties) ?? [])[0]?.id;
    expect(id, JSON.stringify(addresses).slice(0, 300)).toBeGreaterThan(0);
    const before = await counts();
    const visit = await worker.post('/api/visits').send({ addressId: id, note: '走访独居老人，身体良好', clientId: 'visit-1' });
    expect(visit.status, JSON.stringify(visit.body)).toBe(201);
    expect(visit.body).toMatchObject({ staffId: workerId, gridCode: WEST, address: '湖北省武汉市洪山区光谷社区鲁磨路1号' });
    expect((await worker.post('/api/visits').send({ addressId: id, clientId: 'visit-1' })).body.duplicate).toBe(true);
    // An address in another worker's grid, an unregistered one, and a bad time: refused.
    expect((await worker.post('/api/visits').send({ address: '湖北省武汉市洪山区光谷社区鲁磨路99号' })).status).toBe(403);
    expect((await worker.post('/api/visits').send({ address: '不存在的地址1号' })).status).toBe(404);
    expect((await worker.post('/api/visits').send({ addressId: id, visitedAt: '2099-01-01T00:00:00Z' })).status).toBe(400);
    expect((await counts()).visits).toBe(before.visits + 1);

    const report = await worker.post('/api/incidents').send({ category: 'hazard', lon: 114.39, lat: 30.507, description: '电线下垂' });
    expect(report.status).toBe(201);
    await worker.post(`/api/incidents/${report.body.id}/transition`).send({ to: 'dispatched', assignee: workerId });
    const log = await worker.get(`/api/staff/${workerId}/log`);
    expect(log.status, JSON.stringify(log.body).slice(0, 300)).toBe(200);
    expect(log.body.totals).toMatchObject({ reports: 1, steps: 1, visits: 1 });
    expect(log.body.totals.patrolKm).toBeGreaterThan(1);
    // The walk's pieces are one patrol.
    expect(log.body.totals.patrols).toBe(1);
    expect(log.body.entries.map((e: { kind: string }) => e.kind)).toEqual(expect.arrayContaining(['patrol', 'visit', 'report', 'step']));
    expect((await worker.get(`/api/staff/${otherId}/log`)).status).toBe(403);
    expect((await worker.get(`/api/staff/${workerId}/log?date=2026-02-30`)).status).toBe(400);
  });
});

describe('the month’s assessment (考核)', () => {
  it('counts what the worker did — reports, cases handled on time, patrol km and coverage, visits — into points and a grade', async () => {
    const month = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
    // Finish the case reported above: dispatched → in progress → resolved, by the worker.
    const mine = (await worker.get('/api/incidents?assignee=me&status=dispatched')).body.incidents[0];
    expect((await worker.post(`/api/incidents/${mine.id}/transition`).send({ to: 'in_progress' })).status).toBe(200);
    expect((await worker.post(`/api/incidents/${mine.id}/transition`).send({ to: 'resolved', note: '已处理', publicNote: '已处理完毕' })).status).toBe(200);
    const response = await context.api.get(`/api/assessment?region=${TOWNSHIP}&month=${month}`);
    expect(response.status, JSON.stringify(response.body).slice(0, 300)).toBe(200);
    const row = response.body.workers.find((w: { staffId: number }) => w.staffId === workerId);
    expect(row).toMatchObject({ name: '巡查员', reports: 1, handled: 1, onTime: 1, visits: 1, gridCodes: [WEST] });
    expect(row.patrolKm).toBeGreaterThan(4);
    expect(row.coverage).toBeGreaterThan(0.75);
    const { points: p } = response.body.rules;
    const expected = Math.round((1 * p.report + 1 * p.handled + 1 * p.onTime + row.patrolKm * p.patrolKm + 1 * p.visit + row.coverage * p.coverage) * 10) / 10;
    expect(Math.abs(row.points - expected)).toBeLessThanOrEqual(0.1);
    expect(['优秀', '良好', '称职', '不称职']).toContain(row.grade);
    const idle = response.body.workers.find((w: { staffId: number }) => w.staffId === otherId);
    expect(idle).toMatchObject({ reports: 0, handled: 0, visits: 0 });
    const west = response.body.grids.find((g: { code: string }) => g.code === WEST);
    expect(west).toMatchObject({ reports: 1, handled: 1, onTime: 1, visits: 1 });
    expect(west.patrolKm).toBeGreaterThan(4);
    expect(response.body.grids.find((g: { code: string }) => g.code === EAST)).toMatchObject({ patrolKm: 0, coverage: 0 });
    // Another month: nothing done.
    const before = (await context.api.get(`/api/assessment?region=${TOWNSHIP}&month=2020-01`)).body.workers.find((w: { staffId: number }) => w.staffId === workerId);
    expect(before).toMatchObject({ reports: 0, handled: 0, patrolKm: 0, visits: 0, grade: '不称职' });
    expect((await context.api.get(`/api/assessment?region=${TOWNSHIP}&month=2020-13`)).status).toBe(400);
    expect((await worker.get(`/api/assessment?region=${TOWNSHIP}`)).status).toBe(403);
  });

  it('exports CSV with Chinese headers, where no cell runs as a formula', async () => {
    expect((await context.api.post('/api/staff').send({ name: '=HYPERLINK("http://x")', duty: 'assistant', gridCodes: [EAST] })).status).toBe(201);
    const csv = await context.api.get(`/api/assessment?region=${TOWNSHIP}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('姓名,职务,网格,上报,办结,按时办结,巡查里程(公里),巡查覆盖率(%),走访,积分,等级');
    expect(lines.some((line) => line.startsWith('"\'=HYPERLINK(""http://x"")",协管员'))).toBe(true);
    expect(lines.some((line) => line.startsWith('巡查员,专职网格员,'))).toBe(true);
    const grids = await context.api.get(`/api/assessment?region=${TOWNSHIP}&format=csv&of=grids`);
    expect(grids.text.replace(/^\uFEFF/, '').split('\r\n')[0]).toMatch(/^网格编码,网格名称,/);
  });
});
