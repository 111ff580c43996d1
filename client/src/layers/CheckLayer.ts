/** The problems the live checks found: overlaps and parts outside the village, in red. */
import Feature from 'ol/Feature';
import type Geometry from 'ol/geom/Geometry';
import VectorLayer from 'ol/layer/Vector';
import VectorSource from 'ol/source/Vector';
import { Fill, Stroke, Style } from 'ol/style';
import { PROBLEM_COLOUR, rgba } from '../model';

export class CheckLayer {
  readonly source = new VectorSource<Feature<Geometry>>();
  readonly layer = new VectorLayer({
    source: this.source,
    style: new Style({
      fill: new Fill({ color: rgba(PROBLEM_COLOUR, 0.45) }),
      stroke: new Stroke({ color: rgba(PROBLEM_COLOUR, 1), width: 2 }),
    }),
    properties: { name: 'checks' },
    zIndex: 40,
  });

  show(geometries: Geometry[]): void {
    this.source.clear();
    this.source.addFeatures(geometries.map((geometry) => new Feature(geometry)));
  }
}
