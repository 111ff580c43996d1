/** Points of interest of the moment: a search result, the cameras of the selected grid. */
import Feature from 'ol/Feature';
import Point from 'ol/geom/Point';
import Polygon from 'ol/geom/Polygon';
import VectorLayer from 'ol/layer/Vector';
import VectorSource from 'ol/source/Vector';
import { Circle as CircleStyle, Fill, Stroke, Style } from 'ol/style';
import type { Coordinate } from 'ol/coordinate';
import type { FeatureLike } from 'ol/Feature';
import { SEARCH_MARKER } from '../palette';

export class MarkerLayer {
  readonly source = new VectorSource();
  readonly layer = new VectorLayer({
    source: this.source,
    style: (feature) => this.style(feature),
    properties: { name: 'markers' },
    zIndex: 50,
  });

  private readonly searchStyle = [
    new Style({ image: new CircleStyle({ radius: 11, fill: new Fill({ color: 'rgba(255,255,255,0.85)' }), stroke: new Stroke({ color: SEARCH_MARKER.ring, width: 2.5 }) }) }),
    new Style({ image: new CircleStyle({ radius: 3.5, fill: new Fill({ color: SEARCH_MARKER.ring }) }) }),
  ];

  setSearchMarker(xy: Coordinate | null): void {
    for (const f of this.source.getFeatures()) if (f.get('kind') === 'search') this.source.removeFeature(f);
    if (xy) this.source.addFeature(new Feature({ geometry: new Point(xy), kind: 'search' }));
  }

  setCameras(cameras: { xy: Coordinate; sector?: Coordinate[][] }[]): void {
    for (const f of this.source.getFeatures()) if (f.get('kind') === 'camera' || f.get('kind') === 'sector') this.source.removeFeature(f);
    for (const camera of cameras) {
      if (camera.sector) this.source.addFeature(new Feature({ geometry: new Polygon(camera.sector), kind: 'sector' }));
      this.source.addFeature(new Feature({ geometry: new Point(camera.xy), kind: 'camera' }));
    }
  }

  private style(feature: FeatureLike): Style | Style[] {
    switch (feature.get('kind')) {
      case 'search':
        // A black-and-white target: never mistaken for an incident's light (palette.ts).
        return this.searchStyle;
      case 'sector':
        return new Style({ fill: new Fill({ color: 'rgba(0,140,255,0.18)' }), stroke: new Stroke({ color: 'rgba(0,110,220,0.7)', width: 1 }) });
      default:
        return new Style({ image: new CircleStyle({ radius: 5, fill: new Fill({ color: '#0b6bcb' }), stroke: new Stroke({ color: '#fff', width: 2 }) }) });
    }
  }
}
