/**
 * A camera's field of view as a GeoJSON Polygon: the camera position plus an arc at the
 * camera's range, or a full circle for a PTZ camera (it can turn to look anywhere).
 *
 * Points at a distance and bearing from the camera come from a local tangent-plane (ENU)
 * approximation on turf's sphere (radius 6 371 008.8 m): metres east and north become degrees
 * through the scales at the camera's latitude. Against the great-circle destination on the
 * same sphere (turf.destination) the distance error stays below 0.1 % up to 5 km at latitudes
 * within ±60° (China reaches 53.6°N); the test suite checks this at 2 km. The sphere is the
 * one turf.area and turf.distance use, so areas and distances measured with turf agree.
 */
import { earthRadius } from '@turf/turf';
import type { Polygon, Position } from 'geojson';

export interface SectorOptions {
  lon: number;
  lat: number;
  /** Degrees clockwise from north; any finite value, normalised to [0, 360). Default 0. */
  heading?: number;
  /** Horizontal angle of view in degrees, (0, 360]; 360 gives a circle. Default 90. */
  fov?: number;
  /** Range in metres, (0, 5000]. Default 50. */
  rangeM?: number;
  /** A PTZ camera can turn: its field of view is the full circle whatever the heading and fov. */
  ptz?: boolean;
  /** Largest angle between consecutive arc vertices, in degrees, [0.1, 90]. Default 5. */
  stepDeg?: number;
}

const MAX_RANGE_M = 5000;
const MAX_ABS_LAT = 85;
const DEG = Math.PI / 180;

interface CheckedOptions {
  lon: number;
  lat: number;
  heading: number;
  fov: number;
  rangeM: number;
  stepDeg: number;
}

function requireFinite(name: string, value: number): void {
  if (!Number.isFinite(value)) throw new RangeError(`Camera ${name} must be a finite number, got ${value}`);
}

function requireWithin(name: string, value: number, ok: boolean, range: string): void {
  requireFinite(name, value);
  if (!ok) throw new RangeError(`Camera ${name} must be in ${range}, got ${value}`);
}

function checkOptions(options: SectorOptions): CheckedOptions {
  const { lon, lat, heading = 0, fov = 90, rangeM = 50, ptz = false, stepDeg = 5 } = options;
  requireWithin('lon', lon, lon >= -180 && lon <= 180, '[-180, 180]');
  // Near the poles a degree of longitude shrinks to nothing and the plane approximation fails.
  requireWithin('lat', lat, Math.abs(lat) <= MAX_ABS_LAT, `[-${MAX_ABS_LAT}, ${MAX_ABS_LAT}]`);
  requireFinite('heading', heading);
  requireWithin('fov', fov, fov > 0 && fov <= 360, '(0, 360] degrees');
  requireWithin('rangeM', rangeM, rangeM > 0 && rangeM <= MAX_RANGE_M, `(0, ${MAX_RANGE_M}] metres`);
  // The lower bound caps the vertex count (3600 for a circle); the upper keeps some curvature.
  requireWithin('stepDeg', stepDeg, stepDeg >= 0.1 && stepDeg <= 90, '[0.1, 90] degrees');
  return { lon, lat, heading: ((heading % 360) + 360) % 360, fov: ptz ? 360 : fov, rangeM, stepDeg };
}

/** Maps a bearing (degrees clockwise from north) at the camera's range to lon/lat. */
function pointAtBearing({ lon, lat, rangeM }: CheckedOptions): (bearing: number) => Position {
  const degLatPerM = 1 / (earthRadius * DEG);
  const degLonPerM = degLatPerM / Math.cos(lat * DEG);
  return (bearing) => [
    lon + rangeM * Math.sin(bearing * DEG) * degLonPerM,
    lat + rangeM * Math.cos(bearing * DEG) * degLatPerM,
  ];
}

/**
 * Bearings of the arc vertices, in DEcreasing order: bearings grow clockwise, so walking
 * them backwards makes the ring counter-clockwise as RFC 7946 asks. The fov is split into
 * equal steps no larger than stepDeg so that both edges of the view are exact.
 */
function arcBearings(heading: number, fov: number, stepDeg: number, fullCircle: boolean): number[] {
  const steps = Math.ceil(fov / stepDeg);
  const step = fov / steps;
  const end = heading + fov / 2;
  // A full circle's last vertex would repeat its first; the ring closes on it instead.
  const count = fullCircle ? steps : steps + 1;
  return Array.from({ length: count }, (_, i) => end - i * step);
}

/** The camera's field of view; throws a RangeError for options out of range. */
export function cameraSector(options: SectorOptions): Polygon {
  const checked = checkOptions(options);
  const { lon, lat, heading, fov, stepDeg } = checked;
  const circle = fov >= 360;
  const arc = arcBearings(heading, fov, stepDeg, circle).map(pointAtBearing(checked));
  const ring = circle ? [...arc, arc[0]] : [[lon, lat], ...arc, [lon, lat]];
  return { type: 'Polygon', coordinates: [ring] };
}
