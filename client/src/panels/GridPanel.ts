/**
 * The selected grid: properties (with fullness against 300–500 households), households (the
 * standard addresses registered in it), history (every version, newest first) and cameras (the
 * share of the grid they see). A drawn grid, not yet saved, gets a form for its properties.
 *
 * A stored grid's attributes are edited in place (编辑属性) and saved on their own, at once: PUT
 * with If-Match and the grid's stored boundary. Someone else's save in between (412) shows what
 * the server has now, to reload it or to send mine over it. A grid with unsaved boundary edits
 * must be saved or discarded first, so that the two saves never race for one version.
 */
import { el, clear } from './dom';
import { formatArea, formatDate, formatNumber, onLangChange, t, type Key } from '../i18n';
import { ApiError, type Api, type CamerasAnswer, type GridFeature, type GridProperties, type GridVersionFeature, type Polygonal } from '../api';
import { FULLNESS_COLOURS, fullness, rgba } from '../model';
import { AttributeFields, attributeDiffs, sameAttributes } from './AttributeFields';
import { attributesOf } from '../editing/Saver';

export type GridTab = 'properties' | 'households' | 'history' | 'cameras';

/** A registry address without the province/city/district the demo's all share (they say nothing in a list of one grid). */
function shortAddress(address: string): string {
  return address.replace(/^.{2,8}?省.{2,8}?市.{2,8}?[区县]/, '');
}

/**
 * A grid's households: the figure, its fullness against 300–500, where it comes from, and the
 * stored figure beside a computed one that differs; "约" (about) while the border is unsaved.
 */
export function householdsView(p: GridProperties, estimate: boolean): HTMLElement {
  const level = fullness(p);
  const stored = p.householdsSource !== 'stored' && p.storedHouseholds !== null && p.storedHouseholds !== p.households;
  return el(
    'span',
    { className: 'households', 'data-role': 'households', 'data-households': String(p.households ?? ''), 'data-source': p.householdsSource },
    p.households === null ? '—' : estimate ? t('households.estimated', { count: formatNumber(p.households) }) : formatNumber(p.households),
    ' ',
    level === 'none' || p.households === null
      ? null
      : el('span', { className: `badge fullness-${level}`, style: `background:${rgba(FULLNESS_COLOURS[level], 0.18)};color:${rgba(FULLNESS_COLOURS[level], 1)}`, text: t(`grid.fullness.${level}` as Key) }),
    ' ',
    el('span', { className: 'households-source muted small', text: t(`households.source.${p.householdsSource}` as Key) }),
    stored ? el('span', { className: 'households-stored muted small', 'data-role': 'stored-households', text: ` · ${t('households.stored', { count: formatNumber(p.storedHouseholds!) })}` }) : null,
  );
}

export interface GridPanelSubject {
  properties: GridProperties;
  isNew: boolean;
  dirty: boolean;
  areaM2: number;
  regionName: string | null;
  /** Read-only view of the past (asOf). */
  asOf: string | null;
}

export interface GridPanelHooks {
  subject(code: string): GridPanelSubject | null;
  villages(): { code: string; name: string }[];
  newGridChanged(code: string, properties: GridProperties): void;
  showCameras(answer: CamerasAnswer | null): void;
  showAsOf(iso: string): void;
  /** A stored grid's boundary as loaded (WGS84), sent with an attribute save. */
  storedGeometry(code: string): Polygonal | null;
  /** The server's state of a grid replaces the one shown (attributes saved, or theirs reloaded). */
  gridReplaced(grid: GridFeature): void;
}

/** An attribute edit of a stored grid: the version it started from, the fields, and how its save went. */
interface AttributeEdit {
  code: string;
  base: GridProperties;
  fields: AttributeFields;
  state: { kind: 'saving' } | { kind: 'error'; message: string } | { kind: 'stale'; current: GridFeature } | { kind: 'note'; message: string } | null;
}

