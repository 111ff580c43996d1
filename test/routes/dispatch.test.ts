/**
 * Dispatch to a person (分流交办) and worker keys: a new incident goes to its grid's full-time
 * worker (then the leader), dispatching may reassign within the incident's grid or the regions
 * above it, escalation hands it to the next level's staff, each step records who acted; a
 * worker key sees and acts on its own grids only.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { sql } from 'kysely';
import { keyFor, signedAs, useTestService } from '../support/context.js';
import { gridFeature, otherTownship, seedHalves, seedOtherTownship, tree } from '../support/fixtures.js';

const context = useTestService();
const A = tree.villageA.code;
let WEST = '';
let EAST = '';
let GRID_OTHER = '';
const OTHER_VILLAGE = otherTownship.village.code;
const staff = { westWorker: 0, westSecond: 0, leader: 0, villageLeader: 0, other: 0 };
let workerKey = '';

const report = (lon: number, extra: Record<string, unknown> = {}) => context.api.post('/api/incidents').send({ category: 'sanitation', source: 'hotline', lon, lat: 30.505, ...extra });
const westPoint = 114.302;
const eastPoint = 114.308;

async function makeStaff(body: Record<string, unknown>): Promise<number> {
  const response = await context.api.post('/api/staff').send(body);
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.id;
}

async function counts() {
  const { rows } = await sql<{ incidents: number; steps: number; media: number; keys: number }>`
    SELECT (SELECT count(*) FROM incidents)::int AS incidents, (SELECT count(*) FROM incident_transitions)::int AS steps,
           (SELECT count(*) FROM media)::int AS media, (SELECT count(*) FROM api_keys)::int AS keys`.execute(context.store.db);
  return rows[0];
}

beforeAll(async () => {
  ({ west: WEST, east: EAST } = await seedHalves(context));
  await seedOtherTownship(context);
  const other = await context.api.post('/api/grids').send(gridFeature(OTHER_VILLAGE, '花山一', otherTownship.village.geometry));
  GRID_OTHER = other.body.properties.code;
  staff.westWorker = await makeStaff({ name: '西网格员', phone: '13800000001', duty: 'fulltime', gridCodes: [WEST] });
  staff.leader = await makeStaff({ name: '网格长', phone: '13800000002', duty: 'leader', gridCodes: [WEST, EAST] });
  staff.villageLeader = await makeStaff({ name: '社区网格长', phone: '13800000003', duty: 'leader', regionCode: A, gridCodes: [] });
  staff.other = await makeStaff({ name: '花山网格员', phone: '13800000004', duty: 'fulltime', gridCodes: [GRID_OTHER] });
});

describe('assignment', () => {
  it('gives a new incident to its grid’s full-time worker, else the leader', async () => {
    const west = await report(westPoint);
    expect(west.status, JSON.stringify(west.body)).toBe(201);
    expect(west.body.assignee).toEqual({ staffId: staff.westWorker, name: '西网格员', duty: 'fulltime' });
    const east = await report(eastPoint);
    expect(east.body.assignee).toEqual({ staffId: staff.leader, name: '网格长', duty: 'leader' });
    const steps = (await context.api.get(`/api/incidents/${west.body.id}`)).body.transitions;
    expect(steps[0]).toMatchObject({ to: 'reported', assignee: { staffId: staff.westWorker, name: '西网格员', duty: 'fulltime' } });
  });

  it('shares a grid’s cases between its full-time workers, fewest open first', async () => {
    staff.westSecond = await makeStaff({ name: '西网格员二', duty: 'fulltime', gridCodes: [WEST] });
    const next = await report(westPoint);
    // The first worker has an open case already: the second takes this one.
    expect(next.body.assignee.staffId).toBe(staff.westSecond);
    const third = await report(westPoint);
    expect([staff.westWorker, staff.westSecond]).toContain(third.body.assignee.staffId);
  });

  it('assigns the incidents a device feed opens', async () => {
    expect((await context.api.post('/api/devices').send({ id: 'cam-west', kind: 'camera', name: '西口', lon: westPoint, lat: 30.505, heading: 90 })).status).toBe(201);
    const fed = await context.api.post('/api/feeds/events').send({ events: [{ deviceId: 'cam-west', eventId: 'e1', type: 'garbage', occurredAt: new Date().toISOString(), severity: 3 }] });
    expect(fed.status).toBe(200);
    const id = fed.body.results[0].incidentId;
    const incident = (await context.api.get(`/api/incidents/${id}`)).body;
    expect([staff.westWorker, staff.westSecond]).toContain(incident.assignee.staffId);
  });

  it('lets a dispatch reassign within the incident’s grid or the regions above it, and nowhere else', async () => {
    const incident = (await report(westPoint)).body;
    const before = await counts();
    const elsewhere = await context.api.post(`/api/incidents/${incident.id}/transition`).send({ to: 'dispatched', assignee: staff.other });
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.body.error.code).toBe('assignee_not_here');
    expect((await context.api.post(`/api/incidents/${incident.id}/transition`).send({ to: 'dispatched', assignee: 999999 })).status).toBe(422);
    expect((await context.api.post(`/api/incidents/${incident.id}/transition`).send({ to: 'dispatched', assignee: 'x' })).status).toBe(400);
    expect(await counts()).toEqual(before);

    const dispatched = await context.api.post(`/api/incidents/${incident.id}/transition`).set('X-Actor', encodeURIComponent('调度员 刘')).send({ to: 'dispatched', assignee: staff.leader, note: '派网格长' });
    expect(dispatched.status, JSON.stringify(dispatched.body)).toBe(200);
    expect(dispatched.body.assignee).toEqual({ staffId: staff.leader, name: '网格长', duty: 'leader' });
    // The village's 网格长 serves every grid of the village.
    const toVillage = await context.api.post(`/api/incidents/${(await report(westPoint)).body.id}/transition`).send({ to: 'dispatched', assignee: staff.villageLeader });
    expect(toVillage.status).toBe(200);
    const moved = await context.api.post(`/api/incidents/${incident.id}/transition`).send({ to: 'in_progress', assignee: staff.westWorker });
    expect(moved.status).toBe(422);
    expect(moved.body.error.code).toBe('assignee_only_on_dispatch');
    const steps = (await context.api.get(`/api/incidents/${incident.id}`)).body.transitions;
    expect(steps.at(-1)).toMatchObject({ to: 'dispatched', actor: '调度员 刘', assignee: { staffId: staff.leader }, note: '派网格长' });
  });

  it('hands an escalated incident to the next level’s staff where there are some', async () => {
    const incident = (await report(westPoint)).body;
    const village = await context.api.post(`/api/incidents/${incident.id}/escalate`).send({ note: '需社区协调' });
    expect(village.status).toBe(200);
    expect(village.body.handlingLevel).toBe('village');
    expect(village.body.assignee.staffId).toBe(staff.villageLeader);
    // Nobody at the township: the case stays with the village's leader.
    const township = await context.api.post(`/api/incidents/${incident.id}/escalate`).send({});
    expect(township.body.handlingLevel).toBe('township');
    expect(township.body.assignee.staffId).toBe(staff.villageLeader);
    const townshipStaff = await makeStaff({ name: '街道网格管理员', duty: 'fulltime', regionCode: tree.street.code, gridCodes: [] });
    const again = (await report(westPoint)).body;
    await context.api.post(`/api/incidents/${again.id}/escalate`).send({});
    const up = await context.api.post(`/api/incidents/${again.id}/escalate`).send({});
    expect(up.body.assignee.staffId).toBe(townshipStaff);
  });

  it('lists a person’s incidents with ?assignee=', async () => {
    const mine = await context.api.get(`/api/incidents?assignee=${staff.leader}`);
    expect(mine.status).toBe(200);
    expect(mine.body.total).toBeGreaterThan(0);
    expect(mine.body.incidents.every((i: { assignee: { staffId: number } }) => i.assignee.staffId === staff.leader)).toBe(true);
    expect((await context.api.get('/api/incidents?assignee=abc')).status).toBe(400);
  });
});

describe('worker keys', () => {
  beforeAll(async () => {
    const made = await context.api.post('/api/keys').send({ name: '西网格员的手机', role: 'worker', staffId: staff.westWorker });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body).toMatchObject({ role: 'worker', staffId: staff.westWorker, regionCode: null });
    workerKey = made.body.key;
  });

  it('are made for a staff member only, within the admin’s area', async () => {
    const townshipAdmin = signedAs(context.app, await keyFor(context.store, 'admin', tree.street.code));
    const before = await counts();
    expect((await context.api.post('/api/keys').send({ name: 'x', role: 'worker' })).status).toBe(400);
    expect((await context.api.post('/api/keys').send({ name: 'x', role: 'viewer', staffId: staff.westWorker })).status).toBe(400);
    expect((await context.api.post('/api/keys').send({ name: 'x', role: 'worker', staffId: 999999 })).status).toBe(404);
    // A staff member of another region: not this admin's to hand a key to.
    expect((await townshipAdmin.post('/api/keys').send({ name: 'x', role: 'worker', staffId: staff.other })).status).toBe(403);
    expect(await counts()).toEqual(before);
    const own = await townshipAdmin.post('/api/keys').send({ name: '网格长的手机', role: 'worker', staffId: staff.leader });
    expect(own.status).toBe(201);
    expect((await townshipAdmin.get('/api/keys')).body.keys.map((k: { id: string }) => k.id)).toContain(own.body.id);
    expect((await townshipAdmin.delete(`/api/keys/${own.body.id}`)).status).toBe(200);
  });

  it('see their own grid’s incidents, and get 403 on another grid’s', async () => {
    const as = signedAs(context.app, workerKey);
    const east = (await report(eastPoint)).body;
    const west = (await report(westPoint)).body;
    const list = await as.get('/api/incidents?limit=1000');
    expect(list.status).toBe(200);
    expect(list.body.total).toBeGreaterThan(0);
    expect(list.body.incidents.every((i: { gridCode: string }) => i.gridCode === WEST)).toBe(true);
    expect((await as.get(`/api/incidents?grid=${EAST}`)).body.total).toBe(0);
    expect((await as.get(`/api/incidents/${west.id}`)).status).toBe(200);
    const refused = await as.get(`/api/incidents/${east.id}`);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('out_of_scope');
    expect((await as.post(`/api/incidents/${east.id}/transition`).send({ to: 'dispatched' })).status).toBe(403);
    expect((await as.get(`/api/incidents?assignee=me`)).body.incidents.every((i: { assignee: { staffId: number } }) => i.assignee.staffId === staff.westWorker)).toBe(true);
    // Lists narrowed to its grid wherever incidents are read.
    const heat = await as.get('/api/heatmap?bbox=114.29,30.49,114.46,30.52&zoom=14');
    expect(heat.body.total).toBe(list.body.total);
    const ogc = await as.get('/ogc/collections/incidents/items?limit=1000');
    expect(ogc.body.features.every((f: { properties: { gridCode: string } }) => f.properties.gridCode === WEST)).toBe(true);
    expect((await as.get(`/api/stats?region=${A}`)).status).toBe(403);
    expect((await as.get('/api/devices')).status).toBe(403);
    expect((await as.get('/api/staff')).body.staff.map((s: { name: string }) => s.name).sort()).toEqual(['西网格员', '西网格员二', '网格长'].sort());
  });

  it('report as their staff member in their own grid, and act with each step recorded', async () => {
    const as = signedAs(context.app, workerKey);
    const before = await counts();
    expect((await as.post('/api/incidents').send({ category: 'sanitation', lon: eastPoint, lat: 30.505 })).status).toBe(403);
    expect(await counts()).toEqual(before);
    const mine = await as.post('/api/incidents').send({ category: 'hazard', lon: westPoint, lat: 30.505, description: '井盖松动' });
    expect(mine.status, JSON.stringify(mine.body)).toBe(201);
    expect(mine.body).toMatchObject({ source: 'worker', reporter: '西网格员', reporterStaffId: staff.westWorker, gridCode: WEST });
    const handled = await as.post(`/api/incidents/${mine.body.id}/transition`).send({ to: 'dispatched', assignee: staff.westWorker });
    expect(handled.status).toBe(200);
    // A worker takes cases; handing them to others is the command centre's.
    expect((await as.post(`/api/incidents/${mine.body.id}/transition`).send({ to: 'in_progress', assignee: staff.leader })).status).toBe(403);
    const started = await as.post(`/api/incidents/${mine.body.id}/transition`).send({ to: 'in_progress', note: '已到场', publicNote: '工作人员已到场处理' });
    expect(started.status).toBe(200);
    const steps = (await as.get(`/api/incidents/${mine.body.id}`)).body.transitions;
    expect(steps.map((s: { to: string; actorStaffId: number }) => `${s.to}:${s.actorStaffId}`)).toEqual([`reported:${staff.westWorker}`, `dispatched:${staff.westWorker}`, `in_progress:${staff.westWorker}`]);
    expect(steps.at(-1)).toMatchObject({ note: '已到场', publicNote: '工作人员已到场处理', actor: '西网格员的手机' });
  });

  it('stop when their staff member is removed, whose open cases go to the next in line', async () => {
    const temp = await makeStaff({ name: '临时网格员', duty: 'fulltime', gridCodes: [EAST] });
    const key = (await context.api.post('/api/keys').send({ name: '临时', role: 'worker', staffId: temp })).body.key;
    const incident = (await report(eastPoint)).body;
    expect(incident.assignee.staffId).toBe(temp);
    expect((await signedAs(context.app, key).get('/api/incidents')).status).toBe(200);
    expect((await context.api.delete(`/api/staff/${temp}`).set('If-Match', '"1"')).status).toBe(200);
    expect((await request(context.app).get('/api/incidents').set('Authorization', `Bearer ${key}`)).status).toBe(401);
    const after = (await context.api.get(`/api/incidents/${incident.id}`)).body;
    expect(after.assignee.staffId).toBe(staff.leader);
    expect(after.transitions.at(-1)).toMatchObject({ assignee: { staffId: staff.leader } });
  });
});
