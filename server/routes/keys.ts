/**
 * API keys, for admins: list, create (the key is in the answer, once) and revoke. Who may
 * call these is in the policy table (server/http/access-policy.ts); an admin scoped to a region
 * may only hand out keys inside it.
 */
import { Router, type Request } from 'express';
import { apiRouter } from './router.js';
import type { KeysAnswer, Me, NewKeyAnswer } from '../api-types/session.js';
import type { Store } from '../db/connect.js';
import { createApiKey, getApiKey, listApiKeys, revokeApiKey, type ApiKeyInfo } from '../db/api-keys.js';
import { PERMISSIONS } from '../access/roles.js';
import { checkNewKey, type NewKey } from '../access/new-key.js';
import { can, covers } from '../access/principal.js';
import { badRequest, forbidden, unprocessable } from '../errors.js';
import { devicePlaces } from '../services/device-places.js';
import type { GridLocator } from '../services/grid-locator.js';
import type { KeyResolver } from '../http/authenticate.js';
import { assertCovers, coversEverything, scopedPrefix } from '../http/authorize.js';
import { actorOf, booleanParam, jsonBody } from './params.js';
import { staffPlaces } from '../db/staff.js';
import { text } from '../i18n/catalogue.js';

/** Whether the caller's area holds every place of a (worker key's) staff member; a removed one is nobody's. */
async function coversStaff(store: Store, req: Request, staffId: number): Promise<boolean> {
  const places = await staffPlaces(store.db, staffId).catch(() => []);
  return places.length > 0 && places.every((place) => req.principal !== undefined && covers(req.principal, place));
}

function parseNewKey(body: unknown): NewKey {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('invalid_json', text('invalid_json.key'));
  const { name, role, regionCode, deviceIds, staffId } = body as Record<string, unknown>;
  const checked = checkNewKey({ name, role, regionCode, deviceIds, staffId });
  if (checked.ok) return checked.value;
  // A malformed region code is invalid_code, as everywhere else in the API (codeParam).
  throw badRequest(checked.field === 'regionCode' ? 'invalid_code' : 'invalid_parameter', checked.message);
}

export function keysRouter(store: Store, resolver: KeyResolver, locator: GridLocator): Router {
  const router = apiRouter();

  router.get('/', async (req, res) => {
    const all = await listApiKeys(store.db, booleanParam(req, 'revoked', false));
    // A regional admin sees the keys of its own area.
    const prefix = scopedPrefix(req, undefined);
    if (prefix === undefined) return void res.json({ keys: all } satisfies KeysAnswer);
    const shown: ApiKeyInfo[] = [];
    for (const key of all) if (key.staffId ? await coversStaff(store, req, key.staffId) : key.regionCode?.startsWith(prefix)) shown.push(key);
    res.json({ keys: shown } satisfies KeysAnswer);
  });

  router.post('/', async (req, res) => {
    const input = parseNewKey(jsonBody(req));
    const scope = req.principal?.regionCode ?? null;
    // A key is never wider than the admin who makes it: a worker key's grids lie in the admin's area.
    const regionCode = input.staffId ? null : (input.regionCode ?? scope);
    if (regionCode !== null) assertCovers(req, regionCode, text('subject.new_key_region'));
    if (input.staffId) for (const place of await staffPlaces(store.db, input.staffId)) assertCovers(req, place, text('subject.staff_grid'));
    // An admin of one area hands out keys for its own area's devices only.
    if (input.deviceIds && !coversEverything(req)) {
      const places = await devicePlaces(store.db, locator, input.deviceIds);
      for (const id of input.deviceIds) {
        const place = places.get(id);
        if (place === undefined) throw unprocessable('unknown_device', text('unknown_device.key', { id }), { deviceId: id });
        assertCovers(req, place, text('subject.device_id', { id }));
      }
    }
    const { key, info } = await createApiKey(store.db, { ...input, regionCode, createdBy: actorOf(req) });
    res.status(201).location(`/api/keys/${info.id}`).json({ ...info, key } satisfies NewKeyAnswer);
  });

  router.delete('/:id', async (req, res) => {
    const id = String(req.params.id);
    if (!/^k_[0-9a-f]{12}$/.test(id)) throw badRequest('invalid_id', text('invalid_id.key', { got: id }));
    const target = await getApiKey(store.db, id);
    if (target?.staffId && !coversEverything(req)) {
      if (!(await coversStaff(store, req, target.staffId))) throw forbidden('out_of_scope', text('key_worker_out_of_scope'));
    } else if (target && !coversEverything(req)) {
      if (target.regionCode === null) throw forbidden('out_of_scope', text('out_of_scope.revoke_root'));
      assertCovers(req, target.regionCode, text('subject.key_region'));
    }
    const revoked = await revokeApiKey(store.db, id, new Date());
    resolver.clear();
    res.json(revoked);
  });

  return router;
}

/** GET /api/me: who the request's key says the caller is (the web client's sign-in asks this). */
export function meRouter(publicGrids: boolean): Router {
  const router = apiRouter();
  router.get('/', (req, res) => {
    const principal = req.principal;
    const me: Me = principal
      ? {
          signedIn: true,
          keyId: principal.keyId,
          name: principal.name,
          role: principal.role,
          regionCode: principal.regionCode,
          permissions: PERMISSIONS.filter((p) => can(principal, p)),
          // A worker key: its staff member and the places it covers (the phone page opens on them).
          ...(principal.staffId ? { staffId: principal.staffId, places: principal.places ?? [] } : {}),
        }
      : { signedIn: false, permissions: publicGrids ? ['grids:read'] : [] };
    res.json(me);
  });
  return router;
}
