/**
 * Auto-division (自动划分): pick a village and the household range, run a division job on the
 * server with its progress, see the proposal over today's (faded) grids with its metrics and
 * flags, then apply it (the village's grids are replaced) or discard it.
 *
 * "Follow roads and rivers" (on by default) lets the server use the village's stored lines as
 * barriers; off, an empty barriers collection is sent. The village's special grids are kept
 * either way: the proposal shows them as fixed and the apply leaves them live.
 */
import type OlMap from 'ol/Map';
import { ApiError, type Api, type DivisionDryRun, type DivisionJob } from '../api';
import { formatNumber, hasKey, onLangChange, t } from '../i18n';
import type { MapCrs } from '../map/crs';
import type { GridLayer } from '../layers/GridLayer';
import type { Dialog } from '../panels/Dialog';
import { el, clear } from '../panels/dom';
import { ProposalLayer, specialTypeWord } from './ProposalLayer';

const POLL_MS = 300;
/** Hectares as the server rounds them (one decimal), without a trailing .0. */
const hectares = (value: number) => formatNumber(value, Number.isInteger(value) ? 0 : 1);
/** Today's grids while a proposal is shown. */
const FADED_OPACITY = 0.35;

export interface DivisionContext {
  api: Api;
  map: OlMap;
  crs: MapCrs;
  grids: GridLayer;
  dialog: Dialog;
  root: HTMLElement;
  /** The villages the user can divide (code and name). */
  villages(): { code: string; name: string }[];
  /** Unsaved planner edits would be lost by an apply. */
  hasEdits(): boolean;
  /** Reloads today's grids after an apply. */
  reloadGrids(): Promise<void>;
  status(message: string | (() => string), kind?: 'info' | 'error'): void;
  /** Shows the chosen village on the map. */
  fitVillage(code: string): void;
  /** Takes the planner's selection off the map (its outline would sit over the proposal). */
  clearSelection(): void;
}

/** A proposed grid's fate: kept as it is (same code, same border), changed, or new (issue 14's `status`; a kept special grid carries its code). */
function fateOf(p: { code?: string; status?: string }): 'kept' | 'changed' | 'new' {
  if (p.status === 'kept' || p.status === 'changed' || p.status === 'new') return p.status;
  return p.code ? 'kept' : 'new';
}

export class DivisionPanel {
  readonly proposal: ProposalLayer;
  active = false;
  village = '';
  min = 300;
  max = 500;
  followLines = true;
  /** The current job (running, or done with its proposal shown). */
  job: DivisionJob | null = null;
  /** What applying the shown proposal would change (POST …/apply?dryRun=true), once checked. */
  dryRun: DivisionDryRun | null = null;
  private dryRunError: string | null = null;
  private busy: 'run' | 'apply' | null = null;
  private pollTimer: number | undefined;

  constructor(private readonly ctx: DivisionContext) {
    this.proposal = new ProposalLayer(ctx.crs);
    this.proposal.layer.setVisible(false);
    ctx.map.addLayer(this.proposal.layer);
    onLangChange(() => this.render());
    this.render();
  }

  activate(): void {
    this.active = true;
    this.proposal.layer.setVisible(true);
    this.syncFade();
    this.render();
  }

  deactivate(): void {
    this.active = false;
    this.proposal.layer.setVisible(false);
    this.ctx.grids.layer.setOpacity(1);
  }

  /** The region chosen in the tree: a village becomes the one to divide. */
  regionChanged(code: string | null): void {
    if (code && this.ctx.villages().some((v) => v.code === code) && !this.busy && code !== this.village) {
      this.village = code;
      this.render();
    }
  }

  private syncFade(): void {
    this.ctx.grids.layer.setOpacity(this.active && this.job?.proposal ? FADED_OPACITY : 1);
  }

  private async run(): Promise<void> {
    if (!this.village || this.busy) return;
    this.discard();
    this.busy = 'run';
    this.render();
    try {
      const { id, inputs } = await this.ctx.api.startDivision({
        regionCode: this.village,
        minHouseholds: this.min,
        maxHouseholds: this.max,
        ...(this.followLines ? {} : { barriers: { type: 'FeatureCollection', features: [] } }),
      });
      this.job = { id, status: 'queued', progress: 0, stage: null, regionCode: this.village, createdAt: new Date().toISOString(), finishedAt: null, appliedAt: null, inputs };
      this.render();
      this.poll();
    } catch (error) {
      this.busy = null;
      this.render();
      await this.error(t('division.failed'), error);
    }
  }

