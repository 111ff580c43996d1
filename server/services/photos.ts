/**
 * Photos from phones (a worker's report, a step of an incident, a visit, a resident's 随手拍):
 * checked as camera snapshots are (server/media/snapshot.ts: type by magic bytes, size,
 * decompression bombs, a full decode), then stored as media. A refusal is a 4xx whose message
 * the phone can show in its user's language.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { insertMedia } from '../db/media.js';
import { MAX_PHOTO_BYTES, prepareImage, prepareSnapshot, type Snapshot, type SnapshotLimits, type SnapshotResult } from '../media/snapshot.js';
import { badInputError, tooLargeError, type DomainError } from '../domain-errors.js';
import { text } from '../i18n/catalogue.js';

/** A phone photo: the page shrinks it before sending, but a camera original must fit too. */
export const PHOTO_LIMITS: SnapshotLimits = { maxBytes: MAX_PHOTO_BYTES, maxPixels: 50_000_000 };

function refusal(result: Extract<SnapshotResult, { ok: false }>, limits: SnapshotLimits): DomainError {
  const mib = Math.round(limits.maxBytes / (1024 * 1024));
  switch (result.code) {
    case 'snapshot_too_large':
      return tooLargeError('photo_too_large', text('photo_too_large', { mib }), { reason: result.reason });
    case 'image_too_large':
      return tooLargeError('photo_too_many_pixels', text('photo_too_many_pixels', { megapixels: Math.round(limits.maxPixels / 1e6) }), { reason: result.reason });
    default:
      // Not a JPEG or PNG, or a broken one: the photo property is wrong (as for every body property).
      return badInputError('invalid_property', text('invalid_property.photo', { reason: result.code }), { property: 'photo', reason: result.code, detail: result.reason });
  }
}

/** A photo sent in JSON (base64 or a data: URL), checked; throws a 4xx when it is no usable image. */
export async function checkedPhoto(input: unknown, limits = PHOTO_LIMITS): Promise<Snapshot> {
  const result = await prepareSnapshot(input, limits);
  if (!result.ok) throw refusal(result, limits);
  return result.value;
}

/** A photo sent as bytes (a multipart part), checked. */
export async function checkedPhotoBytes(bytes: Buffer, declared: string | null, limits = PHOTO_LIMITS): Promise<Snapshot> {
  // A browser declares what it read from the file name; only the bytes decide, unless it names another image type.
  const result = await prepareImage(bytes, limits, declared && /^image\/(jpe?g|pjpeg|png)$/i.test(declared) ? declared.toLowerCase() : null);
  if (!result.ok) throw refusal(result, limits);
  return result.value;
}

/** Stores an optional, already checked photo; its media id, or null. */
export async function storePhoto(db: Kysely<Database>, photo: Snapshot | undefined): Promise<number | null> {
  return photo ? insertMedia(db, photo) : null;
}
