/**
 * What a caller may do: the role check for every endpoint (from the policy table) and the scope
 * checks the routes make once they know which region, grid or device a request touches.
 */
import type { NextFunction, Request, Response } from 'express';
import { can, covers, narrowPrefix, placePrefixes, scopePrefix } from '../access/principal.js';
import { rolesWith, type Permission } from '../access/roles.js';
import { ApiError, asApiError, forbidden, notFound, unauthorized } from '../errors.js';
import { isGuarded, methodsOf, policyRowOf, type PolicyRow } from './access-policy.js';
import { text, type Text } from '../i18n/catalogue.js';
import { levelOfRegionCode, regionPrefix } from '../geo/codes.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** The policy row of the endpoint this request is for (guarded paths only). */
    endpoint?: PolicyRow;
  }
}

export interface AuthorizeOptions {
  /** Let requests without a key read regions and grids (GRIDGOV_PUBLIC_GRIDS). */
  publicGrids: boolean;
}

function keyRequired(res: Response, permission: Permission): never {
  res.set('WWW-Authenticate', 'Bearer');
  throw unauthorized('key_required', text('key_required', { permission, roles: rolesWith(permission) }));
}

/**
 * A request no policy row matches: 405 when the path exists for other methods, else 404 — in
 * OGC API's own vocabulary under /ogc, whose clients read these codes.
 */
function unknownEndpoint(req: Request, res: Response): never {
  const ogc = req.path === '/ogc' || req.path.startsWith('/ogc/');
  const methods = methodsOf(req.path);
  if (methods.length > 0 || (ogc && req.method !== 'GET')) {
    const allow = methods.length > 0 ? methods : ['GET'];
    res.set('Allow', [...allow, ...(allow.includes('GET') ? ['HEAD'] : [])].join(', '));
    throw new ApiError(405, ogc ? 'MethodNotAllowed' : 'method_not_allowed', ogc ? text('method_not_allowed.ogc', { method: req.method }) : text('method_not_allowed', { method: req.method, allowed: allow }));
  }
  throw notFound(ogc ? 'NotFound' : 'no_such_endpoint', text('no_such_endpoint', { method: req.method, path: req.path }));
}

/**
 * Finds the endpoint a request on a guarded path is for (its policy row, kept on the request),
 * and refuses one that matches none — whatever its spelling, before its key or body is read.
 */
export function matchEndpoint(req: Request, res: Response, next: NextFunction): void {
  if (req.method === 'OPTIONS' || !isGuarded(req.path)) return next();
  const row = policyRowOf(req.method, req.path);
  if (row === undefined) unknownEndpoint(req, res);
  req.endpoint = row;
  next();
}

/** Refuses a request its caller's role may not make, before any router sees it (after matchEndpoint). */
export function authorize(options: AuthorizeOptions) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'OPTIONS' || !isGuarded(req.path)) return next();
    if (!req.endpoint) unknownEndpoint(req, res);
    const needs = req.endpoint.needs;
    if (needs === 'public') return next();
    const principal = req.principal;
    if (!principal) {
      if (needs === 'grids:read' && options.publicGrids) return next();
      keyRequired(res, needs);
    }
    if (!can(principal, needs)) {
      throw forbidden('forbidden_role', text('forbidden_role', { role: principal.role, needs, roles: rolesWith(needs) }), { role: principal.role, needs });
    }
    next();
  };
}

/** Refuses a code (region or grid) outside the caller's scope, naming `what` it is. Anonymous public reads pass. */
export function assertCovers(req: Request, code: string, what: Text = text('subject.this')): void {
  const principal = req.principal;
  if (principal && !covers(principal, code)) {
    throw forbidden('out_of_scope', text('out_of_scope', { what, code, scope: principal.regionCode }), { code, scope: principal.regionCode });
  }
}

/**
 * Things asked for by id (an incident, a device, a division) by a key of one area: one outside
 * the area and an id that names nothing get the same answer, 403 out_of_scope with the same
 * words, so that ids reveal nothing of what exists in other areas (codes of regions and grids are
 * refused by their prefix before any lookup, assertCovers, to the same end). A key of the whole
 * tree sees everything, and a 404 for an id that names nothing.
 */
export function outOfScopeId(req: Request, what: Text, id: string | number): ApiError {
  return forbidden('out_of_scope', text('out_of_scope.id', { what, id }), { scope: req.principal?.regionCode ?? null });
}

/** Refuses a thing (found by its id) that lies outside the caller's area — see outOfScopeId. */
export function assertVisible(req: Request, place: string, what: Text, id: string | number): void {
  const principal = req.principal;
  if (principal && !covers(principal, place)) throw outOfScopeId(req, what, id);
}

/** Looks a thing up by its id; for a key of one area, an id that names nothing answers as one outside it. */
export async function lookupById<T>(req: Request, what: Text, id: string | number, lookup: Promise<T>): Promise<T> {
  try {
    return await lookup;
  } catch (error) {
    if (!coversEverything(req) && asApiError(error)?.status === 404) throw outOfScopeId(req, what, id);
    throw error;
  }
}

/**
 * A region the caller asked about, narrowed to its own area when it asked for more — a
 * township key asking for the county's statistics gets its township's, as lists are narrowed
 * (scopedPrefix) — and refused when the two do not meet.
 */
export function scopedRegion(req: Request, code: string): string {
  const principal = req.principal;
  if (principal?.regionCode && !covers(principal, code)) {
    const level = levelOfRegionCode(code);
    if (level && principal.regionCode.startsWith(regionPrefix(code, level))) return principal.regionCode;
  }
  assertCovers(req, code, text('subject.region'));
  return code;
}

/**
 * A subtree filter for a listing, narrowed to the caller's scope (see narrowPrefix). A filter
 * that lies wholly outside the scope is refused.
 */
export function scopedPrefix(req: Request, requested: string | undefined): string | undefined {
  const principal = req.principal;
  if (!principal) return requested;
  const narrowed = narrowPrefix(principal, requested);
  if (narrowed === null) {
    throw forbidden('out_of_scope', text('out_of_scope.prefix', { scope: principal.regionCode }), { scope: principal.regionCode });
  }
  return narrowed;
}

/**
 * A worker key's places as prefixes (its grids, its region's subtree), which a listing must be
 * narrowed to on top of `scopedPrefix`; undefined for every other key.
 */
export function scopedPlaces(req: Request): string[] | undefined {
  return req.principal ? placePrefixes(req.principal) : undefined;
}

/** Whether the caller covers the whole tree (the only scope that may see unplaced things). */
export function coversEverything(req: Request): boolean {
  return !req.principal || scopePrefix(req.principal) === '';
}

/**
 * The address registry is imported by keys of the whole tree only: an import places each
 * address in its region as it is written, so a narrower key could not be held to its area
 * without a second pass over the file.
 */
export function assertAddressImporter(req: Request): void {
  const principal = req.principal;
  if (!principal) keyRequired(req.res!, 'addresses:write');
  if (!can(principal, 'addresses:write')) throw forbidden('forbidden_role', text('forbidden_role.addresses', { role: principal.role, roles: rolesWith('addresses:write') }));
  if (!coversEverything(req)) throw forbidden('out_of_scope', text('out_of_scope.addresses'));
}
