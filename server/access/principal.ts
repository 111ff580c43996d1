/**
 * The caller of a request, as its API key describes it: a role and a scope. The scope is a
 * region: the key may touch that region's subtree only. Codes in gridgov extend their parent's
 * code (server/geo/codes.ts), so "inside the subtree" is "starts with the region's prefix".
 *
 * A worker key stands for one staff member and is scoped to the places that person serves: the
 * grids they hold (a grid code is the prefix of nothing but itself) and, for staff of a higher
 * level, their region's subtree. Its scope is thus a list of prefixes, not one.
 */
import { levelOfRegionCode, regionPrefix } from '../geo/codes.js';
import { roleAllows, type Permission, type Role } from './roles.js';

export interface Principal {
  keyId: string;
  name: string;
  role: Role;
  /** The region whose subtree the key covers; null covers everything (for a worker: see `places`). */
  regionCode: string | null;
  /** A device key's own devices; null for every other role. */
  deviceIds: readonly string[] | null;
  /** A worker key's staff member; null for every other role. */
  staffId?: number | null;
  /** A worker key's places (grid codes, and the region code of staff of a higher level); null for every other role. */
  places?: readonly string[] | null;
}

type Scoped = Pick<Principal, 'regionCode' | 'places'>;

/** The prefix of a region (12 digits) or grid (15 digits) code: what "inside it" starts with. */
export function prefixOfCode(code: string): string {
  if (code.length === 15) return code;
  const level = levelOfRegionCode(code);
  // A stored scope is a checked region code; an unreadable one covers nothing rather than everything.
  return level ? regionPrefix(code, level) : code;
}

/** The code prefix a principal's scope covers ('' for the whole tree); for a worker, the prefix all its places share. */
export function scopePrefix(principal: Scoped): string {
  if (principal.places) return commonPrefix(principal.places.map(prefixOfCode));
  if (principal.regionCode === null) return '';
  return prefixOfCode(principal.regionCode);
}

/**
 * The prefixes a worker's scope is made of (each place's prefix); undefined for other keys,
 * whose scope is the one prefix of `scopePrefix`. An empty list covers nothing.
 */
export function placePrefixes(principal: Scoped): string[] | undefined {
  return principal.places ? principal.places.map(prefixOfCode) : undefined;
}

function commonPrefix(prefixes: string[]): string {
  // A worker with no places covers nothing: a prefix no code has.
  if (prefixes.length === 0) return 'x';
  let common = prefixes[0]!;
  for (const prefix of prefixes) while (!prefix.startsWith(common)) common = common.slice(0, -1);
  // Never the whole tree by accident: a worker's places share at least a province.
  return common === '' ? 'x' : common;
}

/** Whether a region (12 digits) or grid (15 digits) code lies in the principal's scope. */
export function covers(principal: Scoped, code: string): boolean {
  const places = placePrefixes(principal);
  if (places) return places.some((prefix) => code.startsWith(prefix));
  return code.startsWith(scopePrefix(principal));
}

/**
 * A subtree filter narrowed to the principal's scope: what it asked for when that lies inside
 * the scope, the scope when it asked for more (or nothing), or null when the two do not meet.
 * (A worker's listings are narrowed further to its places: see `placePrefixes`.)
 */
export function narrowPrefix(principal: Scoped, requested: string | undefined): string | undefined | null {
  const scope = scopePrefix(principal);
  if (requested === undefined) return scope === '' ? undefined : scope;
  if (requested.startsWith(scope)) return requested;
  if (scope.startsWith(requested)) return scope;
  return null;
}

export function can(principal: Pick<Principal, 'role'>, permission: Permission): boolean {
  return roleAllows(principal.role, permission);
}
