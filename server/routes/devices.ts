/**
 * Cameras and sensors (/api/devices) and a grid's cameras: parse, check the caller's area, call
 * the device registry (server/services/devices.ts), answer with the device and its ETag.
 */
import { Router, type Request } from 'express';
import { apiRouter } from './router.js';
import { badRequest } from '../errors.js';
import type { Store } from '../db/connect.js';
import type { StoredDevice, DeviceFields } from '../db/devices.js';
import type { Clock } from '../clock.js';
import { assertCovers, assertVisible, lookupById, scopedPrefix } from '../http/authorize.js';
import { DEVICE_ID, DeviceRegistry, deviceFields, deviceIdProblem } from '../services/devices.js';
import type { GridLocator } from '../services/grid-locator.js';
import { bboxParam, codeParam, etag, ifMatchCondition, jsonBody, regionPrefixParam, stringParam } from './params.js';
import { shown, text } from '../i18n/catalogue.js';
import type { CamerasAnswer, DevicesAnswer } from '../api-types/devices.js';

function deviceIdParam(value: unknown): string {
  if (typeof value !== 'string' || !DEVICE_ID.test(value)) throw badRequest('invalid_device_id', text('invalid_device_id.param', { got: shown(value) }));
  return value;
}

function versionCondition(req: Request): number | 'any' {
  const condition = ifMatchCondition(req);
  if (condition === 'any') return 'any';
  if (condition.versions.length !== 1) throw badRequest('invalid_header', text('invalid_header.one_version'));
  return condition.versions[0];
}

/** The caller's area, checked against where a device is (or where an edit would put it). */
async function assertInScope(req: Request, registry: DeviceRegistry, device: Pick<DeviceFields, 'lon' | 'lat' | 'centerRegion'>): Promise<void> {
  if (req.principal) assertCovers(req, await registry.placeCode(device), text('subject.device'));
}

/** A stored device, refused outside the caller's area as an unknown id is (outOfScopeId). */
async function visibleDevice(req: Request, registry: DeviceRegistry, id: string): Promise<StoredDevice> {
  const device = await lookupById(req, text('subject.device'), id, registry.stored(id));
  if (req.principal) assertVisible(req, await registry.placeCode(device), text('subject.device'), id);
  return device;
}

export function devicesRouter(store: Store, locator: GridLocator, clock: Clock): Router {
  const router = apiRouter();
  const registry = new DeviceRegistry(store, locator);

  router.post('/', async (req, res) => {
    const body = jsonBody(req) as Record<string, unknown>;
    const id = body && typeof body === 'object' ? body.id : undefined;
    const idProblem = deviceIdProblem(id, body?.idScheme);
    if (idProblem) throw badRequest('invalid_device_id', idProblem);
    const fields = deviceFields(body, id as string);
    await assertInScope(req, registry, fields);
    const device = await registry.register(id as string, fields, clock.now());
    res.status(201).location(`/api/devices/${device.id}`).set('ETag', etag(device.version)).json(await registry.show(device));
  });

  router.get('/', async (req, res) => {
    const kind = stringParam(req, 'kind');
    if (kind !== undefined && kind !== 'camera' && kind !== 'sensor') throw badRequest('invalid_parameter', text('invalid_parameter.device_kind'));
    const grid = stringParam(req, 'grid');
    const gridCode = grid === undefined ? undefined : codeParam(grid, 15);
    const placePrefix = scopedPrefix(req, regionPrefixParam(req));
    const devices = await registry.list({ kind, bbox: bboxParam(req), gridCode, placePrefix, coverage: stringParam(req, 'coverage') === 'true' });
    const answer: DevicesAnswer = { total: devices.length, devices };
    res.json(answer);
  });

  router.get('/:id', async (req, res) => {
    const device = await visibleDevice(req, registry, deviceIdParam(req.params.id));
    res.set('ETag', etag(device.version)).json(await registry.show(device));
  });

  router.put('/:id', async (req, res) => {
    const id = deviceIdParam(req.params.id);
    const body = jsonBody(req) as Record<string, unknown>;
    if (body && typeof body === 'object' && body.id !== undefined && body.id !== id) throw badRequest('invalid_device_id', text('invalid_device_id.changed', { got: shown(body.id), id }));
    const fields = deviceFields(body, id);
    await visibleDevice(req, registry, id);
    await assertInScope(req, registry, fields);
    const device = await registry.change(id, fields, versionCondition(req), clock.now());
    res.set('ETag', etag(device.version)).json(await registry.show(device));
  });

  router.delete('/:id', async (req, res) => {
    const id = deviceIdParam(req.params.id);
    await visibleDevice(req, registry, id);
    await registry.retire(id, versionCondition(req), clock.now());
    res.status(204).end();
  });

  return router;
}

/** GET /api/grids/:code/cameras: the cameras that see into a grid, its covered share and blind spots. */
export function gridCamerasRouter(store: Store, locator: GridLocator): Router {
  const router = apiRouter();
  const registry = new DeviceRegistry(store, locator);
  router.get('/:code/cameras', async (req, res) => {
    const code = codeParam(req.params.code, 15);
    assertCovers(req, code, text('subject.grid'));
    // Coverage counts every camera that sees in; the list names the key's own area's cameras only.
    const answer: CamerasAnswer = await registry.gridCameras(code, req.principal, stringParam(req, 'blindSpots') !== 'false');
    res.json(answer);
  });
  return router;
}
