/**
 * Who may call what: every endpoint of the policy table against every role, then scope (a key
 * of one area touching another), device keys, revocation, public grids, keys and the audit log.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { keyFor, signedAs, useTestService } from '../support/context.js';
import { box, gridFeature, regionFeature, seedTree, tableCounts, tree } from '../support/fixtures.js';
import { createApp } from '../../server/app.js';
import { defaultLimits } from '../../server/config.js';
import { POLICY, type PolicyRow } from '../../server/http/access-policy.js';
import { ROLES, roleAllows, type Role } from '../../server/access/roles.js';
import { sql } from 'kysely';

const context = useTestService();
const A = tree.villageA.code;
/** A second township of the county, with one village: the "other area" of the scope tests. */
const otherTownship = { code: '420111003000', geometry: box(114.41, 30.49, 114.45, 30.52) };
const otherVillage = { code: '420111003001', geometry: box(114.41, 30.5, 114.42, 30.51) };

const ids = { gridA: '', gridOther: '', incidentA: 0, incidentOther: 0, mediaA: 0 };
const keys = {} as Record<Role, string>;

beforeAll(async () => {
  await seedTree(context);
  for (const feature of [
    regionFeature(otherTownship.code, '花山街道', 'township', tree.county.code, otherTownship.geometry),
    regionFeature(otherVillage.code, '花山村', 'village', otherTownship.code, otherVillage.geometry),
  ]) {
    expect((await context.api.post('/api/regions').send(feature)).status).toBe(201);
  }
  const grids = await context.api.post('/api/grids/import').send({
    type: 'FeatureCollection',
    features: [gridFeature(A, '甲', tree.villageA.geometry, { households: 400 }), gridFeature(otherVillage.code, '花山一', otherVillage.geometry, { households: 350 })],
  });
  expect(grids.status, JSON.stringify(grids.body)).toBe(201);
  [ids.gridA, ids.gridOther] = grids.body.features.map((f: { properties: { code: string } }) => f.properties.code);
  for (const [id, lon] of [['cam-a', 114.305], ['cam-other', 114.415]] as const) {
    expect((await context.api.post('/api/devices').send({ id, kind: 'camera', name: id, lon, lat: 30.505, heading: 90, fov: 60, rangeM: 100 })).status).toBe(201);
  }
  const report = async (lon: number) => (await context.api.post('/api/incidents').send({ category: 'sanitation', source: 'worker', lon, lat: 30.505 })).body.id as number;
  ids.incidentA = await report(114.305);
  ids.incidentOther = await report(114.415);
  // A worker key is always scoped, to its staff member's places: here a county-level staff member,
  // so that the matrix meets role refusals only (scope is tested below and in dispatch.test.ts).
  const countyStaff = await context.api.post('/api/staff').send({ name: '县网格巡查员', duty: 'fulltime', regionCode: tree.county.code, gridCodes: [] });
  expect(countyStaff.status, JSON.stringify(countyStaff.body)).toBe(201);
  for (const role of ROLES) keys[role] = await keyFor(context.store, role, null, role === 'device' ? ['cam-a'] : undefined, role === 'worker' ? countyStaff.body.id : undefined);
});

/** A concrete URL for a policy row: its parameters filled with things that exist. */
function concrete(row: PolicyRow): string {
  return row.path
    .replace('*', '')
    .replace(':code', row.path.startsWith('/api/grids') ? ids.gridA : A)
    // Writes to an incident name one that does not exist: an allowed role gets 404, changing nothing.
    .replace(':id', row.path.startsWith('/api/incidents') ? (row.method === 'POST' ? '999999' : String(ids.incidentA)) : row.path.startsWith('/api/devices') ? 'cam-a' : row.path.startsWith('/api/keys') ? 'k_000000000000' : row.path.startsWith('/open311') ? String(ids.incidentA) : '1')
    .replace(':collection', 'grids');
}

/**
 * What the endpoint answers a caller: the request carries a body no endpoint accepts ({}), so
 * an allowed write is refused by validation (4xx, not 401/403) and changes nothing.
 */
