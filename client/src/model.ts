/** Shared rules and colours of the planner view. */
import type { GridKind, GridProperties } from './api';

/** The national practice: a basic grid holds about 300–500 households. */
export const MIN_HOUSEHOLDS = 300;
export const MAX_HOUSEHOLDS = 500;

export type Fullness = 'under' | 'in' | 'over' | 'none';
export type ColourMode = 'kind' | 'fullness';

export function fullness(properties: Pick<GridProperties, 'kind' | 'households'>): Fullness {
  if (properties.kind === 'special' || properties.households === null || properties.households === undefined) return 'none';
  if (properties.households < MIN_HOUSEHOLDS) return 'under';
  if (properties.households > MAX_HOUSEHOLDS) return 'over';
  return 'in';
}

/** [r, g, b] of each class; fills use them with alpha. */
export const KIND_COLOURS: Record<GridKind, [number, number, number]> = {
  urban: [46, 116, 181],
  rural: [67, 160, 71],
  special: [142, 84, 191],
};

export const FULLNESS_COLOURS: Record<Fullness, [number, number, number]> = {
  under: [240, 170, 30],
  in: [46, 160, 90],
  over: [214, 64, 69],
  none: [130, 130, 150],
};

export const EDITED_COLOUR: [number, number, number] = [0, 150, 200];
export const SELECTED_COLOUR: [number, number, number] = [255, 196, 0];
export const PROBLEM_COLOUR: [number, number, number] = [230, 0, 40];

export function gridColour(properties: Pick<GridProperties, 'kind' | 'households'>, mode: ColourMode): [number, number, number] {
  return mode === 'kind' ? KIND_COLOURS[properties.kind] ?? KIND_COLOURS.urban : FULLNESS_COLOURS[fullness(properties)];
}

export const rgba = ([r, g, b]: [number, number, number], a: number) => `rgba(${r},${g},${b},${a})`;

export function isGridCode(text: string): boolean {
  return /^\d{15}$/.test(text);
}

export function isRegionCode(text: string): boolean {
  return /^\d{12}$/.test(text);
}
