/**
 * Incidents for maps and screens, over HTTP: the heatmap (cells, weights, filters, refusals),
 * statistics by child region and by grid (statuses, categories, lights and on-time rate as a
 * controllable clock passes deadlines, households), and the live stream of changes as
 * server-sent events on a listening server (new, changed, filtered, resumed with Last-Event-ID),
 * plus the feed's polling only while someone listens.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import request from 'supertest';
import type { Express } from 'express';
import { keyFor, signedAs, useTestService } from '../support/context.js';
import { box, gridFeature, seedTree, tree } from '../support/fixtures.js';
import { createApp } from '../../server/app.js';
import { defaultLimits } from '../../server/config.js';
import { IncidentFeed, type FeedSink } from '../../server/services/incident-feed.js';
import type { Incident } from '../../server/db/incidents.js';

const context = useTestService();
const A = tree.villageA.code;
const B = tree.villageB.code;
const STREET = tree.street.code;
const WEST = `${A}001`;
const EAST = `${A}002`;
const B_GRID = `${B}001`;

const HOUR = 3_600_000;
const T0 = new Date('2025-03-01T00:00:00Z');
let current = T0;
const clock = { now: () => current };
const at = (hours: number) => new Date(T0.getTime() + hours * HOUR);

let app: Express;
let api: ReturnType<typeof request>;

/** [lon, lat, category] reported at T0; p1–p5 in the west grid of A, p6 in its east grid, p7 in B. */
const points: [number, number, string][] = [
  [114.30101, 30.50101, 'sanitation'],
  [114.30102, 30.50102, 'sanitation'],
  [114.30103, 30.50103, 'sanitation'],
  [114.30401, 30.50501, 'fire'],
  [114.30402, 30.50502, 'fire'],
  [114.30801, 30.50801, 'dispute'],
  [114.31501, 30.50501, 'sanitation'],
];
const ids: number[] = [];

async function report(lon: number, lat: number, category: string): Promise<Incident> {
  const response = await api.post('/api/incidents').send({ lon, lat, category });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as Incident;
}

async function transition(id: number, ...statuses: string[]): Promise<Incident> {
  let body: Incident | undefined;
  for (const to of statuses) {
    const response = await api.post(`/api/incidents/${id}/transition`).send({ to });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    body = response.body as Incident;
  }
  return body!;
}

beforeAll(async () => {
  await seedTree(context);
  // Households: the west grid says 100, the east grid does not say, B's grid says 0.
  const grids = [
    gridFeature(A, '西网格', box(114.3, 30.5, 114.305, 30.51), { households: 100 }),
    gridFeature(A, '东网格', box(114.305, 30.5, 114.31, 30.51)),
    gridFeature(B, '关南网格', box(114.31, 30.5, 114.32, 30.51), { households: 0 }),
  ];
  const response = await context.api.post('/api/grids/import').send({ type: 'FeatureCollection', features: grids });
  expect(response.status, JSON.stringify(response.body).slice(0, 300)).toBe(201);
  app = createApp(context.store, defaultLimits, { clock });
  api = signedAs(app, context.adminKey);
  current = T0;
  for (const [lon, lat, category] of points) ids.push((await report(lon, lat, category)).id);
});

const statuses0 = { reported: 0, dispatched: 0, in_progress: 0, resolved: 0, closed: 0, rejected: 0, reopened: 0 };

