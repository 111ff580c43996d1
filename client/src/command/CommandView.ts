/**
 * The command centre (指挥中心): heatmap, incidents in their lights, cameras and their sectors,
 * coverage and blind spots on demand, a live feed (server-sent events) while the view is open,
 * the work list (IncidentList), the selected incident with what can be done with it
 * (IncidentDetail), and statistics of the key's area (CommandStats).
 *
 * Nothing goes stale while the view is open: lights are re-timed on the service's clock every
 * few seconds (the server's rule), and the incidents, heat and statistics are loaded again on a
 * timer and after every live change — not only when the map moves.
 */
import type OlMap from 'ol/Map';
import type Feature from 'ol/Feature';
import MultiPolygon from 'ol/geom/MultiPolygon';
import Polygon from 'ol/geom/Polygon';
import type { MapBrowserEvent } from 'ol';
import { ApiError, type Api, type Incident, type IncidentCategory, type IncidentQuery, type StatsAnswer } from '../api';
import { formatNumber, lang, onLangChange, t, type Key } from '../i18n';
import type { MapCrs } from '../map/crs';
import type { GridLayer } from '../layers/GridLayer';
import { gridOf } from '../layers/GridLayer';
import { el, clear } from '../panels/dom';
import { CommandLayers, coverageColour } from './CommandLayers';
import { renderStats } from './CommandStats';
import { IncidentDetailPanel } from './IncidentDetail';
import { IncidentList, lightNow } from './IncidentList';
import { lightSymbolHtml } from './lightBadge';

export type TimeRange = '24h' | '7d' | '30d' | 'all';
const RANGE_HOURS: Record<TimeRange, number | null> = { '24h': 24, '7d': 24 * 7, '30d': 24 * 30, all: null };
/** Lights re-timed this often (no request: the server's rule on its clock). */
const RELIGHT_MS = 10_000;
/** Incidents, heat and statistics loaded again this often while the view is open. */
const RELOAD_MS = 60_000;

export interface CommandContext {
  api: Api;
  map: OlMap;
  crs: MapCrs;
  grids: GridLayer;
  root: HTMLElement;
  toastRoot: HTMLElement;
  selectedGrid(): string | null;
  /** The region chosen in the tree, or null for the key's own area. */
  selectedRegion(): string | null;
  /** The key's area (its region), or null for the whole tree. */
  homeRegion(): string | null;
  /** Whether the key may take incident steps. */
  canAct(): boolean;
  /** Grids drawn as outlines only while the command centre's own colours are on the map. */
  outlineGrids(on: boolean): void;
  status(message: () => string, kind?: 'info' | 'error'): void;
  /** An incident was opened: on a phone its panel comes up. */
  revealDetails(): void;
}

export class CommandView {
  readonly layers: CommandLayers;
  active = false;
  range: TimeRange = (localStorage.getItem('gridgov.command.range') as TimeRange | null) ?? '7d';
  category = '';
  categories: IncidentCategory[] = [];
  readonly list: IncidentList;
  readonly detailPanel: IncidentDetailPanel;
  source: EventSource | null = null;
  live = false;
  /** Incidents received through the stream since the view opened (tests, console). */
  received = 0;
  stats: StatsAnswer | null = null;
  private rootRegion: string | null = null;
  private statsError: string | null = null;
  private blindMessage: (() => string) | null = null;
  private blindOn = false;
  private coverageOn = false;
  private refreshTimer: number | undefined;
  private relightTimer: number | undefined;
  private reloadTimer: number | undefined;
  private generation = 0;
  private readonly onMoveEnd = () => this.scheduleRefresh(150);

  private readonly controls = el('section', { className: 'panel command-controls', 'data-role': 'command-controls' });
  private readonly detail = el('section', { className: 'panel command-detail', 'data-role': 'incident-detail', hidden: true });
  private readonly listPanel = el('section', { className: 'panel command-list', 'data-role': 'incident-list-panel' });
  private readonly statsPanel = el('section', { className: 'panel command-stats', 'data-role': 'stats' });

