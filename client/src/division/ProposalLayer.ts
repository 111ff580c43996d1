/**
 * An auto-division proposal on the map: its grids as dashed outlines over today's (faded)
 * grids, coloured by whether their households are in range, labelled with number and households.
 * A special grid the division keeps as it is (properties.code) is drawn solid and marked kept.
 * A special grid the division proposes for large land without homes (properties.candidate) is
 * dotted green over a green wash and labelled with its type and "special?": a planner sees at a
 * glance which land it suggests setting apart.
 */
import Feature from 'ol/Feature';
import MultiPolygon from 'ol/geom/MultiPolygon';
import Polygon from 'ol/geom/Polygon';
import VectorLayer from 'ol/layer/Vector';
import VectorSource from 'ol/source/Vector';
import { Fill, Stroke, Style, Text } from 'ol/style';
import type { FeatureLike } from 'ol/Feature';
import type { DivisionJob, Polygonal } from '../api';
import type { MapCrs } from '../map/crs';
import { hasKey, t } from '../i18n';

/** A proposed grid's properties (GET /api/divisions/:id). */
export type ProposalGridProperties = NonNullable<DivisionJob['proposal']>['features'][number]['properties'];

export interface ProposalGrid {
  type: 'Feature';
  geometry: Polygonal;
  properties: ProposalGridProperties;
}

const COLOURS = { ok: '#862e9c', flagged: '#c92a2a', special: '#e8590c', candidate: '#2b8a3e' };

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
    if (p.candidate) return this.candidateStyle(p);
    const colour = p.kind === 'special' ? COLOURS.special : p.flags.length > 0 ? COLOURS.flagged : COLOURS.ok;
    const kept = Boolean(p.code);
    return new Style({
      stroke: new Stroke({ color: colour, width: kept ? 3 : 2.5, lineDash: kept ? undefined : [10, 6] }),
      fill: new Fill({ color: kept ? 'rgba(232, 89, 12, 0.12)' : p.flags.length > 0 ? 'rgba(201, 42, 42, 0.10)' : 'rgba(134, 46, 156, 0.08)' }),
      text: new Text({
        text: kept
          ? `${p.name ?? p.specialType ?? ''}\n${t('division.fixed')}`
          : `${p.kind === 'special' ? (p.name ?? p.specialType ?? '') : `#${Number(p.number)}`}\n${p.households}`,
        font: '600 13px system-ui, sans-serif',
        fill: new Fill({ color: colour }),
        stroke: new Stroke({ color: '#fff', width: 3 }),
        overflow: true,
      }),
    });
  }

  /** A proposed special grid (land without homes): dotted green, its type and "special?". */
  private candidateStyle(p: ProposalGridProperties): Style {
    return new Style({
      stroke: new Stroke({ color: COLOURS.candidate, width: 3, lineDash: [2, 6] }),
      fill: new Fill({ color: 'rgba(43, 138, 62, 0.22)' }),
      text: new Text({
        text: `${specialTypeWord(p.specialType)}\n${t('division.candidateLabel')}`,
        font: '600 13px system-ui, sans-serif',
        fill: new Fill({ color: COLOURS.candidate }),
        stroke: new Stroke({ color: '#fff', width: 3 }),
        overflow: true,
      }),
    });
  }
}

/** A special grid type in the interface's words (学校, 公园 …), else as it is. */
export function specialTypeWord(type: string | null): string {
  const key = `special.${type ?? 'other'}`;
  return hasKey(key) ? t(key as never) : (type ?? '');
}
