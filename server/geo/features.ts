/**
 * Incoming region and grid Features → typed values, or the problems that keep them out.
 * Pure: the same parsing serves the HTTP routes, the importers and the demo loader.
 */
import { GRID_KINDS, REGION_LEVELS, SPECIAL_TYPES, isRegionLevel, type GridKind, type RegionLevel } from './codes.js';
import { checkPolygonal, featureShapeProblem, type Polygonal, type Problem } from './validate.js';
import { shown, text, type MessageKey, type Params } from '../i18n/catalogue.js';

export const MAX_NAME_LENGTH = 100;
export const MAX_HOUSEHOLDS = 100_000;
export const MAX_POPULATION = 1_000_000;

type Parsed<T> = { value: T; problems?: undefined } | { value?: undefined; problems: Problem[] };

/**
 * A property refused. Its message names it through `{field}` (properties.name here; an import
 * names the file's column instead: server/services/file-import.ts), and `details.property` says which.
 */
export function propertyProblem(name: string, key: MessageKey, params: Params = {}): Problem {
  return { code: 'invalid_property', message: text(key, { ...params, field: text('field.property', { property: name }) }), details: { property: name } };
}

function parseName(value: unknown, problems: Problem[]): string {
  if (typeof value !== 'string' || value.trim() === '') {
    problems.push(propertyProblem('name', 'invalid_property.empty_string'));
    return '';
  }
  if (value.length > MAX_NAME_LENGTH) {
    problems.push(propertyProblem('name', 'invalid_property.too_long', { max: MAX_NAME_LENGTH }));
  }
  return value.trim();
}

function parseCount(name: string, value: unknown, max: number, problems: Problem[]): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    problems.push(propertyProblem(name, 'invalid_property.count', { max, got: shown(value) }));
    return null;
  }
  return value;
}

function parseCode(name: string, value: unknown, digits: number, problems: Problem[]): string {
  if (typeof value !== 'string' || !new RegExp(`^\\d{${digits}}$`).test(value)) {
    problems.push(propertyProblem(name, 'invalid_property.code_digits', { digits, got: shown(value) }));
    return '';
  }
  return value;
}

function propertiesOf(feature: unknown): Record<string, unknown> {
  return ((feature as { properties?: Record<string, unknown> | null }).properties ?? {}) as Record<string, unknown>;
}

export interface GridInput {
  regionCode?: string;
  name: string;
  kind: GridKind;
  specialType: string | null;
  households: number | null;
  population: number | null;
  geometry: Polygonal;
}

/**
 * A grid Feature. `regionCode` is required when creating (`requireRegion`) and optional when
 * updating. Server-assigned members a client echoes back (code, version…) are ignored.
 */
export function parseGridFeature(
  feature: unknown,
  options: { maxVertices: number; requireRegion: boolean },
): Parsed<GridInput> {
  const shape = featureShapeProblem(feature);
  if (shape) return { problems: [shape] };
  const properties = propertiesOf(feature);
  const problems: Problem[] = [];

  let regionCode: string | undefined;
  if (options.requireRegion || properties.regionCode !== undefined) {
    regionCode = parseCode('regionCode', properties.regionCode, 12, problems);
  }
  const name = parseName(properties.name, problems);
  const kind = properties.kind as GridKind;
  if (!(GRID_KINDS as readonly unknown[]).includes(kind)) {
    problems.push(propertyProblem('kind', 'invalid_property.one_of', { allowed: GRID_KINDS, got: shown(properties.kind) }));
  }
  let specialType: string | null = null;
  if (kind === 'special') {
    if (!(SPECIAL_TYPES as readonly unknown[]).includes(properties.specialType)) {
      problems.push(propertyProblem('specialType', 'invalid_property.special_type', { allowed: SPECIAL_TYPES, got: shown(properties.specialType) }));
    } else {
      specialType = properties.specialType as string;
    }
  } else if (properties.specialType !== undefined && properties.specialType !== null) {
    problems.push(propertyProblem('specialType', 'invalid_property.special_type_only_special', { kind: String(kind) }));
  }
  const households = parseCount('households', properties.households, MAX_HOUSEHOLDS, problems);
  const population = parseCount('population', properties.population, MAX_POPULATION, problems);

  const geometry = checkPolygonal((feature as { geometry?: unknown }).geometry, { maxVertices: options.maxVertices });
  if (geometry.problems) problems.push(...geometry.problems);
  if (problems.length > 0 || !geometry.geometry) return { problems };
  return { value: { regionCode, name, kind, specialType, households, population, geometry: geometry.geometry } };
}

export interface RegionInput {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string | null;
  boundary: Polygonal;
}

export function parseRegionFeature(feature: unknown, options: { maxVertices: number }): Parsed<RegionInput> {
  const shape = featureShapeProblem(feature);
  if (shape) return { problems: [shape] };
  const properties = propertiesOf(feature);
  const problems: Problem[] = [];
  const code = parseCode('code', properties.code, 12, problems);
  const name = parseName(properties.name, problems);
  const level = properties.level;
  if (!isRegionLevel(level)) {
    problems.push(propertyProblem('level', 'invalid_property.one_of', { allowed: REGION_LEVELS, got: shown(level) }));
  }
  let parentCode: string | null = null;
  if (properties.parentCode !== undefined && properties.parentCode !== null) {
    parentCode = parseCode('parentCode', properties.parentCode, 12, problems);
  }
  const boundary = checkPolygonal((feature as { geometry?: unknown }).geometry, options);
  if (boundary.problems) problems.push(...boundary.problems);
  if (problems.length > 0 || !boundary.geometry) return { problems };
  return { value: { code, name, level: level as RegionLevel, parentCode, boundary: boundary.geometry } };
}
