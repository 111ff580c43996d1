/**
 * The planner view: wires the map, its layers, the editor and the panels together. Each part
 * lives in its own file (layers/, panels/, editing/); later views (auto-division, command
 * centre) add their own layers and panels next to these and hook in here.
 */
import { createEmpty, extend as extendExtent, isEmpty, type Extent } from 'ol/extent';
import Point from 'ol/geom/Point';
import MultiPolygon from 'ol/geom/MultiPolygon';
import Polygon from 'ol/geom/Polygon';
import type Geometry from 'ol/geom/Geometry';
import { Api, ApiError, type Me, type CamerasAnswer, type GridFeature, type GridProperties, type Polygonal, type RegionFeature } from './api';
import { applyI18n, formatDate, lang, onLangChange, setLang, t, type Key } from './i18n';
import { MapCrs } from './map/crs';
import { MapView } from './map/MapView';
import { BaseMapLayer, crsOf } from './layers/BaseMapLayer';
import { LocalBaseLayer } from './layers/LocalBaseLayer';
import { GridLayer, gridOf } from './layers/GridLayer';
import { GridTiles } from './layers/GridTiles';
import { GridLoader } from './layers/GridLoader';
import { RegionLayer } from './layers/RegionLayer';
import { CheckLayer } from './layers/CheckLayer';
import { MarkerLayer } from './layers/MarkerLayer';
import { ReferenceLineLayer } from './layers/ReferenceLineLayer';
import { GridEditor, polygonsOf, type EditMode, type PendingChange } from './editing/GridEditor';
import { Saver } from './editing/Saver';
import { areaOf, gapsOf, isWarning, runChecks, villageOf, type CheckGrid, type Problem } from './editing/checks';
import { Toolbar, type AppView } from './panels/Toolbar';
import { CommandView } from './command/CommandView';
import { DivisionPanel } from './division/DivisionPanel';
import { Legend } from './panels/Legend';
import { RegionTree } from './panels/RegionTree';
import { SearchBox } from './panels/SearchBox';
import { GridPanel } from './panels/GridPanel';
import { attributeDiffs } from './panels/AttributeFields';
import { CheckPanel } from './panels/CheckPanel';
import { HistorySlider } from './panels/HistorySlider';
import { Dialog } from './panels/Dialog';
import { SettingsPanel, loadSettings, type Settings } from './panels/SettingsPanel';
import { el } from './panels/dom';
import { SignIn } from './panels/SignIn';
import { Layout } from './panels/Layout';
import { ModeHint } from './panels/ModeHint';
import { ExportDialog } from './panels/ExportDialog';
import { forgetKey, storeKey, storedKey, takeKeyFromUrl } from './auth/session';
import type { ColourMode } from './model';
import { HouseholdEstimator } from './households/HouseholdEstimator';
import { LiveHouseholds, type HouseholdEstimateRow } from './households/LiveHouseholds';
import type { FeatureCollection } from 'geojson';

const $ = (id: string) => document.getElementById(id)!;
const COLOUR_KEY = 'gridgov.colour';

export class App {
  readonly api = new Api();
  settings: Settings = loadSettings();
  readonly crs = new MapCrs(crsOf(this.settings.baseMap));
  readonly mapView = new MapView($('map'), $('mouse-position'), this.crs);
  readonly map = this.mapView.map;
  /** gridgov's own base map from its vector tiles (roads, water, buildings): shown offline. */
  readonly localBase = new LocalBaseLayer(this.api, this.crs);
  readonly base = new BaseMapLayer(this.localBase);
  readonly regions = new RegionLayer(this.crs);
  readonly grids = new GridLayer(this.crs, (localStorage.getItem(COLOUR_KEY) as ColourMode | null) ?? 'fullness');
  /** Many grids: drawn from vector tiles; the loader says which are held as GeoJSON (see GridLoader). */
  readonly tiles = new GridTiles(this.api, this.crs, this.grids);
  readonly loader = new GridLoader(this.api, this.tiles);
  readonly checks = new CheckLayer();
  readonly markers = new MarkerLayer();
  /** Roads & rivers of the villages in view (snapped to while editing, followed by divisions). */
  readonly lines = new ReferenceLineLayer(this.map, this.api, this.crs, () =>
    [...this.regions.data.values()]
      .filter((r) => r.properties.level === 'village')
      .flatMap((r) => {
        const extent = this.regions.feature(r.properties.code)?.getGeometry()?.getExtent();
        return extent ? [{ code: r.properties.code, extent }] : [];
      }),
  );
  readonly editor: GridEditor;
  readonly saver = new Saver(this.api);
  readonly dialog = new Dialog($('dialog-root'));
  readonly toolbar: Toolbar;
  readonly legend: Legend;
  readonly tree: RegionTree;
  readonly search: SearchBox;
  readonly gridPanel: GridPanel;
  readonly checkPanel: CheckPanel;
  readonly history: HistorySlider;
  readonly settingsPanel: SettingsPanel;
  readonly command: CommandView;
  readonly division: DivisionPanel;
  readonly layout: Layout;
  readonly modeHint: ModeHint;
  readonly exporter: ExportDialog;

  /** The planner (规划) or the command centre (指挥). */
  view: AppView = 'plan';
  /** The region last chosen in the tree (the command centre's statistics are of it). */
  region: string | null = null;

  selected: string | null = null;
  asOf: string | null = null;
  problems: Problem[] = [];
  estimates: HouseholdEstimateRow[] = [];
  readonly households = new HouseholdEstimator(this.api);
  private saving: string | null = null;
  private shownData: FeatureCollection<Polygonal, GridProperties> | null = null;
  private checkTimer: number | undefined;
  private liveHouseholds!: LiveHouseholds;

