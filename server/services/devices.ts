/**
 * Registering cameras and sensors, and showing them: a device body checked and turned into the
 * stored fields (a 20-digit numeric id is a GB/T 28181 id and must parse; a camera gets its
 * field-of-view sector), and a stored device shown with the live grid it stands in and, for a
 * camera, how its sector is shared among grids. The caller's area is the route's to check; this
 * module says where a device belongs (placeCode) so that it can.
 */
import type { Polygon } from 'geojson';
import type { Store } from '../db/connect.js';
import {
  camerasTouchingGrid,
  createDevice,
  deleteDevice,
  getDevice,
  listDevices,
  liveGridsTouching,
  updateDevice,
  type DeviceFields,
  type StoredDevice,
} from '../db/devices.js';
import { getGrid } from '../db/grids.js';
import { badInputError } from '../domain-errors.js';
import { parseGb28181Id, isGb28181Shaped, typeKindText } from '../geo/gb28181.js';
import { cameraSector } from '../geo/sector.js';
import { areaCoverage, sectorCoverage } from '../geo/coverage.js';
import { CRS_NAMES, isCrsName, toWgs84 } from '../geo/crs.js';
import { coordinateProblem } from '../geo/validate.js';
import { devicePlace } from '../access/places.js';
import type { Principal } from '../access/principal.js';
import { devicesInScope } from './device-places.js';
import type { GridLocator, LocatorSnapshot } from './grid-locator.js';
import { shown, text, type Text } from '../i18n/catalogue.js';
import type { CamerasAnswer, Device, DeviceAttributes } from '../api-types/devices.js';

/** What a device id may be: letters, digits and `_.:-`, up to 64 characters. */
export const DEVICE_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
export const SENSOR_TYPES = ['smoke', 'water_level', 'manhole_cover', 'gas', 'air', 'door', 'temperature', 'other'] as const;

function finiteOrNull(b: Record<string, unknown>, name: string, min: number, max: number): number | null {
  const value = b[name];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw badInputError('invalid_property', text('invalid_property.range', { name, min, max, got: shown(value) }));
  }
  return value;
}

/** A device id, checked as a GB/T 28181 id when it has that shape or claims that scheme. */
export function deviceIdProblem(id: unknown, scheme: unknown): Text | undefined {
  if (typeof id !== 'string' || !DEVICE_ID.test(id)) return text('invalid_device_id.shape', { got: shown(id, 80) });
  if (scheme !== undefined && scheme !== null && scheme !== 'gb28181') return text('invalid_device_id.scheme', { got: shown(scheme) });
  if (scheme === 'gb28181' || isGb28181Shaped(id)) {
    const parsed = parseGb28181Id(id);
    if (!parsed.ok) return text('invalid_device_id.gb28181', { id, reason: parsed.reason });
  }
  return undefined;
}

/** The body of POST/PUT /api/devices → the stored fields, or a bad-input error naming what is wrong. */
export function deviceFields(body: unknown, id: string): DeviceFields {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badInputError('invalid_json', text('invalid_json.device'));
  const b = body as Record<string, unknown>;
  const idProblem = deviceIdProblem(id, b.idScheme);
  if (idProblem) throw badInputError('invalid_device_id', idProblem);
  if (b.kind !== 'camera' && b.kind !== 'sensor') throw badInputError('invalid_property', text('invalid_property.device_kind'));
  if (typeof b.name !== 'string' || b.name.trim() === '' || b.name.length > 100) throw badInputError('invalid_property', text('invalid_property.device_name'));
  const problem = coordinateProblem(b.lon, b.lat);
  if (problem) throw badInputError(problem.code, problem.message);
  if (b.crs !== undefined && !isCrsName(b.crs)) throw badInputError('invalid_crs', text('invalid_crs', { allowed: CRS_NAMES, got: shown(b.crs) }));
  const [lon, lat] = toWgs84(b.lon as number, b.lat as number, b.crs ?? 'wgs84');
  const gb = isGb28181Shaped(id) || b.idScheme === 'gb28181' ? parseGb28181Id(id) : undefined;
  const center = gb?.ok ? gb.value : undefined;
  if (center && b.kind === 'camera' && !center.isCamera) {
    throw badInputError('invalid_device_id', text('invalid_device_id.not_camera', { id, type: center.typeCode, kind: typeKindText(center.typeCode) }));
  }
  const fields: DeviceFields = {
    kind: b.kind,
    name: b.name.trim(),
    idScheme: gb ? 'gb28181' : null,
    centerRegion: center?.regionCode ?? null,
    lon,
    lat,
    heightM: finiteOrNull(b, 'heightM', 0, 500),
    heading: null,
    fov: null,
    rangeM: null,
    ptz: false,
    sensorType: null,
    sector: null,
  };
  if (b.kind === 'sensor') {
    if (b.sensorType !== undefined && !(SENSOR_TYPES as readonly unknown[]).includes(b.sensorType)) {
      throw badInputError('invalid_property', text('invalid_property.sensor_type', { allowed: SENSOR_TYPES }));
    }
    fields.sensorType = (b.sensorType as string | undefined) ?? 'other';
    return fields;
  }
  if (b.ptz !== undefined && typeof b.ptz !== 'boolean') throw badInputError('invalid_property', text('invalid_property.ptz'));
  fields.ptz = b.ptz === true;
  fields.heading = finiteOrNull(b, 'heading', -360, 720);
  if (fields.heading === null && !fields.ptz) throw badInputError('invalid_property', text('invalid_property.heading'));
  fields.fov = finiteOrNull(b, 'fov', 1, 360) ?? (fields.ptz ? 360 : 60);
  fields.rangeM = finiteOrNull(b, 'rangeM', 1, 5000) ?? 50;
  fields.sector = cameraSector({ lon, lat, heading: fields.heading ?? 0, fov: fields.fov, rangeM: fields.rangeM, ptz: fields.ptz });
  return fields;
}

