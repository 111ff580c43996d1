/**
 * Every colour that carries a meaning, in one place, so that no two meanings share one:
 *
 * - households against 300–500 (the planner's grid fill): one hue, blue, light → dark as the
 *   count grows (under · in range · over); a grid without a figure is not filled at all;
 * - deadline lights (红黄绿灯): bluish green · gold · vermilion (Okabe & Ito's colour-blind-safe
 *   set), drawn also as circle · square · triangle so that the shape says it without colour;
 * - camera coverage: grey, light → dark as more of the grid is seen (no red "0 %" that reads as
 *   overdue);
 * - incident heat: purple, light → deep;
 * - planning marks (selection, edits, search result) are black and white.
 *
 * test/client/palette.test.ts simulates protanopia, deuteranopia and tritanopia (Machado et
 * al. 2009, full severity) on these colours and checks that the classes of each meaning stay
 * apart (CIE Lab ΔE) and that lights and heat, shown together, do too.
 */
export type RGB = [number, number, number];

/** Households: under 300, 300–500, over 500 (light → dark blue). */
export const HOUSEHOLD_COLOURS = {
  under: [158, 202, 225] as RGB, // #9ECAE1
  in: [66, 146, 198] as RGB, // #4292C6
  over: [8, 48, 107] as RGB, // #08306B
};
/** The outline of a grid with no household figure (special grids, unknown): drawn, not filled. */
export const NO_HOUSEHOLDS_OUTLINE: RGB = [110, 110, 110];

/** Grid kinds (the planner's other colouring): slate, ochre, reddish purple. */
export const KIND_COLOURS = {
  urban: [93, 109, 126] as RGB, // #5D6D7E
  rural: [166, 118, 29] as RGB, // #A6761D
  special: [204, 121, 167] as RGB, // #CC79A7
};

/** Deadline lights, with their shapes. */
export const LIGHT_HEX = { green: '#1B9E77', yellow: '#FFC20A', red: '#D55E00' } as const;
export const LIGHT_SHAPES = { green: 'circle', yellow: 'square', red: 'triangle' } as const;

/** Coverage 0 → 100 %: light → dark grey. */
export const COVERAGE_STOPS: RGB[] = [
  [247, 247, 247], // #F7F7F7
  [150, 150, 150], // #969696
  [37, 37, 37], // #252525
];

/** The heatmap's gradient, low → high (ol/layer/Heatmap `gradient`). */
export const HEAT_GRADIENT = ['#e0d4ee', '#b79fd2', '#8c6bb1', '#88419d', '#6e016b'];

/** Planning marks: black and white, never a data colour. */
export const SELECTED_COLOUR: RGB = [17, 17, 17];
export const EDITED_COLOUR: RGB = [17, 17, 17];
export const SEARCH_MARKER = { ring: '#111111', fill: '#ffffff' };
/** Live-check problems (overlap, outside the village): the planner's only warning red, never shown with lights. */
export const PROBLEM_COLOUR: RGB = [230, 0, 40];

export const hex = ([r, g, b]: RGB) => `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;

/** Coverage share (0–1) → colour. */
export function coverageColour(share: number, alpha: number): string {
  const s = Math.max(0, Math.min(1, share));
  const i = s <= 0.5 ? 0 : 1;
  const f = (s - i * 0.5) / 0.5;
  const c = COVERAGE_STOPS[i].map((v, k) => Math.round(v + (COVERAGE_STOPS[i + 1][k] - v) * f));
  return `rgba(${c[0]},${c[1]},${c[2]},${alpha})`;
}
