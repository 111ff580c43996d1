/**
 * Open311 GeoReport v2 over incidents, as a 12345-hotline client uses it: discovery, services
 * in Chinese and English, a form-encoded request filed and followed through the closed loop
 * (driven by the JSON API), list filters, and bad input answered in Open311's error format
 * without creating anything.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { keyFor, signedAs, useTestService } from '../support/context.js';
import { seedHalves, tree } from '../support/fixtures.js';
import { createApp } from '../../server/app.js';
import { defaultLimits } from '../../server/config.js';
import type { Clock } from '../../server/clock.js';

const context = useTestService();
const A = tree.villageA.code;
const WEST = `${A}001`;
const EAST = `${A}002`;
const ADDRESS = '湖北省武汉市洪山区关山街道光谷社区民族大道12号';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The real time, unless a test moves it (to file requests in the past). */
let clockAt: Date | undefined;
const clock: Clock = { now: () => clockAt ?? new Date() };

async function incidentCount(): Promise<number> {
  const row = await context.store.db.selectFrom('incidents').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A form-encoded POST as GeoReport v2 clients send it; the new id. */
async function file(fields: Record<string, string>): Promise<string> {
  const response = await open311.post('/open311/v2/requests.json').type('form').send({ api_key: integratorKey, ...fields });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body[0].service_request_id;
}

async function fileAt(at: Date, fields: Record<string, string>): Promise<string> {
  clockAt = at;
  try {
    return await file(fields);
  } finally {
    clockAt = undefined;
  }
}

async function requests(query: Record<string, string>) {
  const response = await context.api.get('/open311/v2/requests.json').query(query);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as { service_request_id: string; service_code: string; status: string; requested_datetime: string }[];
}

function expectOpen311Error(response: request.Response, status: number, description?: RegExp) {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(response.body).toEqual([{ code: status, description: expect.any(String) }]);
  if (description) expect(response.body[0].description).toMatch(description);
}

let open311: ReturnType<typeof request>;
let integratorKey: string;
let viewerKey: string;

beforeAll(async () => {
  // The same database, behind an app whose clock the date tests can move.
  context.app = createApp(context.store, defaultLimits, { clock });
  context.api = signedAs(context.app, context.adminKey);
  // Open311 clients send their key as api_key, not as a header.
  open311 = request(context.app);
  integratorKey = await keyFor(context.store, 'integrator');
  viewerKey = await keyFor(context.store, 'viewer');
  await seedHalves(context);
  const addresses = await context.api.post('/api/addresses/import').type('text/csv').send(`address,lon,lat\n"${ADDRESS}",114.307,30.503`);
  expect(addresses.status, JSON.stringify(addresses.body)).toBe(200);
});

describe('discovery and services', () => {
  it('describes the endpoint with an absolute URL from the request', async () => {
    const response = await context.api.get('/open311/v2/discovery.json');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ changeset: expect.any(String), contact: expect.any(String), key_service: expect.any(String) });
    expect(response.body.endpoints).toEqual([
      {
        specification: 'http://wiki.open311.org/GeoReport_v2',
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/open311\/v2$/),
        changeset: response.body.changeset,
        type: 'production',
        formats: ['application/json'],
      },
    ]);
  });

  it('lists the incident categories as services, in Chinese or English', async () => {
    const zh = await context.api.get('/open311/v2/services.json');
    expect(zh.status).toBe(200);
    expect(zh.body).toHaveLength(9);
    const sanitation = zh.body.find((s: { service_code: string }) => s.service_code === 'sanitation');
    expect(sanitation).toEqual({
      service_code: 'sanitation',
      service_name: '环境卫生',
      description: expect.stringContaining('48'),
      metadata: false,
      type: 'realtime',
      keywords: expect.stringContaining('sanitation'),
      group: expect.any(String),
    });
    const byParam = await context.api.get('/open311/v2/services.json?locale=en');
    expect(byParam.body.find((s: { service_code: string }) => s.service_code === 'sanitation').service_name).toBe('Sanitation');
    const byHeader = await context.api.get('/open311/v2/services.json').set('Accept-Language', 'en-US,en;q=0.9');
    expect(byHeader.body.map((s: { service_name: string }) => s.service_name)).toContain('Sanitation');
    const zhHeader = await context.api.get('/open311/v2/services.json').set('Accept-Language', 'zh-CN,zh;q=0.9,en;q=0.5');
    expect(zhHeader.body.map((s: { service_name: string }) => s.service_name)).toContain('环境卫生');
    expectOpen311Error(await context.api.get('/open311/v2/services.json?locale=fr').set('Accept-Language', 'en'), 400, /locale/);
  });

  it('gives a service definition, 404 for an unknown code and 400 for XML', async () => {
    const definition = await context.api.get('/open311/v2/services/sanitation.json');
    expect(definition.status).toBe(200);
    expect(definition.body).toEqual({ service_code: 'sanitation', attributes: [] });
    expectOpen311Error(await context.api.get('/open311/v2/services/potholes.json').set('Accept-Language', 'en'), 404, /potholes/);
    expectOpen311Error(await context.api.get('/open311/v2/services.xml').set('Accept-Language', 'en'), 400, /JSON/);
    expectOpen311Error(await context.api.get('/open311/v2/services/sanitation.xml').set('Accept-Language', 'en'), 400, /JSON/);
    expectOpen311Error(await context.api.get('/open311/v2/nothing.json').set('Accept-Language', 'en'), 404);
  });
});

