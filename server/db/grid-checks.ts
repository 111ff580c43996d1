/**
 * Topology checks of grid writes, run set-wise inside the write's transaction: the incoming
 * grids are staged in a temporary table, and each check is one SQL statement over all of them.
 * A batch of 10,000 grids thus costs a handful of statements, not 10,000 round trips, and the
 * checks see the batch's own members as well as the stored grids.
 */
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Database } from './schema.js';
import { validityReason, type Problem, type Polygonal } from '../geo/validate.js';
import { text } from '../i18n/catalogue.js';
import { levelWord } from '../i18n/words.js';

/** Parts of a grid further than this outside its village are refused (digitising slack). */
export const OUTSIDE_TOLERANCE_M = 1;
/** Overlaps with other grids up to this area are tolerated as slivers. */
export const OVERLAP_TOLERANCE_M2 = 1;

export interface StagedGrid {
  /** Position in the request (0 for a single write), used to report problems. */
  index: number;
  /** Existing code for an update; null for a create. */
  code: string | null;
  regionCode: string;
  name: string;
  kind: string;
  specialType: string | null;
  households: number | null;
  population: number | null;
  geometry: Polygonal;
}

/** A transaction in which stage() has made grid_staging (schema.ts: GridStagingTable). */
export type StagingDb = Kysely<Database>;

/** Problems found, by request index. */
export class ProblemList {
  readonly byIndex = new Map<number, Problem[]>();
  add(index: number, problem: Problem): void {
    const list = this.byIndex.get(index);
    if (list) list.push(problem);
    else this.byIndex.set(index, [problem]);
  }
  get size(): number {
    return this.byIndex.size;
  }
  toJSON(): { index: number; problems: Problem[] }[] {
    return [...this.byIndex.entries()].sort(([a], [b]) => a - b).map(([index, problems]) => ({ index, problems }));
  }
}

const STAGE_CHUNK = 500;

/** Creates the temporary staging table (dropped at commit) and fills it. */
export async function stage(trx: Transaction<Database>, grids: StagedGrid[]): Promise<StagingDb> {
  await sql`
    CREATE TEMP TABLE grid_staging (
      idx integer PRIMARY KEY,
      code text,
      number integer,
      region_code text NOT NULL,
      name text NOT NULL,
      kind text NOT NULL,
      special_type text,
      households integer,
      population integer,
      geom geometry NOT NULL
    ) ON COMMIT DROP`.execute(trx);
  for (let start = 0; start < grids.length; start += STAGE_CHUNK) {
    const rows = grids.slice(start, start + STAGE_CHUNK).map((grid) => ({
      idx: grid.index,
      code: grid.code,
      region_code: grid.regionCode,
      name: grid.name,
      kind: grid.kind,
      special_type: grid.specialType,
      households: grid.households,
      population: grid.population,
      geometry: JSON.stringify(grid.geometry),
    }));
    await sql`
      INSERT INTO grid_staging (idx, code, region_code, name, kind, special_type, households, population, geom)
      SELECT r.idx, r.code, r.region_code, r.name, r.kind, r.special_type, r.households, r.population,
             ST_Multi(ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(r.geometry), 4326)))
      FROM json_to_recordset(${JSON.stringify(rows)}::json) AS r(
        idx integer, code text, region_code text, name text, kind text, special_type text,
        households integer, population integer, geometry text)`.execute(trx);
  }
  await sql`CREATE INDEX ON grid_staging USING gist (geom)`.execute(trx);
  await sql`ANALYZE grid_staging`.execute(trx);
  return trx;
}

/** Drops the staging table before the transaction ends, so a later stage() in it can make its own. */
export async function unstage(trx: Transaction<Database>): Promise<void> {
  await sql`DROP TABLE grid_staging`.execute(trx);
}

async function dropFromStaging(db: StagingDb, indices: number[]): Promise<void> {
  if (indices.length === 0) return;
  await db.deleteFrom('grid_staging').where('idx', 'in', indices).execute();
}

/**
 * Runs every topology check and returns the problems. Staged rows that fail a check which
 * later checks depend on (an unknown region, an invalid polygon) are dropped from staging,
 * so GEOS never sees an invalid geometry in an overlay.
 */
export async function checkStaged(
  db: StagingDb,
  regions: Map<string, { level: string }>,
  problems: ProblemList,
  options: { ignoreCodes?: string[] } = {},
): Promise<void> {
  await checkRegions(db, regions, problems);
  await checkValidity(db, problems);
  await checkInsideRegion(db, problems);
  await checkOverlaps(db, problems, options.ignoreCodes ?? []);
}

async function checkRegions(db: StagingDb, regions: Map<string, { level: string }>, problems: ProblemList) {
  const rows = await db.selectFrom('grid_staging').select(['idx', 'region_code']).execute();
  const dropped: number[] = [];
  for (const row of rows) {
    const region = regions.get(row.region_code);
    if (!region) {
      problems.add(row.idx, {
        code: 'unknown_region',
        message: text('unknown_region.code', { regionCode: row.region_code }),
        details: { regionCode: row.region_code },
      });
      dropped.push(row.idx);
    } else if (region.level !== 'village') {
      problems.add(row.idx, {
        code: 'not_a_village',
        message: text('not_a_village.grid', { regionCode: row.region_code, level: levelWord(region.level) }),
        details: { regionCode: row.region_code, level: region.level },
      });
      dropped.push(row.idx);
    }
  }
  await dropFromStaging(db, dropped);
}

