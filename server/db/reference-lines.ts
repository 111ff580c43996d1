/**
 * A region's reference lines (roads, rivers, railways, ridges, water areas): replaced as a whole
 * by an import, drawn by the web client, and used by divisions as barriers when a request brings
 * none of its own.
 */
import { sql, type Kysely } from 'kysely';
import type { Feature, Geometry } from 'geojson';
import type { Database } from './schema.js';
import { inTransaction } from './transaction.js';
import { invalidError } from '../domain-errors.js';
import { barrierKindOf, type LineKind, type ReferenceLine, type RoadClass } from '../geo/reference-lines.js';
import { text } from '../i18n/catalogue.js';
import { validityReason } from '../geo/validate.js';
import type { ReferenceLineFeature, ReferenceLineGeometry } from '../api-types/regions.js';

const CHUNK = 1000;
/**
 * How far outside its region a line may lie and still count (metres): a road along the
 * village's edge belongs to it even where the mapped line runs a little outside. The same margin
 * as the division's own (LINE_MARGIN_M in server/geo/divide/prepare.ts).
 */
export const LINE_MARGIN_M = 50;

/**
 * Replaces the region's lines in one transaction. Every water polygon must be valid (PostGIS'
 * judgement), or nothing is written and the offenders are listed by their position in the
 * request. Lines farther than LINE_MARGIN_M from the region are left out (a roads file is often
 * cut for a whole district) and their positions answered; when none comes near, nothing is
 * written: the file is for another place.
 */
export async function replaceReferenceLines(db: Kysely<Database>, regionCode: string, lines: ReferenceLine[]): Promise<{ stored: number; outside: number[] }> {
  return inTransaction(db, async (trx) => {
    await trx.deleteFrom('reference_lines').where('region_code', '=', regionCode).execute();
    for (let start = 0; start < lines.length; start += CHUNK) {
      const rows = lines.slice(start, start + CHUNK).map((line, i) => ({
        i: start + i,
        kind: line.kind,
        class: line.roadClass,
        name: line.name,
        properties: Object.keys(line.properties).length > 0 ? JSON.stringify(line.properties) : null,
        geometry: JSON.stringify(line.geometry),
      }));
      await sql`
        INSERT INTO reference_lines (region_code, kind, class, name, properties, geom)
        SELECT ${regionCode}, r.kind, r.class, r.name, r.properties, ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(r.geometry), 4326))
        FROM json_to_recordset(${JSON.stringify(rows)}::json) AS r(i integer, kind text, class text, name text, properties text, geometry text)
        ORDER BY r.i`.execute(trx);
    }
    const { rows } = await sql<{ id: number; n: number; valid: boolean; near: boolean; reason: string | null }>`
      SELECT id, n, valid, near, reason FROM (
        SELECT l.id, row_number() OVER (ORDER BY l.id) - 1 AS n,
               ST_IsValid(l.geom) AS valid,
               ST_IsValidReason(l.geom) AS reason,
               ST_DWithin(l.geom::geography, r.boundary::geography, ${LINE_MARGIN_M}) AS near
        FROM reference_lines l JOIN regions r ON r.code = l.region_code
        WHERE l.region_code = ${regionCode}
      ) x
      WHERE NOT valid OR NOT near`.execute(trx);
    // Rows come back in insertion order: row n is lines[n], named by its place in the request.
    const featureOf = (row: { n: number }) => lines[Number(row.n)].feature;
    const invalid = rows.filter((row) => !row.valid);
    if (invalid.length > 0) {
      throw invalidError('invalid_geometry', text('problem.at', { where: `features[${featureOf(invalid[0])}]`, message: validityReason(invalid[0].reason ?? '') }), {
        features: invalid.map((row) => ({ index: featureOf(row), reason: row.reason })),
      });
    }
    if (rows.length > 0 && rows.length === lines.length) {
      throw invalidError('line_outside_area', text('line_outside_area', { count: rows.length, margin: LINE_MARGIN_M, regionCode }), {
        features: rows.map(featureOf),
      });
    }
    if (rows.length > 0) await trx.deleteFrom('reference_lines').where('id', 'in', rows.map((row) => Number(row.id))).execute();
    return { stored: lines.length - rows.length, outside: rows.map(featureOf) };
  });
}

/** The region's lines as stored, those meeting `bbox` (WGS84) when given. */
export async function regionLines(db: Kysely<Database>, regionCode: string, bbox?: [number, number, number, number]): Promise<ReferenceLineFeature[]> {
  let query = db
    .selectFrom('reference_lines')
    .select(['id', 'kind', 'class', 'name', 'properties', sql<string>`ST_AsGeoJSON(geom, 9)`.as('geojson')])
    .where('region_code', '=', regionCode);
  if (bbox) query = query.where(sql<boolean>`geom && ST_MakeEnvelope(${bbox[0]}, ${bbox[1]}, ${bbox[2]}, ${bbox[3]}, 4326)`);
  const rows = await query.orderBy('id').execute();
  return rows.map((row) => ({
    type: 'Feature',
    id: Number(row.id),
    geometry: JSON.parse(row.geojson) as ReferenceLineGeometry,
    properties: {
      ...(row.properties ? JSON.parse(row.properties) : {}),
      // The table holds only the kinds and classes the import checked (geo/reference-lines.ts).
      kind: row.kind as LineKind,
      ...(row.class ? { class: row.class as RoadClass } : {}),
      name: row.name,
    },
  }));
}

/**
 * The region's lines as division barriers: clipped to the region and its LINE_MARGIN_M margin
 * (a long road stored whole need not be carried through the whole division), each with the
 * division's barrier kind.
 */
export async function regionBarriers(db: Kysely<Database>, regionCode: string): Promise<Feature[]> {
  const { rows } = await sql<{ kind: LineKind; class: RoadClass | null; name: string | null; geojson: string }>`
    WITH zone AS (
      SELECT ST_Buffer(boundary::geography, ${LINE_MARGIN_M})::geometry AS geom FROM regions WHERE code = ${regionCode}
    )
    SELECT kind, class, name, ST_AsGeoJSON(geom, 9) AS geojson FROM (
      SELECT l.id, l.kind, l.class, l.name,
             ST_CollectionExtract(ST_Intersection(l.geom, zone.geom), CASE WHEN l.kind = 'water' THEN 3 ELSE 2 END) AS geom
      FROM reference_lines l, zone
      WHERE l.region_code = ${regionCode} AND ST_Intersects(l.geom, zone.geom)
    ) clipped
    WHERE NOT ST_IsEmpty(geom)
    ORDER BY id`.execute(db);
  return rows.map((row) => ({
    type: 'Feature',
    geometry: JSON.parse(row.geojson) as Geometry,
    properties: { kind: barrierKindOf(row.kind, row.class), name: row.name },
  }));
}
