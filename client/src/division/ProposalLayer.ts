/**
 * An auto-division proposal on the map: its grids as dashed outlines over today's (faded)
 * grids, coloured by whether their households are in range, labelled with number and households.
 */
import Feature from 'ol/Feature';
import MultiPolygon from 'ol/geom/MultiPolygon';
import Polygon from 'ol/geom/Polygon';
import VectorLayer from 'ol/layer/Vector';
import VectorSource from 'ol/source/Vector';
import { Fill, Stroke, Style, Text } from 'ol/style';
import type { FeatureLike } from 'ol/Feature';
import type { Polygonal } from '../api';
import type { MapCrs } from '../map/crs';

export interface ProposalGridProperties {
  number: string;
  kind: 'basic' | 'special';
  specialType: string | null;
  name: string | null;
  households: number;
  buildings: number;
  flags: { code: string; message: string }[];
}

export interface ProposalGrid {
  type: 'Feature';
  geometry: Polygonal;
  properties: ProposalGridProperties;
}

const COLOURS = { ok: '#862e9c', flagged: '#c92a2a', special: '#e8590c' };

export class ProposalLayer {
  readonly source = new VectorSource<Feature<Polygon | MultiPolygon>>();
  readonly layer: VectorLayer<VectorSource<Feature<Polygon | MultiPolygon>>>;

  constructor(private readonly crs: MapCrs) {
    this.layer = new VectorLayer({ source: this.source, style: (feature) => this.style(feature), properties: { name: 'proposal' }, zIndex: 25 });
  }

  show(grids: ProposalGrid[]): void {
    this.source.clear();
    this.source.addFeatures(
      grids.map((grid) => {
        const coordinates = this.crs.polygonalToMap(grid.geometry);
        const feature = new Feature<Polygon | MultiPolygon>(grid.geometry.type === 'Polygon' ? new Polygon(coordinates[0]) : new MultiPolygon(coordinates));
        feature.setId(grid.properties.number);
        feature.set('proposal', grid.properties);
        return feature;
      }),
    );
  }

  clear(): void {
    this.source.clear();
  }

  private style(feature: FeatureLike): Style {
    const p = feature.get('proposal') as ProposalGridProperties;
    const colour = p.kind === 'special' ? COLOURS.special : p.flags.length > 0 ? COLOURS.flagged : COLOURS.ok;
    return new Style({
      stroke: new Stroke({ color: colour, width: 2.5, lineDash: [10, 6] }),
      fill: new Fill({ color: p.flags.length > 0 ? 'rgba(201, 42, 42, 0.10)' : 'rgba(134, 46, 156, 0.08)' }),
      text: new Text({
        text: `${p.kind === 'special' ? (p.name ?? p.specialType ?? '') : `#${Number(p.number)}`}\n${p.households}`,
        font: '600 13px system-ui, sans-serif',
        fill: new Fill({ color: colour }),
        stroke: new Stroke({ color: '#fff', width: 3 }),
        overflow: true,
      }),
    });
  }
}
