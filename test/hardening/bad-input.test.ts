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
import { POLICY } from '../../server/http/access-policy.js';
import { defaultLimits } from '../../server/config.js';
import { PHOTO_JSON_BYTES } from '../../server/media/snapshot.js';

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
let staffId = 0;
let addressId = 0;
/** A phone photo, as small as a PNG can be (1×1). */
const PHOTO = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
const recently = () => [new Date(Date.now() - 600_000).toISOString(), new Date(Date.now() - 590_000).toISOString()];

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
  // People in the grid: a worker of the west grid (the incident above is theirs), an address to visit.
  staffId = (await ok(await context.api.post('/api/staff').send({ name: '西网格员', phone: '13800138000', duty: 'fulltime', gridCodes: [WEST] }), 201)).body.id;
  await ok(await context.api.post('/api/addresses/import').send({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { address: '湖北省武汉市洪山区民族大道1号' }, geometry: { type: 'Point', coordinates: [114.302, 30.506] } }] }), 200);
  addressId = Number((await context.store.db.selectFrom('addresses').select('id').executeTakeFirstOrThrow()).id);
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
        specialCandidates: { minAreaHa: 2, minShare: 0.3 },
      },
      optional: ['minHouseholds', 'maxHouseholds', 'adjust', 'households', 'specialCandidates', 'specialCandidates.minAreaHa', 'specialCandidates.minShare'],
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
      valid: { category: 'sanitation', source: 'worker', lon: 114.302, lat: 30.505, description: '垃圾堆积', reporter: '张三', photo: PHOTO },
      actor: true,
      optional: ['source', 'description', 'reporter', 'photo'],
      freeText: ['description', 'reporter'],
      coordinates: ['lon', 'lat'],
    },
    {
      method: 'post',
      route: '/api/incidents/:id/transition',
      path: '', // filled in once the incident exists
      shape: 'api',
      body: 'json',
      valid: { to: 'dispatched', note: '派网格员', publicNote: '已派网格员处理', assignee: 0, photo: PHOTO },
      target: { valid: '', kind: 'incident', unknown: [UNKNOWN.incident] },
      ifMatch: 'optional',
      actor: true,
      optional: ['note', 'publicNote', 'assignee', 'photo'],
      freeText: ['note', 'publicNote'],
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
      route: '/api/feeds/gb28181',
      path: '/api/feeds/gb28181',
      shape: 'api',
      body: 'xml',
      validRaw: {
        contentType: 'Application/MANSCDP+xml',
        body: `<?xml version="1.0" encoding="UTF-8"?>\r\n<Notify>\r\n<CmdType>Alarm</CmdType>\r\n<SN>17</SN>\r\n<DeviceID>${CAMERA}</DeviceID>\r\n<AlarmPriority>1</AlarmPriority>\r\n<AlarmMethod>5</AlarmMethod>\r\n<AlarmTime>2025-01-01T08:00:00</AlarmTime>\r\n<AlarmDescription>东门入侵</AlarmDescription>\r\n<Longitude>114.302</Longitude>\r\n<Latitude>30.505</Latitude>\r\n<Info><AlarmType>6</AlarmType></Info>\r\n</Notify>\r\n`,
      },
      itemsRefused: 'Notify',
      // A platform sends at most a backlog of notifications: 1 MB.
      bodyBytes: 1024 * 1024,
      xmlElements: [
        { name: 'CmdType', bad: ['Keepalive', 'Catalog', '', "'; DROP TABLE incidents; --"] },
        { name: 'SN', bad: ['', 'abc', '-1', '1.5', '9'.repeat(40)] },
        { name: 'DeviceID', bad: ['', 'nobody', '42011100001320009999', '<script>', '长'.repeat(10_000)] },
        { name: 'AlarmPriority', bad: ['', '0', '5', '五级', 'abc', '1e309'] },
        { name: 'AlarmMethod', bad: ['', '0', '8', 'abc', '5a'] },
        { name: 'AlarmTime', bad: ['', 'yesterday', '2025-13-01T08:00:00', '2025-01-01', '2099-01-01T00:00:00'] },
        { name: 'AlarmDescription', optional: true, bad: ['长'.repeat(10_000)] },
        { name: 'Longitude', optional: true, bad: ['abc', '181', '2.35', '30.505', 'NaN', '1e309'] },
        { name: 'Latitude', optional: true, bad: ['abc', '91', '60', '114.302', 'Infinity'] },
        { name: 'AlarmType', optional: true, bad: ['x', '-1', '1.5'] },
      ],
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
      route: '/api/staff',
      path: '/api/staff',
      shape: 'api',
      body: 'json',
      valid: { name: '新网格员', phone: '13900139000', duty: '兼职网格员', gridCodes: [WEST] },
      actor: true,
      optional: ['phone'],
      freeText: ['name'],
    },
    {
      method: 'put',
      route: '/api/staff/:id',
      path: '', // filled in once the staff member exists
      shape: 'api',
      body: 'json',
      valid: { duty: 'leader', gridCodes: [WEST], phone: '13900139001' },
      headers: ifMatch,
      target: { valid: '', kind: 'staff', unknown: ['999999'] },
      ifMatch: 'required',
      actor: true,
      // A PUT sends what changes: any of the fields may be left out (but not all).
      optional: ['duty', 'gridCodes', 'phone'],
      // A staff member of another township, a retired or unknown grid: refused as well.
      badBodies: [
        { label: 'a grid of another township', contentType: 'application/json', body: toJson({ gridCodes: ['420111003001001'] }) },
        { label: 'no grid and no region', contentType: 'application/json', body: toJson({ gridCodes: [] }) },
        { label: 'nothing to change', contentType: 'application/json', body: '{}' },
      ],
    },
    {
      method: 'delete',
      route: '/api/staff/:id',
      path: '',
      shape: 'api',
      body: 'none',
      headers: ifMatch,
      target: { valid: '', kind: 'staff', unknown: ['999999'] },
      ifMatch: 'required',
      actor: true,
    },
    {
      method: 'post',
      route: '/api/staff/import',
      path: '/api/staff/import',
      shape: 'api',
      body: 'csv',
      validRaw: { contentType: 'text/csv', body: `姓名,电话,职务,网格编码\n导入员,13700137000,专职网格员,${WEST}\n` },
      actor: true,
      badQueries: ['dryRun=maybe'],
      badBodies: [
        { label: 'JSON instead of CSV', contentType: 'application/json', body: '{"name":"x"}' },
        { label: 'no header columns', contentType: 'text/csv', body: 'a,b\n1,2\n' },
        { label: 'header only', contentType: 'text/csv', body: '姓名,电话,职务,网格编码\n' },
        { label: 'empty', contentType: 'text/csv', body: '' },
        { label: 'a bad phone', contentType: 'text/csv', body: `姓名,电话,职务,网格编码\n甲,12345,专职网格员,${WEST}\n` },
        { label: 'an unknown duty', contentType: 'text/csv', body: `姓名,电话,职务,网格编码\n甲,13700137000,局长,${WEST}\n` },
        { label: 'an unknown grid', contentType: 'text/csv', body: `姓名,电话,职务,网格编码\n甲,13700137000,专职网格员,${UNKNOWN.grid}\n` },
        { label: 'a good row and a bad one', contentType: 'text/csv', body: `姓名,电话,职务,网格编码\n甲,13700137000,专职网格员,${WEST}\n乙,,局长,${WEST}\n` },
        { label: 'an unclosed quote', contentType: 'text/csv', body: `姓名,电话,职务,网格编码\n"甲,13700137000,专职网格员,${WEST}\n` },
        { label: 'a NUL in a name', contentType: 'text/csv', body: `姓名,电话,职务,网格编码\n甲\u0000,13700137000,专职网格员,${WEST}\n` },
        { label: 'over the limit', contentType: 'text/csv', body: `姓名,电话,职务,网格编码\n${'甲,13700137000,专职网格员,420111002003001\n'.repeat(70_000)}` },
      ],
    },
    {
      method: 'post',
      route: '/api/patrols',
      path: '/api/patrols',
      shape: 'api',
      body: 'json',
      valid: { staffId: 0, clientId: 'walk-1:0', crs: 'wgs84', track: { type: 'LineString', coordinates: [[114.302, 30.505], [114.3021, 30.505]] }, times: [] },
      optional: ['clientId', 'crs'],
      coordinates: ['track.coordinates.0.0', 'track.coordinates.0.1', 'track.coordinates.1.0', 'track.coordinates.1.1'],
      badBodies: [
        { label: 'times out of order', contentType: 'application/json', body: '' },
        { label: 'a point outside China', contentType: 'application/json', body: '' },
        { label: 'faster than anyone patrols', contentType: 'application/json', body: '' },
      ],
    },
    {
      method: 'post',
      route: '/api/visits',
      path: '/api/visits',
      shape: 'api',
      body: 'json',
      valid: { staffId: 0, addressId: 0, note: '走访', clientId: 'visit-1', photo: PHOTO },
      optional: ['note', 'clientId', 'photo'],
      freeText: ['note'],
    },
    {
      method: 'post',
      route: '/api/public/reports',
      path: '/api/public/reports',
      shape: 'api',
      body: 'multipart',
      validRaw: { contentType: MULTIPART, body: multipart([{ name: 'lon', value: '114.302' }, { name: 'lat', value: '30.505' }, { name: 'category', value: 'sanitation' }, { name: 'description', value: '垃圾' }]) },
      badBodies: [
        { label: 'JSON instead of multipart', contentType: 'application/json', body: '{"lon":114.302,"lat":30.505,"category":"sanitation"}' },
        { label: 'a 30 MB photo', contentType: MULTIPART, body: multipart([{ name: 'lon', value: '114.302' }, { name: 'lat', value: '30.505' }, { name: 'category', value: 'sanitation' }, { name: 'photo', filename: 'a.jpg', value: Buffer.alloc(30 * 1024 * 1024, 0xff) }]) },
        { label: 'a photo that is no image', contentType: MULTIPART, body: multipart([{ name: 'lon', value: '114.302' }, { name: 'lat', value: '30.505' }, { name: 'category', value: 'sanitation' }, { name: 'photo', filename: 'a.jpg', value: 'MZ\u0090 not a picture' }]) },
        { label: 'a truncated JPEG', contentType: MULTIPART, body: multipart([{ name: 'lon', value: '114.302' }, { name: 'lat', value: '30.505' }, { name: 'category', value: 'sanitation' }, { name: 'photo', filename: 'a.jpg', value: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]) }]) },
        { label: 'two photos', contentType: MULTIPART, body: multipart([{ name: 'lon', value: '114.302' }, { name: 'lat', value: '30.505' }, { name: 'category', value: 'sanitation' }, { name: 'photo', filename: 'a.png', value: Buffer.from(PHOTO.split(',')[1]!, 'base64') }, { name: 'photo', filename: 'b.png', value: Buffer.from(PHOTO.split(',')[1]!, 'base64') }]) },
        { label: 'a photo in another field', contentType: MULTIPART, body: multipart([{ name: 'lon', value: '114.302' }, { name: 'lat', value: '30.505' }, { name: 'category', value: 'sanitation' }, { name: 'image', filename: 'a.png', value: Buffer.from(PHOTO.split(',')[1]!, 'base64') }]) },
        { label: 'outside China', contentType: MULTIPART, body: multipart([{ name: 'lon', value: '0' }, { name: 'lat', value: '0' }, { name: 'category', value: 'sanitation' }, { name: 'description', value: '垃圾' }]) },
        { label: 'swapped lon and lat', contentType: MULTIPART, body: multipart([{ name: 'lon', value: '30.505' }, { name: 'lat', value: '114.302' }, { name: 'category', value: 'sanitation' }, { name: 'description', value: '垃圾' }]) },
        { label: 'outside every grid', contentType: MULTIPART, body: multipart([{ name: 'lon', value: '116.4' }, { name: 'lat', value: '39.9' }, { name: 'category', value: 'sanitation' }, { name: 'description', value: '垃圾' }]) },
        { label: 'no place', contentType: MULTIPART, body: multipart([{ name: 'category', value: 'sanitation' }, { name: 'description', value: '垃圾' }]) },
        { label: 'text for coordinates', contentType: MULTIPART, body: multipart([{ name: 'lon', value: 'east' }, { name: 'lat', value: 'north' }, { name: 'category', value: 'sanitation' }, { name: 'description', value: '垃圾' }]) },
        { label: 'an unknown category', contentType: MULTIPART, body: multipart([{ name: 'lon', value: '114.302' }, { name: 'lat', value: '30.505' }, { name: 'category', value: 'ufo' }, { name: 'description', value: '垃圾' }]) },
        { label: 'no photo and no description', contentType: MULTIPART, body: multipart([{ name: 'lon', value: '114.302' }, { name: 'lat', value: '30.505' }, { name: 'category', value: 'sanitation' }]) },
        { label: 'a description too long', contentType: MULTIPART, body: multipart([{ name: 'lon', value: '114.302' }, { name: 'lat', value: '30.505' }, { name: 'category', value: 'sanitation' }, { name: 'description', value: '长'.repeat(600) }]) },
        { label: 'a NUL in the description', contentType: MULTIPART, body: multipart([{ name: 'lon', value: '114.302' }, { name: 'lat', value: '30.505' }, { name: 'category', value: 'sanitation' }, { name: 'description', value: '垃\u0000圾' }]) },
        { label: 'an unknown field', contentType: MULTIPART, body: multipart([{ name: 'lon', value: '114.302' }, { name: 'lat', value: '30.505' }, { name: 'category', value: 'sanitation' }, { name: 'description', value: '垃圾' }, { name: 'phone', value: '13800138000' }]) },
        { label: 'an unknown crs', contentType: MULTIPART, body: multipart([{ name: 'lon', value: '114.302' }, { name: 'lat', value: '30.505' }, { name: 'crs', value: 'utm' }, { name: 'category', value: 'sanitation' }, { name: 'description', value: '垃圾' }]) },
        { label: 'truncated multipart', contentType: MULTIPART, body: multipart([{ name: 'lon', value: '114.302' }, { name: 'photo', filename: 'a.jpg', value: Buffer.from([0xff, 0xd8]) }], false) },
      ],
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
      // The body limit of each endpoint, as its policy row reads it.
      const kind = POLICY.find((row) => row.method === spec.method.toUpperCase() && row.path === spec.route.replace(/\.json$/, ''))?.body;
      spec = { ...spec, bodyBytes: spec.bodyBytes ?? (kind === 'json' ? defaultLimits.smallBodyBytes : kind === 'photo' ? PHOTO_JSON_BYTES : undefined) };
      spec = withPeople(spec);
      const id = spec.target?.kind === 'incident' ? incidentId : spec.target?.kind === 'division' ? divisionId : spec.target?.kind === 'staff' ? String(staffId) : undefined;
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