  /** Shows a division job started elsewhere (the API, another tab): its progress, then its proposal. */
  async open(id: string): Promise<void> {
    this.discard();
    const job = await this.ctx.api.division(id);
    this.job = job;
    if (job.status !== 'done' && job.status !== 'failed') this.busy = 'run';
    this.render();
    if (job.status === 'done') {
      this.proposal.show(job.proposal?.features ?? []);
      this.syncFade();
      if (job.regionCode) void this.checkDryRun(job.id);
    } else if (job.status !== 'failed') this.poll();
  }

  private poll(): void {
    const id = this.job?.id;
    if (!id) return;
    this.pollTimer = window.setTimeout(async () => {
      try {
        const job = await this.ctx.api.division(id);
        if (this.job?.id !== id) return;
        this.job = job;
        if (job.status === 'done') {
          this.busy = null;
          this.proposal.show(job.proposal?.features ?? []);
          this.syncFade();
          this.ctx.clearSelection();
          const count = job.proposal?.features.length ?? 0;
          this.ctx.status(() => t('division.doneStatus', { count }));
          // An area divided by its boundary (no village) cannot be applied: nothing to dry-run.
          if (job.regionCode) void this.checkDryRun(job.id);
        } else if (job.status === 'failed') {
          this.busy = null;
          this.render();
          await this.ctx.dialog.alert(t('division.failed'), el('p', { className: 'server-message', 'data-role': 'server-message', text: job.error ?? '' }), 'error');
          return;
        } else {
          this.poll();
        }
        this.render();
      } catch (error) {
        this.busy = null;
        this.render();
        await this.error(t('division.failed'), error);
      }
    }, POLL_MS);
  }

  /** The decision before the apply: which grids go, stay and come, and who and what changes grid. */
  private async checkDryRun(id: string): Promise<void> {
    this.dryRun = null;
    this.dryRunError = null;
    try {
      const dry = await this.ctx.api.divisionDryRun(id);
      if (this.job?.id !== id) return;
      this.dryRun = dry;
    } catch (error) {
      if (this.job?.id !== id) return;
      this.dryRunError = error instanceof Error ? error.message : String(error);
    }
    this.render();
  }

  /** Grids retired, kept and created by the apply: the dry run's answer, else counted from the proposal. */
  private gridCounts(job: DivisionJob): { retire: number; keep: number; create: number } {
    if (this.dryRun?.grids) return { retire: this.dryRun.grids.retire.length, keep: this.dryRun.grids.keep.length, create: this.dryRun.grids.create };
    const fates = (job.proposal?.features ?? []).map((f) => fateOf(f.properties));
    return { retire: this.ctx.grids.all().filter((f) => String(f.getId()).startsWith(job.regionCode ?? '-')).length - fates.filter((f) => f === 'kept').length, keep: fates.filter((f) => f === 'kept').length, create: fates.filter((f) => f !== 'kept').length };
  }

  private async apply(): Promise<void> {
    const job = this.job;
    if (!job?.proposal || this.busy) return;
    if (this.ctx.hasEdits()) {
      await this.ctx.dialog.alert(t('division.apply'), t('division.unsaved'), 'warning');
      return;
    }
    const name = this.ctx.villages().find((v) => v.code === job.regionCode)?.name ?? job.regionCode ?? '';
    const counts = this.gridCounts(job);
    const households = (this.dryRun?.diff ?? []).filter((m) => m.from !== m.to).reduce((sum, m) => sum + m.households, 0);
    const choice = await this.ctx.dialog.open(
      t('division.apply'),
      t('division.applyConfirmFull', { name, ...counts, households: formatNumber(households) }),
      [
        { id: 'cancel', label: t('dialog.cancel') },
        { id: 'apply', label: t('division.apply'), primary: true },
      ],
      'warning',
    );
    if (choice !== 'apply') return;
    this.busy = 'apply';
    this.render();
    try {
      const result = await this.ctx.api.applyDivision(job.id);
      this.busy = null;
      this.discard();
      await this.ctx.reloadGrids();
      const applied = { retired: result.retired.length, created: result.created.length };
      this.ctx.status(() => t('division.applied', applied));
    } catch (error) {
      this.busy = null;
      this.render();
      await this.error(t('division.applyFailed'), error);
    }
  }

