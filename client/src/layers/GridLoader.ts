/**
 * Which grids the client holds as GeoJSON (GridLayer: the panel, editing, live checks).
 *
 * Up to a threshold of grids in the service (default 2,000), all of them, as always. Beyond it,
 * loading and drawing every grid as GeoJSON would make the page slow, so the map draws them from
 * vector tiles (GridTiles) and only the villages opened — by selecting one of their grids, the
 * village in the tree, a search — are loaded as GeoJSON (GET /api/grids?region=). The threshold
 * can be set per browser: `?tileThreshold=N` in the page URL, remembered in localStorage
 * (`gridgov.tileThreshold`); 0 always uses tiles.
 */
import type { FeatureCollection } from 'geojson';
import type { Api, GridProperties, Polygonal } from '../api';
import type { GridTiles } from './GridTiles';

export const DEFAULT_TILE_THRESHOLD = 2000;
const THRESHOLD_KEY = 'gridgov.tileThreshold';

/** The threshold: the page URL's tileThreshold (remembered), else the remembered one, else the default. */
export function tileThreshold(): number {
  const fromUrl = new URLSearchParams(window.location.search).get('tileThreshold');
  if (fromUrl !== null && /^\d+$/.test(fromUrl)) localStorage.setItem(THRESHOLD_KEY, fromUrl);
  const stored = localStorage.getItem(THRESHOLD_KEY);
  return stored !== null && /^\d+$/.test(stored) ? Number(stored) : DEFAULT_TILE_THRESHOLD;
}

type Grids = FeatureCollection<Polygonal, GridProperties>;

export class GridLoader {
  /** How many live grids the service holds (at start). */
  total = 0;
  /** The live grids' extent [west, south, east, north] when tiled (to fit the map to them). */
  bounds: [number, number, number, number] | null = null;
  /** Villages held as GeoJSON when tiled. */
  readonly villages = new Set<string>();

  constructor(
    private readonly api: Api,
    private readonly tiles: GridTiles,
  ) {}

  get tiled(): boolean {
    return this.tiles.enabled;
  }

  /** Counts the grids and, above the threshold, switches to tiles. */
  async start(): Promise<void> {
    this.total = await this.api.gridCount();
    if (this.total <= tileThreshold()) return;
    this.tiles.enable();
    this.bounds = await this.api.gridBounds();
  }

  /** The grids to hold, live or at `asOf`: all of them, or the opened villages' when tiled. */
  async fetch(asOf: string | null): Promise<Grids> {
    const when = asOf ? { asOf } : {};
    if (!this.tiled) return this.api.grids(when);
    const parts = await Promise.all([...this.villages].map((region) => this.api.grids({ region, ...when })));
    return { type: 'FeatureCollection', features: parts.flatMap((part) => part.features) };
  }

  /** One village's grids, live or at `asOf` (a village just opened). */
  fetchVillage(region: string, asOf: string | null): Promise<Grids> {
    return this.api.grids({ region, ...(asOf ? { asOf } : {}) });
  }

  /** Marks a village as held (the caller fetches); false when it already was, or nothing is tiled. */
  open(region: string): boolean {
    if (!this.tiled || this.villages.has(region)) return false;
    this.villages.add(region);
    this.tiles.setHidden(this.villages);
    return true;
  }
}