async function call(row: PolicyRow, key: string | undefined) {
  const agent = request(context.app);
  const url = concrete(row);
  let pending = row.method === 'GET' ? agent.get(url) : row.method === 'POST' ? agent.post(url).send({}) : row.method === 'PUT' ? agent.put(url).send({}) : agent.delete(url);
  if (key) pending = pending.set('Authorization', `Bearer ${key}`);
  // The event stream never ends by itself: its headers are enough.
  if (row.path === '/api/events/stream') pending = pending.timeout({ response: 5000, deadline: 2000 }).ok(() => true);
  try {
    return await pending;
  } catch (error) {
    const status = (error as { timeout?: number; response?: { status: number } }).timeout ? 200 : ((error as { response?: { status: number } }).response?.status ?? 0);
    return { status, body: {} };
  }
}

describe('every endpoint against every role', () => {
  it('lets a role through exactly when it holds the permission, and refuses the rest with 403 (401 without a key)', async () => {
    const before = await tableCounts(context);
    const mismatches: string[] = [];
    for (const row of POLICY) {
      for (const role of ROLES) {
        const response = await call(row, keys[role]);
        const allowed = row.needs === 'public' || roleAllows(role, row.needs);
        // A scope refusal (out_of_scope) is not a role refusal: the role let the request through,
        // and the worker key's area (its grids) then refused an id outside it, as ids are refused.
        const refused = response.status === 401 || (response.status === 403 && response.body?.error?.code !== 'out_of_scope');
        if (allowed === refused) mismatches.push(`${role} ${row.method} ${row.path} → ${response.status} ${JSON.stringify(response.body).slice(0, 120)}`);
      }
      const anonymous = await call(row, undefined);
      if (row.needs !== 'public' && anonymous.status !== 401) mismatches.push(`anonymous ${row.method} ${row.path} → ${anonymous.status}`);
    }
    expect(mismatches).toEqual([]);
    expect(await tableCounts(context)).toEqual(before);
  }, 240_000);

  it('refuses an endpoint missing from the policy table rather than letting it through', async () => {
    const response = await request(context.app).get('/api/grids/x/y/z').set('Authorization', `Bearer ${keys.admin}`);
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('no_such_endpoint');
  });

  it('takes ?access_token= on reads (what EventSource, <img> and tiles can send), never on writes', async () => {
    expect((await request(context.app).get(`/api/grids?access_token=${keys.viewer}`)).status).toBe(200);
    const write = await request(context.app).post(`/api/grids?access_token=${keys.admin}`).send({});
    expect(write.status).toBe(401);
  });

  it('answers 401 for an unknown key and 400 for a malformed Authorization header', async () => {
    const unknown = await request(context.app).get('/api/grids').set('Authorization', 'Bearer gg_nobody-made-this-key-000000000000000000000');
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('invalid_key');
    expect(unknown.headers['www-authenticate']).toMatch(/Bearer/);
    const malformed = await request(context.app).get('/api/grids').set('Authorization', 'Basic dXNlcjpwYXNz');
    expect(malformed.status).toBe(400);
  });
});

