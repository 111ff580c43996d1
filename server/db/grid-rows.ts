/**
 * Reading grid versions back: the columns every read selects and the row → GeoJSON Feature
 * mapping, shared by the current, asOf and history reads.
 */
import { sql, type Expression, type InferResult, type Kysely, type SqlBool } from 'kysely';
import type { MultiPolygon } from 'geojson';
import type { Database } from './schema.js';
import { effectiveHouseholds } from './households.js';
import type { GridFeature, GridVersionFeature } from '../api-types/grids.js';

export type { GridFeature, GridProperties, GridVersionFeature } from '../api-types/grids.js';

/** The columns of grid_versions (aliased `v`) that every read returns, geometry as GeoJSON text. */
export const versionColumns = [
  'v.code',
  'v.version',
  'v.op',
  'v.valid_from',
  'v.valid_to',
  'v.region_code',
  'v.name',
  'v.kind',
  'v.special_type',
  effectiveHouseholds.as('households'),
  'v.households as stored_households',
  'v.households_source',
  'v.population',
  'v.actor',
  'v.reason',
  sql<string>`ST_AsGeoJSON(v.geom, 7)`.as('geojson'),
] as const;

/** Grid versions (aliased `v`) with versionColumns selected: where every read of grids starts. */
export const selectVersions = (db: Kysely<Database>) => db.selectFrom('grid_versions as v').select(versionColumns);

/** A grid version as versionColumns reads it: the type Kysely infers from the schema. */
export type VersionRow = InferResult<ReturnType<typeof selectVersions>>[number];

export function toFeature(row: VersionRow): GridFeature {
  return {
    type: 'Feature',
    id: row.code,
    geometry: JSON.parse(row.geojson) as MultiPolygon,
    properties: {
      code: row.code,
      regionCode: row.region_code,
      name: row.name,
      kind: row.kind,
      specialType: row.special_type,
      households: row.households === null ? null : Number(row.households),
      householdsSource: row.households_source ?? 'stored',
      storedHouseholds: row.stored_households,
      population: row.population,
      version: row.version,
      validFrom: row.valid_from.toISOString(),
      updatedBy: row.actor,
    },
  };
}

export function toVersionFeature(row: VersionRow): GridVersionFeature {
  const feature = toFeature(row);
  return {
    ...feature,
    id: `${row.code}@${row.version}`,
    properties: { ...feature.properties, op: row.op, validTo: row.valid_to?.toISOString() ?? null, reason: row.reason },
  };
}

/**
 * The versions of grid_versions `v` in force: the live ones (no asOf), or those valid at `asOf`.
 * A retire version closes a grid's life, so it is never "in force".
 */
export function inForce(asOf?: Date): Expression<SqlBool> {
  return asOf
    ? sql<SqlBool>`v.valid_from <= ${asOf} AND (v.valid_to IS NULL OR v.valid_to > ${asOf}) AND v.op <> 'retire'`
    : sql<SqlBool>`v.valid_to IS NULL AND v.op <> 'retire'`;
}
