/**
 * The settings (base map and who edits, remembered by the settings dialog) and the language
 * switch. A base map in another coordinate system (Amap/Tencent, GCJ-02) moves everything
 * drawn: regions, lines, grids, tiles, keeping the map's centre where it was on the ground —
 * not while edits are pending (their coordinates are the old system's).
 */
import type { Api } from '../api';
import type { GridEditor } from '../editing/GridEditor';
import { lang, onLangChange, setLang, t } from '../i18n';
import { crsOf, type BaseMapLayer } from '../layers/BaseMapLayer';
import type { GridTiles } from '../layers/GridTiles';
import type { LocalBaseLayer } from '../layers/LocalBaseLayer';
import type { ReferenceLineLayer } from '../layers/ReferenceLineLayer';
import type { RegionLayer } from '../layers/RegionLayer';
import type { ShownGrids } from '../layers/ShownGrids';
import type { MapCrs } from '../map/crs';
import type { MapView } from '../map/MapView';
import type { Dialog } from '../panels/Dialog';
import { SettingsPanel, type Settings } from '../panels/SettingsPanel';
import type { AppStore } from '../state/AppState';

export interface SettingsControllerOptions {
  /** The settings loaded (the map's coordinate system was made from them). */
  initial: Settings;
  store: AppStore;
  api: Api;
  mapView: MapView;
  crs: MapCrs;
  base: BaseMapLayer;
  localBase: LocalBaseLayer;
  regions: RegionLayer;
  lines: ReferenceLineLayer;
  tiles: GridTiles;
  shown: ShownGrids;
  editor: GridEditor;
  dialog: Dialog;
  /** Where the settings dialog opens, the button that opens it, and the language switch. */
  panelRoot: HTMLElement;
  settingsButton: HTMLElement;
  langButton: HTMLElement;
  /** Selects a grid (Navigator.select). */
  select: (code: string | null) => void;
}

export class SettingsController {
  settings: Settings;
  readonly panel: SettingsPanel;

  constructor(private readonly options: SettingsControllerOptions) {
    this.settings = options.initial;
    options.base.apply(this.settings.baseMap);
    options.api.actor = this.settings.actor;
    this.panel = new SettingsPanel(options.panelRoot, () => this.settings, (settings) => this.apply(settings));
    options.settingsButton.addEventListener('click', () => this.panel.open());
    const langButton = options.langButton;
    const syncLangButton = () => {
      langButton.textContent = lang() === 'zh-CN' ? 'EN' : '中文';
      langButton.dataset.lang = lang() === 'zh-CN' ? 'en' : 'zh-CN';
    };
    langButton.addEventListener('click', () => setLang(lang() === 'zh-CN' ? 'en' : 'zh-CN'));
    onLangChange(syncLangButton);
    syncLangButton();
  }

  apply(settings: Settings): void {
    const { crs, editor, dialog, api, base, mapView, regions, lines, shown, tiles, localBase, store } = this.options;
    const nextCrs = crsOf(settings.baseMap);
    if (nextCrs !== crs.crs && editor.hasChanges) {
      void dialog.alert(t('settings.title'), `${t('checks.changed', { count: editor.pending().length })} — ${t('tool.save')} / ${t('tool.discard')}`, 'warning');
      return;
    }
    this.settings = settings;
    api.actor = settings.actor;
    base.apply(settings.baseMap);
    if (nextCrs !== crs.crs) {
      const view = mapView.map.getView();
      const center = crs.toLonLat(view.getCenter()!);
      crs.setCrs(nextCrs);
      regions.reproject();
      void lines.reload();
      shown.redraw();
      tiles.refresh();
      localBase.refresh();
      if (store.state.asOf === null) editor.captureOriginals();
      view.setCenter(crs.toMap(center));
      this.options.select(store.state.selected);
    }
  }
}
