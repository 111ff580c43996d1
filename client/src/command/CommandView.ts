/**
 * The command centre (指挥中心): heatmap, incidents in their lights, cameras and their sectors,
 * coverage and blind spots on demand, a live feed (server-sent events) while the view is open,
 * the selected incident's details with the cameras that see it, and statistics of a region.
 */
import type OlMap from 'ol/Map';
import type Feature from 'ol/Feature';
import MultiPolygon from 'ol/geom/MultiPolygon';
import Polygon from 'ol/geom/Polygon';
import type { MapBrowserEvent } from 'ol';
import { ApiError, INCIDENT_STATUSES, type Api, type Incident, type IncidentCategory, type IncidentQuery, type StatsAnswer } from '../api';
import { formatDate, formatNumber, hasKey, lang, onLangChange, t, type Key } from '../i18n';
import type { MapCrs } from '../map/crs';
import type { GridLayer } from '../layers/GridLayer';
import { gridOf } from '../layers/GridLayer';
import { el, clear } from '../panels/dom';
import { CommandLayers, LIGHT_COLOURS, coverageColour } from './CommandLayers';
import { barChart, ringGauge } from './charts';

export type TimeRange = '24h' | '7d' | '30d' | 'all';
const RANGE_HOURS: Record<TimeRange, number | null> = { '24h': 24, '7d': 24 * 7, '30d': 24 * 30, all: null };
const CATEGORY_COLOURS = ['#1c7ed6', '#e8590c', '#7048e8', '#d6336c', '#0ca678', '#f08c00', '#495057', '#1098ad', '#868e96', '#5c940d'];
const STATUS_COLOUR = '#1d4e89';

export interface CommandContext {
  api: Api;
  map: OlMap;
  crs: MapCrs;
  grids: GridLayer;
  root: HTMLElement;
  toastRoot: HTMLElement;
  selectedGrid(): string | null;
  /** The region chosen in the tree, or null for the root. */
  selectedRegion(): string | null;
}

export class CommandView {
  readonly layers: CommandLayers;
  active = false;
  range: TimeRange = (localStorage.getItem('gridgov.command.range') as TimeRange | null) ?? '7d';
  category = '';
  categories: IncidentCategory[] = [];
  selectedIncident: number | null = null;
  source: EventSource | null = null;
  live = false;
  /** Incidents received through the stream since the view opened (tests, console). */
  received = 0;
  stats: StatsAnswer | null = null;
  private rootRegion: string | null = null;
  private statsError: string | null = null;
  private blindMessage: (() => string) | null = null;
  private coverageOn = false;
  private refreshTimer: number | undefined;
  private generation = 0;
  private readonly onMoveEnd = () => this.scheduleRefresh(150);

  private readonly controls = el('section', { className: 'panel command-controls', 'data-role': 'command-controls' });
  private readonly detail = el('section', { className: 'panel command-detail', 'data-role': 'incident-detail', hidden: true });
  private readonly statsPanel = el('section', { className: 'panel grow command-stats', 'data-role': 'stats' });

  constructor(private readonly ctx: CommandContext) {
    this.layers = new CommandLayers(ctx.crs);
    for (const layer of this.layers.all) ctx.map.addLayer(layer);
    ctx.root.append(this.controls, this.detail, this.statsPanel);
    onLangChange(() => {
      for (const [label, text] of this.toastTexts) label.textContent = text();
      if (!this.active) return;
      this.renderControls();
      this.renderStats();
      if (this.selectedIncident !== null) void this.openIncident(this.selectedIncident);
    });
  }

  // ── activation ───────────────────────────────────────────────────────────

  async activate(): Promise<void> {
    if (this.active) return;
    this.active = true;
    this.layers.setVisible(true);
    // The planner's household colouring fades so that lights, heat and coverage stand out.
    this.ctx.grids.layer.setOpacity(0.5);
    this.ctx.map.on('moveend', this.onMoveEnd);
    this.renderControls();
    this.connect();
    if (!this.categories.length) {
      try {
        this.categories = (await this.ctx.api.categories()).categories;
      } catch {
        this.categories = [];
      }
      if (this.active) this.renderControls();
    }
    await Promise.all([this.refresh(), this.loadStats()]);
  }

  deactivate(): void {
    if (!this.active) return;
    this.active = false;
    this.generation++;
    this.ctx.map.un('moveend', this.onMoveEnd);
    window.clearTimeout(this.refreshTimer);
    this.source?.close();
    this.source = null;
    this.live = false;
    this.layers.setVisible(false);
    this.ctx.grids.layer.setOpacity(1);
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
    if (incidents) this.layers.showIncidents(incidents.incidents);
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
    let region = this.ctx.selectedRegion();
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
    this.renderControls();
  }

