/**
 * Saving the pending edits: the live checks once more (problems are asked about), the versions
 * checked before anything is written, one batch (Saver), then either the saved grids taken in
 * or the refusal shown in the server's words. A grid someone else saved first (found stale, or
 * a 412 on If-Match) opens a dialog of what changed: reload theirs, or retry mine over it.
 * The save in progress is the store's `saving`; the check panel shows it.
 */
import type { Api, ApiError, GridFeature } from '../api';
import { formatDate, t } from '../i18n';
import type { GridLayer } from '../layers/GridLayer';
import { gridLabel } from '../layers/gridLabel';
import type { GridTiles } from '../layers/GridTiles';
import { attributeDiffs } from '../panels/AttributeFields';
import type { Dialog } from '../panels/Dialog';
import { el } from '../panels/dom';
import type { StatusBar } from '../panels/StatusBar';
import type { AppStore } from '../state/AppState';
import { isWarning } from './checks';
import type { GridEditor, PendingChange } from './GridEditor';
import type { LiveChecks } from './LiveChecks';
import type { Saver } from './Saver';
import { firstStale, sameGeometry } from './staleness';

export interface SaveFlowOptions {
  store: AppStore;
  api: Api;
  saver: Saver;
  editor: GridEditor;
  grids: GridLayer;
  tiles: GridTiles;
  checks: LiveChecks;
  dialog: Dialog;
  status: StatusBar;
  /** The reason for the change typed beside Save (empty: none), and clearing it once saved. */
  reason: () => string;
  clearReason: () => void;
  /** A grid's panel data is out of date (saved, retired, reloaded). */
  forget: (code: string) => void;
  /** Selects a grid (Navigator.select). */
  select: (code: string | null) => void;
}

export class SaveFlow {
  constructor(private readonly options: SaveFlowOptions) {}

  async save(): Promise<void> {
    const { store, editor, checks, dialog, api, saver, tiles, status } = this.options;
    if (store.state.saving || store.state.asOf !== null) return;
    checks.cancel();
    checks.run();
    const pending = editor.pending();
    if (pending.length === 0) return;
    if (store.state.problems.some((p) => !isWarning(p))) {
      const choice = await dialog.open(
        t('save.problems.title'),
        t('save.problems.body'),
        [
          { id: 'cancel', label: t('dialog.cancel') },
          { id: 'send', label: t('save.problems.send'), primary: true, danger: true },
        ],
        'warning',
      );
      if (choice !== 'send') return;
    }
    this.setSaving(t('save.saving', { done: 0, total: pending.length }));
    try {
      // A grid changed by someone else since it was loaded stops the save before anything is written.
      const stale = await firstStale(pending, (code) => api.grid(code));
      if (stale) {
        this.setSaving(null);
        await this.stale(stale.change, stale.current);
        return;
      }
      const outcome = await saver.save(pending, this.options.reason() || undefined, (done, total) => this.setSaving(t('save.saving', { done, total })));
      this.setSaving(null);
      for (const code of outcome.retired ?? []) {
        editor.markRetired(code);
        this.options.forget(code);
      }
      if (outcome.ok) {
        let selected = store.state.selected;
        for (const { oldCode, grid } of outcome.saved) {
          editor.markSaved(oldCode, grid, oldCode);
          this.options.forget(grid.properties.code);
          if (selected === oldCode) selected = grid.properties.code;
        }
        tiles.refresh();
        this.options.clearReason();
        this.options.select(selected);
        const count = outcome.saved.length + outcome.retired.length;
        status.show(() => t('save.done', { count }));
        checks.run();
        return;
      }
      await this.refreshBase(pending);
      if (outcome.error.status === 412) {
        const current = await api.grid(outcome.code).catch(() => null);
        if (current) {
          await this.stale(outcome.change, current);
          return;
        }
      }
      await this.refused(outcome.error, outcome.change, outcome.rolledBack);
    } catch (error) {
      this.setSaving(null);
      const message = error instanceof Error ? error.message : String(error);
      status.show(() => t('save.failed', { message }), 'error');
    }
  }

