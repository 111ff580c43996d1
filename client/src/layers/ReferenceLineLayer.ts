/**
 * Roads & rivers (道路河流): the villages' stored reference lines — roads grey, rivers and water
 * blue, railways and ridges dashed, walls (围墙) purple dash-dot — labelled by name when zoomed in. They are what grid borders
 * should follow: the grid editor snaps to them and auto-division follows them.
 *
 * Loaded per village and visible extent: after every move, each village in view whose lines
 * have not been read for this part of the map is asked for them (with a margin around the view,
 * so that small pans need no request). Nothing is loaded below MIN_ZOOM.
 */
import Feature from 'ol/Feature';
import LineString from 'ol/geom/LineString';
import MultiLineString from 'ol/geom/MultiLineString';
import MultiPolygon from 'ol/geom/MultiPolygon';
import Polygon from 'ol/geom/Polygon';
import type Geometry from 'ol/geom/Geometry';
import type OlMap from 'ol/Map';
import VectorLayer from 'ol/layer/Vector';
import VectorSource from 'ol/source/Vector';
import { Fill, Stroke, Style, Text } from 'ol/style';
import type { FeatureLike } from 'ol/Feature';
import { containsExtent, intersects, buffer as bufferExtent, getWidth, type Extent } from 'ol/extent';
import type { Api, ReferenceLineFeature, ReferenceLineProperties } from '../api';
import type { MapCrs } from '../map/crs';

/** Below this zoom a village's lines are too small to matter and are not loaded. */
const MIN_ZOOM = 13;
/** Names are drawn from this resolution (metres per pixel) down: about zoom 16. */
const LABEL_RESOLUTION = 2.5;

export const LINE_COLOURS = { road: '#868e96', water: '#1c7ed6', rail: '#495057', ridge: '#a9743b', wall: '#862e9c' } as const;

type StrokeKey = `road/${NonNullable<ReferenceLineProperties['class']>}` | Exclude<ReferenceLineProperties['kind'], 'road'>;

/** One stroke per kind and road class: a kind the server adds fails the type-check here rather than drawing nothing. */
const STROKES: Record<StrokeKey, Stroke> = {
  'road/major': new Stroke({ color: LINE_COLOURS.road, width: 5 }),
  'road/minor': new Stroke({ color: LINE_COLOURS.road, width: 3 }),
  'road/path': new Stroke({ color: LINE_COLOURS.road, width: 1.5, lineDash: [4, 3] }),
  river: new Stroke({ color: LINE_COLOURS.water, width: 4 }),
  water: new Stroke({ color: LINE_COLOURS.water, width: 1.5 }),
  railway: new Stroke({ color: LINE_COLOURS.rail, width: 2.5, lineDash: [10, 6] }),
  ridge: new Stroke({ color: LINE_COLOURS.ridge, width: 2, lineDash: [2, 4] }),
  wall: new Stroke({ color: LINE_COLOURS.wall, width: 2, lineDash: [6, 2, 1, 2] }),
};
const WATER_FILL = new Fill({ color: 'rgba(28, 126, 214, 0.35)' });

const VISIBLE_KEY = 'gridgov.lines';

export class ReferenceLineLayer {
  readonly source = new VectorSource<Feature<Geometry>>();
  readonly layer: VectorLayer<VectorSource<Feature<Geometry>>>;
  /** The map extent each village's lines have been read for. */
  private readonly loaded = new Map<string, Extent>();
  private generation = 0;

  constructor(
    private readonly map: OlMap,
    private readonly api: Api,
    private readonly crs: MapCrs,
    /** The villages known to the map, with their extent in map coordinates. */
    private readonly villages: () => { code: string; extent: Extent }[],
  ) {
    this.layer = new VectorLayer({
      source: this.source,
      style: (feature, resolution) => this.style(feature, resolution),
      declutter: true,
      properties: { name: 'referenceLines' },
      zIndex: 22,
    });
    this.layer.setVisible(localStorage.getItem(VISIBLE_KEY) !== 'hidden');
    map.on('moveend', () => void this.load());
  }

  get visible(): boolean {
    return this.layer.getVisible();
  }

  /** Shows or hides the lines (remembered in this browser). */
  setVisible(visible: boolean): void {
    this.layer.setVisible(visible);
    localStorage.setItem(VISIBLE_KEY, visible ? 'shown' : 'hidden');
  }

  /** Reads the lines of the villages in view that are not loaded yet for it. */
  async load(): Promise<void> {
    const view = this.map.getView();
    const size = this.map.getSize();
    if (!size || (view.getZoom() ?? 0) < MIN_ZOOM) return;
    const extent = view.calculateExtent(size);
    const wanted = bufferExtent(extent, getWidth(extent) / 2);
    const generation = this.generation;
    const requests = this.villages()
      .filter((village) => intersects(village.extent, extent))
      .filter((village) => !containsExtent(this.loaded.get(village.code) ?? [0, 0, 0, 0], extent))
      .map(async (village) => {
        this.loaded.set(village.code, wanted);
        try {
          const collection = await this.api.referenceLines(village.code, this.toBbox(wanted));
          if (generation === this.generation) this.add(village.code, collection.features);
        } catch {
          // Not fatal: the lines are a guide. Try again on the next move.
          this.loaded.delete(village.code);
        }
      });
    await Promise.all(requests);
  }

  /** Forgets everything read (after the data shift changed, or the lines were replaced) and reads again. */
  reload(): Promise<void> {
    this.generation++;
    this.loaded.clear();
    this.source.clear();
    return this.load();
  }

  private toBbox(extent: Extent): number[] {
    const [minLon, minLat] = this.crs.toLonLat([extent[0], extent[1]]);
    const [maxLon, maxLat] = this.crs.toLonLat([extent[2], extent[3]]);
    return [minLon, minLat, maxLon, maxLat];
  }

  private add(code: string, features: ReferenceLineFeature[]): void {
    const fresh = features
      .filter((line) => !this.source.getFeatureById(`${code}/${line.id}`))
      .map((line) => {
        const feature = new Feature<Geometry>(this.toGeometry(line.geometry));
        feature.setId(`${code}/${line.id}`);
        feature.set('line', line.properties);
        return feature;
      });
    this.source.addFeatures(fresh);
  }

  private toGeometry(geometry: ReferenceLineFeature['geometry']): Geometry {
    const map = (p: number[]) => this.crs.toMap(p);
    switch (geometry.type) {
      case 'LineString':
        return new LineString(geometry.coordinates.map(map));
      case 'MultiLineString':
        return new MultiLineString(geometry.coordinates.map((line) => line.map(map)));
      case 'Polygon':
        return new Polygon(this.crs.polygonalToMap(geometry)[0]);
      default:
        return new MultiPolygon(this.crs.polygonalToMap(geometry));
    }
  }

  private style(feature: FeatureLike, resolution: number): Style {
    const p = feature.get('line') as ReferenceLineProperties;
    const key: StrokeKey = p.kind === 'road' ? `road/${p.class ?? 'major'}` : p.kind;
    const water = p.kind === 'river' || p.kind === 'water';
    return new Style({
      stroke: STROKES[key],
      fill: p.kind === 'water' ? WATER_FILL : undefined,
      text:
        p.name && resolution <= LABEL_RESOLUTION
          ? new Text({
              text: p.name,
              placement: p.kind === 'water' ? 'point' : 'line',
              font: `${water ? 'italic ' : ''}12px system-ui, sans-serif`,
              fill: new Fill({ color: water ? '#1864ab' : '#343a40' }),
              stroke: new Stroke({ color: '#fff', width: 3 }),
            })
          : undefined,
    });
  }
}
