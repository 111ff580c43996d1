/** The problems the live checks found: overlaps and parts outside the village in red, gaps the edits opened in orange. */
import Feature from 'ol/Feature';
import type Geometry from 'ol/geom/Geometry';
import VectorLayer from 'ol/layer/Vector';
import VectorSource from 'ol/source/Vector';
import { Fill, Stroke, Style } from 'ol/style';
import { PROBLEM_COLOUR, rgba } from '../model';

const PROBLEM_STYLE = new Style({
  fill: new Fill({ color: rgba(PROBLEM_COLOUR, 0.45) }),
  stroke: new Stroke({ color: rgba(PROBLEM_COLOUR, 1), width: 2 }),
});
/** Gaps (a warning): orange. */
const GAP_COLOUR: [number, number, number] = [245, 159, 0];
const GAP_STYLE = new Style({
  fill: new Fill({ color: rgba(GAP_COLOUR, 0.55) }),
  stroke: new Stroke({ color: rgba(GAP_COLOUR, 1), width: 2, lineDash: [5, 3] }),
});

export class CheckLayer {
  readonly source = new VectorSource<Feature<Geometry>>();
  readonly layer = new VectorLayer({
    source: this.source,
    style: (feature) => (feature.get('kind') === 'gap' ? GAP_STYLE : PROBLEM_STYLE),
    properties: { name: 'checks' },
    zIndex: 40,
  });

  /** The problems' geometries; `kinds` (same order) styles gaps apart. */
  show(geometries: Geometry[], kinds: string[] = []): void {
    this.source.clear();
    this.source.addFeatures(geometries.map((geometry, i) => new Feature({ geometry, kind: kinds[i] ?? 'problem' })));
  }
}
