/**
 * Auto-division over HTTP: a job is accepted (202), runs with progress, and its proposal can be
 * applied to the stored village — old grids retired with lineage, new codes, in one transaction.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Polygon } from 'geojson';
import { useTestService } from '../support/context.js';
import { finishedJob } from '../support/jobs.js';
import { gridFeature, regionFeature, seedTree, tableCounts, tree } from '../support/fixtures.js';
import { lonLat, rect, smallTown } from '../support/town.js';

const context = useTestService();
/** A village of its own whose boundary is the small town (600 m × 400 m at 114.3°E 30.5°N). */
const TOWN = '420111002005';

beforeAll(async () => {
  await seedTree(context);
  const town = smallTown();
  const created = await context.api.post('/api/regions').send(regionFeature(TOWN, '示范社区', 'village', tree.street.code, town.boundary));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
});

function request(extra: Record<string, unknown> = {}) {
  const town = smallTown();
  return { regionCode: TOWN, buildings: town.buildings, barriers: town.barriers, specials: town.specials, ...extra };
}

describe('divisions', () => {
  it('runs a job and applies its proposal with lineage and a diff', async () => {
    // Today: two hand-drawn grids, west and east of the major road.
    const west = await context.api.post('/api/grids').send(gridFeature(TOWN, '旧西网格', rect(0, 0, 300, 400)));
    const east = await context.api.post('/api/grids').send(gridFeature(TOWN, '旧东网格', rect(300, 0, 600, 400)));
    expect([west.status, east.status]).toEqual([201, 201]);

    const accepted = await context.api.post('/api/divisions').send(request());
    expect(accepted.status, JSON.stringify(accepted.body).slice(0, 300)).toBe(202);
    expect(accepted.headers.location).toBe(`/api/divisions/${accepted.body.id}`);
    const job = await finishedJob(context, accepted.headers.location);
    expect(job.status).toBe('done');
    expect(job.progress).toBe(1);
    expect(job.proposal.type).toBe('FeatureCollection');
    expect(job.metrics.unassignedHouseholds, JSON.stringify(job.metrics.perGrid)).toBe(0);
    expect(job.metrics.households).toBe(3400);
    expect(job.metrics.withinRangeShare).toBeGreaterThan(0);

    const dry = await context.api.post(`${accepted.headers.location}/apply?dryRun=true`);
    expect(dry.status).toBe(200);
    expect(dry.body.dryRun).toBe(true);
    const moved = dry.body.diff.reduce((sum: number, d: { households: number }) => sum + d.households, 0);
    expect(moved).toBe(3400);
    expect(dry.body.diff.every((d: { from: string }) => [west.body.properties.code, east.body.properties.code].includes(d.from))).toBe(true);
    expect((await context.api.get(`/api/grids?region=${TOWN}`)).body.features).toHaveLength(2);

    const applied = await context.api.post(`${accepted.headers.location}/apply`).set('X-Actor', 'planner');
    expect(applied.status, JSON.stringify(applied.body).slice(0, 500)).toBe(200);
    expect(applied.body.retired.sort()).toEqual([west.body.properties.code, east.body.properties.code].sort());
    expect(applied.body.created).toHaveLength(job.proposal.features.length);
    // New codes continue after the retired ones: 003…, and the school is 900.
    const codes = applied.body.created.map((g: { code: string }) => g.code);
    expect(codes).toContain(`${TOWN}003`);
    expect(codes).toContain(`${TOWN}900`);
    expect(codes).not.toContain(`${TOWN}001`);
    expect(applied.body.lineage.length).toBeGreaterThanOrEqual(codes.length);

    const live = (await context.api.get(`/api/grids?region=${TOWN}`)).body.features;
    expect(live.map((g: { id: string }) => g.id).sort()).toEqual([...codes].sort());
    const coverage = (await context.api.get(`/api/regions/${TOWN}/coverage`)).body;
    expect(coverage.coveredRatio).toBeGreaterThan(0.9999);
    expect(coverage.gaps.features, JSON.stringify(coverage.gaps)).toHaveLength(0);

    const lineage = (await context.api.get(`/api/grids/${west.body.properties.code}/lineage`)).body;
    expect(lineage.replacedBy.length).toBeGreaterThan(0);
    expect((await context.api.get(`/api/grids/${TOWN}899/lineage`)).status).toBe(404);
    expect((await context.api.get(`/api/grids/${west.body.properties.code}`)).status).toBe(410);

    const again = await context.api.post(`${accepted.headers.location}/apply`);
    expect(again.status).toBe(409);
  });

  it('refuses to apply a proposal made before the village changed', async () => {
    const accepted = await context.api.post('/api/divisions').send(request({ maxHouseholds: 450 }));
    expect(accepted.status).toBe(202);
    await finishedJob(context, accepted.headers.location);
    // Someone edits a grid meanwhile.
    const [first] = (await context.api.get(`/api/grids?region=${TOWN}`)).body.features;
    const edited = await context.api
      .put(`/api/grids/${first.id}`)
      .set('If-Match', `"${first.properties.version}"`)
      .send({ ...first, properties: { ...first.properties, name: '改名' } });
    expect(edited.status).toBe(200);
    const before = await tableCounts(context);
    const stale = await context.api.post(`${accepted.headers.location}/apply`);
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('stale_proposal');
    expect(await tableCounts(context)).toEqual(before);
  });

  it('divides an inline boundary, which cannot be applied', async () => {
    const town = smallTown();
    const accepted = await context.api.post('/api/divisions').send({ boundary: town.boundary, buildings: town.buildings });
    expect(accepted.status).toBe(202);
    const job = await finishedJob(context, accepted.headers.location);
    expect(job.status).toBe('done');
    expect((await context.api.post(`${accepted.headers.location}/apply`)).status).toBe(409);
  });

  it('gives its flags in the reader’s language: Chinese by default, English when asked', async () => {
    const town = smallTown();
    // Three buildings: the whole area has fewer households than a grid needs.
    const few = { ...town.buildings, features: town.buildings.features.slice(0, 3) };
    const households = few.features.reduce((sum, f) => sum + Number(f.properties!.households), 0);
    const accepted = await context.api.post('/api/divisions').send({ boundary: town.boundary, buildings: few, barriers: { type: 'FeatureCollection', features: [] } });
    expect(accepted.status, JSON.stringify(accepted.body).slice(0, 300)).toBe(202);
    const job = await finishedJob(context, accepted.headers.location);
    expect(job.status).toBe('done');
    const [grid] = job.proposal.features;
    const number = grid.properties.number;
    expect(grid.properties.flags).toEqual([
      { code: 'below_min', variant: 'whole_area', params: { number, households, min: 300, max: 500 }, message: `第${number}网格仅${households}户：整个区域不足300户` },
    ]);
    const english = await context.api.get(`${accepted.headers.location}?lang=en`);
    expect(english.body.proposal.features[0].properties.flags[0].message).toBe(`Grid ${number}: ${households} households: the whole area has fewer than 300`);
    // Stored as a code, a variant and parameters, put into words only when answered.
    const stored = await context.store.db.selectFrom('divisions').select('proposal').where('id', '=', accepted.body.id).executeTakeFirstOrThrow();
    expect(JSON.parse(stored.proposal!).features[0].properties.flags).toEqual([{ code: 'below_min', variant: 'whole_area', params: { number, households, min: 300, max: 500 } }]);
  });

  it('refuses bad input with a 4xx and creates no job', async () => {
    const town = smallTown();
    const open: Polygon = { type: 'Polygon', coordinates: [town.boundary.coordinates[0].slice(0, 4)] };
    const negative = structuredClone(town.buildings);
    negative.features[0].properties!.households = -1;
    const outside = structuredClone(town.buildings);
    outside.features.push({ type: 'Feature', properties: { households: 10 }, geometry: rect(700, 10, 720, 30) });
    const cases: [Record<string, unknown>, number, string][] = [
      [{ boundary: open, buildings: town.buildings }, 400, 'invalid_geojson'],
      [request({ buildings: negative }), 400, 'invalid_property'],
      [request({ buildings: outside }), 422, 'building_outside_area'],
      [request({ minHouseholds: 600, maxHouseholds: 500 }), 400, 'invalid_parameter'],
      [request({ regionCode: '420111002099' }), 422, 'unknown_region'],
      [request({ regionCode: tree.street.code }), 422, 'not_a_village'],
      [{ buildings: town.buildings }, 400, 'invalid_parameter'],
      [request({ buildings: 'many' }), 400, 'invalid_geojson'],
      [request({ boundary: town.boundary }), 400, 'invalid_parameter'],
    ];
    for (const [body, status, code] of cases) {
      const response = await context.api.post('/api/divisions').send(body);
      expect(response.status, `${code}: ${JSON.stringify(response.body).slice(0, 300)}`).toBe(status);
      expect(response.body.error.code).toBe(code);
    }
    // Each problem in the reader's language, the member it is about named as in the request.
    const chinese = await context.api.post('/api/divisions').send(request({ buildings: negative }));
    expect(chinese.body.error.message).toBe('buildings[0]：属性 properties.households 须为不小于 0 的整数，收到 -1');
    expect(chinese.body.error.details.problems[0].message).toBe(chinese.body.error.message);
    expect((await context.api.get('/api/divisions/no-such-job')).status).toBe(404);
    expect(lonLat(0, 0)).toEqual([114.3, 30.5]);
  });
});

