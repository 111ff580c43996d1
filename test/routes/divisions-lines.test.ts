/**
 * Divisions with what the store knows of a village: its reference lines are the barriers when a
 * request brings none (clipped to the village, and said so in the job), and its live special
 * grids are kept as they are — in the proposal as fixed, and live, unchanged, after the apply.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Feature, FeatureCollection, Polygon } from 'geojson';
import { useTestService } from '../support/context.js';
import { finishedJob } from '../support/jobs.js';
import { box, gridFeature, regionFeature, seedTree, tree } from '../support/fixtures.js';
import { lonLat, rect, smallTown } from '../support/town.js';
import { regionBarriers } from '../../server/db/reference-lines.js';

const context = useTestService();
/** Villages whose boundary is the small town (600 m × 400 m): one for lines, one for the kept school. */
const LINES = '420111002005';
const SCHOOL = '420111002007';
/** A village over the OSM fixtures (test/fixtures/lines and buildings). */
const OPTICS = '420111002006';
const OPTICS_BOX: [number, number, number, number] = [114.388, 30.504, 114.398, 30.511];

/** The small town's barriers as stored lines (road classes, river). */
function townLines(): FeatureCollection {
  const kinds: Record<string, Record<string, string>> = {
    major_road: { kind: 'road', class: 'major' },
    minor_road: { kind: 'road', class: 'minor' },
    river: { kind: 'river' },
  };
  const { barriers } = smallTown();
  return { type: 'FeatureCollection', features: barriers.features.map((f) => ({ ...f, properties: { ...kinds[f.properties!.kind as string], name: null } })) };
}

async function divide(body: Record<string, unknown>) {
  const accepted = await context.api.post('/api/divisions').send(body);
  expect(accepted.status, JSON.stringify(accepted.body).slice(0, 300)).toBe(202);
  const job = await finishedJob(context, accepted.headers.location, 400);
  expect(job.status, job.error).toBe('done');
  return { accepted: accepted.body, job, location: accepted.headers.location as string };
}

const summary = (job: { proposal: { features: Feature[] } }) =>
  job.proposal.features.map((f) => `${f.properties!.number}:${f.properties!.households}`).sort();

beforeAll(async () => {
  await seedTree(context);
  const town = smallTown();
  for (const [code, name, geometry] of [
    [LINES, '沿线社区', town.boundary],
    [SCHOOL, '学校社区', town.boundary],
    [OPTICS, '光谷示范社区', box(...OPTICS_BOX)],
  ] as const) {
    // The small-town villages overlap each other; regions may (only grids may not).
    const created = await context.api.post('/api/regions').send(regionFeature(code, name, 'village', tree.street.code, geometry as Polygon));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  }
});

describe('divisions with stored lines', () => {
  it('uses the village’s stored lines when the request brings no barriers, and says so', async () => {
    const town = smallTown();
    const put = await context.api.put(`/api/regions/${LINES}/lines`).send(townLines());
    expect(put.status, JSON.stringify(put.body)).toBe(200);

    const stored = await divide({ regionCode: LINES, buildings: town.buildings });
    expect(stored.accepted.inputs.barriers).toEqual({ source: 'stored', features: 5 });
    expect(stored.job.inputs).toEqual({ barriers: { source: 'stored', features: 5 }, keptSpecials: [], households: 'buildings' });

    // The same proposal as with the same lines sent as barriers.
    const sent = await divide({ regionCode: LINES, buildings: town.buildings, barriers: town.barriers });
    expect(sent.job.inputs.barriers).toEqual({ source: 'request', features: 5 });
    expect(summary(stored.job)).toEqual(summary(sent.job));
    expect(stored.job.metrics.boundaryAlignment).toBeCloseTo(sent.job.metrics.boundaryAlignment, 6);

    // An empty barriers collection divides without them: the borders are then all cuts.
    const none = await divide({ regionCode: LINES, buildings: town.buildings, barriers: { type: 'FeatureCollection', features: [] } });
    expect(none.job.inputs.barriers).toEqual({ source: 'request', features: 0 });
    expect(none.job.metrics.cutBorderShare).toBeGreaterThan(stored.job.metrics.cutBorderShare);
  });

  it('clips stored lines to the village (with a 50 m margin) for the division', async () => {
    // The major road stored 3 km long; the village is 400 m tall.
    const long = townLines();
    (long.features[0].geometry as { coordinates: number[][] }).coordinates = [lonLat(300, -1500), lonLat(300, 1500)];
    expect((await context.api.put(`/api/regions/${LINES}/lines`).send(long)).status).toBe(200);
    const barriers = await regionBarriers(context.store.db, LINES);
    expect(barriers).toHaveLength(5);
    const road = barriers[0];
    expect(road.properties).toEqual({ kind: 'major_road', name: null });
    const lats = (road.geometry as { coordinates: number[][] }).coordinates.map((p) => p[1]);
    // y from −50 m to 450 m: the village (0…400 m) and its margin.
    expect(Math.min(...lats)).toBeCloseTo(lonLat(0, -50)[1], 4);
    expect(Math.max(...lats)).toBeCloseTo(lonLat(0, 450)[1], 4);
    expect(barriers.map((b) => b.properties!.kind)).toEqual(['major_road', 'minor_road', 'minor_road', 'minor_road', 'river']);
  });

  it('follows real OpenStreetMap roads (test/fixtures)', async () => {
    const fixtures = path.join(import.meta.dirname, '..', 'fixtures');
    const lines = JSON.parse(fs.readFileSync(path.join(fixtures, 'lines', 'wuhan_optics_lines.geojson'), 'utf8')) as FeatureCollection;
    const all = JSON.parse(fs.readFileSync(path.join(fixtures, 'buildings', 'wuhan_optics_buildings.geojson'), 'utf8')) as FeatureCollection;
    const [minLon, minLat, maxLon, maxLat] = OPTICS_BOX;
    const inside = (p: number[]) => p[0] > minLon && p[0] < maxLon && p[1] > minLat && p[1] < maxLat;
    const buildings = all.features.filter((f) => JSON.stringify(f.geometry).match(/-?\d+\.\d+,-?\d+\.\d+/g)!.every((pair) => inside(pair.split(',').map(Number))));
    expect(buildings.length).toBeGreaterThan(30);
    expect((await context.api.put(`/api/regions/${OPTICS}/lines`).send(lines)).status).toBe(200);

    const body = { regionCode: OPTICS, buildings: { type: 'FeatureCollection', features: buildings } };
    const stored = await divide(body);
    expect(stored.job.inputs.barriers.source).toBe('stored');
    expect(stored.job.inputs.barriers.features).toBeGreaterThan(50);
    const none = await divide({ ...body, barriers: { type: 'FeatureCollection', features: [] } });
    expect(stored.job.metrics.unassignedHouseholds).toBe(0);
    // Along the roads, not cut across the blocks: far less of the grids' borders is a cut of their own.
    expect(none.job.metrics.cutBorderShare).toBe(1);
    expect(stored.job.metrics.cutBorderShare).toBeLessThan(0.5);
  });
});

