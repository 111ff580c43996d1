/**
 * A small made-up neighbourhood for division tests, in lon/lat near 114.3°E 30.5°N, built from
 * metres so that the expectations are easy to reason about:
 *
 *   x: 0 ─────────── 300 ══ major road (x = 300) ══ 600
 *   - west of the road: 3 × 2 blocks split by minor roads (x = 100, 200; y = 200), each block
 *     with 6 houses of 30 households (180 per block) — the rule can hold by pairing blocks;
 *   - east of the road: one tower of 1,800 households (cannot be split), a compound of 4
 *     buildings × 100 households, and a school (special) polygon;
 *   - north-east corner: an island block of 120 households cut off by a river (y = 300) and the
 *     major road.
 */
import type { Feature, FeatureCollection, Polygon } from 'geojson';

const ORIGIN = [114.3, 30.5];
const M_LON = 1 / (111_320 * Math.cos((30.5 * Math.PI) / 180));
const M_LAT = 1 / 110_574;

export const lonLat = (x: number, y: number): [number, number] => [
  Math.round((ORIGIN[0] + x * M_LON) * 1e8) / 1e8,
  Math.round((ORIGIN[1] + y * M_LAT) * 1e8) / 1e8,
];

export function rect(x0: number, y0: number, x1: number, y1: number): Polygon {
  return { type: 'Polygon', coordinates: [[lonLat(x0, y0), lonLat(x1, y0), lonLat(x1, y1), lonLat(x0, y1), lonLat(x0, y0)]] };
}

function line(kind: string, points: [number, number][]): Feature {
  return { type: 'Feature', properties: { kind }, geometry: { type: 'LineString', coordinates: points.map(([x, y]) => lonLat(x, y)) } };
}

function building(x: number, y: number, w: number, h: number, households: number, compound?: string): Feature {
  return { type: 'Feature', properties: { households, ...(compound ? { compound } : {}) }, geometry: rect(x, y, x + w, y + h) };
}

export function smallTown() {
  const boundary = rect(0, 0, 600, 400);
  const barriers: FeatureCollection = {
    type: 'FeatureCollection',
    features: [
      line('major_road', [[300, -10], [300, 410]]),
      line('minor_road', [[100, -10], [100, 410]]),
      line('minor_road', [[200, -10], [200, 410]]),
      line('minor_road', [[-10, 200], [300, 200]]),
      line('river', [[300, 300], [610, 300]]),
    ],
  };
  const buildings: Feature[] = [];
  for (let bx = 0; bx < 3; bx++) {
    for (let by = 0; by < 2; by++) {
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 2; j++) {
          buildings.push(building(bx * 100 + 10 + i * 28, by * 200 + 30 + j * 80, 20, 40, 30));
        }
      }
    }
  }
  buildings.push(building(330, 30, 60, 60, 1800)); // the tower
  for (let i = 0; i < 4; i++) buildings.push(building(330 + i * 60, 150, 40, 40, 100, '幸福小区'));
  for (let i = 0; i < 4; i++) buildings.push(building(320 + i * 60, 330, 30, 30, 30)); // the island: 120
  const specials: FeatureCollection = {
    type: 'FeatureCollection',
    features: [{ type: 'Feature', properties: { specialType: 'school', name: '光谷小学' }, geometry: rect(480, 20, 580, 120) }],
  };
  return { boundary, barriers, buildings: { type: 'FeatureCollection', features: buildings } as FeatureCollection, specials };
}
