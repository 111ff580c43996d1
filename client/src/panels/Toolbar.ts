/** The toolbar: the view switch (规划 / 指挥); in the planner also the editing tools: mode (select / edit boundary / new grid / split / merge), shared vertices, snap, undo/redo, colouring. */
import { el, clear } from './dom';
import { onLangChange, t, type Key } from '../i18n';
import type { EditMode } from '../editing/GridEditor';
import type { ColourMode } from '../model';

/** The views the toolbar switches between: grid planning (规划), auto-division (自动划分) and the command centre (指挥). */
import type { AppView } from '../auth/permissions';
export type { AppView };

export interface ToolbarState {
  mode: EditMode;
  shared: boolean;
  snap: boolean;
  canUndo: boolean;
  canRedo: boolean;
  colour: ColourMode;
  readOnly: boolean;
  view: AppView;
  /** The views the signed-in key may use. */
  views: AppView[];
}

export interface ToolbarActions {
  setMode(mode: EditMode): void;
  setShared(shared: boolean): void;
  setSnap(snap: boolean): void;
  undo(): void;
  redo(): void;
  setColour(mode: ColourMode): void;
  fitAll(): void;
  setView(view: AppView): void;
  /** Grids to a file (ExportDialog). */
  exportGrids(): void;
}

export class Toolbar {
  constructor(
    private readonly root: HTMLElement,
    private readonly state: () => ToolbarState,
    private readonly actions: ToolbarActions,
  ) {
    onLangChange(() => this.render());
    this.render();
  }

  render(): void {
    const s = this.state();
    clear(this.root);
    const modeButton = (mode: EditMode, key: Key, icon: string) =>
      el(
        'button',
        {
          type: 'button',
          className: `tool${s.mode === mode ? ' active' : ''}`,
          'data-tool': mode,
          title: t(`${key}.title` as Key),
          disabled: s.readOnly && mode !== 'select',
          onclick: () => this.actions.setMode(mode),
        },
        el('span', { className: 'tool-icon', text: icon }),
        el('span', { text: t(key) }),
      );
    // Toggles show an icon, and their name where the bar has room (styles.css), like the tools.
    const toggle = (on: boolean, key: Key, name: string, icon: string, change: (value: boolean) => void) =>
      el(
        'label',
        { className: `toggle${on ? ' on' : ''}`, title: `${t(key)}：${t(`${key}.title` as Key)}` },
        el('input', { type: 'checkbox', 'data-toggle': name, checked: on, disabled: s.readOnly, onchange: (e) => change((e.target as HTMLInputElement).checked) }),
        el('span', { className: 'tool-icon', text: icon }),
        el('span', { className: 'toggle-label', text: t(key) }),
      );
    const colour = el(
      'select',
      { className: 'select', 'data-control': 'colour', title: t('tool.colour'), 'aria-label': t('tool.colour'), onchange: (e) => this.actions.setColour((e.target as HTMLSelectElement).value as ColourMode) },
      el('option', { value: 'fullness', selected: s.colour === 'fullness', text: t('tool.colour.fullness') }),
      el('option', { value: 'kind', selected: s.colour === 'kind', text: t('tool.colour.kind') }),
    );
    const exportButton = el('button', { type: 'button', className: 'tool', 'data-tool': 'export', title: t('export.title'), onclick: () => this.actions.exportGrids() }, el('span', { className: 'tool-icon', text: '⇩' }), el('span', { text: t('export.button') }));
    const viewButton = (view: AppView, key: Key) =>
      el('button', { type: 'button', className: `tool view-tool${s.view === view ? ' active' : ''}`, 'data-view': view, title: t('view.title'), onclick: () => this.actions.setView(view) }, el('span', { text: t(key) }));
    const views: [AppView, Key][] = [['plan', 'view.plan'], ['divide', 'view.divide'], ['command', 'view.command']];
    this.root.append(el('div', { className: 'tool-group view-switch', 'data-role': 'view-switch' }, ...views.filter(([view]) => s.views.includes(view)).map(([view, key]) => viewButton(view, key))));
    if (s.view !== 'plan') {
      this.root.append(el('div', { className: 'tool-group' }, el('button', { type: 'button', className: 'tool', 'data-tool': 'fit', title: t('tool.fit'), onclick: () => this.actions.fitAll() }, el('span', { className: 'tool-icon', text: '⤢' }))));
      return;
    }
    this.root.append(
      el('div', { className: 'tool-group' }, modeButton('select', 'tool.select', '➚'), modeButton('edit', 'tool.edit', '✎'), modeButton('draw', 'tool.draw', '⬠'), modeButton('split', 'tool.split', '✂'), modeButton('merge', 'tool.merge', '⊕')),
      el('div', { className: 'tool-group' }, toggle(s.shared, 'tool.shared', 'shared', '⋈', (v) => this.actions.setShared(v)), toggle(s.snap, 'tool.snap', 'snap', '⊙', (v) => this.actions.setSnap(v))),
      el(
        'div',
        { className: 'tool-group' },
        el('button', { type: 'button', className: 'tool', 'data-tool': 'undo', title: `${t('tool.undo')} (Ctrl+Z)`, disabled: !s.canUndo, onclick: () => this.actions.undo() }, el('span', { className: 'tool-icon', text: '↶' }), el('span', { text: t('tool.undo') })),
        el('button', { type: 'button', className: 'tool', 'data-tool': 'redo', title: `${t('tool.redo')} (Ctrl+Y)`, disabled: !s.canRedo, onclick: () => this.actions.redo() }, el('span', { className: 'tool-icon', text: '↷' }), el('span', { text: t('tool.redo') })),
      ),
      el('div', { className: 'tool-group' }, colour, exportButton, el('button', { type: 'button', className: 'tool', 'data-tool': 'fit', title: t('tool.fit'), onclick: () => this.actions.fitAll() }, el('span', { className: 'tool-icon', text: '⤢' }))),
    );
  }
}
