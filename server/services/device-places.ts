/**
 * Where registered devices sit in the region tree (server/access/places.ts): the live grid at
 * each one's position, else the region of its GB/T 28181 center code. Unknown ids are absent.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { feedDevices } from '../db/feeds.js';
import { devicePlace } from '../access/places.js';
import { covers, type Principal } from '../access/principal.js';
import { listDevices, type StoredDevice } from '../db/devices.js';
import { devicePositions, type Bbox } from '../db/ogc.js';
import type { GridLocator, LocatorSnapshot } from './grid-locator.js';

export async function devicePlaces(db: Kysely<Database>, locator: GridLocator, ids: readonly string[]): Promise<Map<string, string>> {
  const [devices, snapshot] = await Promise.all([feedDevices(db, [...new Set(ids)]), locator.live()]);
  const places = new Map<string, string>();
  for (const [id, device] of devices) {
    const at = snapshot.index.locate(device.lon, device.lat);
    places.set(id, devicePlace(at < 0 ? null : snapshot.grids[at]!.code, device.centerRegion));
  }
  return places;
}

/** The devices of a list that lie in a key's area (all of them for no key or a whole-tree key). */
export async function devicesInScope<T extends { id: string }>(db: Kysely<Database>, locator: GridLocator, principal: Principal | undefined, devices: T[]): Promise<T[]> {
  if (!principal || principal.regionCode === null || devices.length === 0) return devices;
  const places = await devicePlaces(db, locator, devices.map((d) => d.id));
  return devices.filter((d) => covers(principal, places.get(d.id) ?? ''));
}

/** The live grid at a point of a locator snapshot, or null outside every grid. */
function gridCodeAt(snapshot: LocatorSnapshot, lon: number, lat: number): string | null {
  const at = snapshot.index.locate(lon, lat);
  return at < 0 ? null : snapshot.grids[at].code;
}

export interface PlacedDevice {
  device: StoredDevice;
  /** The live grid it stands in, or null. */
  gridCode: string | null;
}

/**
 * A page of devices in stable id order, each with the live grid it stands in: filtered by kind
 * and bbox in SQL, by grid and by the place prefix (a key's area, a region) after locating them.
 */
export async function placedDevicePage(
  db: Kysely<Database>,
  locator: GridLocator,
  filter: { kinds?: string[]; bbox?: Bbox; gridCode?: string; placePrefix?: string },
  page: { limit: number; offset: number },
): Promise<{ total: number; devices: PlacedDevice[] }> {
  const [positions, snapshot] = await Promise.all([devicePositions(db, { kinds: filter.kinds, bbox: filter.bbox }), locator.live()]);
  const placed = positions
    .map((device) => ({ ...device, gridCode: gridCodeAt(snapshot, device.lon, device.lat) }))
    .filter(
      (device) =>
        (filter.gridCode === undefined || device.gridCode === filter.gridCode) &&
        (filter.placePrefix === undefined || devicePlace(device.gridCode, device.centerRegion).startsWith(filter.placePrefix)),
    );
  const shown = placed.slice(page.offset, page.offset + page.limit);
  const devices = shown.length ? await listDevices(db, { ids: shown.map((device) => device.id) }) : [];
  const gridCodes = new Map(shown.map((device) => [device.id, device.gridCode]));
  return { total: placed.length, devices: devices.map((device) => ({ device, gridCode: gridCodes.get(device.id) ?? null })) };
}

/** One device with the live grid it stands in; undefined for an id that names none. */
export async function placedDevice(db: Kysely<Database>, locator: GridLocator, id: string): Promise<PlacedDevice | undefined> {
  const [device] = await listDevices(db, { ids: [id] });
  if (!device) return undefined;
  const snapshot = await locator.live();
  return { device, gridCode: gridCodeAt(snapshot, device.lon, device.lat) };
}
