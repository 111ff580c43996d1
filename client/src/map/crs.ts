/**
 * Data (WGS84 / CGCS2000 lon/lat, as the service stores it) ↔ map coordinates (Web Mercator).
 * With a GCJ-02 base map (Amap, Tencent) the data is shifted to GCJ-02 before projecting, so that
 * it lines up with the tiles; written back, it is shifted back to WGS84.
 *
 * Every data vertex read is remembered by its exact map coordinate, so a vertex that was not moved
 * (or was snapped onto another stored vertex) is written back with its stored coordinates, not a
 * round trip through the projection and the GCJ-02 inverse (which is approximate).
 */
import gcoord from 'gcoord';
import { fromLonLat, toLonLat } from 'ol/proj';
import type { Coordinate } from 'ol/coordinate';
import type { Polygonal } from '../api';

export type DataCrs = 'wgs84' | 'gcj02';
type Position = number[];

export class MapCrs {
  private readonly known = new Map<string, [number, number]>();

  constructor(private mode: DataCrs = 'wgs84') {}

  get crs(): DataCrs {
    return this.mode;
  }

  /** Changes the shift; the caller re-reads its features. Remembered vertices are forgotten. */
  setCrs(mode: DataCrs): void {
    this.mode = mode;
    this.known.clear();
  }

  toMap(lonLat: Position): Coordinate {
    const [lon, lat] = lonLat;
    const shifted = this.mode === 'gcj02' ? gcoord.transform([lon, lat], gcoord.WGS84, gcoord.GCJ02) : [lon, lat];
    const xy = fromLonLat(shifted);
    this.known.set(key(xy), [lon, lat]);
    return xy;
  }

  /** Map coordinate → WGS84 lon/lat, 7 decimals (≈1 cm). */
  toData(xy: Coordinate): [number, number] {
    const stored = this.known.get(key(xy));
    if (stored) return stored;
    const lonLat = toLonLat(xy);
    const wgs = this.mode === 'gcj02' ? gcoord.transform([lonLat[0], lonLat[1]], gcoord.GCJ02, gcoord.WGS84) : lonLat;
    return [round7(wgs[0]), round7(wgs[1])];
  }

  /** Map coordinate → WGS84, without rounding (for display). */
  toLonLat(xy: Coordinate): [number, number] {
    const stored = this.known.get(key(xy));
    if (stored) return stored;
    const lonLat = toLonLat(xy);
    const wgs = this.mode === 'gcj02' ? gcoord.transform([lonLat[0], lonLat[1]], gcoord.GCJ02, gcoord.WGS84) : lonLat;
    return [wgs[0], wgs[1]];
  }

  polygonalToMap(geometry: Polygonal): Coordinate[][][] {
    const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
    return polygons.map((rings) => rings.map((ring) => ring.map((p) => this.toMap(p))));
  }

  polygonsToData(polygons: Coordinate[][][]): Polygonal {
    const coordinates = polygons.map((rings) => rings.map((ring) => ring.map((xy) => this.toData(xy))));
    return coordinates.length === 1 ? { type: 'Polygon', coordinates: coordinates[0] } : { type: 'MultiPolygon', coordinates };
  }
}

const key = (xy: Coordinate) => `${xy[0]},${xy[1]}`;
const round7 = (value: number) => Math.round(value * 1e7) / 1e7;
