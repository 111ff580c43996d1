/**
 * Cameras and sensors. A device comes back with the grid it stands in (looked up in the live
 * grids when read) and, for a camera, its field-of-view sector and how that sector is shared
 * among grids. A 20-digit numeric id is a GB/T 28181 id and must parse; other ids are free-form.
 */
import { Router, type Request } from 'express';
import { apiRouter } from './router.js';
import type { Polygon } from 'geojson';
import { badRequest } from '../errors.js';
import type { Store } from '../db/connect.js';
import type { Clock } from '../clock.js';
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
import { parseGb28181Id, isGb28181Shaped, typeKindText } from '../geo/gb28181.js';
import { cameraSector } from '../geo/sector.js';
import { areaCoverage, sectorCoverage } from '../geo/coverage.js';
import { toWgs84 } from '../geo/crs.js';
import { levelOfRegionCode, regionPrefix } from '../geo/codes.js';
import { assertCovers, assertVisible, lookupById, scopedPrefix } from '../http/authorize.js';
import { devicesInScope } from '../services/device-places.js';
import { devicePlace } from '../access/places.js';
import { coordinateProblem } from '../geo/validate.js';
import type { GridLocator, LocatorSnapshot } from '../services/grid-locator.js';
import { bboxParam, codeParam, crsParam, etag, ifMatchCondition, jsonBody, stringParam } from './params.js';
import { shown, text, type Text } from '../i18n/catalogue.js';
import type { CamerasAnswer, Device, DevicesAnswer } from '../api-types/devices.js';

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
export const SENSOR_TYPES = ['smoke', 'water_level', 'manhole_cover', 'gas', 'air', 'door', 'temperature', 'other'] as const;

function finiteOrNull(b: Record<string, unknown>, name: string, min: number, max: number): number | null {
  const value = b[name];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw badRequest('invalid_property', text('invalid_property.range', { name, min, max, got: shown(value) }));
  }
  return value;
}

/** A device id, checked as a GB/T 28181 id when it has that shape or claims that scheme. */
export function deviceIdProblem(id: unknown, scheme: unknown): Text | undefined {
  if (typeof id !== 'string' || !ID.test(id)) return text('invalid_device_id.shape', { got: shown(id, 80) });
  if (scheme !== undefined && scheme !== null && scheme !== 'gb28181') return text('invalid_device_id.scheme', { got: shown(scheme) });
  if (scheme === 'gb28181' || isGb28181Shaped(id)) {
    const parsed = parseGb28181Id(id);
    if (!parsed.ok) return text('invalid_device_id.gb28181', { id, reason: parsed.reason });
  }
  return undefined;
}

/** The body of POST/PUT /api/devices → the stored fields, or a 400 naming what is wrong. */
export function deviceFields(body: unknown, id: string): DeviceFields {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('invalid_json', text('invalid_json.device'));
  const b = body as Record<string, unknown>;
  const idProblem = deviceIdProblem(id, b.idScheme);
  if (idProblem) throw badRequest('invalid_device_id', idProblem);
  if (b.kind !== 'camera' && b.kind !== 'sensor') throw badRequest('invalid_property', text('invalid_property.device_kind'));
  if (typeof b.name !== 'string' || b.name.trim() === '' || b.name.length > 100) throw badRequest('invalid_property', text('invalid_property.device_name'));
  const problem = coordinateProblem(b.lon, b.lat);
  if (problem) throw badRequest(problem.code, problem.message);
  const [lon, lat] = toWgs84(b.lon as number, b.lat as number, crsParam(b.crs));
  const gb = isGb28181Shaped(id) || b.idScheme === 'gb28181' ? parseGb28181Id(id) : undefined;
  const center = gb?.ok ? gb.value : undefined;
  if (center && b.kind === 'camera' && !center.isCamera) {
    throw badRequest('invalid_device_id', text('invalid_device_id.not_camera', { id, type: center.typeCode, kind: typeKindText(center.typeCode) }));
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
      throw badRequest('invalid_property', text('invalid_property.sensor_type', { allowed: SENSOR_TYPES }));
    }
    fields.sensorType = (b.sensorType as string | undefined) ?? 'other';
    return fields;
  }
  if (b.ptz !== undefined && typeof b.ptz !== 'boolean') throw badRequest('invalid_property', text('invalid_property.ptz'));
  fields.ptz = b.ptz === true;
  fields.heading = finiteOrNull(b, 'heading', -360, 720);
  if (fields.heading === null && !fields.ptz) throw badRequest('invalid_property', text('invalid_property.heading'));
  fields.fov = finiteOrNull(b, 'fov', 1, 360) ?? (fields.ptz ? 360 : 60);
  fields.rangeM = finiteOrNull(b, 'rangeM', 1, 5000) ?? 50;
  fields.sector = cameraSector({ lon, lat, heading: fields.heading ?? 0, fov: fields.fov, rangeM: fields.rangeM, ptz: fields.ptz });
  return fields;
}

export class DevicePresenter {
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

  async one(device: StoredDevice): Promise<Device> {
    return this.present(device, await this.locator.live(), true);
  }

  /** Where a device belongs in the region tree: the live grid at its position, else its GB/T 28181 center's region. */
  async placeCode(device: Pick<DeviceFields, 'lon' | 'lat' | 'centerRegion'>): Promise<string> {
    const snapshot = await this.locator.live();
    const at = snapshot.index.locate(device.lon, device.lat);
    return devicePlace(at < 0 ? null : snapshot.grids[at].code, device.centerRegion);
  }

