/**
 * Over a thousand bad requests (test/support/bad-inputs.ts) to every write endpoint: each is
 * answered with a 4xx and an error body in the endpoint's shape, never a 5xx or a success, and
 * the database is the same afterwards, table by table.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Response } from 'supertest';
import { useTestService } from '../support/context.js';
import { box, gridFeature, regionFeature, seedHalves, tree } from '../support/fixtures.js';
import { badInputs, toJson, type BadInput, type EndpointSpec } from '../support/bad-inputs.js';

const BODY_BYTES = 64 * 1024;
const context = useTestService({ bodyBytes: BODY_BYTES, smallBodyBytes: BODY_BYTES, batchFeatures: 20 });
const A = tree.villageA.code;
const B = tree.villageB.code;
const WEST = `${A}001`;
const CAMERA = '42011100001320000001';
/** A grid-shaped code, a device id, an incident id and a division id that name nothing. */
const UNKNOWN = { grid: `${B}777`, region: '420111002099', device: 'no-such-camera', incident: '999999', division: '00000000-0000-4000-8000-000000000000' };

let incidentId = '';
let incidentVersion = 0;
let divisionId = '';

async function ok(response: Response, status: number): Promise<Response> {
  expect(response.status, JSON.stringify(response.body).slice(0, 500)).toBe(status);
  return response;
}

beforeAll(async () => {
  await seedHalves(context);
  await ok(await context.api.post('/api/devices').send({ id: CAMERA, kind: 'camera', name: '民族大道口', lon: 114.302, lat: 30.505, heading: 90 }), 201);
  const incident = await ok(await context.api.post('/api/incidents').send({ category: 'sanitation', source: 'worker', lon: 114.302, lat: 30.505 }), 201);
  incidentId = String(incident.body.id);
  incidentVersion = incident.body.version;
  // A finished division of village B, so that apply gets past "not found" and "not done".
  const buildings = [114.312, 114.314, 114.316, 114.318].map((lon) => ({ type: 'Feature', properties: { households: 100 }, geometry: { type: 'Point', coordinates: [lon, 30.505] } }));
  const division = await ok(await context.api.post('/api/divisions').send({ regionCode: B, buildings: { type: 'FeatureCollection', features: buildings } }), 202);
  divisionId = division.body.id;
  for (let i = 0; i < 400; i++) {
    const job = await context.api.get(`/api/divisions/${divisionId}`);
    if (job.body.status === 'done') break;
    expect(job.body.status).not.toBe('failed');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
});

/** Row count and an md5 of the ordered rows of every table in the public schema. */
async function snapshot(): Promise<Record<string, string>> {
  const db = context.store.db;
  const tables = await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`.execute(db);
  const result: Record<string, string> = {};
  for (const { name } of tables.rows) {
    const row = await sql<{ n: string; md5: string | null }>`SELECT count(*)::text AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS md5 FROM ${sql.table(name)} t`.execute(db);
    result[name] = `${row.rows[0].n} ${row.rows[0].md5}`;
  }
  return result;
}

const square = (minLon: number, minLat: number) => box(minLon, minLat, minLon + 0.001, minLat + 0.001);
const multipartBoundary = 'gridgovBoundary';
function multipart(parts: { name: string; value: string | Buffer; filename?: string }[], close = true): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ''}`;
    chunks.push(Buffer.from(`--${multipartBoundary}\r\nContent-Disposition: ${disposition}\r\n\r\n`), Buffer.from(part.value), Buffer.from('\r\n'));
  }
  if (close) chunks.push(Buffer.from(`--${multipartBoundary}--\r\n`));
  return Buffer.concat(chunks);
}
const MULTIPART = `multipart/form-data; boundary=${multipartBoundary}`;