describe('scope: a key of one area', () => {
  let planner: string;
  let dispatcher: string;
  let viewer: string;

  beforeAll(async () => {
    planner = await keyFor(context.store, 'planner', tree.street.code);
    dispatcher = await keyFor(context.store, 'dispatcher', tree.street.code);
    viewer = await keyFor(context.store, 'viewer', A);
  });

  it('lets a township planner edit its own grids and refuses another township’s with 403, changing nothing', async () => {
    const as = signedAs(context.app, planner);
    const other = await context.api.get(`/api/grids/${ids.gridOther}`);
    const moved = { ...other.body, properties: { ...other.body.properties, name: '越权修改' } };
    const refused = await as.put(`/api/grids/${ids.gridOther}`).set('If-Match', other.headers.etag).send(moved);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('out_of_scope');
    const after = await context.api.get(`/api/grids/${ids.gridOther}`);
    expect(after.headers.etag).toBe(other.headers.etag);
    expect(after.body.properties.name).toBe('花山一');
    expect((await as.delete(`/api/grids/${ids.gridOther}`).set('If-Match', other.headers.etag)).status).toBe(403);
    expect((await as.post('/api/grids').send(gridFeature(otherVillage.code, '越权新网格', box(114.411, 30.501, 114.412, 30.502)))).status).toBe(403);

    const own = await context.api.get(`/api/grids/${ids.gridA}`);
    const renamed = await as.put(`/api/grids/${ids.gridA}`).set('If-Match', own.headers.etag).send({ ...own.body, properties: { ...own.body.properties, name: '甲（改）' } });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    // Grid geometry is not secret: a scoped key reads any grid.
    expect((await as.get(`/api/grids/${ids.gridOther}`)).status).toBe(200);
  });

  it('shows a dispatcher the incidents of its area only and refuses the others', async () => {
    const as = signedAs(context.app, dispatcher);
    const list = await as.get('/api/incidents');
    expect(list.status).toBe(200);
    expect(list.body.incidents.map((i: { id: number }) => i.id)).toEqual([ids.incidentA]);
    // Asking for the whole county is narrowed to the key's township.
    expect((await as.get(`/api/incidents?region=${tree.county.code}`)).body.total).toBe(1);
    expect((await as.get(`/api/incidents?region=${otherTownship.code}`)).status).toBe(403);
    // By id, another area's incident and an id never issued get the same answer: ids reveal nothing.
    const hidden = await as.get(`/api/incidents/${ids.incidentOther}`);
    const neverIssued = await as.get('/api/incidents/999999');
    expect(hidden.status).toBe(403);
    expect(neverIssued.status).toBe(403);
    expect(hidden.body.error.code).toBe('out_of_scope');
    expect(hidden.body.error.code).toBe(neverIssued.body.error.code);
    expect(hidden.body.error.message.replace(String(ids.incidentOther), 'N')).toBe(neverIssued.body.error.message.replace('999999', 'N'));
    // A key of the whole tree still learns that an id names nothing.
    expect((await context.api.get('/api/incidents/999999')).status).toBe(404);
    const transition = await as.post(`/api/incidents/${ids.incidentOther}/transition`).send({ to: 'dispatched' });
    expect(transition.status).toBe(403);
    expect((await context.api.get(`/api/incidents/${ids.incidentOther}`)).body.status).toBe('reported');
    expect((await as.post('/api/incidents').send({ category: 'sanitation', source: 'worker', lon: 114.415, lat: 30.505 })).status).toBe(403);
    expect((await as.post(`/api/incidents/${ids.incidentA}/transition`).send({ to: 'dispatched' })).status).toBe(200);
    expect((await as.get(`/api/stats?region=${otherTownship.code}`)).status).toBe(403);
    // The county's statistics, asked by a township dispatcher (the command centre's first view), are its township's.
    const stats = await as.get(`/api/stats?region=${tree.county.code}`);
    expect(stats.status, JSON.stringify(stats.body)).toBe(200);
    expect(stats.body).toMatchObject({ code: tree.street.code, requested: tree.county.code });
    expect(stats.body.total.incidents).toBe(1);
  });

  it('shows a village viewer its own devices only', async () => {
    const as = signedAs(context.app, viewer);
    const list = await as.get('/api/devices');
    expect(list.body.devices.map((d: { id: string }) => d.id)).toEqual(['cam-a']);
    expect((await as.get('/api/devices/cam-other')).status).toBe(403);
    expect((await as.get('/api/devices/cam-never')).status).toBe(403);
    expect((await as.get('/tiles/devices/10/837/415.mvt')).status).toBe(403);
  });

  it('refuses every write outside its area with 403, by code or by id, and changes nothing', async () => {
    const before = await tableCounts(context);
    const other = otherVillage.code;
    const line = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { kind: 'road', name: '越权路' }, geometry: { type: 'LineString', coordinates: [[114.411, 30.505], [114.419, 30.505]] } }] };
    const building = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { households: 10 }, geometry: box(114.411, 30.501, 114.412, 30.502) }] };
    const cases: [string, () => request.Test][] = [
      ['POST /api/regions (a village under another township)', () => signedAs(context.app, planner).post('/api/regions').send(regionFeature('420111003002', '越权村', 'village', otherTownship.code, box(114.43, 30.5, 114.44, 30.51)))],
      ['PUT buildings of another village', () => signedAs(context.app, planner).put(`/api/regions/${other}/buildings`).send(building)],
      ['PUT lines of another village', () => signedAs(context.app, planner).put(`/api/regions/${other}/lines`).send(line)],
      ['POST /api/grids/import into another village', () => signedAs(context.app, planner).post('/api/grids/import').send({ type: 'FeatureCollection', features: [gridFeature(other, '越权', box(114.411, 30.501, 114.412, 30.502))] })],
      ['POST /api/grids/batch retiring another village’s grid', () => signedAs(context.app, planner).post('/api/grids/batch').send({ changes: [{ op: 'retire', code: ids.gridOther, version: 1 }] })],
      ['POST /api/divisions of another village', () => signedAs(context.app, planner).post('/api/divisions').send({ regionCode: other, minHouseholds: 100, maxHouseholds: 200 })],
      ['POST /api/addresses/import by a scoped key', () => signedAs(context.app, planner).post('/api/addresses/import').set('Content-Type', 'text/csv').send('address,lon,lat\n湖北省武汉市洪山区花山街道花山村1号,114.415,30.505\n')],
      ['POST /api/devices in another township', () => signedAs(context.app, dispatcher).post('/api/devices').send({ id: 'cam-intruder', kind: 'camera', name: 'x', lon: 114.415, lat: 30.505, heading: 0, fov: 60, rangeM: 50 })],
      ['PUT a device into another township', () => signedAs(context.app, dispatcher).put('/api/devices/cam-a').set('If-Match', '"1"').send({ kind: 'camera', name: 'moved', lon: 114.415, lat: 30.505, heading: 0, fov: 60, rangeM: 50 })],
      ['DELETE another township’s device', () => signedAs(context.app, dispatcher).delete('/api/devices/cam-other').set('If-Match', '"1"')],
      ['POST escalate another township’s incident', () => signedAs(context.app, dispatcher).post(`/api/incidents/${ids.incidentOther}/escalate`).send({})],
    ];
    const wrong: string[] = [];
    for (const [what, send] of cases) {
      const response = await send();
      if (response.status !== 403) wrong.push(`${what} → ${response.status} ${JSON.stringify(response.body).slice(0, 160)}`);
    }
    expect(wrong).toEqual([]);
    expect(await tableCounts(context)).toEqual(before);
  });

  it('narrows every listing to its area', async () => {
    const as = signedAs(context.app, dispatcher);
    const mine = String(ids.incidentA);
    const heat = await as.get('/api/heatmap?bbox=114.29,30.49,114.46,30.52&zoom=14');
    expect(heat.status).toBe(200);
    expect(heat.body.total).toBe(1);
    const ogc = await as.get('/ogc/collections/incidents/items');
    expect(ogc.body.features.map((f: { id: string | number }) => String(f.id))).toEqual([mine]);
    const open311 = await as.get('/open311/v2/requests.json');
    expect(open311.body.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([mine]);
    expect((await as.get(`/open311/v2/requests/${ids.incidentOther}.json`)).status).toBe(403);
    const ogcDevices = await signedAs(context.app, viewer).get('/ogc/collections/devices/items');
    expect(ogcDevices.body.features.map((f: { id: string }) => f.id)).toEqual(['cam-a']);
    expect((await signedAs(context.app, viewer).get('/ogc/collections/devices/items/cam-other')).status).toBe(403);
  });

  it('lets a township planner draw a village only within its township, in the API and through files', async () => {
    const as = signedAs(context.app, planner);
    const before = await tableCounts(context);
    // A village code under its own township, drawn over the other township: it would take in that area.
    const elsewhere = await as.post('/api/regions').send(regionFeature('420111002009', '飞地', 'village', tree.street.code, otherVillage.geometry));
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.body.error.code).toBe('outside_parent');
    expect(elsewhere.body.error.message).toContain('超出上级区划');
    expect(elsewhere.body.error.details.areaM2).toBeGreaterThan(1_000_000 * 0.5);
    const file = new Blob([JSON.stringify({ type: 'FeatureCollection', features: [regionFeature('420111002009', '飞地', 'village', tree.street.code, otherVillage.geometry)] })]);
    const imported = await as.post('/api/import').field('kind', 'regions').attach('file', Buffer.from(await file.arrayBuffer()), 'regions.geojson');
    expect(imported.status, JSON.stringify(imported.body)).toBe(422);
    expect(JSON.stringify(imported.body)).toContain('outside_parent');
    expect(await tableCounts(context)).toEqual(before);
    // Along the shared border, digitising slack (here 0.4 m over the township's edge) is accepted.
    const edge = await as.post('/api/regions').send(regionFeature('420111002010', '边界社区', 'village', tree.street.code, box(114.39, 30.45, 114.400004, 30.46)));
    expect(edge.status, JSON.stringify(edge.body)).toBe(201);
  });

  it('holds for addresses, buildings, the cameras of an incident and the catalogue’s extents', async () => {
    // Addresses on both sides; buildings in the other village.
    const imported = await context.api.post('/api/addresses/import').type('application/geo+json').send({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: { type: 'Point', coordinates: [114.305, 30.505] }, properties: { address: '湖北省武汉市洪山区关山街道光谷社区鲁磨路1号' } },
        { type: 'Feature', geometry: { type: 'Point', coordinates: [114.415, 30.505] }, properties: { address: '湖北省武汉市洪山区花山街道花山村鲁磨路2号' } },
      ],
    });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    const building = { type: 'Feature', geometry: box(114.4151, 30.5051, 114.4153, 30.5053), properties: { households: 30 } };
    expect((await context.api.put(`/api/regions/${otherVillage.code}/buildings`).send({ type: 'FeatureCollection', features: [building] })).status).toBe(200);

    const townshipViewer = signedAs(context.app, await keyFor(context.store, 'viewer', tree.street.code));
    const found = await townshipViewer.get('/api/geocode').query({ q: '鲁磨路2号', limit: 5 });
    expect(found.status).toBe(200);
    expect(found.body.candidates.map((c: { address: string }) => c.address).join()).not.toContain('花山');
    expect((await townshipViewer.get('/api/geocode').query({ q: '鲁磨路2号', region: otherVillage.code })).status).toBe(403);
    // Out of the area is 403 whether the code exists or not: a refusal says nothing of what exists.
    expect((await townshipViewer.get('/api/geocode').query({ q: '鲁磨路2号', region: '420111009999' })).status).toBe(403);
    expect((await townshipViewer.get(`/api/regions/${otherVillage.code}/buildings`)).status).toBe(403);
    expect((await townshipViewer.get('/api/regions/420111009999/buildings')).status).toBe(403);
    expect((await townshipViewer.get(`/api/regions/${A}/buildings`)).status).toBe(200);

    // A camera outside the township that sees across its border into one of its grids.
    const border = { code: '420111002011', geometry: box(114.395, 30.52, 114.4, 30.53) };
    expect((await context.api.post('/api/regions').send(regionFeature(border.code, '边界村', 'village', tree.street.code, border.geometry))).status).toBe(201);
    expect((await context.api.post('/api/grids').send(gridFeature(border.code, '边界一', border.geometry, { households: 300 }))).status).toBe(201);
    expect((await context.api.post('/api/devices').send({ id: 'cam-border', kind: 'camera', name: '界外', lon: 114.4025, lat: 30.525, heading: 270, fov: 60, rangeM: 400 })).status).toBe(201);
    const incident = (await context.api.post('/api/incidents').send({ category: 'sanitation', source: 'worker', lon: 114.399, lat: 30.525 })).body.id as number;
    const asAdmin = await context.api.get(`/api/incidents/${incident}/cameras`);
    expect(asAdmin.body.cameras.map((c: { id: string }) => c.id)).toContain('cam-border');
    const asTownship = await signedAs(context.app, dispatcher).get(`/api/incidents/${incident}/cameras`);
    expect(asTownship.status).toBe(200);
    expect(asTownship.body.cameras.map((c: { id: string }) => c.id)).not.toContain('cam-border');

    // The public catalogue: no extent of incidents or devices without a key of the whole tree.
    const keyless = await request(context.app).get('/ogc/collections/incidents');
    const whole = await context.api.get('/ogc/collections/incidents');
    expect(whole.body.extent.temporal).toBeDefined();
    expect(keyless.body.extent.temporal).toBeUndefined();
    expect(keyless.body.extent.spatial.bbox).not.toEqual(whole.body.extent.spatial.bbox);
    expect((await signedAs(context.app, dispatcher).get('/ogc/collections/devices')).body.extent.spatial.bbox).toEqual(keyless.body.extent.spatial.bbox);
  });

  it('never lets a key hand out a wider key than its own', async () => {
    const regionalAdmin = await keyFor(context.store, 'admin', tree.street.code);
    const as = signedAs(context.app, regionalAdmin);
    expect((await as.post('/api/keys').send({ name: '县级', role: 'viewer', regionCode: tree.county.code })).status).toBe(403);
    const narrow = await as.post('/api/keys').send({ name: '社区查看', role: 'viewer' });
    expect(narrow.status).toBe(201);
    expect(narrow.body.regionCode).toBe(tree.street.code); // inherits the admin's area
    expect((await as.get('/api/audit')).status).toBe(403);
  });
});

