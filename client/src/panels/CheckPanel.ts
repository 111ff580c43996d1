/**
 * Live checks of the unsaved edits (overlaps, parts outside the village, self-crossings, gaps as warnings, and the
 * registered households inside the new boundaries), the reason for the change, Save and Discard.
 */
import { el, clear } from './dom';
import { formatArea, formatNumber, onLangChange, t } from '../i18n';
import { isWarning, type Problem } from '../editing/checks';
import type { HouseholdEstimateRow } from '../households/LiveHouseholds';

export interface CheckState {
  changed: number;
  problems: Problem[];
  estimates: HouseholdEstimateRow[];
  saving: string | null;
  names: (code: string) => string;
}

export interface CheckActions {
  save(): void;
  discard(): void;
  focusProblem(problem: Problem): void;
}

export class CheckPanel {
  private readonly reasonInput: HTMLInputElement;
  // The reason and the buttons stay in the document across renders: the panel re-renders whenever a check or an
  // estimate arrives, and a button replaced or detached between a press and its release loses the click (seen as
  // a Discard that did nothing). Only `body` is rebuilt.
  private readonly discardButton: HTMLButtonElement;
  private readonly saveButton: HTMLButtonElement;
  private readonly reasonLabel: HTMLElement;
  private readonly title: HTMLElement;
  private readonly body: HTMLElement;
  private readonly footer: HTMLElement;

  constructor(
    root: HTMLElement,
    private readonly state: () => CheckState,
    private readonly actions: CheckActions,
  ) {
    this.reasonInput = el('input', { type: 'text', name: 'reason', maxlength: '500' });
    this.discardButton = el('button', { type: 'button', className: 'button', 'data-action': 'discard', onclick: () => this.actions.discard() });
    this.saveButton = el('button', { type: 'button', className: 'button primary', 'data-action': 'save', onclick: () => this.actions.save() });
    this.title = el('h2');
    this.body = el('div');
    this.reasonLabel = el('span');
    this.footer = el('div', {}, el('label', { className: 'field' }, this.reasonLabel, this.reasonInput), el('div', { className: 'check-buttons' }, this.discardButton, this.saveButton));
    root.append(this.title, this.body, this.footer);
    onLangChange(() => this.render());
    this.render();
  }

  get reason(): string {
    return this.reasonInput.value.trim();
  }

  clearReason(): void {
    this.reasonInput.value = '';
  }

  render(): void {
    const s = this.state();
    clear(this.body);
    this.title.textContent = t('checks.title');
    this.footer.hidden = s.changed === 0;
    if (s.changed === 0) {
      this.body.append(el('div', { className: 'check-clean', 'data-role': 'check-status', text: t('checks.clean') }));
      return;
    }
    const describe = (p: Problem): string => {
      switch (p.kind) {
        case 'overlap':
          return t('checks.overlap', { code: s.names(p.code), other: s.names(p.other), area: formatArea(p.areaM2) });
        case 'outside':
          return t('checks.outside', { code: s.names(p.code), area: formatArea(p.areaM2), region: p.region });
        case 'invalid':
          return t('checks.invalid', { code: s.names(p.code) });
        case 'noRegion':
          return t('checks.noRegion', { code: s.names(p.code) });
        case 'gap':
          return t('checks.gap', { code: s.names(p.code), area: formatArea(p.areaM2), region: p.region });
      }
    };
    this.body.append(
      el('div', { className: 'check-summary', text: t('checks.changed', { count: s.changed }) }),
      s.problems.length === 0
        ? el('div', { className: 'check-ok', 'data-role': 'check-status', text: `✔ ${t('checks.ok')}` })
        : el(
            'ul',
            { className: 'check-problems', 'data-role': 'check-status' },
            ...s.problems.map((p) =>
              el(
                'li',
                { className: `problem problem-${p.kind}${isWarning(p) ? ' warning' : ''}`, 'data-problem': p.kind, onclick: () => this.actions.focusProblem(p) },
                el('span', { className: 'problem-icon', text: isWarning(p) ? '⚠' : '✖' }),
                el('span', { text: describe(p) }),
              ),
            ),
          ),
      ...s.estimates
        .filter((e) => e.after !== null || e.before !== null)
        .map((e) => {
          const params = { code: s.names(e.code), before: e.before === null ? '—' : formatNumber(e.before), after: e.after === null ? '—' : formatNumber(e.after), source: t(`households.source.${e.source}`) };
          return el('div', { className: 'estimate', 'data-role': 'household-estimate', 'data-code': e.code, 'data-after': String(e.after ?? ''), text: t(e.before === null ? 'checks.householdsNew' : 'checks.households', params) });
        }),
    );
    this.reasonInput.placeholder = t('checks.reasonPlaceholder');
    this.discardButton.disabled = s.saving !== null;
    this.discardButton.textContent = t('tool.discard');
    this.saveButton.disabled = s.saving !== null;
    this.saveButton.textContent = s.saving ?? t('tool.save');
    this.saveButton.classList.toggle('warn', s.problems.some((p) => !isWarning(p)));
    this.reasonLabel.textContent = t('checks.reason');
  }
}