/** Which devices a list shows: SQL narrows by kind and bbox, the live grids by grid and place prefix. */
export interface DeviceListFilter {
  kind?: DeviceAttributes['kind'];
  bbox?: [number, number, number, number];
  gridCode?: string;
  /** A region's (or the caller's area's) code prefix: the devices placed under it. */
  placePrefix?: string;
  /** Each camera's coverage of the grids (a query per camera). */
  coverage: boolean;
}

/** The device use-cases: register, change, retire, list and show, over the store and the live grids. */
export class DeviceRegistry {
  constructor(
    private readonly store: Store,
    private readonly locator: GridLocator,
  ) {}

  /** The device as the API shows it; `coverage` (a query per camera) only when asked. */
  async present(device: StoredDevice, snapshot: LocatorSnapshot, withCoverage: boolean): Promise<Device> {
    const at = snapshot.index.locate(device.lon, device.lat);
    const gb = device.idScheme === 'gb28181' ? parseGb28181Id(device.id) : undefined;
    const { sector, centerRegion, ...rest } = device;
    return {
      ...rest,
      gridCode: at < 0 ? null : snapshot.grids[at].code,
      gb28181: gb?.ok ? gb.value : undefined,
      sector: sector ?? undefined,
      coverage: withCoverage && sector ? sectorCoverage(sector, await liveGridsTouching(this.store.db, sector)) : undefined,
    };
  }

  /** One device as the API shows it, with its coverage. */
  async show(device: StoredDevice): Promise<Device> {
    return this.present(device, await this.locator.live(), true);
  }

  /** Where a device belongs in the region tree: the live grid at its position, else its GB/T 28181 center's region. */
  async placeCode(device: Pick<DeviceFields, 'lon' | 'lat' | 'centerRegion'>): Promise<string> {
    const snapshot = await this.locator.live();
    const at = snapshot.index.locate(device.lon, device.lat);
    return devicePlace(at < 0 ? null : snapshot.grids[at].code, device.centerRegion);
  }

  /** A stored device (NotFound, or Gone once deleted). */
  stored(id: string): Promise<StoredDevice> {
    return getDevice(this.store.db, id);
  }

  /** The live devices a filter keeps, by id, as the API shows them. */
  async list(filter: DeviceListFilter): Promise<Device[]> {
    const [devices, snapshot] = await Promise.all([listDevices(this.store.db, { kind: filter.kind, bbox: filter.bbox }), this.locator.live()]);
    const shown: Device[] = [];
    for (const device of devices) {
      const view = await this.present(device, snapshot, filter.coverage);
      if (filter.gridCode && view.gridCode !== filter.gridCode) continue;
      if (filter.placePrefix && !devicePlace(view.gridCode, device.centerRegion).startsWith(filter.placePrefix)) continue;
      shown.push(view);
    }
    return shown;
  }

  register(id: string, fields: DeviceFields, at: Date): Promise<StoredDevice> {
    return createDevice(this.store.db, id, fields, at);
  }

  /** Replaces a device's fields when its version is `expected` (StaleVersion otherwise). */
  change(id: string, fields: DeviceFields, expected: number | 'any', at: Date): Promise<StoredDevice> {
    return updateDevice(this.store.db, id, fields, expected, at);
  }

  retire(id: string, expected: number | 'any', at: Date): Promise<void> {
    return deleteDevice(this.store.db, id, expected, at);
  }

  /**
   * The cameras that see into a grid: the share of it they cover and its blind spots (from every
   * camera that sees in), and the list of those in the principal's area.
   */
  async gridCameras(code: string, principal: Principal | undefined, withBlindSpots: boolean): Promise<CamerasAnswer> {
    const grid = await getGrid(this.store.db, code);
    const cameras = await camerasTouchingGrid(this.store.db, code);
    const snapshot = await this.locator.live();
    const { coveredShare, blindSpots } = areaCoverage(grid.geometry, cameras.map((c) => c.sector as Polygon));
    const visible = await devicesInScope(this.store.db, this.locator, principal, cameras);
    return {
      code,
      coveredShare,
      blindSpots: withBlindSpots ? blindSpots : undefined,
      cameras: await Promise.all(visible.map((c) => this.present(c, snapshot, false))),
    };
  }
}