/** The valid request of every write endpoint, with what may vary in it. */
function endpoints(): EndpointSpec[] {
  const newGrid = { ...gridFeature(B, '新网格', square(114.311, 30.501), { households: 100, population: 300 }), reason: '新建' };
  const gridOptional = ['properties.households', 'properties.population', 'reason'];
  const gridFreeText = ['properties.name', 'reason'];
  const ifMatch = { 'If-Match': '"1"' };
  const importFile = (features: unknown[]) => toJson({ type: 'FeatureCollection', features });
  return [
    {
      method: 'post',
      route: '/api/regions',
      path: '/api/regions',
      shape: 'api',
      body: 'json',
      valid: regionFeature('420111002006', '新社区', 'village', tree.street.code, square(114.26, 30.46)),
      // A region without a parent is a root, which is allowed.
      optional: ['properties.parentCode'],
      freeText: ['properties.name'],
      polygons: ['geometry'],
    },
    {
      method: 'put',
      route: '/api/regions/:code/buildings',
      path: `/api/regions/${A}/buildings`,
      shape: 'api',
      body: 'json',
      valid: { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { households: 40, compound: '明园' }, geometry: square(114.301, 30.501) }] },
      target: { valid: A, kind: 'region', unknown: [UNKNOWN.region, tree.street.code] },
      optional: ['features.0.properties.compound'],
      freeText: ['features.0.properties.compound'],
      polygons: ['features.0.geometry'],
      badQueries: ['households=estimate', 'households=footprint&households=footprint'],
      // A building may be an address point; an empty layer clears the village's buildings.
      skip: [/geometry: Point$/, /^missing: features\.0: /],
    },
    {
      method: 'post',
      route: '/api/grids',
      path: '/api/grids',
      shape: 'api',
      body: 'json',
      valid: newGrid,
      actor: true,
      optional: gridOptional,
      freeText: gridFreeText,
      polygons: ['geometry'],
    },
    {
      method: 'post',
      route: '/api/grids/import',
      path: '/api/grids/import',
      shape: 'api',
      body: 'json',
      valid: { type: 'FeatureCollection', features: [gridFeature(B, '新网格', square(114.311, 30.501))], reason: '导入' },
      actor: true,
      optional: ['reason'],
      freeText: ['features.0.properties.name', 'reason'],
      polygons: ['features.0.geometry'],
    },
    {
      method: 'put',
      route: '/api/grids/:code',
      path: `/api/grids/${WEST}`,
      shape: 'api',
      body: 'json',
      valid: { type: 'Feature', properties: { name: '西网格', kind: 'urban', households: 300 }, geometry: box(114.3, 30.5, 114.305, 30.51), reason: '改' },
      headers: ifMatch,
      target: { valid: WEST, kind: 'grid', unknown: [UNKNOWN.grid] },
      ifMatch: 'required',
      actor: true,
      optional: ['properties.households', 'reason'],
      freeText: ['properties.name', 'reason'],
      polygons: ['geometry'],
    },
    {
      method: 'delete',
      route: '/api/grids/:code',
      path: `/api/grids/${WEST}`,
      shape: 'api',
      body: 'none',
      headers: ifMatch,
      target: { valid: WEST, kind: 'grid', unknown: [UNKNOWN.grid] },
      ifMatch: 'required',
      actor: true,
      badQueries: ['reason=a&reason=b', `reason=${'x'.repeat(1001)}`, 'reason=%00'],
    },
    {
      method: 'post',
      route: '/api/grids/batch',
      path: '/api/grids/batch',
      shape: 'api',
      body: 'json',
      valid: {
        reason: '调整',
        changes: [
          { op: 'update', code: WEST, version: 1, geometry: box(114.3, 30.5, 114.304, 30.51), properties: { households: 300 } },
          { op: 'create', feature: gridFeature(B, '新网格', square(114.311, 30.501)) },
          { op: 'retire', code: `${A}002`, version: 1 },
        ],
      },
      actor: true,
      optional: ['reason', 'changes.0.properties', 'changes.0.geometry', 'changes.0.properties.households'],
      freeText: ['reason', 'changes.1.feature.properties.name'],
      polygons: ['changes.0.geometry', 'changes.1.feature.geometry'],
      // The other changes make a valid batch of their own.
      skip: [/^missing: changes\.0: /],
    },
    {
      method: 'put',
      route: '/api/regions/:code/lines',
      path: `/api/regions/${A}/lines`,
      shape: 'api',
      body: 'json',
      valid: {
        type: 'FeatureCollection',
        features: [{ type: 'Feature', properties: { kind: 'road', name: '光谷大道', class: 'major' }, geometry: { type: 'LineString', coordinates: [[114.299, 30.505], [114.311, 30.505]] } }],
      },
      target: { valid: A, kind: 'region', unknown: [UNKNOWN.region] },
      optional: ['features.0.properties.name', 'features.0.properties.class'],
      freeText: ['features.0.properties.name'],
      badQueries: ['crs=utm'],
      // No lines clears the region's lines.
      skip: [/^missing: features\.0: /],
    },
    {
      method: 'post',
      route: '/api/keys',
      path: '/api/keys',
      shape: 'api',
      body: 'json',
      valid: { name: '12345 热线', role: 'integrator', regionCode: tree.street.code },
      actor: true,
      optional: ['regionCode'],
      freeText: ['name'],
    },
    {
      method: 'delete',
      route: '/api/keys/:id',
      path: '/api/keys/k_000000000000',
      shape: 'api',
      body: 'none',
      target: { valid: 'k_000000000000', kind: 'key', unknown: ['k_ffffffffffff'] },
    },
    {
      method: 'post',
      route: '/api/import',
      path: '/api/import',
      shape: 'api',
      body: 'multipart',
      validRaw: { contentType: MULTIPART, body: multipart([{ name: 'kind', value: 'grids' }, { name: 'file', filename: 'grids.geojson', value: importFile([gridFeature(B, '新网格', square(114.311, 30.501))]) }]) },
      actor: true,
      badQueries: ['dryRun=maybe', 'skipInvalid=perhaps', 'crs=EPSG:9999', 'encoding=klingon', 'region=abc', 'households=estimate', `reason=${'x'.repeat(1001)}`],
      badBodies: [
        { label: 'JSON instead of multipart', contentType: 'application/json', body: '{"kind":"grids"}' },
        { label: 'no kind', contentType: MULTIPART, body: multipart([{ name: 'file', filename: 'a.geojson', value: importFile([]) }]) },
        { label: 'unknown kind', contentType: MULTIPART, body: multipart([{ name: 'kind', value: 'ships' }, { name: 'file', filename: 'a.geojson', value: importFile([]) }]) },
        { label: 'no file', contentType: MULTIPART, body: multipart([{ name: 'kind', value: 'grids' }]) },
        { label: 'unknown field', contentType: MULTIPART, body: multipart([{ name: 'kind', value: 'grids' }, { name: 'colour', value: 'red' }]) },
        { label: 'file in the wrong field', contentType: MULTIPART, body: multipart([{ name: 'kind', value: 'grids' }, { name: 'upload', filename: 'a.geojson', value: importFile([]) }]) },
        { label: 'two files', contentType: MULTIPART, body: multipart([{ name: 'kind', value: 'grids' }, { name: 'file', filename: 'a.geojson', value: importFile([]) }, { name: 'file', filename: 'b.geojson', value: importFile([]) }]) },
        { label: 'truncated multipart', contentType: MULTIPART, body: multipart([{ name: 'kind', value: 'grids' }, { name: 'file', filename: 'a.geojson', value: '{"type":' }], false) },
        { label: 'garbage zip', contentType: MULTIPART, body: multipart([{ name: 'kind', value: 'grids' }, { name: 'file', filename: 'a.zip', value: Buffer.from('PK\u0003\u0004garbage') }]) },
        { label: 'empty file', contentType: MULTIPART, body: multipart([{ name: 'kind', value: 'grids' }, { name: 'file', filename: 'a.geojson', value: '' }]) },
        { label: 'malformed GeoJSON file', contentType: MULTIPART, body: multipart([{ name: 'kind', value: 'grids' }, { name: 'file', filename: 'a.geojson', value: '{"type":"FeatureCollection","features":[' }]) },
        { label: 'unknown file type', contentType: MULTIPART, body: multipart([{ name: 'kind', value: 'grids' }, { name: 'file', filename: 'a.exe', value: 'MZ\u0090' }]) },
        { label: 'empty FeatureCollection', contentType: MULTIPART, body: multipart([{ name: 'kind', value: 'grids' }, { name: 'file', filename: 'a.geojson', value: importFile([]) }]) },
        { label: 'grid outside China', contentType: MULTIPART, body: multipart([{ name: 'kind', value: 'grids' }, { name: 'file', filename: 'a.geojson', value: importFile([gridFeature(B, 'x', square(0, 0))]) }]) },
        { label: 'bowtie grid', contentType: MULTIPART, body: multipart([{ name: 'kind', value: 'grids' }, { name: 'file', filename: 'a.geojson', value: importFile([gridFeature(B, 'x', { type: 'Polygon', coordinates: [[[114.311, 30.501], [114.312, 30.502], [114.312, 30.501], [114.311, 30.502], [114.311, 30.501]]] })]) }]) },
        { label: 'grid overlapping a live grid', contentType: MULTIPART, body: multipart([{ name: 'kind', value: 'grids' }, { name: 'file', filename: 'a.geojson', value: importFile([gridFeature(A, 'x', square(114.301, 30.501))]) }]) },
        { label: 'region of unknown village', contentType: MULTIPART, body: multipart([{ name: 'kind', value: 'regions' }, { name: 'file', filename: 'a.geojson', value: importFile([regionFeature('420111002007', 'x', 'village', UNKNOWN.region, square(114.26, 30.48))]) }]) },
        { label: 'CSV with bad rows', contentType: MULTIPART, body: multipart([{ name: 'kind', value: 'addresses' }, { name: 'file', filename: 'a.csv', value: 'address,lon,lat\nx,abc,def\n,114.3,30.5\n' }]) },
        { label: 'file over the limit', contentType: MULTIPART, body: multipart([{ name: 'kind', value: 'grids' }, { name: 'file', filename: 'a.geojson', value: Buffer.alloc(BODY_BYTES + 1, 0x20) }]) },
      ],
    },
    {
      method: 'post',
      route: '/api/divisions',
      path: '/api/divisions',
      shape: 'api',
      body: 'json',
      valid: {
        boundary: square(114.26, 30.46),
        buildings: { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { households: 120 }, geometry: { type: 'Point', coordinates: [114.2605, 30.4605] } }] },
        minHouseholds: 300,
        maxHouseholds: 500,
        adjust: false,
        households: 'buildings',
      },
      optional: ['minHouseholds', 'maxHouseholds', 'adjust', 'households'],
      polygons: ['boundary'],
    },
    {
      method: 'post',
      route: '/api/divisions/:id/apply',
      path: '', // filled in once the division exists
      shape: 'api',
      body: 'none',
      target: { valid: '', kind: 'division', unknown: [UNKNOWN.division, 'not-a-uuid'] },
      actor: true,
      badQueries: ['dryRun=maybe', 'dryRun=true&dryRun=false', 'gridKind=special', 'gridKind=garbage', `reason=${'x'.repeat(1001)}`],
    },
    {
      method: 'post',
      route: '/api/addresses/import',
      path: '/api/addresses/import',
      shape: 'api',
      body: 'json',
      valid: { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { address: '湖北省武汉市洪山区民族大道99号' }, geometry: { type: 'Point', coordinates: [114.302, 30.505] } }] },
      actor: true,
      freeText: ['features.0.properties.address'],
      badQueries: ['crs=utm', 'crs=wgs84&crs=gcj02', 'skipInvalid=perhaps'],
      badBodies: [
        { label: 'CSV without the columns', contentType: 'text/csv', body: 'name,x,y\na,1,2\n' },
        { label: 'CSV with text for numbers', contentType: 'text/csv', body: 'address,lon,lat\n民族大道1号,abc,def\n' },
        { label: 'CSV with NaN and Infinity', contentType: 'text/csv', body: 'address,lon,lat\n民族大道1号,NaN,Infinity\n' },
        { label: 'CSV with swapped lat/lon', contentType: 'text/csv', body: 'address,lon,lat\n民族大道1号,30.505,114.302\n' },
        { label: 'CSV outside China', contentType: 'text/csv', body: 'address,lon,lat\n民族大道1号,0,0\n' },
        { label: 'CSV with an empty address', contentType: 'text/csv', body: 'address,lon,lat\n,114.302,30.505\n' },
        { label: 'CSV with an unclosed quote', contentType: 'text/csv', body: 'address,lon,lat\n"民族大道1号,114.302,30.505\n' },
        { label: 'CSV with a NUL in an address', contentType: 'text/csv', body: 'address,lon,lat\n民族\u0000大道1号,114.302,30.505\n' },
        { label: 'CSV header only', contentType: 'text/csv', body: 'address,lon,lat\n' },
        { label: 'empty CSV', contentType: 'text/csv', body: '' },
        { label: 'CSV with -0', contentType: 'text/csv', body: 'address,lon,lat\n民族大道1号,-0,-0\n' },
        { label: 'CSV over the limit', contentType: 'text/csv', body: `address,lon,lat\n${'民族大道1号,114.302,30.505\n'.repeat(Math.ceil(BODY_BYTES / 20))}` },
      ],
    },
    {
      method: 'post',
      route: '/api/devices',
      path: '/api/devices',
      shape: 'api',
      body: 'json',
      valid: { id: 'cam-new-1', kind: 'camera', name: '新球机', lon: 114.303, lat: 30.503, heightM: 6, heading: 90, fov: 60, rangeM: 80 },
      optional: ['heightM', 'fov', 'rangeM'],
      freeText: ['name'],
      coordinates: ['lon', 'lat'],
    },
    {
      method: 'put',
      route: '/api/devices/:id',
      path: `/api/devices/${CAMERA}`,
      shape: 'api',
      body: 'json',
      valid: { kind: 'camera', name: '民族大道口', lon: 114.302, lat: 30.505, heading: 180 },
      headers: ifMatch,
      target: { valid: CAMERA, kind: 'device', unknown: [UNKNOWN.device] },
      ifMatch: 'required',
      freeText: ['name'],
      coordinates: ['lon', 'lat'],
    },
    {
      method: 'delete',
      route: '/api/devices/:id',
      path: `/api/devices/${CAMERA}`,
      shape: 'api',
      body: 'none',
      headers: ifMatch,
      target: { valid: CAMERA, kind: 'device', unknown: [UNKNOWN.device] },
      ifMatch: 'required',
    },
    {
      method: 'post',
      route: '/api/incidents',
      path: '/api/incidents',
      shape: 'api',
      body: 'json',
      valid: { category: 'sanitation', source: 'worker', lon: 114.302, lat: 30.505, description: '垃圾堆积', reporter: '张三' },
      actor: true,
      optional: ['source', 'description', 'reporter'],
      freeText: ['description', 'reporter'],
      coordinates: ['lon', 'lat'],
    },
    {
      method: 'post',
      route: '/api/incidents/:id/transition',
      path: '', // filled in once the incident exists
      shape: 'api',
      body: 'json',
      valid: { to: 'dispatched', note: '派网格员' },
      target: { valid: '', kind: 'incident', unknown: [UNKNOWN.incident] },
      ifMatch: 'optional',
      actor: true,
      optional: ['note', 'photo'],
      freeText: ['note'],
    },
    {
      method: 'post',
      route: '/api/incidents/:id/escalate',
      path: '',
      shape: 'api',
      body: 'json',
      valid: { note: '需社区协调' },
      target: { valid: '', kind: 'incident', unknown: [UNKNOWN.incident] },
      ifMatch: 'optional',
      actor: true,
      bodyOptional: true,
      optional: ['note', 'photo'],
      freeText: ['note'],
    },
    {
      method: 'post',
      route: '/api/feeds/events',
      path: '/api/feeds/events',
      shape: 'api',
      body: 'json',
      valid: { crs: 'wgs84', events: [{ deviceId: CAMERA, eventId: 'evt-1', type: 'intrusion', occurredAt: '2025-01-01T08:00:00+08:00', severity: 3, lon: 114.302, lat: 30.505 }] },
      itemsRefused: 'events',
      arrayIsItems: true,
      optional: ['crs', 'events.0.severity'],
      coordinates: ['events.0.lon', 'events.0.lat'],
    },
    {
      method: 'post',
      route: '/open311/v2/requests.json',
      path: '/open311/v2/requests.json',
      shape: 'open311',
      body: 'form',
      // The key is context.api's Authorization header.
      valid: { service_code: 'sanitation', lat: '30.505', long: '114.302', description: '垃圾', first_name: '三', last_name: '张', phone: '13800138000', email: 'zs@example.cn' },
      // Open311's own parsers take up to 1 MB, whatever the service's limit.
      bodyBytes: 1024 * 1024,
      optional: ['description', 'first_name', 'last_name', 'phone', 'email'],
      // Contacts are not checked: they are text.
      freeText: ['description', 'first_name', 'last_name', 'phone', 'email'],
      coordinates: ['lat', 'long'],
    },
    {
      method: 'post',
      route: '/api/locate',
      path: '/api/locate',
      shape: 'api',
      body: 'json',
      valid: { crs: 'wgs84', points: [[114.302, 30.505]], fields: 'code' },
      optional: ['crs', 'fields'],
      coordinates: ['points.0.0', 'points.0.1'],
      badQueries: ['asOf=yesterday'],
      // No points is a valid (empty) batch.
      skip: [/^missing: points\.0: /],
    },
    {
      method: 'post',
      route: '/api/geocode',
      path: '/api/geocode',
      shape: 'api',
      body: 'json',
      valid: { addresses: ['民族大道12号'], limit: 1 },
      optional: ['limit'],
      freeText: ['addresses.0'],
      badQueries: ['crs=utm'],
      // No addresses is a valid (empty) batch.
      skip: [/^missing: addresses\.0: /],
    },
  ];
}