  constructor() {
    this.base.apply(this.settings.baseMap);
    this.api.actor = this.settings.actor;
    for (const layer of [this.base.layer, this.base.labels, this.localBase.layer, this.regions.layer, this.tiles.layer, this.grids.layer, this.lines.layer, this.grids.selectionLayer, this.checks.layer, this.markers.layer]) this.map.addLayer(layer);

    this.grids.regionName = (code) => this.regions.data.get(code)?.properties.name;
    this.layout = new Layout(this.map, $('map').parentElement!);
    this.editor = new GridEditor(this.map, this.grids, this.regions, this.crs, this.lines.source);
    this.liveHouseholds = new LiveHouseholds(this.households, this.grids, this.crs, (code) => this.editor.originalProperties(code));
    this.editor.onDrawn = (code) => this.drawn(code);
    this.editor.onSplitLine = (line) => this.splitAlong(line);
    this.editor.onChange(() => this.editsChanged());

    this.toolbar = new Toolbar(
      $('toolbar'),
      () => ({
        mode: this.editor.editMode,
        shared: this.editor.sharedVertices,
        snap: this.editor.snap,
        canUndo: this.editor.undoStack.canUndo,
        canRedo: this.editor.undoStack.canRedo,
        colour: this.grids.mode,
        readOnly: this.asOf !== null || !this.can('grids:write'),
        view: this.view,
        views: this.allowedViews(),
      }),
      {
        setMode: (mode) => this.setMode(mode),
        setShared: (shared) => this.editor.setSharedVertices(shared),
        setSnap: (snap) => this.editor.setSnap(snap),
        undo: () => this.editor.undo(),
        redo: () => this.editor.redo(),
        setColour: (mode) => {
          this.grids.setColourMode(mode);
          this.tiles.restyle();
          localStorage.setItem(COLOUR_KEY, mode);
          this.legend.render();
        },
        fitAll: () => this.fitAll(300),
        setView: (view) => void this.setView(view),
        exportGrids: () => void this.exporter.open(),
      },
    );
    this.modeHint = new ModeHint($('map').parentElement!, () => ({
      mode: this.editor.editMode,
      selectedName: this.selected ? this.nameOf(this.selected) : null,
      readOnly: this.asOf !== null || this.view !== 'plan',
    }));
    this.exporter = new ExportDialog({
      api: this.api,
      dialog: this.dialog,
      regions: () =>
        [...this.regions.data.values()]
          .map((r) => ({ code: r.properties.code, name: r.properties.name, level: r.properties.level }))
          .sort((a, b) => a.code.localeCompare(b.code)),
      initial: () => this.region ?? (this.selected && !this.selected.startsWith('new') ? this.selected.slice(0, 12) : null) ?? this.me.regionCode ?? null,
      longitude: (code) => {
        const extent = this.regions.feature(code)?.getGeometry()?.getExtent();
        return extent ? this.crs.toLonLat([(extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2])[0] : null;
      },
    });
    const lines = this.lines;
    this.legend = new Legend($('legend'), () => this.grids.mode, {
      get visible() {
        return lines.visible;
      },
      setVisible: (visible) => {
        lines.setVisible(visible);
        this.editor.setLineSnapping(visible);
      },
    });
    this.editor.setLineSnapping(lines.visible);
    this.tree = new RegionTree($('region-tree'), this.api, {
      regionLoaded: (region) => this.regions.add(region),
      regionClicked: (code) => void this.gotoRegion(code, false),
      gridClicked: (code) => void this.gotoGrid(code, false),
      gridsOf: (regionCode) =>
        this.grids
          .all()
          .filter((f) => gridOf(f).regionCode === regionCode)
          .map((f) => ({ code: String(f.getId()), name: gridOf(f).name, dirty: Boolean(f.get('dirty') || f.get('isNew')) }))
          .sort((a, b) => a.code.localeCompare(b.code)),
    });
    this.search = new SearchBox($('search'), this.api, {
      gotoGrid: (code) => this.gotoGrid(code, true),
      gotoRegion: (code) => this.gotoRegion(code, true),
      gotoPoint: (lon, lat, label, gridCode) => this.gotoPoint(lon, lat, label, gridCode),
      status: (message, kind) => this.status(message, kind),
    });
    this.gridPanel = new GridPanel($('grid-panel'), this.api, {
      subject: (code) => this.subject(code),
      villages: () =>
        [...this.regions.data.values()].filter((r) => r.properties.level === 'village').map((r) => ({ code: r.properties.code, name: r.properties.name })),
      newGridChanged: (code, properties) => {
        this.grids.feature(code)?.set('grid', properties);
        this.editor.touched();
      },
      showCameras: (answer) => this.showCameras(answer),
      showAsOf: (iso) => this.history.set(iso),
      storedGeometry: (code) => this.editor.originalData(code),
      gridReplaced: (grid) => this.gridReplaced(grid),
    });
    this.checkPanel = new CheckPanel(
      $('check-panel'),
      () => ({ changed: this.editor.pending().length, problems: this.problems, estimates: this.estimates, saving: this.saving, names: (code) => this.nameOf(code) }),
      { save: () => void this.save(), discard: () => void this.discard(), focusProblem: (problem) => this.focusProblem(problem) },
    );
    this.history = new HistorySlider($('history'), (asOf) => void this.showAsOf(asOf));
    const commandRoot = el('aside', { className: 'side right command-side', 'data-role': 'command-side' });
    $('grid-panel').parentElement!.after(commandRoot);
    const toastRoot = el('div', { className: 'toasts', 'data-role': 'toasts' });
    $('map').parentElement!.append(toastRoot);
    this.command = new CommandView({
      api: this.api,
      map: this.map,
      crs: this.crs,
      grids: this.grids,
      root: commandRoot,
      toastRoot,
      selectedGrid: () => this.selected,
      selectedRegion: () => this.region,
      homeRegion: () => this.me.regionCode ?? null,
      canAct: () => this.can('incidents:write'),
      outlineGrids: (on) => {
        this.grids.setColourMode(on ? 'outline' : ((localStorage.getItem(COLOUR_KEY) as ColourMode | null) ?? 'fullness'));
        this.tiles.restyle();
        this.legend.render();
      },
      status: (message, kind) => this.status(message, kind),
      revealDetails: () => this.layout.selected(),
    });
    const divisionRoot = el('aside', { className: 'side right division-side', 'data-role': 'division-side' });
    commandRoot.after(divisionRoot);
    this.division = new DivisionPanel({
      api: this.api,
      map: this.map,
      crs: this.crs,
      grids: this.grids,
      dialog: this.dialog,
      root: divisionRoot,
      villages: () =>
        [...this.regions.data.values()].filter((r) => r.properties.level === 'village').map((r) => ({ code: r.properties.code, name: r.properties.name })),
      hasEdits: () => this.editor.hasChanges,
      reloadGrids: () => this.reloadGrids(),
      status: (message, kind) => this.status(message, kind),
      fitVillage: (code) => void this.gotoRegion(code, false),
      clearSelection: () => this.select(null),
    });
    this.settingsPanel = new SettingsPanel($('settings-root'), () => this.settings, (settings) => this.applySettings(settings));

    $('settings-button').addEventListener('click', () => this.settingsPanel.open());
    const langButton = $('lang-switch');
    const syncLangButton = () => {
      langButton.textContent = lang() === 'zh-CN' ? 'EN' : '中文';
      langButton.dataset.lang = lang() === 'zh-CN' ? 'en' : 'zh-CN';
    };
    langButton.addEventListener('click', () => setLang(lang() === 'zh-CN' ? 'en' : 'zh-CN'));
    onLangChange(() => {
      syncLangButton();
      $('status').textContent = this.statusText();
      this.grids.layer.changed();
      this.updateBanner();
    });
    syncLangButton();

    this.map.on('singleclick', (event) => {
      if (this.view === 'command' && this.command.click(event)) return;
      if (this.editor.editMode === 'draw' || this.editor.editMode === 'split') return;
      const hit = this.map.forEachFeatureAtPixel(event.pixel, (feature) => feature, { layerFilter: (layer) => layer === this.grids.layer, hitTolerance: 0 });
      // Merge: the selected grid takes the clicked one (merge tool, or Shift+click).
      if (this.view === 'plan' && this.asOf === null && (this.editor.editMode === 'merge' || event.originalEvent.shiftKey)) {
        this.mergeInto(hit ? String(hit.getId()) : null);
        return;
      }
      const tiled = hit ? null : this.tiles.gridAt(this.map, event.pixel);
      if (hit) this.select(String(hit.getId()));
      else if (tiled) void this.gotoGrid(tiled.code, false);
      else if (this.editor.editMode === 'select') this.select(null);
    });
    document.addEventListener('keydown', (event) => this.onKey(event));
    window.addEventListener('beforeunload', (event) => {
      if (this.editor.hasChanges) event.preventDefault();
    });
  }

  // ── start-up ────────────────────────────────────────────────────────────

  /** Who is signed in, and what the service lets this key do (GET /api/me). */
  me: Me = { signedIn: false, permissions: [] };

  can(permission: string): boolean {
    return this.me.permissions.includes(permission);
  }

  /** The views this key can use: planning needs grid reads, division grid writes, the command centre incident reads. */
  allowedViews(): AppView[] {
    const views: AppView[] = [];
    if (this.can('grids:read')) views.push('plan');
    if (this.can('grids:write')) views.push('divide');
    if (this.can('incidents:read')) views.push('command');
    return views;
  }

  /** The view a key opens on: a dispatcher's is the command centre, a planner's the planner. */
  private firstView(): AppView {
    const views = this.allowedViews();
    if (this.me.role === 'dispatcher' && views.includes('command')) return 'command';
    return views.includes(this.view) ? this.view : views[0];
  }

  /**
   * Signs in with the key from #key=… or the session, or asks for one; a service that lets
   * anyone read grids (GRIDGOV_PUBLIC_GRIDS) opens read-only without one.
   */
  private async signIn(): Promise<void> {
    const signIn = new SignIn($('dialog-root'), this.api);
    const offered = takeKeyFromUrl() ?? storedKey();
    let me = offered ? await signIn.check(offered) : null;
    if (!me) {
      const anonymous = await this.api.me();
      if (!offered && anonymous.permissions.includes('grids:read')) {
        this.me = anonymous;
      } else {
        if (offered) forgetKey();
        me = (await signIn.ask(offered ? t('auth.invalid') : undefined)).me;
      }
    }
    if (me) {
      this.me = me;
      storeKey(this.api.key!);
    }
    // A key revoked while the page is open: ask again, keep the page (and any unsaved edits).
    let asking = false;
    this.api.onUnauthorized = () => {
      if (asking) return;
      asking = true;
      forgetKey();
      void signIn.ask(t('auth.expired')).then(({ me: again }) => {
        asking = false;
        this.me = again;
        storeKey(this.api.key!);
        this.renderUser();
        this.toolbar.render();
      });
    };
    this.renderUser();
  }

  /** Who is signed in, and a way out. */
  private renderUser(): void {
    const root = $('user');
    root.replaceChildren();
    const role = this.me.signedIn ? t(`auth.role.${this.me.role}` as Key) : t('auth.role.anonymous');
    const label = this.me.signedIn ? t('auth.as', { name: this.me.name ?? '', role }) : role;
    root.append(el('span', { className: 'user-name', 'data-role': this.me.role ?? 'anonymous', title: label, text: label }));
    if (this.me.signedIn) {
      root.append(
        el('button', {
          type: 'button',
          className: 'link-button',
          'data-action': 'sign-out',
          text: t('auth.signOut'),
          onclick: () => {
            forgetKey();
            window.location.reload();
          },
        }),
      );
    }
  }

  async start(): Promise<void> {
    document.documentElement.lang = lang();
    document.body.dataset.appView = this.view;
    applyI18n(document.body);
    await this.signIn();
    onLangChange(() => this.renderUser());
    if (!this.can('grids:read')) throw new Error(t('auth.noMap', { role: t(`auth.role.${this.me.role ?? 'anonymous'}` as Key) }));
    const first = this.firstView();
    if (first !== this.view) await this.setView(first);
    // Tiles asked before signing in were refused: ask again with the key.
    this.localBase.refresh();
    this.toolbar.render();
    this.status(() => t('app.loading'));
    this.api
      .health()
      .then((health) => ($('backend').textContent = t('app.backend', { backend: health.backend, postgis: health.postgis })))
      .catch(() => {});
    await this.loader.start();
    const collection = await this.loader.fetch(null);
    this.showGrids(collection);
    this.editor.captureOriginals();
    // The slider reaches back to the first version ever written (with tiles, no grid list is loaded to tell).
    const earliest = (await this.api.gridHistoryStart().catch(() => null)) ?? collection.features.map((f) => f.properties.validFrom).sort()[0];
    if (earliest) this.history.setEarliest(earliest);
    // The villages of the grids (the live checks need their boundaries) and the tree's top.
    const villageCodes = [...new Set(collection.features.map((f) => f.properties.regionCode))];
    await Promise.all([
      ...villageCodes.map((code) =>
        this.api
          .region(code)
          .then((region) => this.regions.add(region))
          .catch(() => {}),
      ),
      this.tree.load().catch((error: unknown) => this.status(String(error), 'error')),
    ]);
    const extent = this.gridExtent();
    if (!this.mapView.restore(isEmpty(extent) ? null : extent)) this.fitAll(0);
    this.mapView.remembering = true;
    const counts = { grids: collection.features.length, regions: this.regions.data.size };
    if (this.loader.tiled) this.status(() => t('app.readyTiles', { grids: this.loader.total }));
    else this.status(() => (counts.grids ? t('app.ready', counts) : t('app.noGrids')));
    this.tree.render();
    void this.lines.load();
    document.body.dataset.ready = 'true';
  }

  fatal(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.status(() => t('app.failed', { message }), 'error');
    document.body.dataset.ready = 'error';
  }

  private gridExtent(): Extent {
    const extent = createEmpty();
    for (const feature of this.grids.all()) extendExtent(extent, feature.getGeometry()!.getExtent());
    const bounds = this.loader.bounds;
    if (bounds) for (const corner of [[bounds[0], bounds[1]], [bounds[2], bounds[3]]]) extendExtent(extent, [...this.crs.toMap(corner), ...this.crs.toMap(corner)]);
    if (isEmpty(extent)) for (const feature of this.regions.source.getFeatures()) extendExtent(extent, feature.getGeometry()!.getExtent());
    return extent;
  }

  fitAll(duration: number): void {
    const extent = this.gridExtent();
    if (!isEmpty(extent)) this.mapView.fit(extent, 18, duration);
  }

  private showGrids(collection: FeatureCollection<Polygonal, GridProperties>): void {
    this.shownData = collection;
    this.grids.load(collection);
  }

  private statusText: () => string = () => '';

  /** The status bar; a function is called again when the language changes. */
  status(message: string | (() => string), kind: 'info' | 'error' = 'info'): void {
    this.statusText = typeof message === 'string' ? () => message : message;
    const status = $('status');
    status.textContent = this.statusText();
    status.className = `status ${kind}`;
  }

  // ── selection and navigation ────────────────────────────────────────────

  select(code: string | null): void {
    if (code && !this.grids.feature(code)) code = null;
    this.selected = code;
    this.grids.setSelected(code);
    this.editor.setSelected(code);
    this.gridPanel.show(code);
    if (code && !code.startsWith('new')) void this.tree.reveal(code);
    else this.tree.select(null);
    if (code) this.regions.setHighlighted(null);
    if (code) this.layout.selected();
    this.modeHint?.render();
    this.command.gridChanged();
  }

  /** Switches between the planner and the command centre (whose live feed runs only while it is shown). */
  async setView(view: AppView): Promise<void> {
    if (view === this.view) return;
    this.view = view;
    document.body.dataset.appView = view;
    const brand = document.querySelector<HTMLElement>('.brand-sub');
    if (brand) {
      brand.dataset.i18n = view === 'command' ? 'command.title' : view === 'divide' ? 'division.title' : 'app.title';
      brand.textContent = t(brand.dataset.i18n as Key);
    }
    if (view !== 'plan') this.setMode('select');
    // A search result belongs to the view it was made in.
    this.markers.setSearchMarker(null);
    if (view === 'divide' && this.asOf !== null) this.history.set(null);
    this.toolbar.render();
    this.map.updateSize();
    if (view === 'divide') this.division.activate();
    else this.division.deactivate();
    if (view === 'command') await this.command.activate();
    else this.command.deactivate();
  }

  /** Today's grids again from the server (after an auto-division was applied). */
  async reloadGrids(): Promise<void> {
    const collection = await this.loader.fetch(null);
    this.tiles.refresh();
    if (this.asOf === null) {
      this.showGrids(collection);
      this.editor.captureOriginals();
    }
    this.gridPanel.invalidate();
    this.households.forget();
    this.select(this.selected && this.grids.feature(this.selected) ? this.selected : null);
    this.tree.render();
    this.runChecks();
  }

  async gotoGrid(code: string, zoom: boolean): Promise<boolean> {
    if (!this.grids.feature(code)) await this.openVillage(code.slice(0, 12));
    const feature = this.grids.feature(code);
    if (!feature) return false;
    this.select(code);
    const extent = feature.getGeometry()!.getExtent();
    if (zoom || !this.inView(extent)) this.mapView.fit(extent, 18, 300);
    return true;
  }

  private inView(extent: Extent): boolean {
    const size = this.map.getSize();
    if (!size) return false;
    const view = this.map.getView().calculateExtent(size);
    return extent[0] >= view[0] && extent[1] >= view[1] && extent[2] <= view[2] && extent[3] <= view[3];
  }

  async gotoRegion(code: string, fromSearch: boolean): Promise<boolean> {
    let feature = this.regions.feature(code);
    if (!feature) {
      try {
        feature = this.regions.add(await this.api.region(code));
      } catch {
        return false;
      }
    }
    if (feature.get('region')?.level === 'village') await this.openVillage(code);
    this.select(null);
    this.regions.setHighlighted(code);
    this.region = code;
    this.command.regionChanged();
    this.division.regionChanged(code);
    this.mapView.fit(feature.getGeometry()!.getExtent(), 18, 300);
    if (fromSearch) await this.tree.reveal(code);
    else this.tree.select(code);
    return true;
  }

  async gotoPoint(lon: number, lat: number, label: string, gridCode?: string | null): Promise<void> {
    const xy = this.crs.toMap([lon, lat]);
    this.markers.setSearchMarker(xy);
    const view = this.map.getView();
    view.animate({ center: xy, zoom: Math.max(view.getZoom() ?? 16, 17), duration: 300 });
    let code = gridCode;
    if (code === undefined) {
      try {
        code = await this.api.locateCode(lon, lat);
      } catch {
        code = null;
      }
    }
    if (code && !this.grids.feature(code)) await this.openVillage(code.slice(0, 12));
    if (code && this.grids.feature(code)) {
      this.select(code);
      const found = code;
      this.status(() => `${label} — ${t('search.inGrid', { name: this.nameOf(found), code: found })}`);
    } else {
      this.status(() => `${label} — ${t('search.notInGrid')}`);
    }
  }

  /**
   * Many grids (tiles): loads a village's grids as GeoJSON, to select and edit them, with its
   * boundary (for the live checks). The grids already held, and any edits pending on them,
   * stay as they are: the village's grids are added beside them.
   */
  private async openVillage(region: string): Promise<boolean> {
    if (!this.loader.tiled || this.loader.villages.has(region)) return true;
    const [collection] = await Promise.all([
      this.loader.fetchVillage(region, this.asOf),
      this.regions.data.has(region) ? null : this.api.region(region).then((feature) => this.regions.add(feature)).catch(() => null),
    ]);
    // Hidden from the tiles only once its GeoJSON is there to draw, so it never blinks out.
    this.loader.open(region);
    const added = this.grids.add(collection);
    const held = new Set(added.map((feature) => String(feature.getId())));
    this.shownData = { type: 'FeatureCollection', features: [...(this.shownData?.features ?? []), ...collection.features.filter((f) => held.has(f.properties.code))] };
    if (this.asOf === null) this.editor.captureOriginalsOf(added);
    this.tree.render();
    return true;
  }

  private nameOf(code: string): string {
    const feature = this.grids.feature(code);
    const name = feature ? gridOf(feature).name : '';
    return name || (code.startsWith('new') ? t('grid.unsaved') : code);
  }

  private subject(code: string) {
    const feature = this.grids.feature(code);
    if (!feature) return null;
    const properties = gridOf(feature);
    const data = this.crs.polygonsToData(polygonsOf(feature));
    return {
      properties,
      isNew: Boolean(feature.get('isNew')),
      dirty: Boolean(feature.get('dirty')),
      areaM2: areaOf(data),
      regionName: this.regions.data.get(properties.regionCode)?.properties.name ?? null,
      asOf: this.asOf,
    };
  }

  /** The server's state of one grid replaces the one shown (its attributes were saved, or reloaded after a 412). */
  private gridReplaced(grid: GridFeature): void {
    const code = grid.properties.code;
    this.editor.markSaved(code, grid);
    this.select(this.selected);
    this.tree.render();
  }

  private showCameras(answer: CamerasAnswer | null): void {
    this.markers.setCameras(
      (answer?.cameras ?? []).map((camera) => ({
        xy: this.crs.toMap([camera.lon, camera.lat]),
        sector: camera.sector ? camera.sector.coordinates.map((ring) => ring.map((p) => this.crs.toMap(p))) : undefined,
      })),
    );
  }

  // ── editing ─────────────────────────────────────────────────────────────

  setMode(mode: EditMode): void {
    if (this.asOf !== null && mode !== 'select') return;
    this.editor.setMode(mode);
    $('map').dataset.mode = mode;
    this.modeHint.render();
  }

  private drawn(code: string): void {
    const feature = this.grids.feature(code);
    if (!feature) return;
    const villages = this.villageGeometries();
    const regionCode = villageOf(this.crs.polygonsToData(polygonsOf(feature)), villages) ?? '';
    const village = this.regions.data.get(regionCode)?.properties.name ?? '';
    const count = this.grids.all().filter((f) => f.get('isNew')).length;
    feature.set('grid', { ...gridOf(feature), regionCode, name: village ? `${village}新网格${count}` : '' });
    this.setMode('edit');
    this.select(code);
    this.editor.touched();
  }

  /** Split mode: the line drawn cuts the selected grid in two. */
  private splitAlong(line: number[][]): void {
    const code = this.selected;
    if (!code || !this.grids.feature(code)) {
      this.status(() => t('edit.split.noGrid'), 'error');
      return;
    }
    const created = this.editor.split(code, line);
    if (!created) {
      this.status(() => t('edit.split.notAcross'), 'error');
      return;
    }
    this.select(code);
    this.status(() => t('edit.split.done', { code }));
  }

  /** Merges the clicked grid into the selected one. */
  private mergeInto(other: string | null): void {
    const code = this.selected;
    if (!code || !other) {
      this.status(() => t('edit.merge.noGrid'), 'error');
      return;
    }
    if (other === code) {
      this.status(() => t('edit.merge.same'), 'error');
      return;
    }
    const otherName = this.nameOf(other);
    const answer = this.editor.merge(code, other);
    if (answer === 'otherVillage') this.status(() => t('edit.merge.otherVillage', { other: otherName }), 'error');
    else if (answer === 'notAdjacent') this.status(() => t('edit.merge.notAdjacent', { other: otherName }), 'error');
    else {
      this.select(code);
      this.status(() => t('edit.merge.done', { code: this.nameOf(code), other: otherName }));
    }
  }

  /**
   * Gaps the edits opened between grids inside their villages: what the village's grids covered
   * as loaded and no longer cover (warnings).
   */
  private gapChecks(pending: PendingChange[]): Problem[] {
    const villages = this.villageGeometries();
    const regionCodes = new Set(pending.map((p) => p.properties.regionCode).filter((code) => code && villages.has(code)));
    const problems: Problem[] = [];
    for (const region of regionCodes) {
      const before: Polygonal[] = [];
      for (const feature of this.grids.all()) {
        if (gridOf(feature).regionCode !== region || feature.get('isNew')) continue;
        before.push(this.editor.originalData(String(feature.getId())) ?? this.crs.polygonsToData(polygonsOf(feature)));
      }
      for (const p of pending) if (p.retire && p.properties.regionCode === region && p.before) before.push(p.before);
      const after = this.grids
        .all()
        .filter((f) => gridOf(f).regionCode === region)
        .map((f) => this.crs.polygonsToData(polygonsOf(f)));
      const edited = new Map(pending.filter((p) => !p.retire && p.properties.regionCode === region).map((p) => [p.code, p.after]));
      problems.push(...gapsOf(region, villages.get(region)!, before, after, edited));
    }
    return problems;
  }

  private villageGeometries(): Map<string, Polygonal> {
    const villages = new Map<string, Polygonal>();
    for (const [code, region] of this.regions.data) if (region.properties.level === 'village') villages.set(code, region.geometry);
    return villages;
  }

  /** A save refusal is on the status bar (cleared by the next change of the edits). */
  private refusalShown = false;

  private editsChanged(): void {
    if (this.refusalShown) {
      this.refusalShown = false;
      this.status('');
    }
    this.modeHint?.render();
    this.toolbar.render();
    window.clearTimeout(this.checkTimer);
    this.checkTimer = window.setTimeout(() => this.runChecks(), 120);
  }

  /** The live checks of every pending edit against every other grid and the villages. */
  runChecks(): void {
    const all = this.editor.pending();
    const pending = all.filter((p) => !p.retire);
    const editedCodes = new Set(pending.map((p) => p.code));
    const edited: CheckGrid[] = pending.map((p) => ({ code: p.code, label: this.nameOf(p.code), regionCode: p.properties.regionCode || null, geometry: p.after }));
    const around = createEmpty();
    for (const p of pending) extendExtent(around, this.grids.feature(p.code)!.getGeometry()!.getExtent());
    const others: CheckGrid[] = isEmpty(around)
      ? []
      : this.grids.source
          .getFeaturesInExtent(around)
          .filter((f) => !editedCodes.has(String(f.getId())))
          .map((f) => ({ code: String(f.getId()), label: gridOf(f).name, regionCode: gridOf(f).regionCode, geometry: this.crs.polygonsToData(polygonsOf(f)) }));
    this.problems = [...runChecks(edited, others, this.villageGeometries()), ...this.gapChecks(all)];
    const pieces: Geometry[] = [];
    const kinds: string[] = [];
    for (const problem of this.problems) {
      if (problem.kind === 'overlap' || problem.kind === 'outside' || problem.kind === 'gap') {
        const polygons = this.crs.polygonalToMap(problem.piece);
        pieces.push(polygons.length === 1 ? new Polygon(polygons[0]) : new MultiPolygon(polygons));
        kinds.push(problem.kind);
      } else if (problem.kind === 'invalid') {
        pieces.push(new Point(this.crs.toMap(problem.at)));
        kinds.push(problem.kind);
      }
    }
    this.checks.show(pieces, kinds);
    void this.estimateHouseholds(pending);
    this.checkPanel.render();
    this.tree.render();
    this.gridPanel.render();
  }

  /** Households of the edited grids by the server's rule, as drawn now (LiveHouseholds). */
  private async estimateHouseholds(pending: PendingChange[]): Promise<void> {
    const rows = await this.liveHouseholds.update(pending);
    if (rows === null) return;
    this.estimates = rows;
    this.checkPanel.render();
    this.gridPanel.render();
  }

  private focusProblem(problem: Problem): void {
    const feature = this.grids.feature(problem.code);
    if (problem.kind === 'overlap' || problem.kind === 'outside' || problem.kind === 'gap') {
      const polygons = this.crs.polygonalToMap(problem.piece);
      this.mapView.fit(new MultiPolygon(polygons).getExtent(), 19, 300);
    } else if (feature) {
      this.mapView.fit(feature.getGeometry()!.getExtent(), 19, 300);
    }
    if (feature) this.select(problem.code);
  }

  /** Drops the unsaved edits after asking; undo brings them back (one step). */
  async discard(): Promise<void> {
    const count = this.editor.pending().length;
    if (count === 0) return;
    const choice = await this.dialog.open(t('discard.title'), t('discard.body', { count }), [
      { id: 'cancel', label: t('dialog.cancel') },
      { id: 'discard', label: t('discard.confirm'), primary: true, danger: true },
    ], 'warning');
    if (choice !== 'discard') return;
    this.editor.discardAll();
    if (this.selected && !this.grids.feature(this.selected)) this.select(null);
    this.status(() => t('discard.done', { count }));
  }

  private onKey(event: KeyboardEvent): void {
    const target = event.target as HTMLElement;
    if (target.matches('input, textarea, select')) return;
    const key = event.key.toLowerCase();
    if ((event.ctrlKey || event.metaKey) && key === 'z' && !event.shiftKey) {
      event.preventDefault();
      this.editor.undo();
    } else if ((event.ctrlKey || event.metaKey) && (key === 'y' || (key === 'z' && event.shiftKey))) {
      event.preventDefault();
      this.editor.redo();
    } else if (key === 'escape') {
      if (this.editor.editMode === 'draw') this.editor.abortDrawing();
    }
  }

  // ── saving ──────────────────────────────────────────────────────────────

  async save(): Promise<void> {
    if (this.saving || this.asOf !== null) return;
    window.clearTimeout(this.checkTimer);
    this.runChecks();
    const pending = this.editor.pending();
    if (pending.length === 0) return;
    if (this.problems.some((p) => !isWarning(p))) {
      const choice = await this.dialog.open(
        t('save.problems.title'),
        t('save.problems.body'),
        [
          { id: 'cancel', label: t('dialog.cancel') },
          { id: 'send', label: t('save.problems.send'), primary: true, danger: true },
        ],
        'warning',
      );
      if (choice !== 'send') return;
    }
    this.setSaving(t('save.saving', { done: 0, total: pending.length }));
    try {
      // A grid changed by someone else since it was loaded stops the save before anything is written.
      for (const change of pending.filter((p) => !p.isNew)) {
        const current = await this.api.grid(change.code);
        if (current.properties.version !== change.properties.version) {
          this.setSaving(null);
          await this.stale(change, current);
          return;
        }
      }
      const outcome = await this.saver.save(pending, this.checkPanel.reason || undefined, (done, total) => this.setSaving(t('save.saving', { done, total })));
      this.setSaving(null);
      for (const code of outcome.retired ?? []) {
        this.editor.markRetired(code);
        this.gridPanel.invalidate(code);
      }
      if (outcome.ok) {
        for (const { oldCode, grid } of outcome.saved) {
          this.editor.markSaved(oldCode, grid, oldCode);
          this.gridPanel.invalidate(grid.properties.code);
          if (this.selected === oldCode) this.selected = grid.properties.code;
        }
        this.tiles.refresh();
        this.checkPanel.clearReason();
        this.select(this.selected);
        const count = outcome.saved.length + outcome.retired.length;
        this.status(() => t('save.done', { count }));
        this.runChecks();
        return;
      }
      await this.refreshBase(pending);
      if (outcome.error.status === 412) {
        const current = await this.api.grid(outcome.code).catch(() => null);
        if (current) {
          await this.stale(outcome.change, current);
          return;
        }
      }
      await this.refused(outcome.error, outcome.change, outcome.rolledBack);
    } catch (error) {
      this.setSaving(null);
      const message = error instanceof Error ? error.message : String(error);
      this.status(() => t('save.failed', { message }), 'error');
    }
  }

  private setSaving(text: string | null): void {
    this.saving = text;
    this.checkPanel.render();
  }

  /** After a failed (rolled back) save the server's versions moved on: edits are kept, versions updated. */
  private async refreshBase(pending: PendingChange[]): Promise<void> {
    for (const change of pending.filter((p) => !p.isNew)) {
      try {
        const current = await this.api.grid(change.code);
        this.editor.updateBase(change.code, current.properties, current.geometry);
      } catch {
        // The grid is gone or unreachable: the next save says so.
      }
    }
  }

  private async refused(error: ApiError, change: PendingChange, rolledBack: number): Promise<void> {
    const details = error.details as { problems?: { code: string; message: string }[] } | undefined;
    const body = el(
      'div',
      {},
      el('p', { text: t('save.refused.body', { code: change.isNew ? this.nameOf(change.code) : change.code }) }),
      // The server's own words, in the interface's language (it answers Accept-Language); the code for whoever reports it.
      el('p', { className: 'server-message', 'data-role': 'server-message', 'data-code': error.code, text: error.message }),
      details?.problems && details.problems.length > 1 ? el('ul', {}, ...details.problems.map((p) => el('li', { text: p.message }))) : null,
      el('p', { className: 'muted small', text: error.code }),
      rolledBack > 0 ? el('p', { className: 'muted', text: t('save.refused.rolledBack', { count: rolledBack }) }) : null,
    );
    this.status(error.message, 'error');
    // Undoing or changing the edit takes the refusal off the status bar (it was about that edit).
    this.refusalShown = true;
    await this.dialog.alert(t('save.refused.title'), body, 'error');
  }

  /** 412: someone else saved the grid first. Shows what changed; reload drops my edit, retry keeps it. */
  private async stale(change: PendingChange, current: GridFeature): Promise<void> {
    const mine = change.properties;
    const theirs = current.properties;
    let last: { updatedBy: string; validFrom: string; reason: string | null } = { updatedBy: theirs.updatedBy, validFrom: theirs.validFrom, reason: null };
    try {
      const history = await this.api.history(change.code);
      const latest = history.features[0]?.properties;
      if (latest) last = { updatedBy: latest.updatedBy, validFrom: latest.validFrom, reason: latest.reason };
    } catch {
      // The summary below is enough.
    }
    const diffs = attributeDiffs(mine, theirs);
    if (change.before && JSON.stringify(normalise(change.before)) !== JSON.stringify(normalise(current.geometry))) diffs.push(t('save.stale.geometry'));
    const body = el(
      'div',
      { 'data-role': 'stale' },
      el('p', { text: t('save.stale.body', { code: change.code, mine: mine.version, theirs: theirs.version }) }),
      el('p', { className: 'muted', text: t('save.stale.by', { actor: last.updatedBy || '—', at: formatDate(last.validFrom), reason: last.reason ? `：${last.reason}` : '' }) }),
      diffs.length ? el('div', {}, el('b', { text: t('save.stale.changes') }), el('ul', {}, ...diffs.map((d) => el('li', { text: d })))) : null,
    );
    const choice = await this.dialog.open(
      t('save.stale.title'),
      body,
      [
        { id: 'cancel', label: t('dialog.cancel') },
        { id: 'reload', label: t('save.stale.reload') },
        { id: 'retry', label: t('save.stale.retry'), primary: true },
      ],
      'warning',
    );
    if (choice === 'reload') {
      this.editor.resetGrid(change.code, { geometry: current.geometry, properties: current.properties });
      this.gridPanel.invalidate(change.code);
      this.select(this.selected);
    } else if (choice === 'retry') {
      this.editor.updateBase(change.code, current.properties, current.geometry);
      await this.save();
    }
  }

  // ── history and settings ────────────────────────────────────────────────

  private async showAsOf(asOf: string | null): Promise<void> {
    if (asOf !== null && this.editor.hasChanges) {
      await this.dialog.alert(t('history.label'), `${t('checks.changed', { count: this.editor.pending().length })} — ${t('tool.save')} / ${t('tool.discard')}`, 'warning');
      this.history.set(null);
      return;
    }
    if (asOf === this.asOf) return;
    try {
      const collection = await this.loader.fetch(asOf);
      this.tiles.setAsOf(asOf);
      this.asOf = asOf;
      this.editor.setReadOnly(asOf !== null);
      this.showGrids(collection);
      if (asOf === null) {
        this.editor.captureOriginals();
      }
      this.select(this.selected && this.grids.feature(this.selected) ? this.selected : null);
      this.updateBanner();
      this.toolbar.render();
      this.tree.render();
    } catch (error) {
      this.status(error instanceof Error ? error.message : String(error), 'error');
    }
  }

  private updateBanner(): void {
    const banner = $('mode-banner');
    banner.hidden = this.asOf === null;
    banner.textContent = this.asOf === null ? '' : t('history.viewing', { date: formatDate(this.asOf) });
  }

  private applySettings(settings: Settings): void {
    const nextCrs = crsOf(settings.baseMap);
    if (nextCrs !== this.crs.crs && this.editor.hasChanges) {
      void this.dialog.alert(t('settings.title'), `${t('checks.changed', { count: this.editor.pending().length })} — ${t('tool.save')} / ${t('tool.discard')}`, 'warning');
      return;
    }
    this.settings = settings;
    this.api.actor = settings.actor;
    this.base.apply(settings.baseMap);
    if (nextCrs !== this.crs.crs) {
      const view = this.map.getView();
      const center = this.crs.toLonLat(view.getCenter()!);
      this.crs.setCrs(nextCrs);
      this.regions.reproject();
      void this.lines.reload();
      if (this.shownData) this.grids.load(this.shownData);
      this.tiles.refresh();
      this.localBase.refresh();
      if (this.asOf === null) this.editor.captureOriginals();
      view.setCenter(this.crs.toMap(center));
      this.select(this.selected);
    }
  }

  /** Test and console access: the loaded region of a code (for debugging). */
  regionData(code: string): RegionFeature | undefined {
    return this.regions.data.get(code);
  }
}

/** Geometry compared by its coordinates, whatever the nesting (Polygon vs one-part MultiPolygon). */
function normalise(geometry: Polygonal): number[][][][] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}