describe('worker keys', () => {
  it('reach their own grid’s incidents and staff only, and nothing of another grid', async () => {
    const staff = await context.api.post('/api/staff').send({ name: '甲网格员', duty: 'fulltime', gridCodes: [ids.gridA] });
    expect(staff.status).toBe(201);
    const as = signedAs(context.app, await keyFor(context.store, 'worker', null, undefined, staff.body.id));
    expect((await as.get(`/api/incidents/${ids.incidentA}`)).status).toBe(200);
    expect((await as.get(`/api/incidents/${ids.incidentOther}`)).status).toBe(403);
    expect((await as.get('/api/incidents')).body.incidents.map((i: { id: number }) => i.id)).not.toContain(ids.incidentOther);
    expect((await as.get('/ogc/collections/incidents/items')).body.features.map((f: { id: number }) => Number(f.id))).not.toContain(ids.incidentOther);
    expect((await as.get(`/api/grids/${ids.gridOther}/patrol-coverage`)).status).toBe(403);
    expect((await as.get(`/api/grids/${ids.gridOther}/staff`)).status).toBe(403);
    expect((await as.get(`/api/grids/${ids.gridOther}/addresses`)).status).toBe(403);
    expect((await as.get(`/api/regions/${otherVillage.code}/staffing`)).status).toBe(403);
    const before = await tableCounts(context);
    expect((await as.post(`/api/incidents/${ids.incidentOther}/escalate`).send({})).status).toBe(403);
    expect((await as.post('/api/incidents').send({ category: 'sanitation', lon: 114.415, lat: 30.505 })).status).toBe(403);
    expect(await tableCounts(context)).toEqual(before);
  });
});

