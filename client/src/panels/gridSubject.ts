import { polygonsOf } from '../editing/GridEditor';
import { areaOf } from '../editing/checks';
import { gridOf, type GridLayer } from '../layers/GridLayer';
import type { RegionLayer } from '../layers/RegionLayer';
import type { MapCrs } from '../map/crs';
import type { GridPanelSubject } from './GridPanel';

/** What the grid panel shows of a grid held (as drawn now, its area in m²), or null for one not held. */
export function gridSubject(grids: GridLayer, regions: RegionLayer, crs: MapCrs, code: string, asOf: string | null): GridPanelSubject | null {
  const feature = grids.feature(code);
  if (!feature) return null;
  const properties = gridOf(feature);
  return {
    properties,
    isNew: Boolean(feature.get('isNew')),
    dirty: Boolean(feature.get('dirty')),
    areaM2: areaOf(crs.polygonsToData(polygonsOf(feature))),
    regionName: regions.data.get(properties.regionCode)?.properties.name ?? null,
    asOf,
  };
}
