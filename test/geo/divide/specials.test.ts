/**
 * Special grid candidates (stages/specials.ts): large land without homes proposed as a special
 * grid, typed by what the input says of it (land-use-kinds.ts), only where it is large enough,
 * and never at the price of a grid's homes falling apart; the grids still tile the area.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as turf from '@turf/turf';
import type { Feature, FeatureCollection, Polygon } from 'geojson';
import { parseDivisionInput, specialCandidateRule } from '../../../server/geo/divide/input.js';
import { runDivision } from '../../../server/geo/divide/run.js';
import { readLandUse } from '../../../server/geo/land-use-kinds.js';
import { describeProposal } from '../../../server/i18n/division.js';
import type { Problem } from '../../../server/geo/validate.js';
import { translate } from '../../../server/i18n/catalogue.js';
import { lonLat, rect } from '../../support/town.js';
import { setApart } from '../../../server/geo/divide/stages/specials.js';
import type { Unit, UnitLink, Units } from '../../../server/geo/divide/stages/units.js';

const fixture = JSON.parse(fs.readFileSync(new URL('../../fixtures/divide/specials-campus-and-park/in.geojson', import.meta.url), 'utf8')) as FeatureCollection;
const of = (role: string) => ({ type: 'FeatureCollection', features: fixture.features.filter((f) => f.properties?.role === role) });
const boundary = fixture.features.find((f) => f.properties?.role === 'area')!.geometry;

async function divide(extra: Record<string, unknown> = {}, body: Record<string, unknown> = { buildings: of('building'), barriers: of('barrier') }, area = boundary) {
  const parsed = parseDivisionInput({ ...body, ...extra }, area);
  if (parsed.problems) throw new Error(JSON.stringify(parsed.problems));
  return runDivision(parsed.value);
}

describe('readLandUse', () => {
  it('reads Tilezen, OpenStreetMap (other_tags too) and Chinese words; nothing known is undefined', () => {
    expect(readLandUse({ kind: 'building', kind_detail: 'university' })).toBe('school');
    expect(readLandUse({ kind: 'building', landuse_kind: 'hospital' })).toBe('hospital');
    expect(readLandUse({ amenity: 'marketplace' })).toBe('market');
    expect(readLandUse({ other_tags: '"leisure"=>"park","name"=>"x"' })).toBe('park');
    expect(readLandUse({ tourism: 'attraction' })).toBe('scenic');
    expect(readLandUse({ landuse: 'industrial' })).toBe('industrial');
    expect(readLandUse({ name: '光谷软件园' })).toBe('industrial');
    expect(readLandUse({ name: '东湖风景区' })).toBe('scenic');
    expect(readLandUse({ name: '武汉市第一医院' })).toBe('hospital');
    expect(readLandUse({ building: 'yes', name: '幸福里3栋' })).toBeUndefined();
    expect(readLandUse(null)).toBeUndefined();
  });
});

describe('specialCandidateRule (the request member specialCandidates)', () => {
  const read = (value: unknown) => {
    const problems: Problem[] = [];
    return { rule: specialCandidateRule(value, problems), problems };
  };
  it('takes the defaults when absent or {}, none when false, and the thresholds given', () => {
    expect(read(undefined)).toEqual({ rule: { minAreaM2: 20_000, minShare: 0.3 }, problems: [] });
    expect(read({})).toEqual({ rule: { minAreaM2: 20_000, minShare: 0.3 }, problems: [] });
    expect(read(false).rule).toBeNull();
    expect(read({ minAreaHa: 5 }).rule).toEqual({ minAreaM2: 50_000, minShare: 0.3 });
    expect(read({ minAreaHa: 0.5, minShare: 0 }).rule).toEqual({ minAreaM2: 5_000, minShare: 0 });
  });
  it('refuses wrong types, negative or out-of-range thresholds and unknown members, in both languages', () => {
    for (const bad of ['yes', 3, true, [], { minAreaHa: -1 }, { minAreaHa: '2' }, { minAreaHa: 0 }, { minShare: 1.5 }, { minShare: -0.1 }, { minArea: 2 }]) {
      const { problems } = read(bad);
      expect(problems, JSON.stringify(bad)).toHaveLength(1);
      expect(problems[0].code).toBe('invalid_parameter');
      expect(translate(problems[0].message, 'zh')).toContain('specialCandidates 须为');
      expect(translate(problems[0].message, 'en')).toContain('specialCandidates must be');
    }
  });
});

describe('special grid candidates in a division', () => {
  it('proposes the campus and the park as special grids with a note, typed by the input, and the grids tile the area', async () => {
    const { proposal, metrics } = await divide();
    const grids = proposal.features;
    const candidates = grids.filter((g) => g.properties.candidate);
    expect(candidates.map((g) => [g.properties.number, g.properties.kind, g.properties.specialType, g.properties.households])).toEqual([
      ['900', 'special', 'school', 0],
      ['901', 'special', 'park', 0],
    ]);
    expect(candidates.map((g) => g.properties.notes)).toEqual([
      [{ code: 'special_candidate', params: { number: '900', areaHa: 6, specialType: 'school' } }],
      [{ code: 'special_candidate', params: { number: '901', areaHa: 3, specialType: 'park' } }],
    ]);
    expect(metrics.specialCandidates).toBe(2);
    expect(metrics.noted).toBe(0);
    // The basic grid keeps its homes and no longer sprawls over the land.
    const basic = grids.filter((g) => g.properties.kind === 'basic');
    expect(basic.map((g) => g.properties.households)).toEqual([364]);
    expect(metrics.polsbyPopperMedianBasic).toBeGreaterThan(0.7);
    // Tiling: the areas add up to the area's, and no two grids overlap.
    const total = grids.reduce((sum, g) => sum + turf.area(g), 0);
    expect(total / turf.area(boundary as Polygon)).toBeCloseTo(1, 4);
    for (let i = 0; i < grids.length; i++) {
      for (let j = i + 1; j < grids.length; j++) {
        const shared = turf.intersect(turf.featureCollection([grids[i] as Feature<Polygon>, grids[j] as Feature<Polygon>]));
        expect(shared ? turf.area(shared) : 0).toBeLessThan(1);
      }
    }
    // Every building whole in one grid.
    expect(metrics.buildingsSplit).toBe(0);
    expect(proposal.buildingGrid.every((n) => n !== null)).toBe(true);
    // The note in words, Chinese first.
    const zh = describeProposal(structuredClone(proposal), 'zh').features.find((g) => g.properties.number === '900')!;
    expect(zh.properties.notes![0].message).toBe('第900网格无住户（6 公顷，学校），建议设为专属网格；如不设，可并入相邻基础网格');
    const en = describeProposal(structuredClone(proposal), 'en').features.find((g) => g.properties.number === '901')!;
    expect(en.properties.notes![0].message).toContain('Grid 901 has no households (3 ha, park)');
  });

  it('proposes none when turned off, or below the thresholds given', async () => {
    const off = await divide({ specialCandidates: false });
    expect(off.proposal.features.map((g) => g.properties.kind)).toEqual(['basic']);
    expect(off.metrics.specialCandidates).toBe(0);
    const large = await divide({ specialCandidates: { minAreaHa: 10 } });
    expect(large.metrics.specialCandidates).toBe(0);
    // The campus is 42 % of the grid it would join: at a share of one half it stays in the grid; the park (3 of 9 ha) too.
    const share = await divide({ specialCandidates: { minShare: 0.5 } });
    expect(share.metrics.specialCandidates).toBe(0);
  });

  it("leaves land that alone joins a grid's homes in that grid", async () => {
    // 200 and 200 households on either side of a 9 ha park, no other way between them.
    const home = (x: number, y: number) => ({ type: 'Feature', properties: { households: 20 }, geometry: rect(x, y, x + 16, y + 12) });
    const homes = [...Array(10).keys()].flatMap((i) => [home(10, 10 + i * 25), home(560, 10 + i * 25)]);
    const barriers = [
      { type: 'Feature', properties: { kind: 'minor_road' }, geometry: { type: 'LineString', coordinates: [lonLat(50, -10), lonLat(50, 310)] } },
      { type: 'Feature', properties: { kind: 'minor_road' }, geometry: { type: 'LineString', coordinates: [lonLat(550, -10), lonLat(550, 310)] } },
    ];
    const { proposal, metrics } = await divide({}, { buildings: { type: 'FeatureCollection', features: homes }, barriers: { type: 'FeatureCollection', features: barriers } }, rect(0, 0, 600, 300));
    expect(metrics.specialCandidates).toBe(0);
    expect(proposal.features.map((g) => g.properties.households)).toEqual([400]);
  });
});

describe('setApart', () => {
  it('gives land cut off by a candidate a grid again, in every grid the candidate took land from', () => {
    // A chain of units: homes 0 | land 1 (grid 0) | candidate 2 (grid 0) · 3 (grid 1) | land 4, homes 5 (grid 1).
    // Land 4 reached grid 1's homes only through unit 3; it also borders land 1 of grid 0.
    const unit = (households: number, x: number): Unit => ({ households, buildings: households > 0 ? 1 : 0, area: 10_000, perimeter: 400, roadSpace: false, anchor: [x, 0] });
    const units = [unit(400, 0), unit(0, 100), unit(0, 200), unit(0, 300), unit(0, 400), unit(400, 500)];
    const link = (a: number, b: number): UnitLink => ({ a, b, length: 100, lengthByKind: {} });
    const links = [link(0, 1), link(0, 2), link(2, 3), link(3, 5), link(3, 4), link(4, 1)];
    const clusterOf = Int32Array.from([0, 0, 0, 1, 1, 1]);
    const out = setApart({ units, links, unitOfFace: new Int32Array(0) } as unknown as Units, clusterOf, [{ units: [2, 3], areaM2: 20_000, specialType: 'other' }]);
    expect([...out]).toEqual([0, 0, 2, 2, 0, 1]);
  });
});
