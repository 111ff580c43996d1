/**
 * Residents' reports (随手拍) without a key: a photo and a place become an incident of source
 * `resident` in the right grid, assigned to its worker; the tracking number shows the status and
 * the public notes only; size, type, place and rate limits refuse the rest, writing nothing.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import sharp from 'sharp';
import { sql } from 'kysely';
import { useTestService } from '../support/context.js';
import { seedHalves } from '../support/fixtures.js';
import { fromWgs84 } from '../../server/geo/crs.js';

const PER_HOUR = 4;
const context = useTestService({}, { publicReports: { perHour: PER_HOUR } });
let WEST = '';
let EAST = '';
let workerId = 0;
let photo: Buffer;

const boundary = 'residentBoundary';
function form(fields: Record<string, string>, file?: { bytes: Buffer; type?: string; name?: string }): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="${file.name ?? 'photo.jpg'}"\r\nContent-Type: ${file.type ?? 'image/jpeg'}\r\n\r\n`), file.bytes, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(parts);
}

/** A resident's phone: no key, its own address (X-Forwarded-For is not trusted: supertest's loopback). */
function send(body: Buffer) {
  return request(context.app).post('/api/public/reports').set('Content-Type', `multipart/form-data; boundary=${boundary}`).send(body);
}

async function counts() {
  const { rows } = await sql<{ incidents: number; media: number; reports: number }>`
    SELECT (SELECT count(*) FROM incidents)::int AS incidents, (SELECT count(*) FROM media)::int AS media, (SELECT count(*) FROM public_reports)::int AS reports`.execute(context.store.db);
  return rows[0]!;
}

beforeAll(async () => {
  ({ west: WEST, east: EAST } = await seedHalves(context));
  workerId = (await context.api.post('/api/staff').send({ name: '西网格员', duty: 'fulltime', gridCodes: [WEST] })).body.id;
  photo = await sharp({ create: { width: 1200, height: 900, channels: 3, background: { r: 90, g: 140, b: 60 } } }).jpeg({ quality: 80 }).toBuffer();
});