describe('a stored buildings layer', () => {
  it('stores a village’s buildings with households by the footprint rule and divides from it', async () => {
    const fs = await import('node:fs');
    const buildings = JSON.parse(fs.readFileSync(new URL('../fixtures/buildings/kunming_jinjianglu_buildings.geojson', import.meta.url), 'utf8'));
    for (const feature of buildings.features) {
      feature.properties.compound = feature.properties.community || undefined;
      delete feature.properties.households;
    }
    const boundary = { type: 'Polygon', coordinates: [[[102.712, 25.067], [102.727, 25.067], [102.727, 25.079], [102.712, 25.079], [102.712, 25.067]]] };
    // Kunming is outside the test county's box, so a root village of its own.
    expect((await context.api.post('/api/regions').send(regionFeature('530102001001', '金江路示范社区', 'village', null, boundary as never))).status).toBe(201);

    const missing = await context.api.put('/api/regions/530102001001/buildings').send(buildings);
    expect(missing.status).toBe(400); // households neither given nor asked to be estimated
    const stored = await context.api.put('/api/regions/530102001001/buildings?households=footprint').send(buildings);
    expect(stored.status, JSON.stringify(stored.body).slice(0, 300)).toBe(200);
    expect(stored.body).toMatchObject({ buildings: 140, households: 9837 });
    const listed = await context.api.get('/api/regions/530102001001/buildings');
    expect(listed.body.features).toHaveLength(140);

    const accepted = await context.api.post('/api/divisions').send({ regionCode: '530102001001' });
    expect(accepted.status, JSON.stringify(accepted.body).slice(0, 300)).toBe(202);
    const job = await finishedJob(context, accepted.headers.location);
    expect(job.status).toBe('done');
    expect(job.metrics.households).toBe(9837);
    expect(job.metrics.compoundsSplit).toBe(0);

    // Buildings outside the village, or on a street: refused, nothing replaced.
    const far = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { households: 5 }, geometry: { type: 'Point', coordinates: [114.3, 30.5] } }] };
    expect((await context.api.put('/api/regions/530102001001/buildings').send(far)).status).toBe(422);
    expect((await context.api.get('/api/regions/530102001001/buildings')).body.features).toHaveLength(140);
    expect((await context.api.put(`/api/regions/${tree.street.code}/buildings`).send(far)).status).toBe(422);
  });
});

describe('jobs left behind', () => {
  it('are taken over and finished by the next process', async () => {
    const { DivisionRunner } = await import('../../server/jobs/division-runner.js');
    const { insertDivision, getDivision } = await import('../../server/db/divisions.js');
    const town = smallTown();
    // A job acknowledged by a process that then died: queued, owned by someone else, silent.
    await insertDivision(context.store.db, {
      id: 'orphan-1',
      regionCode: null,
      request: JSON.stringify({ boundary: town.boundary, buildings: town.buildings, barriers: town.barriers }),
      owner: 'a-process-that-died',
    });
    await context.store.db.updateTable('divisions').set({ status: 'running', progress: 0.3 }).where('id', '=', 'orphan-1').execute();
    const runner = new DivisionRunner(context.store.db);
    await runner.resumeOrphans(0);
    await runner.idle();
    const job = await getDivision(context.store.db, 'orphan-1');
    expect(job.status).toBe('done');
    expect(JSON.parse(job.metrics!).households).toBe(3400);
  });
});