  constructor(private readonly ctx: CommandContext) {
    this.layers = new CommandLayers(ctx.crs);
    for (const layer of this.layers.all) ctx.map.addLayer(layer);
    ctx.root.append(this.controls, this.detail, this.listPanel, this.statsPanel);
    this.list = new IncidentList({
      api: ctx.api,
      root: this.listPanel,
      query: () => this.query(),
      categoryName: (code) => this.categoryName(code),
      open: (id) => void this.openIncident(id, true),
    });
    this.detailPanel = new IncidentDetailPanel({
      api: ctx.api,
      root: this.detail,
      categoryName: (code) => this.categoryName(code),
      canAct: () => ctx.canAct(),
      centre: (lon, lat) => ctx.map.getView().animate({ center: ctx.crs.toMap([lon, lat]), duration: 300 }),
      changed: (incident, label) => {
        this.incidentChanged(incident, false);
        ctx.status(() => t('action.done', { id: incident.id, action: label }));
      },
      closed: () => this.closeIncident(),
    });
    onLangChange(() => {
      for (const [label, text] of this.toastTexts) label.textContent = text();
      if (!this.active) return;
      this.renderControls();
      this.renderStats();
      this.list.render();
      this.detailPanel.refresh();
    });
  }

  /** The incident shown in the side panel. */
  get selectedIncident(): number | null {
    return this.detailPanel.selected;
  }

  // ── activation ───────────────────────────────────────────────────────────

  async activate(): Promise<void> {
    if (this.active) return;
    this.active = true;
    this.layers.setVisible(true);
    // Grids as outlines: lights, heat and coverage have the map's colours to themselves (palette.ts).
    this.ctx.outlineGrids(true);
    this.ctx.map.on('moveend', this.onMoveEnd);
    this.renderControls();
    this.connect();
    this.relightTimer = window.setInterval(() => this.relight(), RELIGHT_MS);
    this.reloadTimer = window.setInterval(() => void this.reloadAll(), RELOAD_MS);
    if (!this.categories.length) {
      try {
        this.categories = (await this.ctx.api.categories()).categories;
      } catch {
        this.categories = [];
      }
      if (this.active) this.renderControls();
    }
    await Promise.all([this.refresh(), this.loadStats(), this.list.load()]);
  }

  /** Everything the view shows, loaded again (the timer; the time range or category changed). */
  private async reloadAll(): Promise<void> {
    if (!this.active) return;
    await Promise.all([this.refresh(), this.loadStats(), this.list.load()]);
  }

  /** Lights on the service's clock: the map's points and the list change colour when a deadline passes; statistics follow. */
  relight(): void {
    if (!this.active) return;
    const now = this.ctx.api.serverNow();
    let changed = this.list.relight(now);
    for (const feature of this.layers.incidentSource.getFeatures()) {
      const incident = feature.get('incident') as Incident;
      const light = lightNow(incident, now);
      if (light !== incident.light) {
        feature.set('incident', { ...incident, light });
        changed = true;
      }
    }
    if (changed) {
      this.layers.incidents.changed();
      void this.loadStats();
    }
  }

  deactivate(): void {
    if (!this.active) return;
    this.active = false;
    this.generation++;
    this.ctx.map.un('moveend', this.onMoveEnd);
    window.clearTimeout(this.refreshTimer);
    window.clearInterval(this.relightTimer);
    window.clearInterval(this.reloadTimer);
    this.source?.close();
    this.source = null;
    this.live = false;
    this.layers.setVisible(false);
    this.ctx.outlineGrids(false);
    this.closeIncident();
  }

  // ── data for the view ────────────────────────────────────────────────────

  private query(): IncidentQuery {
    const hours = RANGE_HOURS[this.range];
    return {
      from: hours === null ? undefined : new Date(Date.now() - hours * 3_600_000).toISOString(),
      category: this.category ? [this.category] : undefined,
    };
  }

  private viewBbox(): number[] | null {
    const size = this.ctx.map.getSize();
    if (!size) return null;
    const extent = this.ctx.map.getView().calculateExtent(size);
    const a = this.ctx.crs.toLonLat([extent[0], extent[1]]);
    const b = this.ctx.crs.toLonLat([extent[2], extent[3]]);
    return [Math.max(-180, Math.min(a[0], b[0])), Math.max(-85, Math.min(a[1], b[1])), Math.min(180, Math.max(a[0], b[0])), Math.min(85, Math.max(a[1], b[1]))];
  }

  private scheduleRefresh(delay: number): void {
    window.clearTimeout(this.refreshTimer);
    this.refreshTimer = window.setTimeout(() => void this.refresh(), delay);
  }

