/**
 * API keys, for admins: list, create (the key is in the answer, once) and revoke. Who may
 * call these is in the policy table (server/http/access-policy.ts); an admin scoped to a region
 * may only hand out keys inside it.
 */
import { Router } from 'express';
import { apiRouter } from './router.js';
import type { Store } from '../db/connect.js';
import { createApiKey, getApiKey, listApiKeys, revokeApiKey } from '../db/api-keys.js';
import { PERMISSIONS } from '../access/roles.js';
import { checkNewKey, type NewKey } from '../access/new-key.js';
import { can } from '../access/principal.js';
import { badRequest, forbidden, unprocessable } from '../errors.js';
import { devicePlaces } from '../services/device-places.js';
import type { GridLocator } from '../services/grid-locator.js';
import type { KeyResolver } from '../http/authenticate.js';
import { assertCovers, coversEverything, scopedPrefix } from '../http/authorize.js';
import { actorOf, booleanParam, jsonBody } from './params.js';

function parseNewKey(body: unknown): NewKey {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('invalid_json', 'Expected a JSON object { name, role, regionCode?, deviceIds? }');
  const { name, role, regionCode, deviceIds } = body as Record<string, unknown>;
  const checked = checkNewKey({ name, role, regionCode, deviceIds });
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
    res.json({ keys: prefix === undefined ? all : all.filter((key) => key.regionCode?.startsWith(prefix)) });
  });

  router.post('/', async (req, res) => {
    const input = parseNewKey(jsonBody(req));
    const scope = req.principal?.regionCode ?? null;
    // A key is never wider than the admin who makes it.
    const regionCode = input.regionCode ?? scope;
    if (regionCode !== null) assertCovers(req, regionCode, 'The new key’s region');
    // An admin of one area hands out keys for its own area's devices only.
    if (input.deviceIds && !coversEverything(req)) {
      const places = await devicePlaces(store.db, locator, input.deviceIds);
      for (const id of input.deviceIds) {
        const place = places.get(id);
        if (place === undefined) throw unprocessable('unknown_device', `No device ${id}: an admin of one area makes keys for registered devices of its area only`, { deviceId: id });
        assertCovers(req, place, `Device ${id}`);
      }
    }
    const { key, info } = await createApiKey(store.db, { ...input, regionCode, createdBy: actorOf(req) });
    res.status(201).location(`/api/keys/${info.id}`).json({ ...info, key });
  });

  router.delete('/:id', async (req, res) => {
    const id = String(req.params.id);
    if (!/^k_[0-9a-f]{12}$/.test(id)) throw badRequest('invalid_id', `A key id looks like k_0123456789ab, got "${id}"`);
    const target = await getApiKey(store.db, id);
    if (target && !coversEverything(req)) {
      if (target.regionCode === null) throw forbidden('out_of_scope', 'A key for the whole tree can only be revoked by an admin of the whole tree');
      assertCovers(req, target.regionCode, 'The key’s region');
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
    res.json(
      principal
        ? { signedIn: true, keyId: principal.keyId, name: principal.name, role: principal.role, regionCode: principal.regionCode, permissions: PERMISSIONS.filter((p) => can(principal, p)) }
        : { signedIn: false, permissions: publicGrids ? ['grids:read'] : [] },
    );
  });
  return router;
}
