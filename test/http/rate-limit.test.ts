import { describe, expect, it } from 'vitest';
import express from 'express';
import request from 'supertest';
import { RateLimiter, rateLimit } from '../../server/http/rate-limit.js';
import { errorHandler } from '../../server/errors.js';

describe('RateLimiter', () => {
  it('lets a rested key make a burst, then refuses until tokens refill', () => {
    const limiter = new RateLimiter({ ratePerSecond: 2, burst: 5 });
    const t = 1_000_000;
    for (let i = 0; i < 5; i++) expect(limiter.take('a', 1, t)).toEqual({ ok: true, retryAfterSeconds: 0, remaining: 4 - i });
    expect(limiter.take('a', 1, t)).toEqual({ ok: false, retryAfterSeconds: 1, remaining: 0 });
    // 2 tokens a second: after 499 ms not yet one token, after 500 ms exactly one.
    expect(limiter.take('a', 1, t + 499).ok).toBe(false);
    expect(limiter.take('a', 1, t + 500)).toEqual({ ok: true, retryAfterSeconds: 0, remaining: 0 });
    expect(limiter.take('a', 1, t + 500).ok).toBe(false);
  });

  it('refills at the configured rate and never beyond the burst', () => {
    const limiter = new RateLimiter({ ratePerSecond: 10, burst: 20 });
    const t = 5_000;
    expect(limiter.take('a', 20, t).remaining).toBe(0);
    expect(limiter.take('a', 0, t + 1000).remaining).toBe(10); // one second: 10 tokens
    expect(limiter.take('a', 0, t + 60_000).remaining).toBe(20); // a minute: capped at the burst
  });

  it('keeps keys apart', () => {
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1 });
    expect(limiter.take('a', 1, 0).ok).toBe(true);
    expect(limiter.take('a', 1, 0).ok).toBe(false);
    expect(limiter.take('b', 1, 0).ok).toBe(true);
  });

  it('charges the cost, and says how long until a refused cost fits', () => {
    const limiter = new RateLimiter({ ratePerSecond: 4, burst: 100 });
    expect(limiter.take('a', 90, 0)).toEqual({ ok: true, retryAfterSeconds: 0, remaining: 10 });
    // 10 left, 50 asked: 40 missing at 4 a second = 10 s; a refused take takes nothing.
    expect(limiter.take('a', 50, 0)).toEqual({ ok: false, retryAfterSeconds: 10, remaining: 10 });
    expect(limiter.take('a', 10, 0)).toEqual({ ok: true, retryAfterSeconds: 0, remaining: 0 });
    expect(limiter.take('a', 50, 12_500).ok).toBe(true);
  });

  it('refuses a cost no bucket can ever hold', () => {
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 10 });
    expect(() => limiter.take('a', 11)).toThrow(RangeError);
    expect(() => limiter.take('a', -1)).toThrow(RangeError);
    expect(() => new RateLimiter({ ratePerSecond: 0, burst: 1 })).toThrow(RangeError);
  });

  it('does not refill when the clock steps back', () => {
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 2 });
    limiter.take('a', 2, 10_000);
    expect(limiter.take('a', 1, 5_000).ok).toBe(false);
    expect(limiter.take('a', 1, 10_999).ok).toBe(false);
    expect(limiter.take('a', 1, 11_000).ok).toBe(true);
  });

  it('forgets idle keys first when full: a refilled bucket is the same as none', () => {
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1, maxKeys: 3 });
    limiter.take('a', 1, 0);
    limiter.take('b', 1, 0);
    limiter.take('c', 1, 900);
    expect(limiter.take('d', 1, 1000).ok).toBe(true); // a and b have refilled: both forgotten, c kept
    expect(limiter.size).toBe(2);
    expect(limiter.take('c', 1, 1000).ok).toBe(false);
  });

  it('otherwise forgets the least recently used, and remembers at most maxKeys', () => {
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1, maxKeys: 3 });
    limiter.take('a', 1, 0);
    limiter.take('b', 1, 100);
    limiter.take('c', 1, 200);
    expect(limiter.take('a', 1, 300).ok).toBe(false); // a is now more recent than b
    expect(limiter.take('d', 1, 300).ok).toBe(true); // none idle: b, the least recently used, goes
    expect(limiter.size).toBe(3);
    expect(limiter.take('a', 1, 300).ok).toBe(false); // a was kept: still empty
    expect(limiter.take('c', 1, 300).ok).toBe(false); // c was kept
    expect(limiter.take('b', 1, 300).ok).toBe(true); // b was forgotten: rested again
    expect(limiter.size).toBe(3);
  });

  it('stays bounded under a flood of distinct keys', () => {
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1, maxKeys: 1000 });
    for (let i = 0; i < 100_000; i++) limiter.take(`ip-${i}`, 1, i);
    expect(limiter.size).toBe(1000);
    expect(limiter.take('ip-99999', 1, 99_999).ok).toBe(false); // the newest are the ones kept
  });
});

describe('rateLimit middleware', () => {
  function app(limiter: RateLimiter) {
    const server = express();
    server.use(rateLimit(limiter, (req) => req.get('x-key')));
    server.get('/thing', (_req, res) => {
      res.json({ ok: true });
    });
    server.use(errorHandler);
    return request(server);
  }

  it('answers with the rate headers, then 429 with Retry-After and the error shape', async () => {
    const api = app(new RateLimiter({ ratePerSecond: 0.5, burst: 2 }));
    const first = await api.get('/thing').set('x-key', 'k1');
    expect(first.status).toBe(200);
    expect(first.headers['ratelimit-limit']).toBe('2');
    expect(first.headers['ratelimit-remaining']).toBe('1');
    expect((await api.get('/thing').set('x-key', 'k1')).status).toBe(200);
    const refused = await api.get('/thing').set('x-key', 'k1');
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('2'); // one token at 0.5 a second
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    expect(refused.body).toEqual({ error: { code: 'rate_limited', message: expect.stringContaining('2 秒后重试'), details: { retryAfterSeconds: 2 } } });
    const english = await api.get('/thing?lang=en').set('x-key', 'k1');
    expect(english.body.error.message).toContain('retry in 2 s');
    // Another key has its own bucket.
    expect((await api.get('/thing').set('x-key', 'k2')).status).toBe(200);
  });

  it('lets through a request that has no key', async () => {
    const api = app(new RateLimiter({ ratePerSecond: 1, burst: 1 }));
    for (let i = 0; i < 3; i++) {
      const response = await api.get('/thing');
      expect(response.status).toBe(200);
      expect(response.headers['ratelimit-limit']).toBeUndefined();
    }
  });
});
