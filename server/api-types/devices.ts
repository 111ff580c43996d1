/**
 * Cameras and sensors as the API answers them (GET /api/devices…, a grid's cameras), declared
 * once: the server builds them (services/devices.ts) and the web client reads them. Types only.
 */
import type { MultiPolygon, Polygon } from 'geojson';
import type { Gb28181Id } from '../geo/gb28181.js';
import type { SectorShare } from '../geo/sector-share.js';

/** What a device is and where it stands, as sent and stored (db/devices.ts's fields add its centre's region and sector). */
export interface DeviceAttributes {
  kind: 'camera' | 'sensor';
  name: string;
  idScheme: 'gb28181' | null;
  /** WGS84. */
  lon: number;
  lat: number;
  heightM: number | null;
  heading: number | null;
  fov: number | null;
  rangeM: number | null;
  ptz: boolean;
  sensorType: string | null;
}

export interface Device extends DeviceAttributes {
  id: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** The live grid it stands in. */
  gridCode: string | null;
  /** Its id read as a GB/T 28181 id, when it is one. */
  gb28181?: Gb28181Id;
  /** A camera's field of view. */
  sector?: Polygon;
  /** Which grids the sector falls in (one device, or a list asked with coverage=true). */
  coverage?: SectorShare[];
}

/** GET /api/devices. */
export interface DevicesAnswer {
  total: number;
  devices: Device[];
}

/** A camera as a grid's camera list shows it (GET /api/grids/:code/cameras). */
export type CameraView = Device;

/** GET /api/grids/:code/cameras: the cameras that see into a grid, its covered share and blind spots. */
export interface CamerasAnswer {
  code: string;
  coveredShare: number;
  /** Left out with blindSpots=false; null when the cameras see all of it. */
  blindSpots?: MultiPolygon | null;
  cameras: CameraView[];
}
