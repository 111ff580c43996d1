/**
 * The service's outer shell: security headers, CORS only for configured origins, JSON request
 * logs with request ids and no keys in them, and no internals in a 500.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { pino } from 'pino';
import { createApp } from '../../server/app.js';
import { defaultLimits } from '../../server/config.js';
import { keyFor, useTestService } from '../support/context.js';
import { openTestStore } from '../support/store.js';

const context = useTestService();

/** A logger writing its JSON lines into an array. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('security headers', () => {
  it('come with every answer: CSP, nosniff, no X-Powered-By, a request id', async () => {
    const response = await request(context.app).get('/api/health');
    expect(response.status).toBe(200);
    expect(response.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(response.headers['content-security-policy']).toMatch(/img-src [^;]*https:/); // any base-map host
    // Served over plain http on an intranet, the page must not send its own requests to https.
    expect(response.headers['content-security-policy']).not.toMatch(/upgrade-insecure-requests/);
    // COOP only where a browser heeds it (https); over http it only logs an error per page load.
    expect(response.headers['cross-origin-opener-policy']).toBeUndefined();
    const behindTls = createApp(context.store, defaultLimits, { access: { trustProxy: 'loopback' } });
    expect((await request(behindTls).get('/api/health').set('X-Forwarded-Proto', 'https')).headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-powered-by']).toBeUndefined();
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const echoed = await request(context.app).get('/api/health').set('X-Request-Id', 'hotline-4711');
    expect(echoed.headers['x-request-id']).toBe('hotline-4711');
    const insane = await request(context.app).get('/api/health').set('X-Request-Id', 'x'.repeat(500));
    expect(insane.headers['x-request-id']).not.toBe('x'.repeat(500));
  });
});

describe('CORS', () => {
  it('answers configured origins only, and none by default', async () => {
    const closed = await request(context.app).options('/api/grids').set('Origin', 'https://partner.example').set('Access-Control-Request-Method', 'GET');
    expect(closed.headers['access-control-allow-origin']).toBeUndefined();
    const app = createApp(context.store, defaultLimits, { access: { corsOrigins: ['https://partner.example'] } });
    const preflight = await request(app).options('/api/grids').set('Origin', 'https://partner.example').set('Access-Control-Request-Method', 'GET').set('Access-Control-Request-Headers', 'authorization');
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://partner.example');
    expect(preflight.headers['access-control-allow-headers']).toMatch(/Authorization/i);
    const other = await request(app).get('/api/health').set('Origin', 'https://elsewhere.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('client addresses behind a proxy', () => {
  it('are taken from X-Forwarded-For only when the operator trusts the proxy', async () => {
    const key = await keyFor(context.store, 'admin');
    const write = (app: ReturnType<typeof createApp>, name: string) =>
      request(app).post('/api/keys').set('Authorization', `Bearer ${key}`).set('X-Forwarded-For', '203.0.113.7').send({ name, role: 'viewer' });
    const { sql } = await import('kysely');
    const ipOf = async (name: string) => (await sql<{ ip: string }>`SELECT ip FROM audit_log WHERE entity = 'api_keys' AND entity_id = (SELECT id FROM api_keys WHERE name = ${name})`.execute(context.store.db)).rows[0]?.ip;
    expect((await write(context.app, 'untrusted')).status).toBe(201);
    expect(await ipOf('untrusted')).not.toBe('203.0.113.7');
    const behindProxy = createApp(context.store, defaultLimits, { access: { trustProxy: 'loopback' } });
    expect((await write(behindProxy, 'trusted')).status).toBe(201);
    expect(await ipOf('trusted')).toBe('203.0.113.7');
  });
});

describe('request logs', () => {
  it('are JSON lines with the request id, status and time, and never hold a key', async () => {
    const { logger, lines } = capturedLogger();
    const app = createApp(context.store, defaultLimits, { logger });
    const key = await keyFor(context.store, 'viewer');
    await request(app).get(`/api/grids?access_token=${key}`).set('X-Request-Id', 'log-test-1');
    await request(app).get('/api/grids').set('Authorization', `Bearer ${key}`);
    await request(app).get('/api/grids').set('Authorization', 'Bearer gg_wrong-key-000000000000000000000000000000');
    const line = lines.find((l) => (l.req as { id?: string } | undefined)?.id === 'log-test-1');
    expect(line).toMatchObject({ level: 30, req: { method: 'GET' }, res: { statusCode: 200 } });
    expect(typeof line?.responseTime).toBe('number');
    expect((line?.req as { url: string }).url).toContain('access_token=[redacted]');
    expect(lines.some((l) => (l.res as { statusCode: number }).statusCode === 401 && l.level === 40)).toBe(true);
    expect(JSON.stringify(lines)).not.toContain(key);
  });

  it('never hold a key, however its parameter is spelled, and neither does the audit log', async () => {
    const { logger, lines } = capturedLogger();
    const app = createApp(context.store, defaultLimits, { logger });
    const key = await keyFor(context.store, 'admin');
    // The query parser decodes names: each of these spellings is the key it names.
    for (const spelling of ['access%5Ftoken', 'access%5ftoken', 'access_token']) {
      expect((await request(app).get(`/api/grids?${spelling}=${key}`)).status, spelling).toBe(200);
    }
    await request(app).get(`/api/grids?ACCESS_TOKEN=${key}`);
    await request(app).get(`/api/grids?access_token=${key}&access_token=${key}`);
    // A write whose URL carries the key anyway: the audit log keeps the path, never the key.
    const made = await request(app).post(`/api/keys?api%5Fkey=${key}&Access_Token=${key}`).set('Authorization', `Bearer ${key}`).send({ name: 'audited', role: 'viewer' });
    expect(made.status).toBe(201);
    expect(JSON.stringify(lines)).not.toContain(key);
    const { sql } = await import('kysely');
    const paths = (await sql<{ path: string }>`SELECT path FROM audit_log WHERE entity = 'api_keys' AND entity_id = ${made.body.id}`.execute(context.store.db)).rows.map((r) => r.path);
    expect(paths).toEqual(['/api/keys?api%5Fkey=[redacted]&Access_Token=[redacted]']);
  });
});

describe('links in answers', () => {
  it('carry no key and never follow the Host header', async () => {
    const key = await keyFor(context.store, 'admin');
    const page = await request(context.app).get(`/ogc/collections/regions/items?limit=1&access_token=${key}`).set('Host', 'grid.local:3000');
    expect(page.status).toBe(200);
    expect(JSON.stringify(page.body.links)).not.toContain(key);
    expect(page.body.links.find((l: { rel: string }) => l.rel === 'self').href).toBe('http://grid.local:3000/ogc/collections/regions/items?limit=1');
    expect(page.headers.vary).toMatch(/Host/i);
    // A Host that is no plain host name is not written into links.
    const forged = await request(context.app).get(`/ogc/collections/regions/items?limit=1&access_token=${key}`).set('Host', 'evil.example/x?y=');
    expect(JSON.stringify(forged.body.links)).not.toContain('evil.example');
    const configured = createApp(context.store, defaultLimits, { access: { publicUrl: 'https://grid.example.gov.cn' } });
    const landing = await request(configured).get('/ogc').set('Authorization', `Bearer ${key}`).set('Host', 'evil.example');
    expect(landing.body.links.every((l: { href: string }) => l.href.startsWith('https://grid.example.gov.cn/ogc'))).toBe(true);
  });
});

describe('our own failures', () => {
  it('answer 500 with no stack or internals, and log the stack with the request id', async () => {
    const store = await openTestStore();
    const { logger, lines } = capturedLogger();
    const app = createApp(store, defaultLimits, { logger });
    const key = await keyFor(store, 'viewer');
    await store.close(); // the database is gone: every query now fails, which is our fault, not the caller's
    const response = await request(app).get('/api/grids').set('Authorization', `Bearer ${key}`).set('X-Request-Id', 'broken-1');
    expect(response.status).toBe(500);
    expect(response.body).toEqual({ error: { code: 'internal', message: '服务内部错误' } });
    const english = await request(app).get('/api/grids?lang=en').set('Authorization', `Bearer ${key}`);
    expect(english.body).toEqual({ error: { code: 'internal', message: 'Internal server error' } });
    expect(response.text).not.toMatch(/at .*\.ts:\d+|node_modules|stack/i);
    const logged = lines.find((l) => (l.req as { id?: string } | undefined)?.id === 'broken-1');
    expect(logged?.level).toBe(50);
    expect(JSON.stringify(logged?.err)).toMatch(/stack/);
  });
});

describe('the embedded database folder', () => {
  it('is made (or tightened) so that only its owner may enter it', async () => {
    const { prepareDataDir } = await import('../../server/db/connect.js');
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-perm-'));
    try {
      const fresh = path.join(root, 'a', 'db');
      prepareDataDir(fresh);
      expect(fs.statSync(fresh).mode & 0o777).toBe(0o700);
      const loose = path.join(root, 'loose');
      fs.mkdirSync(loose, { mode: 0o755 });
      prepareDataDir(loose);
      expect(fs.statSync(loose).mode & 0o777).toBe(0o700);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
