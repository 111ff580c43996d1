/**
 * The statistics of a region (GET /api/stats): total, on-time rate, incidents per 100
 * households, and bars by light, status, category and sub-region. A key of a smaller area gets
 * its own area's (the server narrows the request); the panel says whose they are.
 */
import { INCIDENT_STATUSES, type StatsAnswer } from '../api';
import { formatDate, formatNumber, t, type Key } from '../i18n';
import { el, clear } from '../panels/dom';
import { LIGHT_HEX } from '../palette';
import { barChart, ringGauge } from './charts';

const CATEGORY_COLOURS = ['#4e79a7', '#f28e2b', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac', '#e15759'];
const STATUS_COLOUR = '#1d4e89';

export function renderStats(root: HTMLElement, stats: StatsAnswer | null, error: string | null, categories: { codes: string[]; name(code: string): string }): void {
  clear(root);
  if (error) {
    root.append(el('p', { className: 'error-text', text: t('stats.failed', { message: error }) }));
    return;
  }
  if (!stats) return;
  const total = stats.total;
  const tile = (key: Key, value: string) => el('div', { className: 'stat-tile' }, el('div', { className: 'stat-value', text: value }), el('div', { className: 'stat-label', text: t(key) }));
  const codes = categories.codes.length ? categories.codes : Object.keys(total.byCategory);
  const prefix = commonPrefix(stats.children.map((c) => c.name));
  const nodes: (Node | null)[] = [
    el('h2', { 'data-role': 'stats-title', 'data-region': stats.code, text: t('stats.title', { name: stats.name }) }),
    stats.asOf ? el('p', { className: 'muted small', 'data-role': 'stats-updated', text: t('command.updated', { time: formatDate(stats.asOf) }) }) : null,
    el(
      'div',
      { className: 'stat-tiles' },
      tile('stats.total', formatNumber(total.incidents)),
      el('div', { className: 'stat-tile' }, ringGauge(total.onTimeRate, LIGHT_HEX.green, 'on-time'), el('div', { className: 'stat-label', text: t('stats.onTime') })),
      tile('stats.per100', total.per100Households === null ? t('stats.none') : formatNumber(total.per100Households, 2)),
    ),
    el('h3', { text: t('stats.byLight') }),
    barChart((['green', 'yellow', 'red'] as const).map((l) => ({ label: t(`light.${l}` as Key), value: total.byLight[l] ?? 0, colour: LIGHT_HEX[l] })), 'by-light'),
    el('h3', { text: t('stats.byStatus') }),
    barChart(INCIDENT_STATUSES.map((s) => ({ label: t(`status.${s}` as Key), value: total.byStatus[s] ?? 0, colour: STATUS_COLOUR })), 'by-status'),
    el('h3', { text: t('stats.byCategory') }),
    barChart(codes.map((c, i) => ({ label: categories.name(c), value: total.byCategory[c] ?? 0, colour: CATEGORY_COLOURS[i % CATEGORY_COLOURS.length] })), 'by-category'),
    stats.children.length ? el('h3', { text: t('stats.byChild') }) : null,
    // Sub-regions share their parent's name ("东街示范社区三第1网格"): the part they share is left out, the full name is the bar's title.
    stats.children.length ? barChart(stats.children.map((c) => ({ label: c.name.slice(prefix.length) || c.name, title: c.name, value: c.incidents, colour: '#0b6bcb' })), 'by-child') : null,
  ];
  root.append(...nodes.filter((n): n is Node => n !== null));
}

/** The longest start every name shares, cut back to leave each name at least two characters. */
function commonPrefix(names: string[]): string {
  if (names.length < 2) return '';
  let prefix = names[0];
  for (const name of names) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  const shortest = Math.min(...names.map((n) => n.length));
  return prefix.slice(0, Math.max(0, Math.min(prefix.length, shortest - 2)));
}
