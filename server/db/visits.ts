/**
 * Visits (走访) to registered addresses: who visited which address, when, with a note and a
 * photo; idempotent on the phone's id for the visit (a visit saved offline is sent again).
 */
import { sql, type InferResult, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import { notFoundError } from '../domain-errors.js';
import { text } from '../i18n/catalogue.js';
import { insertMedia } from './media.js';
import type { Snapshot } from '../media/snapshot.js';
import type { Visit } from '../api-types/patrols.js';

export type { Visit };

export interface RegisteredAddress {
  id: number;
  address: string;
  lon: number;
  lat: number;
}

/** A registered address by id, or by its text as registered; not_found otherwise. */
export async function registeredAddress(db: Kysely<Database>, by: { id?: number; address?: string }): Promise<RegisteredAddress> {
  let query = db.selectFrom('addresses').select(['id', 'address', sql<number>`ST_X(geom)`.as('lon'), sql<number>`ST_Y(geom)`.as('lat')]);
  query = by.id !== undefined ? query.where('id', '=', by.id) : query.where('address', '=', by.address ?? '');
  const row = await query.executeTakeFirst();
  if (!row) throw notFoundError('unknown_address', text('visit_unknown_address', { address: by.id !== undefined ? `#${by.id}` : (by.address ?? '') }));
  return { id: Number(row.id), address: row.address, lon: Number(row.lon), lat: Number(row.lat) };
}


const columns = ['id', 'staff_id', 'address_id', 'address', 'grid_code', sql<number>`ST_X(geom)`.as('lon'), sql<number>`ST_Y(geom)`.as('lat'), 'visited_at', 'note', 'media_id'] as const;

/** Visits with `columns`: where every read starts; its rows' type is what Kysely infers from the schema. */
const selectVisits = (db: Kysely<Database>) => db.selectFrom('visits').select(columns);
type VisitRow = InferResult<ReturnType<typeof selectVisits>>[number];

function present(row: VisitRow): Visit {
  return {
    id: Number(row.id),
    staffId: Number(row.staff_id),
    addressId: Number(row.address_id),
    address: row.address,
    gridCode: row.grid_code,
    lon: Number(row.lon),
    lat: Number(row.lat),
    visitedAt: new Date(row.visited_at).toISOString(),
    note: row.note,
    mediaId: row.media_id === null ? null : Number(row.media_id),
  };
}


/** Records a visit (its photo in the same transaction); the same client id again returns the first. */
export async function insertVisit(
  db: Kysely<Database>,
  visit: { staffId: number; clientId: string; address: RegisteredAddress; gridCode: string; visitedAt: Date; note: string | null; photo?: Snapshot },
  receivedAt: Date,
): Promise<{ visit: Visit; duplicate: boolean }> {
  return db.transaction().execute(async (trx) => {
    const existing = await selectVisits(trx).where('staff_id', '=', visit.staffId).where('client_id', '=', visit.clientId).executeTakeFirst();
    if (existing) return { visit: present(existing), duplicate: true };
    const mediaId = visit.photo ? await insertMedia(trx, visit.photo) : null;
    const row = await trx
      .insertInto('visits')
      .values({
        staff_id: visit.staffId,
        client_id: visit.clientId,
        address_id: visit.address.id,
        address: visit.address.address,
        grid_code: visit.gridCode,
        geom: sql<string>`ST_SetSRID(ST_MakePoint(${visit.address.lon}, ${visit.address.lat}), 4326)`,
        visited_at: visit.visitedAt,
        note: visit.note,
        media_id: mediaId,
        received_at: receivedAt,
      })
      .returning(columns)
      .executeTakeFirstOrThrow();
    return { visit: present(row), duplicate: false };
  });
}

export async function listVisits(db: Kysely<Database>, filter: { staffIds?: number[]; gridCodes?: string[]; from?: Date; to?: Date }, limit: number): Promise<Visit[]> {
  let query = selectVisits(db);
  if (filter.staffIds) query = filter.staffIds.length ? query.where('staff_id', 'in', filter.staffIds) : query.where(sql<boolean>`false`);
  if (filter.gridCodes) query = filter.gridCodes.length ? query.where('grid_code', 'in', filter.gridCodes) : query.where(sql<boolean>`false`);
  if (filter.from) query = query.where('visited_at', '>=', filter.from);
  if (filter.to) query = query.where('visited_at', '<', filter.to);
  return (await query.orderBy('visited_at').orderBy('id').limit(limit).execute()).map(present);
}
