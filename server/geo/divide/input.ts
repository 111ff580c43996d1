/**
 * A division request's GeoJSON → checked, typed input. Every problem is reported (the route
 * turns them into one 4xx); nothing is guessed.
 */
import type { SkippedBarriers } from './proposal-types.js';
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon, Position } from 'geojson';
import gjv from 'geojson-validation';
import { SPECIAL_TYPES, type SpecialType } from '../codes.js';
import { readLandUse } from '../land-use-kinds.js';
import { DEFAULT_SPECIAL_CANDIDATE_RULE, SPECIAL_CANDIDATE_DEFAULTS, type SpecialCandidateRule } from './stages/specials.js';
import { MAX_NAME_LENGTH } from '../features.js';
import * as turf from '@turf/turf';
import { checkPolygonal, chinaExtentProblem, countVertices, geojsonTrace, type Polygonal, type Problem } from '../validate.js';
import { householdsByFootprint } from '../households.js';
import { BARRIER_KINDS, type BarrierKind } from './types.js';
import { BARRIER_KEYS, pointSkipLabel, readBarrierKind, skipTally } from '../barrier-kinds.js';
import { shown, text, type Text } from '../../i18n/catalogue.js';

export interface BuildingInput {
  geometry: Polygon | MultiPolygon | { type: 'Point'; coordinates: Position };
  households: number;
  compound: string | null;
  /** Position in the request, to report and to trace a building through the division. */
  index: number;
  properties: Record<string, unknown>;
}

export interface BarrierInput {
  geometry: Geometry;
  kind: BarrierKind;
  /** properties.name: a road's or river's name, to name it in flags. */
  name?: string;
}

/**
 * A road or railway in a tunnel (properties.is_tunnel, as Tilezen writes it, or tunnel=yes as
 * OpenStreetMap does) divides nothing on the ground: it is left out of the barriers.
 */
export function underground(properties: Record<string, unknown> | null | undefined): boolean {
  const tunnel = properties?.is_tunnel ?? properties?.tunnel;
  return tunnel === true || tunnel === 'yes' || tunnel === 'true';
}

/**
 * A building below ground (OpenStreetMap's layer < 0, as Tilezen passes it on, or
 * location=underground: a metro station under a square, an underground mall) stands on no
 * ground that a grid border could go around: the division places it by a point inside its
 * footprint (in the grid above it) instead of keeping its outline whole.
 */
export function belowGround(properties: Record<string, unknown> | null | undefined): boolean {
  const layer = Number(properties?.layer);
  return (Number.isFinite(layer) && layer < 0) || properties?.location === 'underground';
}

function onTheGround(building: BuildingInput): BuildingInput {
  if (building.geometry.type === 'Point' || !belowGround(building.properties)) return building;
  return { ...building, geometry: turf.pointOnFeature(building.geometry).geometry };
}

export interface SpecialInput {
  geometry: Polygonal;
  specialType: string;
  name: string | null;
  /**
   * The live special grid this is (properties.code, 15 digits), kept as it is when the proposal
   * is applied; null for a special grid the proposal creates.
   */
  code: string | null;
}

/** A live basic grid an adjustment keeps as it is: same code, same border (see adjust.ts). */
export interface KeptGridInput {
  code: string;
  geometry: Polygonal;
}

export interface DivisionInput {
  area: Polygonal;
  buildings: BuildingInput[];
  barriers: BarrierInput[];
  specials: SpecialInput[];
  minHouseholds: number;
  maxHouseholds: number;
  /** Grids kept as they are; only the rest of the area is divided. */
  keep?: KeptGridInput[];
  /** In an adjustment, the live grids whose ground is divided again (to tell changed grids from new ones). */
  freed?: KeptGridInput[];
  /** Barrier features read but left out: known values that divide nothing (a ferry, a fountain) and points. */
  skippedBarriers?: SkippedBarriers;
  /**
   * When large land without homes is proposed as a special grid (stages/specials.ts): null
   * never; absent, the defaults (SPECIAL_CANDIDATE_DEFAULTS).
   */
  specialCandidates?: SpecialCandidateRule | null;
  /** Outlines that say what their land is (park, campus…): land-use polygons among the barriers, which bound nothing. */
  landUse?: LandUseInput[];
}

