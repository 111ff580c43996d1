/**
 * The demo's cameras and sensors, placed on the real roads and buildings:
 *
 * - cameras: on every named major or minor road, one at each end of the stretch inside the area
 *   and about every 200 m between, 6 m beside the carriageway (to its right), looking along the
 *   road (heading = the road's direction there, clockwise from north), 60–90° wide, 60–100 m
 *   deep; a PTZ dome (球机) at the roundabout. None within 60 m of another (a dual carriageway
 *   is one road). GB/T 28181 ids: center 42011100 (洪山区), industry 00 (社会治安路面接入) for road
 *   cameras, type 131 (camera) for the dome and 132 (IPC) for the others, network 0, serial.
 * - sensors: smoke detectors in the eight basic grids with the most households, a water-level
 *   gauge at the pond's edge, manhole-cover sensors midway along the longer major roads; type 134
 *   (alarm input device), industry 01 (社会治安社区接入).
 *
 * Deterministic: everything follows from the input's order; no randomness.
 */
import * as turf from '@turf/turf';
import type { LineString, MultiPolygon, Polygon, Position } from 'geojson';

interface Line {
  kind: string;
  class?: string;
  name?: string;
  geometry: LineString | Polygon;
}

interface Grid {
  kind: string;
  households: number;
  geometry: Polygon | MultiPolygon;
}

export interface DemoDevice {
  id: string;
  kind: 'camera' | 'sensor';
  name: string;
  lon: number;
  lat: number;
  heightM: number;
  heading?: number;
  fov?: number;
  rangeM?: number;
  ptz?: boolean;
  sensorType?: string;
}

const SPACING_M = 200;
const MIN_APART_M = 80;
const round7 = (v: number) => Math.round(v * 1e7) / 1e7;

function gbId(center: string, industry: string, type: string, serial: number): string {
  return `${center}${industry}${type}0${String(serial).padStart(6, '0')}`;
}

export function demoDevices(input: { lines: Line[]; grids: Grid[]; frame: { hub: Position; bbox: [number, number, number, number] }; centerCode: string }): DemoDevice[] {
  const [w, s, e, n] = input.frame.bbox;
  const area = turf.bboxPolygon([w, s, e, n]);
  const devices: DemoDevice[] = [];
  const cameraAt: Position[] = [];
  const farFromCameras = (p: Position) => cameraAt.every((q) => turf.distance(p, q, { units: 'meters' }) >= MIN_APART_M);
  let serial = 0;

  // The dome at the roundabout.
  cameraAt.push(input.frame.hub);
  devices.push({ id: gbId(input.centerCode, '00', '131', ++serial), kind: 'camera', name: '光谷转盘球机', lon: input.frame.hub[0], lat: input.frame.hub[1], heightM: 12, ptz: true, fov: 360, rangeM: 120 });

  const roads = input.lines.filter((l): l is Line & { name: string; geometry: LineString } => l.kind === 'road' && (l.class === 'major' || l.class === 'minor') && !!l.name && l.geometry.type === 'LineString');
  for (const road of roads) {
    const line = turf.lineString(road.geometry.coordinates);
    const length = turf.length(line, { units: 'meters' });
    if (length < 80) continue;
    const stops = Math.max(1, Math.round(length / SPACING_M));
    for (let k = 0; k <= stops; k++) {
      const at = Math.min(length - 5, Math.max(5, (k / stops) * length));
      const p = turf.along(line, at, { units: 'meters' }).geometry.coordinates;
      const ahead = turf.along(line, Math.min(length, at + 5), { units: 'meters' }).geometry.coordinates;
      const bearing = (turf.bearing(p, ahead) + 360) % 360;
      // 6 m to the right of the direction of travel, on the pavement.
      const side = turf.destination(p, 6, bearing + 90, { units: 'meters' }).geometry.coordinates.map(round7);
      if (!turf.booleanPointInPolygon(side, area) || !farFromCameras(side)) continue;
      cameraAt.push(side);
      const major = road.class === 'major';
      const count = devices.filter((d) => d.kind === 'camera' && d.name.startsWith(road.name)).length + 1;
      devices.push({
        id: gbId(input.centerCode, '00', '132', ++serial),
        kind: 'camera',
        name: `${road.name}${count}号枪机`,
        lon: side[0],
        lat: side[1],
        heightM: major ? 8 : 6,
        heading: Math.round(bearing),
        fov: major ? 60 : 90,
        rangeM: major ? 100 : 60,
      });
    }
  }

  // Sensors.
  let sensorSerial = 0;
  const sensor = (name: string, sensorType: string, p: Position, heightM: number) =>
    devices.push({ id: gbId(input.centerCode, '01', '134', ++sensorSerial), kind: 'sensor', name, lon: round7(p[0]), lat: round7(p[1]), heightM, sensorType });
  // Smoke detectors: the basic grid with the most households gets one in its middle, then the next.
  const homes = input.grids.filter((g) => g.kind !== 'special').sort((a, b) => b.households - a.households);
  homes.slice(0, 8).forEach((g, i) => sensor(`烟感${i + 1}号`, 'smoke', turf.pointOnFeature(g.geometry).geometry.coordinates, 3));
  // Water level: at the pond's edge.
  for (const water of input.lines.filter((l) => l.kind === 'water')) {
    const edge = (water.geometry as Polygon).coordinates[0][0];
    sensor(`${water.name ?? '水塘'}水位计`, 'water_level', edge, 0);
  }
  // Manhole covers: the middle of every major road stretch longer than 300 m, at most 6.
  roads
    .filter((r) => r.class === 'major')
    .map((r) => ({ r, length: turf.length(turf.lineString(r.geometry.coordinates), { units: 'meters' }) }))
    .filter(({ length }) => length > 300)
    .slice(0, 6)
    .forEach(({ r, length }, i) => sensor(`${r.name}井盖${i + 1}号`, 'manhole_cover', turf.along(turf.lineString(r.geometry.coordinates), length / 2, { units: 'meters' }).geometry.coordinates, 0));
  return devices;
}
