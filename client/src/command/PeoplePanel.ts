/**
 * People in the command centre: the patrol coverage of the selected grid over the last 30 days
 * (drawn by PatrolLayer, with the share of its streets walked), and the month's assessment (考核)
 * of the chosen region's grid workers and grids — points and grades, red where a worker is
 * 不称职 — with the CSV for a spreadsheet.
 */
import type { Api, AssessmentAnswer, AssessedRow } from '../api';
import { el } from '../panels/dom';
import { formatNumber, onLangChange, t, type Key } from '../i18n';
import { PatrolLayer } from './PatrolLayer';

export interface PeopleContext {
  api: Api;
  selectedGrid(): string | null;
  /** The region the assessment is of: the one chosen in the tree, else the key's own. */
  region(): string | null;
}

export class PeoplePanel {
  readonly element = el('section', { className: 'panel command-people', 'data-role': 'people' });
  private coverageMessage = '';
  private assessment: AssessmentAnswer | null = null;
  private assessmentError = '';
  private showGrids = false;
  private month = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);

  constructor(
    private readonly ctx: PeopleContext,
    readonly patrols: PatrolLayer,
  ) {
    onLangChange(() => this.render());
    this.render();
  }

  setVisible(visible: boolean): void {
    this.element.hidden = !visible;
    this.patrols.layer.setVisible(visible);
  }

  async showPatrolCoverage(): Promise<void> {
    const code = this.ctx.selectedGrid();
    if (!code) {
      this.coverageMessage = t('people.patrol.none');
      return this.render();
    }
    const from = new Date(Date.now() - 30 * 86_400_000).toISOString();
    try {
      const answer = await this.ctx.api.patrolCoverage(code, from);
      this.patrols.show(answer.tracks, answer.unwalked);
      const share = `${formatNumber(answer.coveredShare * 100, 1)}%`;
      this.coverageMessage =
        answer.basis === 'streets'
          ? t('people.patrol.streets', { share, walked: formatNumber(answer.walkedStreetsM ?? 0), streets: formatNumber(answer.streetsM ?? 0), patrols: answer.patrols })
          : t('people.patrol.area', { share, patrols: answer.patrols });
    } catch (error) {
      this.coverageMessage = error instanceof Error ? error.message : String(error);
    }
    this.render();
  }

  async loadAssessment(): Promise<void> {
    const region = this.ctx.region();
    if (!region) {
      this.assessmentError = t('people.assessment.region');
      return this.render();
    }
    try {
      this.assessment = await this.ctx.api.assessment(region, this.month);
      this.assessmentError = '';
    } catch (error) {
      this.assessment = null;
      this.assessmentError = error instanceof Error ? error.message : String(error);
    }
    this.render();
  }

  private render(): void {
    const rows = this.assessment ? (this.showGrids ? this.assessment.grids : this.assessment.workers) : [];
    const cell = (text: string | number, className = '') => el('td', { className, text: String(text) });
    const header = (keys: Key[]) => el('tr', {}, ...keys.map((key) => el('th', { text: t(key) })));
    const row = (r: AssessedRow) =>
      el(
        'tr',
        { 'data-grade': r.grade },
        cell(r.name),
        cell(r.reports),
        cell(`${r.handled}/${r.onTime}`),
        cell(formatNumber(r.patrolKm, 1)),
        cell(r.coverage === null ? '—' : `${formatNumber(r.coverage * 100, 0)}%`),
        cell(r.visits),
        cell(formatNumber(r.points, 1)),
        cell(r.grade, r.grade === '不称职' ? 'grade-low' : r.grade === '优秀' ? 'grade-high' : ''),
      );
    const region = this.assessment?.region;
    this.element.replaceChildren(
      el('h2', { text: t('people.title') }),
      el('div', { className: 'command-buttons' }, el('button', { type: 'button', className: 'button', 'data-action': 'patrol-coverage', title: t('people.patrol.title'), text: t('people.patrol'), onclick: () => void this.showPatrolCoverage() })),
      this.coverageMessage ? el('p', { className: 'muted small', 'data-role': 'patrol-message', text: this.coverageMessage }) : '',
      el(
        'div',
        { className: 'command-filters' },
        el('label', { className: 'field' }, el('span', { text: t('people.assessment.month') }), el('input', { type: 'month', value: this.month, 'data-control': 'assessment-month', onchange: (e) => (this.month = (e.target as HTMLInputElement).value || this.month) })),
        el('button', { type: 'button', className: 'button', 'data-action': 'assessment', text: t('people.assessment'), onclick: () => void this.loadAssessment() }),
      ),
      this.assessmentError ? el('p', { className: 'error-text', text: this.assessmentError }) : '',
      this.assessment
        ? el(
            'div',
            { className: 'assessment' },
            el(
              'div',
              { className: 'command-buttons' },
              el('button', { type: 'button', className: `button${this.showGrids ? '' : ' active'}`, text: t('people.assessment.workers'), onclick: () => ((this.showGrids = false), this.render()) }),
              el('button', { type: 'button', className: `button${this.showGrids ? ' active' : ''}`, text: t('people.assessment.grids'), onclick: () => ((this.showGrids = true), this.render()) }),
              region ? el('a', { className: 'link', href: this.ctx.api.url(`/api/assessment?region=${region}&month=${this.month}&format=csv&of=${this.showGrids ? 'grids' : 'staff'}`), download: '', text: t('people.assessment.csv') }) : '',
            ),
            el(
              'div',
              { className: 'assessment-scroll' },
              el(
                'table',
                { className: 'assessment-table', 'data-role': 'assessment-table' },
                header(['people.col.name', 'people.col.reports', 'people.col.handled', 'people.col.km', 'people.col.coverage', 'people.col.visits', 'people.col.points', 'people.col.grade']),
                ...rows.map(row),
              ),
            ),
            rows.length === 0 ? el('p', { className: 'muted small', text: t('people.assessment.empty') }) : '',
          )
        : '',
    );
  }
}
