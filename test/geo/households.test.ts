import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as turf from '@turf/turf';
import type { FeatureCollection } from 'geojson';
import { floorsOf, householdsByFootprint } from '../../server/geo/households.js';

const fixture = (name: string) => JSON.parse(fs.readFileSync(new URL(`../fixtures/buildings/${name}`, import.meta.url), 'utf8')) as FeatureCollection;

describe('householdsByFootprint (the frozen footprint rule)', () => {
  for (const [name, total] of [['wuhan_optics_buildings.geojson', 8378], ['kunming_jinjianglu_buildings.geojson', 9837]] as const) {
    it(`reproduces every building's households in ${name}`, () => {
      let sum = 0;
      for (const feature of fixture(name).features) {
        const { households, ...rest } = feature.properties as Record<string, unknown>;
        const computed = householdsByFootprint(rest, turf.area(feature));
        expect(computed, JSON.stringify(rest).slice(0, 120)).toBe(households);
        sum += computed;
      }
      expect(sum).toBe(total);
    });
  }

  it('follows the rule on its edges', () => {
    expect(householdsByFootprint({ building: 'house' }, 29)).toBe(0); // under 30 m²
    expect(householdsByFootprint({ building: 'school', levels: 5 }, 1000)).toBe(0);
    expect(householdsByFootprint({}, 2600)).toBe(0); // untagged and large: not a home
    expect(householdsByFootprint({}, 500)).toBe(Math.round((500 * 3 * 0.85) / 92));
    expect(householdsByFootprint({ kind_detail: 'apartments' }, 700)).toBe(Math.round((700 * 6 * 0.85) / 92));
    expect(floorsOf({ levels: 9.6 }, 100)).toBe(10);
    expect(floorsOf({ height: 32 }, 100)).toBe(10);
    expect(householdsByFootprint({ landuse_kind: 'residential', height: '17' }, 400)).toBe(Math.round((400 * 5 * 0.85) / 92));
  });
});
