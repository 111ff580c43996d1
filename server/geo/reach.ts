/**
 * How far from a device an event it reports may lie. A camera reports what it sees: a point
 * within its field of view (a little slack for the view drawn short or a target at its edge);
 * a sensor, or a camera whose view is not known, reports about where it stands. An event placed
 * further away is not the device's to report — it would open or join incidents of another area.
 */
import { distance, pointToPolygonDistance } from '@turf/turf';
import type { Polygon } from 'geojson';

/** Slack around a camera's field of view, in metres. */
export const VIEW_SLACK_M = 50;
/** Reach of a sensor (or a camera without a known view) from its own position, in metres. */
export const POSITION_REACH_M = 300;

export interface DeviceReach {
  lon: number;
  lat: number;
  /** A camera's field of view, when known. */
  sector?: Polygon | null;
}

/** Metres by which a point lies beyond the device's reach; 0 when it is within. */
export function beyondReach(point: [number, number], device: DeviceReach): number {
  if (device.sector) {
    const outside = Math.max(0, pointToPolygonDistance(point, device.sector, { units: 'meters' }));
    return outside > VIEW_SLACK_M ? outside - VIEW_SLACK_M : 0;
  }
  const away = distance([device.lon, device.lat], point, { units: 'meters' });
  return away > POSITION_REACH_M ? away - POSITION_REACH_M : 0;
}
