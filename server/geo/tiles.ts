/**
 * Vector tiles, the pure parts: the Web Mercator XYZ tile scheme (the same arithmetic as
 * PostGIS' ST_TileEnvelope), Mapbox Vector Tile encoding of features whose geometry is already
 * in tile coordinates (clipped, simplified and snapped by SQL, see db/tiles.ts), and a small
 * LRU of encoded tiles bounded by bytes.
 */
import { createHash } from 'node:crypto';
import { fromGeojsonVt } from '@maplibre/vt-pbf';
import { text, type Text } from '../i18n/catalogue.js';

/** Tile coordinates per tile side (MVT's usual 4096). */
export const TILE_EXTENT = 4096;
/** Tile units kept outside the tile on every side, so that renderers draw no seams. */
export const TILE_BUFFER = 64;
export const MAX_ZOOM = 22;

/** Half the side of the Web Mercator square (EPSG:3857), metres. */
export const MERCATOR_HALF = 20037508.342789244;
const EARTH_RADIUS = 6378137;
/** Web Mercator's latitude limit. */
export const MAX_LAT = 85.0511287798066;

export interface TileAddress {
  z: number;
  x: number;
  y: number;
}

/** [minX, minY, maxX, maxY] */
export type Bounds = [number, number, number, number];

/** Why z/x/y is not a tile of the scheme, or null when it is. */
export function tileProblem({ z, x, y }: TileAddress): Text | null {
  const tile = `${z}/${x}/${y}`;
  if (!Number.isInteger(z) || z < 0 || z > MAX_ZOOM) return text('invalid_tile.z', { max: MAX_ZOOM, tile });
  const n = 2 ** z;
  if (!Number.isInteger(x) || x < 0 || x >= n) return text('invalid_tile.xy', { axis: 'x', max: n - 1, z, tile });
  if (!Number.isInteger(y) || y < 0 || y >= n) return text('invalid_tile.xy', { axis: 'y', max: n - 1, z, tile });
  return null;
}

/**
 * The tile's square in EPSG:3857 metres, grown by `margin` tile units on each side — computed
 * as ST_TileEnvelope does (origin at the top left, y down).
 */
export function tileBounds({ z, x, y }: TileAddress, margin = 0): Bounds {
  const size = (2 * MERCATOR_HALF) / 2 ** z;
  const pad = (size * margin) / TILE_EXTENT;
  return [
    -MERCATOR_HALF + size * x - pad,
    MERCATOR_HALF - size * (y + 1) - pad,
    -MERCATOR_HALF + size * (x + 1) + pad,
    MERCATOR_HALF - size * y + pad,
  ];
}

export function mercatorToLonLat(mx: number, my: number): [number, number] {
  const lon = (mx / EARTH_RADIUS) * (180 / Math.PI);
  const lat = (2 * Math.atan(Math.exp(my / EARTH_RADIUS)) - Math.PI / 2) * (180 / Math.PI);
  return [lon, lat];
}

export function lonLatToMercator(lon: number, lat: number): [number, number] {
  const clamped = Math.max(-MAX_LAT, Math.min(MAX_LAT, lat));
  return [(lon * Math.PI * EARTH_RADIUS) / 180, EARTH_RADIUS * Math.log(Math.tan(Math.PI / 4 + (clamped * Math.PI) / 360))];
}

/**
 * The tile's square (grown by `margin` tile units) in WGS84 degrees [minLon, minLat, maxLon,
 * maxLat]. Mercator maps meridians and parallels to straight lines, so the square's corners
 * bound it exactly: this is the index filter for data stored in EPSG:4326.
 */
export function tileLonLatBounds(tile: TileAddress, margin = 0): Bounds {
  const [x0, y0, x1, y1] = tileBounds(tile, margin);
  const [minLon, minLat] = mercatorToLonLat(x0, Math.max(y0, -MERCATOR_HALF * 1.5));
  const [maxLon, maxLat] = mercatorToLonLat(x1, Math.min(y1, MERCATOR_HALF * 1.5));
  return [minLon, minLat, maxLon, maxLat];
}

/** A point in tile coordinates (0…extent, y down) → [lon, lat]. */
export function tilePointToLonLat(tile: TileAddress, px: number, py: number, extent = TILE_EXTENT): [number, number] {
  const [x0, , x1, y1] = tileBounds(tile);
  const size = x1 - x0;
  return mercatorToLonLat(x0 + (px / extent) * size, y1 - (py / extent) * size);
}

/** [lon, lat] → tile coordinates (unrounded; may fall outside 0…extent). */
export function lonLatToTilePoint(tile: TileAddress, lon: number, lat: number, extent = TILE_EXTENT): [number, number] {
  const [x0, , x1, y1] = tileBounds(tile);
  const size = x1 - x0;
  const [mx, my] = lonLatToMercator(lon, lat);
  return [((mx - x0) / size) * extent, ((y1 - my) / size) * extent];
}

/** The tile at `zoom` containing [lon, lat]. */
export function tileAt(lon: number, lat: number, zoom: number): TileAddress {
  const n = 2 ** zoom;
  const [mx, my] = lonLatToMercator(lon, lat);
  const clamp = (v: number) => Math.max(0, Math.min(n - 1, v));
  return {
    z: zoom,
    x: clamp(Math.floor(((mx + MERCATOR_HALF) / (2 * MERCATOR_HALF)) * n)),
    y: clamp(Math.floor(((MERCATOR_HALF - my) / (2 * MERCATOR_HALF)) * n)),
  };
}

