/**
 * Camera and sensor feeds over HTTP: snapping (own point, sensor position, camera view),
 * idempotent re-sends (also concurrent ones), the merge rule, snapshots and thumbnails, and
 * bad events refused one by one while the rest of the batch counts. Then GB/T 28181 alarm
 * notifications (MANSCDP XML) as platforms send them, with their priority.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import sharp from 'sharp';
import iconv from 'iconv-lite';
import { keyFor, signedAs, useTestService } from '../support/context.js';
import { seedHalves, tree } from '../support/fixtures.js';
import { createApp } from '../../server/app.js';
import { defaultLimits } from '../../server/config.js';
import { Thumbnailer } from '../../server/media/thumbnailer.js';

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
      api.post('/api/feeds/events').send({ events: [{ deviceId: 'smoke-7', eventId, type: 'gas_leak', occurredAt: at(minutes), severity: 1 }] });
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

  it('opens one incident for a grid and category when batches of it arrive at once, and counts every event in it', async () => {
    // Each batch plans against the incidents it sees before the merge locks; the batches that
    // find another's incident once they hold the locks move their events into it.
    now = new Date('2026-07-03T12:00:00Z');
    const time = (minutes: number) => new Date(Date.parse('2026-07-03T11:00:00Z') + minutes * 60_000).toISOString();
    const batches = Array.from({ length: 6 }, (_, b) => ({
      events: Array.from({ length: 5 }, (_, k) => ({ deviceId: 'smoke-7', eventId: `w-${b}-${k}`, type: 'water_level', occurredAt: time(b + k), severity: 4 - (b % 4) })),
    }));
    const answers = await Promise.all(batches.map((batch) => api.post('/api/feeds/events').send(batch)));
    for (const answer of answers) expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const ids = new Set(answers.flatMap((a) => a.body.results.map((r: { incidentId: number }) => r.incidentId)));
    expect(ids.size).toBe(1);
    expect(answers.reduce((sum, a) => sum + a.body.incidents.created, 0)).toBe(1);
    const [id] = ids;
    const incident = (await api.get(`/api/incidents/${id}`)).body;
    expect(incident).toMatchObject({ eventCount: 30, priority: 1 });
    const linked = await context.store.db.selectFrom('device_events').select((eb) => eb.fn.countAll<number>().as('n')).where('incident_id', '=', id).executeTakeFirstOrThrow();
    expect(Number(linked.n)).toBe(30);
    // Audited row by row as before (one entry per batch that opened or joined it, with its versions and author).
    const audit = (await api.get(`/api/audit?entity=incidents:${id}&limit=50`)).body.entries as { op: string; method: string; path: string; versionBefore: number | null; versionAfter: number }[];
    expect(audit.map((e) => e.op).sort()).toEqual(['insert', 'update', 'update', 'update', 'update', 'update']);
    expect(audit.every((e) => e.method === 'POST' && e.path === '/api/feeds/events')).toBe(true);
    expect(audit.map((e) => e.versionAfter).sort()).toEqual(audit.map((e) => (e.versionBefore ?? 0) + 1).sort());
    expect(Math.max(...audit.map((e) => e.versionAfter))).toBe(incident.version);
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

  it('answers with the counts and only the refused events when asked for the compact answer', async () => {
    const before = await counts();
    const events = [
      { deviceId: 'smoke-7', eventId: 'c-1', type: 'smoke_alarm', occurredAt: at(1), severity: 2 },
      { deviceId: 'nobody', eventId: 'c-2', type: 'smoke_alarm', occurredAt: at(1), severity: 2 },
      { deviceId: 'smoke-7', eventId: 'c-1', type: 'smoke_alarm', occurredAt: at(1), severity: 2 },
      { deviceId: 'smoke-7', eventId: 'c-3', type: 'smoke_alarm', occurredAt: 'soon', severity: 2 },
    ];
    const response = await api.post('/api/feeds/events?answer=compact&lang=en').send({ events });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      accepted: 1,
      duplicates: 1,
      rejected: 2,
      incidents: { created: expect.any(Number), updated: expect.any(Number) },
      refused: [
        { index: 1, status: 'rejected', code: 'unknown_device', reason: expect.stringContaining('nobody') },
        { index: 3, status: 'rejected', code: 'invalid_event', reason: expect.any(String) },
      ],
    });
    expect(response.body.incidents.created + response.body.incidents.updated).toBe(1);
    const stored = await counts();
    expect(stored.events).toBe(before.events + 1);
    // The same batch again: all stored or refused, and the reasons in Chinese by default.
    const again = await api.post('/api/feeds/events?answer=compact').send({ events });
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 2, rejected: 2, incidents: { created: 0, updated: 0 } });
    expect(again.body.refused[0].reason).toMatch(/没有设备/);
    expect(again.body.results).toBeUndefined();
    // The full answer stays the default; an unknown form is refused before anything is stored.
    expect((await api.post('/api/feeds/events?answer=full').send({ events })).body.results).toHaveLength(4);
    const bogus = await api.post('/api/feeds/events?answer=short').send({ events: [{ ...events[0], eventId: 'c-4' }] });
    expect(bogus.status).toBe(400);
    expect(bogus.body.error.code).toBe('invalid_parameter');
    expect(await counts()).toEqual(stored);
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

describe('POST /api/feeds/gb28181: alarm notifications as GB/T 28181 platforms send them', () => {
  /** A MANSCDP alarm notification; `fields` replace or add elements. */
  const notify = (fields: Record<string, string>, device = CAMERA) => {
    const all: Record<string, string> = { CmdType: 'Alarm', SN: '1', DeviceID: device, AlarmPriority: '1', AlarmMethod: '5', AlarmTime: '2026-07-02T17:59:00', ...fields };
    const { AlarmType, ...top } = all;
    const elements = Object.entries(top).map(([name, value]) => `<${name}>${value}</${name}>`).join('\r\n');
    return `<?xml version="1.0" encoding="GB2312"?>\r\n<Notify>\r\n${elements}\r\n${AlarmType ? `<Info><AlarmType>${AlarmType}</AlarmType></Info>\r\n` : ''}</Notify>\r\n`;
  };
  const send = (body: string | Buffer, contentType = 'Application/MANSCDP+xml', path = '/api/feeds/gb28181') =>
    api.post(path).set('Content-Type', contentType).send(typeof body === 'string' ? iconv.encode(body, 'gb18030') : body);
  const urgent = (query: string) => api.get(`/api/incidents?sort=urgency&${query}`);

  beforeAll(() => {
    now = new Date('2026-07-02T10:00:00Z');
  });

  it('opens an incident from a 一级 alarm: its description, China time, the shortest deadline of its category, first in line', async () => {
    // A 三级 intrusion in the east grid, sent as JSON events are, the minute before.
    const ordinary = await api.post('/api/feeds/events').send({ events: [{ deviceId: CAMERA, eventId: 'gb-ordinary', type: 'intrusion', occurredAt: '2026-07-02T09:58:00Z', severity: '三级', lon: 114.3055, lat: 30.505 }] });
    expect(ordinary.body).toMatchObject({ accepted: 1 });
    const body = notify({ SN: '51', AlarmDescription: '东门区域入侵：两人翻越围墙', Longitude: '114.3042', Latitude: '30.5051', AlarmType: '6' });
    const response = await send(body);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ accepted: 1, duplicates: 0, rejected: 0, incidents: { created: 1, updated: 0 } });
    const [result] = response.body.results;
    expect(result).toMatchObject({ status: 'accepted', gridCode: WEST });
    const incident = (await api.get(`/api/incidents/${result.incidentId}`)).body;
    expect(incident).toMatchObject({ category: 'public_order', priority: 1, description: '东门区域入侵：两人翻越围墙', gridCode: WEST, source: 'camera' });
    // public_order: 24 h in general, 12 h for 三级, 1 h for 一级 (server/incidents/rules.ts).
    expect(Date.parse(incident.deadlineAt) - Date.parse(incident.reportedAt)).toBe(1 * 3_600_000);
    const event = await context.store.db.selectFrom('device_events').select(['type', 'priority', 'occurred_at']).where('event_id', 'like', 'sn51.%').executeTakeFirstOrThrow();
    // AlarmTime without a zone is China time: 17:59 in Beijing is 09:59 UTC.
    expect({ ...event, occurred_at: new Date(event.occurred_at).toISOString() }).toEqual({ type: 'intrusion', priority: 1, occurred_at: '2026-07-02T09:59:00.000Z' });
    const ordinaryIncident = (await api.get(`/api/incidents/${ordinary.body.results[0].incidentId}`)).body;
    expect(ordinaryIncident).toMatchObject({ priority: 3 });
    expect(Date.parse(ordinaryIncident.deadlineAt) - Date.parse(ordinaryIncident.reportedAt)).toBe(12 * 3_600_000);
    // The most urgent incident of its kind comes first, though it was reported last.
    const list = (await urgent('category=public_order')).body.incidents.map((i: { id: number }) => i.id);
    expect(list[0]).toBe(result.incidentId);
    expect(list.indexOf(ordinaryIncident.id)).toBeGreaterThan(0);
  });

  it('acknowledges the same notification sent again as a duplicate (Content-Type in any case, UTF-8 too)', async () => {
    const body = notify({ SN: '51', AlarmDescription: '东门区域入侵：两人翻越围墙', Longitude: '114.3042', Latitude: '30.5051', AlarmType: '6' });
    const before = await counts();
    const again = await send(body, 'application/manscdp+XML; charset=GB2312');
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 1, rejected: 0, incidents: { created: 0, updated: 0 } });
    const utf8 = await send(Buffer.from(body.replace('GB2312', 'UTF-8'), 'utf8'));
    expect(utf8.body).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await counts()).toEqual(before);
  });

  it('refuses each bad notification of a body on its own, in the reader’s language; the good one counts', async () => {
    const before = await counts();
    const body = [
      notify({ SN: '60' }).replace('</AlarmTime>', '</AlarmTim>'),
      notify({ SN: '61' }, '42011100001320009999'),
      notify({ SN: '62' }).replace('<CmdType>Alarm</CmdType>', '<CmdType>Keepalive</CmdType>'),
      notify({ SN: '63', AlarmDescription: '&lol;' }).replace('<?xml version="1.0" encoding="GB2312"?>', '<?xml version="1.0" encoding="GB2312"?><!DOCTYPE l [<!ENTITY lol "lolololol">]>'),
      notify({ SN: '64', AlarmPriority: '9' }),
      notify({ SN: '65', AlarmPriority: '2', AlarmMethod: '2', AlarmType: '2', AlarmTime: '2026-07-02T18:00:00' }),
    ].join('');
    const response = await send(body);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ accepted: 1, duplicates: 0, rejected: 5 });
    expect(response.body.results.map((r: { status: string; code?: string }) => r.code ?? r.status)).toEqual([
      'invalid_xml',
      'unknown_device',
      'not_alarm',
      'xml_not_allowed',
      'invalid_event',
      'accepted',
    ]);
    expect(response.body.results[1].reason).toBe('没有设备 42011100001320009999（请先用 POST /api/devices 登记）');
    expect(response.body.results[4].reason).toMatch(/^severity 按 GB\/T 28181 警情级别给出/);
    const english = await send(body.replace(/<SN>6(\d)<\/SN>/g, '<SN>7$1</SN>'), 'Application/MANSCDP+xml', '/api/feeds/gb28181?lang=en');
    expect(english.body.results[2].reason).toBe('Only alarm notifications (CmdType Alarm) are taken, got CmdType "Keepalive"');
    // The device alarm (tamper, 二级) opened a facility incident at the camera; nothing else was stored.
    const tamper = (await api.get(`/api/incidents/${response.body.results[5].incidentId}`)).body;
    expect(tamper).toMatchObject({ category: 'facility', priority: 2, description: '设备防拆报警' });
    expect((await counts()).events).toBe(before.events + 2);
  });

  it('raises an open incident to the priority of a graver alarm that joins it, and brings its deadline forward', async () => {
    // Device faults (a facility incident) in the west grid, which has none yet: a 四级 disk fault, then a 一级 fan fault.
    const fault = (sn: string, priority: string, type: string, time: string) =>
      send(notify({ SN: sn, AlarmPriority: priority, AlarmMethod: '6', AlarmType: type, AlarmTime: time, Longitude: '114.3042', Latitude: '30.5049' }));
    const first = await fault('80', '4', '1', '2026-07-02T17:50:00');
    const id = first.body.results[0].incidentId;
    const opened = (await api.get(`/api/incidents/${id}`)).body;
    expect(opened).toMatchObject({ category: 'facility', priority: 4 });
    expect(Date.parse(opened.deadlineAt) - Date.parse(opened.reportedAt)).toBe(72 * 3_600_000);
    const graver = await fault('81', '1', '2', '2026-07-02T17:55:00');
    expect(graver.body).toMatchObject({ accepted: 1, incidents: { created: 0, updated: 1 } });
    expect(graver.body.results[0].incidentId).toBe(id);
    const raised = (await api.get(`/api/incidents/${id}`)).body;
    expect(raised).toMatchObject({ priority: 1, eventCount: 2 });
    expect(Date.parse(raised.deadlineAt) - Date.parse(raised.reportedAt)).toBe(8 * 3_600_000);
  });

  it('lets a device key send for its own devices only', async () => {
    const key = await keyFor(context.store, 'device', null, ['smoke-7']);
    const device = signedAs(createApp(context.store, defaultLimits, { clock }), key);
    const response = await device.post('/api/feeds/gb28181').set('Content-Type', 'Application/MANSCDP+xml').send(Buffer.from(notify({ SN: '90' }), 'utf8'));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ accepted: 0, rejected: 1, results: [{ code: 'forbidden_device' }] });
  });

  it('answers 4xx for what is no notification at all, or too much, and stores nothing', async () => {
    const before = await counts();
    expect((await api.post('/api/feeds/gb28181').send({ events: [] })).status).toBe(415);
    expect((await send('<?xml version="1.0"?><Response><CmdType>Keepalive</CmdType></Response>')).status).toBe(400);
    expect((await send('')).status).toBe(400);
    expect((await send(notify({ SN: '99' }).repeat(1001))).status).toBe(413);
    expect((await send(Buffer.alloc(1024 * 1024 + 1, 0x20))).status).toBe(413);
    const refused = await send('不是报文');
    expect(refused.body.error).toEqual({ code: 'invalid_xml', message: '请求体中没有 <Notify> 报警通知' });
    expect(await counts()).toEqual(before);
  });
});

