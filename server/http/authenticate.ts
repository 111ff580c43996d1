/**
 * Who is calling: the API key of a request, found by its hash. A key comes as
 * `Authorization: Bearer <key>`, or — for what a browser loads by itself (EventSource, <img>,
 * map tiles), where no header can be set — as `?access_token=` on a GET. Open311 clients send
 * `api_key` (read by the Open311 router through `resolveKey`).
 *
 * Lookups are cached for a few seconds: every request checks its key, and a revocation made
 * through this process clears the cache at once (another process sees it within the TTL).
 */
import type { NextFunction, Request, Response } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { principalOfKey, revokedKeyIds } from '../db/api-keys.js';
import type { Principal } from '../access/principal.js';
import { hashKey } from '../access/keys.js';
import { badRequest, unauthorized } from '../errors.js';
import { text } from '../i18n/catalogue.js';
import { RateLimiter, tooManyRequests } from './rate-limit.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** The caller's key, when it sent a valid one. */
    principal?: Principal;
  }
}

const CACHE_TTL_MS = 5_000;
const CACHE_MAX = 10_000;

/** How often the keys of open streams are checked for revocation (revoked elsewhere: another instance, the CLI). */
export const STREAM_KEY_CHECK_MS = 2_000;

export class KeyResolver {
  #cache = new Map<string, { principal: Principal | undefined; expires: number }>();
  /** Open long-lived responses (event streams) by key id, each with what ends it. */
  #watched = new Map<string, Set<() => void>>();
  #timer: NodeJS.Timeout | undefined;
  #checking: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly checkEveryMs = STREAM_KEY_CHECK_MS,
  ) {}

  /**
   * Keeps an eye on the key of a long-lived response: `end` is called once the key is revoked,
   * whether here (at once) or anywhere else (within `checkEveryMs`). Returns the unwatch.
   */
  watch(keyId: string, end: () => void): () => void {
    let ends = this.#watched.get(keyId);
    if (!ends) this.#watched.set(keyId, (ends = new Set()));
    ends.add(end);
    this.#timer ??= setInterval(() => void this.checkWatched(), this.checkEveryMs).unref();
    return () => {
      ends.delete(end);
      if (ends.size === 0) this.#watched.delete(keyId);
      if (this.#watched.size === 0 && this.#timer) {
        clearInterval(this.#timer);
        this.#timer = undefined;
      }
    };
  }

  /** Ends the watched responses of keys revoked since the last look. */
  checkWatched(): Promise<void> {
    this.#checking ??= (async () => {
      try {
        const revoked = await revokedKeyIds(this.db, [...this.#watched.keys()]);
        for (const id of revoked) for (const end of [...(this.#watched.get(id) ?? [])]) end();
      } catch (error) {
        console.error(`[gridgov] could not check the keys of open streams: ${(error as Error).message}`);
      } finally {
        this.#checking = undefined;
      }
    })();
    return this.#checking;
  }

  /** The principal of a key, or undefined for an unknown or revoked one. */
  async resolve(key: string, now = Date.now()): Promise<Principal | undefined> {
    const hash = hashKey(key);
    const cached = this.#cache.get(hash);
    if (cached && cached.expires > now) return cached.principal;
    const principal = await principalOfKey(this.db, key);
    if (this.#cache.size >= CACHE_MAX) this.#cache.clear();
    this.#cache.set(hash, { principal, expires: now + CACHE_TTL_MS });
    return principal;
  }

  /** Forget every cached answer and end the streams of revoked keys (after a key is revoked). */
  clear(): void {
    this.#cache.clear();
    void this.checkWatched();
  }
}

/** Query parameters that carry a key: taken here, and not a resource's own parameters. */
export const CREDENTIAL_PARAMS: readonly string[] = ['access_token', 'api_key'];

/** The key a request carries, if any; a malformed Authorization header is a 400. */
export function keyOf(req: Request): string | undefined {
  const header = req.get('Authorization');
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw badRequest('invalid_header', 'Authorization must be "Bearer <key>"');
    return match[1];
  }
  // Open311 GeoReport v2 clients send api_key, in the query or the (already parsed) form.
  if (req.path.startsWith('/open311/')) {
    const body = req.body as Record<string, unknown> | undefined;
    const apiKey = (body && typeof body === 'object' ? body.api_key : undefined) ?? req.query.api_key;
    if (typeof apiKey === 'string' && apiKey !== '') return apiKey;
    if (apiKey !== undefined && apiKey !== '') throw badRequest('invalid_parameter', 'api_key must be given once, as a string');
  }
  if (req.method === 'GET' || req.method === 'HEAD') {
    const token = req.query.access_token;
    if (typeof token === 'string' && token !== '') return token;
    if (token !== undefined) throw badRequest('invalid_parameter', 'access_token must be given once, as a string');
  }
  return undefined;
}

/**
 * Sets `req.principal` from the request's key; an unknown or revoked key is a 401. Failed keys
 * are counted per client address (`failed`): past its limit, a request bringing a key is
 * refused with 429 before the key is even looked up.
 */
export function authenticate(keys: KeyResolver, failed: RateLimiter) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const key = keyOf(req);
    if (key !== undefined) {
      const address = req.ip ?? 'unknown';
      const wait = failed.waitFor(address);
      if (wait > 0) throw tooManyRequests(res, wait, text('too_many_failed_keys', { seconds: wait }));
      const principal = key.length <= 512 ? await keys.resolve(key) : undefined;
      if (!principal) {
        failed.take(address);
        res.set('WWW-Authenticate', 'Bearer error="invalid_token"');
        throw unauthorized('invalid_key', text('invalid_key'));
      }
      req.principal = principal;
    }
    next();
  };
}
