/**
 * The live checks of the unsaved edits, run a moment after each change: self-crossings,
 * overlaps with other grids, parts outside the village, gaps opened (warnings), drawn on the
 * check layer, and the edited grids' households as drawn now (LiveHouseholds). The findings go
 * into the store's `problems` and `estimates`; the check panel, tree and grid panel follow them.
 */
import { createEmpty, extend as extendExtent, isEmpty } from 'ol/extent';
import type Geometry from 'ol/geom/Geometry';
import MultiPolygon from 'ol/geom/MultiPolygon';
import Point from 'ol/geom/Point';
import Polygon from 'ol/geom/Polygon';
import type { Polygonal, RegionFeature } from '../api';
import type { LiveHouseholds } from '../households/LiveHouseholds';
import type { CheckLayer } from '../layers/CheckLayer';
import { gridOf, type GridLayer } from '../layers/GridLayer';
import { gridLabel } from '../layers/gridLabel';
import type { RegionLayer } from '../layers/RegionLayer';
import type { MapCrs } from '../map/crs';
import type { MapView } from '../map/MapView';
import type { StatusBar } from '../panels/StatusBar';
import type { AppStore } from '../state/AppState';
import { runChecks, type CheckGrid, type Problem } from './checks';
import { openedGaps } from './gaps';
import { polygonsOf, type GridEditor, type PendingChange } from './GridEditor';

/** How long after a change the checks run (a drag fires many changes). */
const DELAY_MS = 120;

export interface LiveChecksOptions {
  store: AppStore;
  editor: GridEditor;
  grids: GridLayer;
  regions: RegionLayer;
  crs: MapCrs;
  mapView: MapView;
  /** Where the problems are drawn. */
  layer: CheckLayer;
  households: LiveHouseholds;
  /** A save refusal on it is cleared by the next change of the edits. */
  status: StatusBar;
  /** Selects a grid (Navigator.select). */
  select: (code: string | null) => void;
}

/** The villages' boundaries among the regions loaded, by code. */
export function villageGeometries(regions: Map<string, RegionFeature>): Map<string, Polygonal> {
  const villages = new Map<string, Polygonal>();
  for (const [code, region] of regions) if (region.properties.level === 'village') villages.set(code, region.geometry);
  return villages;
}

export class LiveChecks {
  private timer: number | undefined;

  constructor(private readonly options: LiveChecksOptions) {}

  /** The edits changed: a refusal about them goes, the checks run a moment later. */
  editsChanged(): void {
    this.options.status.clearRefusal();
    this.cancel();
    this.timer = window.setTimeout(() => this.run(), DELAY_MS);
  }

  /** Drops a run waiting (the caller runs the checks itself). */
  cancel(): void {
    window.clearTimeout(this.timer);
  }

  /** The live checks of every pending edit against every other grid and the villages. */
  run(): void {
    const { editor, grids, crs, regions, layer, store } = this.options;
    const all = editor.pending();
    const pending = all.filter((p) => !p.retire);
    const editedCodes = new Set(pending.map((p) => p.code));
    const edited: CheckGrid[] = pending.map((p) => ({ code: p.code, label: gridLabel(grids, p.code), regionCode: p.properties.regionCode || null, geometry: p.after }));
    const around = createEmpty();
    for (const p of pending) extendExtent(around, grids.feature(p.code)!.getGeometry()!.getExtent());
    const others: CheckGrid[] = isEmpty(around)
      ? []
      : grids.source
          .getFeaturesInExtent(around)
          .filter((f) => !editedCodes.has(String(f.getId())))
          .map((f) => ({ code: String(f.getId()), label: gridOf(f).name, regionCode: gridOf(f).regionCode, geometry: crs.polygonsToData(polygonsOf(f)) }));
    const villages = villageGeometries(regions.data);
    const problems = [...runChecks(edited, others, villages), ...this.gaps(all, villages)];
    const pieces: Geometry[] = [];
    const kinds: string[] = [];
    for (const problem of problems) {
      if (problem.kind === 'overlap' || problem.kind === 'outside' || problem.kind === 'gap') {
        const polygons = crs.polygonalToMap(problem.piece);
        pieces.push(polygons.length === 1 ? new Polygon(polygons[0]) : new MultiPolygon(polygons));
        kinds.push(problem.kind);
      } else if (problem.kind === 'invalid') {
        pieces.push(new Point(crs.toMap(problem.at)));
        kinds.push(problem.kind);
      }
    }
    layer.show(pieces, kinds);
    void this.estimateHouseholds(pending);
    store.set({ problems }, true);
  }

  /** Gaps the edits opened between grids inside their villages (warnings). */
  private gaps(pending: PendingChange[], villages: Map<string, Polygonal>): Problem[] {
    const { grids, editor, crs } = this.options;
    // Only the edited villages' grids are looked at (a village has tens of grids; the service may hold thousands).
    const regions = new Set(pending.map((p) => p.properties.regionCode));
    const held = grids.all().filter((feature) => regions.has(gridOf(feature).regionCode)).map((feature) => {
      const code = String(feature.getId());
      const now = crs.polygonsToData(polygonsOf(feature));
      return { code, regionCode: gridOf(feature).regionCode, isNew: Boolean(feature.get('isNew')), loaded: editor.originalData(code) ?? now, now };
    });
    return openedGaps(pending, held, villages);
  }

  /** Households of the edited grids by the server's rule, as drawn now (LiveHouseholds). */
  private async estimateHouseholds(pending: PendingChange[]): Promise<void> {
    const rows = await this.options.households.update(pending);
    if (rows === null) return;
    this.options.store.set({ estimates: rows }, true);
  }

  /** Shows a problem: the map fitted to its piece (or its grid), the grid selected. */
  focus(problem: Problem): void {
    const { grids, crs, mapView } = this.options;
    const feature = grids.feature(problem.code);
    if (problem.kind === 'overlap' || problem.kind === 'outside' || problem.kind === 'gap') {
      const polygons = crs.polygonalToMap(problem.piece);
      mapView.fit(new MultiPolygon(polygons).getExtent(), 19, 300);
    } else if (feature) {
      mapView.fit(feature.getGeometry()!.getExtent(), 19, 300);
    }
    if (feature) this.options.select(problem.code);
  }
}
