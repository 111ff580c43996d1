/**
 * Vector tiles as a use-case: a layer's tile read from SQL (db/tiles.ts), encoded (geo/tiles.ts)
 * and kept in an in-memory LRU under its layer's change marker, read before the data on every
 * request so that a write shows in the next tile. Incident tiles also expire when one of their
 * lights would change (on the service's clock) and after 30 s in any case (change_seq values can
 * commit out of order). Concurrent requests for the same stale tile share one build. A layer's
 * bounds (for TileJSON) are cached under the same marker. routes/tiles.ts parses and answers.
 */
import { gzipSync } from 'node:zlib';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { IncidentFilter } from '../db/incidents.js';
import { basemapTileRows, deviceTileRows, gridTileRows, incidentTileRows, layerBounds, layerMarker, regionTileRows, type LayerName, type TileRow } from '../db/tiles.js';
import { TILE_EXTENT, TileCache, contentHash, encodeTile, type Bounds, type CachedTile, type TileAddress } from '../geo/tiles.js';
import type { Clock } from '../clock.js';

/** Incident tiles are rebuilt at least this often, whatever their marker says. */
const INCIDENT_TTL_MS = 30_000;

/** What a tile is read with: the layer, its filters, and the key its tiles are cached under. */
export interface TileQuery {
  layer: LayerName;
  /** The canonical parameters and the caller's narrowed area: two keys of different areas asking alike get different tiles. */
  cacheKey: string;
  asOf?: Date;
  kind?: 'camera' | 'sensor';
  incidents?: IncidentFilter;
}

function fresh(entry: CachedTile, marker: string, now: Date): boolean {
  if (entry.marker !== marker) return false;
  if (entry.expiresAt !== undefined && Date.now() >= entry.expiresAt) return false;
  const t = now.getTime();
  if (entry.validFrom !== undefined && t < entry.validFrom) return false;
  if (entry.validUntil !== undefined && t >= entry.validUntil) return false;
  return true;
}

export class VectorTiles {
  private readonly cache = new TileCache();
  private readonly building = new Map<string, Promise<CachedTile>>();
  private readonly boundsCache = new Map<string, { marker: string; bounds: Bounds | null }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  private async rowsOf(query: TileQuery, tile: TileAddress, now: Date): Promise<{ rows: TileRow[]; lightChange?: number }> {
    switch (query.layer) {
      case 'grids':
        return { rows: await gridTileRows(this.db, tile, { asOf: query.asOf }) };
      case 'regions':
        return { rows: await regionTileRows(this.db, tile) };
      case 'devices':
        return { rows: await deviceTileRows(this.db, tile, { kind: query.kind }) };
      case 'basemap':
        return { rows: await basemapTileRows(this.db, tile) };
      case 'incidents': {
        const { rows, nextLightChange } = await incidentTileRows(this.db, tile, query.incidents ?? {}, now);
        return { rows, lightChange: nextLightChange?.getTime() ?? Infinity };
      }
    }
  }

  private async build(query: TileQuery, tile: TileAddress, marker: string, now: Date): Promise<CachedTile> {
    const { rows, lightChange } = await this.rowsOf(query, tile, now);
    const raw = encodeTile(query.layer, rows, TILE_EXTENT);
    const entry: CachedTile = { marker, raw, gzip: raw.byteLength ? gzipSync(raw) : raw, hash: contentHash(raw) };
    if (lightChange !== undefined) {
      entry.expiresAt = Date.now() + INCIDENT_TTL_MS;
      entry.validFrom = now.getTime();
      entry.validUntil = lightChange;
    }
    return entry;
  }

  /** The tile from the cache when current, else built (once, however many ask at the same time). */
  async tile(query: TileQuery, tile: TileAddress): Promise<{ entry: CachedTile; hit: boolean }> {
    const key = `${query.layer}/${tile.z}/${tile.x}/${tile.y}${query.cacheKey}`;
    // The marker first, then the data: a tile is never filed under a newer marker than it shows.
    const marker = await layerMarker(this.db, query.layer);
    const now = this.clock.now();
    const cached = this.cache.get(key);
    if (cached && fresh(cached, marker, now)) return { entry: cached, hit: true };
    const buildKey = `${key}#${marker}#${query.layer === 'incidents' ? now.getTime() : ''}`;
    let pending = this.building.get(buildKey);
    if (!pending) {
      pending = this.build(query, tile, marker, now).finally(() => this.building.delete(buildKey));
      this.building.set(buildKey, pending);
    }
    const entry = await pending;
    this.cache.set(key, entry);
    return { entry, hit: false };
  }

  /** Where a layer's features lie (null when it has none), under the layer's change marker. */
  async bounds(query: TileQuery): Promise<Bounds | null> {
    const marker = await layerMarker(this.db, query.layer);
    const boundsKey = `${query.layer}${query.cacheKey}`;
    let known = this.boundsCache.get(boundsKey);
    if (!known || known.marker !== marker) {
      known = { marker, bounds: await layerBounds(this.db, query.layer, query.incidents ?? {}, this.clock.now()) };
      if (this.boundsCache.size > 1000) this.boundsCache.clear();
      this.boundsCache.set(boundsKey, known);
    }
    return known.bounds;
  }
}
