/**
 * The side panels and the screen: each side panel folds away (a tab at the map's edge brings
 * it back; remembered), so the map keeps the room it needs — at least 60 % of a 1280 px screen
 * with both open. On a phone (≤ 760 px) the region tree slides in over the map from the left
 * and the right panel is a sheet over the map's lower part; both start closed, and the right
 * one opens when something is selected, so a person can look, search and inspect.
 *
 * Options: `map` (told to measure itself again when the panels move), `root` (the map's frame,
 * where the tabs go).
 */
import type OlMap from 'ol/Map';
import { el } from './dom';
import { onLangChange, t } from '../i18n';

export type Side = 'left' | 'right';
const PHONE = '(max-width: 760px)';

export class Layout {
  private readonly phoneQuery = window.matchMedia(PHONE);
  private readonly tabs: Record<Side, HTMLButtonElement>;
  private readonly open: Record<Side, boolean>;

  constructor(
    private readonly map: OlMap,
    root: HTMLElement,
  ) {
    const stored = (side: Side) => localStorage.getItem(`gridgov.panel.${side}`) !== 'closed';
    this.open = this.phone ? { left: false, right: false } : { left: stored('left'), right: stored('right') };
    this.tabs = {
      left: el('button', { type: 'button', className: 'panel-tab left', 'data-action': 'toggle-left', onclick: () => this.toggle('left') }),
      right: el('button', { type: 'button', className: 'panel-tab right', 'data-action': 'toggle-right', onclick: () => this.toggle('right') }),
    };
    root.append(this.tabs.left, this.tabs.right);
    this.phoneQuery.addEventListener('change', () => {
      if (this.phone) this.open.left = this.open.right = false;
      this.apply();
    });
    onLangChange(() => this.apply());
    this.apply();
  }

  get phone(): boolean {
    return this.phoneQuery.matches;
  }

  isOpen(side: Side): boolean {
    return this.open[side];
  }

  toggle(side: Side): void {
    this.set(side, !this.open[side]);
  }

  set(side: Side, open: boolean): void {
    if (this.open[side] === open) return;
    this.open[side] = open;
    // On a phone the two never cover the map together.
    if (open && this.phone) this.open[side === 'left' ? 'right' : 'left'] = false;
    if (!this.phone) localStorage.setItem(`gridgov.panel.${side}`, open ? 'open' : 'closed');
    this.apply();
  }

  /** Something was selected: on a phone its details come up. */
  selected(): void {
    if (this.phone) this.set('right', true);
  }

  private apply(): void {
    const body = document.body;
    body.classList.toggle('left-closed', !this.open.left);
    body.classList.toggle('right-closed', !this.open.right);
    body.classList.toggle('phone', this.phone);
    const label = (side: Side) => (side === 'left' ? t('layout.tree') : t('layout.details'));
    for (const side of ['left', 'right'] as Side[]) {
      const tab = this.tabs[side];
      const open = this.open[side];
      tab.textContent = side === 'left' ? (open ? '«' : `☰ ${label(side)}`) : open ? '»' : `${label(side)} ◂`;
      tab.title = open ? t('layout.hide', { panel: label(side) }) : t('layout.show', { panel: label(side) });
      tab.setAttribute('aria-expanded', String(open));
    }
    // OpenLayers measures its element once; the panels moved it.
    requestAnimationFrame(() => this.map.updateSize());
  }
}
