/**
 * Where registered devices sit in the region tree (server/access/places.ts): the live grid at
 * each one's position, else the region of its GB/T 28181 center code. Unknown ids are absent.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { feedDevices } from '../db/feeds.js';
import { devicePlace } from '../access/places.js';
import { covers, type Principal } from '../access/principal.js';
import type { GridLocator } from './grid-locator.js';

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
