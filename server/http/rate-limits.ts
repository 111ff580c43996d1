/**
 * The service's request-rate limits, per caller: integrators (partner systems geocoding in
 * bulk) get the tightest bucket, other keys a wide one, and requests without a key are counted
 * per client address. Each class has its own limiter so one cannot crowd out the others' memory.
 */
import type { Request, RequestHandler } from 'express';
import { RateLimiter, rateLimit } from './rate-limit.js';
import { isGuarded } from './access-policy.js';

export interface RateLimits {
  /** Requests a second for each integrator key (bursts of twice that). */
  integrator: number;
  /** Requests a second for each other key. */
  key: number;
  /** Requests a second for each client address sending no key. */
  anonymous: number;
  /** Requests a second with an unknown or revoked key, for each client address (key guessing). */
  failedKey: number;
}

export const defaultRateLimits: RateLimits = { integrator: 20, key: 500, anonymous: 50, failedKey: 1 };

/**
 * Requests that bring a key which turns out unknown are counted per client address before any
 * other limit could see them (authentication refuses them first): key guessing meets 429.
 * Bursts of ten, so a person who mistypes a key a few times is not locked out.
 */
export function failedKeyLimiter(limits: RateLimits): RateLimiter {
  return new RateLimiter({ ratePerSecond: limits.failedKey, burst: Math.max(10, limits.failedKey * 10) });
}

export function rateLimits(limits: RateLimits): RequestHandler {
  const limiter = (perSecond: number) => new RateLimiter({ ratePerSecond: perSecond, burst: Math.max(1, perSecond * 2) });
  const integrator = rateLimit(limiter(limits.integrator), (req) => req.principal?.keyId);
  const keyed = rateLimit(limiter(limits.key), (req) => req.principal?.keyId);
  const anonymous = rateLimit(limiter(limits.anonymous), (req: Request) => req.ip ?? 'unknown');
  return (req, res, next) => {
    // The web client's own files are static and cheap; an office behind one address loads them at once.
    if (!isGuarded(req.path)) return next();
    const role = req.principal?.role;
    const chosen = role === undefined ? anonymous : role === 'integrator' ? integrator : keyed;
    return chosen(req, res, next);
  };
}
