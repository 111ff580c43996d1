/** Stored snapshots: the original bytes or the WebP thumbnail. */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { notFound } from '../errors.js';

export async function mediaBytes(db: Kysely<Database>, id: number, size: 'original' | 'thumb'): Promise<{ contentType: string; bytes: Buffer; sha256: string }> {
  const row = await db
    .selectFrom('media')
    .select(['content_type', 'sha256', size === 'thumb' ? 'thumb as bytes' : 'bytes as bytes'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('unknown_media', `No media ${id}`);
  return { contentType: size === 'thumb' ? 'image/webp' : row.content_type, bytes: Buffer.from(row.bytes), sha256: row.sha256 };
}

/** The grids of the events and incidents a snapshot belongs to (for scope checks). */
export async function mediaPlaces(db: Kysely<Database>, id: number): Promise<string[]> {
  const rows = await db
    .selectFrom('device_events')
    .select('grid_code as code')
    .where('media_id', '=', id)
    .where('grid_code', 'is not', null)
    .union(db.selectFrom('incidents').select('grid_code as code').where('media_id', '=', id).where('grid_code', 'is not', null))
    // A photo taken with a step of an incident belongs where the incident is.
    .union(
      db
        .selectFrom('incident_transitions as t')
        .innerJoin('incidents as i', 'i.id', 't.incident_id')
        .select('i.grid_code as code')
        .where('t.media_id', '=', id)
        .where('i.grid_code', 'is not', null),
    )
    .execute();
  return rows.map((row) => row.code!).filter(Boolean);
}
