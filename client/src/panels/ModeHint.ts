/**
 * What to do next in a drawing mode, over the map: edit (drag the selected grid's border), draw
 * (click corners, double-click), split (pick a grid, then draw a line across it), merge (pick a
 * grid, then its neighbour). It follows the mode and the selection, and the language.
 *
 * Options: `root` (the map's frame); `state()` (the mode and the selected grid's name).
 */
import type { EditMode } from '../editing/GridEditor';
import { onLangChange, t } from '../i18n';
import { el } from './dom';

export class ModeHint {
  private readonly box = el('div', { className: 'mode-hint', 'data-role': 'mode-hint', role: 'status', hidden: true });

  constructor(
    root: HTMLElement,
    private readonly state: () => { mode: EditMode; selectedName: string | null; readOnly: boolean },
  ) {
    root.append(this.box);
    onLangChange(() => this.render());
  }

  render(): void {
    const { mode, selectedName, readOnly } = this.state();
    const text = readOnly ? null : hintOf(mode, selectedName);
    this.box.hidden = text === null;
    this.box.dataset.mode = mode;
    this.box.textContent = text ?? '';
  }
}

function hintOf(mode: EditMode, name: string | null): string | null {
  switch (mode) {
    case 'edit':
      return name ? t('hint.edit') : t('hint.edit.noGrid');
    case 'draw':
      return t('hint.draw');
    case 'split':
      return name ? t('hint.split', { name }) : t('hint.split.noGrid');
    case 'merge':
      return name ? t('hint.merge', { name }) : t('hint.merge.noGrid');
    default:
      return null;
  }
}
