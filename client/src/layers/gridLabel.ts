import { t } from '../i18n';
import { gridOf, type GridLayer } from './GridLayer';

/** What a person calls a grid held: its name, else its code, or "unsaved grid" for one drawn and not saved. */
export function gridLabel(grids: GridLayer, code: string): string {
  const feature = grids.feature(code);
  const name = feature ? gridOf(feature).name : '';
  return name || (code.startsWith('new') ? t('grid.unsaved') : code);
}
