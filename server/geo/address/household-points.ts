/**
 * A village's households from its standard-address registry (一标三实), as the division's
 * buildings: the addresses that are households (households.ts: no address lies beneath them)
 * gathered by their point — the units of one building share the building's point — each point
 * one building of as many households, in the compound (小区) its addresses name when they all
 * name the same one.
 */
import type { Feature, Point } from 'geojson';
import { householdFlags } from './households.js';
import type { ParsedAddress } from './types.js';

export interface RegistryPoint {
  lon: number;
  lat: number;
  levels: ParsedAddress;
}

export function householdPoints(addresses: readonly RegistryPoint[]): Feature<Point, { households: number; compound?: string }>[] {
  const isHousehold = householdFlags(addresses.map((a) => a.levels));
  const byPoint = new Map<string, { lon: number; lat: number; households: number; compounds: Set<string | undefined> }>();
  addresses.forEach((address, i) => {
    if (!isHousehold[i]) return;
    // 1e-7° (≈ 1 cm): the same point as the registry wrote it.
    const key = `${Math.round(address.lon * 1e7)},${Math.round(address.lat * 1e7)}`;
    const point = byPoint.get(key) ?? { lon: address.lon, lat: address.lat, households: 0, compounds: new Set() };
    point.households++;
    point.compounds.add(address.levels.compound);
    byPoint.set(key, point);
  });
  return [...byPoint.values()].map((point) => {
    const [compound] = point.compounds;
    return {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [point.lon, point.lat] },
      properties: { households: point.households, ...(point.compounds.size === 1 && compound ? { compound } : {}) },
    };
  });
}
