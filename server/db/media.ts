/** Stored snapshots: the original bytes or the WebP thumbnail (made after the answer; see media/thumbnailer.ts). */
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import { notFoundError } from '../domain-errors.js';
import type { Snapshot } from '../media/snapshot.js';
import { text } from '../i18n/catalogue.js';

/** A checked image as a media row. */
export function mediaRow(image: Snapshot) {
  return { content_type: image.contentType, bytes: image.bytes, thumb: image.thumb, width: image.width, height: image.height, sha256: image.sha256 };
}

/** Stores a checked image (a phone's photo) and returns its id. */
export async function insertMedia(db: Kysely<Database>, image: Snapshot): Promise<number> {
  const row = await db.insertInto('media').values(mediaRow(image)).returning('id').executeTakeFirstOrThrow();
  return Number(row.id);
}

export interface StoredMedia {
  contentType: string;
  bytes: Buffer;
  sha256: string;
}

/**
 * The original, or the thumbnail: null when the thumbnail is not made yet (the caller makes it),
 * or could not be made (thumbError says why; the original is kept all the same).
 */
export async function mediaBytes(db: Kysely<Database>, id: number, size: 'original' | 'thumb'): Promise<StoredMedia & { thumbError: string | null }> {
  const row = await db
    .selectFrom('media')
    .select(['content_type', 'sha256', 'thumb_error', size === 'thumb' ? 'thumb as bytes' : 'bytes as bytes'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFoundError('unknown_media', text('unknown_media', { id }));
  return {
    contentType: size === 'thumb' ? 'image/webp' : row.content_type,
    bytes: row.bytes === null ? (null as unknown as Buffer) : Buffer.from(row.bytes),
    sha256: row.sha256,
    thumbError: row.thumb_error,
  };
}

/** Media still without a thumbnail, stored at least `olderThanS` seconds ago (left by a stopped process). */
export async function pendingThumbnails(db: Kysely<Database>, olderThanS: number, limit: number): Promise<number[]> {
  const rows = await db
    .selectFrom('media')
    .select('id')
    .where('thumb', 'is', null)
    .where('thumb_error', 'is', null)
    .where(sql<boolean>`created_at <= now() - make_interval(secs => ${olderThanS})`)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((row) => Number(row.id));
}

/** The original of a media row still without a thumbnail (undefined: none, or done already). */
export async function originalForThumbnail(db: Kysely<Database>, id: number): Promise<{ bytes: Buffer; contentType: string } | undefined> {
  const row = await db.selectFrom('media').select(['bytes', 'content_type']).where('id', '=', id).where('thumb', 'is', null).where('thumb_error', 'is', null).executeTakeFirst();
  return row ? { bytes: Buffer.from(row.bytes), contentType: row.content_type } : undefined;
}

/** Stores a thumbnail, or why there is none; a second writer of the same image changes nothing. */
export async function storeThumbnail(db: Kysely<Database>, id: number, result: { thumb: Buffer } | { error: string }): Promise<void> {
  await db
    .updateTable('media')
    .set('thumb' in result ? { thumb: result.thumb } : { thumb_error: result.error })
    .where('id', '=', id)
    .where('thumb', 'is', null)
    .where('thumb_error', 'is', null)
    .execute();
}

/** The grids of the events, incidents, incident steps and visits a snapshot or photo belongs to (for scope checks). */
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
    .union(db.selectFrom('visits').select('grid_code as code').where('media_id', '=', id))
    .execute();
  return rows.map((row) => row.code!).filter(Boolean);
}