  /** Removes the proposal (a job still running is left to finish on the server, unshown). */
  discard(): void {
    window.clearTimeout(this.pollTimer);
    this.job = null;
    this.dryRun = null;
    this.dryRunError = null;
    if (this.busy === 'run') this.busy = null;
    this.proposal.clear();
    this.syncFade();
    this.render();
  }

  private async error(title: string, error: unknown): Promise<void> {
    const body = el(
      'div',
      {},
      error instanceof ApiError && hasKey(`division.error.${error.code}`) ? el('p', { text: t(`division.error.${error.code}` as never) }) : null,
      el('p', { className: 'server-message', 'data-role': 'server-message', 'data-code': error instanceof ApiError ? error.code : '', text: error instanceof Error ? error.message : String(error) }),
    );
    const message = error instanceof Error ? error.message : String(error);
    this.ctx.status(message, 'error');
    await this.ctx.dialog.alert(title, body, 'error');
  }

  render(): void {
    const root = this.ctx.root;
    clear(root);
    const villages = [...this.ctx.villages()].sort((a, b) => a.code.localeCompare(b.code));
    if (!villages.some((v) => v.code === this.village)) this.village = villages[0]?.code ?? '';
    const running = this.busy === 'run';
    const number = (value: number, role: string, set: (n: number) => void) =>
      el('input', {
        type: 'number',
        min: 1,
        step: 1,
        className: 'field-select',
        'data-control': role,
        value,
        disabled: running,
        onchange: (e) => {
          const n = Math.round(Number((e.target as HTMLInputElement).value));
          if (Number.isFinite(n) && n > 0) set(n);
          this.render();
        },
      });
    const controls = el(
      'section',
      { className: 'panel division-controls', 'data-role': 'division-controls' },
      el('h2', { className: 'panel-title', text: t('division.title') }),
      el('p', { className: 'muted', text: t('division.hint') }),
      el(
        'label',
        { className: 'field' },
        el('span', { text: t('division.village') }),
        el(
          'select',
          {
            className: 'field-select',
            'data-control': 'division-village',
            disabled: running,
            onchange: (e) => {
              this.village = (e.target as HTMLSelectElement).value;
              this.ctx.fitVillage(this.village);
              this.render();
            },
          },
          ...villages.map((v) => el('option', { value: v.code, selected: v.code === this.village, text: `${v.name}（${v.code}）` })),
        ),
      ),
      el(
        'div',
        { className: 'division-range' },
        el('label', { className: 'field' }, el('span', { text: t('division.min') }), number(this.min, 'division-min', (n) => (this.min = n))),
        el('label', { className: 'field' }, el('span', { text: t('division.max') }), number(this.max, 'division-max', (n) => (this.max = n))),
      ),
      this.min > this.max ? el('p', { className: 'division-warning', text: t('division.rangeInvalid') }) : null,
      el(
        'label',
        { className: 'division-check', title: t('division.followLinesHint') },
        el('input', {
          type: 'checkbox',
          'data-control': 'division-follow-lines',
          checked: this.followLines,
          disabled: running,
          onchange: (e) => {
            this.followLines = (e.target as HTMLInputElement).checked;
            this.render();
          },
        }),
        el('span', { text: t('division.followLines') }),
      ),
      el(
        'div',
        { className: 'command-buttons' },
        el('button', {
          type: 'button',
          className: 'button primary',
          'data-action': 'division-run',
          disabled: running || !this.village || this.min > this.max,
          text: running ? t('division.running') : t('division.run'),
          onclick: () => void this.run(),
        }),
      ),
      this.job ? this.progress(this.job) : null,
    );
    root.append(controls);
    if (this.job?.status === 'done' && this.job.proposal && this.job.metrics) root.append(this.result(this.job));
  }

