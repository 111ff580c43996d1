/**
 * One box for everything a planner types: a 15-digit grid code, a 12-digit region code,
 * coordinates ("119.29,26.08", also "26.08, 119.29" or with a Chinese comma), or an address
 * (GET /api/geocode, ranked candidates to choose from).
 */
import { el, clear } from './dom';
import { applyI18n, formatNumber, t } from '../i18n';
import type { Api, GeocodeCandidate } from '../api';
import { isGridCode, isRegionCode } from '../model';

export interface SearchHooks {
  gotoGrid(code: string): Promise<boolean>;
  gotoRegion(code: string): Promise<boolean>;
  gotoPoint(lon: number, lat: number, label: string, gridCode?: string | null): Promise<void>;
  status(message: string | (() => string), kind?: 'info' | 'error'): void;
}

/** "lon,lat" in any common spelling; a [lat, lon] pair is recognised and turned round. */
export function parseCoordinates(text: string): [number, number] | null {
  const match = /^\s*(-?\d+(?:\.\d+)?)\s*[,，\s]\s*(-?\d+(?:\.\d+)?)\s*$/.exec(text);
  if (!match) return null;
  let a = Number(match[1]);
  let b = Number(match[2]);
  if (Math.abs(a) <= 60 && Math.abs(b) > 70) [a, b] = [b, a];
  if (Math.abs(a) > 180 || Math.abs(b) > 90) return null;
  return [a, b];
}

export class SearchBox {
  private readonly input: HTMLInputElement;
  private readonly results: HTMLElement;

  constructor(root: HTMLElement, private readonly api: Api, private readonly hooks: SearchHooks) {
    this.input = el('input', { type: 'search', className: 'search-input', 'data-i18n-placeholder': 'search.placeholder', autocomplete: 'off', spellcheck: 'false' });
    this.results = el('div', { className: 'search-results', hidden: true });
    const form = el(
      'form',
      { className: 'search-form', role: 'search' },
      this.input,
      el('button', { type: 'submit', className: 'search-button', 'data-i18n-title': 'search.button' }, el('span', { text: '⌕' })),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.search(this.input.value.trim());
    });
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.hide();
    });
    document.addEventListener('click', (event) => {
      if (!root.contains(event.target as Node)) this.hide();
    });
    root.append(form, this.results);
    applyI18n(root);
  }

  private hide(): void {
    this.results.hidden = true;
  }

  async search(query: string): Promise<void> {
    this.hide();
    if (!query) return;
    const compact = query.replace(/\s+/g, '');
    if (isGridCode(compact)) {
      if (!(await this.hooks.gotoGrid(compact))) this.hooks.status(() => t('search.gridNotFound', { code: compact }), 'error');
      return;
    }
    if (isRegionCode(compact)) {
      if (!(await this.hooks.gotoRegion(compact))) this.hooks.status(() => t('search.noResult', { query }), 'error');
      return;
    }
    const point = parseCoordinates(query);
    if (point) {
      await this.hooks.gotoPoint(point[0], point[1], t('search.coordinates', { lon: point[0], lat: point[1] }));
      return;
    }
    try {
      const { candidates } = await this.api.geocode(query);
      if (candidates.length === 0) {
        this.hooks.status(() => t('search.noResult', { query }), 'error');
        return;
      }
      if (candidates.length === 1 || candidates[0].score >= 0.99) {
        await this.pick(candidates[0]);
        if (candidates.length === 1) return;
      }
      this.showCandidates(candidates);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.hooks.status(() => `${t('search.noResult', { query })} (${message})`, 'error');
    }
  }

  private pick(candidate: GeocodeCandidate): Promise<void> {
    this.hide();
    return this.hooks.gotoPoint(candidate.lon, candidate.lat, candidate.address, candidate.gridCode);
  }

  private showCandidates(candidates: GeocodeCandidate[]): void {
    clear(this.results);
    for (const candidate of candidates) {
      this.results.append(
        el(
          'button',
          { type: 'button', className: 'search-result', onclick: () => void this.pick(candidate) },
          el('span', { className: 'result-address', text: candidate.address }),
          el('span', { className: 'result-meta', text: `${candidate.gridCode ?? '—'} · ${t('search.score', { score: formatNumber(candidate.score, 2) })}` }),
        ),
      );
    }
    this.results.hidden = false;
  }
}
