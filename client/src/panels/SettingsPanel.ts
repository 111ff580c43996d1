/** Settings: the base map (gridgov's own offline map, none, OpenStreetMap, Tianditu with a key, Amap/Tencent in GCJ-02, a custom XYZ URL) and who edits. */
import { el } from './dom';
import { t, type Key } from '../i18n';
import { DEFAULT_BASE_MAP, crsOf, type BaseMapId, type BaseMapSettings } from '../layers/BaseMapLayer';

export interface Settings {
  baseMap: BaseMapSettings;
  actor: string;
}

const STORAGE_KEY = 'gridgov.settings';

export function loadSettings(): Settings {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as Partial<Settings> | null;
    return { baseMap: { ...DEFAULT_BASE_MAP, ...(stored?.baseMap ?? {}) }, actor: stored?.actor ?? '' };
  } catch {
    return { baseMap: { ...DEFAULT_BASE_MAP }, actor: '' };
  }
}

export function saveSettings(settings: Settings): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(settings));
}

const IDS: BaseMapId[] = ['local', 'none', 'osm', 'tianditu', 'tiandituImg', 'amap', 'tencent', 'custom'];

export class SettingsPanel {
  constructor(
    private readonly root: HTMLElement,
    private readonly current: () => Settings,
    private readonly apply: (settings: Settings) => void,
  ) {}

  open(): void {
    const s = structuredClone(this.current());
    const base = el(
      'select',
      { name: 'baseMap' },
      ...IDS.map((id) => el('option', { value: id, selected: s.baseMap.id === id, text: t(`settings.basemap.${id}` as Key) })),
    );
    const key = el('input', { type: 'text', name: 'tiandituKey', value: s.baseMap.tiandituKey, autocomplete: 'off' });
    const url = el('input', { type: 'url', name: 'customUrl', value: s.baseMap.customUrl, placeholder: t('settings.urlHint') });
    const crs = el(
      'select',
      { name: 'customCrs' },
      el('option', { value: 'wgs84', selected: s.baseMap.customCrs === 'wgs84', text: 'WGS84 / CGCS2000' }),
      el('option', { value: 'gcj02', selected: s.baseMap.customCrs === 'gcj02', text: 'GCJ-02' }),
    );
    const actor = el('input', { type: 'text', name: 'actor', value: s.actor, maxlength: '100' });
    const keyField = el('label', { className: 'field' }, el('span', { text: t('settings.key') }), key);
    const urlFields = el('div', {}, el('label', { className: 'field' }, el('span', { text: t('settings.url') }), url), el('label', { className: 'field' }, el('span', { text: t('settings.crs') }), crs));
    const note = el('p', { className: 'muted small', text: t('settings.gcjNote') });
    const sync = () => {
      const id = base.value as BaseMapId;
      keyField.hidden = !id.startsWith('tianditu');
      urlFields.hidden = id !== 'custom';
      note.hidden = crsOf({ ...s.baseMap, id, customCrs: crs.value as 'wgs84' | 'gcj02' }) !== 'gcj02';
    };
    base.addEventListener('change', sync);
    crs.addEventListener('change', sync);
    const close = () => backdrop.remove();
    const panel = el(
      'div',
      { className: 'dialog settings', role: 'dialog', 'aria-label': t('settings.title') },
      el('h3', { className: 'dialog-title', text: t('settings.title') }),
      el(
        'div',
        { className: 'dialog-body' },
        el('label', { className: 'field' }, el('span', { text: t('settings.basemap') }), base),
        keyField,
        urlFields,
        note,
        el('label', { className: 'field' }, el('span', { text: t('settings.actor') }), actor),
      ),
      el(
        'div',
        { className: 'dialog-buttons' },
        el('button', { type: 'button', className: 'button', text: t('settings.close'), onclick: close }),
        el('button', {
          type: 'button',
          className: 'button primary',
          'data-action': 'apply-settings',
          text: t('settings.apply'),
          onclick: () => {
            const next: Settings = {
              baseMap: { id: base.value as BaseMapId, tiandituKey: key.value.trim(), customUrl: url.value.trim(), customCrs: crs.value as 'wgs84' | 'gcj02' },
              actor: actor.value.trim(),
            };
            saveSettings(next);
            this.apply(next);
            close();
          },
        }),
      ),
    );
    const backdrop = el('div', { className: 'dialog-backdrop' }, panel);
    this.root.append(backdrop);
    sync();
  }
}
