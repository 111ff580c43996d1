/**
 * A local equirectangular projection: lon/lat degrees ↔ metres around an origin. Over the few
 * kilometres of a village or town its scale error is far below a metre per kilometre, and it
 * is exact to invert — all the division needs to measure lengths, areas and distances.
 */
import { EARTH_RADIUS_M, RAD } from '../earth.js';
import type { XY } from './types.js';


export interface LocalProjection {
  origin: [number, number];
  forward(lonLat: ArrayLike<number>): XY;
  inverse(xy: ArrayLike<number>): [number, number];
}

export function localProjection(originLon: number, originLat: number): LocalProjection {
  const mPerDegLat = EARTH_RADIUS_M * RAD;
  const mPerDegLon = mPerDegLat * Math.cos(originLat * RAD);
  return {
    origin: [originLon, originLat],
    forward: (p) => [(p[0] - originLon) * mPerDegLon, (p[1] - originLat) * mPerDegLat],
    inverse: (p) => [p[0] / mPerDegLon + originLon, p[1] / mPerDegLat + originLat],
  };
}
