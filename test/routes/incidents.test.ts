/**
 * Incidents over HTTP: reporting at a point or an address, deadlines and lights on a clock the
 * test moves, the closed loop (every legal transition and an illegal one), escalation up the
 * region tree, filters, and the cameras that see an incident.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import sharp from 'sharp';
import { signedAs, useTestService } from '../support/context.js';
import { seedHalves, tree } from '../support/fixtures.js';
import { createApp } from '../../server/app.js';
import { defaultLimits } from '../../server/config.js';
import { defaultIncidentRules } from '../../server/incidents/rules.js';
import { fromWgs84 } from '../../server/geo/crs.js';

const context = useTestService();
const A = tree.villageA.code;
const WEST = `${A}001`;
const EAST = `${A}002`;
const HOUR = 3_600_000;
let now = new Date('2026-05-01T08:00:00Z');
const clock = { now: () => new Date(now) };
let api: ReturnType<typeof request>;

async function incidentCount(): Promise<number> {
  const row = await context.store.db.selectFrom('incidents').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function report(body: Record<string, unknown>) {
  const response = await api.post('/api/incidents').send({ category: 'sanitation', source: 'worker', lon: 114.302, lat: 30.505, ...body });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}

beforeAll(async () => {
  await seedHalves(context);
  api = signedAs(createApp(context.store, defaultLimits, { clock }), context.adminKey);
});

describe('POST /api/incidents', () => {
  it('snaps to the grid, sets the category deadline and starts green', async () => {
    const incident = await report({ description: '垃圾堆积', reporter: '张三' });
    expect(incident).toMatchObject({ gridCode: WEST, status: 'reported', light: 'green', handlingLevel: 'grid', handlingRegion: A, category: 'sanitation' });
    const hours = defaultIncidentRules.categories.find((c) => c.code === 'sanitation')!.deadlineHours;
    expect(Date.parse(incident.deadlineAt) - Date.parse(incident.reportedAt)).toBe(hours * HOUR);
    expect(incident.reportedAt).toBe(now.toISOString());
  });

  it('takes GCJ-02 points and addresses', async () => {
    const [x, y] = fromWgs84(114.307, 30.505, 'gcj02');
    expect((await report({ lon: x, lat: y, crs: 'gcj02' })).gridCode).toBe(EAST);
    const imported = await context.api.post('/api/addresses/import').type('text/csv').send('address,lon,lat\n湖北省武汉市洪山区民族大道12号,114.308,30.503\n');
    expect(imported.status).toBe(200);
    const byAddress = await report({ lon: undefined, lat: undefined, address: '民族大道十二号' });
    expect(byAddress).toMatchObject({ gridCode: EAST, address: '民族大道十二号' });
    expect(byAddress.lon).toBeCloseTo(114.308, 9);
  });

  it('refuses bad reports with a 4xx and creates nothing', async () => {
    const before = await incidentCount();
    const cases: [Record<string, unknown>, number, string][] = [
      [{ category: undefined }, 400, 'invalid_property'],
      [{ category: 'alien_landing' }, 422, 'unknown_category'],
      [{ source: 'pigeon' }, 400, 'invalid_property'],
      [{ lon: 30.505, lat: 114.302 }, 400, 'swapped_coordinates'],
      [{ lon: '114.302' }, 400, 'invalid_coordinates'],
      [{ lon: 114.35, lat: 30.45 }, 422, 'not_in_any_grid'],
      [{ address: '民族大道12号' }, 400, 'invalid_location'],
      [{ lon: undefined, lat: undefined }, 400, 'invalid_location'],
      [{ lon: undefined, lat: undefined, address: '' }, 400, 'empty_address'],
      [{ lon: undefined, lat: undefined, address: '火星基地1号' }, 422, 'address_not_found'],
      [{ description: '脏'.repeat(3000) }, 400, 'invalid_property'],
      [{ crs: 'epsg:3857' }, 400, 'invalid_crs'],
    ];
    for (const [body, status, code] of cases) {
      const response = await api.post('/api/incidents').send({ category: 'sanitation', source: 'worker', lon: 114.302, lat: 30.505, ...body });
      expect([response.status, response.body.error?.code], JSON.stringify(body).slice(0, 80)).toEqual([status, code]);
    }
    for (const body of ['[]', 'null', '"x"']) expect((await api.post('/api/incidents').type('json').send(body)).status).toBe(400);
    expect(await incidentCount()).toBe(before);
  });
});

describe('deadlines and lights', () => {
  it('turns yellow in the last 20 % and red when overdue, and a late finish stays red', async () => {
    now = new Date('2026-05-02T00:00:00Z');
    const incident = await report({ category: 'fire' }); // 2 hours
    const light = async () => (await api.get(`/api/incidents/${incident.id}`)).body.light;
    now = new Date(now.getTime() + 95 * 60_000); // 79 % of the time
    expect(await light()).toBe('green');
    now = new Date(now.getTime() + 2 * 60_000); // 81 %
    expect(await light()).toBe('yellow');
    const yellow = await api.get('/api/incidents?light=yellow&category=fire');
    expect(yellow.body.incidents.map((i: { id: number }) => i.id)).toContain(incident.id);
    now = new Date(now.getTime() + 30 * 60_000); // overdue
    expect(await light()).toBe('red');
    for (const to of ['dispatched', 'in_progress', 'resolved']) {
      expect((await api.post(`/api/incidents/${incident.id}/transition`).send({ to })).status).toBe(200);
    }
    now = new Date(now.getTime() + 100 * HOUR);
    expect(await light()).toBe('red');
  });

  it('keeps green for work finished in time, however late it is read', async () => {
    const incident = await report({ category: 'fire' });
    for (const to of ['dispatched', 'in_progress', 'resolved']) await api.post(`/api/incidents/${incident.id}/transition`).send({ to });
    now = new Date(now.getTime() + 10 * HOUR);
    expect((await api.get(`/api/incidents/${incident.id}`)).body.light).toBe('green');
  });
});

describe('the closed loop', () => {
  it('walks every legal transition, keeps who, when and the note, and refuses illegal ones with 409', async () => {
    const incident = await report({});
    const path: [string, string][] = [
      ['dispatched', '派给网格员李四'],
      ['in_progress', '已到场'],
      ['resolved', '已清理'],
      ['reopened', '核查未通过'],
      ['rejected', '重复上报'],
      ['reopened', '并非重复'],
      ['dispatched', '再派'],
      ['rejected', '不属实'],
    ];
    for (const [to, note] of path) {
      const response = await api.post(`/api/incidents/${incident.id}/transition`).set('X-Actor', encodeURIComponent('王五')).send({ to, note });
      expect(response.status, `${to}: ${JSON.stringify(response.body)}`).toBe(200);
      expect(response.body.status).toBe(to);
    }
    const other = await report({});
    for (const to of ['dispatched', 'in_progress', 'resolved', 'closed', 'reopened']) {
      expect((await api.post(`/api/incidents/${other.id}/transition`).send({ to })).status).toBe(200);
    }
    const read = await api.get(`/api/incidents/${incident.id}`);
    expect(read.body.transitions.map((t: { to: string }) => t.to)).toEqual(['reported', ...path.map(([to]) => to)]);
    expect(read.body.transitions[3]).toMatchObject({ from: 'in_progress', to: 'resolved', actor: '王五', note: '已清理', at: now.toISOString() });

    const fresh = await report({});
    const illegal = await api.post(`/api/incidents/${fresh.id}/transition`).send({ to: 'closed' });
    expect(illegal.status).toBe(409);
    expect(illegal.body.error).toMatchObject({ code: 'illegal_transition', details: { status: 'reported', allowed: ['dispatched', 'rejected'] } });
    expect((await api.post(`/api/incidents/${fresh.id}/transition`).send({ to: 'flying' })).status).toBe(400);
    expect((await api.post('/api/incidents/99999999/transition').send({ to: 'dispatched' })).status).toBe(404);
    expect((await api.post('/api/incidents/abc/transition').send({ to: 'dispatched' })).status).toBe(400);
    expect((await api.get(`/api/incidents/${fresh.id}`)).body.transitions).toHaveLength(1);
  });

  it('refuses a stale If-Match with 412, so two dispatchers cannot both move it', async () => {
    const incident = await report({});
    const first = await api.post(`/api/incidents/${incident.id}/transition`).set('If-Match', '"1"').send({ to: 'dispatched' });
    expect(first.status).toBe(200);
    expect(first.headers.etag).toBe('"2"');
    const second = await api.post(`/api/incidents/${incident.id}/transition`).set('If-Match', '"1"').send({ to: 'rejected' });
    expect(second.status).toBe(412);
    expect((await api.get(`/api/incidents/${incident.id}`)).body.status).toBe('dispatched');
  });

  it('escalates grid → village → township → county, then refuses', async () => {
    const incident = await report({});
    const levels = [];
    for (let i = 0; i < 3; i++) {
      const response = await api.post(`/api/incidents/${incident.id}/escalate`).send({ note: '超出网格处置能力' });
      expect(response.status).toBe(200);
      levels.push([response.body.handlingLevel, response.body.handlingRegion]);
    }
    expect(levels).toEqual([
      ['village', A],
      ['township', tree.street.code],
      ['county', tree.county.code],
    ]);
    const top = await api.post(`/api/incidents/${incident.id}/escalate`);
    expect([top.status, top.body.error.code]).toEqual([409, 'top_level']);
    const transitions = (await api.get(`/api/incidents/${incident.id}`)).body.transitions;
    expect(transitions.slice(1).map((t: { fromLevel: string; toLevel: string }) => `${t.fromLevel}→${t.toLevel}`)).toEqual(['grid→village', 'village→township', 'township→county']);
  });
});

describe('a photo with a step', () => {
  it('keeps a JPEG/PNG with the transition or escalation, serves it, and refuses a bad one changing nothing', async () => {
    const png = (await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 80, b: 40 } } }).png().toBuffer()).toString('base64');
    const incident = await report({});
    const dispatched = await api.post(`/api/incidents/${incident.id}/transition`).send({ to: 'dispatched', note: '派网格员', photo: `data:image/png;base64,${png}` });
    expect(dispatched.status, JSON.stringify(dispatched.body)).toBe(200);
    const escalated = await api.post(`/api/incidents/${incident.id}/escalate`).send({ note: '需社区协调', photo: png });
    expect(escalated.status, JSON.stringify(escalated.body)).toBe(200);
    const read = await api.get(`/api/incidents/${incident.id}`);
    const [, dispatch, escalation] = read.body.transitions;
    expect(dispatch).toMatchObject({ to: 'dispatched', note: '派网格员', photo: { url: expect.stringMatching(/^\/api\/media\/\d+$/) } });
    expect(escalation.photo.thumbUrl).toMatch(/size=thumb$/);
    const original = await api.get(dispatch.photo.url);
    expect([original.status, original.headers['content-type']]).toEqual([200, 'image/png']);
    expect((await api.get(escalation.photo.thumbUrl)).headers['content-type']).toBe('image/webp');

    const media = async () => Number((await context.store.db.selectFrom('media').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const before = { media: await media(), transitions: (await api.get(`/api/incidents/${incident.id}`)).body.transitions.length };
    for (const photo of ['not base64 at all!', Buffer.from('plain text, not an image').toString('base64'), 42, `data:image/jpeg;base64,${png}`]) {
      const refused = await api.post(`/api/incidents/${incident.id}/transition`).set('Accept-Language', 'zh-CN').send({ to: 'in_progress', photo });
      expect(refused.status, String(photo).slice(0, 40)).toBe(400);
      expect(refused.body.error.code).toBe('invalid_property');
      expect(refused.body.error.message).toMatch(/照片/);
    }
    const english = await api.post(`/api/incidents/${incident.id}/escalate`).set('Accept-Language', 'en').send({ photo: 'xx' });
    expect([english.status, english.body.error.message]).toEqual([400, expect.stringMatching(/photo/)]);
    expect(await media()).toBe(before.media);
    const after = await api.get(`/api/incidents/${incident.id}`);
    expect([after.body.status, after.body.transitions.length]).toEqual(['dispatched', before.transitions]);
  });
});

describe('GET /api/incidents', () => {
  it('filters by grid, region, status, category, time and bbox, and pages', async () => {
    now = new Date('2026-06-01T00:00:00Z');
    const east = await report({ lon: 114.308, lat: 30.508, category: 'traffic' });
    const all = (await api.get('/api/incidents?limit=1000')).body;
    expect(all.total).toBeGreaterThan(5);
    const byGrid = (await api.get(`/api/incidents?grid=${EAST}`)).body.incidents;
    expect(byGrid.every((i: { gridCode: string }) => i.gridCode === EAST)).toBe(true);
    expect((await api.get(`/api/incidents?region=${tree.villageB.code}`)).body.total).toBe(0);
    expect((await api.get(`/api/incidents?region=${tree.street.code}`)).body.total).toBe(all.total);
    const traffic = (await api.get('/api/incidents?category=traffic&status=reported&from=2026-06-01')).body;
    expect(traffic.incidents.map((i: { id: number }) => i.id)).toEqual([east.id]);
    expect((await api.get('/api/incidents?bbox=114.306,30.507,114.309,30.509')).body.incidents.map((i: { id: number }) => i.id)).toContain(east.id);
    const page = (await api.get('/api/incidents?limit=2&offset=1')).body;
    expect(page.incidents).toHaveLength(2);
    expect(page.incidents[0].id).toBe(all.incidents[1].id);
    for (const query of ['status=lost', 'light=blue', 'category=alien', 'grid=1', 'region=12', 'from=yesterday', 'limit=0', 'bbox=1,2,3', 'sort=random']) {
      expect((await api.get(`/api/incidents?${query}`)).status, query).toBe(400);
    }
  });
});

describe('the work list', () => {
  it('sorts red first, then yellow, then green, each by the nearest deadline (sort=urgency), or by deadline', async () => {
    const start = now;
    // Fire: 2 h; sanitation: 48 h. Reported an hour apart, read 3 h after the first.
    const fire = await report({ category: 'fire' }); // red at +3 h
    now = new Date(start.getTime() + 1 * HOUR);
    const sanitation = await report({ category: 'sanitation' }); // green
    now = new Date(start.getTime() + 1.2 * HOUR);
    const fire2 = await report({ category: 'fire' }); // 1.8 h of 2 h gone at +3 h: yellow
    now = new Date(start.getTime() + 3 * HOUR);
    const ids = [fire.id, sanitation.id, fire2.id];
    const list = async (sort: string) =>
      ((await api.get(`/api/incidents?sort=${sort}&limit=1000`)).body.incidents as { id: number; light: string }[]).filter((i) => ids.includes(i.id));
    expect((await list('urgency')).map((i) => [i.id, i.light])).toEqual([[fire.id, 'red'], [fire2.id, 'yellow'], [sanitation.id, 'green']]);
    expect((await list('deadline')).map((i) => i.id)).toEqual([fire.id, fire2.id, sanitation.id]);
    expect((await list('newest')).map((i) => i.id)).toEqual([fire2.id, sanitation.id, fire.id]);
    now = start;
  });
});

describe('GET /api/incidents/:id/cameras', () => {
  it('lists the cameras whose sector contains the incident, nearest first', async () => {
    const incident = await report({ lon: 114.3025, lat: 30.5055 });
    const camera = (id: string, lon: number, heading: number) =>
      api.post('/api/devices').send({ id, kind: 'camera', name: id, lon, lat: 30.5055, heading, fov: 60, rangeM: 200 });
    expect((await camera('cam-near', 114.3015, 90)).status).toBe(201); // ≈ 96 m west, looking east
    expect((await camera('cam-far', 114.304, 270)).status).toBe(201); // ≈ 144 m east, looking west
    expect((await camera('cam-away', 114.3015, 270)).status).toBe(201); // looking away
    const response = await api.get(`/api/incidents/${incident.id}/cameras`);
    expect(response.status).toBe(200);
    expect(response.body.cameras.map((c: { id: string }) => c.id)).toEqual(['cam-near', 'cam-far']);
    expect(response.body.cameras[0].distanceM).toBeGreaterThan(90);
    expect(response.body.cameras[0].distanceM).toBeLessThan(100);
  });
});
