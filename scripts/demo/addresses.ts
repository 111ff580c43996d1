/**
 * The demo's standard addresses (标准地址), tied to its real buildings: every building with
 * households gets a door number on the nearest named road it faces, and one room address per
 * household, placed inside its footprint — so a grid's registered households equal what its
 * buildings hold.
 *
 *   湖北省武汉市洪山区关山街道珞喻路1037号            the building's gate (门牌)
 *   湖北省武汉市洪山区关山街道珞喻路1037号3栋2单元502室   one household
 *
 * Numbers run along the road from its first vertex, odd on its left and even on its right, about
 * one number per 10 m as door plates do; a number already taken moves on to the next free one.
 * The building is called by its OSM name when it has one (学生公寓9栋), else `N栋` in the order of
 * the numbers on that road.
 */
import * as turf from '@turf/turf';
import type { Feature, LineString, Polygon, Position } from 'geojson';
import { floorsOf } from '../../server/geo/households.js';

interface Building {
  feature: Feature<Polygon>;
  households: number;
  regionCode: string;
  osmId: number;
  name: string | null;
}

interface Line {
  kind: string;
  name?: string;
  geometry: LineString | Polygon;
}

interface Region {
  code: string;
  name: string;
}

export interface DemoAddresses {
  csv: string;
  count: number;
  homes: number;
  /** The gate address of each building with households, by OSM id. */
  gateOf: Map<number, string>;
}

const ROOMS_PER_LANDING = 4;

export function demoAddresses(input: { buildings: Building[]; lines: Line[]; prefix: string; streets: Region[] }): DemoAddresses {
  const roads = input.lines.filter((l): l is Line & { name: string; geometry: LineString } => l.kind === 'road' && !!l.name && l.geometry.type === 'LineString');
  const taken = new Map<string, Set<number>>();
  const buildingsOnRoad = new Map<string, number>();
  const rows: string[] = ['address,lon,lat'];
  const gateOf = new Map<number, string>();
  let homes = 0;
  const homesFirst = [...input.buildings].filter((b) => b.households > 0).sort((a, b) => a.osmId - b.osmId);
  for (const building of homesFirst) {
    const at = turf.pointOnFeature(building.feature);
    const { road, along, side } = nearestRoad(at.geometry.coordinates, roads);
    const numbers = taken.get(road) ?? new Set<number>();
    taken.set(road, numbers);
    let number = 2 * Math.max(0, Math.round(along / 20)) + (side === 'left' ? 1 : 2);
    while (numbers.has(number)) number += 2;
    numbers.add(number);
    const streetCode = `${building.regionCode.slice(0, 9)}000`;
    const street = input.streets.find((s) => s.code === streetCode)!.name;
    const gate = `${input.prefix}${street}${road}${number}号`;
    gateOf.set(building.osmId, gate);
    const [lon, lat] = at.geometry.coordinates.map((v) => v.toFixed(7));
    rows.push(`${gate},${lon},${lat}`);
    const ordinal = (buildingsOnRoad.get(road) ?? 0) + 1;
    buildingsOnRoad.set(road, ordinal);
    const label = building.name && /[栋楼幢座]$/.test(building.name) ? building.name : `${ordinal}栋`;
    const properties = (building.feature.properties ?? {}) as Record<string, unknown>;
    const floors = Math.max(1, floorsOf(properties, turf.area(building.feature)));
    const perFloor = Math.ceil(building.households / floors);
    for (let k = 0; k < building.households; k++) {
      const floor = Math.floor(k / perFloor) + 1;
      const onFloor = k % perFloor;
      const unit = Math.floor(onFloor / ROOMS_PER_LANDING) + 1;
      const room = (onFloor % ROOMS_PER_LANDING) + 1;
      rows.push(`${gate}${label}${unit}单元${floor}${String(room).padStart(2, '0')}室,${lon},${lat}`);
      homes++;
    }
  }
  return { csv: `${rows.join('\n')}\n`, count: rows.length - 1, homes, gateOf };
}

/** The named road nearest to a point: its name, the distance along it (m) and the side the point is on. */
function nearestRoad(point: Position, roads: { name: string; geometry: LineString }[]): { road: string; along: number; side: 'left' | 'right' } {
  let best: { road: string; along: number; side: 'left' | 'right'; distance: number } | undefined;
  for (const road of roads) {
    const line = turf.lineString(road.geometry.coordinates);
    const snapped = turf.nearestPointOnLine(line, point, { units: 'meters' });
    const distance = snapped.properties.dist ?? Infinity;
    if (best && distance >= best.distance) continue;
    const i = Math.min(snapped.properties.index ?? 0, road.geometry.coordinates.length - 2);
    const [a, b] = [road.geometry.coordinates[i], road.geometry.coordinates[i + 1]];
    const cross = (b[0] - a[0]) * (point[1] - a[1]) - (b[1] - a[1]) * (point[0] - a[0]);
    best = { road: road.name, along: snapped.properties.location ?? 0, side: cross > 0 ? 'left' : 'right', distance };
  }
  if (!best) throw new Error('no named road');
  return best;
}
