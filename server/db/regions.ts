/**
 * Regions: the administrative tree (province → city → county → township → village/community),
 * and the coverage of a region by its live grids.
 */
import { sql, type InferResult, type Kysely } from 'kysely';
import type { MultiPolygon, Polygon } from 'geojson';
import type { Database } from './schema.js';
import type { CoveragePieces, RegionCoverage } from '../api-types/regions.js';
import { OUTSIDE_TOLERANCE_M, beyondTolerance } from './grid-checks.js';
import { text } from '../i18n/catalogue.js';
import { inTransaction } from './transaction.js';
import { notFoundError, conflictError, invalidError } from '../domain-errors.js';
import { regionCodeProblem, regionPrefix, type RegionLevel } from '../geo/codes.js';
import type { Polygonal } from '../geo/validate.js';
import { inForce } from './grid-rows.js';
import { validityReason } from '../geo/validate.js';
import type { RegionFeature, RegionProperties } from '../api-types/regions.js';

export interface NewRegion {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string | null;
  boundary: Polygonal;
}

/** A region's own properties (the API's, server/api-types/regions.ts), without its children. */
export type RegionSummary = Omit<RegionProperties, 'children'>;

export type { RegionFeature };


const regionColumns = ['code', 'name', 'level', 'parent_code', sql<string>`ST_AsGeoJSON(boundary, 7)`.as('geojson')] as const;
/** Regions with regionColumns: its rows' type is what Kysely infers from the schema. */
const selectRegions = (db: Kysely<Database>) => db.selectFrom('regions').select(regionColumns);
type RegionRow = InferResult<ReturnType<typeof selectRegions>>[number];

function summary(row: Omit<RegionRow, 'geojson'>): RegionSummary {
  return { code: row.code, name: row.name, level: row.level, parentCode: row.parent_code };
}

function toFeature(row: RegionRow): RegionFeature {
  return { type: 'Feature', id: row.code, geometry: JSON.parse(row.geojson) as MultiPolygon, properties: summary(row) };
}

export async function createRegion(db: Kysely<Database>, region: NewRegion): Promise<RegionFeature> {
  return inTransaction(db, async (trx) => {
    let parent: { code: string; level: RegionLevel } | undefined;
    if (region.parentCode !== null) {
      const row = await trx.selectFrom('regions').select(['code', 'level']).where('code', '=', region.parentCode).executeTakeFirst();
      if (!row) throw invalidError('unknown_region', text('unknown_region.parent', { parentCode: region.parentCode }), { parentCode: region.parentCode });
      parent = { code: row.code, level: row.level };
    }
    const problem = regionCodeProblem(region.code, region.level, parent);
    if (problem) throw invalidError('invalid_code', problem, { code: region.code, level: region.level });

    const existing = await trx.selectFrom('regions').select('code').where('code', '=', region.code).executeTakeFirst();
    if (existing) throw conflictError('region_exists', text('region_exists', { code: region.code }), { code: region.code });

    const geometry = JSON.stringify(region.boundary);
    const { rows } = await sql<{ valid: boolean; reason: string; location: string | null }>`
      WITH g AS (SELECT ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(${geometry}), 4326)) AS geom)
      SELECT ST_IsValid(geom) AS valid, ST_IsValidReason(geom) AS reason,
             ST_AsGeoJSON((ST_IsValidDetail(geom)).location, 7) AS location
      FROM g`.execute(trx);
    if (!rows[0].valid) {
      throw invalidError('invalid_geometry', text('invalid_geometry.boundary', { reason: validityReason(rows[0].reason) }), {
        reason: rows[0].reason,
        location: rows[0].location ? JSON.parse(rows[0].location) : null,
      });
    }
    if (parent) await assertInsideParent(trx, geometry, parent.code);
    await trx
      .insertInto('regions')
      .values({
        code: region.code,
        name: region.name,
        level: region.level,
        parent_code: region.parentCode,
        boundary: sql<string>`ST_Multi(ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(${geometry}), 4326)))`,
      })
      .execute();
    return getRegion(trx, region.code);
  });
}

/**
 * A region lies within its parent, as a grid lies within its village: a part further outside
 * than OUTSIDE_TOLERANCE_M (digitising slack along the shared border) is refused, with the part
 * and its area. Otherwise a key of one township could draw a village over another township and
 * so take in that area's grids and incidents.
 */
async function assertInsideParent(db: Kysely<Database>, geometry: string, parentCode: string): Promise<void> {
  const { rows } = await sql<{ outside: string; area: number }>`
    WITH g AS (SELECT ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(${geometry}), 4326)) AS geom),
    outside AS (
      SELECT r.boundary, ST_Difference(g.geom, r.boundary) AS part
      FROM g JOIN regions r ON r.code = ${parentCode}
      WHERE NOT ST_CoveredBy(g.geom, r.boundary)
    )
    SELECT ST_AsGeoJSON(part, 7) AS outside, ST_Area(part::geography) AS area
    FROM outside
    WHERE NOT ST_IsEmpty(part)
      AND ${beyondTolerance(sql.ref('part'), sql.ref('boundary'))}`.execute(db);
  const row = rows[0];
  if (row) {
    throw invalidError('outside_parent', text('outside_parent', { parent: parentCode, area: Math.round(row.area), tolerance: OUTSIDE_TOLERANCE_M }), {
      parentCode,
      areaM2: row.area,
      outside: JSON.parse(row.outside),
    });
  }
}

