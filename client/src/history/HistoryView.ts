/**
 * The grids as of a past moment (the history slider): loaded for that moment (tiles and the
 * villages opened alike), drawn read-only with a banner saying when, and today's again at the
 * slider's right end. Not while edits are pending (save or discard first). The moment shown
 * is the store's `asOf`.
 */
import { formatDate, onLangChange, t } from '../i18n';
import type { GridEditor } from '../editing/GridEditor';
import type { GridLayer } from '../layers/GridLayer';
import type { GridLoader } from '../layers/GridLoader';
import type { GridTiles } from '../layers/GridTiles';
import type { ShownGrids } from '../layers/ShownGrids';
import type { Dialog } from '../panels/Dialog';
import type { HistorySlider } from '../panels/HistorySlider';
import type { StatusBar } from '../panels/StatusBar';
import type { AppStore } from '../state/AppState';

export interface HistoryViewOptions {
  store: AppStore;
  editor: GridEditor;
  grids: GridLayer;
  loader: GridLoader;
  tiles: GridTiles;
  shown: ShownGrids;
  dialog: Dialog;
  status: StatusBar;
  /** The "viewing the grids as of …" banner over the map. */
  banner: HTMLElement;
  /** Selects a grid (Navigator.select). */
  select: (code: string | null) => void;
}

export class HistoryView {
  /** The slider (set after it is built: it calls `show`). */
  slider: HistorySlider | null = null;

  constructor(private readonly options: HistoryViewOptions) {
    onLangChange(() => this.renderBanner());
    options.store.on('asOf', () => this.renderBanner());
  }

  /** Shows the grids as of `asOf` (null: today). */
  async show(asOf: string | null): Promise<void> {
    const { store, editor, dialog, loader, tiles, shown, grids } = this.options;
    if (asOf !== null && editor.hasChanges) {
      await dialog.alert(t('history.label'), `${t('checks.changed', { count: editor.pending().length })} — ${t('tool.save')} / ${t('tool.discard')}`, 'warning');
      this.slider?.set(null);
      return;
    }
    if (asOf === store.state.asOf) return;
    try {
      const collection = await loader.fetch(asOf);
      tiles.setAsOf(asOf);
      editor.setReadOnly(asOf !== null);
      shown.show(collection);
      if (asOf === null) editor.captureOriginals();
      store.set({ asOf });
      const selected = store.state.selected;
      this.options.select(selected && grids.feature(selected) ? selected : null);
    } catch (error) {
      this.options.status.show(error instanceof Error ? error.message : String(error), 'error');
    }
  }

  private renderBanner(): void {
    const { banner, store } = this.options;
    const asOf = store.state.asOf;
    banner.hidden = asOf === null;
    banner.textContent = asOf === null ? '' : t('history.viewing', { date: formatDate(asOf) });
  }
}