describe('thumbnails while feed batches are in flight', () => {
  /** A stored original without its thumbnail, as a batch leaves it. */
  async function original(): Promise<number> {
    const bytes = Buffer.from(jpeg, 'base64');
    const row = await context.store.db
      .insertInto('media')
      .values({ content_type: 'image/jpeg', bytes, thumb: null, width: 1280, height: 720, sha256: createHash('sha256').update(bytes).digest('hex') })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }
  const thumbOf = async (id: number) => (await context.store.db.selectFrom('media').select('thumb').where('id', '=', id).executeTakeFirstOrThrow()).thumb;

  it('waits until the batches end, unless a reader asks for one', async () => {
    const thumbnailer = new Thumbnailer(context.store.db);
    const [queued, asked] = [await original(), await original()];
    const release = thumbnailer.busy();
    thumbnailer.schedule([queued]);
    await thumbnailer.ensure(asked); // a reader waiting (GET /api/media/:id?size=thumb): made now
    expect(await thumbOf(asked)).not.toBeNull();
    expect(thumbnailer.queued).toBe(1);
    expect(await thumbOf(queued)).toBeNull();
    release();
    await thumbnailer.idle();
    expect(thumbnailer.queued).toBe(0);
    expect(await thumbOf(queued)).not.toBeNull();
  });

  it('makes them anyway once the oldest has waited its longest, under a storm that does not stop', async () => {
    const thumbnailer = new Thumbnailer(context.store.db, undefined, { maxDeferMs: 50 });
    const id = await original();
    const release = thumbnailer.busy();
    thumbnailer.schedule([id]);
    expect(thumbnailer.queued).toBe(1);
    await thumbnailer.idle(); // still busy: made after 50 ms
    expect(await thumbOf(id)).not.toBeNull();
    release();
  });
});
