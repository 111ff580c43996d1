/**
 * Every check on a grid write refuses with a 4xx, says why, and writes nothing.
 */
import { beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { useTestService } from '../support/context.js';
import { box, gridFeature, seedTree, tableCounts, tree } from '../support/fixtures.js';

const context = useTestService();
const A = tree.villageA.code;
/** ≈1 m in degrees of latitude / of longitude at 30.5°N. */
const M_LAT = 1 / 111_000;
const M_LON = 1 / 95_900;

let existing: string;
let counts: Record<string, number>;

beforeAll(async () => {
  await seedTree(context);
  const response = await context.api.post('/api/grids').send(gridFeature(A, '已有网格', box(114.3, 30.5, 114.305, 30.505)));
  expect(response.status).toBe(201);
  existing = response.body.properties.code;
});

beforeEach(async () => {
  counts = await tableCounts(context);
});

async function refused(body: unknown, status: number, code: string) {
  const response = await context.api.post('/api/grids').set('Content-Type', 'application/json').send(JSON.stringify(body));
  expect(response.status, JSON.stringify(response.body).slice(0, 500)).toBe(status);
  expect(response.body.error.code).toBe(code);
  return response.body.error;
}

describe('grid writes are checked', () => {
  afterEach(async () => {
    // Only tests that expect success change the counts; they reset `counts` themselves.
    expect(await tableCounts(context)).toEqual(counts);
  });

  it('refuses a self-intersecting polygon with the GEOS reason and point', async () => {
    const bowtie = { type: 'Polygon', coordinates: [[[114.306, 30.506], [114.308, 30.508], [114.308, 30.506], [114.306, 30.508], [114.306, 30.506]]] };
    const error = await refused(gridFeature(A, '蝴蝶', bowtie as never), 422, 'invalid_geometry');
    // GEOS' reason in the reader's words (Chinese by default), with the point it gives.
    expect(error.message).toMatch(/^多边形无效：自相交 \[114\.307\d* 30\.507\d*\]$/);
    const english = await context.api.post('/api/grids?lang=en').send(gridFeature(A, '蝴蝶', bowtie as never));
    expect(english.body.error.message).toMatch(/^Invalid polygon: Self-intersection \[114\.307/);
    expect(error.details.problems[0].details.location.coordinates[0]).toBeCloseTo(114.307, 6);
    expect(error.details.problems[0].details.location.coordinates[1]).toBeCloseTo(30.507, 6);
  });

  it('refuses structural errors: open ring, wrong type, bad properties, not a Feature', async () => {
    const open = { type: 'Polygon', coordinates: [[[114.306, 30.506], [114.308, 30.506], [114.308, 30.508], [114.306, 30.508]]] };
    await refused(gridFeature(A, '开口', open as never), 400, 'invalid_geojson');
    await refused({ type: 'Feature', properties: { regionCode: A, name: 'x', kind: 'urban' }, geometry: { type: 'Point', coordinates: [114.306, 30.506] } }, 400, 'wrong_geometry_type');
    await refused(gridFeature(A, '负户数', box(114.306, 30.506, 114.308, 30.508), { households: -5 }), 400, 'invalid_property');
    await refused(gridFeature(A, '小数户数', box(114.306, 30.506, 114.308, 30.508), { households: 12.5 }), 400, 'invalid_property');
    await refused(gridFeature(A, '字符户数', box(114.306, 30.506, 114.308, 30.508), { households: '300' }), 400, 'invalid_property');
    await refused(gridFeature(A, '错类型', box(114.306, 30.506, 114.308, 30.508), { kind: 'city' }), 400, 'invalid_property');
    await refused(gridFeature(A, '专属无类型', box(114.306, 30.506, 114.308, 30.508), { kind: 'special' }), 400, 'invalid_property');
    await refused(gridFeature(A, '', box(114.306, 30.506, 114.308, 30.508)), 400, 'invalid_property');
    await refused({ type: 'FeatureCollection', features: [] }, 400, 'invalid_geojson');
    await refused('just a string', 400, 'invalid_geojson');
  });

  it('refuses positions outside China, and says when lat/lon look swapped', async () => {
    const swapped = await refused(gridFeature(A, '颠倒', box(30.506, 114.306, 30.508, 114.308)), 400, 'swapped_coordinates');
    expect(swapped.message).toMatch(/看起来是 \[纬度, 经度\]——GeoJSON 的坐标是 \[经度, 纬度\]/);
    await refused(gridFeature(A, '巴黎', box(2.35, 48.85, 2.36, 48.86)), 400, 'outside_china');
    // The example: a point at lat 116, lon 39 given as [39, 116]… as a ring.
    await refused(gridFeature(A, '例', box(39, 116, 39.001, 116.001)), 400, 'swapped_coordinates');
  });

  it('refuses unknown villages and grids on a level other than village', async () => {
    const unknown = await refused(gridFeature('420111002099', '无此社区', box(114.306, 30.506, 114.308, 30.508)), 422, 'unknown_region');
    expect(unknown.details.problems[0].details.regionCode).toBe('420111002099');
    await refused(gridFeature(tree.street.code, '街道级', box(114.306, 30.506, 114.308, 30.508)), 422, 'not_a_village');
  });

  it('refuses a grid reaching outside its village beyond 1 m, returning the outside part', async () => {
    // 5 m past the village's north edge (30.51).
    const error = await refused(gridFeature(A, '越界', box(114.306, 30.506, 114.308, 30.51 + 5 * M_LAT)), 422, 'outside_region');
    const problem = error.details.problems[0];
    expect(problem.details.areaM2).toBeGreaterThan(5 * 190);
    expect(problem.details.areaM2).toBeLessThan(5 * 200);
    expect(problem.details.outside.type).toMatch(/Polygon/);
    // Entirely in the neighbouring village: refused too.
    await refused(gridFeature(A, '邻村', box(114.312, 30.502, 114.314, 30.504)), 422, 'outside_region');
  });

  it('refuses an overlap with a live grid beyond 1 m², naming the grid and the overlap', async () => {
    // 10 m × 10 m into the existing grid's north-east corner.
    const error = await refused(
      gridFeature(A, '重叠', box(114.305 - 10 * M_LON, 30.505 - 10 * M_LAT, 114.307, 30.507)),
      422,
      'overlap',
    );
    const problem = error.details.problems[0];
    expect(problem.details.otherCode).toBe(existing);
    expect(problem.details.areaM2).toBeGreaterThan(95);
    expect(problem.details.areaM2).toBeLessThan(105);
    expect(problem.details.overlap.type).toMatch(/Polygon/);
  });

  it('refuses an import wholesale, listing every bad feature, when some features are bad', async () => {
    const features = [
      gridFeature(A, '好一', box(114.305, 30.505, 114.307, 30.507)),
      gridFeature(A, '自交', { type: 'Polygon', coordinates: [[[114.307, 30.505], [114.309, 30.507], [114.309, 30.505], [114.307, 30.507], [114.307, 30.505]]] }),
      gridFeature(A, '与好一重叠', box(114.306, 30.506, 114.308, 30.508)),
      gridFeature(A, '坏户数', box(114.308, 30.508, 114.309, 30.509), { households: -1 }),
      gridFeature(A, '好二', box(114.309, 30.505, 114.31, 30.506)),
    ];
    const response = await context.api.post('/api/grids/import').send({ type: 'FeatureCollection', features });
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('batch_rejected');
    const errors = response.body.error.details.errors as { index: number; problems: { code: string; details?: { otherIndex?: number } }[] }[];
    expect(errors.map((e) => e.index)).toEqual([1, 2, 3]);
    expect(errors[0].problems[0].code).toBe('invalid_geometry');
    expect(errors[1].problems[0].code).toBe('overlap');
    expect(errors[1].problems[0].details?.otherIndex).toBe(0);
    expect(errors[2].problems[0].code).toBe('invalid_property');
  });

  it('refuses a stale or concurrent geometry edit that would overlap, and a PUT of bad geometry', async () => {
    const current = (await context.api.get(`/api/grids/${existing}`)).body;
    const put = (geometry: unknown) =>
      context.api.put(`/api/grids/${existing}`).set('If-Match', '"1"').send({ ...current, geometry });
    const invalid = await put({ type: 'Polygon', coordinates: [[[114.3, 30.5], [114.305, 30.505], [114.305, 30.5], [114.3, 30.505], [114.3, 30.5]]] });
    expect(invalid.status).toBe(422);
    const outside = await put(box(114.299, 30.5, 114.305, 30.505));
    expect(outside.status).toBe(422);
    expect(outside.body.error.code).toBe('outside_region');
    expect((await context.api.get(`/api/grids/${existing}`)).body.properties.version).toBe(1);
  });
});

describe('tolerances', () => {
  it('accepts a grid within 1 m outside its village and an overlap under 1 m², and its own old shape on update', async () => {
    // 0.5 m past the west edge of the village (114.30).
    const slack = await context.api.post('/api/grids').send(gridFeature(A, '边界误差', box(114.3 - 0.5 * M_LON, 30.505, 114.302, 30.507)));
    expect(slack.status, JSON.stringify(slack.body).slice(0, 300)).toBe(201);
    // 0.5 m × 1 m into the first grid's north-east corner: 0.5 m².
    const sliver = await context.api.post('/api/grids').send(gridFeature(A, '细缝', box(114.305 - 0.5 * M_LON, 30.505 - 1 * M_LAT, 114.306, 30.506)));
    expect(sliver.status, JSON.stringify(sliver.body).slice(0, 300)).toBe(201);

    // Updating a grid does not collide with its own previous shape.
    const current = (await context.api.get(`/api/grids/${existing}`)).body;
    const grown = await context.api
      .put(`/api/grids/${existing}`)
      .set('If-Match', '"1"')
      .send({ ...current, geometry: box(114.3, 30.5, 114.305, 30.5049) });
    expect(grown.status, JSON.stringify(grown.body).slice(0, 300)).toBe(200);
  });
});

describe('concurrent creates', () => {
  it('numbers concurrent creates in one village uniquely, and lets only one of two overlapping grids in', async () => {
    const lane = (i: number) => box(114.3 + i * 0.001, 30.508, 114.3 + (i + 1) * 0.001 - 0.0001, 30.5095);
    const distinct = await Promise.all(
      [0, 1, 2, 3].map((i) => context.api.post('/api/grids').send(gridFeature(A, `并发${i}`, lane(i)))),
    );
    expect(distinct.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    const codes = distinct.map((r) => r.body.properties.code);
    expect(new Set(codes).size).toBe(4);

    const same = box(114.306, 30.508, 114.308, 30.5095);
    const racing = await Promise.all([0, 1].map((i) => context.api.post('/api/grids').send(gridFeature(A, `抢占${i}`, same))));
    expect(racing.map((r) => r.status).sort()).toEqual([201, 422]);
    expect(racing.find((r) => r.status === 422)!.body.error.code).toBe('overlap');
  });
});