describe('bad input to every write endpoint', () => {
  it('is refused with a 4xx in the endpoint error shape and changes nothing', { timeout: 300_000 }, async () => {
    const specs = endpoints().map((spec) => {
      const id = spec.target?.kind === 'incident' ? incidentId : spec.target?.kind === 'division' ? divisionId : undefined;
      if (id === undefined) return spec;
      const headers = spec.target!.kind === 'incident' ? { 'If-Match': `"${incidentVersion}"` } : spec.headers;
      return { ...spec, path: spec.route.replace(/:\w+/, id), headers, target: { ...spec.target!, valid: id } };
    });
    const corpus = badInputs(specs, { seed: 20261123, bodyBytes: BODY_BYTES });
    const before = await snapshot();
    const failures: string[] = [];
    const started = Date.now();
    await pool(corpus, 4, async (input) => {
      const problem = await send(input).then((response) => judge(input, response), (error: Error) => `not sent: ${error.message}`);
      if (problem) failures.push(`${input.endpoint} [${input.category}] ${input.label}: ${problem}`);
    });
    const byEndpoint = count(corpus, (input) => input.endpoint);
    const byCategory = count(corpus, (input) => input.category);
    console.log(`[bad-input] ${corpus.length} requests in ${((Date.now() - started) / 1000).toFixed(1)} s\n`, byEndpoint, '\n', byCategory);
    expect(failures, `${failures.length} of ${corpus.length} bad inputs were not refused properly:\n${failures.join('\n')}`).toEqual([]);
    expect(await snapshot()).toEqual(before);
    expect(corpus.length).toBeGreaterThanOrEqual(1000);
    for (const spec of specs) expect(byEndpoint[`${spec.method.toUpperCase()} ${spec.route}`], spec.route).toBeGreaterThan(10);
  });

  it('covers every write endpoint the app declares', () => {
    const covered = new Set(endpoints().map((spec) => `${spec.method.toUpperCase()} ${spec.route.replace(/\.json$/, '{.:format}')}`));
    const missing = declaredWriteEndpoints().filter((endpoint) => !covered.has(endpoint));
    expect(missing, 'write endpoints without bad input: add them to endpoints() above').toEqual([]);
  });
});

