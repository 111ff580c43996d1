import { describe, expect, it } from 'vitest';
import { checkPolygonal, chinaExtentProblem } from '../../server/geo/validate.js';
import { box } from '../support/fixtures.js';
import { en } from '../support/i18n.js';

const limits = { maxVertices: 100 };

describe('checkPolygonal', () => {
  it('accepts a polygon and a multipolygon inside China', () => {
    expect(checkPolygonal(box(114.3, 30.5, 114.31, 30.51), limits).problems).toBeUndefined();
    const multi = { type: 'MultiPolygon', coordinates: [box(114.3, 30.5, 114.31, 30.51).coordinates] };
    expect(checkPolygonal(multi, limits).geometry).toEqual(multi);
  });

  it('refuses other types, open rings, non-numbers and too many vertices', () => {
    expect(checkPolygonal({ type: 'Point', coordinates: [114.3, 30.5] }, limits).problems?.[0].code).toBe('wrong_geometry_type');
    expect(checkPolygonal(null, limits).problems?.[0].code).toBe('invalid_geojson');
    const open = { type: 'Polygon', coordinates: [[[114.3, 30.5], [114.31, 30.5], [114.31, 30.51], [114.3, 30.51]]] };
    expect(en(checkPolygonal(open, limits).problems?.[0].message)).toMatch(/first and last positions/);
    const text = { type: 'Polygon', coordinates: [[[114.3, 30.5], [114.31, 30.5], ['114.31', 30.51], [114.3, 30.5]]] };
    expect(checkPolygonal(text, limits).problems?.[0].code).toBe('invalid_geojson');
    const infinite = { type: 'Polygon', coordinates: [[[114.3, 30.5], [114.31, 30.5], [Infinity, 30.51], [114.3, 30.5]]] };
    expect(en(checkPolygonal(infinite, limits).problems?.[0].message)).toMatch(/non-finite/);
    for (const empty of [
      { type: 'Polygon', coordinates: [] },
      { type: 'MultiPolygon', coordinates: [] },
      { type: 'MultiPolygon', coordinates: [[]] },
    ]) {
      expect(en(checkPolygonal(empty, limits).problems?.[0].message), JSON.stringify(empty)).toMatch(/Empty/);
    }
    // An empty ring made geojson-validation throw (a 500); positions of four numbers were kept, the last two dropped.
    expect(checkPolygonal({ type: 'Polygon', coordinates: [[]] }, limits).problems?.[0].code).toBe('invalid_geojson');
    const fourD = { type: 'Polygon', coordinates: box(114.3, 30.5, 114.31, 30.51).coordinates.map((r) => r.map(([x, y]) => [x, y, 10, 20])) };
    expect(en(checkPolygonal(fourD, limits).problems?.[0].message)).toMatch(/4 numbers/);
    const ring = Array.from({ length: 200 }, (_, i) => [114.3 + 0.01 * Math.cos(i / 30), 30.5 + 0.01 * Math.sin(i / 30)]);
    ring.push(ring[0]);
    expect(checkPolygonal({ type: 'Polygon', coordinates: [ring] }, limits).problems?.[0].code).toBe('too_many_vertices');
  });
});

describe('chinaExtentProblem', () => {
  it('says lat/lon are swapped when the swapped positions fit', () => {
    const swapped = { type: 'Point' as const, coordinates: [39, 116] };
    expect(chinaExtentProblem(swapped)?.code).toBe('swapped_coordinates');
    expect(chinaExtentProblem(box(30.5, 114.3, 30.51, 114.31))?.code).toBe('swapped_coordinates');
  });

  it('says outside China otherwise', () => {
    expect(chinaExtentProblem(box(2.35, 48.85, 2.36, 48.86))?.code).toBe('outside_china'); // Paris
    expect(chinaExtentProblem(box(114.3, 30.5, 114.31, 30.51))).toBeUndefined();
  });
});
