/**
 * A village's buildings layer: replaced as a whole by an import, read by divisions.
 */
import { sql, type Kysely } from 'kysely';
import type { Geometry } from 'geojson';
import type { Database } from './schema.js';
import { inTransaction } from './transaction.js';
import { invalidError } from '../domain-errors.js';
import { text } from '../i18n/catalogue.js';
import { validityReason } from '../geo/validate.js';
import { refreshHouseholds } from './households.js';
import type { BuildingsAnswer } from '../api-types/regions.js';

export interface StoredBuilding {
  geometry: Geometry;
  households: number;
  compound: string | null;
  properties: Record<string, unknown>;
}

const CHUNK = 1000;

/**
 * Replaces the village's buildings in one transaction. Every building's point on surface must
 * lie in the village (1 m tolerance), or nothing is written and the offenders are listed.
 */
export async function replaceBuildings(db: Kysely<Database>, regionCode: string, buildings: StoredBuilding[]): Promise<number> {
  return inTransaction(db, async (trx) => {
    await trx.deleteFrom('buildings').where('region_code', '=', regionCode).execute();
    for (let start = 0; start < buildings.length; start += CHUNK) {
      const rows = buildings.slice(start, start + CHUNK).map((b, i) => ({
        i: start + i,
        households: b.households,
        compound: b.compound,
        properties: JSON.stringify(b.properties),
        geometry: JSON.stringify(b.geometry),
      }));
      await sql`
        INSERT INTO buildings (region_code, households, compound, properties, geom)
        SELECT ${regionCode}, r.households, r.compound, r.properties, ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(r.geometry), 4326))
        FROM json_to_recordset(${JSON.stringify(rows)}::json) AS r(i integer, households integer, compound text, properties text, geometry text)
        ORDER BY r.i`.execute(trx);
    }
    // Judged by PostGIS as grids are (a hole outside its shell, a ring of one repeated point…),
    // before anything else asks GEOS about these shapes.
    const { rows: invalid } = await sql<{ n: number; reason: string }>`
      SELECT n, ST_IsValidReason(x.geom) AS reason FROM (
        SELECT row_number() OVER (ORDER BY b.id) - 1 AS n, b.geom FROM buildings b WHERE b.region_code = ${regionCode}
      ) x
      WHERE NOT ST_IsValid(x.geom)`.execute(trx);
    if (invalid.length > 0) {
      throw invalidError('invalid_geometry', text('invalid_geometry.buildings', { count: invalid.length, index: invalid[0].n, reason: validityReason(invalid[0].reason) }), {
        buildings: invalid.map((row) => ({ index: Number(row.n), reason: row.reason })),
      });
    }
    const { rows: outside } = await sql<{ n: number }>`
      SELECT n FROM (
        SELECT row_number() OVER (ORDER BY b.id) - 1 AS n, b.geom, r.boundary
        FROM buildings b JOIN regions r ON r.code = b.region_code
        WHERE b.region_code = ${regionCode}
      ) x
      WHERE NOT ST_DWithin(ST_PointOnSurface(x.geom)::geography, x.boundary::geography, 1)`.execute(trx);
    if (outside.length > 0) {
      throw invalidError('building_outside_area', text('building_outside_area.region', { count: outside.length, regionCode }), {
        buildings: outside.map((row) => Number(row.n)),
      });
    }
    // The village's grids count their households from these buildings now.
    await refreshHouseholds(trx, { regionCodes: [regionCode] });
    return buildings.length;
  });
}

export async function regionBuildings(db: Kysely<Database>, regionCode: string): Promise<BuildingsAnswer['features']> {
  const rows = await db
    .selectFrom('buildings')
    .select(['id', 'households', 'compound', 'properties', sql<string>`ST_AsGeoJSON(geom, 9)`.as('geojson')])
    .where('region_code', '=', regionCode)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    type: 'Feature',
    id: row.id,
    geometry: JSON.parse(row.geojson) as Geometry,
    properties: { ...(row.properties ? JSON.parse(row.properties) : {}), households: row.households, compound: row.compound ?? undefined },
  }));
}
