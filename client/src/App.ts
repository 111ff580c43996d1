/**
 * The planner's shell: builds the map, its layers, the editor, the panels and the controllers,
 * and holds the small observable state they share (`store`: view, region, selection, asOf,
 * who is signed in, the live checks' findings, the save in progress). Controllers change it —
 * session (auth/Session), navigation and selection (map/Navigator), edit commands
 * (editing/EditCommands), live checks (editing/LiveChecks), saving (editing/SaveFlow), history
 * (history/HistoryView), settings (settings/SettingsController) — and the panels follow it
 * through the subscriptions in `follow()`. `window.gridgov` is this object (console, tests).
 */
import { Api, type CamerasAnswer, type GridFeature, type RegionFeature } from './api';
import { applyI18n, lang, onLangChange, t, type Key } from './i18n';
import { MapCrs } from './map/crs';
import { MapView } from './map/MapView';
import { Navigator } from './map/Navigator';
import { BaseMapLayer, crsOf } from './layers/BaseMapLayer';
import { LocalBaseLayer } from './layers/LocalBaseLayer';
import { GridLayer, gridOf } from './layers/GridLayer';
import { GridTiles } from './layers/GridTiles';
import { GridLoader } from './layers/GridLoader';
import { RegionLayer } from './layers/RegionLayer';
import { CheckLayer } from './layers/CheckLayer';
import { MarkerLayer } from './layers/MarkerLayer';
import { ReferenceLineLayer } from './layers/ReferenceLineLayer';
import { ShownGrids } from './layers/ShownGrids';
import { gridLabel } from './layers/gridLabel';
import { GridEditor, type EditMode } from './editing/GridEditor';
import { Saver } from './editing/Saver';
import { EditCommands } from './editing/EditCommands';
import { LiveChecks } from './editing/LiveChecks';
import { SaveFlow } from './editing/SaveFlow';
import { HistoryView } from './history/HistoryView';
import { SettingsController } from './settings/SettingsController';
import { SessionController } from './auth/SessionController';
import { allowedViews, can, firstView } from './auth/permissions';
import { createAppStore } from './state/AppState';
import { Toolbar, type AppView } from './panels/Toolbar';
import { ViewSwitch } from './panels/ViewSwitch';
import { CommandView } from './command/CommandView';
import { DivisionPanel } from './division/DivisionPanel';
import { Legend } from './panels/Legend';
import { RegionTree } from './panels/RegionTree';
import { SearchBox } from './panels/SearchBox';
import { GridPanel } from './panels/GridPanel';
import { CheckPanel } from './panels/CheckPanel';
import { HistorySlider } from './panels/HistorySlider';
import { Dialog } from './panels/Dialog';
import { loadSettings } from './panels/SettingsPanel';
import { StatusBar, type StatusKind } from './panels/StatusBar';
import { el, renderGate } from './panels/dom';
import { Layout } from './panels/Layout';
import { ModeHint } from './panels/ModeHint';
import { ExportDialog } from './panels/ExportDialog';
import { gridSubject } from './panels/gridSubject';
import type { ColourMode } from './model';
import { HouseholdEstimator } from './households/HouseholdEstimator';
import { LiveHouseholds } from './households/LiveHouseholds';

const $ = (id: string) => document.getElementById(id)!;
const COLOUR_KEY = 'gridgov.colour';
const storedColour = () => (localStorage.getItem(COLOUR_KEY) as ColourMode | null) ?? 'fullness';

export class App {
  readonly store = createAppStore();
  readonly api = new Api();
  private readonly initialSettings = loadSettings();
  readonly crs = new MapCrs(crsOf(this.initialSettings.baseMap));
  readonly mapView = new MapView($('map'), $('mouse-position'), this.crs);
  readonly map = this.mapView.map;
  /** gridgov's own base map from its vector tiles (roads, water, buildings): shown offline. */
  readonly localBase = new LocalBaseLayer(this.api, this.crs);
  readonly base = new BaseMapLayer(this.localBase);
  readonly regions = new RegionLayer(this.crs);
  readonly grids = new GridLayer(this.crs, storedColour());
  readonly shown = new ShownGrids(this.grids);
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
  readonly editor = new GridEditor(this.map, this.grids, this.regions, this.crs, this.lines.source);
  readonly saver = new Saver(this.api);
  readonly dialog = new Dialog($('dialog-root'));
  readonly statusBar = new StatusBar($('status'));
  readonly households = new HouseholdEstimator(this.api);
  readonly layout = new Layout(this.map, $('map').parentElement!);
  readonly session = new SessionController({ api: this.api, store: this.store, dialogRoot: $('dialog-root'), userRoot: $('user') });
  readonly settingsController: SettingsController;
  readonly liveChecks: LiveChecks;
  readonly navigator: Navigator;
  readonly edits: EditCommands;
  readonly saveFlow: SaveFlow;
  readonly historyView: HistoryView;
  readonly viewSwitch: ViewSwitch;
  readonly toolbar: Toolbar;
  readonly legend: Legend;
  readonly tree: RegionTree;
  readonly search: SearchBox;
  readonly gridPanel: GridPanel;
  readonly checkPanel: CheckPanel;
  readonly history: HistorySlider;
  readonly command: CommandView;
  readonly division: DivisionPanel;
  readonly modeHint: ModeHint;
  readonly exporter: ExportDialog;

