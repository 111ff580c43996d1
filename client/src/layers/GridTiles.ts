/**
 * The grids as vector tiles (GET /tiles/grids/{z}/{x}/{y}.pbf, Mapbox Vector Tile), for a service
 * holding too many grids to load as GeoJSON: drawn as GridLayer draws its grids (gridStyle.ts), by
 * kind or fullness with labels, from what a tile carries (code, name, kind, households,
 * regionCode). The villages held as GeoJSON (opened for selection and editing) are left out here:
 * GridLayer draws them, edits included. `asOf` shows the tiles of a past moment (history slider).
 *
 * Tiles come in WGS84 Web Mercator; with a GCJ-02 base map their vertices are shifted as MapCrs
 * shifts the GeoJSON grids, so both line up with the base map.
 */
import VectorTileLayer from 'ol/layer/VectorTile';
import VectorTileSource from 'ol/source/VectorTile';
import type Map from 'ol/Map';
import type { Pixel } from 'ol/pixel';
import type { FeatureLike } from 'ol/Feature';
import type RenderFeature from 'ol/render/Feature';
import type { Api, GridKind } from '../api';
import type { MapCrs } from '../map/crs';
import type { GridLayer } from './GridLayer';
import { gridStyles, type GridLook } from './gridStyle';
import { ShiftedMVT } from './ShiftedMVT';

/** Tiles are asked up to this zoom and drawn larger beyond it (grids stay sharp: tiles carry 4096 units). */
const MAX_TILE_ZOOM = 16;

/** A grid tile feature's properties. */
export function tileGrid(feature: FeatureLike): GridLook {
  return {
    code: String(feature.get('code')),
    name: String(feature.get('name') ?? ''),
    kind: feature.get('kind') as GridKind,
    households: (feature.get('households') as number | null | undefined) ?? null,
    regionCode: String(feature.get('regionCode')),
  };
}

export class GridTiles {
  readonly layer: VectorTileLayer<VectorTileSource<RenderFeature>, RenderFeature>;
  private source: VectorTileSource<RenderFeature> | null = null;
  /** Villages drawn by GridLayer instead. */
  private hidden = new Set<string>();
  private asOf: string | null = null;

  constructor(
    private readonly api: Api,
    private readonly crs: MapCrs,
    private readonly grids: GridLayer,
  ) {
    this.layer = new VectorTileLayer({
      visible: false,
      declutter: true,
      renderMode: 'hybrid',
      style: (feature, resolution) => this.style(feature, resolution),
      properties: { name: 'grid-tiles' },
      zIndex: 19,
    });
    // Faded with the GeoJSON grids (command centre, auto-division).
    this.grids.layer.on('change:opacity', () => this.layer.setOpacity(this.grids.layer.getOpacity()));
  }

  get enabled(): boolean {
    return this.source !== null;
  }

  /** Starts drawing from tiles. */
  enable(): void {
    this.source = new VectorTileSource<RenderFeature>({ format: new ShiftedMVT(this.crs, ['grids']), maxZoom: MAX_TILE_ZOOM });
    this.setUrls();
    this.layer.setSource(this.source);
    this.layer.setVisible(true);
  }

  /** Each tile's URL is built when it is asked for, so that it carries the key signed in now. */
  private setUrls(): void {
    const query = this.asOf ? `?asOf=${encodeURIComponent(this.asOf)}` : '';
    this.source?.setTileUrlFunction(([z, x, y]) => this.api.url(`/tiles/grids/${z}/${x}/${y}.pbf${query}`), `grids${query}`);
  }

  /** The tiles of a past moment, or (null) today's. */
  setAsOf(asOf: string | null): void {
    if (asOf === this.asOf) return;
    this.asOf = asOf;
    this.setUrls();
  }

  /** Tiles read again (after a save, or a change of base-map shift). */
  refresh(): void {
    this.source?.refresh();
  }

  setHidden(villages: Iterable<string>): void {
    this.hidden = new Set(villages);
    this.layer.changed();
  }

  /** Colours or labels changed. */
  restyle(): void {
    this.layer.changed();
  }

  /** The grid drawn from tiles at a pixel, if any. */
  gridAt(map: Map, pixel: Pixel): GridLook | null {
    if (!this.enabled) return null;
    return map.forEachFeatureAtPixel(pixel, (feature) => tileGrid(feature), { layerFilter: (layer) => layer === this.layer, hitTolerance: 0 }) ?? null;
  }

  private style(feature: FeatureLike, resolution: number) {
    const grid = tileGrid(feature);
    if (this.hidden.has(grid.regionCode)) return undefined;
    return gridStyles(grid, { selected: false, edited: false, mode: this.grids.mode, resolution, regionName: this.grids.regionName });
  }
}