export interface LandUseInput {
  geometry: Polygonal;
  specialType: SpecialType;
}

export type { SkippedBarriers };

export const DIVISION_LIMITS = { buildings: 100_000, barriers: 50_000, specials: 1_000, vertices: 5_000_000 } as const;

/** A problem of one member of the request (`buildings[3]`, `boundary`). */
function at(where: string, message: Text): Text {
  return text('problem.at', { where, message });
}

function collection(value: unknown, name: string, problems: Problem[]): Feature[] {
  if (value === undefined || value === null) return [];
  const fc = value as FeatureCollection;
  if (typeof value !== 'object' || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    problems.push({ code: 'invalid_geojson', message: text('invalid_geojson.collection', { name }) });
    return [];
  }
  return fc.features;
}

function featureTrace(feature: unknown): Text[] {
  return geojsonTrace(() => gjv.isFeature(feature, true));
}

/** Self-intersections are checked up to this many vertices (the test is quadratic). */
const KINK_CHECK_VERTICES = 20_000;

/**
 * Where a polygon crosses itself, or undefined. (The stored grids are judged by PostGIS; the
 * division runs without the database, so its own inputs are checked here.)
 */
function selfIntersection(geometry: Polygonal): Problem | undefined {
  if (countVertices(geometry) > KINK_CHECK_VERTICES) return undefined;
  const [kink] = turf.kinks(geometry).features;
  if (!kink) return undefined;
  return {
    code: 'invalid_geometry',
    message: text('invalid_geometry.self_intersection', { at: `[${kink.geometry.coordinates.join(', ')}]` }),
    details: { location: kink.geometry },
  };
}

/** Positive integer option with a default. */
function householdOption(value: unknown, name: string, fallback: number, problems: Problem[]): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 100_000) {
    problems.push({ code: 'invalid_parameter', message: text('invalid_parameter.households_option', { name, got: shown(value) }) });
    return fallback;
  }
  return value;
}

export interface BuildingOptions {
  /** 'footprint': households from the frozen footprint rule (server/geo/households.ts). */
  householdsRule?: 'footprint';
}

/**
 * A FeatureCollection of buildings (footprints or address points) with `properties.households`
 * (or computed by `householdsRule`) and optional `properties.compound`.
 */
export function parseBuildings(value: unknown, problems: Problem[], options: BuildingOptions = {}): BuildingInput[] {
  const buildings: BuildingInput[] = [];
  const features = collection(value, 'buildings', problems);
  if (features.length > DIVISION_LIMITS.buildings) {
    problems.push({ code: 'batch_too_large', message: text('batch_too_large.buildings', { count: features.length, limit: DIVISION_LIMITS.buildings }) });
    return buildings;
  }
  features.forEach((feature, index) => {
    const where = `buildings[${index}]`;
    const trace = featureTrace(feature);
    if (trace.length > 0) return void problems.push({ code: 'invalid_geojson', message: at(where, text('invalid_geojson.trace', { type: 'Feature', trace })) });
    const geometry = feature.geometry;
    if (!geometry || !['Point', 'Polygon', 'MultiPolygon'].includes(geometry.type)) {
      return void problems.push({ code: 'wrong_geometry_type', message: at(where, text('wrong_geometry_type.building')) });
    }
    if (geometry.type !== 'Point') {
      const checked = checkPolygonal(geometry, { maxVertices: 10_000 });
      if (checked.problems) return void problems.push(...checked.problems.map((p) => ({ ...p, message: at(where, p.message) })));
      const kink = selfIntersection(checked.geometry);
      if (kink) return void problems.push({ ...kink, message: at(where, kink.message) });
    } else {
      const outside = geometry.coordinates.every(Number.isFinite) ? chinaExtentProblem(geometry) : { code: 'invalid_geojson', message: text('invalid_geojson.not_finite') };
      if (outside) return void problems.push({ ...outside, message: at(where, outside.message) });
    }
    const properties = (feature.properties ?? {}) as Record<string, unknown>;
    const households =
      options.householdsRule === 'footprint'
        ? geometry.type === 'Point'
          ? 0
          : householdsByFootprint(properties, turf.area(geometry))
        : properties.households;
    if (typeof households !== 'number' || !Number.isInteger(households) || households < 0 || households > 100_000) {
      return void problems.push({
        code: 'invalid_property',
        message: at(where, text('invalid_property.households', { field: text('field.property', { property: 'households' }), got: shown(households) })),
        details: { property: 'households' },
      });
    }
    const compound = properties.compound;
    if (compound !== undefined && compound !== null && (typeof compound !== 'string' || compound.length > MAX_NAME_LENGTH)) {
      return void problems.push({ code: 'invalid_property', message: at(where, text('invalid_property.compound', { max: MAX_NAME_LENGTH })), details: { property: 'compound' } });
    }
    buildings.push({ geometry: geometry as BuildingInput['geometry'], households, compound: compound || null, index, properties });
  });
  return buildings;
}

