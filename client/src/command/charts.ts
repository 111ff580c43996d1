/** Small SVG charts for the statistics panel: horizontal bars and a ring gauge, no chart library. */
const SVG = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

export interface Bar {
  label: string;
  /** The full name, as a tooltip, when `label` is a shortened one. */
  title?: string;
  value: number;
  colour: string;
}

/** The width an 11 px label takes, near enough: a Chinese character is about a full em, Latin about 0.55. */
function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += /[\u2E80-\u9FFF\uFF00-\uFFEF]/.test(ch) ? 11 : 6.2;
  return width;
}

/** `text` cut (with …) to fit `width`. */
function fitted(text: string, width: number): string {
  if (textWidth(text) <= width) return text;
  let cut = '';
  for (const ch of text) {
    if (textWidth(`${cut}${ch}…`) > width) break;
    cut += ch;
  }
  return `${cut}…`;
}

/**
 * Horizontal bars, one row each: label, bar scaled to the largest value, the value. The label
 * column is as wide as the longest label (up to half the chart); a longer one is cut with …
 * and shown whole as its tooltip — never clipped at the chart's edge.
 */
export function barChart(bars: Bar[], chart: string, width = 296): SVGSVGElement {
  const row = 18;
  const labelWidth = Math.round(Math.min(width * 0.5, Math.max(60, ...bars.map((b) => textWidth(b.label) + 10))));
  const valueWidth = 34;
  const height = bars.length * row + 4;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const root = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'chart', 'data-chart': chart, role: 'img' });
  bars.forEach((bar, i) => {
    const y = i * row + 2;
    const barWidth = ((width - labelWidth - valueWidth) * bar.value) / max;
    const label = svg('text', { x: labelWidth - 6, y: y + 12, 'text-anchor': 'end', class: 'chart-label' }, fitted(bar.label, labelWidth - 8));
    const track = svg('rect', { x: labelWidth, y: y + 2, width: width - labelWidth - valueWidth, height: row - 6, rx: 2, class: 'chart-track' });
    const fill = svg('rect', { x: labelWidth, y: y + 2, width: Math.max(bar.value > 0 ? 2 : 0, barWidth), height: row - 6, rx: 2, fill: bar.colour, 'data-value': bar.value });
    const value = svg('text', { x: width - valueWidth + 4, y: y + 12, class: 'chart-value' }, String(bar.value));
    const title = svg('title', {}, `${bar.title ?? bar.label}: ${bar.value}`);
    root.append(title, label, track, fill, value);
  });
  return root;
}

/** A ring filled to `share` (0–1, or null for no data) with the percentage in the middle. */
export function ringGauge(share: number | null, colour: string, chart: string): SVGSVGElement {
  const size = 64;
  const r = 26;
  const circumference = 2 * Math.PI * r;
  const root = svg('svg', { width: size, height: size, viewBox: `0 0 ${size} ${size}`, class: 'chart gauge', 'data-chart': chart, role: 'img' });
  root.append(svg('circle', { cx: size / 2, cy: size / 2, r, class: 'chart-track-ring', fill: 'none', 'stroke-width': 8 }));
  if (share !== null) {
    root.append(
      svg('circle', {
        cx: size / 2,
        cy: size / 2,
        r,
        fill: 'none',
        stroke: colour,
        'stroke-width': 8,
        'stroke-dasharray': `${circumference * share} ${circumference}`,
        transform: `rotate(-90 ${size / 2} ${size / 2})`,
      }),
    );
  }
  root.append(svg('text', { x: size / 2, y: size / 2 + 4, 'text-anchor': 'middle', class: 'gauge-text' }, share === null ? '—' : `${Math.round(share * 100)}%`));
  return root;
}