async function send(input: BadInput): Promise<Response> {
  let request = context.api[input.method](input.path);
  for (const [name, value] of Object.entries(input.headers)) request = request.set(name, value);
  // As it is: superagent would write a Buffer sent as JSON as {"type":"Buffer","data":[…]}.
  return input.body === undefined ? request : request.serialize((body: unknown) => body as string).send(input.body);
}

/** Why the answer is wrong, or undefined. */
function judge(input: BadInput, response: Response): string | undefined {
  const status = response.status;
  const excerpt = `${status} ${(response.text ?? '').slice(0, 200)}`;
  if (!/json/.test(response.headers['content-type'] ?? '')) return `not JSON: ${excerpt}`;
  const body = response.body as unknown;
  if (input.expect === 'items-refused' && status === 200) {
    const report = body as { accepted?: number; duplicates?: number; rejected?: number; results?: unknown[] };
    if (status !== 200 || report.accepted !== 0 || report.duplicates !== 0 || report.rejected !== report.results?.length) return `expected 200 with every item refused: ${excerpt}`;
    return undefined;
  }
  if (status < 400 || status >= 500) return `expected a 4xx: ${excerpt}`;
  if (input.shape === 'open311') {
    const ok = Array.isArray(body) && body.length > 0 && body.every((e: { code?: unknown; description?: unknown }) => e.code === status && typeof e.description === 'string' && e.description !== '');
    return ok ? undefined : `not an Open311 error: ${excerpt}`;
  }
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const ok = typeof error?.code === 'string' && error.code !== '' && typeof error.message === 'string' && error.message !== '';
  return ok ? undefined : `not {error:{code,message}}: ${excerpt}`;
}

