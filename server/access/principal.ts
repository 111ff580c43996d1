/**
 * The caller of a request, as its API key describes it: a role and a scope. The scope is a
 * region: the key may touch that region's subtree only. Codes in gridgov extend their parent's
 * code (server/geo/codes.ts), so "inside the subtree" is "starts with the region's prefix".
 */
import { levelOfRegionCode, regionPrefix } from '../geo/codes.js';
import { roleAllows, type Permission, type Role } from './roles.js';

export interface Principal {
  keyId: string;
  name: string;
  role: Role;
  /** The region whose subtree the key covers; null covers everything. */
  regionCode: string | null;
  /** A device key's own devices; null for every other role. */
  deviceIds: readonly string[] | null;
}

/** The code prefix a principal's scope covers ('' for the whole tree). */
export function scopePrefix(principal: Pick<Principal, 'regionCode'>): string {
  if (principal.regionCode === null) return '';
  const level = levelOfRegionCode(principal.regionCode);
  // A stored scope is a checked region code; an unreadable one covers nothing rather than everything.
  return level ? regionPrefix(principal.regionCode, level) : principal.regionCode;
}

/** Whether a region (12 digits) or grid (15 digits) code lies in the principal's scope. */
export function covers(principal: Pick<Principal, 'regionCode'>, code: string): boolean {
  return code.startsWith(scopePrefix(principal));
}

/**
 * A subtree filter narrowed to the principal's scope: what it asked for when that lies inside
 * the scope, the scope when it asked for more (or nothing), or null when the two do not meet.
 */
export function narrowPrefix(principal: Pick<Principal, 'regionCode'>, requested: string | undefined): string | undefined | null {
  const scope = scopePrefix(principal);
  if (requested === undefined) return scope === '' ? undefined : scope;
  if (requested.startsWith(scope)) return requested;
  if (scope.startsWith(requested)) return scope;
  return null;
}

export function can(principal: Pick<Principal, 'role'>, permission: Permission): boolean {
  return roleAllows(principal.role, permission);
}
