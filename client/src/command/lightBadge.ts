/** A deadline light as a small inline symbol for lists, badges, toasts and the legend: its colour and its shape (palette.ts). */
import type { Light } from '../api';
import { LIGHT_HEX, LIGHT_SHAPES } from '../palette';

const SVG = 'http://www.w3.org/2000/svg';

export function lightSymbolHtml(light: Light, size = 12): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', String(size));
  svg.setAttribute('height', String(size));
  svg.setAttribute('viewBox', '0 0 12 12');
  svg.setAttribute('class', `light-symbol light-${light}`);
  svg.setAttribute('aria-hidden', 'true');
  const shape = LIGHT_SHAPES[light];
  const node =
    shape === 'circle'
      ? document.createElementNS(SVG, 'circle')
      : shape === 'square'
        ? document.createElementNS(SVG, 'rect')
        : document.createElementNS(SVG, 'polygon');
  if (shape === 'circle') {
    node.setAttribute('cx', '6');
    node.setAttribute('cy', '6');
    node.setAttribute('r', '5');
  } else if (shape === 'square') {
    node.setAttribute('x', '1.5');
    node.setAttribute('y', '1.5');
    node.setAttribute('width', '9');
    node.setAttribute('height', '9');
  } else {
    node.setAttribute('points', '6,0.8 11.4,11 0.6,11');
  }
  node.setAttribute('fill', LIGHT_HEX[light]);
  node.setAttribute('stroke', '#333');
  node.setAttribute('stroke-width', '0.8');
  svg.append(node);
  return svg;
}
