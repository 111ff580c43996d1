/**
 * Patrol tracks and what they cover, pure: the checks a track must pass, the streets within
 * reach of it (against turf's point-to-line distance), and the area of its corridors.
 */
import { describe, expect, it } from 'vitest';
import { pointToLineDistance, lineString, point } from '@turf/turf';
import type { LineString, Polygon, Position } from 'geojson';
import { checkTrack } from '../../server/geo/patrol.js';
import { areaCoverage, insideZones, lineCoverage, walkedZones, withinReach } from '../../server/geo/coverage.js';
import { fromWgs84 } from '../../server/geo/crs.js';
import { seededRandom } from '../../server/geo/random.js';

const NOW = Date.parse('2026-11-23T10:00:00+08:00');
const line = (coordinates: Position[]): LineString => ({ type: 'LineString', coordinates });
const times = (n: number, stepS = 10, start = NOW - 3_600_000) => Array.from({ length: n }, (_, i) => new Date(start + i * stepS * 1000).toISOString());
/** 0.001° of longitude at 30.5°N ≈ 95.8 m; of latitude ≈ 110.9 m. */
const east = (metres: number) => metres / 95_830;

describe('checkTrack', () => {
  const walk = [[114.3, 30.5], [114.3 + east(10), 30.5], [114.3 + east(20), 30.5]];

  it('takes a walk in WGS84 or GCJ-02 (then stored in WGS84) with its length', () => {
    const ok = checkTrack(line(walk), times(3), 'wgs84', NOW);
    expect(ok.ok && Math.round(ok.value.lengthM)).toBe(20);
    const gcj = walk.map(([lon, lat]) => fromWgs84(lon!, lat!, 'gcj02'));
    const shifted = checkTrack({ type: 'Feature', properties: { coordTimes: times(3) }, geometry: line(gcj) }, undefined, 'gcj02', NOW);
    expect(shifted.ok && shifted.value.coordinates[0]![0]).toBeCloseTo(114.3, 5);
  });

  it('refuses times out of order, outside China, impossible speeds, and the rest', () => {
    const code = (track: unknown, t: unknown) => {
      const result = checkTrack(track, t, 'wgs84', NOW);
      return result.ok ? 'ok' : result.problem.code;
    };
    expect(code(line(walk), [times(3)[0], times(3)[2], times(3)[1]])).toBe('times_out_of_order');
    expect(code(line([[2.35, 48.85], [2.351, 48.85]]), times(2))).toBe('outside_china');
    // 2 km in 10 s.
    expect(code(line([[114.3, 30.5], [114.3 + east(2000), 30.5]]), times(2))).toBe('implausible_speed');
    // A GPS jump of 40 m within a second is jitter, not speed.
    expect(code(line([[114.3, 30.5], [114.3 + east(40), 30.5]]), times(2, 1))).toBe('ok');
    expect(code(line(walk), times(2))).toBe('times_missing');
    expect(code(line([walk[0]!]), times(1))).toBe('too_few_points');
    expect(code(line(walk), times(3, 10, NOW + 3_600_000))).toBe('track_in_future');
    expect(code(line(walk), times(3, 10, NOW - 40 * 86_400_000))).toBe('track_too_old');
    expect(code(line(walk), ['8 o’clock', 'noon', 'later'])).toBe('invalid_time');
    expect(code({ type: 'Point', coordinates: [114.3, 30.5] }, times(1))).toBe('invalid_track');
  });
});

describe('withinReach', () => {
  it('agrees with turf’s point-to-line distance on random points', () => {
    const random = seededRandom(5);
    const track = line(Array.from({ length: 40 }, (_, i) => [114.3 + i * 0.0002 + random() * 0.0001, 30.5 + Math.sin(i / 5) * 0.0005]));
    const near = withinReach([track], 30);
    let disagreements = 0;
    for (let i = 0; i < 2000; i++) {
      const p = [114.2995 + random() * 0.0095, 30.4992 + random() * 0.0016];
      const metres = pointToLineDistance(point(p), lineString(track.coordinates), { units: 'meters' });
      // Exactly at the edge the two Earth models may differ by centimetres: judge clear cases only.
      if (Math.abs(metres - 30) > 0.2 && near(p) !== metres <= 30) disagreements++;
    }
    expect(disagreements).toBe(0);
    expect(withinReach([], 30)([114.3, 30.5])).toBe(false);
  });
});

describe('lineCoverage', () => {
  const street = line([[114.3, 30.5], [114.3 + east(200), 30.5]]);

  it('counts the part of a street a walk came within reach of, and returns the rest', () => {
    // A walk 20 m north of the street's first 100 m.
    const walk = line([[114.3, 30.5 + 20 / 110_900], [114.3 + east(100), 30.5 + 20 / 110_900]]);
    const covered = lineCoverage([street], withinReach([walk], 30));
    // 100 m along, plus the 22 m beyond its end that are still within 30 m.
    expect(covered.coveredShare).toBeGreaterThan(0.58);
    expect(covered.coveredShare).toBeLessThan(0.63);
    expect(Math.round(covered.totalM)).toBe(200);
    expect(covered.uncovered!.coordinates).toHaveLength(1);
    expect(covered.uncovered!.coordinates[0]!.at(-1)![0]).toBeCloseTo(114.3 + east(200), 7);
    // 40 m away covers nothing.
    expect(lineCoverage([street], withinReach([line([[114.3, 30.5 + 40 / 110_900], [114.3 + east(200), 30.5 + 40 / 110_900]])], 30)).coveredShare).toBe(0);
  });

  it('gives the same share through the walked corridors as by distance', () => {
    const walk = line([[114.3, 30.5], [114.3 + east(120), 30.5 + 30 / 110_900], [114.3 + east(150), 30.5]]);
    const byDistance = lineCoverage([street], withinReach([walk], 30)).coveredShare;
    const byCorridor = lineCoverage([street], insideZones(walkedZones([walk], 30))).coveredShare;
    expect(Math.abs(byDistance - byCorridor)).toBeLessThan(0.02);
  });
});

describe('walked area', () => {
  it('covers a 60 m wide corridor of a grid with no streets, the rest unwalked', () => {
    const grid: Polygon = { type: 'Polygon', coordinates: [[[114.3, 30.5], [114.301, 30.5], [114.301, 30.501], [114.3, 30.501], [114.3, 30.5]]] };
    const across = line([[114.2995, 30.5005], [114.3015, 30.5005]]);
    const { coveredShare, blindSpots } = areaCoverage(grid, walkedZones([across], 30));
    // 60 m of a 110.9 m tall grid.
    expect(coveredShare).toBeGreaterThan(0.52);
    expect(coveredShare).toBeLessThan(0.56);
    expect(blindSpots!.coordinates).toHaveLength(2);
  });
});