  private setSaving(text: string | null): void {
    this.options.store.set({ saving: text }, true);
  }

  /** After a failed (rolled back) save the server's versions moved on: edits are kept, versions updated. */
  private async refreshBase(pending: PendingChange[]): Promise<void> {
    for (const change of pending.filter((p) => !p.isNew)) {
      try {
        const current = await this.options.api.grid(change.code);
        this.options.editor.updateBase(change.code, current.properties, current.geometry);
      } catch {
        // The grid is gone or unreachable: the next save says so.
      }
    }
  }

  private async refused(error: ApiError, change: PendingChange, rolledBack: number): Promise<void> {
    const details = error.details as { problems?: { code: string; message: string }[] } | undefined;
    const body = el(
      'div',
      {},
      el('p', { text: t('save.refused.body', { code: change.isNew ? gridLabel(this.options.grids, change.code) : change.code }) }),
      // The server's own words, in the interface's language (it answers Accept-Language); the code for whoever reports it.
      el('p', { className: 'server-message', 'data-role': 'server-message', 'data-code': error.code, text: error.message }),
      details?.problems && details.problems.length > 1 ? el('ul', {}, ...details.problems.map((p) => el('li', { text: p.message }))) : null,
      el('p', { className: 'muted small', text: error.code }),
      rolledBack > 0 ? el('p', { className: 'muted', text: t('save.refused.rolledBack', { count: rolledBack }) }) : null,
    );
    // Undoing or changing the edit takes the refusal off the status bar (it was about that edit).
    this.options.status.showRefusal(error.message);
    await this.options.dialog.alert(t('save.refused.title'), body, 'error');
  }

  /** 412: someone else saved the grid first. Shows what changed; reload drops my edit, retry keeps it. */
  private async stale(change: PendingChange, current: GridFeature): Promise<void> {
    const { api, dialog, editor, store } = this.options;
    const mine = change.properties;
    const theirs = current.properties;
    let last: { updatedBy: string; validFrom: string; reason: string | null } = { updatedBy: theirs.updatedBy, validFrom: theirs.validFrom, reason: null };
    try {
      const history = await api.history(change.code);
      const latest = history.features[0]?.properties;
      if (latest) last = { updatedBy: latest.updatedBy, validFrom: latest.validFrom, reason: latest.reason };
    } catch {
      // The summary below is enough.
    }
    const diffs = attributeDiffs(mine, theirs);
    if (change.before && !sameGeometry(change.before, current.geometry)) diffs.push(t('save.stale.geometry'));
    const body = el(
      'div',
      { 'data-role': 'stale' },
      el('p', { text: t('save.stale.body', { code: change.code, mine: mine.version, theirs: theirs.version }) }),
      el('p', { className: 'muted', text: t('save.stale.by', { actor: last.updatedBy || '—', at: formatDate(last.validFrom), reason: last.reason ? `：${last.reason}` : '' }) }),
      diffs.length ? el('div', {}, el('b', { text: t('save.stale.changes') }), el('ul', {}, ...diffs.map((d) => el('li', { text: d })))) : null,
    );
    const choice = await dialog.open(
      t('save.stale.title'),
      body,
      [
        { id: 'cancel', label: t('dialog.cancel') },
        { id: 'reload', label: t('save.stale.reload') },
        { id: 'retry', label: t('save.stale.retry'), primary: true },
      ],
      'warning',
    );
    if (choice === 'reload') {
      editor.resetGrid(change.code, { geometry: current.geometry, properties: current.properties });
      this.options.forget(change.code);
      this.options.select(store.state.selected);
    } else if (choice === 'retry') {
      editor.updateBase(change.code, current.properties, current.geometry);
      await this.save();
    }
  }
}