  /** What applying changes: grids retired, kept and created; buildings, households, addresses, open incidents and staff that change grid. */
  private decision(job: DivisionJob): HTMLElement {
    const box = el('div', { className: 'division-decision', 'data-role': 'division-decision' }, el('h3', { text: t('division.decision') }));
    if (this.dryRunError) {
      box.append(el('p', { className: 'error-text', text: t('division.dry.failed', { message: this.dryRunError }) }));
      return box;
    }
    const dry = this.dryRun;
    if (!dry) {
      box.append(el('p', { className: 'muted', text: t('division.dry.loading') }));
      return box;
    }
    const counts = this.gridCounts(job);
    const moves = dry.diff.filter((m) => m.from !== m.to);
    const buildings = moves.reduce((s, m) => s + m.buildings, 0);
    const households = moves.reduce((s, m) => s + m.households, 0);
    const addresses = dry.addresses ?? [];
    const incidents = dry.incidents ?? [];
    const incidentIds = incidents.flatMap((m) => m.ids ?? []);
    const where = (code: string | null) => code ?? t('division.dry.none');
    const lines: (HTMLElement | null)[] = [
      el('p', { 'data-role': 'dry-grids', 'data-retire': counts.retire, 'data-keep': counts.keep, 'data-create': counts.create, text: t('division.dry.grids', counts) }),
      el('p', { 'data-role': 'dry-buildings', 'data-households': households, text: t('division.dry.buildings', { buildings: formatNumber(buildings), households: formatNumber(households) }) }),
      addresses.length
        ? el('p', { 'data-role': 'dry-addresses', text: t('division.dry.addresses', { count: formatNumber(addresses.reduce((s, m) => s + m.count, 0)), households: formatNumber(addresses.reduce((s, m) => s + (m.households ?? 0), 0)) }) })
        : null,
      el('p', { 'data-role': 'dry-incidents', text: incidentIds.length ? t('division.dry.incidents', { count: incidents.reduce((s, m) => s + m.count, 0), ids: incidentIds.slice(0, 12).map((id) => `#${id}`).join('、') }) : t('division.dry.noIncidents') }),
      dry.staff?.length ? el('p', { 'data-role': 'dry-staff', text: t('division.dry.staff', { count: dry.staff.length }) }) : null,
    ];
    box.append(...lines.filter((line): line is HTMLElement => line !== null));
    if (moves.length) {
      box.append(
        el('h3', { text: t('division.dry.moves') }),
        el(
          'ul',
          { className: 'division-moves', 'data-role': 'dry-moves' },
          ...moves.slice(0, 6).map((m) => el('li', { text: t('division.dry.move', { from: where(m.from), to: m.to === null ? t('division.dry.none') : /^\d{15}$/.test(m.to) ? m.to : `#${Number(m.to)}`, households: formatNumber(m.households) }) })),
        ),
      );
    }
    return box;
  }

  /** Which lines the division followed, and which special grids it kept. */
  private inputsNote(job: DivisionJob): HTMLElement | null {
    const inputs = job.inputs;
    if (!inputs) return null;
    const { source, features } = inputs.barriers;
    const lines =
      source === 'stored'
        ? features > 0
          ? t('division.linesUsed', { count: features })
          : t('division.linesNone')
        : features > 0
          ? t('division.linesRequest', { count: features })
          : t('division.linesOff');
    return el(
      'div',
      { className: 'division-inputs', 'data-role': 'division-inputs', 'data-lines': source === 'stored' ? String(features) : '0' },
      el('p', { className: source === 'stored' && features > 0 ? 'division-lines used' : 'division-lines', text: lines }),
      inputs.keptSpecials.length > 0
        ? el('p', { 'data-role': 'division-kept', text: t('division.kept', { names: inputs.keptSpecials.map((k) => `${k.name}（${k.code}）`).join('、') }) })
        : null,
      this.skippedNote(inputs.barriers.skipped),
    );
  }

