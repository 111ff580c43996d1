/**
 * Cameras and sensors over HTTP: GB/T 28181 ids, field-of-view sectors and their coverage of
 * grids, versions, deletion, listing, and a grid's cameras with its blind spots.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestService } from '../support/context.js';
import { seedHalves, tree } from '../support/fixtures.js';

const context = useTestService();
const A = tree.villageA.code;
const WEST = `${A}001`;
const EAST = `${A}002`;
/** A valid county-level IPC id: center 42011100 (洪山区), industry 00, type 132, network 0. */
const IPC = '42011100001320000001';

beforeAll(async () => {
  await seedHalves(context);
});

async function deviceCount(): Promise<number> {
  const row = await context.store.db.selectFrom('devices').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('cameras', () => {
  it('parses a GB/T 28181 id and shares the sector between the grids it sees', async () => {
    // On the shared border, looking north with a 90° view: half in each grid.
    const response = await context.api
      .post('/api/devices')
      .send({ id: IPC, kind: 'camera', name: '民族大道口', lon: 114.305, lat: 30.504, heightM: 6, heading: 0, fov: 90, rangeM: 100 });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.headers.etag).toBe('"1"');
    const camera = response.body;
    expect(camera).toMatchObject({ id: IPC, kind: 'camera', idScheme: 'gb28181', gridCode: WEST, version: 1 });
    expect(camera.gb28181).toMatchObject({ regionCode: '420111000000', typeCode: '132', isCamera: true });
    expect(camera.sector.type).toBe('Polygon');
    const shares = Object.fromEntries(camera.coverage.map((c: { gridCode: string; share: number }) => [c.gridCode, c.share]));
    expect(shares[WEST]).toBeCloseTo(0.5, 2);
    expect(shares[EAST]).toBeCloseTo(0.5, 2);
  });

  it('refuses malformed GB/T 28181 ids with the reason, and allows other ids', async () => {
    const before = await deviceCount();
    const base = { kind: 'camera', name: 'x', lon: 114.302, lat: 30.505, heading: 90 };
    for (const [id, idScheme, reason] of [
      ['42011100001990000001', undefined, /type/], // unknown type 199
      ['99011100001320000001', undefined, /province/],
      ['42011100001329000001', undefined, /network|reserved/], // network digit 9 is reserved
      ['4201110000132000000', 'gb28181', /20 digits/],
      ['42011100001180000001', undefined, /not a camera/], // an NVR registered as a camera
      ['摄像头1', undefined, /letters, digits/],
      [42, undefined, /letters, digits/],
    ] as const) {
      const response = await context.api.post('/api/devices').set('Accept-Language', 'en').send({ ...base, id, idScheme });
      expect(response.status, String(id)).toBe(400);
      expect(response.body.error.code).toBe('invalid_device_id');
      expect(response.body.error.message, String(id)).toMatch(reason);
    }
    expect(await deviceCount()).toBe(before);
    const free = await context.api.post('/api/devices').send({ ...base, id: 'hik-ds2cd-0042' });
    expect(free.status).toBe(201);
    expect(free.body.idScheme).toBeNull();
  });

  it('refuses other bad devices', async () => {
    const before = await deviceCount();
    const base = { id: 'cam-bad', kind: 'camera', name: 'x', lon: 114.302, lat: 30.505, heading: 90 };
    for (const [patch, code] of [
      [{ kind: 'drone' }, 'invalid_property'],
      [{ name: '' }, 'invalid_property'],
      [{ heading: undefined }, 'invalid_property'],
      [{ fov: 0 }, 'invalid_property'],
      [{ rangeM: 1e9 }, 'invalid_property'],
      [{ lon: 30.505, lat: 114.302 }, 'swapped_coordinates'],
      [{ lon: Number.NaN }, 'invalid_coordinates'],
      [{ crs: 'utm' }, 'invalid_crs'],
      [{ kind: 'sensor', sensorType: 'ufo' }, 'invalid_property'],
    ] as const) {
      const response = await context.api.post('/api/devices').send({ ...base, ...patch });
      expect([response.status, response.body.error?.code], JSON.stringify(patch)).toEqual([400, code]);
    }
    expect(await deviceCount()).toBe(before);
    const again = await context.api.post('/api/devices').send({ id: IPC, kind: 'camera', name: 'dup', lon: 114.302, lat: 30.505, heading: 0 });
    expect(again.status).toBe(409);
  });

  it('updates with If-Match, refuses stale or missing versions, and deletes', async () => {
    const current = (await context.api.get(`/api/devices/${IPC}`)).body;
    const moved = { ...current, heading: 90, lon: 114.306, lat: 30.504 };
    expect((await context.api.put(`/api/devices/${IPC}`).send(moved)).status).toBe(428);
    const ok = await context.api.put(`/api/devices/${IPC}`).set('If-Match', '"1"').send(moved);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ version: 2, heading: 90, gridCode: EAST });
    expect(ok.body.coverage).toEqual([{ gridCode: EAST, share: 1 }]);
    expect((await context.api.put(`/api/devices/${IPC}`).set('If-Match', '"1"').send(moved)).status).toBe(412);
    expect((await context.api.put(`/api/devices/${IPC}`).set('If-Match', '"2"').send({ ...moved, id: 'other' })).status).toBe(400);

    await context.api.post('/api/devices').send({ id: 'to-delete', kind: 'sensor', name: '烟感', sensorType: 'smoke', lon: 114.301, lat: 30.501 });
    expect((await context.api.delete('/api/devices/to-delete').set('If-Match', '*')).status).toBe(204);
    expect((await context.api.get('/api/devices/to-delete')).status).toBe(410);
    expect((await context.api.get('/api/devices/never-was')).status).toBe(404);
  });
});