describe('device keys', () => {
  it('accept events of their own devices only, each refused on its own', async () => {
    const as = signedAs(context.app, keys.device);
    const at = new Date(Date.now() - 60_000).toISOString();
    const response = await as.post('/api/feeds/events').send({
      events: [
        { deviceId: 'cam-a', eventId: 'own-1', type: 'intrusion', occurredAt: at, severity: 2 },
        { deviceId: 'cam-other', eventId: 'theirs-1', type: 'intrusion', occurredAt: at, severity: 2 },
      ],
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const statuses = response.body.results.map((r: { status: string; code?: string }) => r.code ?? r.status);
    expect(statuses[1]).toBe('forbidden_device');
    expect(statuses[0]).not.toBe('forbidden_device');
    expect((await as.get('/api/devices')).status).toBe(403);
  });
});

describe('events and devices stay in their area', () => {
  const at = () => new Date(Date.now() - 60_000).toISOString();
  const codes = (body: { results: { status: string; code?: string }[] }) => body.results.map((r) => r.code ?? r.status);

  it('refuses an event placed beyond the reach of its device, or outside the key’s area, each on its own', async () => {
    const incidentsBefore = await context.store.db.selectFrom('incidents').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    // A whole-tree device key: its camera sees 100 m east of it; the other township is 12 km away.
    const response = await signedAs(context.app, keys.device).post('/api/feeds/events').send({
      events: [
        { deviceId: 'cam-a', eventId: 'reach-near', type: 'intrusion', occurredAt: at(), severity: 2, lon: 114.3055, lat: 30.505 },
        { deviceId: 'cam-a', eventId: 'reach-far', type: 'intrusion', occurredAt: at(), severity: 2, lon: 114.415, lat: 30.505 },
      ],
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(codes(response.body)).toEqual(['accepted', 'beyond_device_reach']);
    // A device key of the township: the same camera, its event placed in the township, and not elsewhere.
    const townshipDevice = await keyFor(context.store, 'device', tree.street.code, ['cam-a', 'cam-other']);
    const scoped = await signedAs(context.app, townshipDevice).post('/api/feeds/events').send({
      events: [
        { deviceId: 'cam-a', eventId: 'scope-own', type: 'intrusion', occurredAt: at(), severity: 2 },
        { deviceId: 'cam-other', eventId: 'scope-other', type: 'intrusion', occurredAt: at(), severity: 2 },
      ],
    });
    expect(codes(scoped.body)).toEqual(['accepted', 'out_of_scope']);
    // An admin of the township sends events of its own area's devices only.
    const townshipAdmin = await keyFor(context.store, 'admin', tree.street.code);
    const admin = await signedAs(context.app, townshipAdmin).post('/api/feeds/events').send({
      events: [{ deviceId: 'cam-other', eventId: 'admin-other', type: 'intrusion', occurredAt: at(), severity: 2 }],
    });
    expect(codes(admin.body)).toEqual(['out_of_scope']);
    const incidentsAfter = await context.store.db.selectFrom('incidents').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(incidentsAfter.n) - Number(incidentsBefore.n)).toBeLessThanOrEqual(2); // only the two accepted events
    const otherIncident = await context.api.get(`/api/incidents/${ids.incidentOther}`);
    expect(JSON.stringify(otherIncident.body)).not.toMatch(/reach-far|scope-other|admin-other/);
  });

  it('lets an admin of one area make device keys for its own area’s devices only', async () => {
    const townshipAdmin = signedAs(context.app, await keyFor(context.store, 'admin', tree.street.code));
    const own = await townshipAdmin.post('/api/keys').send({ name: '本街道摄像机', role: 'device', deviceIds: ['cam-a'] });
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    const other = await townshipAdmin.post('/api/keys').send({ name: '别处摄像机', role: 'device', deviceIds: ['cam-a', 'cam-other'] });
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('out_of_scope');
    const unknown = await townshipAdmin.post('/api/keys').send({ name: '未登记', role: 'device', deviceIds: ['cam-nowhere'] });
    expect(unknown.status).toBe(422);
  });
});

describe('keys', () => {
  it('are shown once, listed without secrets, and stop working when revoked', async () => {
    const made = await context.api.post('/api/keys').send({ name: '热线接口', role: 'integrator' });
    expect(made.status).toBe(201);
    expect(made.body.key).toMatch(/^gg_/);
    const listed = await context.api.get('/api/keys');
    const entry = listed.body.keys.find((k: { id: string }) => k.id === made.body.id);
    expect(entry).toMatchObject({ name: '热线接口', role: 'integrator' });
    expect(JSON.stringify(listed.body)).not.toContain(made.body.key);
    expect(JSON.stringify(listed.body)).not.toMatch(/hash/);
    const stored = await sql<{ hash: string }>`SELECT hash FROM api_keys WHERE id = ${made.body.id}`.execute(context.store.db);
    expect(stored.rows[0].hash).not.toContain(made.body.key);

    const as = signedAs(context.app, made.body.key);
    expect((await as.get('/api/locate?lon=114.305&lat=30.505')).status).toBe(200);
    expect((await context.api.delete(`/api/keys/${made.body.id}`)).status).toBe(200);
    expect((await as.get('/api/locate?lon=114.305&lat=30.505')).status).toBe(401);
    expect((await context.api.delete(`/api/keys/${made.body.id}`)).status).toBe(404);
    for (const bad of [{}, { name: 'x', role: 'root' }, { name: '', role: 'viewer' }, { name: 'x', role: 'device' }, { name: 'x', role: 'viewer', regionCode: '42' }]) {
      expect((await context.api.post('/api/keys').send(bad)).status, JSON.stringify(bad)).toBe(400);
    }
    expect((await context.api.post('/api/keys').send({ name: 'x', role: 'viewer', regionCode: '110101000000' })).status).toBe(422);
  });

  it('answer GET /api/me with who the key is', async () => {
    const me = await signedAs(context.app, keys.planner).get('/api/me');
    expect(me.body).toMatchObject({ signedIn: true, role: 'planner', regionCode: null });
    expect(me.body.permissions).toContain('grids:write');
    expect(me.body.permissions).not.toContain('incidents:write');
    expect((await request(context.app).get('/api/me')).body).toEqual({ signedIn: false, permissions: [] });
  });
});

describe('rate limits', () => {
  it('hold an integrator to its rate with 429 and Retry-After, without slowing other keys', async () => {
    const limited = createApp(context.store, defaultLimits, { access: { rateLimits: { integrator: 2, key: 1000, anonymous: 1000, failedKey: 1000 } } });
    const integrator = signedAs(limited, keys.integrator);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await integrator.get('/api/locate?lon=114.305&lat=30.505')).status);
    expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]); // a burst of twice the rate
    expect(statuses).toContain(429);
    const refused = await integrator.get('/api/locate?lon=114.305&lat=30.505');
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await signedAs(limited, keys.viewer).get('/api/locate?lon=114.305&lat=30.505')).status).toBe(200);
  });
});