export async function getRegion(db: Kysely<Database>, code: string): Promise<RegionFeature> {
  const row = await selectRegions(db).where('code', '=', code).executeTakeFirst();
  if (!row) throw notFoundError('unknown_region', text('unknown_region', { code }));
  const children = await db
    .selectFrom('regions')
    .select(['code', 'name', 'level', 'parent_code'])
    .where('parent_code', '=', code)
    .orderBy('code')
    .execute();
  const feature = toFeature(row);
  feature.properties.children = children.map(summary);
  return feature;
}

/** The children of `parentCode`, or the roots of the tree when it is null. */
export async function listRegions(db: Kysely<Database>, parentCode: string | null): Promise<RegionFeature[]> {
  let query = selectRegions(db).orderBy('code');
  query = parentCode === null ? query.where('parent_code', 'is', null) : query.where('parent_code', '=', parentCode);
  const rows = await query.execute();
  if (rows.length === 0 && parentCode !== null) {
    const parent = await db.selectFrom('regions').select('code').where('code', '=', parentCode).executeTakeFirst();
    if (!parent) throw notFoundError('unknown_region', text('unknown_region', { code: parentCode }));
  }
  return rows.map(toFeature);
}

/**
 * A region's boundary at full precision (the API rounds to 7 decimals, ≈1 cm): a division must
 * share the stored outline exactly, or its grids leave centimetre slivers along the edge.
 */
export async function exactBoundary(db: Kysely<Database>, code: string): Promise<MultiPolygon> {
  const row = await db.selectFrom('regions').select(sql<string>`ST_AsGeoJSON(boundary, 15)`.as('geojson')).where('code', '=', code).executeTakeFirst();
  if (!row) throw notFoundError('unknown_region', text('unknown_region', { code }));
  return JSON.parse(row.geojson) as MultiPolygon;
}

export async function regionLevel(db: Kysely<Database>, code: string): Promise<RegionLevel> {
  const row = await db.selectFrom('regions').select('level').where('code', '=', code).executeTakeFirst();
  if (!row) throw notFoundError('unknown_region', text('unknown_region', { code }));
  return row.level;
}

/** Whether a region of this code is stored. */
export async function regionExists(db: Kysely<Database>, code: string): Promise<boolean> {
  return (await db.selectFrom('regions').select('code').where('code', '=', code).executeTakeFirst()) !== undefined;
}

export async function countRegions(db: Kysely<Database>): Promise<number> {
  const { n } = await db.selectFrom('regions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(n);
}


/** Pieces smaller than this are digitising noise, not gaps or overlaps worth showing. */
const PIECE_MIN_M2 = 1;

/**
 * How well the live grids (or those at `asOf`) of a region's subtree cover it: the covered
 * share of its area, the uncovered pieces, and every pairwise overlap.
 */
export async function regionCoverage(db: Kysely<Database>, code: string, asOf?: Date): Promise<RegionCoverage> {
  const level = await regionLevel(db, code);
  const prefix = regionPrefix(code, level);
  const grids = sql`SELECT v.code, v.geom FROM grid_versions v WHERE ${inForce(asOf)} AND v.code LIKE ${`${prefix}%`}`;

  const { rows: summaryRows } = await sql<{ grids: number; ratio: number | null }>`
    WITH g AS (${grids}), r AS (SELECT boundary FROM regions WHERE code = ${code})
    SELECT (SELECT count(*) FROM g) AS grids,
           ST_Area(ST_Intersection((SELECT ST_Union(geom) FROM g), r.boundary)::geography)
             / NULLIF(ST_Area(r.boundary::geography), 0) AS ratio
    FROM r`.execute(db);

  const { rows: gapRows } = await sql<{ geojson: string; area: number }>`
    WITH g AS (${grids}), r AS (SELECT boundary FROM regions WHERE code = ${code}),
    gap AS (
      SELECT (ST_Dump(ST_CollectionExtract(
        COALESCE(ST_Difference(r.boundary, (SELECT ST_Union(geom) FROM g)), r.boundary), 3))).geom AS geom
      FROM r
    )
    SELECT ST_AsGeoJSON(geom, 7) AS geojson, ST_Area(geom::geography) AS area
    FROM gap WHERE ST_Area(geom::geography) > ${PIECE_MIN_M2}
    ORDER BY area DESC`.execute(db);

  const { rows: overlapRows } = await sql<{ a: string; b: string; geojson: string; area: number }>`
    WITH g AS (${grids}),
    pairs AS (
      SELECT a.code AS a, b.code AS b, ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 3) AS geom
      FROM g a JOIN g b ON a.code < b.code AND ST_Intersects(a.geom, b.geom) AND NOT ST_Touches(a.geom, b.geom)
    )
    SELECT a, b, ST_AsGeoJSON(geom, 7) AS geojson, ST_Area(geom::geography) AS area
    FROM pairs WHERE ST_Area(geom::geography) > 0
    ORDER BY area DESC`.execute(db);

  return {
    regionCode: code,
    grids: Number(summaryRows[0].grids),
    coveredRatio: summaryRows[0].ratio ?? 0,
    gaps: {
      type: 'FeatureCollection',
      features: gapRows.map((row) => ({ type: 'Feature', geometry: JSON.parse(row.geojson), properties: { areaM2: row.area } })),
    },
    overlaps: {
      type: 'FeatureCollection',
      features: overlapRows.map((row) => ({
        type: 'Feature',
        geometry: JSON.parse(row.geojson),
        properties: { codes: [row.a, row.b], areaM2: row.area },
      })),
    },
  };
}