/**
 * The affine map from EPSG:3857 metres to tile coordinates (x' = fx·x + xoff, y' = fy·y + yoff,
 * y down), and the simplification tolerance: half a tile unit, as ST_AsMVTGeom uses — in
 * metres, and in degrees for simplifying before projecting. Mercator stretches a degree of
 * longitude to k = πR/180 m and a degree of latitude to k·sec φ, so a tolerance of t/(k·sec φmax)
 * degrees, φmax the tile's (buffered) largest |latitude|, moves no point more than t metres.
 */
export function tileTransform(tile: TileAddress, extent = TILE_EXTENT) {
  const [x0, , x1, y1] = tileBounds(tile);
  const fx = extent / (x1 - x0);
  const fy = -fx;
  const tolerance = (x1 - x0) / extent / 2;
  const [, lat0, , lat1] = tileLonLatBounds(tile, TILE_BUFFER + 1);
  const secant = 1 / Math.cos((Math.max(Math.abs(lat0), Math.abs(lat1)) * Math.PI) / 180);
  const metresPerDegree = (Math.PI * EARTH_RADIUS) / 180;
  return { fx, fy, xoff: -x0 * fx, yoff: -y1 * fy, tolerance, toleranceDeg: tolerance / (metresPerDegree * secant) };
}

// --- encoding ------------------------------------------------------------------------------

export type TileGeometry =
  | { type: 'Point'; coordinates: number[] }
  | { type: 'MultiPoint'; coordinates: number[][] }
  | { type: 'LineString'; coordinates: number[][] }
  | { type: 'MultiLineString'; coordinates: number[][][] }
  | { type: 'Polygon'; coordinates: number[][][] }
  | { type: 'MultiPolygon'; coordinates: number[][][][] }
  | { type: 'GeometryCollection'; geometries: TileGeometry[] };

/** A feature whose geometry is in tile coordinates already (integers, y down, rings oriented). */
export interface TileFeature {
  id?: number;
  geometry: TileGeometry;
  properties: Record<string, string | number | boolean | null | undefined>;
}

/** geojson-vt's feature shape, which vt-pbf serialises: type 1 point, 2 line, 3 polygon. */
interface VtFeature {
  id?: number;
  type: 1 | 2 | 3;
  geometry: number[][] | number[][][];
  tags: Record<string, string | number | boolean>;
}

function vtParts(geometry: TileGeometry): { type: 1 | 2 | 3; geometry: number[][] | number[][][] }[] {
  switch (geometry.type) {
    case 'Point':
      return [{ type: 1, geometry: [geometry.coordinates] }];
    case 'MultiPoint':
      return geometry.coordinates.length ? [{ type: 1, geometry: geometry.coordinates }] : [];
    case 'LineString':
      return geometry.coordinates.length > 1 ? [{ type: 2, geometry: [geometry.coordinates] }] : [];
    case 'MultiLineString':
      return geometry.coordinates.length ? [{ type: 2, geometry: geometry.coordinates }] : [];
    case 'Polygon':
      return geometry.coordinates.length ? [{ type: 3, geometry: geometry.coordinates }] : [];
    case 'MultiPolygon': {
      // One MVT feature: its rings in order, each exterior followed by its holes.
      const rings = geometry.coordinates.flat();
      return rings.length ? [{ type: 3, geometry: rings }] : [];
    }
    case 'GeometryCollection':
      return geometry.geometries.flatMap(vtParts);
  }
}

/**
 * Encodes one layer as an MVT (spec 2.1) with @maplibre/vt-pbf. Null properties are left out
 * (MVT has no null). A feature that is a mixed collection becomes one feature per part type.
 */
export function encodeTile(layer: string, features: TileFeature[], extent = TILE_EXTENT): Uint8Array {
  const vt: VtFeature[] = [];
  for (const feature of features) {
    const tags: Record<string, string | number | boolean> = {};
    for (const [key, value] of Object.entries(feature.properties)) if (value !== null && value !== undefined) tags[key] = value;
    for (const part of vtParts(feature.geometry)) vt.push({ ...(feature.id === undefined ? {} : { id: feature.id }), ...part, tags });
  }
  if (vt.length === 0) return new Uint8Array(0);
  return fromGeojsonVt({ [layer]: { features: vt } }, { version: 2, extent });
}

/** A strong validator for tile bytes: a content hash (base64url, 120 bits). */
export function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64url').slice(0, 20);
}

// --- cache ---------------------------------------------------------------------------------

export interface CachedTile {
  /** The data's change marker when the tile was made; a different marker means stale. */
  marker: string;
  /** The uncompressed MVT (empty: no features). */
  raw: Uint8Array;
  gzip: Uint8Array;
  /** Content hash of `raw`. */
  hash: string;
  /** Also stale from this moment (Date.now() ms), if set. */
  expiresAt?: number;
  /** Only current while the service's clock (ms) is in [validFrom, validUntil), if set. */
  validFrom?: number;
  validUntil?: number;
}

/**
 * Least recently used tiles, bounded by total bytes and entry count. A Map keeps insertion
 * order: a hit is moved to the end, eviction takes from the front.
 */
export class TileCache {
  private readonly entries = new Map<string, CachedTile>();
  private bytes = 0;

  constructor(
    readonly maxBytes = 64 * 1024 * 1024,
    readonly maxEntries = 20_000,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get totalBytes(): number {
    return this.bytes;
  }

  get(key: string): CachedTile | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, entry: CachedTile): void {
    this.delete(key);
    const size = sizeOf(key, entry);
    if (size > this.maxBytes) return;
    this.entries.set(key, entry);
    this.bytes += size;
    while (this.bytes > this.maxBytes || this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.delete(oldest);
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= sizeOf(key, entry);
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}

function sizeOf(key: string, entry: CachedTile): number {
  return entry.raw.byteLength + entry.gzip.byteLength + key.length * 2 + entry.marker.length * 2 + 128;
}
