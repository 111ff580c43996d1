/**
 * The history slider: the grids as of a past moment (GET /api/grids?asOf=). Its right end is
 * "now" (live, editable); anywhere left of it the map is read-only.
 */
import { el, clear } from './dom';
import { formatDate, onLangChange, t } from '../i18n';

const STEPS = 1000;

export class HistorySlider {
  private from = Date.now() - 30 * 86_400_000;
  private value: number | null = null; // null = now
  private timer: number | undefined;
  private readonly range: HTMLInputElement;
  private readonly label: HTMLElement;

  constructor(
    private readonly root: HTMLElement,
    private readonly changed: (asOf: string | null) => void,
  ) {
    this.range = el('input', { type: 'range', min: '0', max: String(STEPS), step: '1', value: String(STEPS), 'aria-label': 'asOf', 'data-control': 'history' });
    this.label = el('span', { className: 'history-date-label' });
    this.range.addEventListener('input', () => {
      const position = Number(this.range.value);
      this.value = position >= STEPS ? null : this.from + ((Date.now() - this.from) * position) / STEPS;
      this.renderLabel();
      window.clearTimeout(this.timer);
      this.timer = window.setTimeout(() => this.changed(this.asOf), 250);
    });
    onLangChange(() => this.render());
    this.render();
  }

  get asOf(): string | null {
    return this.value === null ? null : new Date(this.value).toISOString();
  }

  /** The earliest moment worth showing: the oldest version the client knows of. */
  setEarliest(iso: string): void {
    const time = Date.parse(iso);
    if (Number.isFinite(time)) this.from = Math.min(time - 60_000, Date.now() - 86_400_000);
    this.render();
    this.syncRange();
  }

  /** Jumps to a moment (from a grid's history), or back to now. */
  set(iso: string | null): void {
    const time = iso === null ? null : Date.parse(iso);
    if (time !== null && time < this.from) this.from = time - 60_000;
    this.value = time;
    this.syncRange();
    this.renderLabel();
    this.changed(this.asOf);
  }

  private syncRange(): void {
    this.range.value = this.value === null ? String(STEPS) : String(Math.round(((this.value - this.from) / (Date.now() - this.from)) * STEPS));
  }

  private renderLabel(): void {
    this.label.textContent = this.value === null ? t('history.live') : formatDate(new Date(this.value));
    this.root.classList.toggle('past', this.value !== null);
  }

  render(): void {
    clear(this.root);
    this.root.append(
      el('span', { className: 'history-title', text: t('history.label') }),
      el('span', { className: 'history-end', text: formatDate(new Date(this.from)).slice(0, 10) }),
      this.range,
      this.label,
      el('button', { type: 'button', className: 'button small', 'data-action': 'history-now', text: t('history.back'), onclick: () => this.set(null) }),
    );
    this.renderLabel();
  }
}