  /** Barrier features the division read but left out (a ferry, a fountain, a park outline), by what they were, most first. */
  private skippedNote(skipped: NonNullable<DivisionJob['inputs']>['barriers']['skipped']): HTMLElement | null {
    if (!skipped || skipped.count === 0) return null;
    const entries = Object.entries(skipped.byValue).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    return el(
      'p',
      { className: 'muted division-skipped', 'data-role': 'division-skipped', 'data-count': skipped.count },
      t('division.skipped', { count: formatNumber(skipped.count), list: entries.map(([value, n]) => `${value} ×${formatNumber(n)}`).join('、') }),
    );
  }

  /** The special grids the division proposes for land without homes, each with its type, area and the swatch it has on the map. */
  private candidates(grids: NonNullable<DivisionJob['proposal']>['features']): HTMLElement[] {
    const candidates = grids.filter((g) => g.properties.candidate);
    if (candidates.length === 0) return [];
    return [
      el('h3', { text: t('division.candidates', { count: candidates.length }) }),
      el('p', { className: 'muted', text: t('division.candidatesHint') }),
      el(
        'ul',
        { className: 'division-flags division-candidates', 'data-role': 'division-candidates' },
        ...candidates.map((g) => {
          const p = g.properties;
          const note = (p.notes ?? []).find((n) => n.code === 'special_candidate');
          return el(
            'li',
            { title: note?.message ?? '', 'data-candidate': p.number, 'data-special-type': p.specialType ?? 'other' },
            el('span', { className: 'division-swatch candidate' }),
            el('b', { text: `#${p.number} ` }),
            t('division.candidate', { type: specialTypeWord(p.specialType), areaHa: hectares(Number(note?.params.areaHa ?? 0)) }),
          );
        }),
      ),
    ];
  }

  private progress(job: DivisionJob): HTMLElement {
    const share = job.status === 'done' ? 1 : Math.max(0, Math.min(1, job.progress));
    const stage = job.status === 'queued' ? 'queued' : (job.stage ?? 'prepare');
    const stageText = hasKey(`division.stage.${stage}`) ? t(`division.stage.${stage}` as never) : stage;
    return el(
      'div',
      { className: 'division-progress', 'data-role': 'division-progress', 'data-status': job.status },
      el('div', { className: 'progress-track' }, el('div', { className: `progress-fill${job.status === 'failed' ? ' failed' : ''}`, style: `width: ${(share * 100).toFixed(0)}%` })),
      el('div', { className: 'progress-label' }, el('span', { 'data-role': 'division-stage', text: stageText }), el('span', { text: `${(share * 100).toFixed(0)}%` })),
    );
  }

