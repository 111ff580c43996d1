/**
 * The selected grid: properties (with fullness against 300–500 households), households (the
 * standard addresses registered in it), history (every version, newest first) and cameras (the
 * share of the grid they see). A drawn grid, not yet saved, gets a form for its properties.
 */
import { el, clear } from './dom';
import { formatArea, formatDate, formatNumber, onLangChange, t, type Key } from '../i18n';
import type { Api, CamerasAnswer, GridKind, GridProperties, GridVersionFeature } from '../api';
import { FULLNESS_COLOURS, fullness, rgba } from '../model';

export type GridTab = 'properties' | 'households' | 'history' | 'cameras';

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
}

const SPECIAL_TYPES = ['school', 'hospital', 'market', 'park', 'scenic', 'industrial', 'other'];

export class GridPanel {
  private code: string | null = null;
  private tab: GridTab = 'properties';
  private readonly cache = new Map<string, Promise<unknown>>();

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
        body.append(this.propertiesTable(subject));
        break;
      case 'households':
        this.fill(body, () => this.households(p.code));
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
    const level = fullness(p);
    const households =
      p.households === null
        ? '—'
        : el(
            'span',
            {},
            formatNumber(p.households),
            ' ',
            level === 'none'
              ? null
              : el('span', { className: `badge fullness-${level}`, style: `background:${rgba(FULLNESS_COLOURS[level], 0.18)};color:${rgba(FULLNESS_COLOURS[level], 1)}`, text: t(`grid.fullness.${level}` as Key) }),
          );
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
      ['grid.updatedBy', p.updatedBy ?? '—'],
    ];
    return el('table', { className: 'props' }, el('tbody', {}, ...rows.map(([key, value]) => el('tr', {}, el('th', { text: t(key) }), el('td', {}, value)))));
  }

  private async households(code: string): Promise<Node> {
    const answer = await this.cached(`addresses:${code}`, () => this.api.addresses(code, 200));
    if (answer.total === 0) return el('div', { className: 'muted', text: t('grid.noAddresses') });
    return el(
      'div',
      {},
      el('p', { className: 'summary', text: t('grid.addresses', { total: formatNumber(answer.total), households: formatNumber(answer.households) }) }),
      el('ul', { className: 'address-list' }, ...answer.addresses.filter((a) => a.household).slice(0, 200).map((a) => el('li', { text: a.address.replace(/^福建省福州市鼓楼区/, '') }))),
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
        : el('ul', { className: 'camera-list' }, ...answer.cameras.map((c) => el('li', {}, el('b', { text: c.name ?? c.id }), el('span', { className: 'muted', text: ` ${c.id}${c.status ? ` · ${c.status}` : ''}` })))),
    );
  }

  private newGridForm(subject: GridPanelSubject): HTMLElement {
    const p = { ...subject.properties };
    const changed = () => this.hooks.newGridChanged(p.code, { ...p });
    const villages = this.hooks.villages();
    const field = (key: Key, input: HTMLElement) => el('label', { className: 'field' }, el('span', { text: t(key) }), input);
    const numberInput = (value: number | null, set: (v: number | null) => void, name: string) =>
      el('input', {
        type: 'number',
        min: '0',
        step: '1',
        name,
        value: value === null ? '' : String(value),
        oninput: (e) => {
          const raw = (e.target as HTMLInputElement).value;
          set(raw === '' ? null : Math.max(0, Math.round(Number(raw))));
          changed();
        },
      });
    const special = el(
      'select',
      { name: 'specialType', onchange: (e) => ((p.specialType = (e.target as HTMLSelectElement).value), changed()) },
      ...SPECIAL_TYPES.map((s) => el('option', { value: s, selected: p.specialType === s, text: t(`special.${s}` as Key) })),
    );
    const specialField = field('grid.specialType', special);
    specialField.hidden = p.kind !== 'special';
    return el(
      'form',
      { className: 'new-grid', onsubmit: (e) => e.preventDefault() },
      el('h3', { text: t('new.title') }),
      field(
        'new.region',
        el(
          'select',
          { name: 'regionCode', onchange: (e) => ((p.regionCode = (e.target as HTMLSelectElement).value), changed()) },
          el('option', { value: '', selected: !p.regionCode, text: t('new.regionUnknown') }),
          ...villages.map((v) => el('option', { value: v.code, selected: p.regionCode === v.code, text: `${v.name}（${v.code}）` })),
        ),
      ),
      field('new.name', el('input', { type: 'text', name: 'name', value: p.name, oninput: (e) => ((p.name = (e.target as HTMLInputElement).value), changed()) })),
      field(
        'new.kind',
        el(
          'select',
          {
            name: 'kind',
            onchange: (e) => {
              p.kind = (e.target as HTMLSelectElement).value as GridKind;
              p.specialType = p.kind === 'special' ? p.specialType ?? 'other' : null;
              specialField.hidden = p.kind !== 'special';
              changed();
            },
          },
          ...(['urban', 'rural', 'special'] as GridKind[]).map((k) => el('option', { value: k, selected: p.kind === k, text: t(`kind.${k}` as Key) })),
        ),
      ),
      specialField,
      field('new.households', numberInput(p.households, (v) => (p.households = v), 'households')),
      field('new.population', numberInput(p.population, (v) => (p.population = v), 'population')),
      el('div', { className: 'muted', text: `${t('grid.area')}：${formatArea(subject.areaM2)}` }),
    );
  }
}