  constructor() {
    const { store, api, map, crs, grids, editor, dialog, regions, lines } = this;
    const select = (code: string | null) => this.navigator.select(code);
    const status = this.statusBar;
    this.settingsController = new SettingsController({
      initial: this.initialSettings, store, api, mapView: this.mapView, crs, base: this.base, localBase: this.localBase, regions, lines, tiles: this.tiles,
      shown: this.shown, editor, dialog, panelRoot: $('settings-root'), settingsButton: $('settings-button'), langButton: $('lang-switch'), select,
    });
    for (const layer of [this.base.layer, this.base.labels, this.localBase.layer, regions.layer, this.tiles.layer, grids.layer, lines.layer, grids.selectionLayer, this.checks.layer, this.markers.layer]) map.addLayer(layer);
    grids.regionName = (code) => regions.data.get(code)?.properties.name;
    const liveHouseholds = new LiveHouseholds(this.households, grids, crs, (code) => editor.originalProperties(code));
    this.liveChecks = new LiveChecks({ store, editor, grids, regions, crs, mapView: this.mapView, layer: this.checks, households: liveHouseholds, status, select });
    this.edits = new EditCommands({ store, editor, grids, regions, crs, dialog, status, select });
    editor.onChange(() => {
      this.modeHint.render();
      this.toolbar.render();
      this.liveChecks.editsChanged();
    });
    const readOnly = () => this.asOf !== null || !this.can('grids:write');
    this.toolbar = new Toolbar(
      $('toolbar'),
      () => ({ mode: editor.editMode, shared: editor.sharedVertices, snap: editor.snap, canUndo: editor.undoStack.canUndo, canRedo: editor.undoStack.canRedo, colour: grids.mode, readOnly: readOnly(), view: this.view, views: this.allowedViews() }),
      {
        setMode: (mode) => this.setMode(mode),
        setShared: (shared) => editor.setSharedVertices(shared),
        setSnap: (snap) => editor.setSnap(snap),
        undo: () => editor.undo(),
        redo: () => editor.redo(),
        setColour: (mode) => {
          localStorage.setItem(COLOUR_KEY, mode);
          this.colourGrids(mode);
        },
        fitAll: () => this.fitAll(300),
        setView: (view) => void this.setView(view),
        exportGrids: () => void this.exporter.open(),
      },
    );
    this.modeHint = new ModeHint($('map').parentElement!, () => ({ mode: editor.editMode, selectedName: this.selected ? gridLabel(grids, this.selected) : null, readOnly: this.asOf !== null || this.view !== 'plan' }));
    this.exporter = new ExportDialog({
      api,
      dialog,
      regions: () => [...regions.data.values()].map((r) => ({ code: r.properties.code, name: r.properties.name, level: r.properties.level })).sort((a, b) => a.code.localeCompare(b.code)),
      initial: () => this.region ?? (this.selected && !this.selected.startsWith('new') ? this.selected.slice(0, 12) : null) ?? this.store.state.me.regionCode ?? null,
      longitude: (code) => {
        const extent = regions.feature(code)?.getGeometry()?.getExtent();
        return extent ? crs.toLonLat([(extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2])[0] : null;
      },
    });
    this.legend = new Legend($('legend'), () => grids.mode, {
      get visible() {
        return lines.visible;
      },
      setVisible: (visible) => {
        lines.setVisible(visible);
        editor.setLineSnapping(visible);
      },
    });
    editor.setLineSnapping(lines.visible);
    this.tree = new RegionTree($('region-tree'), api, {
      regionLoaded: (region) => regions.add(region),
      regionClicked: (code) => void this.gotoRegion(code, false),
      gridClicked: (code) => void this.gotoGrid(code, false),
      gridsOf: (regionCode) =>
        grids
          .all()
          .filter((f) => gridOf(f).regionCode === regionCode)
          .map((f) => ({ code: String(f.getId()), name: gridOf(f).name, dirty: Boolean(f.get('dirty') || f.get('isNew')) }))
          .sort((a, b) => a.code.localeCompare(b.code)),
    });
    this.search = new SearchBox($('search'), api, {
      gotoGrid: (code) => this.gotoGrid(code, true),
      gotoRegion: (code) => this.gotoRegion(code, true),
      gotoPoint: (lon, lat, label, gridCode) => this.navigator.gotoPoint(lon, lat, label, gridCode),
      status: (message, kind) => this.status(message, kind),
    });
    const villages = () => [...regions.data.values()].filter((r) => r.properties.level === 'village').map((r) => ({ code: r.properties.code, name: r.properties.name }));
    this.gridPanel = new GridPanel($('grid-panel'), api, {
      subject: (code) => gridSubject(grids, regions, crs, code, this.asOf),
      villages,
      newGridChanged: (code, properties) => {
        grids.feature(code)?.set('grid', properties);
        editor.touched();
      },
      showCameras: (answer) => this.showCameras(answer),
      showAsOf: (iso) => this.history.set(iso),
      storedGeometry: (code) => editor.originalData(code),
      gridReplaced: (grid) => this.gridReplaced(grid),
    });
    this.checkPanel = new CheckPanel(
      $('check-panel'),
      () => ({ changed: editor.pending().length, problems: store.state.problems, estimates: store.state.estimates, saving: store.state.saving, names: (code) => gridLabel(grids, code) }),
      { save: () => void this.save(), discard: () => void this.discard(), focusProblem: (problem) => this.liveChecks.focus(problem) },
    );
    this.historyView = new HistoryView({ store, editor, grids, loader: this.loader, tiles: this.tiles, shown: this.shown, dialog, status, banner: $('mode-banner'), select });
    this.history = this.historyView.slider = new HistorySlider($('history'), (asOf) => void this.historyView.show(asOf));
    this.saveFlow = new SaveFlow({
      store, api, saver: this.saver, editor, grids, tiles: this.tiles, checks: this.liveChecks, dialog, status, select,
      reason: () => this.checkPanel.reason,
      clearReason: () => this.checkPanel.clearReason(),
      forget: (code) => this.gridPanel.invalidate(code),
    });
    const commandRoot = el('aside', { className: 'side right command-side', 'data-role': 'command-side' });
    $('grid-panel').parentElement!.after(commandRoot);
    const toastRoot = el('div', { className: 'toasts', 'data-role': 'toasts' });
    $('map').parentElement!.append(toastRoot);
    this.command = new CommandView({
      api, map, crs, grids, root: commandRoot, toastRoot,
      selectedGrid: () => this.selected,
      selectedRegion: () => this.region,
      homeRegion: () => this.store.state.me.regionCode ?? null,
      canAct: () => this.can('incidents:write'),
      outlineGrids: (on) => this.colourGrids(on ? 'outline' : storedColour()),
      status: (message, kind) => this.status(message, kind),
      revealDetails: () => this.layout.selected(),
    });
    const divisionRoot = el('aside', { className: 'side right division-side', 'data-role': 'division-side' });
    commandRoot.after(divisionRoot);
    this.division = new DivisionPanel({
      api, map, crs, grids, dialog, root: divisionRoot, villages,
      hasEdits: () => editor.hasChanges,
      reloadGrids: () => this.reloadGrids(),
      status: (message, kind) => this.status(message, kind),
      fitVillage: (code) => void this.gotoRegion(code, false),
      clearSelection: () => this.select(null),
    });
    onLangChange(() => grids.layer.changed());
    this.navigator = new Navigator({
      store, api, mapView: this.mapView, crs, grids, tiles: this.tiles, loader: this.loader, shown: this.shown, regions, markers: this.markers, editor, tree: this.tree, status,
      commandClick: (event) => this.command.click(event),
      merge: (code) => this.edits.mergeInto(code),
      earliest: (iso) => this.history.setEarliest(iso),
    });
    this.viewSwitch = new ViewSwitch({ store, map, markers: this.markers, toolbar: this.toolbar, history: this.history, division: this.division, command: this.command, setMode: this.setMode });
    window.addEventListener('beforeunload', (event) => {
      if (editor.hasChanges) event.preventDefault();
    });
    this.follow();
  }

  /** The panels follow the shared state: who shows what when it changes. */
  private follow(): void {
    const { store } = this;
    store.on('selected', (code) => {
      this.grids.setSelected(code);
      this.editor.setSelected(code);
      this.gridPanel.show(code);
      if (code && !code.startsWith('new')) void this.tree.reveal(code);
      else this.tree.select(null);
      if (code) this.regions.setHighlighted(null);
      if (code) this.layout.selected();
      this.modeHint.render();
      this.command.gridChanged();
    });
    store.on('region', (code) => {
      this.command.regionChanged();
      this.division.regionChanged(code);
    });
    store.on('mode', (mode) => {
      $('map').dataset.mode = mode;
      this.modeHint.render();
    });
    store.subscribe(() => this.toolbar.render(), ['me', 'asOf']);
    // Checks and estimates arrive on their own: a panel held under a pressed pointer re-renders after its click.
    const treeGate = renderGate($('region-tree'));
    const checkGate = renderGate($('check-panel'));
    const gridGate = renderGate($('grid-panel'));
    store.subscribe(() => treeGate(() => this.tree.render()), ['asOf', 'problems']);
    store.subscribe(() => checkGate(() => this.checkPanel.render()), ['problems', 'estimates', 'saving']);
    store.subscribe(() => gridGate(() => this.gridPanel.render()), ['problems', 'estimates']);
  }

  get view(): AppView {
    return this.store.state.view;
  }
  get region(): string | null {
    return this.store.state.region;
  }
  get selected(): string | null {
    return this.store.state.selected;
  }
  get asOf(): string | null {
    return this.store.state.asOf;
  }

  can(permission: string): boolean {
    return can(this.store.state.me, permission);
  }

  allowedViews(): AppView[] {
    return allowedViews(this.store.state.me);
  }

  async start(): Promise<void> {
    document.documentElement.lang = lang();
    document.body.dataset.appView = this.view;
    applyI18n(document.body);
    await this.session.signIn();
    if (!this.can('grids:read')) throw new Error(t('auth.noMap', { role: t(`auth.role.${this.store.state.me.role ?? 'anonymous'}` as Key) }));
    const first = firstView(this.store.state.me, this.view);
    if (first !== this.view) await this.setView(first);
    // Tiles asked before signing in were refused: ask again with the key.
    this.localBase.refresh();
    this.toolbar.render();
    this.status(() => t('app.loading'));
    this.api
      .health()
      .then((health) => ($('backend').textContent = t('app.backend', { backend: health.backend, postgis: health.postgis })))
      .catch(() => {});
    const grids = await this.navigator.open();
    const counts = { grids, regions: this.regions.data.size };
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

  /** The status bar; a function is called again when the language changes. */
  status(message: string | (() => string), kind: StatusKind = 'info'): void {
    this.statusBar.show(message, kind);
  }

  /** Switches between the planner, auto-division and the command centre (ViewSwitch). */
  setView = (view: AppView): Promise<void> => this.viewSwitch.show(view);

  /** Today's grids again from the server (after an auto-division was applied). */
  async reloadGrids(): Promise<void> {
    const collection = await this.loader.fetch(null);
    this.tiles.refresh();
    if (this.asOf === null) {
      this.shown.show(collection);
      this.editor.captureOriginals();
    }
    this.gridPanel.invalidate();
    this.households.forget();
    this.select(this.selected && this.grids.feature(this.selected) ? this.selected : null);
    this.tree.render();
    this.liveChecks.run();
  }

  private colourGrids(mode: ColourMode): void {
    this.grids.setColourMode(mode);
    this.tiles.restyle();
    this.legend.render();
  }

  /** The server's state of one grid replaces the one shown (its attributes were saved, or reloaded after a 412). */
  private gridReplaced(grid: GridFeature): void {
    this.editor.markSaved(grid.properties.code, grid);
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

  // The controllers' entry points, kept here for the console and the tests (window.gridgov).
  select = (code: string | null): void => this.navigator.select(code);
  gotoGrid = (code: string, zoom: boolean): Promise<boolean> => this.navigator.gotoGrid(code, zoom);
  gotoRegion = (code: string, fromSearch: boolean): Promise<boolean> => this.navigator.gotoRegion(code, fromSearch);
  gotoPoint = (lon: number, lat: number, label: string, gridCode?: string | null): Promise<void> => this.navigator.gotoPoint(lon, lat, label, gridCode);
  fitAll = (duration: number): void => this.navigator.fitAll(duration);
  setMode = (mode: EditMode): void => this.edits.setMode(mode);
  runChecks = (): void => this.liveChecks.run();
  discard = (): Promise<void> => this.edits.discard();
  save = (): Promise<void> => this.saveFlow.save();

  /** Test and console access: the loaded region of a code (for debugging). */
  regionData(code: string): RegionFeature | undefined {
    return this.regions.data.get(code);
  }
}