describe('GET /api/stats', () => {
  it('counts by child region at first: everything reported, green, nothing finished', async () => {
    current = at(0.5);
    const response = await api.get('/api/stats').query({ region: STREET });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const body = response.body;
    expect(body).toMatchObject({ code: STREET, level: 'township', asOf: at(0.5).toISOString() });
    expect(body.children.map((c: { code: string; level: string }) => [c.code, c.level])).toEqual([
      [A, 'village'],
      [B, 'village'],
    ]);
    const [a, b] = body.children;
    expect(a).toMatchObject({
      name: '光谷社区',
      households: 100,
      incidents: 6,
      byStatus: { ...statuses0, reported: 6 },
      byLight: { green: 6, yellow: 0, red: 0 },
      onTimeRate: null,
      per100Households: 6,
    });
    expect(a.byCategory).toMatchObject({ sanitation: 3, fire: 2, dispute: 1, flood: 0, other: 0 });
    // Households 0: no rate per 100 households.
    expect(b).toMatchObject({ households: 0, incidents: 1, per100Households: null, byCategory: { sanitation: 1, fire: 0 } });
    expect(body.total).toMatchObject({ code: STREET, households: 100, incidents: 7, per100Households: 7, onTimeRate: null });
  });

  it('follows the clock: a fire turns yellow in its last 20 %, one finished in time counts on time', async () => {
    current = at(1);
    await transition(ids[0], 'dispatched', 'in_progress', 'resolved', 'closed');
    await transition(ids[4], 'rejected'); // the clock of a rejected case stops (green, at 1 h of 2)
    current = at(1.7); // the fires' deadline is 2 h: yellow from 1.6 h
    const response = await api.get('/api/stats').query({ region: A });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const body = response.body;
    expect(body).toMatchObject({ code: A, level: 'village' });
    const [west, east] = body.children;
    expect(west).toMatchObject({
      code: WEST,
      name: '西网格',
      level: 'grid',
      households: 100,
      incidents: 5,
      byStatus: { ...statuses0, reported: 3, closed: 1, rejected: 1 },
      byLight: { green: 4, yellow: 1, red: 0 },
      onTimeRate: 1,
      per100Households: 5,
    });
    // Households not given: unknown, so no rate.
    expect(east).toMatchObject({ code: EAST, level: 'grid', households: null, incidents: 1, per100Households: null, onTimeRate: null });
    expect(body.total).toMatchObject({ code: A, incidents: 6, households: 100, onTimeRate: 1, byLight: { green: 5, yellow: 1, red: 0 } });
  });

  it('past the deadlines: late and open cases are red, and the on-time rate counts the late one', async () => {
    current = at(50); // sanitation (48 h) and fire (2 h) are overdue; the dispute (72 h) is not yet yellow (57.6 h)
    await transition(ids[1], 'dispatched', 'in_progress', 'resolved'); // resolved 2 h late
    const response = await api.get('/api/stats').query({ region: STREET });
    const [a, b] = response.body.children;
    // p1 closed in time (green), p2 late (red), p3 open (red), p4 fire open (red), p5 rejected at 1 h (green), p6 dispute (green).
    expect(a).toMatchObject({
      incidents: 6,
      byStatus: { ...statuses0, reported: 3, resolved: 1, closed: 1, rejected: 1 },
      byLight: { green: 3, yellow: 0, red: 3 },
      onTimeRate: 0.5,
    });
    expect(b).toMatchObject({ byLight: { green: 0, yellow: 0, red: 1 }, onTimeRate: null });
    expect(response.body.total).toMatchObject({ incidents: 7, onTimeRate: 0.5, byLight: { green: 3, yellow: 0, red: 4 } });

    // The county: its one child is the street, with the same numbers.
    const county = await api.get('/api/stats').query({ region: tree.county.code });
    expect(county.body.children).toHaveLength(1);
    expect(county.body.children[0]).toMatchObject({ code: STREET, level: 'township', incidents: 7, households: 100, onTimeRate: 0.5 });
  });

  it('filters by category and time', async () => {
    const fire = await api.get('/api/stats').query({ region: STREET, category: 'fire' });
    expect(fire.body.children[0]).toMatchObject({ incidents: 2, byCategory: { fire: 2, sanitation: 0 }, byStatus: { reported: 1, rejected: 1 } });
    expect(fire.body.total.incidents).toBe(2);
    const two = await api.get('/api/stats').query({ region: STREET, category: 'fire,dispute' });
    expect(two.body.total.incidents).toBe(3);
    const before = await api.get('/api/stats').query({ region: STREET, to: '2025-02-28' });
    expect(before.body.total).toMatchObject({ incidents: 0, onTimeRate: null, per100Households: 0 });
    expect(before.body).toMatchObject({ from: null, to: '2025-02-28T00:00:00.000Z' });
    const window = await api.get('/api/stats').query({ region: STREET, from: '2025-03-01T00:00:00Z', to: '2025-03-01T00:00:01Z' });
    expect(window.body.total.incidents).toBe(7);
  });

  it('answers 400 for a missing or malformed region and 404 for an unknown one', async () => {
    const cases: [Record<string, string>, number, string][] = [
      [{}, 400, 'region_required'],
      [{ region: '4201' }, 400, 'invalid_code'],
      [{ region: '000000000000' }, 400, 'invalid_code'],
      [{ region: '420111002999' }, 404, 'unknown_region'],
      [{ region: STREET, category: 'nonsense' }, 400, 'invalid_parameter'],
      [{ region: STREET, from: 'yesterday' }, 400, 'invalid_parameter'],
    ];
    for (const [query, status, code] of cases) {
      const response = await api.get('/api/stats').query(query);
      expect([response.status, response.body.error?.code], JSON.stringify(query)).toEqual([status, code]);
    }
  });
});

