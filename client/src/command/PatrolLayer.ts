/**
 * Patrol coverage on the command centre's map: the tracks walked near the selected grid (solid
 * blue) and what nobody walked — its streets (thick black dashes on a white halo) or, for a grid
 * without stored streets, its area (dark shading). Told apart by shape and lightness as well as
 * colour, so colour blindness does not merge them, and sharing no colour with the lights
 * (green/amber/red), the heatmap or the planner's orange selection.
 */
import Feature from 'ol/Feature';
import MultiLineString from 'ol/geom/MultiLineString';
import MultiPolygon from 'ol/geom/MultiPolygon';
import VectorLayer from 'ol/layer/Vector';
import VectorSource from 'ol/source/Vector';
import { Fill, Stroke, Style } from 'ol/style';
import type { MultiLineString as GeoMultiLineString, MultiPolygon as GeoMultiPolygon } from 'geojson';
import type { MapCrs } from '../map/crs';

export const WALKED_COLOUR = '#0b6bcb';
export const UNWALKED_COLOUR = '#1b1b1b';

const styles = {
  walked: new Style({ stroke: new Stroke({ color: WALKED_COLOUR, width: 3 }) }),
  unwalkedLine: [new Style({ stroke: new Stroke({ color: 'rgba(255,255,255,0.9)', width: 7 }) }), new Style({ stroke: new Stroke({ color: UNWALKED_COLOUR, width: 4, lineDash: [8, 6] }) })],
  unwalkedArea: new Style({ stroke: new Stroke({ color: UNWALKED_COLOUR, width: 1, lineDash: [4, 4] }), fill: new Fill({ color: 'rgba(27,27,27,0.22)' }) }),
};

export class PatrolLayer {
  readonly source = new VectorSource();
  readonly layer = new VectorLayer({
    source: this.source,
    style: (feature) => styles[feature.get('kind') as keyof typeof styles],
    properties: { name: 'patrol-coverage' },
    zIndex: 55,
  });

  constructor(private readonly crs: MapCrs) {}

  show(tracks: GeoMultiLineString | null, unwalked: GeoMultiLineString | GeoMultiPolygon | null): void {
    this.source.clear(true);
    const line = (geometry: GeoMultiLineString) => new MultiLineString(geometry.coordinates.map((part) => part.map((p) => this.crs.toMap(p))));
    if (unwalked?.type === 'MultiPolygon') this.source.addFeature(new Feature({ geometry: new MultiPolygon(this.crs.polygonalToMap(unwalked)), kind: 'unwalkedArea' }));
    else if (unwalked) this.source.addFeature(new Feature({ geometry: line(unwalked), kind: 'unwalkedLine' }));
    if (tracks) this.source.addFeature(new Feature({ geometry: line(tracks), kind: 'walked' }));
  }

  clear(): void {
    this.source.clear(true);
  }
}