describe('key guessing', () => {
  it('meets 429 per client address after a few unknown keys, before any lookup, while good keys go on', async () => {
    const limited = createApp(context.store, defaultLimits, { access: { rateLimits: { integrator: 1000, key: 1000, anonymous: 1000, failedKey: 0.01 } } });
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) statuses.push((await request(limited).get('/api/grids').set('Authorization', `Bearer gg_guess${i}${'0'.repeat(40)}`)).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401)); // a burst of ten mistakes
    expect(statuses.slice(10)).toEqual([429, 429, 429, 429]);
    const refused = await request(limited).get('/api/grids').set('Authorization', `Bearer gg_guess${'1'.repeat(40)}`);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // The limit is on failed keys: a request with no key, or another client's, is not held up by it.
    expect((await request(limited).get('/api/health')).status).toBe(200);
  });
});

describe('public grids (GRIDGOV_PUBLIC_GRIDS)', () => {
  it('let anyone read regions and grids, and nothing else', async () => {
    const open = request(createApp(context.store, defaultLimits, { access: { publicGrids: true } }));
    expect((await open.get('/api/grids')).status).toBe(200);
    expect((await open.get(`/api/regions/${A}`)).status).toBe(200);
    expect((await open.get('/api/incidents')).status).toBe(401);
    expect((await open.get('/api/devices')).status).toBe(401);
    expect((await open.post('/api/grids').send({})).status).toBe(401);
    expect((await request(context.app).get('/api/grids')).status).toBe(401);
  });
});

