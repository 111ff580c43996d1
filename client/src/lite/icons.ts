/**
 * Line icons for the phone pages as inline SVG (20 × 20, currentColor): no icon font and no
 * emoji, which some phones' and servers' fonts lack (they show as empty boxes).
 */
const PATHS = {
  map: 'M3 5l5-2 4 2 5-2v12l-5 2-4-2-5 2zM8 3v12M12 5v12',
  list: 'M7 5h10M7 10h10M7 15h10M3 5h1M3 10h1M3 15h1',
  plus: 'M10 3v14M3 10h14',
  walk: 'M11 3.5a1.5 1.5 0 1 0 0 .01M9 8l2-1 2 3 3 1M11 7l-1 5 3 3v3M10 12l-3 6M9 8l-3 2v3',
  home: 'M3 10l7-6 7 6M5 8.5V17h4v-4h2v4h4V8.5',
  book: 'M4 4h5a2 2 0 0 1 2 2v11a2 2 0 0 0-2-2H4zM16 4h-3a2 2 0 0 0-2 2v11a2 2 0 0 1 2-2h3z',
  pin: 'M10 18s-5-5.2-5-9a5 5 0 0 1 10 0c0 3.8-5 9-5 9zM10 10.5a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3z',
  camera: 'M3 7h3l1.5-2h5L14 7h3v9H3zM10 14a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5z',
} as const;

export type IconName = keyof typeof PATHS;

export function icon(name: IconName): SVGSVGElement {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 20 20');
  svg.setAttribute('width', '20');
  svg.setAttribute('height', '20');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'lite-icon');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('d', PATHS[name]);
  path.setAttribute('fill', 'none');
  path.setAttribute('stroke', 'currentColor');
  path.setAttribute('stroke-width', '1.7');
  path.setAttribute('stroke-linecap', 'round');
  path.setAttribute('stroke-linejoin', 'round');
  svg.append(path);
  return svg;
}