describe('divisions keep special grids', () => {
  it('keeps a live special grid fixed in the proposal and live, unchanged, after the apply', async () => {
    const town = smallTown();
    const schoolRing = rect(480, 20, 580, 120).coordinates[0];
    const school = await context.api.post('/api/grids').send(gridFeature(SCHOOL, '学校社区学校专属网格', rect(480, 20, 580, 120), { kind: 'special', specialType: 'school' }));
    expect(school.status, JSON.stringify(school.body)).toBe(201);
    const west = await context.api.post('/api/grids').send(gridFeature(SCHOOL, '旧西网格', rect(0, 0, 300, 400)));
    const eastShape: Polygon = { type: 'Polygon', coordinates: [rect(300, 0, 600, 400).coordinates[0], [...schoolRing].reverse()] };
    const east = await context.api.post('/api/grids').send(gridFeature(SCHOOL, '旧东网格', eastShape));
    expect([west.status, east.status], JSON.stringify(east.body)).toEqual([201, 201]);
    const schoolCode = school.body.properties.code as string;

    // No specials in the request: the live school is taken as a kept special.
    const { accepted, job, location } = await divide({ regionCode: SCHOOL, buildings: town.buildings, barriers: town.barriers });
    expect(accepted.inputs.keptSpecials).toEqual([{ code: schoolCode, name: '学校社区学校专属网格' }]);
    const specials = job.proposal.features.filter((f: Feature) => f.properties!.kind === 'special');
    expect(specials).toHaveLength(1);
    expect(specials[0].properties).toMatchObject({ code: schoolCode, specialType: 'school', name: '学校社区学校专属网格' });

    const applied = await context.api.post(`${location}/apply`);
    expect(applied.status, JSON.stringify(applied.body).slice(0, 500)).toBe(200);
    expect(applied.body.kept).toEqual([schoolCode]);
    expect(applied.body.retired.sort()).toEqual([west.body.properties.code, east.body.properties.code].sort());
    expect(applied.body.created).toHaveLength(job.proposal.features.length - 1);
    expect(applied.body.created.every((g: { code: string }) => Number(g.code.slice(12)) < 900)).toBe(true);

    // The school is live and unchanged; the new grids meet it without overlaps or gaps.
    const after = await context.api.get(`/api/grids/${schoolCode}`);
    expect(after.status).toBe(200);
    expect(after.body.properties.version).toBe(1);
    const live = (await context.api.get(`/api/grids?region=${SCHOOL}`)).body.features.map((g: { id: string }) => g.id);
    expect(live).toContain(schoolCode);
    expect(live).toHaveLength(job.proposal.features.length);
    const coverage = (await context.api.get(`/api/regions/${SCHOOL}/coverage`)).body;
    expect(coverage.coveredRatio).toBeGreaterThan(0.9999);
    expect(coverage.overlaps.features).toHaveLength(0);
    expect(coverage.gaps.features).toHaveLength(0);
  });

  it('refuses a requested special drawn over a kept one with 422, naming both', async () => {
    const town = smallTown();
    const live = (await context.api.get(`/api/grids?region=${SCHOOL}`)).body.features as { properties: { code: string; kind: string } }[];
    const school = live.find((g) => g.properties.kind === 'special')!.properties.code;
    const market = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { specialType: 'market', name: '新市场' }, geometry: rect(500, 50, 620, 150) }] };
    const response = await context.api.post('/api/divisions').send({ regionCode: SCHOOL, buildings: town.buildings, barriers: town.barriers, specials: market });
    expect(response.status, JSON.stringify(response.body)).toBe(422);
    expect(response.body.error.code).toBe('specials_overlap');
    expect(response.body.error.message).toContain(school);
    expect(response.body.error.message).toContain('新市场');
  });

  it('ignores a code on a requested special: only live grids are kept', async () => {
    const town = smallTown();
    const specials = { ...town.specials, features: town.specials.features.map((f) => ({ ...f, properties: { ...f.properties, code: `${LINES}950` } })) };
    const { accepted, job } = await divide({ regionCode: LINES, buildings: town.buildings, specials });
    expect(accepted.inputs.keptSpecials).toEqual([]);
    const special = job.proposal.features.find((f: Feature) => f.properties!.kind === 'special');
    expect(special.properties.code).toBeUndefined();
  });
});
