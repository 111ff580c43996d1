import { area, bearing, booleanClockwise, destination, distance, kinks, polygon } from '@turf/turf';
import type { Polygon, Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { cameraSector } from '../../server/geo/sector.js';

const CAMERA = { lon: 120.15, lat: 30.25 }; // Hangzhou
const CAMERA_POSITION: Position = [CAMERA.lon, CAMERA.lat];

/** The arc of a sector ring: everything between the apex at both ends. */
function arcOf(sector: Polygon): Position[] {
  return sector.coordinates[0].slice(1, -1);
}

function metresFromCamera(position: Position): number {
  return distance(CAMERA_POSITION, position, { units: 'meters' });
}

/** Area of a polygon inscribed in a circular arc: `steps` triangles of apex angle fov/steps. */
function inscribedArea(radius: number, fovDeg: number, steps: number): number {
  return (steps / 2) * radius ** 2 * Math.sin(((fovDeg / steps) * Math.PI) / 180);
}

function expectValidRing(sector: Polygon): void {
  const ring = sector.coordinates[0];
  expect(sector.coordinates).toHaveLength(1);
  expect(ring[0]).toEqual(ring[ring.length - 1]);
  for (let i = 1; i < ring.length; i++) expect(ring[i]).not.toEqual(ring[i - 1]);
  expect(booleanClockwise(ring)).toBe(false);
  expect(kinks(polygon(sector.coordinates)).features).toHaveLength(0);
}

describe('cameraSector', () => {
  it('has the area of a 90° sector of its range', () => {
    const sector = cameraSector({ ...CAMERA, heading: 30, fov: 90, rangeM: 100 });
    const measured = area(sector);
    expect(Math.abs(measured / ((Math.PI * 100 ** 2) / 4) - 1)).toBeLessThan(0.01);
    // Tighter: the 18 chords of 5° the arc is drawn with.
    expect(Math.abs(measured / inscribedArea(100, 90, 18) - 1)).toBeLessThan(0.001);
  });

  it('points north at heading 0: the middle of the arc is due north at the range', () => {
    const arc = arcOf(cameraSector({ ...CAMERA, heading: 0, fov: 90, rangeM: 100 }));
    const middle = arc[(arc.length - 1) / 2];
    expect(middle[0]).toBe(CAMERA.lon);
    expect(middle[1]).toBeGreaterThan(CAMERA.lat);
    expect(metresFromCamera(middle)).toBeCloseTo(100, 1);
    expect(bearing(CAMERA_POSITION, arc[0])).toBeCloseTo(45, 3);
    expect(bearing(CAMERA_POSITION, arc[arc.length - 1])).toBeCloseTo(-45, 3);
  });

  it('points east at heading 90', () => {
    const arc = arcOf(cameraSector({ ...CAMERA, heading: 90, fov: 60, rangeM: 100 }));
    const middle = arc[(arc.length - 1) / 2];
    expect(middle[1]).toBe(CAMERA.lat);
    expect(middle[0]).toBeGreaterThan(CAMERA.lon);
    expect(metresFromCamera(middle)).toBeCloseTo(100, 1);
    expect(bearing(CAMERA_POSITION, middle)).toBeCloseTo(90, 2);
  });

  it('points just west of north at heading 359, its view straddling north', () => {
    const arc = arcOf(cameraSector({ ...CAMERA, heading: 359, fov: 60, rangeM: 100 }));
    expect(bearing(CAMERA_POSITION, arc[(arc.length - 1) / 2])).toBeCloseTo(-1, 2);
    expect(bearing(CAMERA_POSITION, arc[0])).toBeCloseTo(29, 2);
    expect(bearing(CAMERA_POSITION, arc[arc.length - 1])).toBeCloseTo(-31, 2);
    expect(metresFromCamera(arc[(arc.length - 1) / 2])).toBeCloseTo(100, 1);
  });

  it('wraps across north for heading 350 with a 40° view', () => {
    const sector = cameraSector({ ...CAMERA, heading: 350, fov: 40, rangeM: 100 });
    const arc = arcOf(sector);
    expect(bearing(CAMERA_POSITION, arc[0])).toBeCloseTo(10, 3);
    expect(bearing(CAMERA_POSITION, arc[(arc.length - 1) / 2])).toBeCloseTo(-10, 3);
    expect(bearing(CAMERA_POSITION, arc[arc.length - 1])).toBeCloseTo(-30, 3);
    expect(arc.every(([, lat]) => lat > CAMERA.lat)).toBe(true);
    expect(Math.abs(area(sector) / inscribedArea(100, 40, 8) - 1)).toBeLessThan(0.001);
    // Any finite heading is normalised to [0, 360).
    expect(cameraSector({ ...CAMERA, heading: -10, fov: 40, rangeM: 100 })).toEqual(sector);
    expect(cameraSector({ ...CAMERA, heading: 710, fov: 40, rangeM: 100 })).toEqual(sector);
  });

  it('gives a PTZ camera the full circle, with no apex vertex', () => {
    const circle = cameraSector({ ...CAMERA, heading: 123, fov: 60, rangeM: 80, ptz: true });
    const ring = circle.coordinates[0];
    expect(ring).toHaveLength(72 + 1);
    for (const vertex of ring) expect(metresFromCamera(vertex)).toBeCloseTo(80, 1);
    expect(Math.abs(area(circle) / (Math.PI * 80 ** 2) - 1)).toBeLessThan(0.01);
    expect(Math.abs(area(circle) / inscribedArea(80, 360, 72) - 1)).toBeLessThan(0.001);
    expect(cameraSector({ ...CAMERA, fov: 360, rangeM: 80 }).coordinates[0]).toHaveLength(73);
  });

  it('splits the view into equal steps no larger than stepDeg, edges exact', () => {
    const arc = arcOf(cameraSector({ ...CAMERA, heading: 0, fov: 90, rangeM: 100, stepDeg: 7 }));
    expect(arc).toHaveLength(Math.ceil(90 / 7) + 1);
    expect(bearing(CAMERA_POSITION, arc[0])).toBeCloseTo(45, 3);
    expect(bearing(CAMERA_POSITION, arc[arc.length - 1])).toBeCloseTo(-45, 3);
    expect(bearing(CAMERA_POSITION, arc[0]) - bearing(CAMERA_POSITION, arc[1])).toBeCloseTo(90 / 13, 3);
  });

  it('makes closed, counter-clockwise, simple rings', () => {
    for (const options of [
      { heading: 0, fov: 90 },
      { heading: 350, fov: 40 },
      { heading: 200, fov: 1 },
      { heading: 10, fov: 359 },
      { heading: 0, fov: 360 },
      { heading: 77, ptz: true, stepDeg: 0.5 },
    ]) {
      expectValidRing(cameraSector({ ...CAMERA, rangeM: 100, ...options }));
    }
  });

  it('stays within 0.1 % of the great-circle destination at 2 km, even in the far north', () => {
    for (const lat of [18.2, 30.25, 53.5]) {
      const [, tip] = cameraSector({ lon: 120, lat, heading: 45, fov: 0.5, rangeM: 2000, stepDeg: 0.5 }).coordinates[0];
      const exact = destination([120, lat], 2, 45.25, { units: 'kilometers' });
      expect(distance(tip, exact, { units: 'meters' }) / 2000).toBeLessThan(0.001);
    }
  });

  it('refuses options out of range with a RangeError that names the option', () => {
    const cases: [Parameters<typeof cameraSector>[0], RegExp][] = [
      [{ ...CAMERA, lon: Number.NaN }, /lon must be a finite number/],
      [{ ...CAMERA, lon: 181 }, /lon must be in/],
      [{ ...CAMERA, lat: 89 }, /lat must be in/],
      [{ ...CAMERA, heading: Number.POSITIVE_INFINITY }, /heading must be a finite number/],
      [{ ...CAMERA, fov: 0 }, /fov must be in \(0, 360\]/],
      [{ ...CAMERA, fov: -30 }, /fov must be in/],
      [{ ...CAMERA, fov: 360.5 }, /fov must be in/],
      [{ ...CAMERA, fov: Number.NaN }, /fov must be a finite number/],
      [{ ...CAMERA, rangeM: 0 }, /rangeM must be in \(0, 5000\]/],
      [{ ...CAMERA, rangeM: 5000.1 }, /rangeM must be in/],
      [{ ...CAMERA, stepDeg: 0 }, /stepDeg must be in/],
    ];
    for (const [options, message] of cases) {
      expect(() => cameraSector(options)).toThrow(RangeError);
      expect(() => cameraSector(options)).toThrow(message);
    }
    expect(cameraSector({ ...CAMERA, rangeM: 5000 }).coordinates[0]).toHaveLength(1 + 19 + 1);
  });
});
