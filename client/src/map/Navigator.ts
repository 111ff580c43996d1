/**
 * Navigation and selection: which grid is selected, going to a grid, a region or a searched
 * point, opening a village's grids over the tiles (many grids), fitting the map to all grids,
 * and what a click on the map means. The selection and the region chosen are set in the
 * store; the panels follow them there.
 */
import { createEmpty, extend as extendExtent, isEmpty, type Extent } from 'ol/extent';
import type MapBrowserEvent from 'ol/MapBrowserEvent';
import type { Api } from '../api';
import type { GridEditor } from '../editing/GridEditor';
import { t } from '../i18n';
import type { GridLayer } from '../layers/GridLayer';
import type { GridLoader } from '../layers/GridLoader';
import type { GridTiles } from '../layers/GridTiles';
import type { MarkerLayer } from '../layers/MarkerLayer';
import type { RegionLayer } from '../layers/RegionLayer';
import type { ShownGrids } from '../layers/ShownGrids';
import { gridLabel } from '../layers/gridLabel';
import type { RegionTree } from '../panels/RegionTree';
import type { StatusBar } from '../panels/StatusBar';
import type { AppStore } from '../state/AppState';
import type { MapCrs } from './crs';
import type { MapView } from './MapView';

export interface NavigatorOptions {
  store: AppStore;
  api: Api;
  mapView: MapView;
  crs: MapCrs;
  grids: GridLayer;
  tiles: GridTiles;
  loader: GridLoader;
  shown: ShownGrids;
  regions: RegionLayer;
  markers: MarkerLayer;
  editor: GridEditor;
  /** Revealed or marked when a region is gone to; its top loaded when the map opens. */
  tree: RegionTree;
  /** The history slider's left end: the first version ever written (told when the map opens). */
  earliest: (iso: string) => void;
  status: StatusBar;
  /** The command centre's own clicks (incidents, cameras): true when it took the click. */
  commandClick: (event: MapBrowserEvent<PointerEvent | KeyboardEvent | WheelEvent>) => boolean;
  /** Merge tool or Shift+click: the selected grid takes the clicked one (null: no grid clicked). */
  merge: (code: string | null) => void;
}

export class Navigator {
  constructor(private readonly options: NavigatorOptions) {
    const { mapView, grids, tiles, editor, store } = options;
    const map = mapView.map;
    map.on('singleclick', (event) => {
      const { view, asOf } = store.state;
      if (view === 'command' && options.commandClick(event)) return;
      if (editor.editMode === 'draw' || editor.editMode === 'split') return;
      const hit = map.forEachFeatureAtPixel(event.pixel, (feature) => feature, { layerFilter: (layer) => layer === grids.layer, hitTolerance: 0 });
      if (view === 'plan' && asOf === null && (editor.editMode === 'merge' || event.originalEvent.shiftKey)) {
        options.merge(hit ? String(hit.getId()) : null);
        return;
      }
      const tiled = hit ? null : tiles.gridAt(map, event.pixel);
      if (hit) this.select(String(hit.getId()));
      else if (tiled) void this.gotoGrid(tiled.code, false);
      else if (editor.editMode === 'select') this.select(null);
    });
  }

  /** Selects a grid held (a code not held selects nothing); said again even when unchanged, so that the panels show it afresh. */
  select(code: string | null): void {
    if (code && !this.options.grids.feature(code)) code = null;
    this.options.store.set({ selected: code }, true);
  }

  /** Selects the grid and brings it into view (zoomed to it with `zoom`); opens its village over the tiles first. */
  async gotoGrid(code: string, zoom: boolean): Promise<boolean> {
    const { grids, mapView } = this.options;
    if (!grids.feature(code)) await this.openVillage(code.slice(0, 12));
    const feature = grids.feature(code);
    if (!feature) return false;
    this.select(code);
    const extent = feature.getGeometry()!.getExtent();
    if (zoom || !this.inView(extent)) mapView.fit(extent, 18, 300);
    return true;
  }

  private inView(extent: Extent): boolean {
    const map = this.options.mapView.map;
    const size = map.getSize();
    if (!size) return false;
    const view = map.getView().calculateExtent(size);
    return extent[0] >= view[0] && extent[1] >= view[1] && extent[2] <= view[2] && extent[3] <= view[3];
  }

