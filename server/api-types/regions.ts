/**
 * Regions and what the API answers about a village (GET /api/regions…, its households' points,
 * its stored lines), declared once: the server builds them (db/regions.ts, db/households.ts,
 * db/reference-lines.ts) and the web client reads them (client/src/api.ts imports these types).
 * Types only — nothing here runs.
 */
import type { Feature, Geometry, LineString, MultiLineString, MultiPolygon, Polygon } from 'geojson';
import type { RegionLevel } from '../geo/codes.js';
import type { HouseholdPoint, HouseholdsSource } from '../geo/households.js';
import type { LineKind, RoadClass } from '../geo/line-kinds.js';
import type { SkippedBarriers } from '../geo/divide/proposal-types.js';

export type { RegionLevel };

/** A region's properties; one region read alone also names its children. */
export interface RegionProperties {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string | null;
  children?: Omit<RegionProperties, 'children'>[];
}

/** A region as the API answers it (GET /api/regions/:code, POST /api/regions): its boundary a MultiPolygon. */
export interface RegionFeature {
  type: 'Feature';
  id: string;
  geometry: MultiPolygon;
  properties: RegionProperties;
}

/** GET /api/regions?parent=: the regions under a parent (the top level without one). */
export interface RegionCollection {
  type: 'FeatureCollection';
  features: RegionFeature[];
}

/** GET /api/regions/:code/buildings: the village's building footprints, their other properties as imported. */
export interface BuildingsAnswer {
  type: 'FeatureCollection';
  features: Feature<Geometry, { households: number; compound?: string; [other: string]: unknown }>[];
}

/** What a village's households are counted from (GET /api/regions/:code/households). */
export interface HouseholdPointsAnswer {
  regionCode: string;
  source: HouseholdsSource;
  points: HouseholdPoint[];
}

/**
 * A village's stored road, river, railway, ridge or water area (GET /api/regions/:code/lines):
 * the imported feature's other properties come along as they were.
 */
export interface ReferenceLineProperties {
  kind: LineKind;
  /** Roads only: major (default), minor or path. */
  class?: RoadClass;
  name: string | null;
  [other: string]: unknown;
}

/** A stored line: roads, rivers, railways and ridges are lines, water areas polygons (geo/reference-lines.ts checks them so). */
export type ReferenceLineGeometry = LineString | MultiLineString | Polygon | MultiPolygon;

export interface ReferenceLineFeature {
  type: 'Feature';
  id: number;
  geometry: ReferenceLineGeometry;
  properties: ReferenceLineProperties;
}

/** GET /api/regions/:code/lines?bbox=: the village's lines, those meeting the box when given. */
export interface ReferenceLinesAnswer {
  type: 'FeatureCollection';
  features: ReferenceLineFeature[];
}

/** PUT /api/regions/:code/buildings: how many buildings the village's layer now holds, and their households. */
export interface BuildingsReplaced {
  regionCode: string;
  buildings: number;
  households: number;
}

/** PUT /api/regions/:code/lines: how many lines the village now has, by kind. */
export interface ReferenceLinesReplaced {
  regionCode: string;
  lines: number;
  byKind: Record<string, number>;
  /** Features left out: points, values that divide nothing (a ferry, a fountain), tunnels — by what was read. */
  skipped: SkippedBarriers;
  /** Lines left out for lying more than 50 m outside the region: their positions in the request's features. */
  outside: number[];
}

/** The gaps or overlaps of a region's grids, as polygons. */
export interface CoveragePieces {
  type: 'FeatureCollection';
  features: { type: 'Feature'; geometry: Polygon | MultiPolygon; properties: Record<string, unknown> }[];
}

/** GET /api/regions/:code/coverage: how much of the region its grids cover, where they leave gaps and where they overlap. */
export interface RegionCoverage {
  regionCode: string;
  grids: number;
  coveredRatio: number;
  gaps: CoveragePieces;
  overlaps: CoveragePieces;
}
