/**
 * The side panel of one incident: what it is, where and how late, its steps (who, when, the
 * note and the photo of each), the actions an operator can take now (IncidentActions), and the
 * cameras that see it with their latest snapshot.
 *
 * Options: `api`; `root` (the panel); `categoryName(code)`; `canAct()`; `centre(lon, lat)`;
 * `changed(incident, label)` after a step was taken; `closed()` when the panel is closed.
 */
import { type Api, type Incident, type IncidentDetail as Detail } from '../api';
import { formatDate, formatNumber, hasKey, lang, t, type Key } from '../i18n';
import { el, clear } from '../panels/dom';
import { IncidentActions, dutyName } from './IncidentActions';
import { lightSymbolHtml } from './lightBadge';

export interface IncidentDetailOptions {
  api: Api;
  root: HTMLElement;
  categoryName(code: string): string;
  canAct(): boolean;
  centre(lon: number, lat: number): void;
  changed(incident: Incident, label: string): void;
  closed(): void;
}

/** An incident's description with a leading device event type in words ("intrusion · 学校门口" → "入侵 · 学校门口"). */
export function describe(description: string): string {
  const match = /^([a-z][a-z0-9_]*) · (.*)$/s.exec(description);
  if (!match) return description;
  const key = `event.${match[1]}`;
  return hasKey(key) ? `${t(key)} · ${match[2]}` : description;
}

/** A value from the server in words when the dictionary has them (source, handling level), else as it came. */
export function known(key: string, fallback: string): string {
  return hasKey(key) ? t(key) : fallback;
}

export class IncidentDetailPanel {
  selected: number | null = null;
  private readonly actions: IncidentActions;
  private shown: Detail | null = null;
  /** What the panel last drew (language, incident and cameras), to skip a render that would change nothing. */
  private drawn = '';

  constructor(private readonly options: IncidentDetailOptions) {
    this.actions = new IncidentActions({
      api: options.api,
      canAct: options.canAct,
      done: (incident, label) => options.changed(incident, label),
      reload: () => {
        if (this.selected !== null) void this.open(this.selected);
      },
    });
  }

  async open(id: number, centre = false): Promise<void> {
    const root = this.options.root;
    this.selected = id;
    root.hidden = false;
    if (root.dataset.incident !== String(id)) {
      clear(root);
      root.append(el('p', { className: 'muted', text: t('incident.loading') }));
    }
    root.dataset.incident = String(id);
    try {
      const [incident, cameras] = await Promise.all([this.options.api.incident(id), this.options.api.incidentCameras(id)]);
      if (this.selected !== id) return;
      if (centre) this.options.centre(incident.lon, incident.lat);
      // A refresh that brings nothing new leaves the panel alone: the live stream echoes each step taken here, and a
      // panel rebuilt under the pointer would swallow the click on the next action.
      const drawn = `${lang()}\n${JSON.stringify([incident, cameras.cameras])}`;
      if (drawn === this.drawn && root.dataset.incident === String(id)) return;
      this.drawn = drawn;
      this.shown = incident;
      this.render(incident, cameras.cameras);
    } catch (error) {
      if (this.selected !== id) return;
      clear(root);
      root.append(el('p', { className: 'error-text', text: error instanceof Error ? error.message : String(error) }));
    }
  }

  /** The incident changed on the server (live stream): shown again. */
  refresh(): void {
    if (this.selected !== null) void this.open(this.selected);
  }

  close(): void {
    const root = this.options.root;
    this.selected = null;
    this.shown = null;
    this.drawn = '';
    root.hidden = true;
    delete root.dataset.incident;
    clear(root);
  }

  private camerasShown: Awaited<ReturnType<Api['incidentCameras']>>['cameras'] = [];

  private render(incident: Detail, cameras: Awaited<ReturnType<Api['incidentCameras']>>['cameras']): void {
    this.camerasShown = cameras;
    const root = this.options.root;
    const api = this.options.api;
    const row = (key: Key, value: Node | string | null) => el('tr', {}, el('th', { text: t(key) }), el('td', {}, value ?? '—'));
    const light = el('span', { className: `light-badge light-${incident.light}`, 'data-light': incident.light }, lightSymbolHtml(incident.light), ` ${t(`light.${incident.light}` as Key)}`);
    clear(root);
    root.append(
      el(
        'div',
        { className: 'detail-head' },
        el('h2', { text: t('incident.title', { id: incident.id }) }),
        el('button', { type: 'button', className: 'link', 'data-action': 'close-incident', text: t('incident.close'), onclick: () => (this.close(), this.options.closed()) }),
      ),
      el(
        'table',
        { className: 'props' },
        row('incident.category', this.options.categoryName(incident.category)),
        row('incident.status', el('span', { 'data-role': 'incident-status', 'data-status': incident.status, text: t(`status.${incident.status}` as Key) })),
        row('incident.light', light),
        row('incident.deadlineAt', formatDate(incident.deadlineAt)),
        row('incident.level', known(`handling.${incident.handlingLevel}`, incident.handlingLevel)),
        incident.assignee ? row('incident.assignee', t('staff.label', { name: incident.assignee.name, duty: dutyName(incident.assignee.duty) })) : null,
        row('incident.source', known(`source.${incident.source}`, incident.source)),
        row('incident.grid', incident.gridCode),
        incident.address ? row('incident.address', incident.address) : null,
        incident.description ? row('incident.description', describe(incident.description)) : null,
        row('incident.reportedAt', formatDate(incident.reportedAt)),
      ),
      this.actions.render(incident, () => this.shown && this.render(this.shown, this.camerasShown)),
      el('h3', { text: t('incident.transitions') }),
      el(
        'ul',
        { className: 'history-list', 'data-role': 'transitions' },
        ...incident.transitions.map((tr) => {
          const step =
            tr.from === tr.to && tr.fromLevel !== tr.toLevel
              ? t('incident.escalated', { from: known(`handling.${tr.fromLevel}`, tr.fromLevel ?? ''), to: known(`handling.${tr.toLevel}`, tr.toLevel ?? '') })
              : `${tr.from ? `${t(`status.${tr.from}` as Key)} → ` : ''}${t(`status.${tr.to}` as Key)}`;
          return el(
            'li',
            { className: 'history-item' },
            el('div', { className: 'history-head' }, el('span', { className: 'history-op', text: step })),
            el('div', { className: 'history-meta', text: `${formatDate(tr.at)} · ${tr.actor}${tr.assignee ? ` → ${tr.assignee.name}` : ''}${tr.note ? ` · ${tr.note}` : ''}` }),
            tr.photo
              ? el('a', { href: api.url(tr.photo.url), target: '_blank', rel: 'noopener' }, el('img', { className: 'snapshot step', 'data-role': 'transition-photo', src: api.url(tr.photo.thumbUrl), alt: t('incident.photo') }))
              : null,
          );
        }),
      ),
      el('h3', { text: t('incident.cameras') }),
      cameras.length === 0
        ? el('p', { className: 'muted', text: t('incident.cameras.none') })
        : el(
            'ul',
            { className: 'incident-cameras', 'data-role': 'incident-cameras' },
            ...cameras.map((camera) =>
              el(
                'li',
                { className: 'incident-camera', 'data-camera': camera.id },
                camera.latestSnapshot
                  ? el('a', { href: api.url(camera.latestSnapshot.url), target: '_blank', rel: 'noopener' }, el('img', { className: 'snapshot', src: api.url(camera.latestSnapshot.thumbUrl), alt: camera.name ?? camera.id }))
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
  }
}
