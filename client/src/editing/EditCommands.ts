/**
 * The planner's edit commands on top of the GridEditor: choosing a tool, naming a grid just
 * drawn, split along a drawn line, merge of a clicked neighbour, discard (asked first; one undo
 * step), and the keyboard (Ctrl+Z / Ctrl+Y, Escape). What a command did is said on the status bar.
 */
import { t } from '../i18n';
import { gridOf, type GridLayer } from '../layers/GridLayer';
import { gridLabel } from '../layers/gridLabel';
import type { RegionLayer } from '../layers/RegionLayer';
import type { MapCrs } from '../map/crs';
import type { Dialog } from '../panels/Dialog';
import type { StatusBar } from '../panels/StatusBar';
import type { AppStore } from '../state/AppState';
import { villageOf } from './checks';
import { polygonsOf, type EditMode, type GridEditor } from './GridEditor';
import { villageGeometries } from './LiveChecks';

export interface EditCommandsOptions {
  store: AppStore;
  editor: GridEditor;
  grids: GridLayer;
  regions: RegionLayer;
  crs: MapCrs;
  dialog: Dialog;
  status: StatusBar;
  /** Selects a grid (Navigator.select). */
  select: (code: string | null) => void;
}

export class EditCommands {
  constructor(private readonly options: EditCommandsOptions) {
    const { editor } = options;
    editor.onDrawn = (code) => this.drawn(code);
    editor.onSplitLine = (line) => this.splitAlong(line);
    document.addEventListener('keydown', (event) => this.onKey(event));
  }

  /** Chooses a tool; only select while the map shows the past. */
  setMode(mode: EditMode): void {
    if (this.options.store.state.asOf !== null && mode !== 'select') return;
    this.options.editor.setMode(mode);
    this.options.store.set({ mode }, true);
  }

  /** A grid was drawn: it belongs to the village it lies in, named after it, selected to edit. */
  private drawn(code: string): void {
    const { grids, regions, crs, editor } = this.options;
    const feature = grids.feature(code);
    if (!feature) return;
    const regionCode = villageOf(crs.polygonsToData(polygonsOf(feature)), villageGeometries(regions.data)) ?? '';
    const village = regions.data.get(regionCode)?.properties.name ?? '';
    const count = grids.all().filter((f) => f.get('isNew')).length;
    feature.set('grid', { ...gridOf(feature), regionCode, name: village ? `${village}新网格${count}` : '' });
    this.setMode('edit');
    this.options.select(code);
    editor.touched();
  }

  /** Split mode: the line drawn cuts the selected grid in two. */
  private splitAlong(line: number[][]): void {
    const { store, grids, editor, status } = this.options;
    const code = store.state.selected;
    if (!code || !grids.feature(code)) {
      status.show(() => t('edit.split.noGrid'), 'error');
      return;
    }
    const created = editor.split(code, line);
    if (!created) {
      status.show(() => t('edit.split.notAcross'), 'error');
      return;
    }
    this.options.select(code);
    status.show(() => t('edit.split.done', { code }));
  }

  /** Merges the clicked grid into the selected one. */
  mergeInto(other: string | null): void {
    const { store, grids, editor, status } = this.options;
    const code = store.state.selected;
    if (!code || !other) {
      status.show(() => t('edit.merge.noGrid'), 'error');
      return;
    }
    if (other === code) {
      status.show(() => t('edit.merge.same'), 'error');
      return;
    }
    const otherName = gridLabel(grids, other);
    const answer = editor.merge(code, other);
    if (answer === 'otherVillage') status.show(() => t('edit.merge.otherVillage', { other: otherName }), 'error');
    else if (answer === 'notAdjacent') status.show(() => t('edit.merge.notAdjacent', { other: otherName }), 'error');
    else {
      this.options.select(code);
      status.show(() => t('edit.merge.done', { code: gridLabel(grids, code), other: otherName }));
    }
  }

  /** Drops the unsaved edits after asking; undo brings them back (one step). */
  async discard(): Promise<void> {
    const { editor, dialog, grids, store, status } = this.options;
    const count = editor.pending().length;
    if (count === 0) return;
    const choice = await dialog.open(t('discard.title'), t('discard.body', { count }), [
      { id: 'cancel', label: t('dialog.cancel') },
      { id: 'discard', label: t('discard.confirm'), primary: true, danger: true },
    ], 'warning');
    if (choice !== 'discard') return;
    editor.discardAll();
    const selected = store.state.selected;
    if (selected && !grids.feature(selected)) this.options.select(null);
    status.show(() => t('discard.done', { count }));
  }

  private onKey(event: KeyboardEvent): void {
    const { editor } = this.options;
    const target = event.target as HTMLElement;
    if (target.matches('input, textarea, select')) return;
    const key = event.key.toLowerCase();
    if ((event.ctrlKey || event.metaKey) && key === 'z' && !event.shiftKey) {
      event.preventDefault();
      editor.undo();
    } else if ((event.ctrlKey || event.metaKey) && (key === 'y' || (key === 'z' && event.shiftKey))) {
      event.preventDefault();
      editor.redo();
    } else if (key === 'escape') {
      if (editor.editMode === 'draw') editor.abortDrawing();
    }
  }
}
