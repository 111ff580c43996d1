import { area, booleanPointInPolygon, earthRadius } from '@turf/turf';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { areaCoverage, sectorCoverage } from '../../server/geo/coverage.js';
import { seededRandom } from '../../server/geo/random.js';
import { cameraSector } from '../../server/geo/sector.js';

// A local frame in metres around a point in Hangzhou: x east, y north.
const LON0 = 120.15;
const LAT0 = 30.25;
const DEG_PER_M_NORTH = 180 / (Math.PI * earthRadius);
const DEG_PER_M_EAST = DEG_PER_M_NORTH / Math.cos((LAT0 * Math.PI) / 180);

function at(x: number, y: number): Position {
  return [LON0 + x * DEG_PER_M_EAST, LAT0 + y * DEG_PER_M_NORTH];
}

/** Counter-clockwise ring of the rectangle [x0, x1] × [y0, y1]. */
function rectRing(x0: number, y0: number, x1: number, y1: number): Position[] {
  return [at(x0, y0), at(x1, y0), at(x1, y1), at(x0, y1), at(x0, y0)];
}

function rect(x0: number, y0: number, x1: number, y1: number): Polygon {
  return { type: 'Polygon', coordinates: [rectRing(x0, y0, x1, y1)] };
}

function camera(x: number, y: number, options: { heading?: number; fov?: number; rangeM: number; ptz?: boolean }): Polygon {
  const [lon, lat] = at(x, y);
  return cameraSector({ lon, lat, ...options });
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/** Area of the polygon the sector module draws for a sector: `steps` chord triangles. */
function inscribedArea(radius: number, fovDeg: number, steps: number): number {
  return (steps / 2) * radius ** 2 * Math.sin(((fovDeg / steps) * Math.PI) / 180);
}

/** A 200 × 200 m square with a 100 × 100 m hole in the middle, centred on the origin. */
const HOLED: Polygon = {
  type: 'Polygon',
  coordinates: [rectRing(-100, -100, 100, 100), [...rectRing(-50, -50, 50, 50)].reverse()],
};

describe('sectorCoverage', () => {
  const west = { code: '330106001001001', geometry: rect(-200, -200, 0, 200) };
  const east = { code: '330106001001002', geometry: rect(0, -200, 200, 200) };
  const faraway = { code: '330106001001003', geometry: rect(5000, 5000, 5200, 5200) };
  const grids = [faraway, west, east];

  it('splits a sector looking along the shared edge half and half', () => {
    expect(sectorCoverage(camera(0, 0, { heading: 0, fov: 90, rangeM: 100 }), grids)).toEqual([
      { gridCode: west.code, share: 0.5 },
      { gridCode: east.code, share: 0.5 },
    ]);
  });

  it('splits a sector crossing the edge as the geometry says, the shares summing to 1', () => {
    // Apex 50 m west of the edge, looking east with a 60° view: the part west of the edge is
    // the triangle of height 50 m and half-angle 30°, i.e. 50² · tan 30°.
    const westShare = (50 ** 2 * Math.tan(Math.PI / 6)) / inscribedArea(100, 60, 12);
    const shares = sectorCoverage(camera(-50, 0, { heading: 90, fov: 60, rangeM: 100 }), grids);
    expect(shares.map((s) => s.gridCode)).toEqual([east.code, west.code]);
    expect(shares[0].share).toBeCloseTo(1 - westShare, 3);
    expect(shares[1].share).toBeCloseTo(westShare, 3);
    expect(shares[0].share + shares[1].share).toBeCloseTo(1, 3);
  });

  it('leaves out a hole: only the part of the sector beyond it counts', () => {
    const holed = { code: '330106001001004', geometry: HOLED };
    // Same geometry as above with the hole's east edge 50 m ahead of the apex.
    const beyondHole = 1 - (50 ** 2 * Math.tan(Math.PI / 6)) / inscribedArea(100, 60, 12);
    const [only, ...rest] = sectorCoverage(camera(0, 0, { heading: 90, fov: 60, rangeM: 100 }), [holed]);
    expect(rest).toEqual([]);
    expect(only.gridCode).toBe(holed.code);
    expect(only.share).toBeCloseTo(beyondHole, 3);
    expect(sectorCoverage(camera(0, 0, { rangeM: 30, ptz: true }), [holed])).toEqual([]);
  });

  it('returns nothing for a sector outside every grid, or one that only grazes a grid', () => {
    expect(sectorCoverage(camera(1000, 1000, { heading: 45, rangeM: 100 }), grids)).toEqual([]);
    expect(sectorCoverage(camera(1000, 1000, { heading: 45, rangeM: 100 }), [])).toEqual([]);
    // 4 cm of a 100.04 m long view pokes into the east grid: 0.04 %, below the 0.05 % floor.
    const grazing = sectorCoverage(rect(-100, -10, 0.04, 10), grids);
    expect(grazing).toEqual([{ gridCode: west.code, share: round4(100 / 100.04) }]);
  });
});

describe('areaCoverage (cameras)', () => {
  const areaOf = (geometry: Polygon | MultiPolygon): number => area(geometry);

  it('sees all of a grid inside a big PTZ circle', () => {
    expect(areaCoverage(rect(-50, -50, 50, 50), [camera(0, 0, { rangeM: 200, ptz: true })])).toEqual({
      coveredShare: 1,
      blindSpots: null,
    });
  });

  it('sees half of a grid when a 180° view covers its east half', () => {
    const grid = rect(-100, -100, 100, 100);
    const { coveredShare, blindSpots } = areaCoverage(grid, [camera(0, 0, { heading: 90, fov: 180, rangeM: 300 })]);
    expect(coveredShare).toBeCloseTo(0.5, 3);
    expect(blindSpots).not.toBeNull();
    expect(areaOf(blindSpots!) / areaOf(grid)).toBeCloseTo(0.5, 3);
    expect(blindSpots!.coordinates.flat(2).every(([lon]) => lon <= LON0 + 1e-12)).toBe(true);
  });

  it('does not count a hole as seen or blind', () => {
    const everything = areaCoverage(HOLED, [camera(0, 0, { rangeM: 300, ptz: true })]);
    expect(everything).toEqual({ coveredShare: 1, blindSpots: null });
    const half = areaCoverage(HOLED, [camera(0, 0, { heading: 90, fov: 180, rangeM: 300 })]);
    expect(half.coveredShare).toBeCloseTo(0.5, 3);
    expect(areaOf(half.blindSpots!)).toBeCloseTo(areaOf(HOLED) / 2, -1);
  });

  it('handles a MultiPolygon grid whose parts are seen differently', () => {
    const westPart = rectRing(-300, 0, -200, 100);
    const grid: MultiPolygon = { type: 'MultiPolygon', coordinates: [[westPart], [rectRing(200, 0, 300, 100)]] };
    const { coveredShare, blindSpots } = areaCoverage(grid, [camera(250, 50, { rangeM: 150, ptz: true })]);
    expect(coveredShare).toBeCloseTo(0.5, 3);
    expect(blindSpots!.coordinates).toHaveLength(1);
    expect(areaOf(blindSpots!)).toBeCloseTo(areaOf({ type: 'Polygon', coordinates: [westPart] }), -1);
  });

  it('leaves the whole grid blind without sectors, or with sectors that miss it', () => {
    const grid = rect(0, 0, 100, 100);
    const whole = { coveredShare: 0, blindSpots: { type: 'MultiPolygon', coordinates: [grid.coordinates] } };
    expect(areaCoverage(grid, [])).toEqual(whole);
    expect(areaCoverage(grid, [camera(1000, 1000, { rangeM: 100, ptz: true })])).toEqual(whole);
    // A view that stops just short of the grid's west edge.
    expect(areaCoverage(grid, [camera(-150, 50, { heading: 90, fov: 30, rangeM: 140 })])).toEqual(whole);
    // A triangle whose bounding box overlaps the grid's north-west corner, but not the grid.
    const nearMiss: Polygon = { type: 'Polygon', coordinates: [[at(-10, 95), at(20, 120), at(-10, 120), at(-10, 95)]] };
    const missed = areaCoverage(grid, [nearMiss]);
    expect(missed.coveredShare).toBe(0);
    expect(areaOf(missed.blindSpots!)).toBeCloseTo(areaOf(grid), 3);
  });

  it('drops blind slivers under 1 m² between sectors that nearly meet', () => {
    const grid = rect(0, 0, 100, 100);
    // A 5 mm × 100 m gap (0.5 m²) between the sectors, and a 20 m strip no camera sees.
    const sectors = [rect(-10, -10, 49.995, 110), rect(50, -10, 80, 110)];
    const { coveredShare, blindSpots } = areaCoverage(grid, sectors);
    expect(coveredShare).toBeCloseTo(0.8, 3);
    expect(blindSpots!.coordinates).toHaveLength(1);
    expect(areaOf(blindSpots!) / areaOf(grid)).toBeCloseTo(0.2, 3);
    expect(areaCoverage(grid, [rect(-10, -10, 49.995, 110), rect(50, -10, 110, 110)]).blindSpots).toBeNull();
  });

  it('handles a hundred cameras and agrees with sampling the grid', () => {
    const random = seededRandom(28181);
    const grid = rect(0, 0, 500, 500);
    const sectors = Array.from({ length: 100 }, () =>
      camera(-50 + 600 * random(), -50 + 600 * random(), {
        heading: 360 * random(),
        fov: 30 + 90 * random(),
        rangeM: 20 + 40 * random(),
        ptz: random() < 0.1,
      }),
    );
    const { coveredShare, blindSpots } = areaCoverage(grid, sectors);

    // Sample the grid on a 100 × 100 lattice of cell centres and count points seen by a camera.
    let seen = 0;
    for (let i = 0; i < 100; i++) {
      for (let j = 0; j < 100; j++) {
        const p = at(2.5 + 5 * i, 2.5 + 5 * j);
        if (sectors.some((sector) => booleanPointInPolygon(p, sector))) seen++;
      }
    }
    expect(Math.abs(coveredShare - seen / 10_000)).toBeLessThan(0.02);
    expect(coveredShare).toBeGreaterThan(0.1);
    expect(coveredShare).toBeLessThan(0.9);
    expect(Math.abs(1 - areaOf(blindSpots!) / areaOf(grid) - coveredShare)).toBeLessThan(0.001);
  });
});

describe('samplePolygon', () => {
  it('spreads points inside the polygon only, about in proportion to its area', async () => {
    const { samplePolygon } = await import('../../server/geo/coverage.js');
    const triangle: import('geojson').Polygon = { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [0, 1], [0, 0]]] };
    const points = samplePolygon(triangle, 20);
    expect(points.every(([x, y]) => x + y <= 1)).toBe(true);
    // Half the box: about 200 of the 400 lattice points (those on the diagonal excluded).
    expect(points.length).toBeGreaterThan(180);
    expect(points.length).toBeLessThan(220);
  });
});
