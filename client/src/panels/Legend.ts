/** The legend over the map: the colours of the current colouring, and the outlines. */
import { el, clear } from './dom';
import { onLangChange, t } from '../i18n';
import { EDITED_COLOUR, FULLNESS_COLOURS, KIND_COLOURS, MAX_HOUSEHOLDS, MIN_HOUSEHOLDS, PROBLEM_COLOUR, SELECTED_COLOUR, rgba, type ColourMode } from '../model';

export class Legend {
  // Folded unless opened before; on a phone folded at first (the map is small).
  private collapsed = (localStorage.getItem('gridgov.legend') ?? (window.matchMedia('(max-width: 760px)').matches ? 'collapsed' : 'open')) === 'collapsed';

  constructor(
    private readonly root: HTMLElement,
    private readonly mode: () => ColourMode,
    /** The roads & rivers layer, switched on and off here. */
    private readonly lines?: { readonly visible: boolean; setVisible(visible: boolean): void },
  ) {
    onLangChange(() => this.render());
    this.render();
  }

  render(): void {
    clear(this.root);
    const swatch = (colour: [number, number, number], label: string) =>
      el('div', { className: 'legend-row' }, el('span', { className: 'swatch', style: `background:${rgba(colour, 0.45)};border-color:${rgba(colour, 1)}` }), el('span', { text: label }));
    const line = (style: string, label: string) => el('div', { className: 'legend-row' }, el('span', { className: 'swatch line', style }), el('span', { text: label }));
    const range = { min: MIN_HOUSEHOLDS, max: MAX_HOUSEHOLDS };
    const mode = this.mode();
    const rows =
      mode === 'outline'
        ? [] // the command centre: grids are outlines, its own colours have their own legend
        : mode === 'kind'
        ? [swatch(KIND_COLOURS.urban, t('legend.kind.urban')), swatch(KIND_COLOURS.rural, t('legend.kind.rural')), swatch(KIND_COLOURS.special, t('legend.kind.special'))]
        : [
            swatch(FULLNESS_COLOURS.under, t('legend.fullness.under', range)),
            swatch(FULLNESS_COLOURS.in, t('legend.fullness.in', range)),
            swatch(FULLNESS_COLOURS.over, t('legend.fullness.over', range)),
            el('div', { className: 'legend-row' }, el('span', { className: 'swatch', style: `background:transparent;border:1.5px dashed ${rgba(FULLNESS_COLOURS.none, 1)}` }), el('span', { text: t('legend.fullness.none') })),
          ];
    const toggle = () => {
      this.collapsed = !this.collapsed;
      localStorage.setItem('gridgov.legend', this.collapsed ? 'collapsed' : 'open');
      this.render();
    };
    this.root.classList.toggle('collapsed', this.collapsed);
    this.root.append(el('button', { type: 'button', className: 'legend-title', 'aria-expanded': String(!this.collapsed), text: `${this.collapsed ? '▸' : '▾'} ${t('legend.title')}`, onclick: toggle }));
    if (this.collapsed) return;
    this.root.append(
      ...rows,
      line(`border-top:3px solid ${rgba(SELECTED_COLOUR, 1)}`, t('legend.selected')),
      line(`border-top:3px dashed ${rgba(EDITED_COLOUR, 1)}`, t('legend.edited')),
      line('border-top:2px dashed rgba(60,60,80,0.85)', t('legend.village')),
      swatch(PROBLEM_COLOUR, t('legend.problem')),
    );
    const lines = this.lines;
    if (lines) {
      this.root.append(
        el(
          'label',
          { className: 'legend-row legend-toggle' },
          el('input', { type: 'checkbox', 'data-toggle': 'lines', checked: lines.visible, onchange: (e) => lines.setVisible((e.target as HTMLInputElement).checked) }),
          el('span', { className: 'swatch line', style: 'border-top:3px solid rgba(120,120,120,0.9)' }),
          el('span', { className: 'swatch line', style: 'border-top:3px solid rgba(28,126,214,0.9)' }),
          el('span', { text: t('legend.lines') }),
        ),
      );
    }
  }
}