async function checkValidity(db: StagingDb, problems: ProblemList) {
  const { rows } = await sql<{ idx: number; reason: string; location: string | null }>`
    SELECT idx, ST_IsValidReason(geom) AS reason, ST_AsGeoJSON((ST_IsValidDetail(geom)).location, 7) AS location
    FROM grid_staging WHERE NOT ST_IsValid(geom)`.execute(db);
  for (const row of rows) {
    problems.add(row.idx, {
      code: 'invalid_geometry',
      message: text('invalid_geometry.polygon', { reason: validityReason(row.reason) }),
      details: { reason: row.reason, location: row.location ? JSON.parse(row.location) : null },
    });
  }
  await dropFromStaging(db, rows.map((row) => row.idx));
}

/**
 * Whether a part lying outside a boundary reaches further than OUTSIDE_TOLERANCE_M from it:
 * the piece of the boundary near the part is buffered in metres (via geography) — buffering the
 * whole boundary of a large region would cost far more.
 */
export function beyondTolerance(part: RawBuilder<unknown>, boundary: RawBuilder<unknown>): RawBuilder<boolean> {
  return sql<boolean>`NOT ST_CoveredBy(
    ${part},
    ST_Buffer(ST_Intersection(${boundary}, ST_Expand(ST_Envelope(${part}), 0.001))::geography, ${OUTSIDE_TOLERANCE_M})::geometry
  )`;
}

async function checkInsideRegion(db: StagingDb, problems: ProblemList) {
  // The part outside the village is allowed only where it lies within OUTSIDE_TOLERANCE_M of
  // the village: buffer (in metres, via geography) the piece of the village boundary near it.
  const { rows } = await sql<{ idx: number; region_code: string; outside: string; area: number }>`
    WITH outside AS (
      SELECT s.idx, s.region_code, r.boundary, ST_Difference(s.geom, r.boundary) AS part
      FROM grid_staging s JOIN regions r ON r.code = s.region_code
      WHERE NOT ST_CoveredBy(s.geom, r.boundary)
    )
    SELECT idx, region_code, ST_AsGeoJSON(part, 7) AS outside, ST_Area(part::geography) AS area
    FROM outside
    WHERE NOT ST_IsEmpty(part)
      AND ${beyondTolerance(sql.ref('part'), sql.ref('boundary'))}`.execute(db);
  for (const row of rows) {
    problems.add(row.idx, {
      code: 'outside_region',
      message: text('outside_region.grid', { area: row.area.toFixed(1), regionCode: row.region_code, tolerance: OUTSIDE_TOLERANCE_M }),
      details: { regionCode: row.region_code, areaM2: row.area, outside: JSON.parse(row.outside) },
    });
  }
}

// Neighbours that only share an edge are the common case; ST_Touches rules them out before
// the far dearer ST_Intersection (it halves the check on a tiled village).
async function checkOverlaps(db: StagingDb, problems: ProblemList, ignoreCodes: string[]) {
  const ignore = ignoreCodes.length > 0 ? ignoreCodes : [''];
  const { rows } = await sql<{ idx: number; other_code: string | null; other_index: number | null; overlap: string; area: number }>`
    WITH pairs AS (
      SELECT s.idx, v.code AS other_code, NULL::integer AS other_index,
             ST_CollectionExtract(ST_Intersection(s.geom, v.geom), 3) AS overlap
      FROM grid_staging s
      JOIN grid_versions v
        ON v.valid_to IS NULL AND v.op <> 'retire' AND ST_Intersects(s.geom, v.geom) AND NOT ST_Touches(s.geom, v.geom)
       AND v.code IS DISTINCT FROM s.code AND v.code <> ALL (${ignore}::text[])
      UNION ALL
      SELECT b.idx, a.code, a.idx, ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 3)
      FROM grid_staging a JOIN grid_staging b
        ON a.idx < b.idx AND ST_Intersects(a.geom, b.geom) AND NOT ST_Touches(a.geom, b.geom)
    )
    SELECT idx, other_code, other_index, ST_AsGeoJSON(overlap, 7) AS overlap, ST_Area(overlap::geography) AS area
    FROM pairs
    WHERE ST_Area(overlap::geography) > ${OVERLAP_TOLERANCE_M2}
    ORDER BY idx, other_index NULLS FIRST, other_code`.execute(db);
  for (const row of rows) {
    const measure = { area: row.area.toFixed(1), tolerance: OVERLAP_TOLERANCE_M2 };
    problems.add(row.idx, {
      code: 'overlap',
      message: row.other_code ? text('overlap.grid', { other: row.other_code, ...measure }) : text('overlap.feature', { other: row.other_index, ...measure }),
      details: {
        otherCode: row.other_code,
        otherIndex: row.other_index,
        areaM2: row.area,
        overlap: JSON.parse(row.overlap),
      },
    });
  }
}