describe('filing and following a request', () => {
  let id: string;

  it('files a form-encoded request in the grid at its point, with the category deadline', async () => {
    const before = await incidentCount();
    const response = await open311
      .post('/open311/v2/requests.json')
      .type('form')
      .send({ api_key: integratorKey, service_code: 'sanitation', lat: '30.505', long: '114.302', description: '垃圾堆积', first_name: '张', last_name: '三' });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body).toEqual([{ service_request_id: expect.stringMatching(/^\d+$/), service_notice: '', account_id: null }]);
    id = response.body[0].service_request_id;
    expect(await incidentCount()).toBe(before + 1);

    const shown = await context.api.get(`/open311/v2/requests/${id}.json`);
    expect(shown.status).toBe(200);
    expect(shown.body).toHaveLength(1);
    const [req] = shown.body;
    expect(req).toMatchObject({
      service_request_id: id,
      status: 'open',
      status_notes: null,
      service_name: '环境卫生',
      service_code: 'sanitation',
      description: '垃圾堆积',
      agency_responsible: WEST,
      service_notice: '',
      address: null,
      address_id: null,
      zipcode: null,
      media_url: null,
    });
    expect(req.lat).toBeCloseTo(30.505, 9);
    expect(req.long).toBeCloseTo(114.302, 9);
    expect(Date.parse(req.expected_datetime) - Date.parse(req.requested_datetime)).toBe(48 * HOUR);
    expect(Date.parse(req.updated_datetime)).toBe(Date.parse(req.requested_datetime));

    // The incident behind it: a hotline report by 张三, filed by the open311 actor.
    const incident = await context.api.get(`/api/incidents/${id}`);
    expect(incident.body).toMatchObject({ source: 'hotline', reporter: '张三', category: 'sanitation', gridCode: WEST, status: 'reported' });
    expect(incident.body.transitions[0]).toMatchObject({ to: 'reported', actor: 'open311:test integrator' });

    const english = await context.api.get(`/open311/v2/requests/${id}.json?locale=en`);
    expect(english.body[0].service_name).toBe('Sanitation');
  });

  it('is closed, with the resolution note, once the JSON API resolves it', async () => {
    for (const [to, note] of [['dispatched', '派给网格员'], ['in_progress', null], ['resolved', '已清理']]) {
      const response = await context.api.post(`/api/incidents/${id}/transition`).send({ to, note });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      const [req] = (await context.api.get(`/open311/v2/requests/${id}.json`)).body;
      expect([req.status, req.status_notes]).toEqual([to === 'resolved' ? 'closed' : 'open', note]);
    }
    const [req] = (await context.api.get(`/open311/v2/requests/${id}.json`)).body;
    expect(req).toMatchObject({ status: 'closed', status_notes: '已清理' });
    expect(Date.parse(req.updated_datetime)).toBeGreaterThanOrEqual(Date.parse(req.requested_datetime));
  });

  it('names the region it was escalated to as the agency responsible', async () => {
    const other = await file({ service_code: 'dispute', lat: '30.506', long: '114.303', phone: '13800138000', email: 'ls@example.cn', first_name: 'Li', last_name: 'Si' });
    expect((await context.api.get(`/api/incidents/${other}`)).body.reporter).toBe('Li Si (13800138000, ls@example.cn)');
    const escalated = await context.api.post(`/api/incidents/${other}/escalate`).send({ note: '需社区协调' });
    expect(escalated.status, JSON.stringify(escalated.body)).toBe(200);
    const [req] = (await context.api.get(`/open311/v2/requests/${other}.json`)).body;
    expect(req).toMatchObject({ agency_responsible: A, status: 'open', status_notes: '需社区协调' });
  });

  it('accepts JSON, places an address_string by geocoding it, and links media absolutely', async () => {
    const json = await open311.post('/open311/v2/requests.json').send({ api_key: integratorKey, service_code: 'hazard', lat: 30.507, long: 114.308 });
    expect(json.status, JSON.stringify(json.body)).toBe(201);
    const [hazard] = (await context.api.get(`/open311/v2/requests/${json.body[0].service_request_id}.json`)).body;
    expect(hazard).toMatchObject({ service_code: 'hazard', agency_responsible: EAST, description: null });

    const byAddress = await file({ service_code: 'facility', address_string: ADDRESS, description: '路灯不亮' });
    const [facility] = (await context.api.get(`/open311/v2/requests/${byAddress}.json`)).body;
    expect(facility).toMatchObject({ agency_responsible: EAST, address: ADDRESS, description: '路灯不亮' });
    expect(facility.long).toBeCloseTo(114.307, 6);
    expect(facility.lat).toBeCloseTo(30.503, 6);

    // An incident with a snapshot (as a camera event leaves one): media_url is absolute.
    const db = context.store.db;
    const media = await db
      .insertInto('media')
      .values({ content_type: 'image/jpeg', bytes: Buffer.from([0xff, 0xd8]), thumb: Buffer.from([0]), width: 1, height: 1, sha256: 'x' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.updateTable('incidents').set({ media_id: Number(media.id) }).where('id', '=', Number(byAddress)).execute();
    const [withMedia] = (await context.api.get(`/open311/v2/requests/${byAddress}.json`)).body;
    expect(withMedia.media_url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/api/media/${media.id}$`));
  });
});

describe('GET requests.json', () => {
  const now = Date.now();
  let old: string;
  let recent: string;

  beforeAll(async () => {
    old = await fileAt(new Date(now - 100 * DAY), { service_code: 'flood', lat: '30.501', long: '114.301', description: '积水' });
    recent = await fileAt(new Date(now - 10 * DAY), { service_code: 'traffic', lat: '30.502', long: '114.306' });
  });

  it('lists the last 90 days by default, newest first, filtered by service_code', async () => {
    const all = await requests({});
    const times = all.map((r) => Date.parse(r.requested_datetime));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(all.map((r) => r.service_request_id)).toContain(recent);
    expect(all.map((r) => r.service_request_id)).not.toContain(old);
    expect(await requests({ service_code: 'flood' })).toEqual([]);
    const some = await requests({ service_code: 'traffic,sanitation' });
    expect(new Set(some.map((r) => r.service_code))).toEqual(new Set(['traffic', 'sanitation']));
    expect(some[some.length - 1].service_request_id).toBe(recent);
  });

  it('filters by status open or closed', async () => {
    const closed = await requests({ status: 'closed' });
    expect(closed.map((r) => [r.service_code, r.status])).toEqual([['sanitation', 'closed']]);
    const open = await requests({ status: 'open' });
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((r) => r.status === 'open')).toBe(true);
    expect((await requests({ status: 'open,closed' })).length).toBe(open.length + closed.length);
  });

  it('filters by start_date and end_date (inclusive, at most 90 days apart)', async () => {
    const iso = (t: number) => new Date(t).toISOString();
    const window = await requests({ start_date: iso(now - 120 * DAY), end_date: iso(now - 95 * DAY) });
    expect(window.map((r) => r.service_request_id)).toEqual([old]);
    const [oldRequest] = window;
    expect(await requests({ start_date: oldRequest.requested_datetime, end_date: oldRequest.requested_datetime })).toHaveLength(1);
    expect(await requests({ end_date: iso(now - 99 * DAY) })).toHaveLength(1);
    const since = await requests({ start_date: iso(now - 11 * DAY), service_code: 'traffic,flood' });
    expect(since.map((r) => r.service_request_id)).toEqual([recent]);
    expect(await requests({ start_date: iso(now - 11 * DAY), end_date: iso(now - 9 * DAY) })).toHaveLength(1);

    expectOpen311Error(await context.api.get('/open311/v2/requests.json').set('Accept-Language', 'en').query({ start_date: iso(now - 200 * DAY), end_date: iso(now) }), 400, /90 days/);
    expectOpen311Error(await context.api.get('/open311/v2/requests.json').set('Accept-Language', 'en').query({ start_date: iso(now), end_date: iso(now - DAY) }), 400, /after/);
    expectOpen311Error(await context.api.get('/open311/v2/requests.json').set('Accept-Language', 'en').query({ start_date: 'yesterday' }), 400, /start_date/);
    expectOpen311Error(await context.api.get('/open311/v2/requests.json').set('Accept-Language', 'en').query({ status: 'pending' }), 400, /status/);
    expectOpen311Error(await context.api.get('/open311/v2/requests.json').set('Accept-Language', 'en').query({ service_code: 'potholes' }), 404, /potholes/);
  });

  it('looks requests up by service_request_id, which overrides the other arguments', async () => {
    const found = await requests({ service_request_id: `${old},${recent},999999`, status: 'closed' });
    expect(found.map((r) => r.service_request_id)).toEqual([recent, old]);
    expectOpen311Error(await context.api.get('/open311/v2/requests.json').set('Accept-Language', 'en').query({ service_request_id: '1,x' }), 400, /"x"/);
    expectOpen311Error(await context.api.get('/open311/v2/requests/999999.json').set('Accept-Language', 'en'), 404, /999999/);
    expectOpen311Error(await context.api.get('/open311/v2/requests/abc.json').set('Accept-Language', 'en'), 400, /abc/);
    expectOpen311Error(await context.api.get(`/open311/v2/requests/${old}.xml`).set('Accept-Language', 'en'), 400, /JSON/);
  });
});

describe('bad requests', () => {
  it('answers bad input with 4xx in Open311 format and creates nothing', async () => {
    const before = await incidentCount();
    const good = { api_key: integratorKey, service_code: 'sanitation', lat: '30.505', long: '114.302' };
    const { api_key: _key, ...noKey } = good;
    const { service_code: _code, ...noCode } = good;
    const cases: [string, Record<string, string>, number, RegExp][] = [
      ['missing api_key', noKey, 401, /API key/],
      ['empty api_key', { ...good, api_key: '' }, 401, /API key/],
      ['unknown api_key', { ...good, api_key: 'gg_not-a-key-anybody-made-0000000000' }, 401, /unknown or has been revoked/],
      ['a viewer’s api_key', { ...good, api_key: viewerKey }, 403, /may not open311/],
      ['missing service_code', noCode, 400, /service_code/],
      ['unknown service_code', { ...good, service_code: 'potholes' }, 404, /potholes/],
      ['lat "abc"', { ...good, lat: 'abc' }, 400, /lat must be a decimal number/],
      ['long "0x1e"', { ...good, long: '0x1e' }, 400, /long must be a decimal number/],
      ['swapped lat/long', { ...good, lat: '114.302', long: '30.505' }, 400, /swapped/],
      ['lat without long', { api_key: integratorKey, service_code: 'sanitation', lat: '30.505' }, 400, /together/],
      ['no location', { api_key: integratorKey, service_code: 'sanitation', description: '无位置' }, 400, /location/],
      ['outside every grid', { ...good, long: '114.315' }, 400, /No grid contains.*nearest grid/],
      ['outside China', { ...good, lat: '48.85', long: '2.35' }, 400, /outside China/],
      ['3000-char description', { ...good, description: '垃'.repeat(3000) }, 400, /description has 3000 characters/],
      ['unknown address', { api_key: integratorKey, service_code: 'sanitation', address_string: '北京市朝阳区不存在路1号' }, 400, /not in the registry/],
      ['long first_name', { ...good, first_name: '张'.repeat(51) }, 400, /first_name/],
    ];
    for (const [what, fields, status, description] of cases) {
      const response = await open311.post('/open311/v2/requests.json').set('Accept-Language', 'en').type('form').send(fields);
      expect([what, response.status], JSON.stringify(response.body)).toEqual([what, status]);
      expectOpen311Error(response, status, description);
    }
    expectOpen311Error(await open311.post('/open311/v2/requests.xml').set('Accept-Language', 'en').type('form').send(good), 400, /JSON/);
    expectOpen311Error(await open311.post('/open311/v2/requests.json').set('Accept-Language', 'en').set('Authorization', `Bearer ${integratorKey}`).send([good]), 400, /object/);
    expectOpen311Error(await open311.post('/open311/v2/requests.json').set('Accept-Language', 'en').send({ ...good, lat: true }), 400, /lat must be/);
    expectOpen311Error(await open311.post('/open311/v2/requests.json').set('Accept-Language', 'en').set('Authorization', `Bearer ${integratorKey}`).field('service_code', 'sanitation'), 415, /form-urlencoded/);
    expectOpen311Error(await open311.post('/open311/v2/requests.json').set('Accept-Language', 'en').type('form').send(`api_key=${integratorKey}&service_code=sanitation&service_code=fire&lat=30.505&long=114.302`), 400, /service_code must be given once/);
    // In Chinese by default, or as GeoReport v2's own locale asks; the code is the HTTP status either way.
    const chinese = await open311.post('/open311/v2/requests.json').type('form').send({ ...good, lat: 'abc' });
    expect(chinese.body).toEqual([{ code: 400, description: 'lat 须为 WGS84 度数的十进制数，收到“abc”' }]);
    const byLocale = await open311.post('/open311/v2/requests.json?locale=en').set('Accept-Language', 'zh-CN').type('form').send({ ...good, lat: 'abc' });
    expect(byLocale.body[0].description).toMatch(/^lat must be a decimal number/);
    expect(await incidentCount()).toBe(before);
  });
});

describe('Open311 errors from the body parser', () => {
  it('answers malformed JSON in Open311 error format', async () => {
    const response = await open311.post('/open311/v2/requests.json').type('json').send('{"api_key": ');
    expect(response.status).toBe(400);
    expect(response.body).toEqual([{ code: 400, description: expect.stringMatching(/JSON/) }]);
  });
});