describe('GET /api/heatmap', () => {
  const T1 = at(240);
  const all: [number, number, string, Date][] = points.map(([lon, lat, category]) => [lon, lat, category, T0]);
  const cellDeg = (zoom: number) => 360 / 2 ** zoom / 16;

  /** The cells a set of points falls in, as the service should count them. */
  function expected(pts: [number, number][], zoom: number) {
    const c = cellDeg(zoom);
    const cells = new Map<string, [number, number][]>();
    for (const [lon, lat] of pts) {
      const key = `${Math.floor(lon / c)},${Math.floor(lat / c)}`;
      cells.set(key, [...(cells.get(key) ?? []), [lon, lat]]);
    }
    const max = Math.max(...[...cells.values()].map((list) => list.length));
    return {
      total: pts.length,
      max,
      points: [...cells.values()]
        .map((list) => ({
          lon: list.reduce((s, p) => s + p[0], 0) / list.length,
          lat: list.reduce((s, p) => s + p[1], 0) / list.length,
          count: list.length,
          weight: list.length / max,
        }))
        .sort((a, b) => a.lon - b.lon || a.lat - b.lat),
    };
  }

  function check(body: { points: { lon: number; lat: number; count: number; weight: number }[]; total: number; max: number }, want: ReturnType<typeof expected>) {
    expect(body.total).toBe(want.total);
    expect(body.max).toBe(want.max);
    expect(body.points).toHaveLength(want.points.length);
    body.points.forEach((point, k) => {
      expect(point.count).toBe(want.points[k].count);
      expect(point.lon).toBeCloseTo(want.points[k].lon, 5);
      expect(point.lat).toBeCloseTo(want.points[k].lat, 5);
      expect(point.weight).toBeCloseTo(want.points[k].weight, 4);
    });
  }

  beforeAll(async () => {
    current = T1;
    const late = await report(114.30101, 30.50101, 'sanitation');
    all.push([late.lon, late.lat, 'sanitation', T1]);
  });

  const BBOX = '114.30,30.50,114.32,30.51';

  it('counts incidents in cells sized for the zoom, at their mean position, weighted by the busiest cell', async () => {
    const response = await api.get('/api/heatmap').query({ bbox: BBOX, zoom: 16 });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ zoom: 16, cellDeg: cellDeg(16) });
    const want = expected(all.map(([lon, lat]) => [lon, lat]), 16);
    // The fixture is meant to put several incidents in one cell, and to leave others alone.
    expect(want.max).toBeGreaterThanOrEqual(3);
    expect(want.points.some((p) => p.count === 1)).toBe(true);
    check(response.body, want);
    expect(Math.max(...response.body.points.map((p: { weight: number }) => p.weight))).toBe(1);

    // Zoomed out, neighbours merge into fewer, heavier cells; zoom 12 is the default.
    const out = await api.get('/api/heatmap').query({ bbox: BBOX });
    expect(out.body.zoom).toBe(12);
    check(out.body, expected(all.map(([lon, lat]) => [lon, lat]), 12));
    const far = await api.get('/api/heatmap').query({ bbox: BBOX, zoom: 10 });
    check(far.body, expected(all.map(([lon, lat]) => [lon, lat]), 10));
    expect(far.body.points.length).toBeLessThan(want.points.length);
  });

  it('filters by bbox, category, status and time', async () => {
    const west = await api.get('/api/heatmap').query({ bbox: '114.30,30.50,114.305,30.51', zoom: 16 });
    check(west.body, expected(all.filter(([lon]) => lon < 114.305).map(([lon, lat]) => [lon, lat]), 16));
    // A cell the bbox's edge cuts is counted whole (its weight does not change as the map pans):
    // this edge passes between the two fire incidents of one cell, and both are counted.
    const edge = 114.304015;
    const inEdgeCell = all.filter(([lon]) => Math.floor(lon / cellDeg(16)) <= Math.floor(edge / cellDeg(16)));
    expect(inEdgeCell.some(([lon]) => lon > edge)).toBe(true);
    const cut = await api.get('/api/heatmap').query({ bbox: `114.30,30.50,${edge},30.51`, zoom: 16 });
    check(cut.body, expected(inEdgeCell.map(([lon, lat]) => [lon, lat]), 16));

    const fire = await api.get('/api/heatmap').query({ bbox: BBOX, zoom: 16, category: 'fire' });
    check(fire.body, expected(all.filter(([, , c]) => c === 'fire').map(([lon, lat]) => [lon, lat]), 16));

    const early = await api.get('/api/heatmap').query({ bbox: BBOX, zoom: 16, to: at(1).toISOString() });
    check(early.body, expected(all.filter(([, , , t]) => t < at(1)).map(([lon, lat]) => [lon, lat]), 16));
    const late = await api.get('/api/heatmap').query({ bbox: BBOX, zoom: 16, from: at(100).toISOString() });
    check(late.body, expected([[114.30101, 30.50101]], 16));
    expect(late.body.points[0]).toMatchObject({ count: 1, weight: 1 });

    const open = await api.get('/api/heatmap').query({ bbox: BBOX, zoom: 16, status: 'reported' });
    expect(open.body.total).toBe(5); // p3, p4, p6, p7 and the late one
    const none = await api.get('/api/heatmap').query({ bbox: '114.0,30.0,114.1,30.1', zoom: 14 });
    expect(none.body).toEqual({ zoom: 14, cellDeg: cellDeg(14), points: [], total: 0, max: 0 });
  });

  it('refuses a missing bbox, a bad zoom, and a bbox of too many cells for its zoom', async () => {
    const cases: [Record<string, string | number>, string][] = [
      [{}, 'bbox_required'],
      [{ zoom: 12 }, 'bbox_required'],
      [{ bbox: BBOX, zoom: 23 }, 'invalid_parameter'],
      [{ bbox: BBOX, zoom: -1 }, 'invalid_parameter'],
      [{ bbox: BBOX, zoom: 'far' }, 'invalid_parameter'],
      [{ bbox: BBOX, zoom: 12.5 }, 'invalid_parameter'],
      [{ bbox: '114.3,30.5,114.2' }, 'invalid_parameter'],
      // 0.5° × 0.5° at zoom 16 is 1,457 × 1,457 cells.
      [{ bbox: '114.0,30.0,114.5,30.5', zoom: 16 }, 'bbox_too_large'],
    ];
    for (const [query, code] of cases) {
      const response = await api.get('/api/heatmap').query(query);
      expect([response.status, response.body.error?.code], JSON.stringify(query)).toEqual([400, code]);
    }
    const big = await api.get('/api/heatmap').query({ bbox: '114.0,30.0,114.5,30.5', zoom: 16 });
    expect(big.body.error.message).toMatch(/个 .*° 的格子，最多 20000 个/);
    const english = await api.get('/api/heatmap').query({ bbox: '114.0,30.0,114.5,30.5', zoom: 16, lang: 'en' });
    expect(english.body.error.message).toMatch(/cells of .*° at zoom 16; at most 20000/);
    expect(big.body.error.details).toMatchObject({ maxCells: 20_000, cellDeg: cellDeg(16) });
    expect(big.body.error.details.cells).toBeGreaterThan(20_000);
    // The same area at a zoom that suits it is fine, and so is the whole world at zoom 0.
    expect((await api.get('/api/heatmap').query({ bbox: '114.0,30.0,114.5,30.5', zoom: 12 })).status).toBe(200);
    expect((await api.get('/api/heatmap').query({ bbox: '-180,-90,180,90', zoom: 0 })).status).toBe(200);
  });
});

