/**
 * Switching between the planner (规划), auto-division (自动划分) and the command centre (指挥):
 * the page's look (body `data-app-view`, the brand's subtitle), the planner's tools put away,
 * a search marker dropped, the division panel and the command centre (whose live feed runs only
 * while it is shown) started and stopped. The view is the store's `view`.
 */
import type Map from 'ol/Map';
import type { CommandView } from '../command/CommandView';
import type { DivisionPanel } from '../division/DivisionPanel';
import type { EditMode } from '../editing/GridEditor';
import { t, type Key } from '../i18n';
import type { MarkerLayer } from '../layers/MarkerLayer';
import type { AppStore } from '../state/AppState';
import type { HistorySlider } from './HistorySlider';
import type { AppView, Toolbar } from './Toolbar';

export interface ViewSwitchOptions {
  store: AppStore;
  map: Map;
  markers: MarkerLayer;
  toolbar: Toolbar;
  history: HistorySlider;
  division: DivisionPanel;
  command: CommandView;
  /** Chooses a tool (EditCommands.setMode): the planner's tools go back to select. */
  setMode: (mode: EditMode) => void;
}

export class ViewSwitch {
  constructor(private readonly options: ViewSwitchOptions) {}

  async show(view: AppView): Promise<void> {
    const { store, map, markers, toolbar, history, division, command } = this.options;
    if (view === store.state.view) return;
    store.set({ view });
    document.body.dataset.appView = view;
    const brand = document.querySelector<HTMLElement>('.brand-sub');
    if (brand) {
      brand.dataset.i18n = view === 'command' ? 'command.title' : view === 'divide' ? 'division.title' : 'app.title';
      brand.textContent = t(brand.dataset.i18n as Key);
    }
    if (view !== 'plan') this.options.setMode('select');
    // A search result belongs to the view it was made in.
    markers.setSearchMarker(null);
    if (view === 'divide' && store.state.asOf !== null) history.set(null);
    toolbar.render();
    map.updateSize();
    if (view === 'divide') division.activate();
    else division.deactivate();
    if (view === 'command') await command.activate();
    else command.deactivate();
  }
}
