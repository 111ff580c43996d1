/**
 * Administrative boundaries under the grids: villages/communities (dashed) and townships
 * (solid), and the region chosen in the tree, highlighted. Regions are loaded as the tree
 * opens them; the villages of the loaded grids are loaded at start (the live checks need them).
 */
import Feature from 'ol/Feature';
import MultiPolygon from 'ol/geom/MultiPolygon';
import Polygon from 'ol/geom/Polygon';
import VectorLayer from 'ol/layer/Vector';
import VectorSource from 'ol/source/Vector';
import { Fill, Stroke, Style, Text } from 'ol/style';
import type { FeatureLike } from 'ol/Feature';
import type { RegionFeature, RegionProperties } from '../api';
import type { MapCrs } from '../map/crs';

export type RegionFeatureOL = Feature<Polygon | MultiPolygon>;

export class RegionLayer {
  readonly source = new VectorSource<RegionFeatureOL>();
  readonly layer: VectorLayer<VectorSource<RegionFeatureOL>>;
  /** The data geometry of each region read (for the live checks, in WGS84). */
  readonly data = new Map<string, RegionFeature>();
  private highlighted: string | null = null;

  constructor(private readonly crs: MapCrs) {
    this.layer = new VectorLayer({
      source: this.source,
      style: (feature, resolution) => this.style(feature, resolution),
      properties: { name: 'regions' },
      zIndex: 25,
    });
  }

  add(region: RegionFeature): RegionFeatureOL {
    const code = region.properties.code;
    this.data.set(code, region);
    const existing = this.source.getFeatureById(code) as RegionFeatureOL | null;
    if (existing) return existing;
    const coordinates = this.crs.polygonalToMap(region.geometry);
    // A region's boundary is always a MultiPolygon (the column's type, server/api-types/regions.ts).
    const feature: RegionFeatureOL = new Feature(new MultiPolygon(coordinates));
    feature.setId(code);
    feature.set('region', region.properties);
    this.source.addFeature(feature);
    return feature;
  }

  /** Re-reads every region (after the data shift changed). */
  reproject(): void {
    const regions = [...this.data.values()];
    this.source.clear();
    for (const region of regions) this.add(region);
  }

  feature(code: string): RegionFeatureOL | null {
    return (this.source.getFeatureById(code) as RegionFeatureOL | null) ?? null;
  }

  setHighlighted(code: string | null): void {
    this.highlighted = code;
    this.layer.changed();
  }

  private style(feature: FeatureLike, resolution: number): Style[] {
    const region = feature.get('region') as RegionProperties;
    const highlighted = feature.getId() === this.highlighted;
    const styles: Style[] = [];
    if (region.level === 'village') {
      styles.push(new Style({ stroke: new Stroke({ color: 'rgba(60,60,80,0.85)', width: 1.6, lineDash: [6, 4] }) }));
    } else if (region.level === 'township') {
      styles.push(new Style({ stroke: new Stroke({ color: 'rgba(90,70,120,0.7)', width: 2.2 }) }));
    } else {
      styles.push(new Style({ stroke: new Stroke({ color: 'rgba(70,70,70,0.6)', width: 3 }) }));
    }
    if (highlighted) {
      styles.push(
        new Style({
          fill: new Fill({ color: 'rgba(255, 196, 0, 0.10)' }),
          stroke: new Stroke({ color: 'rgba(255, 150, 0, 0.95)', width: 4 }),
          zIndex: 5,
        }),
      );
    }
    // Township names at small scales, where grid labels are not drawn.
    if (region.level === 'township' && resolution >= 6 && resolution < 60) {
      styles.push(
        new Style({
          text: new Text({
            text: region.name,
            font: '13px "Microsoft YaHei","PingFang SC","Noto Sans CJK SC","WenQuanYi Micro Hei",system-ui,sans-serif',
            fill: new Fill({ color: '#4a3d66' }),
            stroke: new Stroke({ color: 'rgba(255,255,255,0.9)', width: 3 }),
            overflow: false,
          }),
        }),
      );
    }
    return styles;
  }
}
