/**
 * The command centre's work list: the incidents of the key's area under the view's filters,
 * red first and by deadline (or by deadline, or newest), open ones only unless asked, each with
 * its light (colour and shape), category, grid and time left or overdue. A click opens it.
 *
 * Lights are re-timed on the service's clock between loads (the server's rule,
 * server/incidents/light.ts), so an incident turns red on the list when its deadline passes,
 * without waiting for the next load.
 *
 * Options: `api`; `root`; `query()` (time range and category of the view); `categoryName(code)`;
 * `open(id)`.
 */
import { lightAt } from '../../../server/incidents/light';
import type { Api, Incident, IncidentQuery, IncidentStatus } from '../api';
import { formatNumber, t, type Key } from '../i18n';
import { el, clear } from '../panels/dom';
import { lightSymbolHtml } from './lightBadge';
import { describe } from './IncidentDetail';

export type ListSort = 'urgency' | 'deadline' | 'newest';
const OPEN: IncidentStatus[] = ['reported', 'dispatched', 'in_progress', 'reopened'];
const LIMIT = 200;
const LIGHT_RANK = { red: 0, yellow: 1, green: 2 } as const;

export interface IncidentListOptions {
  api: Api;
  root: HTMLElement;
  query(): IncidentQuery;
  categoryName(code: string): string;
  open(id: number): void;
}

/** An incident's light now, by the server's rule and clock. */
export function lightNow(incident: Incident, now: Date): Incident['light'] {
  return lightAt(new Date(incident.reportedAt), new Date(incident.deadlineAt), incident.resolvedAt ? new Date(incident.resolvedAt) : now);
}

/** A duration in words: minutes, hours and minutes, or days and hours. */
export function duration(ms: number): string {
  // Whole minutes begun: a deadline passed 20 s ago is "1 min overdue", not "0".
  const minutes = Math.max(0, Math.ceil(ms / 60_000));
  if (minutes < 60) return t('time.minutes', { m: minutes });
  if (minutes < 48 * 60) return t('time.hours', { h: Math.floor(minutes / 60), m: minutes % 60 });
  return t('time.days', { d: Math.floor(minutes / 1440), h: Math.floor((minutes % 1440) / 60) });
}

export class IncidentList {
  sort: ListSort = (localStorage.getItem('gridgov.command.sort') as ListSort | null) ?? 'urgency';
  openOnly = localStorage.getItem('gridgov.command.openOnly') !== 'false';
  incidents: Incident[] = [];
  total = 0;
  selected: number | null = null;
  private generation = 0;

  constructor(private readonly options: IncidentListOptions) {}

  async load(): Promise<void> {
    const generation = ++this.generation;
    try {
      const answer = await this.options.api.incidents({ ...this.options.query(), sort: this.sort, limit: LIMIT, ...(this.openOnly ? { status: OPEN } : {}) });
      if (generation !== this.generation) return;
      this.incidents = answer.incidents;
      this.total = answer.total;
    } catch {
      // The last list stays; the next load tries again.
    }
    this.render();
  }

  /** A live change: the incident takes its new state in place (and a new one appears), in order. */
  upsert(incident: Incident): void {
    const at = this.incidents.findIndex((i) => i.id === incident.id);
    const wanted = !this.openOnly || OPEN.includes(incident.status);
    if (at >= 0) {
      if (wanted) this.incidents[at] = incident;
      else this.incidents.splice(at, 1);
    } else if (wanted) {
      this.incidents.push(incident);
      this.total++;
    }
    this.render();
  }

  /** The lights on the service's clock now; answers whether any changed. */
  relight(now: Date): boolean {
    let changed = false;
    for (const incident of this.incidents) {
      const light = lightNow(incident, now);
      if (light !== incident.light) {
        incident.light = light;
        changed = true;
      }
    }
    this.render();
    return changed;
  }

  private ordered(): Incident[] {
    const list = [...this.incidents];
    const deadline = (i: Incident) => Date.parse(i.deadlineAt);
    if (this.sort === 'urgency') list.sort((a, b) => LIGHT_RANK[a.light] - LIGHT_RANK[b.light] || deadline(a) - deadline(b) || a.id - b.id);
    else if (this.sort === 'deadline') list.sort((a, b) => deadline(a) - deadline(b) || a.id - b.id);
    else list.sort((a, b) => Date.parse(b.reportedAt) - Date.parse(a.reportedAt) || b.id - a.id);
    return list;
  }

  render(): void {
    const root = this.options.root;
    clear(root);
    const now = this.options.api.serverNow().getTime();
    const sort = el(
      'select',
      {
        className: 'field-select',
        'data-control': 'list-sort',
        onchange: (e) => {
          this.sort = (e.target as HTMLSelectElement).value as ListSort;
          localStorage.setItem('gridgov.command.sort', this.sort);
          void this.load();
        },
      },
      ...(['urgency', 'deadline', 'newest'] as ListSort[]).map((s) => el('option', { value: s, selected: s === this.sort, text: t(`list.sort.${s}` as Key) })),
    );
    const openOnly = el(
      'label',
      { className: 'check' },
      el('input', {
        type: 'checkbox',
        'data-control': 'list-open-only',
        checked: this.openOnly,
        onchange: (e) => {
          this.openOnly = (e.target as HTMLInputElement).checked;
          localStorage.setItem('gridgov.command.openOnly', String(this.openOnly));
          void this.load();
        },
      }),
      el('span', { text: t('list.openOnly') }),
    );
    root.append(
      el('div', { className: 'list-head' }, el('h2', { text: t('list.title') }), el('span', { className: 'muted small', 'data-role': 'list-count', text: t('list.count', { total: formatNumber(this.total) }) })),
      el('div', { className: 'list-controls' }, sort, openOnly),
    );
    const items = this.ordered();
    if (items.length === 0) {
      root.append(el('p', { className: 'muted', text: t('list.empty') }));
      return;
    }
    root.append(
      el(
        'ol',
        { className: 'incident-list', 'data-role': 'incident-list' },
        ...items.map((incident) => {
          const left = Date.parse(incident.deadlineAt) - now;
          const open = OPEN.includes(incident.status);
          const when = !open ? t(`status.${incident.status}` as Key) : left >= 0 ? t('list.left', { time: duration(left) }) : t('list.overdue', { time: duration(-left) });
          return el(
            'li',
            {
              className: `incident-item light-${incident.light}${incident.id === this.selected ? ' selected' : ''}`,
              'data-incident': incident.id,
              'data-light': incident.light,
              tabIndex: 0,
              onclick: () => this.options.open(incident.id),
              onkeydown: (e) => {
                if ((e as KeyboardEvent).key === 'Enter') this.options.open(incident.id);
              },
            },
            lightSymbolHtml(incident.light, 14),
            el(
              'div',
              { className: 'incident-item-body' },
              el('div', { className: 'incident-item-title', text: `#${incident.id} ${this.options.categoryName(incident.category)} · ${t(`status.${incident.status}` as Key)}` }),
              el('div', { className: 'incident-item-meta muted small', text: [incident.gridCode ?? '', incident.description ? describe(incident.description) : ''].filter(Boolean).join(' · ') }),
            ),
            el('div', { className: `incident-item-when${open && left < 0 ? ' overdue' : ''}`, text: when }),
          );
        }),
      ),
    );
  }
}