/**
 * The members of a division request that parseDivisionInput reads, unchecked: the API's
 * options and layers (api-types/divisions.ts DivisionRequest declares them for clients), and
 * an adjustment's kept and freed grids, which only the service sets.
 */
export interface DivisionBody {
  minHouseholds?: unknown;
  maxHouseholds?: unknown;
  buildings?: unknown;
  barriers?: unknown;
  specials?: unknown;
  keep?: unknown;
  freed?: unknown;
  specialCandidates?: unknown;
}

/**
 * Checks a division request. `area` is the boundary to divide (a stored region's boundary is
 * passed in by the caller when the request names a regionCode).
 */
export function parseDivisionInput(
  body: DivisionBody,
  area: unknown,
): { value: DivisionInput; problems?: undefined } | { value?: undefined; problems: Problem[] } {
  const problems: Problem[] = [];
  const checkedArea = checkPolygonal(area, { maxVertices: 500_000 });
  if (checkedArea.problems) problems.push(...checkedArea.problems.map((p) => ({ ...p, message: at('boundary', p.message) })));
  const areaKink = checkedArea.geometry && selfIntersection(checkedArea.geometry);
  if (areaKink) problems.push({ ...areaKink, message: at('boundary', areaKink.message) });

  const minHouseholds = householdOption(body.minHouseholds, 'minHouseholds', 300, problems);
  const maxHouseholds = householdOption(body.maxHouseholds, 'maxHouseholds', 500, problems);
  if (minHouseholds > maxHouseholds) {
    problems.push({ code: 'invalid_parameter', message: text('invalid_parameter.min_above_max', { min: minHouseholds, max: maxHouseholds }) });
  }

  const buildings = parseBuildings(body.buildings, problems).map(onTheGround);

  const barriers: BarrierInput[] = [];
  const { skipped: skippedBarriers, skip } = skipTally();
  const landUse: LandUseInput[] = [];
  const barrierFeatures = collection(body.barriers, 'barriers', problems);
  if (barrierFeatures.length > DIVISION_LIMITS.barriers) {
    problems.push({ code: 'batch_too_large', message: text('batch_too_large.barriers', { count: barrierFeatures.length, limit: DIVISION_LIMITS.barriers }) });
  } else {
    barrierFeatures.forEach((feature, index) => {
      const where = `barriers[${index}]`;
      const trace = featureTrace(feature);
      if (trace.length > 0) return void problems.push({ code: 'invalid_geojson', message: at(where, text('invalid_geojson.trace', { type: 'Feature', trace })) });
      const reading = readBarrierKind(feature.properties);
      const type = feature.geometry?.type;
      if (type === 'Point' || type === 'MultiPoint') return skip(pointSkipLabel(reading));
      if ('unknown' in reading) {
        return void problems.push({
          code: 'invalid_property',
          message: at(where, text('invalid_property.barrier_value', { got: shown(reading.label === 'kind' ? reading.value : reading.label), allowed: BARRIER_KINDS, keys: BARRIER_KEYS.slice(1) })),
        });
      }
      if ('skip' in reading) {
        // A land-use polygon (leisure=park, amenity=school) bounds nothing, but says what its land is.
        const use = (type === 'Polygon' || type === 'MultiPolygon') && readLandUse(feature.properties);
        const shape = use ? checkPolygonal(feature.geometry, { maxVertices: 50_000 }) : undefined;
        if (use && shape?.geometry) landUse.push({ geometry: shape.geometry, specialType: use });
        return skip(reading.label);
      }
      if (!type || !['LineString', 'MultiLineString', 'Polygon', 'MultiPolygon'].includes(type)) {
        return void problems.push({ code: 'wrong_geometry_type', message: at(where, text('wrong_geometry_type.barrier')) });
      }
      if (underground(feature.properties)) return;
      const name = typeof feature.properties?.name === 'string' && feature.properties.name.trim() ? feature.properties.name.trim().slice(0, MAX_NAME_LENGTH) : undefined;
      barriers.push({ geometry: feature.geometry as Geometry, kind: reading.kind, ...(name ? { name } : {}) });
    });
  }

  const specials: SpecialInput[] = [];
  collection(body.specials, 'specials', problems).forEach((feature, index) => {
    const where = `specials[${index}]`;
    const checked = checkPolygonal(feature?.geometry, { maxVertices: 50_000 });
    if (checked.problems) return void problems.push(...checked.problems.map((p) => ({ ...p, message: at(where, p.message) })));
    const kink = selfIntersection(checked.geometry);
    if (kink) return void problems.push({ ...kink, message: at(where, kink.message) });
    const specialType = feature.properties?.specialType;
    if (!(SPECIAL_TYPES as readonly unknown[]).includes(specialType)) {
      return void problems.push({ code: 'invalid_property', message: at(where, text('invalid_property.special_type_division', { allowed: SPECIAL_TYPES })) });
    }
    const name = typeof feature.properties?.name === 'string' ? (feature.properties.name as string) : null;
    const code = feature.properties?.code ?? null;
    if (code !== null && (typeof code !== 'string' || !/^\d{15}$/.test(code))) {
      return void problems.push({ code: 'invalid_property', message: at(where, text('invalid_property.special_code')) });
    }
    specials.push({ geometry: checked.geometry, specialType: specialType as string, name, code });
  });

  if (problems.length === 0) problems.push(...specialOverlaps(specials));

  const specialCandidates = specialCandidateRule(body.specialCandidates, problems);
  const keep = parseGridList(body.keep, 'keep', problems);
  const freed = parseGridList(body.freed, 'freed', problems);

  if (problems.length > 0 || !checkedArea.geometry) return { problems };
  return {
    value: {
      area: checkedArea.geometry,
      buildings,
      barriers,
      specials,
      minHouseholds,
      maxHouseholds,
      ...(keep.length > 0 ? { keep } : {}),
      ...(freed.length > 0 ? { freed } : {}),
      ...(skippedBarriers.count > 0 ? { skippedBarriers } : {}),
      specialCandidates,
      ...(landUse.length > 0 ? { landUse } : {}),
    },
  };
}

