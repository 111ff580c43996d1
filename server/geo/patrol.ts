/**
 * A patrol track (巡查轨迹) as a phone records it: a LineString with a time per point, in WGS84
 * or GCJ-02 (what Chinese phones' map SDKs give). Checked before it is stored: times present
 * and in order, every point inside China, and speeds a person on foot, bicycle or scooter could
 * make — allowing for the GPS fixes of a phone that jump a few tens of metres.
 *
 * Pure: no I/O. Problems come back as codes with parameters; the caller words them.
 */
import { length, lineString } from '@turf/turf';
import type { LineString, Position } from 'geojson';
import { toWgs84, type CrsName } from './crs.js';
import { insideChinaExtent } from './validate.js';

export interface TrackLimits {
  /** Most points in one piece. */
  maxPoints: number;
  /** Fastest plausible speed between two fixes, m/s (a motor scooter in town). */
  maxSpeedMs: number;
  /** A fix may be this far off the last one whatever the time between them (GPS jitter), m. */
  jitterM: number;
  /** Longest time one piece may span, ms. */
  maxSpanMs: number;
  /** How far in the future a time may lie (clocks differ), ms. */
  futureSlackMs: number;
  /** How old a piece may be (kept on the phone while offline), ms. */
  maxAgeMs: number;
}

export const defaultTrackLimits: TrackLimits = {
  // About 700 kB of JSON: a piece fits the 1 MB a JSON body may have (the phone sends far smaller ones).
  maxPoints: 10_000,
  maxSpeedMs: 30,
  jitterM: 50,
  maxSpanMs: 12 * 3_600_000,
  futureSlackMs: 5 * 60_000,
  maxAgeMs: 31 * 86_400_000,
};

export interface Track {
  /** WGS84 positions. */
  coordinates: Position[];
  /** Epoch milliseconds of each position. */
  times: number[];
  lengthM: number;
  startedAt: Date;
  endedAt: Date;
}

export interface TrackProblem {
  code:
    | 'invalid_track'
    | 'too_few_points'
    | 'too_many_points'
    | 'invalid_coordinates'
    | 'outside_china'
    | 'times_missing'
    | 'invalid_time'
    | 'times_out_of_order'
    | 'implausible_speed'
    | 'track_too_long'
    | 'track_in_future'
    | 'track_too_old';
  params: Record<string, string | number>;
}

export type TrackCheck = { ok: true; value: Track } | { ok: false; problem: TrackProblem };

const EARTH_RADIUS_M = 6_371_008.8;

/** Metres between two nearby WGS84 positions (haversine). */
export function metresBetween(a: Position, b: Position): number {
  const rad = Math.PI / 180;
  const dLat = (b[1]! - a[1]!) * rad;
  const dLon = (b[0]! - a[0]!) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1]! * rad) * Math.cos(b[1]! * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

const fail = (code: TrackProblem['code'], params: TrackProblem['params'] = {}): TrackCheck => ({ ok: false, problem: { code, params } });

/** An ISO 8601 time with a date and a time of day, or epoch milliseconds. */
function timeOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : undefined;
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?$/.test(value)) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

/**
 * The line and its times from what a phone sends: a Feature<LineString> whose properties carry
 * `times` (or `coordTimes`, as GPX converters write it), or a bare LineString with `times` beside it.
 */
export function trackParts(track: unknown, times: unknown): { line: unknown; times: unknown } {
  if (track !== null && typeof track === 'object' && (track as { type?: unknown }).type === 'Feature') {
    const properties = ((track as { properties?: unknown }).properties ?? {}) as Record<string, unknown>;
    return { line: (track as { geometry?: unknown }).geometry, times: times ?? properties.times ?? properties.coordTimes };
  }
  return { line: track, times };
}

/** Checks a track (see the module comment) and returns it in WGS84 with its length. */
export function checkTrack(track: unknown, rawTimes: unknown, crs: CrsName, now: number, limits: TrackLimits = defaultTrackLimits): TrackCheck {
  const { line, times } = trackParts(track, rawTimes);
  if (line === null || typeof line !== 'object' || (line as LineString).type !== 'LineString' || !Array.isArray((line as LineString).coordinates)) return fail('invalid_track');
  const given = (line as LineString).coordinates as unknown[];
  if (given.length < 2) return fail('too_few_points', { points: given.length });
  if (given.length > limits.maxPoints) return fail('too_many_points', { points: given.length, max: limits.maxPoints });
  if (!Array.isArray(times)) return fail('times_missing', { points: given.length });
  if (times.length !== given.length) return fail('times_missing', { points: given.length, times: times.length });

  const coordinates: Position[] = [];
  const stamps: number[] = [];
  for (let i = 0; i < given.length; i++) {
    const position = given[i];
    if (!Array.isArray(position) || position.length < 2 || typeof position[0] !== 'number' || typeof position[1] !== 'number' || !Number.isFinite(position[0]) || !Number.isFinite(position[1])) {
      return fail('invalid_coordinates', { index: i });
    }
    // The extent check comes first, in the system as sent: a GCJ-02 shift is meaningless outside China.
    if (!insideChinaExtent([position[0], position[1]])) return fail('outside_china', { index: i, lon: position[0], lat: position[1] });
    const [lon, lat] = toWgs84(position[0], position[1], crs);
    coordinates.push([lon, lat]);
    const time = timeOf(times[i]);
    if (time === undefined) return fail('invalid_time', { index: i, value: String(times[i]).slice(0, 40) });
    stamps.push(time);
  }

  for (let i = 1; i < stamps.length; i++) {
    const dt = stamps[i]! - stamps[i - 1]!;
    if (dt < 0) return fail('times_out_of_order', { index: i });
    const metres = metresBetween(coordinates[i - 1]!, coordinates[i]!);
    if (metres > limits.jitterM + limits.maxSpeedMs * (dt / 1000)) {
      return fail('implausible_speed', { index: i, metres: Math.round(metres), seconds: Math.round(dt / 100) / 10, maxKmh: Math.round(limits.maxSpeedMs * 3.6) });
    }
  }
  const first = stamps[0]!;
  const last = stamps[stamps.length - 1]!;
  if (last - first > limits.maxSpanMs) return fail('track_too_long', { hours: Math.round(limits.maxSpanMs / 3_600_000) });
  if (last > now + limits.futureSlackMs) return fail('track_in_future', {});
  if (first < now - limits.maxAgeMs) return fail('track_too_old', { days: Math.round(limits.maxAgeMs / 86_400_000) });

  return {
    ok: true,
    value: { coordinates, times: stamps, lengthM: length(lineString(coordinates), { units: 'kilometers' }) * 1000, startedAt: new Date(first), endedAt: new Date(last) },
  };
}