  /** Heatmap, incidents and cameras of the view; coverage again when it is on. */
  async refresh(): Promise<void> {
    const bbox = this.viewBbox();
    if (!bbox || !this.active) return;
    const generation = ++this.generation;
    const query = { ...this.query(), bbox };
    const zoom = Math.max(0, Math.min(22, Math.round(this.ctx.map.getView().getZoom() ?? 14)));
    const [heat, incidents, cameras] = await Promise.all([
      this.heatmap(query, zoom),
      this.ctx.api.incidents({ ...query, limit: 1000 }).catch(() => null),
      this.ctx.api.devices({ kind: 'camera', bbox }).catch(() => null),
    ]);
    if (generation !== this.generation) return;
    if (heat) this.layers.showHeatmap(heat);
    if (incidents) this.layers.showIncidents(incidents.incidents.map((i) => ({ ...i, light: lightNow(i, this.ctx.api.serverNow()) })));
    if (cameras) this.layers.showCameras(cameras.devices);
    this.counts = { incidents: incidents?.total ?? 0, cameras: cameras?.total ?? 0 };
    this.renderCounts();
    if (this.coverageOn) void this.showCoverage();
    document.body.dataset.commandReady = String(generation);
  }

  private counts = { incidents: 0, cameras: 0 };

  /** The heatmap; a view too large for its zoom's cells is asked again with coarser cells. */
  private async heatmap(query: IncidentQuery, zoom: number) {
    for (let z = zoom; z >= 0; z--) {
      try {
        return await this.ctx.api.heatmap({ ...query, zoom: z });
      } catch (error) {
        if (!(error instanceof ApiError && error.code === 'bbox_too_large')) return null;
      }
    }
    return null;
  }

  private async loadStats(): Promise<void> {
    // The tree's region, else the key's own area, else the top of the tree.
    let region = this.ctx.selectedRegion() ?? this.ctx.homeRegion();
    try {
      if (!region) {
        this.rootRegion ??= (await this.ctx.api.regions()).features[0]?.properties.code ?? null;
        region = this.rootRegion;
      }
      if (!region) return;
      this.stats = await this.ctx.api.stats(region, this.query());
      this.statsError = null;
    } catch (error) {
      this.statsError = error instanceof Error ? error.message : String(error);
    }
    if (this.active) this.renderStats();
  }

  /** The tree's region changed. */
  regionChanged(): void {
    if (this.active) void this.loadStats();
  }

  /** The selected grid changed: its blind spots go (they were of the other grid). */
  gridChanged(): void {
    if (!this.active) return;
    this.layers.showBlindSpots(null);
    this.blindMessage = null;
    this.blindOn = false;
    this.renderControls();
  }

  // ── live feed ────────────────────────────────────────────────────────────

  private connect(): void {
    const source = new EventSource(this.ctx.api.url('/api/events/stream'));
    this.source = source;
    source.addEventListener('open', () => {
      this.live = true;
      this.renderLive();
    });
    source.addEventListener('error', () => {
      this.live = false;
      this.renderLive();
    });
    source.addEventListener('incident', (event) => {
      const incident = JSON.parse((event as MessageEvent<string>).data) as Incident;
      this.received++;
      this.incidentChanged(incident, true);
    });
    source.addEventListener('reset', () => this.scheduleRefresh(0));
  }

  /** A new or changed incident (the live stream, or a step taken here): map, list, panel, then heat and statistics. */
  private incidentChanged(incident: Incident, fromStream: boolean): void {
    if (this.category && incident.category !== this.category) return;
    const timed = { ...incident, light: lightNow(incident, this.ctx.api.serverNow()) };
    const isNew = this.layers.upsertIncident(timed);
    this.layers.incidents.changed();
    this.list.upsert(timed);
    if (isNew && fromStream) {
      this.counts.incidents++;
      this.renderCounts();
      this.toast(() => t('command.toast.new', { id: incident.id, category: this.categoryName(incident.category) }), incident);
    }
    if (this.selectedIncident === incident.id) this.detailPanel.refresh();
    // The heatmap and the statistics follow, a little later (changes come in bursts).
    window.clearTimeout(this.liveTimer);
    this.liveTimer = window.setTimeout(() => {
      void this.refreshHeatmapOnly();
      void this.loadStats();
    }, 800);
  }

  private liveTimer: number | undefined;
  private readonly toastTexts = new Map<HTMLElement, () => string>();

  private async refreshHeatmapOnly(): Promise<void> {
    const bbox = this.viewBbox();
    if (!bbox || !this.active) return;
    const zoom = Math.max(0, Math.min(22, Math.round(this.ctx.map.getView().getZoom() ?? 14)));
    const heat = await this.heatmap({ ...this.query(), bbox }, zoom);
    if (heat && this.active) this.layers.showHeatmap(heat);
  }