  /** Chooses a region (a village's grids are opened), highlights it and fits the map to it; a search reveals it in the tree. */
  async gotoRegion(code: string, fromSearch: boolean): Promise<boolean> {
    const { regions, api, store, mapView, tree } = this.options;
    let feature = regions.feature(code);
    if (!feature) {
      try {
        feature = regions.add(await api.region(code));
      } catch {
        return false;
      }
    }
    if (feature.get('region')?.level === 'village') await this.openVillage(code);
    this.select(null);
    regions.setHighlighted(code);
    store.set({ region: code }, true);
    mapView.fit(feature.getGeometry()!.getExtent(), 18, 300);
    if (fromSearch) await tree.reveal(code);
    else tree.select(code);
    return true;
  }

  /** A searched place: marked, centred, and its grid (given, or located by the server) selected. */
  async gotoPoint(lon: number, lat: number, label: string, gridCode?: string | null): Promise<void> {
    const { crs, markers, mapView, api, grids, status } = this.options;
    const xy = crs.toMap([lon, lat]);
    markers.setSearchMarker(xy);
    const view = mapView.map.getView();
    view.animate({ center: xy, zoom: Math.max(view.getZoom() ?? 16, 17), duration: 300 });
    let code = gridCode;
    if (code === undefined) {
      try {
        code = await api.locateCode(lon, lat);
      } catch {
        code = null;
      }
    }
    if (code && !grids.feature(code)) await this.openVillage(code.slice(0, 12));
    if (code && grids.feature(code)) {
      this.select(code);
      const found = code;
      status.show(() => `${label} — ${t('search.inGrid', { name: gridLabel(grids, found), code: found })}`);
    } else {
      status.show(() => `${label} — ${t('search.notInGrid')}`);
    }
  }

  /**
   * Many grids (tiles): loads a village's grids as GeoJSON, to select and edit them, with its
   * boundary (for the live checks). The grids already held, and any edits pending on them,
   * stay as they are: the village's grids are added beside them.
   */
  async openVillage(region: string): Promise<boolean> {
    const { loader, regions, api, shown, store, editor, tree } = this.options;
    if (!loader.tiled || loader.villages.has(region)) return true;
    const [collection] = await Promise.all([
      loader.fetchVillage(region, store.state.asOf),
      regions.data.has(region) ? null : api.region(region).then((feature) => regions.add(feature)).catch(() => null),
    ]);
    // Hidden from the tiles only once its GeoJSON is there to draw, so it never blinks out.
    loader.open(region);
    const added = shown.add(collection);
    if (store.state.asOf === null) editor.captureOriginalsOf(added);
    tree.render();
    return true;
  }

  /**
   * Opens the map: today's grids (or the tiles), the villages of those grids (the live checks
   * need their boundaries), the tree's top, and the last view if it shows any grid, else all
   * grids. Returns how many grids are held.
   */
  async open(): Promise<number> {
    const { loader, shown, editor, api, regions, tree, status, mapView } = this.options;
    await loader.start();
    const collection = await loader.fetch(null);
    shown.show(collection);
    editor.captureOriginals();
    // The slider reaches back to the first version ever written (with tiles, no grid list is loaded to tell).
    const earliest = (await api.gridHistoryStart().catch(() => null)) ?? collection.features.map((f) => f.properties.validFrom).sort()[0];
    if (earliest) this.options.earliest(earliest);
    const villageCodes = [...new Set(collection.features.map((f) => f.properties.regionCode))];
    await Promise.all([
      ...villageCodes.map((code) =>
        api
          .region(code)
          .then((region) => regions.add(region))
          .catch(() => {}),
      ),
      tree.load().catch((error: unknown) => status.show(String(error), 'error')),
    ]);
    const extent = this.gridExtent();
    if (!mapView.restore(isEmpty(extent) ? null : extent)) this.fitAll(0);
    mapView.remembering = true;
    return collection.features.length;
  }

  /** The extent of every grid (held, or known to the tiles), else of the regions loaded. */
  gridExtent(): Extent {
    const { grids, loader, crs, regions } = this.options;
    const extent = createEmpty();
    for (const feature of grids.all()) extendExtent(extent, feature.getGeometry()!.getExtent());
    const bounds = loader.bounds;
    if (bounds) for (const corner of [[bounds[0], bounds[1]], [bounds[2], bounds[3]]]) extendExtent(extent, [...crs.toMap(corner), ...crs.toMap(corner)]);
    if (isEmpty(extent)) for (const feature of regions.source.getFeatures()) extendExtent(extent, feature.getGeometry()!.getExtent());
    return extent;
  }

  fitAll(duration: number): void {
    const extent = this.gridExtent();
    if (!isEmpty(extent)) this.options.mapView.fit(extent, 18, duration);
  }
}
