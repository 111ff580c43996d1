/**
 * A token-bucket rate limiter keyed by a string (an API key id, an IP), and an express
 * middleware around it.
 *
 * Each key has a bucket of up to `burst` tokens that refills at `ratePerSecond`; a request takes
 * `cost` tokens or is refused with the time until it could have them. Buckets are not timers:
 * a bucket stores its level and when it was last touched, and the refill since then is worked
 * out when it is next touched, so an idle key costs nothing.
 *
 * Memory is bounded: at most `maxKeys` buckets, in two preallocated Float64Arrays indexed by a
 * slot, a Map from key to slot, and a stack of free slots. A request from a known key is one
 * Map lookup and a little arithmetic. When a new key finds no free slot, one sweep frees many:
 * first every idle key — one whose bucket has refilled, which is the same as no bucket, so
 * forgetting it changes nothing — and, if that frees less than a quarter of the slots, the least
 * recently used keys until a quarter is free. A sweep costs O(n log n) and comes at most once
 * per n/4 new keys, so a flood of distinct keys (one IP each) costs O(log n) a request and
 * memory stays put. Only a flood of more than `maxKeys` keys active at once forgets a key that
 * was still being limited — the price of a bound, and why maxKeys should exceed the keys active
 * at once. (Not a Map kept in LRU order by delete and re-set: V8 leaves the deleted entries at
 * its front until it rehashes, and finding the oldest then walks all of them.)
 */
import type { Request, RequestHandler, Response } from 'express';
import { ApiError } from '../errors.js';
import { text, type Text } from '../i18n/catalogue.js';

export interface RateLimiterOptions {
  /** Tokens added to a bucket each second (the sustained rate). */
  ratePerSecond: number;
  /** Size of a bucket: the most requests a rested key can make at once. */
  burst: number;
  /** Most keys remembered; a new key beyond it makes room by forgetting idle, then least recently used keys. Default 10,000. */
  maxKeys?: number;
}

export interface TakeResult {
  ok: boolean;
  /** Whole seconds until the request could succeed (0 when it did). */
  retryAfterSeconds: number;
  /** Whole tokens left in the bucket after this request. */
  remaining: number;
}

export class RateLimiter {
  readonly ratePerSecond: number;
  readonly burst: number;
  readonly maxKeys: number;
  private readonly slots = new Map<string, number>();
  private readonly tokens: Float64Array;
  private readonly touched: Float64Array;
  /** Free slots, a stack: free[0 … freeCount - 1]. */
  private readonly free: Int32Array;
  private freeCount: number;

  constructor({ ratePerSecond, burst, maxKeys = 10_000 }: RateLimiterOptions) {
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) throw new RangeError(`ratePerSecond must be a positive number, got ${ratePerSecond}`);
    if (!(burst >= 1) || !Number.isFinite(burst)) throw new RangeError(`burst must be at least 1, got ${burst}`);
    if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new RangeError(`maxKeys must be a positive integer, got ${maxKeys}`);
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.maxKeys = maxKeys;
    this.tokens = new Float64Array(maxKeys);
    this.touched = new Float64Array(maxKeys);
    this.free = new Int32Array(maxKeys);
    for (let i = 0; i < maxKeys; i++) this.free[i] = maxKeys - 1 - i; // popped as 0, 1, 2, …
    this.freeCount = maxKeys;
  }

  /** Keys remembered now. */
  get size(): number {
    return this.slots.size;
  }

  /** Takes `cost` tokens from `key`'s bucket if it holds them; `now` in ms (tests pass their own). */
  take(key: string, cost = 1, now = Date.now()): TakeResult {
    if (!(cost >= 0) || cost > this.burst) throw new RangeError(`cost must be from 0 to burst (${this.burst}), got ${cost}`);
    let slot = this.slots.get(key);
    let level: number;
    if (slot === undefined) {
      if (this.freeCount === 0) this.sweep(now);
      slot = this.free[--this.freeCount];
      this.slots.set(key, slot);
      this.touched[slot] = now;
      level = this.burst; // a key never seen (or forgotten) starts rested
    } else {
      level = this.levelAt(slot, now);
      // A clock that steps back refills nothing (and does not drain either).
      if (now > this.touched[slot]) this.touched[slot] = now;
    }
    const ok = level >= cost;
    if (ok) level -= cost;
    this.tokens[slot] = level;
    return {
      ok,
      retryAfterSeconds: ok ? 0 : Math.max(1, Math.ceil((cost - level) / this.ratePerSecond)),
      remaining: Math.floor(level),
    };
  }

  /** Whole seconds until `key`'s bucket holds a token again (0: it holds one now); takes nothing. */
  waitFor(key: string, now = Date.now()): number {
    const slot = this.slots.get(key);
    if (slot === undefined) return 0;
    const level = this.levelAt(slot, now);
    return level >= 1 ? 0 : Math.max(1, Math.ceil((1 - level) / this.ratePerSecond));
  }

  private levelAt(slot: number, now: number): number {
    const elapsed = Math.max(0, now - this.touched[slot]);
    return Math.min(this.burst, this.tokens[slot] + (elapsed / 1000) * this.ratePerSecond);
  }

  /** Frees the slots of idle keys, then of the least recently used until a quarter is free. */
  private sweep(now: number): void {
    for (const [key, slot] of this.slots) {
      if (this.levelAt(slot, now) >= this.burst) this.release(key, slot);
    }
    const target = Math.ceil(this.maxKeys / 4);
    if (this.freeCount >= target) return;
    // The touch time at or before which enough keys were last used.
    const times = new Float64Array(this.slots.size);
    let i = 0;
    for (const slot of this.slots.values()) times[i++] = this.touched[slot];
    times.sort();
    const cutoff = times[target - this.freeCount - 1];
    for (const [key, slot] of this.slots) {
      if (this.freeCount >= target) break;
      if (this.touched[slot] <= cutoff) this.release(key, slot);
    }
  }

  private release(key: string, slot: number): void {
    this.slots.delete(key);
    this.free[this.freeCount++] = slot;
  }
}

/**
 * Express middleware: one token per request from the bucket of `keyOf(req)`; a request with no
 * key (undefined) is not limited here. Sets RateLimit-Limit / RateLimit-Remaining on every
 * limited request, and refuses with 429, Retry-After and the API's error shape when the bucket
 * is empty.
 */
export function rateLimit(limiter: RateLimiter, keyOf: (req: Request) => string | undefined): RequestHandler {
  return (req, res, next) => {
    const key = keyOf(req);
    if (key === undefined) return next();
    const result = limiter.take(key);
    res.setHeader('RateLimit-Limit', String(limiter.burst));
    res.setHeader('RateLimit-Remaining', String(result.remaining));
    if (result.ok) return next();
    throw tooManyRequests(res, result.retryAfterSeconds, text('rate_limited', { rate: limiter.ratePerSecond, burst: limiter.burst, seconds: result.retryAfterSeconds }));
  };
}

/** A 429 with Retry-After, in the API's error shape. */
export function tooManyRequests(res: Response, retryAfterSeconds: number, message: Text): ApiError {
  res.setHeader('Retry-After', String(retryAfterSeconds));
  return new ApiError(429, 'rate_limited', message, { retryAfterSeconds });
}
