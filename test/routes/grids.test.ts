import { beforeAll, describe, expect, it } from 'vitest';
import { useTestService } from '../support/context.js';
import { box, gridFeature, seedTree, tableCounts, tree } from '../support/fixtures.js';

const context = useTestService();
const A = tree.villageA.code;

beforeAll(() => seedTree(context));

/** Village A split into a 3 (west→east) × 2 (north→south) lattice, listed in a scrambled order. */
function lattice() {
  const cell = (col: number, row: number) => box(114.3 + col * 0.002, 30.51 - (row + 1) * 0.004, 114.3 + (col + 1) * 0.002, 30.51 - row * 0.004);
  const order: [number, number][] = [[2, 1], [0, 0], [1, 1], [2, 0], [0, 1], [1, 0]];
  return order.map(([col, row]) => gridFeature(A, `网格 c${col} r${row}`, cell(col, row), { households: 300 + col * 10 + row, population: 900 }));
}

describe('grids: create, read, update, retire', () => {
  const codes: Record<string, string> = {};

  it('imports a batch, numbering the grids west→east then north→south', async () => {
    const response = await context.api.post('/api/grids/import').set('X-Actor', encodeURIComponent('规划员 王')).send({ type: 'FeatureCollection', features: lattice(), reason: '首次划分' });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    const names = response.body.features.map((f: { properties: { name: string; code: string } }) => {
      codes[f.properties.name] = f.properties.code;
      return f.properties.name;
    });
    expect(names).toEqual(lattice().map((f) => f.properties.name)); // input order
    expect(codes['网格 c0 r0']).toBe(`${A}001`);
    expect(codes['网格 c1 r0']).toBe(`${A}002`);
    expect(codes['网格 c2 r0']).toBe(`${A}003`);
    expect(codes['网格 c0 r1']).toBe(`${A}004`);
    expect(codes['网格 c2 r1']).toBe(`${A}006`);
    const first = response.body.features[1];
    expect(first.properties).toMatchObject({ version: 1, kind: 'urban', households: 300, population: 900, updatedBy: '规划员 王', regionCode: A });
    expect(first.geometry.type).toBe('MultiPolygon');
  });

  it('reads a grid with its ETag, lists by region subtree and bbox', async () => {
    const code = codes['网格 c0 r0'];
    const one = await context.api.get(`/api/grids/${code}`);
    expect(one.status).toBe(200);
    expect(one.headers.etag).toBe('"1"');
    expect(one.body.geometry.coordinates[0][0]).toContainEqual([114.3, 30.51]);

    for (const region of [A, tree.street.code, tree.county.code]) {
      const all = await context.api.get(`/api/grids?region=${region}`);
      expect(all.body.features).toHaveLength(6);
    }
    expect((await context.api.get(`/api/grids?region=${tree.villageB.code}`)).body.features).toHaveLength(0);
    const west = await context.api.get('/api/grids?bbox=114.3,30.5,114.3015,30.51');
    expect(west.body.features.map((f: { id: string }) => f.id).sort()).toEqual([codes['网格 c0 r0'], codes['网格 c0 r1']].sort());
    expect((await context.api.get('/api/grids?bbox=114.3,30.5,114.3')).status).toBe(400);
    expect((await context.api.get('/api/grids?bbox=30.5,114.3,30.51,114.31')).body.error.code).toBe('swapped_coordinates');
    expect((await context.api.get('/api/grids?region=420111002099')).status).toBe(404);
  });

  it('updates with If-Match: 428 without it, 412 when stale, 200 and the next version when current', async () => {
    const code = codes['网格 c0 r0'];
    const current = (await context.api.get(`/api/grids/${code}`)).body;
    const edited = { ...current, properties: { ...current.properties, name: '网格 c0 r0 改', households: 333 } };

    const missing = await context.api.put(`/api/grids/${code}`).send(edited);
    expect(missing.status).toBe(428);
    const stale = await context.api.put(`/api/grids/${code}`).set('If-Match', '"7"').send(edited);
    expect(stale.status).toBe(412);
    expect(stale.body.error.details.currentVersion).toBe(1);

    const ok = await context.api.put(`/api/grids/${code}`).set('If-Match', '"1"').send({ ...edited, reason: '更正户数' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.headers.etag).toBe('"2"');
    expect(ok.body.properties).toMatchObject({ version: 2, name: '网格 c0 r0 改', households: 333 });

    const again = await context.api.put(`/api/grids/${code}`).set('If-Match', '"1"').send(edited);
    expect(again.status).toBe(412);
    expect((await context.api.get(`/api/grids/${code}`)).body.properties.households).toBe(333);
  });

  it('refuses moving a grid to another village or turning a basic grid special', async () => {
    const code = codes['网格 c1 r0'];
    const current = (await context.api.get(`/api/grids/${code}`)).body;
    const moved = await context.api
      .put(`/api/grids/${code}`)
      .set('If-Match', '"1"')
      .send({ ...current, properties: { ...current.properties, regionCode: tree.villageB.code } });
    expect(moved.status).toBe(409);
    expect(moved.body.error.code).toBe('region_change');
    const special = await context.api
      .put(`/api/grids/${code}`)
      .set('If-Match', '"1"')
      .send({ ...current, properties: { ...current.properties, kind: 'special', specialType: 'school' } });
    expect(special.status).toBe(409);
    const wrongCode = await context.api
      .put(`/api/grids/${code}`)
      .set('If-Match', '"1"')
      .send({ ...current, properties: { ...current.properties, code: `${A}005` } });
    expect(wrongCode.status).toBe(400);
  });

  it('lets exactly one of several concurrent updates win; the others get 412', async () => {
    const code = codes['网格 c1 r1'];
    const current = (await context.api.get(`/api/grids/${code}`)).body;
    const attempts = await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        context.api
          .put(`/api/grids/${code}`)
          .set('If-Match', '"1"')
          .send({ ...current, properties: { ...current.properties, households: 400 + n } }),
      ),
    );
    const statuses = attempts.map((response) => response.status).sort();
    expect(statuses).toEqual([200, 412, 412, 412, 412]);
    const winner = attempts.find((response) => response.status === 200)!;
    const stored = (await context.api.get(`/api/grids/${code}`)).body;
    expect(stored.properties.version).toBe(2);
    expect(stored.properties.households).toBe(winner.body.properties.households);
  });

  it('retires a grid, keeps it in history, and never issues its code again', async () => {
    const code = codes['网格 c2 r1'];
    expect((await context.api.delete(`/api/grids/${code}`)).status).toBe(428);
    const retired = await context.api.delete(`/api/grids/${code}?reason=${encodeURIComponent('并入相邻网格')}`).set('If-Match', '"1"');
    expect(retired.status).toBe(200);
    expect(retired.body.properties).toMatchObject({ op: 'retire', version: 2, reason: '并入相邻网格' });
    expect((await context.api.get(`/api/grids/${code}`)).status).toBe(410);
    expect((await context.api.delete(`/api/grids/${code}`).set('If-Match', '"2"')).status).toBe(410);
    expect((await context.api.get(`/api/grids?region=${A}`)).body.features).toHaveLength(5);

    // The freed area takes a new grid: it gets the next number, not the retired one.
    const replacement = await context.api.post('/api/grids').send(gridFeature(A, '新网格', box(114.304, 30.5, 114.306, 30.506)));
    expect(replacement.status, JSON.stringify(replacement.body)).toBe(201);
    expect(replacement.body.properties.code).toBe(`${A}007`);
    expect(replacement.headers.location).toBe(`/api/grids/${A}007`);
    expect(replacement.headers.etag).toBe('"1"');
  });

  it('numbers special grids from 900', async () => {
    // Village B is empty; a special grid there.
    const school = await context.api
      .post('/api/grids')
      .send(gridFeature(tree.villageB.code, '光谷一小', box(114.311, 30.501, 114.313, 30.503), { kind: 'special', specialType: 'school' }));
    expect(school.status, JSON.stringify(school.body)).toBe(201);
    expect(school.body.properties.code).toBe(`${tree.villageB.code}900`);
    expect(school.body.properties.specialType).toBe('school');
    const basic = await context.api.post('/api/grids').send(gridFeature(tree.villageB.code, '关南一', box(114.314, 30.501, 114.316, 30.503)));
    expect(basic.body.properties.code).toBe(`${tree.villageB.code}001`);
  });

  it('keeps every version: history newest first, and asOf reads the past', async () => {
    const code = codes['网格 c0 r0'];
    const history = await context.api.get(`/api/grids/${code}/history`);
    expect(history.status).toBe(200);
    const versions = history.body.features.map((f: { properties: { version: number; op: string; name: string; updatedBy: string; reason: string | null } }) => f.properties);
    expect(versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(versions[0]).toMatchObject({ op: 'update', name: '网格 c0 r0 改', reason: '更正户数' });
    expect(versions[1]).toMatchObject({ op: 'create', name: '网格 c0 r0', updatedBy: '规划员 王', reason: '首次划分' });

    const createdAt = versions[1].validFrom as string;
    const updatedAt = versions[0].validFrom as string;
    const before = new Date(new Date(updatedAt).getTime() - 1).toISOString();
    const asOfBefore = await context.api.get(`/api/grids/${code}?asOf=${before}`);
    expect(asOfBefore.status).toBe(200);
    expect(asOfBefore.body.properties).toMatchObject({ version: 1, name: '网格 c0 r0' });
    expect(asOfBefore.headers.etag).toBeUndefined();

    const retiredCode = codes['网格 c2 r1'];
    const retiredHistory = (await context.api.get(`/api/grids/${retiredCode}/history`)).body.features;
    const retiredAt = retiredHistory[0].properties.validFrom as string;
    const listBefore = await context.api.get(`/api/grids?region=${A}&asOf=${encodeURIComponent(new Date(new Date(retiredAt).getTime() - 1).toISOString())}`);
    expect(listBefore.body.features.map((f: { id: string }) => f.id)).toContain(retiredCode);
    const listNow = await context.api.get(`/api/grids?region=${A}`);
    expect(listNow.body.features.map((f: { id: string }) => f.id)).not.toContain(retiredCode);

    const beforeAll = new Date(new Date(createdAt).getTime() - 1).toISOString();
    expect((await context.api.get(`/api/grids?region=${A}&asOf=${beforeAll}`)).body.features).toHaveLength(0);
    expect((await context.api.get(`/api/grids/${code}?asOf=${beforeAll}`)).status).toBe(404);
    expect((await context.api.get(`/api/grids/${code}?asOf=yesterday`)).status).toBe(400);
    expect((await context.api.get(`/api/grids/${code}/history`)).status).toBe(200);
    expect((await context.api.get(`/api/grids/${A}999/history`)).status).toBe(404);
  });

  it('answers 404 for unknown grids and 400 for malformed codes', async () => {
    expect((await context.api.get(`/api/grids/${A}555`)).body.error.code).toBe('unknown_grid');
    expect((await context.api.get(`/api/grids/${A}555`)).status).toBe(404);
    expect((await context.api.put(`/api/grids/${A}555`).set('If-Match', '"1"').send(lattice()[0])).status).toBe(404);
    expect((await context.api.get('/api/grids/12345')).status).toBe(400);
  });

  it('leaves the tables untouched after the refused writes above', async () => {
    const counts = await tableCounts(context);
    // 6 imported + 1 replacement + 2 in village B; versions: 9 creates + 2 updates + 1 retire.
    expect(counts).toEqual({ regions: 4, grids: 9, grid_versions: 12, addresses: 0 });
  });
});
