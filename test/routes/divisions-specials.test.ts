/**
 * Special grid candidates over HTTP: a village with a campus and a park nobody drew is divided
 * (POST /api/divisions), the proposal holds them as special grids with a note in the reader's
 * language, applying creates them as special grids (900…) with lineage, and an adjustment
 * afterwards keeps every live grid as it is. A wrong `specialCandidates` is a 400 in zh/en and
 * writes nothing. On the backend the suite runs on.
 */
import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FeatureCollection, Polygon } from 'geojson';
import { useTestService } from '../support/context.js';
import { finishedJob } from '../support/jobs.js';
import { divisionCount, regionFeature, seedTree, tableCounts, tree } from '../support/fixtures.js';

const context = useTestService();
const VILLAGE = '420111002007';
/** The stage fixture: 364 households west of a minor road, a 6 ha campus, a 3 ha park (leisure=park) across a major road. */
const fixture = JSON.parse(fs.readFileSync(new URL('../fixtures/divide/specials-campus-and-park/in.geojson', import.meta.url), 'utf8')) as FeatureCollection;
const layer = (role: string): FeatureCollection => ({
  type: 'FeatureCollection',
  features: fixture.features.filter((f) => f.properties?.role === role).map((f) => ({ ...f, properties: { ...f.properties, role: undefined } })),
});
const boundary = fixture.features.find((f) => f.properties?.role === 'area')!.geometry as Polygon;

beforeAll(async () => {
  await seedTree(context);
  const created = await context.api.post('/api/regions').send(regionFeature(VILLAGE, '光谷社区', 'village', tree.street.code, boundary));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
});

const request = (extra: Record<string, unknown> = {}) => ({ regionCode: VILLAGE, buildings: layer('building'), barriers: layer('barrier'), ...extra });


describe('special grid candidates', () => {
  it('refuses a wrong specialCandidates with a 400 in the reader’s language, and writes nothing', async () => {
    const before = { ...(await tableCounts(context)), divisions: await divisionCount(context) };
    for (const bad of ['yes', true, { minAreaHa: -2 }, { minAreaHa: '2' }, { minShare: 2 }, { area: 2 }]) {
      const zh = await context.api.post('/api/divisions').send(request({ specialCandidates: bad }));
      expect(zh.status, JSON.stringify(zh.body)).toBe(400);
      expect(zh.body.error.code).toBe('invalid_parameter');
      expect(zh.body.error.message).toContain('specialCandidates 须为 false 或');
      const en = await context.api.post('/api/divisions?lang=en').send(request({ specialCandidates: bad }));
      expect(en.status).toBe(400);
      expect(en.body.error.message).toContain('specialCandidates must be false or');
    }
    expect({ ...(await tableCounts(context)), divisions: await divisionCount(context) }).toEqual(before);
  });

  it('are proposed with notes, applied as special grids, and kept by a later adjustment', async () => {
    const accepted = await context.api.post('/api/divisions').send(request());
    expect(accepted.status, JSON.stringify(accepted.body).slice(0, 300)).toBe(202);
    // The park outline is no barrier: it is counted among the skipped, and read as land use.
    expect(accepted.body.inputs.barriers.skipped).toEqual({ count: 1, byValue: { 'leisure=park': 1 } });
    const job = await finishedJob(context, accepted.headers.location);
    expect(job.status, job.error).toBe('done');
    expect(job.inputs.barriers.skipped).toEqual({ count: 1, byValue: { 'leisure=park': 1 } });
    const candidates = job.proposal.features.filter((g: { properties: { candidate?: boolean } }) => g.properties.candidate);
    expect(candidates.map((g: { properties: Record<string, unknown> }) => [g.properties.number, g.properties.kind, g.properties.specialType])).toEqual([
      ['900', 'special', 'school'],
      ['901', 'special', 'park'],
    ]);
    expect(candidates[0].properties.notes[0].message).toBe('第900网格无住户（6 公顷，学校），建议设为专属网格；如不设，可并入相邻基础网格');
    expect(job.metrics.specialCandidates).toBe(2);
    expect(job.metrics.polsbyPopperMedianBasic).toBeGreaterThan(job.metrics.polsbyPopperMedian - 1);
    const english = await context.api.get(`${accepted.headers.location}?lang=en`);
    expect(english.body.proposal.features.find((g: { properties: { number: string } }) => g.properties.number === '901').properties.notes[0].message).toMatch(
      /^Grid 901 has no households \(3 ha, park\): proposed as a special grid/,
    );

    const applied = await context.api.post(`${accepted.headers.location}/apply`).set('X-Actor', 'planner');
    expect(applied.status, JSON.stringify(applied.body).slice(0, 500)).toBe(200);
    expect(applied.body.created.map((g: { code: string; name: string }) => [g.code, g.name])).toEqual([
      [`${VILLAGE}001`, '光谷社区第1网格'],
      [`${VILLAGE}900`, '光谷社区学校网格'],
      [`${VILLAGE}901`, '光谷社区公园网格'],
    ]);
    const school = (await context.api.get(`/api/grids/${VILLAGE}900`)).body;
    expect([school.properties.kind, school.properties.specialType]).toEqual(['special', 'school']);
    const coverage = (await context.api.get(`/api/regions/${VILLAGE}/coverage`)).body;
    expect(coverage.coveredRatio).toBeGreaterThan(0.9999);
    expect(coverage.gaps.features).toHaveLength(0);

    // A year later, an adjustment: the basic grid is in range and kept; the special grids are the
    // village's live specials, kept as they are — nothing proposed again over them, no grid churned.
    const adjusted = await context.api.post('/api/divisions').send(request({ adjust: true }));
    expect(adjusted.status, JSON.stringify(adjusted.body).slice(0, 300)).toBe(202);
    expect(adjusted.body.inputs.adjust).toEqual({ kept: [`${VILLAGE}001`], freed: [] });
    expect(adjusted.body.inputs.keptSpecials.map((k: { code: string }) => k.code)).toEqual([`${VILLAGE}900`, `${VILLAGE}901`]);
    const again = await finishedJob(context, adjusted.headers.location);
    expect(again.status, again.error).toBe('done');
    expect(again.proposal.features.map((g: { properties: Record<string, unknown> }) => [g.properties.code, g.properties.candidate ?? false])).toEqual([
      [`${VILLAGE}001`, false],
      [`${VILLAGE}900`, false],
      [`${VILLAGE}901`, false],
    ]);
    expect(again.metrics.specialCandidates).toBe(0);
    expect(again.metrics.stability).toBe(1);
  });
});