describe('the audit log', () => {
  it('records every write with who, from where, which request, and the versions before and after', async () => {
    const before = await context.api.get(`/api/grids/${ids.gridA}`);
    const edited = await context.api
      .put(`/api/grids/${ids.gridA}`)
      .set('If-Match', before.headers.etag)
      .set('X-Actor', encodeURIComponent('规划员 李'))
      .set('X-Request-Id', 'audit-test-1')
      .send({ ...before.body, properties: { ...before.body.properties, households: 420 } });
    expect(edited.status).toBe(200);
    expect(edited.headers['x-request-id']).toBe('audit-test-1');
    const log = await context.api.get(`/api/audit?entity=grids:${ids.gridA}`);
    expect(log.status).toBe(200);
    const [latest] = log.body.entries;
    expect(latest).toMatchObject({
      actor: '规划员 李',
      role: 'admin',
      requestId: 'audit-test-1',
      method: 'PUT',
      entity: 'grids',
      entityId: ids.gridA,
      op: 'update',
      versionBefore: before.body.properties.version,
      versionAfter: edited.body.properties.version,
    });
    expect(latest.keyId).toMatch(/^k_/);
    expect(latest.ip).toBeTruthy();
  });

  it('records a refused write nowhere, bulk writes once with their row count, and cannot be changed', async () => {
    const count = async () => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log`.execute(context.store.db)).rows[0].n);
    const start = await count();
    expect((await context.api.put(`/api/grids/${ids.gridA}`).set('If-Match', '"1"').send({})).status).toBe(400);
    expect(await count()).toBe(start);

    const at = new Date(Date.now() - 30_000).toISOString();
    const events = Array.from({ length: 5 }, (_, i) => ({ deviceId: 'cam-a', eventId: `audit-${i}`, type: 'intrusion', occurredAt: at, severity: 1 }));
    expect((await context.api.post('/api/feeds/events').send({ events })).status).toBe(200);
    // One entry per statement: the insert of the five events (then the update linking them to their incident).
    const bulk = await context.api.get('/api/audit?entity=device_events&limit=2');
    expect(bulk.body.entries.find((e: { op: string }) => e.op === 'insert')).toMatchObject({ entity: 'device_events', rows: 5, path: '/api/feeds/events' });

    await expect(sql`DELETE FROM audit_log`.execute(context.store.db)).rejects.toThrow(/append-only/);
    await expect(sql`UPDATE audit_log SET actor = 'someone else'`.execute(context.store.db)).rejects.toThrow(/append-only/);
    await expect(sql`TRUNCATE audit_log`.execute(context.store.db)).rejects.toThrow(/append-only/);
  });

  it('filters by actor and time and pages with before', async () => {
    const all = await context.api.get('/api/audit?limit=2');
    expect(all.body.entries).toHaveLength(2);
    const next = await context.api.get(`/api/audit?limit=2&before=${all.body.next}`);
    expect(next.body.entries[0].id).toBeLessThan(all.body.entries[1].id + 1);
    const byActor = await context.api.get(`/api/audit?actor=${encodeURIComponent('规划员 李')}`);
    expect(byActor.body.entries.length).toBeGreaterThan(0);
    expect(byActor.body.entries.every((e: { actor: string }) => e.actor === '规划员 李')).toBe(true);
    const future = await context.api.get(`/api/audit?from=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`);
    expect(future.body.entries).toEqual([]);
    expect((await context.api.get('/api/audit?entity=DROP%20TABLE')).status).toBe(400);
  });
});
