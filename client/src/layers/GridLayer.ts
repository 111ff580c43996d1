/**
 * The grids held as GeoJSON: one OpenLayers feature per grid (id = grid code), editable, drawn as
 * gridStyle.ts says (by kind or fullness, outlined by state, labelled), with the selection above.
 * With many grids in the service these are only the villages opened; GridTiles draws the rest.
 */
import Feature from 'ol/Feature';
import MultiPolygon from 'ol/geom/MultiPolygon';
import MultiPoint from 'ol/geom/MultiPoint';
import Polygon from 'ol/geom/Polygon';
import VectorLayer from 'ol/layer/Vector';
import VectorSource from 'ol/source/Vector';
import { Fill, Stroke, Style, RegularShape } from 'ol/style';
import type { FeatureLike } from 'ol/Feature';
import type { FeatureCollection } from 'geojson';
import type { GridProperties, Polygonal } from '../api';
import type { MapCrs } from '../map/crs';
import { SELECTED_COLOUR, rgba, type ColourMode } from '../model';
import { gridStyles } from './gridStyle';

export type GridFeatureOL = Feature<Polygon | MultiPolygon>;

export function gridOf(feature: FeatureLike): GridProperties {
  return feature.get('grid') as GridProperties;
}

export class GridLayer {
  readonly source = new VectorSource<GridFeatureOL>();
  readonly layer: VectorLayer<VectorSource<GridFeatureOL>>;
  /** The selected grid again, above the region boundaries, with its vertices while editing. */
  readonly selectionLayer: VectorLayer<VectorSource<GridFeatureOL>>;
  private readonly selection = new VectorSource<GridFeatureOL>();
  private colourMode: ColourMode;
  private selected: string | null = null;
  private showVertices = false;
  /** The name of a village, to shorten grid names in labels. */
  regionName: ((code: string) => string | undefined) | null = null;

  constructor(private readonly crs: MapCrs, colourMode: ColourMode) {
    this.colourMode = colourMode;
    this.layer = new VectorLayer({
      source: this.source,
      declutter: true,
      style: (feature, resolution) => this.style(feature, resolution),
      properties: { name: 'grids' },
      zIndex: 20,
      updateWhileInteracting: true,
    });
    this.selectionLayer = new VectorLayer({
      source: this.selection,
      style: () => this.selectionStyle(),
      properties: { name: 'selection' },
      zIndex: 30,
      updateWhileInteracting: true,
      updateWhileAnimating: true,
    });
    this.source.on(['addfeature', 'removefeature', 'clear'], () => this.syncSelection());
  }

  private syncSelection(): void {
    const feature = this.selected ? this.feature(this.selected) : null;
    const shown = this.selection.getFeatures();
    if (shown.length === 1 && shown[0] === feature) return;
    this.selection.clear(true);
    if (feature) this.selection.addFeature(feature);
  }

  private selectionStyle(): Style[] {
    // Black on a white halo: the selection is a mark, not a data colour (palette.ts).
    const styles = [new Style({ stroke: new Stroke({ color: 'rgba(255,255,255,0.95)', width: 6.5 }) }), new Style({ stroke: new Stroke({ color: rgba(SELECTED_COLOUR, 1), width: 3 }) })];
    if (this.showVertices) {
      styles.push(
        new Style({
          image: new RegularShape({ points: 4, radius: 4.5, angle: Math.PI / 4, fill: new Fill({ color: '#fff' }), stroke: new Stroke({ color: '#1d4e89', width: 1.5 }) }),
          geometry: (f) => {
            const geometry = f.getGeometry() as Polygon | MultiPolygon;
            const points = (geometry instanceof Polygon ? [geometry.getCoordinates()] : geometry.getCoordinates()).flat(2);
            return new MultiPoint(points);
          },
        }),
      );
    }
    return styles;
  }

  /** Replaces every grid with those of `collection` (data coordinates). */
  load(collection: FeatureCollection<Polygonal, GridProperties>): void {
    this.source.clear();
    this.source.addFeatures(collection.features.map((f) => this.toFeature(f.geometry, f.properties)));
  }

  /** Adds the grids not held yet (another village opened), leaving those held — and their edits — alone. */
  add(collection: FeatureCollection<Polygonal, GridProperties>): GridFeatureOL[] {
    const fresh = collection.features.filter((f) => !this.feature(f.properties.code)).map((f) => this.toFeature(f.geometry, f.properties));
    this.source.addFeatures(fresh);
    return fresh;
  }

  toFeature(geometry: Polygonal, properties: GridProperties): GridFeatureOL {
    const coordinates = this.crs.polygonalToMap(geometry);
    const feature: GridFeatureOL = new Feature(geometry.type === 'Polygon' ? new Polygon(coordinates[0]) : new MultiPolygon(coordinates));
    feature.setId(properties.code);
    feature.set('grid', properties);
    return feature;
  }

  feature(code: string): GridFeatureOL | null {
    return (this.source.getFeatureById(code) as GridFeatureOL | null) ?? null;
  }

  all(): GridFeatureOL[] {
    return this.source.getFeatures();
  }

  setColourMode(mode: ColourMode): void {
    this.colourMode = mode;
    this.layer.changed();
  }

  get mode(): ColourMode {
    return this.colourMode;
  }

  setSelected(code: string | null): void {
    this.selected = code;
    this.syncSelection();
    this.layer.changed();
  }

  setShowVertices(show: boolean): void {
    this.showVertices = show;
    this.selectionLayer.changed();
  }

  private style(feature: FeatureLike, resolution: number): Style[] {
    return gridStyles(gridOf(feature), {
      selected: feature.getId() === this.selected,
      edited: feature.get('dirty') === true || feature.get('isNew') === true,
      mode: this.colourMode,
      resolution,
      regionName: this.regionName,
    });
  }
}
