/**
 * No spelling of a path reaches an endpoint the access policy did not decide on: every row of
 * the policy, called without a key in other letter cases, with repeated and trailing slashes and
 * with percent-escapes, is refused — never answered, never written — and no body is read before
 * the caller is known.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { useTestService } from '../support/context.js';
import { seedTree, tableCounts, tree } from '../support/fixtures.js';
import { POLICY, type PolicyRow } from '../../server/http/access-policy.js';
import { canonicalPath } from '../../server/http/canonical-path.js';

const context = useTestService();

beforeAll(async () => {
  await seedTree(context);
});

function concrete(row: PolicyRow): string {
  return row.path
    .replace('*', '')
    .replace(':code', tree.villageA.code)
    .replace(':id', '1')
    .replace(':collection', 'grids')
    .replace(':file', 'x.json')
    .replace(':layer', 'incidents')
    .replace(':z', '0')
    .replace(':x', '0')
    .replace(':y', '0.mvt');
}

const literal = (segment: string) => segment !== '' && !/^\d/.test(segment) && segment !== 'x.json';

/** Spellings that are the same endpoint once canonical (slashes, escapes). */
function sameEndpointSpellings(path: string): string[] {
  const segments = path.split('/');
  const escaped = segments.map((s) => (literal(s) ? `%${s.charCodeAt(0).toString(16)}${s.slice(1)}` : s)).join('/');
  return [path.replace(/\//g, '//'), `${path}/`, `${path}//`, escaped, `/.${path}`, `${path}/x/..`];
}

/** Spellings in another letter case: no endpoint at all. */
function otherCaseSpellings(path: string): string[] {
  const segments = path.split('/');
  const variants = [path.toUpperCase(), segments.map((s) => (literal(s) ? s[0]!.toUpperCase() + s.slice(1) : s)).join('/')];
  segments.forEach((s, i) => {
    if (!literal(s)) return;
    const one = [...segments];
    one[i] = s.toUpperCase();
    variants.push(one.join('/'));
  });
  return [...new Set(variants)].filter((v) => v !== path);
}

async function send(method: PolicyRow['method'], url: string) {
  const agent = request(context.app);
  const pending = method === 'GET' ? agent.get(url) : method === 'POST' ? agent.post(url).send({ name: 'x', role: 'admin' }) : method === 'PUT' ? agent.put(url).send({}) : agent.delete(url);
  return pending.timeout({ response: 5000, deadline: 5000 });
}

describe('the spelling of a path', () => {
  it('brings every path to one canonical form', () => {
    expect(canonicalPath('/api//keys/')).toBe('/api/keys');
    expect(canonicalPath('/%61pi/%6Beys')).toBe('/api/keys');
    expect(canonicalPath('/api/./grids/../keys')).toBe('/api/keys');
    expect(canonicalPath('/API/keys')).toBe('/API/keys');
    expect(canonicalPath('/api/grids/a%2fb')).toBe('/api/grids/a%2Fb');
    expect(canonicalPath('/api/regions/%E4%B8%AD')).toBe('/api/regions/%E4%B8%AD');
    expect(canonicalPath('/api/%zz')).toBeUndefined();
    expect(canonicalPath('/api/%00')).toBeUndefined();
    expect(canonicalPath('/api/a\\b')).toBeUndefined();
  });

  it('never lets a guarded endpoint answer without a key, whatever the spelling, and changes nothing', async () => {
    const before = await tableCounts(context);
    const leaks: string[] = [];
    for (const row of POLICY) {
      if (row.needs === 'public') continue;
      const path = concrete(row);
      for (const url of sameEndpointSpellings(path)) {
        const response = await send(row.method, url);
        if (response.status !== 401) leaks.push(`${row.method} ${url} → ${response.status} (expected 401 as ${path})`);
      }
      for (const url of otherCaseSpellings(path)) {
        // No endpoint (404/405), or — where a public row takes any name, as /tiles/:file does — its refusal.
        const response = await send(row.method, url);
        if (response.status < 400 || response.status >= 500) leaks.push(`${row.method} ${url} → ${response.status}`);
      }
    }
    expect(leaks).toEqual([]);
    expect(await tableCounts(context)).toEqual(before);
  });

  it('refuses POST /API/keys without a key: no admin key is made', async () => {
    const before = await context.store.db.selectFrom('api_keys').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    for (const url of ['/API/keys', '/Api/Keys', '/api/KEYS', '//api//keys//', '/%41PI/keys']) {
      const response = await request(context.app).post(url).send({ name: 'x', role: 'admin' });
      expect(response.status, url).toBeGreaterThanOrEqual(400);
      expect(response.body.key, url).toBeUndefined();
    }
    const after = await context.store.db.selectFrom('api_keys').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('answers a malformed path with 400 in the API error shape', async () => {
    const response = await request(context.app).get('/api/grids/%zz');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_path');
    expect(response.body.error.message).toMatch(/路径/);
  });
});

describe('request bodies', () => {
  const broken = '{"name": "x", "role": ';

  it('are not read on a path that is no endpoint', async () => {
    for (const url of ['/x', '/API/keys', '/api/nothing']) {
      const response = await request(context.app).post(url).set('Content-Type', 'application/json').send(broken);
      expect(response.status, url).toBe(404);
    }
  });

  it('are not read before the caller is known and allowed', async () => {
    const keyless = await request(context.app).post('/api/keys').set('Content-Type', 'application/json').send(broken);
    expect(keyless.status).toBe(401);
    const wrongKey = await request(context.app).post('/api/keys').set('Authorization', 'Bearer gg_not-a-key-0000000000000000000000000').set('Content-Type', 'application/json').send(broken);
    expect(wrongKey.status).toBe(401);
  });

  it('are limited per endpoint: small for ordinary requests, large only for imports and layers', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024), role: 'viewer' });
    const small = await context.api.post('/api/keys').set('Content-Type', 'application/json').send(big);
    expect(small.status).toBe(413);
    expect(small.body.error.code).toBe('payload_too_large');
    const layer = await context.api
      .put(`/api/regions/${tree.villageA.code}/buildings`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ type: 'FeatureCollection', features: [], padding: 'x'.repeat(2 * 1024 * 1024) }));
    expect(layer.status).not.toBe(413);
  });
});