/** The people-in-the-grid specs with the ids and times that exist only once the service runs. */
function withPeople(spec: EndpointSpec): EndpointSpec {
  const valid = spec.valid as Record<string, unknown> | undefined;
  if (spec.route === '/api/incidents/:id/transition') return { ...spec, valid: { ...valid, assignee: staffId } };
  if (spec.route === '/api/visits') return { ...spec, valid: { ...valid, staffId, addressId } };
  if (spec.route !== '/api/patrols') return spec;
  const [t0, t1] = recently();
  const line = (coordinates: number[][], times: string[]) => toJson({ staffId, track: { type: 'LineString', coordinates }, times });
  return {
    ...spec,
    valid: { ...valid, staffId, times: [t0, t1] },
    badBodies: [
      { label: 'times out of order', contentType: 'application/json', body: line([[114.302, 30.505], [114.3021, 30.505]], [t1!, t0!]) },
      { label: 'a point outside China', contentType: 'application/json', body: line([[114.302, 30.505], [2.35, 48.85]], [t0!, t1!]) },
      { label: 'faster than anyone patrols', contentType: 'application/json', body: line([[114.302, 30.505], [114.402, 30.505]], [t0!, t1!]) },
      { label: 'times in the future', contentType: 'application/json', body: line([[114.302, 30.505], [114.3021, 30.505]], [new Date(Date.now() + 86_400_000).toISOString(), new Date(Date.now() + 86_410_000).toISOString()]) },
      { label: 'a staff member who does not exist', contentType: 'application/json', body: toJson({ staffId: 999999, track: { type: 'LineString', coordinates: [[114.302, 30.505], [114.3021, 30.505]] }, times: [t0, t1] }) },
    ],
  };
}

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
  // Routers and the folders that hold a long router's parts (routes/ogc/, routes/open311/).
  for (const file of fs.readdirSync(path.join(server, 'routes'), { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts'))) {
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
