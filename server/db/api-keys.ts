/**
 * API keys: made, listed, revoked and looked up by their hash. The key itself is never stored.
 */
import type { Kysely, Selectable } from 'kysely';
import type { ApiKeysTable, Database } from './schema.js';
import { hashKey, newKeySecret } from '../access/keys.js';
import { isRole, type Role } from '../access/roles.js';
import type { Principal } from '../access/principal.js';
import { notFoundError, invalidError } from '../domain-errors.js';
import { staffPlaces } from './staff.js';
import { text } from '../i18n/catalogue.js';
import type { ApiKeyInfo } from '../api-types/session.js';

export type { ApiKeyInfo };

export interface NewApiKey {
  name: string;
  role: Role;
  regionCode: string | null;
  deviceIds?: string[] | null;
  /** A worker key's staff member (see staffPlaces). */
  staffId?: number | null;
  createdBy?: string | null;
  /** Use this secret instead of a random one (the operator's GRIDGOV_ADMIN_KEY). */
  secret?: string;
}

function present(row: Selectable<ApiKeysTable>): ApiKeyInfo {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    regionCode: row.region_code,
    deviceIds: row.device_ids,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    staffId: row.staff_id === null ? null : Number(row.staff_id),
  };
}

/** Makes a key; the answer holds the secret, which is never shown again. */
export async function createApiKey(db: Kysely<Database>, input: NewApiKey): Promise<{ key: string; info: ApiKeyInfo }> {
  if (input.regionCode !== null) {
    const region = await db.selectFrom('regions').select('code').where('code', '=', input.regionCode).executeTakeFirst();
    if (!region) throw invalidError('unknown_region', text('unknown_region.key', { code: input.regionCode }), { regionCode: input.regionCode });
  }
  if (input.staffId) await staffPlaces(db, input.staffId);
  const secret = newKeySecret();
  const key = input.secret ?? secret.key;
  const row = await db
    .insertInto('api_keys')
    .values({
      id: secret.id,
      name: input.name,
      role: input.role,
      region_code: input.regionCode,
      device_ids: input.deviceIds ?? null,
      staff_id: input.staffId ?? null,
      hash: input.secret ? hashKey(input.secret) : secret.hash,
      created_by: input.createdBy ?? null,
      revoked_at: null,
      last_used_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { key, info: present(row) };
}

export async function listApiKeys(db: Kysely<Database>, includeRevoked: boolean): Promise<ApiKeyInfo[]> {
  let query = db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id');
  if (!includeRevoked) query = query.where('revoked_at', 'is', null);
  return (await query.execute()).map(present);
}

export async function getApiKey(db: Kysely<Database>, id: string): Promise<ApiKeyInfo | undefined> {
  const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? present(row) : undefined;
}

/** Revokes a key (kept, for the audit log's sake). Revoking twice is a 404 the second time. */
export async function revokeApiKey(db: Kysely<Database>, id: string, at: Date): Promise<ApiKeyInfo> {
  const row = await db.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).returningAll().executeTakeFirst();
  if (!row) throw notFoundError('unknown_key', text('unknown_key', { id }));
  return present(row);
}

/** The principal a key stands for, or undefined for an unknown or revoked key. */
export async function principalOfKey(db: Kysely<Database>, key: string): Promise<Principal | undefined> {
  const row = await db
    .selectFrom('api_keys')
    .select(['id', 'name', 'role', 'region_code', 'device_ids', 'staff_id'])
    .where('hash', '=', hashKey(key))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row || !isRole(row.role)) return undefined;
  const principal: Principal = { keyId: row.id, name: row.name, role: row.role, regionCode: row.region_code, deviceIds: row.device_ids, staffId: null, places: null };
  if (row.staff_id === null) return principal;
  // A worker covers the places its staff member serves now (their grids move with edits and divisions).
  const staffId = Number(row.staff_id);
  const places = await staffPlaces(db, staffId).catch(() => []);
  return { ...principal, staffId, places };
}

/** Which of these key ids have been revoked (or no longer exist). */
export async function revokedKeyIds(db: Kysely<Database>, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const active = await db.selectFrom('api_keys').select('id').where('id', 'in', [...ids]).where('revoked_at', 'is', null).execute();
  const alive = new Set(active.map((row) => row.id));
  return new Set(ids.filter((id) => !alive.has(id)));
}

/** Whether any admin key is active (the first start makes one when none is). */
export async function hasActiveAdmin(db: Kysely<Database>): Promise<boolean> {
  const row = await db.selectFrom('api_keys').select('id').where('role', '=', 'admin').where('revoked_at', 'is', null).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Whether a key with this secret is stored already (active or not). */
export async function keyExists(db: Kysely<Database>, key: string): Promise<boolean> {
  return (await db.selectFrom('api_keys').select('id').where('hash', '=', hashKey(key)).executeTakeFirst()) !== undefined;
}
