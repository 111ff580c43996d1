import { describe, expect, it } from 'vitest';
import * as turf from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { parseDivisionInput } from '../../../server/geo/divide/input.js';
import { runDivision } from '../../../server/geo/divide/run.js';
import { lonLat, rect, smallTown } from '../../support/town.js';
import { en } from '../../support/i18n.js';

async function divideTown(options: Record<string, unknown> = {}) {
  const town = smallTown();
  const parsed = parseDivisionInput({ buildings: town.buildings, barriers: town.barriers, specials: town.specials, ...options }, town.boundary);
  if (parsed.problems) throw new Error(JSON.stringify(parsed.problems));
  return { town, ...(await runDivision(parsed.value)) };
}

describe('divide', () => {
  it('covers the area exactly with contiguous grids, keeping every household', async () => {
    const { town, proposal, metrics } = await divideTown();
    const grids = proposal.features as Feature<Polygon | MultiPolygon>[];
    const total = grids.reduce((sum, g) => sum + turf.area(g), 0);
    expect(total / turf.area(town.boundary)).toBeCloseTo(1, 4);
    for (let i = 0; i < grids.length; i++) {
      for (let j = i + 1; j < grids.length; j++) {
        const overlap = turf.intersect(turf.featureCollection([grids[i], grids[j]]));
        expect(overlap ? turf.area(overlap) : 0, `${i}/${j}`).toBeLessThan(0.01);
      }
    }
    for (const grid of proposal.features) {
      if (!grid.properties.flags.some((f) => f.code === 'not_contiguous')) expect(grid.geometry.type).toBe('Polygon');
    }
    const households = town.buildings.features.reduce((sum, b) => sum + (b.properties!.households as number), 0);
    expect(proposal.features.reduce((sum, g) => sum + g.properties.households, 0)).toBe(households);
    expect(metrics.households).toBe(households);
    expect(metrics.buildingsSplit).toBe(0);
    expect(metrics.compoundsSplit).toBe(0);
  });

  it('pairs the 180-household blocks west of the road, and takes the island across the major road rather than leave it below the minimum', async () => {
    const { proposal, metrics } = await divideTown();
    const basic = proposal.features.filter((g) => g.properties.kind === 'basic' && g.properties.households < 1800);
    expect(basic.every((g) => g.properties.households >= 300 && g.properties.households <= 500), JSON.stringify(basic.map((g) => g.properties.households))).toBe(true);
    const west = proposal.features.filter((g) => turf.centroid(g).geometry.coordinates[0] < 114.3 + 300 / 96_000);
    expect(west.map((g) => g.properties.households).sort()).toEqual([360, 360]);
    // The island (120) joined a pair of blocks across the major road — never across the river.
    const island = proposal.features.find((g) => g.properties.households === 480)!;
    expect(island.properties.flags).toEqual([{ code: 'crosses_barrier', params: { number: island.properties.number, kind: 'major_road', name: '', lengthM: 101 } }]);
    const crossings = proposal.crossings.features.map((c) => c.properties as { kind: string; reason: string });
    expect(crossings.every((c) => c.kind === 'major_road' && c.reason === 'joined')).toBe(true);
    expect(metrics.withinRangeShareDivisible).toBe(1);
  });

  it('notes the tower above the cap (nothing to redraw) and flags an island cut off by hard barriers below the floor, instead of hiding either', async () => {
    const town = smallTown();
    for (const feature of town.barriers.features) if (feature.properties!.kind === 'major_road') feature.properties!.kind = 'rail';
    const parsed = parseDivisionInput({ buildings: town.buildings, barriers: town.barriers, specials: town.specials }, town.boundary);
    const { proposal, metrics } = await runDivision(parsed.value!);
    const tower = proposal.features.find((g) => g.properties.households >= 1800)!;
    // One building over the cap: a border never splits a building, so it is a note, not a flag asking to redraw.
    expect(tower.properties.buildings).toBe(1);
    expect(tower.properties.flags).toEqual([]);
    expect(tower.properties.notes).toEqual([{ code: 'above_max', variant: 'one_building', params: { number: tower.properties.number, households: tower.properties.households, max: 500 } }]);
    expect(metrics.noted).toBe(1);
    expect(metrics.flagged).toBe(proposal.features.filter((g) => g.properties.flags.length > 0).length);
    const island = proposal.features.find((g) => g.properties.households === 120);
    expect(island?.properties.flags).toEqual([{ code: 'below_min', variant: 'isolated', params: { number: island!.properties.number, households: 120, min: 300, max: 500 } }]);
    expect(proposal.crossings.features).toHaveLength(0);
  });

  it('lists a major road that ends inside a grid as a dead end, without flagging the grid: it separates none of its homes', async () => {
    // A spur (a tunnel ramp, a road stopping short) 80 m into the south-west block, between its two rows of houses.
    const town = smallTown();
    town.barriers.features.push({ type: 'Feature', properties: { kind: 'major_road', name: '隧道匝道' }, geometry: { type: 'LineString', coordinates: [lonLat(-10, 95), lonLat(80, 95)] } });
    const parsed = parseDivisionInput({ buildings: town.buildings, barriers: town.barriers, specials: town.specials }, town.boundary);
    const { proposal } = await runDivision(parsed.value!);
    const spur = proposal.crossings.features.filter((c) => (c.properties as { name: string | null }).name === '隧道匝道');
    expect(spur.length).toBeGreaterThan(0);
    expect(spur.every((c) => (c.properties as { reason: string }).reason === 'dead_end')).toBe(true);
    expect(spur.reduce((sum, c) => sum + (c.properties as { lengthM: number }).lengthM, 0)).toBeCloseTo(80, 0);
    const grid = proposal.features.find((g) => g.properties.number === (spur[0].properties as { gridNumber: string }).gridNumber)!;
    expect(grid.properties.flags).toEqual([]);
    // The island still carries its flag: that major road does separate homes of its grid.
    expect(proposal.features.filter((g) => g.properties.flags.some((f) => f.code === 'crosses_barrier')).map((g) => g.properties.households)).toEqual([480]);
  });

  it('places a building below ground (layer < 0, location=underground) by a point in the grid above it: no border has to go around it', async () => {
    // A metro station under the major road, reaching into the blocks on both sides.
    const station = (properties: Record<string, unknown>) => ({ type: 'Feature' as const, properties: { households: 0, ...properties }, geometry: rect(270, 240, 330, 280) });
    const run = async (properties: Record<string, unknown>) => {
      const town = smallTown();
      town.buildings.features.push(station(properties));
      const parsed = parseDivisionInput({ buildings: town.buildings, barriers: town.barriers, specials: town.specials }, town.boundary);
      return { index: town.buildings.features.length - 1, ...(await runDivision(parsed.value!)) };
    };
    const onTheSurface = await run({});
    expect(onTheSurface.metrics.buildingsSplit).toBe(1);
    for (const properties of [{ layer: -1 }, { layer: '-2' }, { location: 'underground' }]) {
      const below = await run(properties);
      expect(below.metrics.buildingsSplit, JSON.stringify(properties)).toBe(0);
      expect(below.proposal.buildingGrid[below.index]).toMatch(/^\d{3}$/);
    }
  });

  it('leaves roads in tunnels out of the barriers', () => {
    const town = smallTown();
    town.barriers.features[0].properties!.is_tunnel = true;
    const parsed = parseDivisionInput({ buildings: town.buildings, barriers: town.barriers }, town.boundary);
    expect(parsed.value!.barriers.map((b) => b.kind)).toEqual(['minor_road', 'minor_road', 'minor_road', 'river']);
  });

  it('makes the school its own special grid numbered from 900, basic grids 001… in reading order', async () => {
    const { proposal } = await divideTown();
    const school = proposal.features.find((g) => g.properties.kind === 'special');
    expect(school?.properties).toMatchObject({ number: '900', specialType: 'school', name: '光谷小学' });
    const numbers = proposal.features.filter((g) => g.properties.kind === 'basic').map((g) => g.properties.number);
    expect(numbers).toEqual(numbers.map((_, i) => String(i + 1).padStart(3, '0')));
    // The first grid is in the north-west: its centroid is west of and north of the last one.
    const first = turf.centroid(proposal.features[0]).geometry.coordinates;
    const last = turf.centroid(proposal.features[numbers.length - 1]).geometry.coordinates;
    expect(first[1]).toBeGreaterThan(last[1]);
  });

  it('refuses bad input with the reasons', () => {
    const town = smallTown();
    const bad = (body: Record<string, unknown>, area: unknown = town.boundary) => parseDivisionInput({ buildings: town.buildings, ...body }, area).problems ?? [];
    expect(en(bad({ minHouseholds: 600, maxHouseholds: 500 })[0].message)).toMatch(/greater than maxHouseholds/);
    const open = { type: 'Polygon', coordinates: [town.boundary.coordinates[0].slice(0, 4)] };
    expect(en(bad({}, open)[0].message)).toMatch(/first and last positions/);
    const negative = structuredClone(town.buildings);
    negative.features[0].properties!.households = -3;
    expect(en(bad({ buildings: negative })[0].message)).toMatch(/households must be a whole number/);
    const bowtie = { type: 'Polygon', coordinates: [[[114.3, 30.5], [114.301, 30.501], [114.301, 30.5], [114.3, 30.501], [114.3, 30.5]]] };
    expect(en(bad({}, bowtie)[0].message)).toMatch(/boundary: self-intersection at \[114\.3005\d*, 30\.5005\d*\]/);
    expect(en(bad({ specials: { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { specialType: 'park' }, geometry: bowtie }] } })[0].message)).toMatch(/specials\[0\]: self-intersection/);
    expect(en(bad({ barriers: { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { kind: 'canall' }, geometry: { type: 'LineString', coordinates: [[114.3, 30.5], [114.301, 30.5]] } }] } })[0].message)).toMatch(/unknown barrier value "canall": properties.kind must be one of/);
  });
});