  private toast(text: () => string, incident: Incident): void {
    const label = el('span', { text: text() });
    this.toastTexts.set(label, text);
    const item = el(
      'div',
      { className: `toast light-${incident.light}`, 'data-role': 'toast', 'data-incident': incident.id, onclick: () => void this.openIncident(incident.id, true) },
      lightSymbolHtml(incident.light, 14),
      label,
    );
    this.ctx.toastRoot.append(item);
    window.setTimeout(() => {
      item.remove();
      this.toastTexts.delete(label);
    }, 6000);
  }

  // ── map clicks ───────────────────────────────────────────────────────────

  /** A click in the command view: an incident opens its details; answers whether one was hit. */
  click(event: MapBrowserEvent<PointerEvent | KeyboardEvent | WheelEvent>): boolean {
    const hit = this.ctx.map.forEachFeatureAtPixel(event.pixel, (feature) => feature, { layerFilter: (layer) => layer === this.layers.incidents, hitTolerance: 4 });
    if (!hit) return false;
    void this.openIncident(Number((hit as Feature).getId()));
    return true;
  }

  categoryName(code: string): string {
    const category = this.categories.find((c) => c.code === code);
    if (!category) return code;
    return lang() === 'en' ? category.nameEn : category.name;
  }

  async openIncident(id: number, centre = false): Promise<void> {
    this.layers.setSelectedIncident(id);
    this.list.selected = id;
    this.list.render();
    this.ctx.revealDetails();
    await this.detailPanel.open(id, centre);
    // The panel scrolls to the incident (on a phone the sheet would otherwise open on the filters).
    if (this.detailPanel.selected === id) this.detail.scrollIntoView({ block: 'start' });
  }

  closeIncident(): void {
    this.layers.setSelectedIncident(null);
    this.list.selected = null;
    if (this.detailPanel.selected !== null) this.detailPanel.close();
    if (this.active) this.list.render();
  }

  // ── coverage and blind spots ─────────────────────────────────────────────

  private async toggleCoverage(): Promise<void> {
    this.coverageOn = !this.coverageOn;
    if (this.coverageOn) await this.showCoverage();
    else this.layers.showCoverage([]);
    this.renderControls();
  }

  /** The grids in view shaded by the share of them the cameras see. */
  private async showCoverage(): Promise<void> {
    const size = this.ctx.map.getSize();
    if (!size) return;
    const extent = this.ctx.map.getView().calculateExtent(size);
    const features = this.ctx.grids.source.getFeaturesInExtent(extent).filter((f) => !String(f.getId()).startsWith('new'));
    const answers = await Promise.all(
      features.map((f) =>
        this.ctx.api
          .cameras(String(f.getId()))
          .then((answer) => ({ code: String(f.getId()), share: answer.coveredShare, geometry: f.getGeometry() as Polygon | MultiPolygon }))
          .catch(() => null),
      ),
    );
    if (!this.coverageOn || !this.active) return;
    const shown = answers.filter((a): a is NonNullable<typeof a> => a !== null).map((a) => ({ ...a, geometry: a.geometry.clone() as Polygon | MultiPolygon }));
    this.layers.showCoverage(shown);
    this.coverageCount = shown.length;
    this.renderControls();
  }

  private coverageCount = 0;

  /** Blind spots of the selected grid, on and off. */
  private async toggleBlindSpots(): Promise<void> {
    if (this.blindOn) {
      this.blindOn = false;
      this.layers.showBlindSpots(null);
      this.blindMessage = null;
      this.renderControls();
      return;
    }
    await this.showBlindSpots();
  }

  private async showBlindSpots(): Promise<void> {
    const code = this.ctx.selectedGrid();
    if (!code) {
      this.blindMessage = () => t('command.blind.none');
      this.renderControls();
      return;
    }
    try {
      const answer = await this.ctx.api.coverage(code);
      this.layers.showBlindSpots(answer.blindSpots);
      this.blindOn = true;
      const feature = this.ctx.grids.feature(code);
      const name = feature ? gridOf(feature).name : code;
      const share = `${formatNumber(answer.coveredShare * 100, 1)}%`;
      this.blindMessage = () => t('command.blind.shown', { name, share });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.blindMessage = () => message;
    }
    this.renderControls();
  }

  // ── rendering ────────────────────────────────────────────────────────────