  // ── live feed ────────────────────────────────────────────────────────────

  private connect(): void {
    const source = new EventSource(this.ctx.api.url(`/api/events/stream?lang=${encodeURIComponent(lang())}`));
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
      this.incidentChanged(incident);
    });
    source.addEventListener('reset', () => this.scheduleRefresh(0));
  }

  private incidentChanged(incident: Incident): void {
    if (this.category && incident.category !== this.category) return;
    const isNew = this.layers.upsertIncident(incident);
    this.layers.incidents.changed();
    if (isNew) {
      this.counts.incidents++;
      this.renderCounts();
      this.toast(() => t('command.toast.new', { id: incident.id, category: this.categoryName(incident.category) }), incident);
    }
    if (this.selectedIncident === incident.id) void this.openIncident(incident.id);
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
      el('span', { className: 'toast-dot', style: `background:${LIGHT_COLOURS[incident.light]}` }),
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
    this.selectedIncident = id;
    this.layers.setSelectedIncident(id);
    this.detail.hidden = false;
    if (!this.detail.dataset.incident || this.detail.dataset.incident !== String(id)) {
      clear(this.detail);
      this.detail.append(el('p', { className: 'muted', text: t('incident.loading') }));
    }
    this.detail.dataset.incident = String(id);
    try {
      const [incident, cameras] = await Promise.all([this.ctx.api.incident(id), this.ctx.api.incidentCameras(id)]);
      if (this.selectedIncident !== id) return;
      if (centre) this.ctx.map.getView().animate({ center: this.ctx.crs.toMap([incident.lon, incident.lat]), duration: 300 });
      const row = (key: Key, value: Node | string | null) => el('tr', {}, el('th', { text: t(key) }), el('td', {}, value ?? '—'));
      const light = el('span', { className: `light-badge light-${incident.light}`, 'data-light': incident.light, text: t(`light.${incident.light}` as Key) });
      clear(this.detail);
      this.detail.append(
        el(
          'div',
          { className: 'detail-head' },
          el('h2', { text: t('incident.title', { id: incident.id }) }),
          el('button', { type: 'button', className: 'link', 'data-action': 'close-incident', text: t('incident.close'), onclick: () => this.closeIncident() }),
        ),
        el(
          'table',
          { className: 'props' },
          row('incident.category', this.categoryName(incident.category)),
          row('incident.status', t(`status.${incident.status}` as Key)),
          row('incident.light', light),
          row('incident.source', known(`source.${incident.source}`, incident.source)),
          row('incident.grid', incident.gridCode),
          incident.address ? row('incident.address', incident.address) : null,
          incident.description ? row('incident.description', incident.description) : null,
          row('incident.reportedAt', formatDate(incident.reportedAt)),
          row('incident.deadlineAt', formatDate(incident.deadlineAt)),
          row('incident.level', known(`handling.${incident.handlingLevel}`, incident.handlingLevel)),
        ),
        el('h3', { text: t('incident.transitions') }),
        el(
          'ul',
          { className: 'history-list', 'data-role': 'transitions' },
          ...incident.transitions.map((tr) =>
            el(
              'li',
              { className: 'history-item' },
              el('div', { className: 'history-head' }, el('span', { className: 'history-op', text: `${tr.from ? `${t(`status.${tr.from}` as Key)} → ` : ''}${t(`status.${tr.to}` as Key)}` })),
              el('div', { className: 'history-meta', text: `${formatDate(tr.at)} · ${tr.actor}${tr.note ? ` · ${tr.note}` : ''}` }),
            ),
          ),
        ),
        el('h3', { text: t('incident.cameras') }),
        cameras.cameras.length === 0
          ? el('p', { className: 'muted', text: t('incident.cameras.none') })
          : el(
              'ul',
              { className: 'incident-cameras', 'data-role': 'incident-cameras' },
              ...cameras.cameras.map((camera) =>
                el(
                  'li',
                  { className: 'incident-camera', 'data-camera': camera.id },
                  camera.latestSnapshot
                    ? el('a', { href: this.ctx.api.url(camera.latestSnapshot.url), target: '_blank', rel: 'noopener' }, el('img', { className: 'snapshot', src: this.ctx.api.url(camera.latestSnapshot.thumbUrl), alt: camera.name ?? camera.id }))
                    : el('div', { className: 'snapshot none', text: t('incident.snapshot.none') }),
                  el(
                    'div',
                    { className: 'camera-meta' },
                    el('b', { text: camera.name ?? camera.id }),
                    el('span', { className: 'muted small', text: camera.id }),
                    el('span', { className: 'muted small', text: t('incident.camera.distance', { distance: formatNumber(camera.distanceM, 1) }) }),
                    camera.latestSnapshot ? el('span', { className: 'muted small', text: formatDate(camera.latestSnapshot.occurredAt) }) : null,
                  ),
                ),
              ),
            ),
      );
    } catch (error) {
      if (this.selectedIncident !== id) return;
      clear(this.detail);
      this.detail.append(el('p', { className: 'error-text', text: error instanceof Error ? error.message : String(error) }));
    }
  }

  closeIncident(): void {
    this.selectedIncident = null;
    this.layers.setSelectedIncident(null);
    this.detail.hidden = true;
    delete this.detail.dataset.incident;
    clear(this.detail);
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
    const legendRow = (colour: string, key: Key) => el('div', { className: 'legend-row' }, el('span', { className: 'dot', style: `background:${colour}` }), el('span', { text: t(key) }));
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
            void this.refresh();
            void this.loadStats();
          }),
        ),
        el(
          'label',
          { className: 'field' },
          el('span', { text: t('command.category') }),
          select('category', this.category, [['', t('command.category.all')], ...this.categories.map((c): [string, string] => [c.code, this.categoryName(c.code)])], (v) => {
            this.category = v;
            void this.refresh();
            void this.loadStats();
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
        el('button', { type: 'button', className: 'button', 'data-action': 'blind-spots', title: t('command.blind.title'), text: t('command.blind'), onclick: () => void this.showBlindSpots() }),
      ),
      this.coverageOn ? el('p', { className: 'muted small', 'data-role': 'coverage-message', text: t('command.coverage.shown', { count: this.coverageCount }) }) : null,
      this.blindMessage ? el('p', { className: 'muted small', 'data-role': 'blind-message', text: this.blindMessage() }) : null,
      el(
        'div',
        { className: 'command-legend' },
        legendRow(LIGHT_COLOURS.green, 'command.legend.green'),
        legendRow(LIGHT_COLOURS.yellow, 'command.legend.yellow'),
        legendRow(LIGHT_COLOURS.red, 'command.legend.red'),
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
    clear(this.statsPanel);
    if (this.statsError) {
      this.statsPanel.append(el('p', { className: 'error-text', text: t('stats.failed', { message: this.statsError }) }));
      return;
    }
    const stats = this.stats;
    if (!stats) return;
    const total = stats.total;
    const tile = (key: Key, value: string, extra?: Node) => el('div', { className: 'stat-tile' }, extra ?? null, el('div', { className: 'stat-value', text: value }), el('div', { className: 'stat-label', text: t(key) }));
    const categoryCodes = this.categories.length ? this.categories.map((c) => c.code) : Object.keys(total.byCategory);
    this.statsPanel.append(
      ...present(
      el('h2', { 'data-role': 'stats-title', text: t('stats.title', { name: stats.name }) }),
      el(
        'div',
        { className: 'stat-tiles' },
        tile('stats.total', formatNumber(total.incidents)),
        el('div', { className: 'stat-tile' }, ringGauge(total.onTimeRate, '#2f9e44', 'on-time'), el('div', { className: 'stat-label', text: t('stats.onTime') })),
        tile('stats.per100', total.per100Households === null ? t('stats.none') : formatNumber(total.per100Households, 2)),
      ),
      el('h3', { text: t('stats.byLight') }),
      barChart((['green', 'yellow', 'red'] as const).map((l) => ({ label: t(`light.${l}` as Key), value: total.byLight[l] ?? 0, colour: LIGHT_COLOURS[l] })), 'by-light'),
      el('h3', { text: t('stats.byStatus') }),
      barChart(INCIDENT_STATUSES.map((s) => ({ label: t(`status.${s}` as Key), value: total.byStatus[s] ?? 0, colour: STATUS_COLOUR })), 'by-status'),
      el('h3', { text: t('stats.byCategory') }),
      barChart(categoryCodes.map((c, i) => ({ label: this.categoryName(c), value: total.byCategory[c] ?? 0, colour: CATEGORY_COLOURS[i % CATEGORY_COLOURS.length] })), 'by-category'),
      stats.children.length
        ? el('h3', { text: t('stats.byChild') })
        : null,
      stats.children.length ? barChart(stats.children.map((c) => ({ label: c.name, value: c.incidents, colour: '#0b6bcb' })), 'by-child') : null,
      ),
    );
  }
}

function present(...nodes: (Node | null)[]): Node[] {
  return nodes.filter((n): n is Node => n !== null);
}

/** The translation of a key built from server data, or the raw value when the dictionary lacks it. */
function known(key: string, fallback: string): string {
  return hasKey(key) ? t(key) : fallback;
}
