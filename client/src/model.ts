/** Shared rules and colours of the planner view. */
import type { GridKind, GridProperties } from './api';
import * as palette from './palette';

/** The national practice: a basic grid holds about 300–500 households. */
export const MIN_HOUSEHOLDS = 300;
export const MAX_HOUSEHOLDS = 500;

export type Fullness = 'under' | 'in' | 'over' | 'none';
/** How grids are filled: by kind, by households (the planner), or not at all (the command centre: outlines under its own colours). */
export type ColourMode = 'kind' | 'fullness' | 'outline';

export function fullness(properties: Pick<GridProperties, 'kind' | 'households'>): Fullness {
  if (properties.kind === 'special' || properties.households === null || properties.households === undefined) return 'none';
  if (properties.households < MIN_HOUSEHOLDS) return 'under';
  if (properties.households > MAX_HOUSEHOLDS) return 'over';
  return 'in';
}

/** [r, g, b] of each class (palette.ts: no two meanings share a colour); fills use them with alpha. */
export const KIND_COLOURS: Record<GridKind, [number, number, number]> = palette.KIND_COLOURS;

/** A grid with no household figure ('none') is outlined, not filled. */
export const FULLNESS_COLOURS: Record<Fullness, [number, number, number]> = { ...palette.HOUSEHOLD_COLOURS, none: palette.NO_HOUSEHOLDS_OUTLINE };

export const { EDITED_COLOUR, SELECTED_COLOUR, PROBLEM_COLOUR } = palette;

export function gridColour(properties: Pick<GridProperties, 'kind' | 'households'>, mode: ColourMode): [number, number, number] {
  if (mode === 'outline') return palette.NO_HOUSEHOLDS_OUTLINE;
  return mode === 'kind' ? KIND_COLOURS[properties.kind] ?? KIND_COLOURS.urban : FULLNESS_COLOURS[fullness(properties)];
}

export const rgba = ([r, g, b]: [number, number, number], a: number) => `rgba(${r},${g},${b},${a})`;

export function isGridCode(text: string): boolean {
  return /^\d{15}$/.test(text);
}

export function isRegionCode(text: string): boolean {
  return /^\d{12}$/.test(text);
}
