/**
 * Residents' reports (随手拍): the tracking number of an incident a resident filed, how many
 * reports an address made lately (as a salted hash: the address itself is not kept), and what
 * the public may read back — the status and the notes meant for them, nothing else.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.js';
import { notFoundError } from '../domain-errors.js';
import { text } from '../i18n/catalogue.js';
import type { PublicStatus } from '../api-types/public.js';
import type { Geometry } from 'geojson';

export type { PublicStatus };

const salts = new WeakMap<Kysely<Database>, Promise<string>>();

/** The database's salt for address hashes (the same for every instance on it). */
export function publicReportSalt(db: Kysely<Database>): Promise<string> {
  let salt = salts.get(db);
  if (!salt) {
    salt = db
      .selectFrom('service_secrets')
      .select('value')
      .where('name', '=', 'public_report_salt')
      .executeTakeFirstOrThrow()
      .then((row) => row.value);
    salt.catch(() => salts.delete(db));
    salts.set(db, salt);
  }
  return salt;
}

/**
 * Counts the reports from `sourceHash` since `since` under a lock on that source, so that two
 * reports sent at once from one address on two instances cannot both slip under the limit.
 */
export async function reportsFromSource(trx: Transaction<Database>, sourceHash: string, since: Date): Promise<number> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${sourceHash}))`.execute(trx);
  const row = await trx
    .selectFrom('public_reports')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('source_hash', '=', sourceHash)
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertPublicReport(trx: Transaction<Database>, trackingNumber: string, incidentId: number, sourceHash: string, at: Date): Promise<void> {
  await trx.insertInto('public_reports').values({ tracking_number: trackingNumber, incident_id: incidentId, source_hash: sourceHash, created_at: at }).execute();
}

export async function publicStatus(db: Kysely<Database>, trackingNumber: string): Promise<PublicStatus> {
  const row = await db
    .selectFrom('public_reports as p')
    .innerJoin('incidents as i', 'i.id', 'p.incident_id')
    .select(['p.tracking_number', 'i.id', 'i.status', 'i.category', 'i.reported_at', 'i.updated_at', 'i.resolved_at', 'i.closed_at'])
    .where('p.tracking_number', '=', trackingNumber)
    .executeTakeFirst();
  if (!row) throw notFoundError('unknown_report', text('public_unknown_report'));
  const steps = await db
    .selectFrom('incident_transitions')
    .select(['from_status', 'to_status', 'public_note', 'at'])
    .where('incident_id', '=', row.id)
    .where((eb) => eb.or([eb('from_status', 'is', null), eb('from_status', '<>', eb.ref('to_status')), eb('public_note', 'is not', null)]))
    .orderBy('id')
    .execute();
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return {
    trackingNumber: row.tracking_number,
    status: row.status,
    category: row.category,
    reportedAt: iso(row.reported_at)!,
    updatedAt: iso(row.updated_at)!,
    resolvedAt: iso(row.resolved_at),
    closedAt: iso(row.closed_at),
    timeline: steps.map((step) => ({ at: iso(step.at)!, status: step.to_status, note: step.public_note })),
  };
}

/** The extent of the live grids [minLon, minLat, maxLon, maxLat] (where residents' reports are taken), or null. */
export async function serviceArea(db: Kysely<Database>): Promise<[number, number, number, number] | null> {
  const { rows } = await sql<{ a: number | null; b: number | null; c: number | null; d: number | null }>`
    SELECT ST_XMin(e) AS a, ST_YMin(e) AS b, ST_XMax(e) AS c, ST_YMax(e) AS d
    FROM (SELECT ST_Extent(geom)::geometry AS e FROM grid_versions WHERE valid_to IS NULL AND op <> 'retire') x`.execute(db);
  const r = rows[0];
  return r && r.a !== null ? [Number(r.a), Number(r.b), Number(r.c), Number(r.d)] : null;
}

/** Named streets in a small box, for the residents' map (road lines: map data, not records). */
export async function streetsIn(db: Kysely<Database>, bbox: [number, number, number, number], limit: number): Promise<{ name: string | null; geometry: Geometry }[]> {
  const { rows } = await sql<{ name: string | null; geojson: string }>`
    SELECT name, ST_AsGeoJSON(ST_Intersection(geom, ST_MakeEnvelope(${bbox[0]}, ${bbox[1]}, ${bbox[2]}, ${bbox[3]}, 4326)), 6) AS geojson
    FROM reference_lines
    WHERE kind = 'road' AND geom && ST_MakeEnvelope(${bbox[0]}, ${bbox[1]}, ${bbox[2]}, ${bbox[3]}, 4326)
    LIMIT ${limit}`.execute(db);
  return rows.map((row) => ({ name: row.name, geometry: JSON.parse(row.geojson) as Geometry }));
}
