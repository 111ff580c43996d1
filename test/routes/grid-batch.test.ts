import { beforeAll, describe, expect, it } from 'vitest';
import { useTestService } from '../support/context.js';
import { box, gridFeature, seedHalves, tableCounts, tree } from '../support/fixtures.js';

const context = useTestService({ editBatch: 6 });
const A = tree.villageA.code;
const B = tree.villageB.code;
let west: string;
let east: string;

beforeAll(async () => {
  ({ west, east } = await seedHalves(context));
});

interface Grid {
  properties: { code: string; version: number; name: string; households: number | null; kind: string; op?: string };
  geometry: { coordinates: number[][][][] };
}

const grid = async (code: string): Promise<Grid> => (await context.api.get(`/api/grids/${code}`)).body;
const version = async (code: string) => (await grid(code)).properties.version;
const batch = (body: unknown) => context.api.post('/api/grids/batch').set('X-Actor', encodeURIComponent('规划员 李')).send(body as object);

/** Everything a refused batch must leave as it was: row counts and every live grid. */
async function snapshot() {
  return { counts: await tableCounts(context), grids: (await context.api.get('/api/grids')).body };
}

describe('POST /api/grids/batch', () => {
  it('moves a shared border and creates a grid in one go, answering one feature per change', async () => {
    const [w, e] = [await version(west), await version(east)];
    // The east grid takes area first in the list: the batch is checked as a whole, so order does not matter.
    const response = await batch({
      reason: '调整边界',
      changes: [
        { op: 'update', code: east, version: e, geometry: box(114.304, 30.5, 114.31, 30.51), properties: { households: 420 } },
        { op: 'update', code: west, version: w, geometry: box(114.3, 30.5, 114.304, 30.51) },
        { op: 'create', feature: gridFeature(B, '关南第1网格', box(114.31, 30.5, 114.315, 30.51), { households: 350 }) },
      ],
    });
    expect(response.status, JSON.stringify(response.body).slice(0, 400)).toBe(200);
    const [updatedEast, updatedWest, created] = response.body.features as Grid[];
    expect(updatedEast.properties).toMatchObject({ code: east, version: e + 1, households: 420, name: '东网格', kind: 'urban' });
    expect(updatedWest.properties).toMatchObject({ code: west, version: w + 1, name: '西网格' });
    expect(created.properties).toMatchObject({ code: `${B}001`, version: 1, households: 350 });
    expect((await grid(east)).properties.households).toBe(420);
    const history = (await context.api.get(`/api/grids/${west}/history`)).body.features;
    expect(history[0].properties).toMatchObject({ op: 'update', reason: '调整边界', updatedBy: '规划员 李' });
  });

  it('refuses the whole batch with 412 naming every stale code, and changes nothing', async () => {
    const [w, e] = [await version(west), await version(east)];
    const before = await snapshot();
    const response = await batch({
      changes: [
        { op: 'update', code: west, version: w - 1, properties: { name: '西网格改' } },
        { op: 'update', code: east, version: e + 5, properties: { name: '东网格改' } },
        { op: 'create', feature: gridFeature(B, '关南第2网格', box(114.315, 30.5, 114.32, 30.51)) },
      ],
    });
    expect(response.status).toBe(412);
    expect(response.body.error.code).toBe('stale_version');
    expect(response.body.error.message).toContain(west);
    expect(response.body.error.message).toContain(east);
    expect(response.body.error.details.stale).toEqual([
      { index: 0, code: west, expectedVersion: w - 1, currentVersion: w, retired: false },
      { index: 1, code: east, expectedVersion: e + 5, currentVersion: e, retired: false },
    ]);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses an overlap the batch creates (422, by change index) and changes nothing', async () => {
    const [w, e] = [await version(west), await version(east)];
    const before = await snapshot();
    // The west grid grows into the east one, which keeps its shape; the rename must not be written either.
    const response = await batch({
      changes: [
        { op: 'update', code: east, version: e, properties: { name: '东网格改名' } },
        { op: 'update', code: west, version: w, geometry: box(114.3, 30.5, 114.306, 30.51) },
      ],
    });
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('batch_rejected');
    const errors = response.body.error.details.errors as { index: number; problems: { code: string; details: { otherIndex: number | null } }[] }[];
    expect(errors.map((error) => error.problems[0].code)).toEqual(['overlap']);
    expect(errors[0].index === 1 || errors[0].problems[0].details.otherIndex === 1).toBe(true);
    expect(await snapshot()).toEqual(before);

    // A created grid over a live one is refused the same way.
    const created = await batch({ changes: [{ op: 'create', feature: gridFeature(A, '重叠', box(114.301, 30.501, 114.302, 30.502)) }] });
    expect(created.status).toBe(422);
    expect(created.body.error.details.errors[0]).toMatchObject({ index: 0, problems: [{ code: 'overlap' }] });
    expect(await snapshot()).toEqual(before);
  });

  it('merges (retire + update) atomically: refused, the retired grid stays live; accepted, both happen', async () => {
    const [w, e] = [await version(west), await version(east)];
    const before = await snapshot();
    const whole = box(114.3, 30.5, 114.31, 30.51);
    // Refused: the merged shape reaches outside the village, so the retirement must not stick.
    const tooBig = await batch({
      changes: [
        { op: 'retire', code: east, version: e },
        { op: 'update', code: west, version: w, geometry: box(114.3, 30.5, 114.312, 30.51) },
      ],
    });
    expect(tooBig.status).toBe(422);
    expect(tooBig.body.error.details.errors[0].index).toBe(1);
    expect(tooBig.body.error.details.errors[0].problems.map((p: { code: string }) => p.code)).toContain('outside_region');
    expect(await snapshot()).toEqual(before);
    expect((await context.api.get(`/api/grids/${east}`)).status).toBe(200);

    const merged = await batch({
      reason: '合并',
      changes: [
        { op: 'update', code: west, version: w, geometry: whole, properties: { name: '合并网格', households: 480 } },
        { op: 'retire', code: east, version: e },
      ],
    });
    expect(merged.status, JSON.stringify(merged.body).slice(0, 400)).toBe(200);
    expect(merged.body.features[0].properties).toMatchObject({ code: west, version: w + 1, name: '合并网格', households: 480 });
    expect(merged.body.features[1].properties).toMatchObject({ code: east, version: e + 1, op: 'retire' });
    expect((await context.api.get(`/api/grids/${east}`)).status).toBe(410);
    const coverage = (await context.api.get(`/api/regions/${A}/coverage`)).body;
    expect(coverage.overlaps.features).toHaveLength(0);

    // The retired grid is now stale for anyone still holding it.
    const late = await batch({ changes: [{ op: 'retire', code: east, version: e }] });
    expect(late.status).toBe(412);
    expect(late.body.error.details.stale[0]).toMatchObject({ code: east, retired: true });
  });

  it('answers 404 naming unknown codes and 409 for a kind the number cannot hold', async () => {
    const w = await version(west);
    const before = await snapshot();
    const unknown = await batch({
      changes: [
        { op: 'update', code: west, version: w, properties: { name: '改' } },
        { op: 'retire', code: `${A}777`, version: 1 },
        { op: 'retire', code: `${B}888`, version: 1 },
      ],
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.details.unknown).toEqual([
      { index: 1, code: `${A}777` },
      { index: 2, code: `${B}888` },
    ]);
    const special = await batch({ changes: [{ op: 'update', code: west, version: w, properties: { kind: 'special', specialType: 'school' } }] });
    expect(special.status).toBe(409);
    expect(special.body.error).toMatchObject({ code: 'kind_class_change', details: { index: 0 } });
    const badValue = await batch({ changes: [{ op: 'update', code: west, version: w, properties: { households: -3 } }] });
    expect(badValue.status).toBe(400);
    expect(badValue.body.error.details.errors[0]).toMatchObject({ index: 0, problems: [{ code: 'invalid_property' }] });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses malformed bodies with 400 (every change’s problems) and oversized ones with 413', async () => {
    const w = await version(west);
    const before = await snapshot();
    const cases: [unknown, string][] = [
      [[1, 2], 'invalid_batch'],
      [{ changes: 'all' }, 'invalid_batch'],
      [{ changes: [] }, 'empty_batch'],
      [{ changes: [{ op: 'rename', code: west, version: w }] }, 'invalid_batch'],
      [{ changes: [{ op: 'update', code: 'x', version: 0, properties: {} }] }, 'invalid_batch'],
      [{ changes: [{ op: 'update', code: west, version: w }] }, 'invalid_batch'],
      [{ changes: [{ op: 'update', code: west, version: w, geometry: { type: 'Point', coordinates: [114.3, 30.5] } }] }, 'invalid_batch'],
      [{ changes: [{ op: 'create', feature: { type: 'Feature', properties: { name: 'x' }, geometry: box(114.3, 30.5, 114.301, 30.501) } }] }, 'invalid_batch'],
      [{ changes: [{ op: 'retire', code: west, version: w }, { op: 'update', code: west, version: w, properties: { name: 'y' } }] }, 'invalid_batch'],
      [{ changes: [{ op: 'update', code: west, version: w, properties: { code: `${A}009`, name: 'y' } }] }, 'invalid_batch'],
      [{ reason: 42, changes: [{ op: 'retire', code: west, version: w }] }, 'invalid_parameter'],
    ];
    for (const [body, code] of cases) {
      const response = await batch(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.code, JSON.stringify(body)).toBe(code);
    }
    const two = await batch({ changes: [{ op: 'rename' }, { op: 'update', code: 'x', version: 1, properties: {} }] });
    expect(two.body.error.details.errors.map((e: { index: number }) => e.index)).toEqual([0, 1]);
    const duplicate = await batch({ changes: [{ op: 'retire', code: west, version: w }, { op: 'retire', code: west, version: w }] });
    expect(duplicate.body.error.details.errors[0]).toMatchObject({ index: 1, problems: [{ code: 'duplicate_code' }] });

    const tooMany = await batch({ changes: Array.from({ length: 7 }, () => ({ op: 'retire', code: west, version: w })) });
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.error.code).toBe('batch_too_large');
    expect((await context.api.post('/api/grids/batch').set('Content-Type', 'text/plain').send('x')).status).toBe(415);
    expect(await snapshot()).toEqual(before);
  });
});