  private renderControls(): void {
    clear(this.controls);
    const select = (control: string, value: string, options: [string, string][], change: (value: string) => void) =>
      el(
        'select',
        { className: 'field-select', 'data-control': control, onchange: (e) => change((e.target as HTMLSelectElement).value) },
        ...options.map(([v, label]) => el('option', { value: v, selected: v === value, text: label })),
      );
    const layerToggle = (name: string, key: Key, layer: { getVisible(): boolean; setVisible(v: boolean): void }) =>
      el(
        'label',
        { className: 'check' },
        el('input', { type: 'checkbox', 'data-layer': name, checked: layer.getVisible(), onchange: (e) => layer.setVisible((e.target as HTMLInputElement).checked) }),
        el('span', { text: t(key) }),
      );
    const legendRow = (light: Incident['light'], key: Key) => el('div', { className: 'legend-row' }, lightSymbolHtml(light, 14), el('span', { text: t(key) }));
    this.controls.append(
      ...present(
      el('h2', { text: t('command.title') }),
      el(
        'div',
        { className: 'command-filters' },
        el(
          'label',
          { className: 'field' },
          el('span', { text: t('command.range') }),
          select('range', this.range, (['24h', '7d', '30d', 'all'] as TimeRange[]).map((r) => [r, t(`command.range.${r}` as Key)]), (v) => {
            this.range = v as TimeRange;
            localStorage.setItem('gridgov.command.range', v);
            void this.reloadAll();
          }),
        ),
        el(
          'label',
          { className: 'field' },
          el('span', { text: t('command.category') }),
          select('category', this.category, [['', t('command.category.all')], ...this.categories.map((c): [string, string] => [c.code, this.categoryName(c.code)])], (v) => {
            this.category = v;
            void this.reloadAll();
          }),
        ),
      ),
      el(
        'div',
        { className: 'command-layers' },
        layerToggle('heatmap', 'command.layer.heatmap', this.layers.heatmap),
        layerToggle('incidents', 'command.layer.incidents', this.layers.incidents),
        layerToggle('cameras', 'command.layer.cameras', this.layers.cameras),
      ),
      el(
        'div',
        { className: 'command-buttons' },
        el('button', { type: 'button', className: `button${this.coverageOn ? ' active' : ''}`, 'data-action': 'coverage', title: t('command.coverage.title'), text: t('command.coverage'), onclick: () => void this.toggleCoverage() }),
        el('button', { type: 'button', className: `button${this.blindOn ? ' active' : ''}`, 'data-action': 'blind-spots', 'aria-pressed': String(this.blindOn), title: t('command.blind.title'), text: this.blindOn ? t('command.blind.hide') : t('command.blind'), onclick: () => void this.toggleBlindSpots() }),
      ),
      this.coverageOn ? el('p', { className: 'muted small', 'data-role': 'coverage-message', text: t('command.coverage.shown', { count: this.coverageCount }) }) : null,
      this.blindMessage ? el('p', { className: 'muted small', 'data-role': 'blind-message', text: this.blindMessage() }) : null,
      el(
        'div',
        { className: 'command-legend' },
        legendRow('green', 'command.legend.green'),
        legendRow('yellow', 'command.legend.yellow'),
        legendRow('red', 'command.legend.red'),
        this.coverageOn
          ? el('div', { className: 'legend-row' }, el('span', { className: 'ramp', style: `background:linear-gradient(90deg,${coverageColour(0, 0.8)},${coverageColour(0.5, 0.8)},${coverageColour(1, 0.8)})` }), el('span', { text: t('command.legend.ramp') }))
          : null,
      ),
      el('div', { className: 'command-status' }, el('span', { 'data-role': 'counts' }), el('span', { className: 'live', 'data-role': 'live' })),
      ),
    );
    this.renderCounts();
    this.renderLive();
  }

  private renderCounts(): void {
    const counts = this.controls.querySelector('[data-role="counts"]');
    if (counts) counts.textContent = t('command.counts', this.counts);
  }

  private renderLive(): void {
    const live = this.controls.querySelector<HTMLElement>('[data-role="live"]');
    if (!live) return;
    live.textContent = `● ${t(this.live ? 'command.live.on' : 'command.live.off')}`;
    live.className = `live ${this.live ? 'on' : 'off'}`;
  }

  private renderStats(): void {
    const codes = this.categories.map((c) => c.code);
    renderStats(this.statsPanel, this.stats, this.statsError, { codes, name: (code) => this.categoryName(code) });
  }
}

function present(...nodes: (Node | null)[]): Node[] {
  return nodes.filter((n): n is Node => n !== null);
}