export class GridPanel {
  private code: string | null = null;
  private tab: GridTab = 'properties';
  private readonly cache = new Map<string, Promise<unknown>>();
  private edit: AttributeEdit | null = null;
  /** What the last attribute save said (shown under the properties until another grid is edited). */
  private lastNote: { code: string; message: string } | null = null;
  /** The drawn grid's fields, kept across re-renders. */
  private drawn: { code: string; fields: AttributeFields } | null = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly api: Api,
    private readonly hooks: GridPanelHooks,
  ) {
    onLangChange(() => this.render());
    this.render();
  }

  show(code: string | null): void {
    if (code !== this.code && this.tab === 'cameras') this.hooks.showCameras(null);
    if (code !== this.edit?.code) this.edit = null;
    this.code = code;
    this.render();
  }

  /** Forgets what was fetched about a grid (it was saved). */
  invalidate(code?: string): void {
    if (!code) this.cache.clear();
    else for (const key of [...this.cache.keys()]) if (key.includes(code)) this.cache.delete(key);
  }

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    let promise = this.cache.get(key) as Promise<T> | undefined;
    if (!promise) {
      promise = load();
      promise.catch(() => this.cache.delete(key));
      this.cache.set(key, promise);
    }
    return promise;
  }

  render(): void {
    // A field being typed in survives the re-render (its element is re-attached, then refocused).
    const focused = this.root.contains(document.activeElement) ? (document.activeElement as HTMLElement) : null;
    this.renderPanel();
    if (focused && focused !== document.activeElement && this.root.contains(focused)) focused.focus();
  }

  private renderPanel(): void {
    clear(this.root);
    const subject = this.code ? this.hooks.subject(this.code) : null;
    if (!this.code || !subject) {
      this.root.append(el('h2', { text: t('grid.tab.properties') }), el('div', { className: 'empty-hint', text: t('grid.none') }));
      return;
    }
    const p = subject.properties;
    this.root.append(
      el(
        'div',
        { className: 'grid-header' },
        el('div', { className: 'grid-title', 'data-role': 'grid-title', text: p.name || t('grid.unsaved') }),
        el('div', { className: 'grid-code', text: subject.isNew ? t('grid.unsaved') : p.code }),
        subject.asOf ? el('div', { className: 'badge asof', text: t('grid.asOf', { date: formatDate(subject.asOf) }) }) : null,
      ),
    );
    if (subject.isNew) {
      this.root.append(this.newGridForm(subject));
      return;
    }
    const tabs: GridTab[] = ['properties', 'households', 'history', 'cameras'];
    this.root.append(
      el(
        'div',
        { className: 'tabs', role: 'tablist' },
        ...tabs.map((tab) =>
          el('button', {
            type: 'button',
            role: 'tab',
            className: `tab${this.tab === tab ? ' active' : ''}`,
            'data-tab': tab,
            'aria-selected': String(this.tab === tab),
            text: t(`grid.tab.${tab}` as Key),
            onclick: () => {
              if (this.tab === 'cameras' && tab !== 'cameras') this.hooks.showCameras(null);
              this.tab = tab;
              this.render();
            },
          }),
        ),
      ),
    );
    const body = el('div', { className: 'tab-body' });
    this.root.append(body);
    switch (this.tab) {
      case 'properties':
        body.append(this.edit?.code === p.code ? this.attributeForm(this.edit) : this.propertiesView(subject));
        break;
      case 'households':
        this.fill(body, () => this.households(subject));
        break;
      case 'history':
        this.fill(body, () => this.history(p.code));
        break;
      case 'cameras':
        this.fill(body, () => this.cameras(p.code));
        break;
    }
  }

  private fill(body: HTMLElement, build: () => Promise<Node>): void {
    const code = this.code;
    const tab = this.tab;
    body.append(el('div', { className: 'muted', text: t('grid.loading') }));
    build()
      .then((node) => {
        if (this.code === code && this.tab === tab) body.replaceChildren(node);
      })
      .catch((error: unknown) => {
        if (this.code === code && this.tab === tab) body.replaceChildren(el('div', { className: 'error-text', text: error instanceof Error ? error.message : String(error) }));
      });
  }

  private propertiesTable(subject: GridPanelSubject): HTMLElement {
    const p = subject.properties;
    const households = householdsView(p, subject.isNew || subject.dirty);
    const rows: [Key, Node | string][] = [
      ['grid.code', p.code],
      ['grid.name', p.name],
      ['grid.kind', t(`kind.${p.kind}` as Key) + (p.specialType ? ` · ${t(`special.${p.specialType}` as Key)}` : '')],
      ['grid.region', subject.regionName ? `${subject.regionName}（${p.regionCode}）` : p.regionCode],
      ['grid.households', households],
      ['grid.population', p.population === null ? '—' : formatNumber(p.population)],
      ['grid.area', formatArea(subject.areaM2)],
      ['grid.version', String(p.version)],
      ['grid.validFrom', formatDate(p.validFrom)],
      ['grid.updatedBy', p.updatedBy || '—'],
    ];
    return el('table', { className: 'props' }, el('tbody', {}, ...rows.map(([key, value]) => el('tr', {}, el('th', { text: t(key) }), el('td', {}, value)))));
  }

  /** The grid's households (the same figure as its properties and its tile), then its registered addresses. */
  private async households(subject: GridPanelSubject): Promise<Node> {
    const p = subject.properties;
    const answer = await this.cached(`addresses:${p.code}`, () => this.api.addresses(p.code, 200));
    const source = t(`households.source.${p.householdsSource}` as Key);
    const headline = el(
      'p',
      { className: 'summary households-headline', 'data-role': 'households-headline', 'data-households': String(p.households ?? ''), 'data-source': p.householdsSource },
      p.households === null ? t('households.headlineUnknown', { source }) : t('households.headline', { count: formatNumber(p.households), source }),
    );
    if (answer.total === 0) return el('div', {}, headline, el('div', { className: 'muted', text: t('grid.noAddresses') }));
    return el(
      'div',
      {},
      headline,
      el('h3', { text: t('households.tabAddresses') }),
      el('p', { className: 'muted', 'data-role': 'address-summary', text: t('grid.addresses', { total: formatNumber(answer.total), households: formatNumber(answer.households) }) }),
      el('ul', { className: 'address-list' }, ...answer.addresses.filter((a) => a.household).slice(0, 200).map((a) => el('li', { text: shortAddress(a.address) }))),
    );
  }

  private async history(code: string): Promise<Node> {
    const answer = await this.cached(`history:${code}`, () => this.api.history(code));
    const versions = answer.features as GridVersionFeature[];
    if (versions.length === 0) return el('div', { className: 'muted', text: t('grid.history.empty') });
    return el(
      'ol',
      { className: 'history-list' },
      ...versions.map((v) =>
        el(
          'li',
          { className: `history-item op-${v.properties.op}` },
          el(
            'div',
            { className: 'history-head' },
            el('span', { className: 'badge', text: `v${v.properties.version}` }),
            el('span', { className: 'history-op', text: t(`grid.history.op.${v.properties.op}` as Key) }),
            el('span', { className: 'history-date', text: formatDate(v.properties.validFrom) }),
          ),
          el('div', { className: 'history-meta', text: [v.properties.updatedBy, v.properties.reason].filter(Boolean).join(' · ') }),
          el('button', { type: 'button', className: 'link', text: t('grid.history.show'), onclick: () => this.hooks.showAsOf(v.properties.validFrom) }),
        ),
      ),
    );
  }

  private async cameras(code: string): Promise<Node> {
    const answer = await this.cached(`cameras:${code}`, () => this.api.cameras(code));
    this.hooks.showCameras(answer);
    return el(
      'div',
      {},
      el('p', { className: 'summary', text: t('grid.cameras.share', { share: `${formatNumber(answer.coveredShare * 100, 1)}%` }) }),
      el('div', { className: 'meter' }, el('div', { className: 'meter-fill', style: `width:${Math.min(100, answer.coveredShare * 100)}%` })),
      answer.cameras.length === 0
        ? el('div', { className: 'muted', text: t('grid.cameras.none') })
        : el('ul', { className: 'camera-list' }, ...answer.cameras.map((c) => el('li', {}, el('b', { text: c.name ?? c.id }), el('span', { className: 'muted', text: ` ${c.id}` })))),
    );
  }

  /** The properties, with the button that opens them for editing (not for the past, nor during a boundary edit). */
  private propertiesView(subject: GridPanelSubject): HTMLElement {
    const note = this.edit === null && this.lastNote?.code === subject.properties.code ? this.lastNote.message : null;
    const blocked = subject.dirty ? t('attr.dirty') : null;
    return el(
      'div',
      {},
      this.propertiesTable(subject),
      subject.asOf
        ? null
        : el(
            'div',
            { className: 'attr-actions' },
            el('button', { type: 'button', className: 'button small', 'data-action': 'edit-attributes', disabled: Boolean(blocked), text: t('attr.edit'), onclick: () => this.startEdit(subject.properties) }),
          ),
      blocked ? el('div', { className: 'muted', 'data-role': 'attr-blocked', text: blocked }) : null,
      note ? el('div', { className: 'attr-note', 'data-role': 'attr-note', text: note }) : null,
    );
  }

  private startEdit(properties: GridProperties): void {
    this.lastNote = null;
    // The households field edits the figure stored with the grid (what a write sends).
    const base = { ...properties, households: properties.storedHouseholds };
    this.edit = { code: properties.code, base, fields: new AttributeFields(base, { storedKind: properties.kind }), state: null };
    this.render();
  }

  private attributeForm(edit: AttributeEdit): HTMLElement {
    const saving = edit.state?.kind === 'saving';
    return el(
      'form',
      { className: 'attribute-form', 'data-role': 'attribute-form', onsubmit: (e) => (e.preventDefault(), void this.saveAttributes()) },
      edit.fields.element,
      this.editState(edit),
      el(
        'div',
        { className: 'attr-actions' },
        el('button', { type: 'submit', className: 'button small primary', 'data-action': 'save-attributes', disabled: saving, text: saving ? t('attr.saving') : t('attr.save') }),
        el('button', { type: 'button', className: 'button small', 'data-action': 'cancel-attributes', disabled: saving, text: t('attr.cancel'), onclick: () => ((this.edit = null), this.render()) }),
      ),
    );
  }

  /** How the last save went: the server's refusal, or (412) what the server has now with reload / retry. */
  private editState(edit: AttributeEdit): HTMLElement | null {
    const state = edit.state;
    if (!state || state.kind === 'saving') return null;
    if (state.kind === 'error' || state.kind === 'note') {
      return el('div', { className: state.kind === 'error' ? 'error-text' : 'muted', 'data-role': 'attr-error', text: state.message });
    }
    const theirs = state.current.properties;
    const diffs = attributeDiffs(edit.fields.values, theirs);
    return el(
      'div',
      { className: 'attr-stale', 'data-role': 'stale' },
      el('b', { text: t('save.stale.title') }),
      el('p', { text: t('save.stale.body', { code: edit.code, mine: edit.base.version, theirs: theirs.version }) }),
      el('p', { className: 'muted', text: t('save.stale.by', { actor: theirs.updatedBy || '—', at: formatDate(theirs.validFrom), reason: '' }) }),
      diffs.length ? el('div', {}, el('span', { text: t('save.stale.changes') }), el('ul', {}, ...diffs.map((d) => el('li', { text: d })))) : null,
      el(
        'div',
        { className: 'attr-actions' },
        el('button', { type: 'button', className: 'button small', 'data-action': 'attr-reload', text: t('save.stale.reload'), onclick: () => this.replaced(state.current, null) }),
        el('button', { type: 'button', className: 'button small primary', 'data-action': 'attr-retry', text: t('save.stale.retry'), onclick: () => ((edit.base = { ...theirs, households: theirs.storedHouseholds }), void this.saveAttributes()) }),
      ),
    );
  }

  /** Checks the fields (problems stay inline, nothing is sent), then PUT with If-Match. */
  private async saveAttributes(): Promise<void> {
    const edit = this.edit;
    if (!edit || edit.state?.kind === 'saving' || !edit.fields.check()) return;
    const values = { ...edit.fields.values, name: edit.fields.values.name.trim() };
    if (sameAttributes(values, edit.base)) {
      edit.state = { kind: 'note', message: t('attr.unchanged') };
      this.render();
      return;
    }
    const geometry = this.hooks.storedGeometry(edit.code);
    if (!geometry) return;
    edit.state = { kind: 'saving' };
    this.render();
    try {
      const grid = await this.api.updateGrid(edit.code, edit.base.version, { type: 'Feature', properties: attributesOf({ ...edit.base, ...values, storedHouseholds: values.households }, false), geometry });
      this.replaced(grid, t('attr.saved', { version: grid.properties.version }));
    } catch (error) {
      if (this.edit !== edit) return;
      const current = error instanceof ApiError && error.status === 412 ? await this.api.grid(edit.code).catch(() => null) : null;
      edit.state = current
        ? { kind: 'stale', current }
        : { kind: 'error', message: t('attr.refused', { message: error instanceof ApiError ? `${error.code}: ${error.message}` : String(error) }) };
      this.render();
    }
  }

  private replaced(grid: GridFeature, note: string | null): void {
    this.edit = null;
    this.lastNote = note ? { code: grid.properties.code, message: note } : null;
    this.invalidate(grid.properties.code);
    this.hooks.gridReplaced(grid);
    this.render();
  }

  /** A drawn grid's village and attributes: they go into the pending save. */
  private newGridForm(subject: GridPanelSubject): HTMLElement {
    const p = { ...subject.properties };
    if (this.drawn?.code !== p.code) {
      const stored = (values: { households: number | null }, now: GridProperties) => ({
        storedHouseholds: values.households,
        households: now.householdsSource === 'stored' ? values.households : now.households,
      });
      this.drawn = {
        code: p.code,
        fields: new AttributeFields(
          { ...p, households: p.storedHouseholds },
          {
            changed: (values) => {
              const now = this.hooks.subject(p.code)!.properties;
              this.hooks.newGridChanged(p.code, { ...now, ...values, ...stored(values, now) });
            },
          },
        ),
      };
    }
    const villages = this.hooks.villages();
    return el(
      'form',
      { className: 'new-grid', onsubmit: (e) => e.preventDefault() },
      el('h3', { text: t('new.title') }),
      el(
        'label',
        { className: 'field' },
        el('span', { text: t('new.region') }),
        el(
          'select',
          { name: 'regionCode', onchange: (e) => this.hooks.newGridChanged(p.code, { ...this.hooks.subject(p.code)!.properties, regionCode: (e.target as HTMLSelectElement).value }) },
          el('option', { value: '', selected: !p.regionCode, text: t('new.regionUnknown') }),
          ...villages.map((v) => el('option', { value: v.code, selected: p.regionCode === v.code, text: `${v.name}（${v.code}）` })),
        ),
      ),
      this.drawn.fields.element,
      el('div', { className: 'muted' }, `${t('grid.households')}：`, householdsView(p, true)),
      el('div', { className: 'muted', text: `${t('grid.area')}：${formatArea(subject.areaM2)}` }),
    );
  }
}