  private result(job: DivisionJob): HTMLElement {
    const metrics = job.metrics!;
    const grids = job.proposal!.features;
    const pct = (v: number) => `${formatNumber(v * 100, 0)}%`;
    const rows: [string, string][] = [
      [t('division.m.grids'), formatNumber(metrics.grids)],
      [t('division.m.households'), formatNumber(metrics.households)],
      [t('division.m.withinRange', { min: this.min, max: this.max }), pct(metrics.withinRangeShare)],
      [t('division.m.cv'), formatNumber(metrics.householdsCV, 2)],
      [t('division.m.compactness'), `${formatNumber(metrics.polsbyPopperMedian, 2)} / ${formatNumber(metrics.polsbyPopperMin, 2)}`],
      ...(metrics.polsbyPopperMedianBasic !== undefined ? [[t('division.m.compactnessBasic'), formatNumber(metrics.polsbyPopperMedianBasic, 2)] as [string, string]] : []),
      ...(metrics.specialCandidates !== undefined ? [[t('division.m.candidates'), formatNumber(metrics.specialCandidates)] as [string, string]] : []),
      [t('division.m.alignment'), pct(metrics.boundaryAlignment)],
      [t('division.m.crossing'), `${formatNumber(metrics.barrierCrossingM)} m`],
      [t('division.m.compoundsSplit'), formatNumber(metrics.compoundsSplit)],
      [t('division.m.unassigned'), formatNumber(metrics.unassignedHouseholds)],
      [t('division.m.runtime'), `${formatNumber(metrics.runtimeMs)} ms`],
    ];
    const flags = grids.flatMap((g) => g.properties.flags.map((f) => ({ number: g.properties.number, ...f })));
    // Notes: what is true of a grid but needs no redrawing (one tower over the cap); proposals stored before notes have none.
    // (A proposed special grid's note is listed with the candidates.)
    const notes = grids.flatMap((g) => (g.properties.notes ?? []).filter((f) => f.code !== 'special_candidate').map((f) => ({ number: g.properties.number, ...f })));
    const gridLabel = (p: (typeof grids)[number]['properties']) =>
      p.candidate
        ? `#${p.number} ${specialTypeWord(p.specialType)}（${t('division.candidateRow')}）`
        : `${p.kind === 'special' ? (p.name ?? p.specialType ?? p.number) : `#${Number(p.number)}`}${fateOf(p) === 'kept' ? `（${t('division.status.kept')}）` : fateOf(p) === 'changed' ? `（${t('division.status.changed')}）` : ''}`;
    const applying = this.busy === 'apply';
    return el(
      'section',
      { className: 'panel grow division-result', 'data-role': 'division-result' },
      this.inputsNote(job),
      el('h3', { text: t('division.summary') }),
      el('table', { className: 'division-table', 'data-role': 'division-metrics' }, ...rows.map(([k, v]) => el('tr', {}, el('th', { text: k }), el('td', { text: v })))),
      el('h3', { text: t('division.perGrid') }),
      el(
        'table',
        { className: 'division-table division-grids', 'data-role': 'division-grids' },
        el('tr', {}, ...['division.g.number', 'division.g.households', 'division.g.buildings', 'division.g.compactness', 'division.g.area'].map((k) => el('th', { text: t(k as never) }))),
        ...grids.map((g, i) => {
          const m = metrics.perGrid.find((p) => p.index === i);
          const p = g.properties;
          return el(
            'tr',
            { className: p.flags.length > 0 ? 'flagged' : p.candidate ? 'candidate' : '' },
            el('td', { text: gridLabel(p) }),
            el('td', { text: formatNumber(p.households) }),
            el('td', { text: formatNumber(p.buildings) }),
            el('td', { text: m ? formatNumber(m.polsbyPopper, 2) : '—' }),
            el('td', { text: m ? t('division.km2', { value: formatNumber(m.areaM2 / 1e6, 3) }) : '—' }),
          );
        }),
      ),
      el('h3', { text: t('division.flags', { count: flags.length }) }),
      flags.length === 0
        ? el('p', { className: 'muted', 'data-role': 'division-flags', text: t('division.noFlags') })
        : el(
            'ul',
            { className: 'division-flags', 'data-role': 'division-flags' },
            // The flag in the interface's words; the server's own sentence (in the language asked for) as its tooltip and when the client has none.
            ...flags.map((f) =>
              el(
                'li',
                { title: f.message, 'data-flag': f.code },
                el('b', { text: `#${Number(f.number)} ` }),
                hasKey(`division.flag.${f.code}`) ? t(`division.flag.${f.code}` as never, { min: this.min, max: this.max }) : f.message,
              ),
            ),
          ),
      ...this.candidates(grids),
      ...(notes.length === 0
        ? []
        : [
            el('h3', { text: t('division.notes', { count: notes.length }) }),
            el(
              'ul',
              { className: 'division-flags division-notes', 'data-role': 'division-notes' },
              ...notes.map((f) => {
                const key = `division.note.${f.code}${f.variant ? `.${f.variant}` : ''}`;
                return el(
                  'li',
                  { title: f.message, 'data-note': f.code },
                  el('b', { text: `#${Number(f.number)} ` }),
                  hasKey(key) ? t(key, { ...f.params, min: this.min, max: this.max }) : (f.message ?? ''),
                );
              }),
            ),
          ]),
      job.regionCode ? this.decision(job) : null,
      el(
        'div',
        { className: 'command-buttons division-buttons' },
        el('button', { type: 'button', className: 'button primary', 'data-action': 'division-apply', disabled: applying || Boolean(job.appliedAt) || !job.regionCode, text: applying ? t('division.applying') : t('division.apply'), onclick: () => void this.apply() }),
        el('button', { type: 'button', className: 'button', 'data-action': 'division-discard', disabled: applying, text: t('division.discard'), onclick: () => this.discard() }),
      ),
    );
  }
}