async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

function count<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

/**
 * "METHOD /mount/route" of every POST/PUT/PATCH/DELETE the routers declare, read from the
 * sources: server/app.ts mounts each router function, server/routes/*.ts declare the routes.
 */
function declaredWriteEndpoints(): string[] {
  const server = path.join(import.meta.dirname, '..', '..', 'server');
  const mounts = new Map<string, string[]>();
  for (const [, mount, fn] of fs.readFileSync(path.join(server, 'app.ts'), 'utf8').matchAll(/app\.use\(\s*'([^']+)',\s*(\w+)\(/g)) {
    mounts.set(fn, [...(mounts.get(fn) ?? []), mount]);
  }
  const endpoints: string[] = [];
  for (const file of fs.readdirSync(path.join(server, 'routes'))) {
    const source = fs.readFileSync(path.join(server, 'routes', file), 'utf8');
    // Each exported router function runs to the next one.
    const functions = [...source.matchAll(/export function (\w+)\(/g)];
    functions.forEach((fn, i) => {
      const body = source.slice(fn.index, functions[i + 1]?.index ?? source.length);
      for (const [, method, route] of body.matchAll(/router\.(post|put|patch|delete)\(\s*'([^']+)'/g)) {
        for (const mount of mounts.get(fn[1]) ?? []) endpoints.push(`${method.toUpperCase()} ${mount}${route === '/' ? '' : route}`);
      }
    });
  }
  return endpoints;
}
