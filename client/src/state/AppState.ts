/**
 * What the planner's parts share, in one observable store (see Store): App.ts holds it, the
 * controllers (session, navigation, edit commands, live checks, save flow, history, settings)
 * set it, and the panels follow it.
 */
import type { Me } from '../api';
import type { Problem } from '../editing/checks';
import type { EditMode } from '../editing/GridEditor';
import type { HouseholdEstimateRow } from '../households/LiveHouseholds';
import type { AppView } from '../panels/Toolbar';
import { Store } from './Store';

export interface AppState {
  /** The planner (规划), auto-division (自动划分) or the command centre (指挥). */
  view: AppView;
  /** The region last chosen in the tree (the command centre's statistics are of it). */
  region: string | null;
  /** The selected grid's code (`new-…` for one drawn and not saved yet). */
  selected: string | null;
  /** The tool chosen in the toolbar (the editor itself falls back to select while read-only). */
  mode: EditMode;
  /** The past moment the history slider shows (read-only), or null for today. */
  asOf: string | null;
  /** Who is signed in, and what the service lets this key do (GET /api/me). */
  me: Me;
  /** The live checks' findings on the unsaved edits. */
  problems: Problem[];
  /** The edited grids' households as drawn now. */
  estimates: HouseholdEstimateRow[];
  /** The save in progress ("saving 2 of 5"), or null. */
  saving: string | null;
}

export type AppStore = Store<AppState>;

export function createAppStore(): AppStore {
  return new Store<AppState>({
    view: 'plan',
    region: null,
    selected: null,
    mode: 'select',
    asOf: null,
    me: { signedIn: false, permissions: [] },
    problems: [],
    estimates: [],
    saving: null,
  });
}
