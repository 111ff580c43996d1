/**
 * The base map that needs no internet: gridgov's own vector tiles of the stored roads, railways,
 * rivers, water areas and building footprints (GET /tiles/basemap/{z}/{x}/{y}.pbf), drawn light
 * and quiet under the grids — a map, not data to read. It is the default base map, and the one
 * shown when an online base map's tiles do not load (no internet in the office).
 *
 * Options: `api` (tile URLs carry the signed-in key), `crs` (tiles are shifted with a GCJ-02
 * base map like every data layer).
 */
import VectorTileLayer from 'ol/layer/VectorTile';
import VectorTileSource from 'ol/source/VectorTile';
import { Fill, Stroke, Style, Text } from 'ol/style';
import type { FeatureLike } from 'ol/Feature';
import type RenderFeature from 'ol/render/Feature';
import type { Api } from '../api';
import type { MapCrs } from '../map/crs';
import { ShiftedMVT } from './ShiftedMVT';

/** Tiles are asked up to this zoom and drawn larger beyond it. */
const MAX_TILE_ZOOM = 16;

const WATER = new Style({ fill: new Fill({ color: '#cfe3f3' }), stroke: new Stroke({ color: '#b3d0e8', width: 1 }), zIndex: 1 });
const BUILDING = new Style({ fill: new Fill({ color: '#e4e0da' }), stroke: new Stroke({ color: '#d3cdc4', width: 0.8 }), zIndex: 2 });
const RIVER = new Style({ stroke: new Stroke({ color: '#b3d0e8', width: 3 }), zIndex: 1 });
const RIDGE = new Style({ stroke: new Stroke({ color: '#d8cfbf', width: 1, lineDash: [6, 4] }), zIndex: 1 });
const RAILWAY = [
  new Style({ stroke: new Stroke({ color: '#b9b9b9', width: 3 }), zIndex: 3 }),
  new Style({ stroke: new Stroke({ color: '#ffffff', width: 1.5, lineDash: [6, 6] }), zIndex: 4 }),
];

/** Road widths in pixels at a resolution of 1 m/pixel (about zoom 17), by class. */
const ROAD_WIDTH: Record<string, number> = { major: 14, minor: 8, path: 2.5 };

export class LocalBaseLayer {
  readonly layer: VectorTileLayer<VectorTileSource<RenderFeature>, RenderFeature>;
  private readonly source: VectorTileSource<RenderFeature>;

  constructor(
    private readonly api: Api,
    crs: MapCrs,
  ) {
    // The demo's (and most stored) roads and buildings are OpenStreetMap data: its credit goes with them.
    this.source = new VectorTileSource<RenderFeature>({ format: new ShiftedMVT(crs, ['basemap']), maxZoom: MAX_TILE_ZOOM, attributions: '© OpenStreetMap contributors' });
    this.source.setTileUrlFunction(([z, x, y]) => this.api.url(`/tiles/basemap/${z}/${x}/${y}.pbf`), 'basemap');
    this.layer = new VectorTileLayer({
      source: this.source,
      declutter: true,
      renderMode: 'hybrid',
      zIndex: 2,
      properties: { name: 'basemap-local' },
      style: (feature, resolution) => this.style(feature, resolution),
    });
  }

  /** Tiles read again (after a change of base-map shift, or of the data under them). */
  refresh(): void {
    this.source.refresh();
  }

  setVisible(visible: boolean): void {
    this.layer.setVisible(visible);
  }

  private style(feature: FeatureLike, resolution: number): Style | Style[] | undefined {
    switch (feature.get('kind')) {
      case 'water':
        return WATER;
      case 'building':
        return BUILDING;
      case 'river':
        return RIVER;
      case 'ridge':
        return RIDGE;
      case 'railway':
        return RAILWAY;
      case 'road':
        return this.road(String(feature.get('class') ?? 'major'), feature.get('name') as string | null, resolution);
      default:
        return undefined;
    }
  }

  private road(roadClass: string, name: string | null, resolution: number): Style[] {
    const width = Math.max(roadClass === 'path' ? 1 : 1.5, Math.min(24, (ROAD_WIDTH[roadClass] ?? 6) / resolution));
    const styles = [
      new Style({ stroke: new Stroke({ color: '#d6d2cb', width: width + 1.5 }), zIndex: 5 }),
      new Style({ stroke: new Stroke({ color: roadClass === 'major' ? '#fdf6e3' : '#ffffff', width }), zIndex: 6 }),
    ];
    // Names of the larger roads when zoomed in far enough to read them.
    if (name && roadClass !== 'path' && resolution < (roadClass === 'major' ? 3 : 1.5)) {
      styles.push(
        new Style({
          text: new Text({ text: name, placement: 'line', font: '12px sans-serif', fill: new Fill({ color: '#8a8275' }), stroke: new Stroke({ color: '#ffffff', width: 3 }) }),
          zIndex: 7,
        }),
      );
    }
    return styles;
  }
}