/**
 * `specialCandidates`: `false` proposes none; absent, the defaults; an object sets
 * `minAreaHa` (hectares, > 0) and `minShare` (of the grid the land would join, 0–1), each
 * defaulting. Anything else is refused, naming what is allowed.
 */
export function specialCandidateRule(value: unknown, problems: Problem[]): SpecialCandidateRule | null {
  const defaults = DEFAULT_SPECIAL_CANDIDATE_RULE;
  if (value === false) return null;
  if (value === undefined || value === null) return defaults;
  const refuse = () => {
    problems.push({
      code: 'invalid_parameter',
      message: text('invalid_parameter.special_candidates', { got: shown(value), minAreaHa: SPECIAL_CANDIDATE_DEFAULTS.minAreaHa, minShare: SPECIAL_CANDIDATE_DEFAULTS.minShare }),
    });
    return defaults;
  };
  if (typeof value !== 'object' || Array.isArray(value)) return refuse();
  const { minAreaHa, minShare, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return refuse();
  const number = (v: unknown, fallback: number, ok: (n: number) => boolean) => (v === undefined ? fallback : typeof v === 'number' && Number.isFinite(v) && ok(v) ? v : undefined);
  const area = number(minAreaHa, SPECIAL_CANDIDATE_DEFAULTS.minAreaHa, (n) => n > 0 && n <= 100_000);
  const share = number(minShare, SPECIAL_CANDIDATE_DEFAULTS.minShare, (n) => n >= 0 && n <= 1);
  if (area === undefined || share === undefined) return refuse();
  return { minAreaM2: area * 1e4, minShare: share };
}

/** Grids named by code (an adjustment's kept and freed grids): Features with properties.code. */
function parseGridList(value: unknown, name: string, problems: Problem[]): KeptGridInput[] {
  const grids: KeptGridInput[] = [];
  collection(value, name, problems).forEach((feature, index) => {
    const where = `${name}[${index}]`;
    const checked = checkPolygonal(feature?.geometry, { maxVertices: 50_000 });
    if (checked.problems) return void problems.push(...checked.problems.map((p) => ({ ...p, message: at(where, p.message) })));
    const code = feature.properties?.code;
    if (typeof code !== 'string' || !/^\d{15}$/.test(code)) {
      return void problems.push({ code: 'invalid_property', message: at(where, text('invalid_property.grid_code')) });
    }
    grids.push({ code, geometry: checked.geometry });
  });
  return grids;
}

/**
 * Whether two polygons are the same place drawn twice (each covers all but 1 % of the other):
 * a request that sends a special grid the village already keeps names it again, it does not
 * put a second one on top.
 */
export function samePlace(a: Polygonal, b: Polygonal): boolean {
  let shared;
  try {
    shared = turf.intersect(turf.featureCollection([turf.feature(a), turf.feature(b)]));
  } catch {
    return false; // a shape the overlay cannot take is not the kept one; the input checks say why
  }
  if (!shared) return false;
  const common = turf.area(shared);
  return common >= 0.99 * Math.max(turf.area(a), turf.area(b));
}

/** Overlaps of more than this many square metres between two specials are refused. */
const SPECIAL_OVERLAP_M2 = 1;

/**
 * Special grids may touch but not overlap: a school and a market cannot both own a courtyard (a
 * requested special drawn over a kept one, for instance). Pairs are screened by bounding box.
 */
export function specialOverlaps(specials: Pick<SpecialInput, 'geometry' | 'name' | 'code'>[]): Problem[] {
  const problems: Problem[] = [];
  const boxes = specials.map((special) => turf.bbox(special.geometry));
  const label = (i: number) => `specials[${i}]${specials[i].code ? ` (${specials[i].code})` : specials[i].name ? ` (${specials[i].name})` : ''}`;
  for (let i = 0; i < specials.length; i++) {
    for (let j = i + 1; j < specials.length; j++) {
      const [a, b] = [boxes[i], boxes[j]];
      if (a[0] > b[2] || b[0] > a[2] || a[1] > b[3] || b[1] > a[3]) continue;
      const shared = turf.intersect(turf.featureCollection([turf.feature(specials[i].geometry), turf.feature(specials[j].geometry)]));
      const m2 = shared ? turf.area(shared) : 0;
      if (m2 > SPECIAL_OVERLAP_M2) problems.push({ code: 'specials_overlap', message: text('specials_overlap', { a: label(i), b: label(j), area: Math.round(m2) }) });
    }
  }
  return problems;
}
