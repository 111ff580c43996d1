/**
 * Real refusals of the running service, each asked for in both languages: Chinese by default,
 * English by `?lang=en` or by Accept-Language, and `?lang=` over Accept-Language. The code and
 * status are the same in both; the message (and every message or reason inside the details and
 * per-item results) is Chinese in the one and English in the other. The sample reaches every
 * floor that writes a message: request parsing, pure checks (geo, formats), the database's own
 * checks (GEOS validity, versions), access, the router, and per-event refusals.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { useTestService } from '../support/context.js';
import { box, gridFeature, seedTree, tree } from '../support/fixtures.js';

const context = useTestService();
const A = tree.villageA.code;
let grid: string;

beforeAll(async () => {
  await seedTree(context);
  const created = await context.api.post('/api/grids').send(gridFeature(A, '已有网格', box(114.3, 30.5, 114.305, 30.505)));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  grid = created.body.properties.code;
});

interface Sample {
  name: string;
  status: number;
  /** error.code, or for a 200 answer of per-item refusals the code of its first refusal. */
  code: string;
  send: (path: (p: string) => string, lang: Record<string, string>) => request.Test;
}

const bowtie = { type: 'Polygon', coordinates: [[[114.306, 30.506], [114.308, 30.508], [114.308, 30.506], [114.306, 30.508], [114.306, 30.506]]] };

const samples: Sample[] = [
  { name: 'a grid property out of its list', status: 400, code: 'invalid_property', send: (p, h) => context.api.post(p('/api/grids')).set(h).send(gridFeature(A, 'x', box(114.306, 30.506, 114.308, 30.508), { kind: 'city' })) },
  { name: 'a self-intersecting polygon (GEOS in PostGIS)', status: 422, code: 'invalid_geometry', send: (p, h) => context.api.post(p('/api/grids')).set(h).send(gridFeature(A, 'x', bowtie as never)) },
  { name: 'a body that is not JSON', status: 400, code: 'invalid_json', send: (p, h) => context.api.post(p('/api/grids')).set(h).set('Content-Type', 'application/json').send('{"type":') },
  { name: 'an unknown grid', status: 404, code: 'unknown_grid', send: (p, h) => context.api.get(p(`/api/grids/${A}999`)).set(h) },
  { name: 'a stale edit', status: 412, code: 'stale_version', send: (p, h) => context.api.put(p(`/api/grids/${grid}`)).set(h).set('If-Match', '"99"').send(gridFeature(A, '改名', box(114.3, 30.5, 114.305, 30.505))) },
  { name: 'an unknown sort order', status: 400, code: 'invalid_parameter', send: (p, h) => context.api.get(p('/api/incidents?sort=bogus')).set(h) },
  { name: 'an unknown incident', status: 404, code: 'unknown_incident', send: (p, h) => context.api.get(p('/api/incidents/987654')).set(h) },
  { name: 'a division of a county', status: 422, code: 'not_a_village', send: (p, h) => context.api.post(p('/api/divisions')).set(h).send({ regionCode: tree.county.code }) },
  { name: 'a division option of the wrong type', status: 400, code: 'invalid_parameter', send: (p, h) => context.api.post(p('/api/divisions')).set(h).send({ regionCode: A, adjust: 'yes' }) },
  { name: 'coordinates outside China', status: 400, code: 'outside_china', send: (p, h) => context.api.get(p('/api/locate?lon=2.35&lat=48.85')).set(h) },
  { name: 'swapped coordinates', status: 400, code: 'swapped_coordinates', send: (p, h) => context.api.get(p('/api/locate?lon=30.5&lat=114.3')).set(h) },
  { name: 'a device id that is no id', status: 400, code: 'invalid_device_id', send: (p, h) => context.api.post(p('/api/devices')).set(h).send({ id: '', kind: 'camera' }) },
  {
    name: 'a GB/T 28181 recorder (type 118) registered as a camera',
    status: 400,
    code: 'invalid_device_id',
    send: (p, h) => context.api.post(p('/api/devices')).set(h).send({ id: '42011100001180000001', kind: 'camera', name: 'x', lon: 114.302, lat: 30.502, heading: 90 }),
  },
  { name: 'no key where one is needed', status: 401, code: 'key_required', send: (p, h) => request(context.app).post(p('/api/grids')).set(h).send({}) },
  { name: 'a method the path does not take', status: 405, code: 'method_not_allowed', send: (p, h) => context.api.delete(p('/api/locate')).set(h) },
  { name: 'a path that names nothing', status: 404, code: 'no_such_endpoint', send: (p, h) => context.api.get(p('/api/nothing-here')).set(h) },
  {
    name: 'a camera event of an unknown device (per-event refusal)',
    status: 200,
    code: 'unknown_device',
    send: (p, h) => context.api.post(p('/api/feeds/events')).set(h).send({ events: [{ deviceId: '42011100001320009999', eventId: 'e1', type: 'intrusion', occurredAt: '2026-07-02T09:58:00Z' }] }),
  },
];

const HAN = /\p{Script=Han}/u;
/** Text a message quotes back (a value the caller sent) is the caller's, in any language. */
const withoutQuoted = (message: string) => message.replace(/“[^”]*”|"[^"]*"/g, '');

/**
 * Every message and reason in an answer: the error's, its details', and per-item results'.
 * A geometry problem's `details.reason` is GEOS' own diagnostic, kept as GEOS wrote it for
 * machines beside the message that puts it into words; it is not a message.
 */
function messagesOf(body: unknown): string[] {
  const found: string[] = [];
  const walk = (value: unknown, name: string, parent: string) => {
    if (typeof value === 'string') {
      if (name === 'message' || (name === 'reason' && parent !== 'details')) found.push(value);
    } else if (Array.isArray(value)) value.forEach((item) => walk(item, name, parent));
    else if (value && typeof value === 'object') for (const [key, member] of Object.entries(value)) walk(member, key, name);
  };
  walk(body, '', '');
  return found;
}

function codeOf(body: { error?: { code: string }; results?: { code?: string }[] }): string | undefined {
  return body.error?.code ?? body.results?.find((result) => result.code)?.code;
}

describe('refusals in the reader’s language', () => {
  it.each(samples.map((sample) => [sample.name, sample] as const))('%s', async (_name, sample) => {
    const same = (p: string) => p;
    const withLang = (lang: string) => (p: string) => `${p}${p.includes('?') ? '&' : '?'}lang=${lang}`;
    const chinese = await sample.send(same, {});
    const english = await sample.send(withLang('en'), {});
    const acceptEnglish = await sample.send(same, { 'Accept-Language': 'en-GB,en;q=0.9,zh;q=0.5' });
    const overridden = await sample.send(withLang('zh'), { 'Accept-Language': 'en' });
    for (const response of [chinese, english, acceptEnglish, overridden]) {
      expect(response.status, JSON.stringify(response.body).slice(0, 400)).toBe(sample.status);
      expect(codeOf(response.body)).toBe(sample.code);
    }
    const zh = messagesOf(chinese.body);
    const en = messagesOf(english.body);
    expect(zh.length).toBeGreaterThan(0);
    expect(en.length).toBe(zh.length);
    for (const message of zh) expect(message, 'Chinese by default').toMatch(HAN);
    for (const message of en) expect(withoutQuoted(message), '?lang=en').not.toMatch(HAN);
    expect(messagesOf(acceptEnglish.body), 'Accept-Language: en').toEqual(en);
    expect(messagesOf(overridden.body), '?lang=zh over Accept-Language: en').toEqual(zh);
  });
});
