/**
 * Camera and sensor feeds over HTTP: snapping (own point, sensor position, camera view),
 * idempotent re-sends (also concurrent ones), the merge rule, snapshots and thumbnails, and
 * bad events refused one by one while the rest of the batch counts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import sharp from 'sharp';
import { signedAs, useTestService } from '../support/context.js';
import { seedHalves, tree } from '../support/fixtures.js';
import { createApp } from '../../server/app.js';
import { defaultLimits } from '../../server/config.js';

const context = useTestService();
const A = tree.villageA.code;
const WEST = `${A}001`;
const EAST = `${A}002`;
const CAMERA = '42011100001320000007';
let now = new Date('2026-07-01T10:00:00Z');
const clock = { now: () => new Date(now) };
let api: ReturnType<typeof request>;
let jpeg: string;

const at = (minutes: number) => new Date(Date.parse('2026-07-01T09:00:00Z') + minutes * 60_000).toISOString();

async function counts() {
  const db = context.store.db;
  const n = async (table: 'device_events' | 'incidents' | 'media') => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return { events: await n('device_events'), incidents: await n('incidents'), media: await n('media') };
}

beforeAll(async () => {
  await seedHalves(context);
  api = signedAs(createApp(context.store, defaultLimits, { clock }), context.adminKey);
  // A camera in the west grid looking east, into the east grid (most of its view).
  expect((await api.post('/api/devices').send({ id: CAMERA, kind: 'camera', name: '路口球机', lon: 114.3045, lat: 30.505, heading: 90, fov: 60, rangeM: 200 })).status).toBe(201);
  expect((await api.post('/api/devices').send({ id: 'smoke-7', kind: 'sensor', sensorType: 'smoke', name: '烟感7', lon: 114.301, lat: 30.501 })).status).toBe(201);
  const image = await sharp({ create: { width: 1280, height: 720, channels: 3, background: { r: 90, g: 120, b: 160 } } }).jpeg().toBuffer();
  jpeg = image.toString('base64');
});

describe('POST /api/feeds/events', () => {
  it('snaps each event, opens incidents by the rules and keeps snapshots', async () => {
    const response = await api.post('/api/feeds/events').send({
      events: [
        { deviceId: 'smoke-7', eventId: 's-1', type: 'smoke_alarm', occurredAt: at(0), severity: 4 },
        { deviceId: CAMERA, eventId: 'c-1', type: 'intrusion', occurredAt: at(1), severity: 3, snapshot: jpeg },
        { deviceId: CAMERA, eventId: 'c-2', type: 'garbage', occurredAt: at(2), severity: 2, lon: 114.3042, lat: 30.5051 },
      ],
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ accepted: 3, duplicates: 0, rejected: 0, incidents: { created: 3, updated: 0 } });
    const [smoke, seen, own] = response.body.results;
    expect(smoke).toMatchObject({ status: 'accepted', gridCode: WEST });
    expect(seen).toMatchObject({ status: 'accepted', gridCode: EAST, mediaStored: true }); // the grid its view mostly covers
    expect(own).toMatchObject({ status: 'accepted', gridCode: WEST }); // the point it gave

    const fire = (await api.get(`/api/incidents/${smoke.incidentId}`)).body;
    expect(fire).toMatchObject({ category: 'fire', source: 'sensor', gridCode: WEST, status: 'reported', eventCount: 1, reportedAt: now.toISOString() });
    expect(Date.parse(fire.deadlineAt) - Date.parse(fire.reportedAt)).toBe(2 * 3_600_000);

    const intrusion = (await api.get(`/api/incidents/${seen.incidentId}`)).body;
    expect(intrusion).toMatchObject({ category: 'public_order', source: 'camera', gridCode: EAST });
    const original = await api.get(`/api/media/${intrusion.mediaId}`).buffer(true);
    expect(original.headers['content-type']).toBe('image/jpeg');
    expect(Buffer.from(original.body).toString('base64')).toBe(jpeg);
    const thumb = await api.get(`/api/media/${intrusion.mediaId}?size=thumb`).buffer(true);
    expect(thumb.headers['content-type']).toBe('image/webp');
    expect(await sharp(thumb.body).metadata()).toMatchObject({ format: 'webp', width: 320, height: 180 });
  });

  it('acknowledges a re-sent batch and creates nothing twice, even when sent twice at once', async () => {
    const batch = {
      events: [
        { deviceId: 'smoke-7', eventId: 's-1', type: 'smoke_alarm', occurredAt: at(0), severity: 4 },
        { deviceId: 'smoke-7', eventId: 's-9', type: 'smoke_alarm', occurredAt: at(40), severity: 4 },
      ],
    };
    const before = await counts();
    const [first, second] = await Promise.all([api.post('/api/feeds/events').send(batch), api.post('/api/feeds/events').send(batch)]);
    expect(first.body.accepted + second.body.accepted).toBe(1);
    expect(first.body.duplicates + second.body.duplicates).toBe(3);
    const after = await counts();
    expect(after.events).toBe(before.events + 1);
    const again = await api.post('/api/feeds/events').send(batch);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 2, incidents: { created: 0, updated: 0 } });
    expect(await counts()).toEqual(after);
  });

  it('merges events of one grid and category within the window, and opens a new incident after it', async () => {
    now = new Date('2026-07-01T12:00:00Z');
    const send = (eventId: string, minutes: number) =>
      api.post('/api/feeds/events').send({ events: [{ deviceId: 'smoke-7', eventId, type: 'gas_leak', occurredAt: at(minutes), severity: 5 }] });
    const first = (await send('g-1', 0)).body.results[0].incidentId;
    const joined = await send('g-2', 20);
    expect(joined.body.incidents).toEqual({ created: 0, updated: 1 });
    expect(joined.body.results[0].incidentId).toBe(first);
    expect((await send('g-3', 45)).body.results[0].incidentId).toBe(first); // 25 min after the last one
    const later = (await send('g-4', 90)).body.results[0].incidentId; // 45 min: a new one
    expect(later).not.toBe(first);
    expect((await api.get(`/api/incidents/${first}`)).body.eventCount).toBe(3);
    // A closed incident takes no more events.
    for (const to of ['dispatched', 'in_progress', 'resolved']) await api.post(`/api/incidents/${later}/transition`).send({ to });
    expect((await send('g-5', 95)).body.results[0].incidentId).not.toBe(later);
  });

  it('refuses bad events one by one; the rest of the batch counts', async () => {
    const before = await counts();
    const bad = [
      { deviceId: 'nobody', eventId: 'x-1', type: 'intrusion', occurredAt: at(0), severity: 3 },
      { deviceId: CAMERA, eventId: 'x-2', type: 'intrusion', occurredAt: 'yesterday', severity: 3 },
      { deviceId: CAMERA, eventId: 'x-3', type: 'intrusion', occurredAt: at(0), severity: 9 },
      { deviceId: CAMERA, eventId: 'x-4', type: 'intrusion', occurredAt: at(0), severity: 3, snapshot: jpeg.slice(0, jpeg.length / 2) },
      { deviceId: CAMERA, eventId: 'x-5', type: 'intrusion', occurredAt: at(0), severity: 3, snapshot: 'R0lGODlhAQABAAAAACw=' },
      { deviceId: CAMERA, eventId: 'x-6', type: 'intrusion', occurredAt: at(0), severity: 3, lon: 30.5, lat: 114.3 },
      { deviceId: CAMERA, eventId: 'x-7', type: 'Intrusion!', occurredAt: at(0), severity: 3 },
      { deviceId: CAMERA, eventId: 'x-8', type: 'intrusion', occurredAt: '2099-01-01T00:00:00Z', severity: 3 },
      'not an event',
    ];
    const good = { deviceId: CAMERA, eventId: 'x-ok', type: 'crowd', occurredAt: at(0), severity: 3 };
    const response = await api.post('/api/feeds/events').send({ events: [...bad, good] });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ accepted: 1, rejected: bad.length });
    expect(response.body.results.map((r: { status: string; code?: string }) => r.code ?? r.status)).toEqual([
      'unknown_device',
      'invalid_event',
      'invalid_event',
      'corrupt_image',
      'unsupported_image_type',
      'swapped_coordinates',
      'invalid_event',
      'invalid_event',
      'invalid_event',
      'accepted',
    ]);
    const after = await counts();
    expect(after.events).toBe(before.events + 1);
    expect(after.media).toBe(before.media);
  });

  it('answers 4xx for what is not a batch', async () => {
    const before = await counts();
    expect((await api.post('/api/feeds/events').send({ events: 'x' })).status).toBe(400);
    expect((await api.post('/api/feeds/events').send({ events: [], crs: 'mars' })).status).toBe(400);
    const many = Array.from({ length: 1001 }, (_, i) => ({ deviceId: 'smoke-7', eventId: `m-${i}`, type: 'smoke_alarm', occurredAt: at(0), severity: 1 }));
    expect((await api.post('/api/feeds/events').send({ events: many })).status).toBe(413);
    expect((await api.get('/api/media/999999')).status).toBe(404);
    expect((await api.get('/api/media/abc')).status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it("shows the camera's latest snapshot beside an incident it sees", async () => {
    const incident = (await api.post('/api/incidents').send({ category: 'public_order', source: 'worker', lon: 114.3055, lat: 30.505 })).body;
    const cameras = (await api.get(`/api/incidents/${incident.id}/cameras`)).body.cameras;
    expect(cameras).toHaveLength(1);
    expect(cameras[0]).toMatchObject({ id: CAMERA, latestSnapshot: { thumbUrl: expect.stringMatching(/^\/api\/media\/\d+\?size=thumb$/) } });
  });
});