describe('a resident’s report', () => {
  let trackingNumber = '';

  it('lands in the right grid without a key, assigned to its worker, with an unguessable tracking number', async () => {
    const [lon, lat] = fromWgs84(114.302, 30.505, 'gcj02');
    const sent = await send(form({ lon: String(lon), lat: String(lat), crs: 'gcj02', category: 'sanitation', description: '路边垃圾堆了三天' }, { bytes: photo }));
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    trackingNumber = sent.body.trackingNumber;
    expect(trackingNumber).toMatch(/^SP-[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);
    expect(Object.keys(sent.body).sort()).toEqual(['category', 'reportedAt', 'status', 'trackingNumber']);
    const { incidents } = (await context.api.get('/api/incidents?limit=10')).body;
    const filed = incidents.find((i: { source: string }) => i.source === 'resident');
    expect(filed).toMatchObject({ gridCode: WEST, category: 'sanitation', reporter: null, description: '路边垃圾堆了三天' });
    expect(filed.assignee.staffId).toBe(workerId);
    expect(filed.mediaId).toBeGreaterThan(0);
    expect((await context.api.get(`/api/media/${filed.mediaId}?size=thumb`)).headers['content-type']).toBe('image/webp');
    // The next one has another number.
    const second = await send(form({ lon: '114.308', lat: '30.505', category: 'facility', description: '路灯不亮' }));
    expect(second.status).toBe(201);
    expect(second.body.trackingNumber).not.toBe(trackingNumber);
  });

  it('shows its status and the public notes by tracking number, and nothing else', async () => {
    const status = await request(context.app).get(`/api/public/reports/${trackingNumber}`);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ trackingNumber, status: 'reported', category: 'sanitation' });
    const id = (await context.api.get('/api/incidents?limit=10')).body.incidents.find((i: { description: string }) => i.description === '路边垃圾堆了三天').id;
    await context.api.post(`/api/incidents/${id}/transition`).send({ to: 'dispatched', note: '内部：派张师傅', publicNote: '已派网格员处理' });
    await context.api.post(`/api/incidents/${id}/transition`).send({ to: 'in_progress', note: '内部备注' });
    const after = (await request(context.app).get(`/api/public/reports/${trackingNumber.toLowerCase()}`)).body;
    expect(after.status).toBe('in_progress');
    expect(after.timeline.map((t: { status: string; note: string | null }) => [t.status, t.note])).toEqual([
      ['reported', null],
      ['dispatched', '已派网格员处理'],
      ['in_progress', null],
    ]);
    const shown = JSON.stringify(after);
    for (const secret of ['内部', WEST, '西网格员', 'assignee', '"id"', 'incident', 'lon', 'grid', 'actor']) expect(shown).not.toContain(secret);
    expect((await request(context.app).get('/api/public/reports/SP-0000-0000-0000-0000-0000')).status).toBe(404);
    expect((await request(context.app).get('/api/public/reports/12345')).status).toBe(400);
    // Other incidents stay behind the key.
    expect((await request(context.app).get('/api/incidents')).status).toBe(401);
    expect((await request(context.app).get(`/api/incidents/${id}`)).status).toBe(401);
    const categories = await request(context.app).get('/api/public/categories');
    expect(categories.body.categories.map((c: { code: string }) => c.code)).toContain('sanitation');
  });

  it('refuses a 30 MB photo, a file that is no image, a place outside China or the grids, writing nothing', async () => {
    const before = await counts();
    const place = { lon: '114.302', lat: '30.505', category: 'sanitation', description: '测试' };
    const huge = Buffer.concat([photo, Buffer.alloc(30 * 1024 * 1024, 7)]);
    const cases: [Buffer, number, string][] = [
      [form(place, { bytes: huge }), 413, 'photo_too_large'],
      [form(place, { bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), type: 'image/svg+xml', name: 'a.svg' }), 400, 'invalid_property'],
      [form(place, { bytes: photo.subarray(0, 600) }), 400, 'invalid_property'],
      [form({ ...place, lon: '0', lat: '0' }, { bytes: photo }), 400, 'outside_china'],
      [form({ ...place, lon: '30.505', lat: '114.302' }, { bytes: photo }), 400, 'swapped_coordinates'],
      [form({ ...place, lon: '116.4', lat: '39.9' }, { bytes: photo }), 422, 'not_in_service_area'],
      [form({ ...place, lon: '' }, { bytes: photo }), 400, 'invalid_coordinates'],
      [form({ ...place, category: 'ufo' }, { bytes: photo }), 400, 'unknown_category'],
      [form({ ...place, description: '' }), 400, 'nothing_reported'],
      [form({ ...place, name: '张三' }, { bytes: photo }), 400, 'unknown_field'],
    ];
    for (const [body, status, code] of cases) {
      const response = await send(body);
      expect(`${response.status} ${response.body.error?.code}`).toBe(`${status} ${code}`);
      expect(response.body.error.message).toMatch(/\p{Script=Han}/u);
    }
    const json = await request(context.app).post('/api/public/reports').send({ lon: 114.302, lat: 30.505, category: 'sanitation' });
    expect(json.status).toBe(415);
    expect(await counts()).toEqual(before);
  }, 60_000);

  it('takes a few reports an hour from one address, then 429 and nothing written', async () => {
    // Two were filed above from this address; the limit is PER_HOUR.
    const place = { lon: '114.308', lat: '30.505', category: 'facility', description: '井盖缺失' };
    for (let i = 2; i < PER_HOUR; i++) expect((await send(form(place))).status).toBe(201);
    const before = await counts();
    const refused = await send(form(place, { bytes: photo }));
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('too_many_reports');
    expect(await counts()).toEqual(before);
    // The address is not kept: only a salted hash of it.
    const { rows } = await sql<{ source_hash: string }>`SELECT DISTINCT source_hash FROM public_reports`.execute(context.store.db);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.source_hash).toMatch(/^[0-9a-f]{64}$/);
    // Salted: not the plain hash of the address, which anyone could compute for every IPv4 address.
    for (const address of ['127.0.0.1', '::ffff:127.0.0.1', '::1']) expect(rows[0]!.source_hash).not.toBe(createHash('sha256').update(address).digest('hex'));
    void EAST;
  });
});