  /** Refuses a device (where it is, or where an edit would put it) outside the caller's area. */
  async assertInScope(req: Request, device: Pick<DeviceFields, 'lon' | 'lat' | 'centerRegion'>): Promise<void> {
    if (req.principal) assertCovers(req, await this.placeCode(device), text('subject.device'));
  }

  /** A stored device, looked up by id, refused outside the caller's area as an unknown id is (outOfScopeId). */
  async visible(req: Request, id: string): Promise<StoredDevice> {
    const device = await lookupById(req, text('subject.device'), id, getDevice(this.store.db, id));
    if (req.principal) assertVisible(req, await this.placeCode(device), text('subject.device'), id);
    return device;
  }
}

function deviceIdParam(value: unknown): string {
  if (typeof value !== 'string' || !ID.test(value)) throw badRequest('invalid_device_id', text('invalid_device_id.param', { got: shown(value) }));
  return value;
}

function versionCondition(req: Request): number | 'any' {
  const condition = ifMatchCondition(req);
  if (condition === 'any') return 'any';
  if (condition.versions.length !== 1) throw badRequest('invalid_header', text('invalid_header.one_version'));
  return condition.versions[0];
}

export function devicesRouter(store: Store, locator: GridLocator, clock: Clock): Router {
  const router = apiRouter();
  const presenter = new DevicePresenter(store, locator);

  router.post('/', async (req, res) => {
    const body = jsonBody(req) as Record<string, unknown>;
    const id = body && typeof body === 'object' ? body.id : undefined;
    const idProblem = deviceIdProblem(id, body?.idScheme);
    if (idProblem) throw badRequest('invalid_device_id', idProblem);
    const fields = deviceFields(body, id as string);
    await presenter.assertInScope(req, fields);
    const device = await createDevice(store.db, id as string, fields, clock.now());
    res.status(201).location(`/api/devices/${device.id}`).set('ETag', etag(device.version)).json(await presenter.one(device));
  });

  router.get('/', async (req, res) => {
    const kind = stringParam(req, 'kind');
    if (kind !== undefined && kind !== 'camera' && kind !== 'sensor') throw badRequest('invalid_parameter', text('invalid_parameter.device_kind'));
    const grid = stringParam(req, 'grid');
    const gridCode = grid === undefined ? undefined : codeParam(grid, 15);
    const region = stringParam(req, 'region');
    let prefix: string | undefined;
    if (region !== undefined) {
      const code = codeParam(region, 12);
      const level = levelOfRegionCode(code);
      if (!level) throw badRequest('invalid_code', text('invalid_code.not_region', { code }));
      prefix = regionPrefix(code, level);
    }
    prefix = scopedPrefix(req, prefix);
    const coverage = stringParam(req, 'coverage') === 'true';
    const [devices, snapshot] = await Promise.all([listDevices(store.db, { kind, bbox: bboxParam(req) }), locator.live()]);
    const shown: Device[] = [];
    for (const device of devices) {
      const view = await presenter.present(device, snapshot, coverage);
      if (gridCode && view.gridCode !== gridCode) continue;
      if (prefix && !devicePlace(view.gridCode, device.centerRegion).startsWith(prefix)) continue;
      shown.push(view);
    }
    const answer: DevicesAnswer = { total: shown.length, devices: shown };
    res.json(answer);
  });

  router.get('/:id', async (req, res) => {
    const device = await presenter.visible(req, deviceIdParam(req.params.id));
    res.set('ETag', etag(device.version)).json(await presenter.one(device));
  });

  router.put('/:id', async (req, res) => {
    const id = deviceIdParam(req.params.id);
    const body = jsonBody(req) as Record<string, unknown>;
    if (body && typeof body === 'object' && body.id !== undefined && body.id !== id) throw badRequest('invalid_device_id', text('invalid_device_id.changed', { got: shown(body.id), id }));
    const fields = deviceFields(body, id);
    await presenter.visible(req, id);
    await presenter.assertInScope(req, fields);
    const device = await updateDevice(store.db, id, fields, versionCondition(req), clock.now());
    res.set('ETag', etag(device.version)).json(await presenter.one(device));
  });

  router.delete('/:id', async (req, res) => {
    const id = deviceIdParam(req.params.id);
    await presenter.visible(req, id);
    await deleteDevice(store.db, id, versionCondition(req), clock.now());
    res.status(204).end();
  });

  return router;
}

/** GET /api/grids/:code/cameras: the cameras that see into a grid, its covered share and blind spots. */
export function gridCamerasRouter(store: Store, locator: GridLocator): Router {
  const router = apiRouter();
  const presenter = new DevicePresenter(store, locator);
  router.get('/:code/cameras', async (req, res) => {
    const code = codeParam(req.params.code, 15);
    assertCovers(req, code, text('subject.grid'));
    const grid = await getGrid(store.db, code);
    const cameras = await camerasTouchingGrid(store.db, code);
    const snapshot = await locator.live();
    const { coveredShare, blindSpots } = areaCoverage(grid.geometry, cameras.map((c) => c.sector as Polygon));
    const answer: CamerasAnswer = {
      code,
      coveredShare,
      blindSpots: stringParam(req, 'blindSpots') === 'false' ? undefined : blindSpots,
      // Coverage counts every camera that sees in; the list names the key's own area's cameras only.
      cameras: await Promise.all((await devicesInScope(store.db, locator, req.principal, cameras)).map((c) => presenter.present(c, snapshot, false))),
    };
    res.json(answer);
  });
  return router;
}