// ---------------------------------------------------------------------------------------------
// Server-sent events

interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
  comment?: string;
}

class Stream {
  readonly events: SseEvent[] = [];
  status = 0;
  /** Whether the server ended the response. */
  ended = false;
  headers: http.IncomingHttpHeaders = {};
  private buffer = '';
  waiters: (() => void)[] = [];
  private req: http.ClientRequest | undefined;

  static open(port: number, path: string, headers: Record<string, string> = {}): Promise<Stream> {
    const stream = new Stream();
    return new Promise((resolve, reject) => {
      stream.req = http.get({ host: '127.0.0.1', port, path, headers: { Accept: 'text/event-stream', ...headers } }, (res) => {
        stream.status = res.statusCode ?? 0;
        stream.headers = res.headers;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => stream.take(chunk));
        res.on('end', () => {
          stream.ended = true;
          for (const wake of stream.waiters.splice(0)) wake();
        });
        res.on('error', () => {});
        resolve(stream);
      });
      stream.req.on('error', (error) => (stream.status ? undefined : reject(error)));
    });
  }

  private take(chunk: string) {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const event: SseEvent = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) event.comment = line.slice(1).trim();
        else {
          const colon = line.indexOf(':');
          const field = line.slice(0, colon) as keyof SseEvent;
          event[field] = line.slice(colon + 1).replace(/^ /, '');
        }
      }
      this.events.push(event);
    }
    for (const wake of this.waiters.splice(0)) wake();
  }

  incidents(): Incident[] {
    return this.events.filter((e) => e.event === 'incident').map((e) => JSON.parse(e.data!) as Incident);
  }

  /** Resolves with the first event that `match` accepts, or fails after `ms`. */
  async waitFor(match: (event: SseEvent) => boolean, ms = 5000): Promise<SseEvent> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching event within ${ms} ms; got ${JSON.stringify(this.events)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  waitForIncident(id: number, version: number, ms?: number) {
    return this.waitFor((e) => e.event === 'incident' && JSON.parse(e.data!).id === id && JSON.parse(e.data!).version === version, ms);
  }

  close() {
    this.req?.destroy();
  }
}