describe('listing and grid coverage', () => {
  it('lists by kind, grid, region and bbox', async () => {
    await context.api.post('/api/devices').send({ id: 'smoke-1', kind: 'sensor', name: '烟感1', sensorType: 'smoke', lon: 114.307, lat: 30.507 });
    const ids = async (query: string) => (await context.api.get(`/api/devices?${query}`)).body.devices.map((d: { id: string }) => d.id);
    expect(await ids('kind=sensor')).toEqual(['smoke-1']);
    expect(await ids(`grid=${EAST}`)).toEqual(expect.arrayContaining([IPC, 'smoke-1']));
    expect(await ids(`grid=${WEST}`)).not.toContain('smoke-1');
    expect(await ids(`region=${tree.villageB.code}`)).toEqual([]);
    expect(await ids(`region=${tree.street.code}`)).toEqual(expect.arrayContaining([IPC, 'smoke-1', 'hik-ds2cd-0042']));
    expect(await ids('bbox=114.3065,30.5065,114.3075,30.5075')).toEqual(['smoke-1']);
    expect((await context.api.get('/api/devices?kind=drone')).status).toBe(400);
  });

  it("gives a grid's cameras, the share they see and the blind spots", async () => {
    // A PTZ camera in the middle of the west grid sees a circle of 100 m radius.
    await context.api.post('/api/devices').send({ id: 'ptz-1', kind: 'camera', name: '球机', ptz: true, rangeM: 100, lon: 114.3025, lat: 30.505 });
    const response = await context.api.get(`/api/grids/${WEST}/cameras`);
    expect(response.status).toBe(200);
    expect(response.body.cameras.map((c: { id: string }) => c.id)).toContain('ptz-1');
    // The grid is ≈ 480 m × 1,110 m; the circle π·100² ≈ 31,400 m² of ≈ 533,000 m².
    expect(response.body.coveredShare).toBeGreaterThan(0.05);
    expect(response.body.coveredShare).toBeLessThan(0.08);
    expect(response.body.blindSpots.type).toBe('MultiPolygon');
    expect((await context.api.get(`/api/grids/${A}999/cameras`)).status).toBe(404);
  });
});