describe('GET /api/events/stream', () => {
  let server: http.Server;
  let port: number;
  const streams: Stream[] = [];
  const open = async (path: string, headers?: Record<string, string>) => {
    // EventSource cannot set headers: the client sends its key as ?access_token=, as here.
    const stream = await Stream.open(port, `${path}${path.includes('?') ? '&' : '?'}access_token=${context.adminKey}`, headers);
    streams.push(stream);
    return stream;
  };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  beforeAll(async () => {
    current = at(300);
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    for (const stream of streams) stream.close();
    // Give the feed a moment to see its clients go (and stop) before the store closes.
    await sleep(200);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('ends the stream of a key once it is revoked, here at once and elsewhere within seconds', async () => {
    const viewer = await keyFor(context.store, 'viewer');
    const here = await Stream.open(port, `/api/events/stream?access_token=${viewer}`);
    streams.push(here);
    await here.waitFor((e) => e.retry !== undefined, 2000);
    const id = (await signedAs(app, viewer).get('/api/me')).body.keyId as string;
    expect((await api.delete(`/api/keys/${id}`)).status).toBe(200);
    await here.waitFor((e) => e.event === 'revoked', 2000);
    for (let k = 0; k < 50 && !here.ended; k++) await sleep(20);
    expect(here.ended).toBe(true);

    // Revoked by another instance or the CLI: straight in the database, seen by the periodic check.
    const other = await keyFor(context.store, 'viewer');
    const elsewhere = await Stream.open(port, `/api/events/stream?access_token=${other}`);
    streams.push(elsewhere);
    await elsewhere.waitFor((e) => e.retry !== undefined, 2000);
    const otherId = (await signedAs(app, other).get('/api/me')).body.keyId as string;
    await context.store.db.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', otherId).execute();
    await elsewhere.waitFor((e) => e.event === 'revoked', 10_000);
    expect(elsewhere.events.filter((e) => e.event === 'incident')).toEqual([]);
  });

  let created: Incident;
  let createdEvent: SseEvent;
  let dispatchedEvent: SseEvent;

  it('sends retry, then each new incident and each change, as the incident JSON with its change_seq as id', async () => {
    const stream = await open('/api/events/stream');
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(stream.headers['cache-control']).toBe('no-cache');
    expect(stream.headers['x-accel-buffering']).toBe('no');
    await stream.waitFor((e) => e.retry !== undefined, 2000);
    expect(stream.events[0]).toEqual({ retry: '3000' });

    created = await report(114.3022, 30.5033, 'hazard');
    createdEvent = await stream.waitForIncident(created.id, 1);
    expect(createdEvent.id).toBe(String(created.changeSeq));
    const { transitions: _, ...stored } = (await api.get(`/api/incidents/${created.id}`)).body;
    expect(JSON.parse(createdEvent.data!)).toEqual(stored);

    const dispatched = await transition(created.id, 'dispatched');
    dispatchedEvent = await stream.waitForIncident(created.id, 2);
    expect(JSON.parse(dispatchedEvent.data!)).toMatchObject({ id: created.id, status: 'dispatched', version: 2, changeSeq: dispatched.changeSeq });
    expect(Number(dispatchedEvent.id)).toBeGreaterThan(Number(createdEvent.id));
    // Nothing from before the connection, nothing twice.
    const seen = stream.incidents().map((i) => `${i.id}@${i.version}`);
    expect(seen).toEqual([`${created.id}@1`, `${created.id}@2`]);
    stream.close();
  });

  it('resumes after Last-Event-ID with only the later changes, in change order, then goes on live', async () => {
    // While nobody listens: the incident moves on, and another one is reported.
    await sleep(100);
    const inProgress = await transition(created.id, 'in_progress');
    const other = await report(114.3155, 30.5055, 'fire');

    const stream = await open('/api/events/stream', { 'Last-Event-ID': createdEvent.id! });
    await stream.waitForIncident(other.id, 1);
    expect(stream.incidents().map((i) => [i.id, i.version, i.changeSeq])).toEqual([
      [created.id, 3, inProgress.changeSeq],
      [other.id, 1, other.changeSeq],
    ]);
    expect(stream.events.filter((e) => e.event === 'incident').map((e) => Number(e.id))).toEqual([inProgress.changeSeq, other.changeSeq]);
    // retry first, then the replay.
    expect(stream.events[0]).toEqual({ retry: '3000' });

    await transition(created.id, 'resolved');
    await stream.waitForIncident(created.id, 4);
    expect(stream.incidents().map((i) => i.version)).toEqual([3, 1, 4]);

    // From the latest id: nothing to replay. The query parameter works like the header.
    const last = stream.events[stream.events.length - 1].id!;
    const again = await open(`/api/events/stream?lastEventId=${last}`);
    await again.waitFor((e) => e.retry !== undefined);
    await sleep(1200); // more than two polls
    expect(again.incidents()).toEqual([]);
    stream.close();
    again.close();
  });

  it('narrows the stream to a region or a category, on replay and live', async () => {
    const inB = await open(`/api/events/stream?region=${B}&lastEventId=${createdEvent.id}`);
    const fires = await open('/api/events/stream?category=fire');
    await inB.waitFor((e) => e.retry !== undefined);
    await fires.waitFor((e) => e.retry !== undefined);
    await report(114.3011, 30.5011, 'hazard'); // in A: for neither stream
    const fireA = await report(114.3012, 30.5012, 'fire');
    const hazardB = await report(114.3166, 30.5066, 'hazard');
    await inB.waitForIncident(hazardB.id, 1);
    await fires.waitForIncident(fireA.id, 1);
    // B: the fire reported there before (replayed), then its new hazard; never A's incidents.
    const replayedFire = inB.incidents()[0];
    expect(replayedFire).toMatchObject({ category: 'fire', gridCode: B_GRID });
    expect(inB.incidents().map((i) => i.id)).toEqual([replayedFire.id, hazardB.id]);
    await sleep(700);
    expect(fires.incidents().map((i) => i.id)).toEqual([fireA.id]);
    inB.close();
    fires.close();
  });

  it('answers 400 for filters a stream cannot keep and for a bad Last-Event-ID', async () => {
    for (const path of ['/api/events/stream?status=reported', '/api/events/stream?from=2025-01-01', '/api/events/stream?category=nonsense', '/api/events/stream?lastEventId=abc']) {
      const response = await api.get(path);
      expect([response.status, response.body.error?.code], path).toEqual([400, 'invalid_parameter']);
    }
    const header = await api.get('/api/events/stream').set('Last-Event-ID', '-3');
    expect(header.status).toBe(400);
  });
});

describe('IncidentFeed', () => {
  it('polls only while someone listens, fans out to each client once, and sends heartbeats', async () => {
    const feed = new IncidentFeed(context.store.db, clock, { intervalMs: 20, heartbeatMs: 50 });
    expect(feed.active).toBe(false);
    const received: Incident[][] = [[], []];
    let pings = 0;
    const sink = (k: number): FeedSink => ({ open: () => {}, incident: (i) => received[k].push(i), reset: () => {}, ping: () => pings++ });
    const one = await feed.subscribe(sink(0), {});
    const two = await feed.subscribe(sink(1), { categories: ['flood'] });
    onTestFinished(() => {
      one.close();
      two.close();
      return feed.idle();
    });
    expect(feed.active).toBe(true);
    const flood = await report(114.3033, 30.5044, 'flood');
    const other = await report(114.3034, 30.5045, 'other');
    for (let k = 0; k < 100 && received[0].length < 2; k++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 120));
    expect(received[0].map((i) => i.id)).toEqual([flood.id, other.id]);
    expect(received[1].map((i) => i.id)).toEqual([flood.id]);
    expect(pings).toBeGreaterThan(0);

    one.close();
    expect(feed.active).toBe(true);
    two.close();
    expect(feed.active).toBe(false);
    await feed.idle();
    const polls = feed.polls;
    await new Promise((r) => setTimeout(r, 150));
    expect(feed.polls).toBe(polls);
  });

  it('sends a change committed late, behind one already sent, exactly once', async () => {
    const feed = new IncidentFeed(context.store.db, clock, { intervalMs: 20 });
    const received: Incident[] = [];
    const sub = await feed.subscribe({ open: () => {}, incident: (i) => received.push(i), reset: () => {}, ping: () => {} }, {});
    onTestFinished(() => {
      sub.close();
      return feed.idle();
    });
    const first = await report(114.3035, 30.5046, 'other');
    for (let k = 0; k < 100 && received.length < 1; k++) await new Promise((r) => setTimeout(r, 20));
    // A row whose change_seq is below one already sent (as if its transaction had committed late).
    await context.store.db
      .updateTable('incidents')
      .set({ change_seq: first.changeSeq - 1, version: 2 })
      .where('id', '=', ids[6])
      .execute();
    for (let k = 0; k < 100 && received.length < 2; k++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100));
    expect(received.map((i) => [i.id, i.version])).toEqual([
      [first.id, 1],
      [ids[6], 2],
    ]);
  });

  it('replays a few missed changes, and tells a client that missed too many to reload instead', async () => {
    const feed = new IncidentFeed(context.store.db, clock, { intervalMs: 20, maxCatchUp: 3 });
    const events: string[] = [];
    const sink: FeedSink = { open: () => events.push('open'), incident: (i) => events.push(`${i.id}@${i.version}`), reset: (id) => events.push(`reset ${id}`), ping: () => {} };
    const all = (await api.get('/api/incidents').query({ limit: 1000 })).body.incidents as Incident[];
    const seqs = [...new Set(all.map((i) => i.changeSeq))].sort((a, b) => a - b);
    const top = seqs[seqs.length - 1];
    const after = seqs[seqs.length - 3];
    const missed = all.filter((i) => i.changeSeq > after);
    expect(missed.length).toBeGreaterThanOrEqual(2);

    const few = await feed.subscribe(sink, {}, after);
    few.close();
    expect(events[0]).toBe('open');
    expect(events.slice(1).sort()).toEqual(missed.map((i) => `${i.id}@${i.version}`).sort());

    events.length = 0;
    const many = await feed.subscribe(sink, {}, 0);
    many.close();
    await feed.idle();
    expect(events).toEqual(['open', `reset ${top}`]);
  });

  it('a poll still reading when the last client leaves sends nothing into the next run', async () => {
    // The next run's baseline forgets what was sent; the old poll must not take the whole
    // window for new changes and hand it to the next client.
    const feed = new IncidentFeed(context.store.db, clock, { intervalMs: 60_000 });
    const quiet: FeedSink = { open: () => {}, incident: () => {}, reset: () => {}, ping: () => {} };
    const first = await feed.subscribe(quiet, {});
    const inFlight = feed.poll();
    first.close();
    const events: string[] = [];
    const next = await feed.subscribe({ ...quiet, open: () => events.push('open'), incident: (i) => events.push(`${i.id}@${i.version}`) }, {});
    await inFlight;
    await new Promise((r) => setTimeout(r, 50));
    next.close();
    await feed.idle();
    expect(events).toEqual(['open']);
  });
});
