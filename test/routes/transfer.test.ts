/**
 * GIS files in and out over HTTP: POST /api/import (shapefile, GeoJSON, CSV; regions, grids,
 * buildings, addresses; dry runs; updates by code + version) and GET /api/regions/:code/export
 * (GeoJSON, shapefile, CSV; asOf; a projected CRS), with a round trip into a fresh database.
 * Then `npm run import` as a user runs it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync, zipSync } from 'fflate';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import type { Position } from 'geojson';
import { beforeAll, describe, expect, it } from 'vitest';
import { signedAs, useTestService, type TestContext } from '../support/context.js';
import { box, gridFeature, seedTree, tableCounts, tree } from '../support/fixtures.js';
import { freshDatabases } from '../support/store.js';
import { createApp } from '../../server/app.js';
import { defaultLimits } from '../../server/config.js';
import { readDbf } from '../../server/formats/dbf.js';
import { readSourceFile } from '../../server/formats/read.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'transfer');
const fixture = (name: string) => fs.readFileSync(path.join(fixtures, name));
const source = JSON.parse(fixture('fuzhou-source.geojson').toString('utf8'));

const context = useTestService();
/** A second, fresh database: where the export is imported back. */
const target = useTestService();

beforeAll(async () => {
  await seedTree(context);
  await seedTree(target);
});

/** An import, its report read in English unless `lang` says otherwise (the Chinese reports are checked on their own). */
function upload(api: TestContext['api'], file: Buffer | Uint8Array, filename: string, fields: Record<string, string>, lang: 'en' | 'zh-CN' = 'en') {
  let req = api.post('/api/import').set('X-Actor', encodeURIComponent('测绘院 李')).set('Accept-Language', lang);
  for (const [name, value] of Object.entries(fields)) req = req.field(name, value);
  return req.attach('file', Buffer.from(file), filename);
}

/** A binary download as a Buffer. */
function download(api: TestContext['api'], url: string) {
  return api
    .get(url)
    .buffer(true)
    .parse((res, callback) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => callback(null, Buffer.concat(chunks)));
    });
}

/** Metres between two lon/lat points near Fuzhou / Wuhan (equirectangular). */
function metres([lon1, lat1]: Position, [lon2, lat2]: Position): number {
  return Math.hypot((lon2 - lon1) * 111_320 * Math.cos((((lat1 + lat2) / 2) * Math.PI) / 180), (lat2 - lat1) * 110_574);
}

const FUZHOU = { county: '350102000000', street: '350102001000', village: '350102001001' };

describe('a CGCS2000 GK zone 40 shapefile with GBK attributes (made by GDAL)', () => {
  it('dry-runs the regions: reports what would be created and writes nothing', async () => {
    const before = await tableCounts(context);
    const response = await upload(context.api, fixture('fuzhou-regions-gk40.zip'), 'fuzhou-regions-gk40.zip', { kind: 'regions', dryRun: 'true' });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({
      kind: 'regions',
      dryRun: true,
      committed: false,
      ok: true,
      summary: { created: 3, refused: 0 },
      file: {
        format: 'shapefile',
        rows: 3,
        crs: { epsg: 4528, source: 'prj', name: 'CGCS2000 / 3-degree Gauss-Kruger zone 40' },
        encoding: { name: 'gbk', source: 'cpg', cpg: '936' },
        fields: { 区划代码: 'code', 名称: 'name', 级别: 'level' },
      },
    });
    expect(response.body.created.map((c: { name: string }) => c.name)).toEqual(['鼓楼区', '鼓东街道', '鼓东社区']);
    expect(await tableCounts(context)).toEqual(before);
    expect((await context.api.get(`/api/regions/${FUZHOU.village}`)).status).toBe(404);
  });

  it('imports the regions, parents inferred from the codes; a second import is refused whole', async () => {
    const response = await upload(context.api, fixture('fuzhou-regions-gk40.zip'), 'fuzhou-regions-gk40.zip', { kind: 'regions' });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body).toMatchObject({ committed: true, ok: true, summary: { created: 3 } });
    expect(response.body.file.notes.join(' ')).toMatch(/nearest ancestor code/);
    const village = (await context.api.get(`/api/regions/${FUZHOU.village}`)).body;
    expect(village.properties).toMatchObject({ name: '鼓东社区', level: 'village', parentCode: FUZHOU.street });
    expect((await context.api.get(`/api/regions/${FUZHOU.street}`)).body.properties).toMatchObject({ name: '鼓东街道', level: 'township', parentCode: FUZHOU.county });
    // The village's corner is where the source put it (within 1 m).
    const corners = village.geometry.coordinates[0][0] as Position[];
    expect(Math.min(...corners.map((p) => metres(p, [119.3, 26.08])))).toBeLessThan(1);

    const again = await upload(context.api, fixture('fuzhou-regions-gk40.zip'), 'fuzhou-regions-gk40.zip', { kind: 'regions' });
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe('import_rejected');
    expect(again.body.error.details.refused.map((r: { problems: { code: string }[] }) => r.problems[0].code)).toEqual(['region_exists', 'region_exists', 'region_exists']);
  });

  it('imports the grids where they belong: Chinese names intact, the known corner within 1 m', async () => {
    const response = await upload(context.api, fixture('fuzhou-grids-gk40-gbk.zip'), 'fuzhou-grids-gk40-gbk.zip', { kind: 'grids', reason: '测绘院交付' });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body.file).toMatchObject({
      crs: { epsg: 4528, source: 'prj' },
      encoding: { name: 'gbk', source: 'default' },
      fields: { 名称: 'name', 类型: 'kind', 户数: 'households', 人口: 'population', 区划代码: 'regionCode' },
    });
    expect(response.body.created).toEqual([
      { row: 1, code: `${FUZHOU.village}001`, name: '鼓东网格一' },
      { row: 2, code: `${FUZHOU.village}002`, name: '鼓东网格二' },
    ]);
    const grid = (await context.api.get(`/api/grids/${FUZHOU.village}001`)).body;
    expect(grid.properties).toMatchObject({ name: '鼓东网格一', kind: 'urban', households: 320, population: 960, updatedBy: '测绘院 李' });
    const ring = grid.geometry.coordinates[0][0] as Position[];
    expect(Math.min(...ring.map((p) => metres(p, [119.3, 26.08])))).toBeLessThan(1);
    for (const corner of source.grids.features[0].geometry.coordinates[0] as Position[]) {
      expect(Math.min(...ring.map((p) => metres(p, corner)))).toBeLessThan(1);
    }
  });

  it('exports them in zone 40 again: the .prj names the zone and the coordinates come back', async () => {
    const response = await download(context.api, `/api/regions/${FUZHOU.county}/export?format=shapefile&crs=EPSG:4528`);
    expect(response.status).toBe(200);
    expect(response.headers['x-gridgov-crs']).toBe('EPSG:4528');
    const files = unzipSync(response.body as Buffer);
    expect(Buffer.from(files[`grids-${FUZHOU.county}.prj`]).toString()).toMatch(/^PROJCS\["CGCS2000_3_Degree_GK_Zone_40"/);
    const read = readSourceFile(response.body as Buffer, { fileName: 'x.zip' });
    expect(read.crs.epsg).toBe(4528);
    const live = (await context.api.get(`/api/grids?region=${FUZHOU.county}`)).body.features;
    expect(read.features.map((f) => f.properties.name)).toEqual(live.map((f: { properties: { name: string } }) => f.properties.name));
    const back = (read.features[0].geometry as { coordinates: Position[][] }).coordinates[0];
    // Millimetre-rounded metres: back within 1e-7° of the stored vertices.
    for (const [i, p] of (live[0].geometry.coordinates[0][0] as Position[]).entries()) {
      expect(Math.abs(back[i][0] - p[0]) + Math.abs(back[i][1] - p[1])).toBeLessThan(1e-7);
    }
  });
});

/** Village A split 3 × 2 and a school with a courtyard (a hole) in village B, Chinese names. */
function seedGrids() {
  const A = tree.villageA.code;
  const cell = (col: number, row: number) => box(114.3 + col * 0.0033333, 30.51 - (row + 1) * 0.005, col === 2 ? 114.31 : 114.3 + (col + 1) * 0.0033333, 30.51 - row * 0.005);
  const features = [];
  for (const row of [0, 1]) for (const col of [0, 1, 2]) features.push(gridFeature(A, `光谷网格${row * 3 + col + 1}号`, cell(col, row), { households: 300 + col, population: 900 + row }));
  const school = box(114.311, 30.501, 114.3131234, 30.5031234);
  school.coordinates.push(box(114.3115, 30.5015, 114.312, 30.502).coordinates[0].reverse());
  features.push(gridFeature(tree.villageB.code, '关南小学, "东校区"', school, { kind: 'special', specialType: 'school' }));
  return { type: 'FeatureCollection', features };
}

describe('export, and a round trip into a fresh database', () => {
  let exported: Buffer;
  let originals: { code: string; name: string; geometry: { coordinates: Position[][][] }; properties: Record<string, unknown> }[];

  beforeAll(async () => {
    const created = await context.api.post('/api/grids/import').send(seedGrids());
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    originals = (await context.api.get(`/api/grids?region=${tree.county.code}`)).body.features.map((f: { properties: { code: string; name: string } }) => ({ ...f, code: f.properties.code, name: f.properties.name }));
    expect(originals).toHaveLength(7);
  });

  it('GeoJSON: the live grids of the subtree, named after the region', async () => {
    const response = await context.api.get(`/api/regions/${tree.street.code}/export?format=geojson`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/application\/geo\+json/);
    expect(response.headers['content-disposition']).toBe(`attachment; filename="grids-${tree.street.code}.geojson"`);
    const body = JSON.parse(response.text);
    expect(body.type).toBe('FeatureCollection');
    expect(body.features.map((f: { id: string }) => f.id)).toEqual(originals.map((g) => g.code));
    const village = JSON.parse((await context.api.get(`/api/regions/${tree.villageB.code}/export`)).text);
    expect(village.features.map((f: { properties: { name: string } }) => f.properties.name)).toEqual(['关南小学, "东校区"']);
  });

  it('shapefile: .shp/.shx/.dbf/.prj/.cpg, UTF-8, fields of at most 10 characters', async () => {
    const response = await download(context.api, `/api/regions/${tree.county.code}/export?format=shapefile`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/zip');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="grids-${tree.county.code}.zip"`);
    exported = response.body as Buffer;
    const files = unzipSync(exported);
    const base = `grids-${tree.county.code}`;
    expect(Object.keys(files).sort()).toEqual(['cpg', 'dbf', 'prj', 'shp', 'shx'].map((ext) => `${base}.${ext}`));
    expect(Buffer.from(files[`${base}.cpg`]).toString()).toBe('UTF-8');
    expect(Buffer.from(files[`${base}.prj`]).toString()).toMatch(/^GEOGCS\["GCS_WGS_1984"/);
    const table = readDbf(files[`${base}.dbf`], 'utf-8');
    expect(table.fields.map((f) => f.name)).toEqual(['code', 'name', 'kind', 'special', 'households', 'population', 'region', 'version', 'valid_from']);
    expect(table.fields.every((f) => f.name.length <= 10)).toBe(true);
    expect(table.records.map((r) => r!.name)).toEqual(originals.map((g) => g.name));
    const cgcs = await download(context.api, `/api/regions/${tree.county.code}/export?format=shp&crs=cgcs2000`);
    expect(Buffer.from(unzipSync(cgcs.body as Buffer)[`${base}.prj`]).toString()).toMatch(/GCS_China_Geodetic_Coordinate_System_2000/);
  });

  it('CSV: a WKT column, quoted where needed, with a BOM for Excel; a dry run in the fresh database would create them all', async () => {
    const response = await context.api.get(`/api/regions/${tree.county.code}/export?format=csv`);
    expect(response.status).toBe(200);
    expect(response.headers['content-disposition']).toBe(`attachment; filename="grids-${tree.county.code}.csv"`);
    const text = response.text;
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text.split('\r\n')[0]).toBe('\uFEFFcode,name,kind,special,households,population,region,version,valid_from,wkt');
    expect(text).toContain('"关南小学, ""东校区"""');
    expect(text).toMatch(/"MULTIPOLYGON \(\(\(114\.311 30\.501, /);
    const before = await tableCounts(target);
    const dry = await upload(target.api, Buffer.from(text, 'utf8'), 'grids.csv', { kind: 'grids', dryRun: 'true' });
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body).toMatchObject({ ok: true, summary: { created: 7, updated: 0, refused: 0 } });
    expect(dry.body.created.map((c: { name: string }) => c.name)).toEqual(originals.map((g) => g.name));
    expect(await tableCounts(target)).toEqual(before);
  });

  it('the shapefile imports into the fresh database with the same geometry and attributes', async () => {
    const response = await upload(target.api, exported, `grids-${tree.county.code}.zip`, { kind: 'grids' });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body.file.fields).toEqual({
      code: 'code',
      name: 'name',
      kind: 'kind',
      special: 'specialType',
      households: 'households',
      population: 'population',
      region: 'regionCode',
      version: 'version',
      valid_from: null,
    });
    // Codes the fresh database never issued: new grids, numbered the same way (reading order).
    expect(response.body.created.map((c: { code: string; fileCode: string }) => [c.code, c.fileCode])).toEqual(originals.map((g) => [g.code, g.code]));
    const imported = (await target.api.get(`/api/grids?region=${tree.county.code}`)).body.features;
    expect(imported).toHaveLength(originals.length);
    for (const [i, grid] of imported.entries()) {
      const original = originals[i];
      for (const key of ['name', 'kind', 'specialType', 'households', 'population', 'regionCode']) {
        expect(grid.properties[key], key).toEqual(original.properties[key]);
      }
      const a = grid.geometry.coordinates.flat(2) as Position[];
      const b = original.geometry.coordinates.flat(2);
      expect(a.length).toBe(b.length);
      for (const [k, p] of a.entries()) expect(Math.max(Math.abs(p[0] - b[k][0]), Math.abs(p[1] - b[k][1]))).toBeLessThan(1e-7);
      const { rows } = await sql<{ equal: boolean }>`
        SELECT ST_Equals(v.geom, ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(original.geometry)}), 4326)) AS equal
        FROM grid_versions v WHERE v.code = ${grid.properties.code} AND v.valid_to IS NULL`.execute(target.store.db);
      expect(rows[0].equal).toBe(true);
    }
    expect(imported[6].geometry.coordinates[0]).toHaveLength(2); // the courtyard is still a hole
  });

  it('asOf exports the map of a past moment, named with it', async () => {
    const code = originals[0].code;
    const current = (await context.api.get(`/api/grids/${code}`)).body;
    const before = new Date(new Date(current.properties.validFrom).getTime() + 1);
    const edit = await context.api.put(`/api/grids/${code}`).set('If-Match', '"1"').send({ ...current, properties: { ...current.properties, households: 333 } });
    expect(edit.status).toBe(200);
    const asOf = before.toISOString();
    const past = await context.api.get(`/api/regions/${tree.villageA.code}/export?format=csv&asOf=${asOf}`);
    expect(past.status).toBe(200);
    expect(past.headers['content-disposition']).toBe(`attachment; filename="grids-${tree.villageA.code}-${asOf.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}.csv"`);
    expect(past.text.split('\r\n')[1]).toMatch(new RegExp(`^${code},光谷网格1号,urban,,300,900,${tree.villageA.code},1,`));
    const live = await context.api.get(`/api/regions/${tree.villageA.code}/export?format=csv`);
    expect(live.text.split('\r\n')[1]).toMatch(new RegExp(`^${code},光谷网格1号,urban,,333,900,${tree.villageA.code},2,`));
  });

  it('refuses bad export requests with 4xx', async () => {
    expect((await context.api.get('/api/regions/420111002099/export')).status).toBe(404);
    expect((await context.api.get('/api/regions/4201/export')).status).toBe(400);
    expect((await context.api.get(`/api/regions/${tree.county.code}/export?format=kml`)).body.error.code).toBe('invalid_parameter');
    expect((await context.api.get(`/api/regions/${tree.county.code}/export?format=geojson&crs=EPSG:4528`)).body.error.code).toBe('invalid_crs');
    expect((await context.api.get(`/api/regions/${tree.county.code}/export?format=csv&crs=gcj02`)).body.error.code).toBe('invalid_crs');
    expect((await context.api.get(`/api/regions/${tree.county.code}/export?asOf=yesterday`)).status).toBe(400);
    // The regions router behind the export router still answers.
    expect((await context.api.get(`/api/regions/${tree.county.code}`)).status).toBe(200);
  });
});

describe('updating grids by import: code + version', () => {
  const villageCsv = async () => (await context.api.get(`/api/regions/${tree.villageA.code}/export?format=csv`)).text;

  it('updates the rows whose version is current, leaves identical rows unchanged', async () => {
    const lines = (await villageCsv()).split('\r\n');
    // Row 3 (the second grid): households 301 → 310.
    lines[2] = lines[2].replace(/,urban,,301,/, ',urban,,310,');
    const response = await upload(context.api, Buffer.from(lines.join('\r\n')), 'edit.csv', { kind: 'grids', reason: '更正户数' });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const code = lines[2].split(',')[0];
    expect(response.body.summary).toMatchObject({ created: 0, updated: 1, unchanged: 5, refused: 0 });
    expect(response.body.updated).toEqual([{ row: 3, code, version: 2 }]);
    const grid = (await context.api.get(`/api/grids/${code}`)).body;
    expect(grid.properties).toMatchObject({ households: 310, version: 2 });
    const history = (await context.api.get(`/api/grids/${code}/history`)).body.features;
    expect(history[0].properties).toMatchObject({ op: 'update', reason: '更正户数', updatedBy: '测绘院 李' });
  });

  it('refuses a stale version, a missing version and a retired code — and then writes nothing', async () => {
    const stale = (await villageCsv()).split('\r\n');
    stale[2] = stale[2].replace(/,2,(\d{4}-)/, ',1,$1').replace(/,urban,,310,/, ',urban,,320,');
    stale[3] = stale[3].replace(/,urban,,302,/, ',urban,,399,'); // a good update in the same file
    const before = await tableCounts(context);
    const response = await upload(context.api, Buffer.from(stale.join('\r\n')), 'stale.csv', { kind: 'grids' });
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('import_rejected');
    expect(response.body.error.details.refused).toEqual([{ row: 3, problems: [expect.objectContaining({ code: 'stale_version', details: { currentVersion: 2, expectedVersion: 1 } })] }]);
    expect(response.body.error.details.summary).toMatchObject({ updated: 0, accepted: 5 });
    expect(await tableCounts(context)).toEqual(before);

    const noVersion = (await villageCsv()).split('\r\n').map((line) => line.replace(/^([^,]*,(?:"[^"]*"|[^,]*),[^,]*,[^,]*,[^,]*,[^,]*,[^,]*),[^,]*,/, '$1,,'));
    const missing = await upload(context.api, Buffer.from(noVersion.join('\r\n')), 'nover.csv', { kind: 'grids', dryRun: 'true' });
    expect(missing.status).toBe(200);
    expect(missing.body.ok).toBe(false);
    expect(missing.body.refused.map((r: { problems: { code: string }[] }) => r.problems[0].code)).toEqual(Array(6).fill('version_required'));

    const lines = (await villageCsv()).split('\r\n');
    const code = lines[6].split(',')[0];
    expect((await context.api.delete(`/api/grids/${code}`).set('If-Match', '"1"')).status).toBe(200);
    const retired = await upload(context.api, Buffer.from([lines[0], lines[6]].join('\r\n')), 'retired.csv', { kind: 'grids', dryRun: 'true' });
    expect(retired.body.refused[0].problems[0].code).toBe('grid_retired');
  });

  it('dry-runs a file with overlaps, a grid outside its village and no village: every reason, nothing written', async () => {
    const A = tree.villageA.code;
    const body = {
      type: 'FeatureCollection',
      features: [
        gridFeature(A, '重叠网格', box(114.3, 30.5, 114.302, 30.502)),
        { type: 'Feature', properties: { 名称: '越界网格', 类型: '农村' }, geometry: box(114.318, 30.508, 114.33, 30.52) },
        { type: 'Feature', properties: { name: '', kind: 'forest' }, geometry: box(114.35, 30.45, 114.36, 30.46) },
      ],
    };
    const before = await tableCounts(context);
    const response = await upload(context.api, Buffer.from(JSON.stringify(body)), 'bad.geojson', { kind: 'grids', dryRun: 'true', region: tree.villageB.code });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ ok: false, committed: false, summary: { created: 0, refused: 3 } });
    const codes = response.body.refused.map((r: { row: number; problems: { code: string }[] }) => [r.row, r.problems.map((p) => p.code)]);
    expect(codes).toEqual([
      [1, ['overlap']],
      [2, ['outside_region']],
      [3, ['invalid_property', 'invalid_property']],
    ]);
    expect(response.body.refused[2].problems[0].message).toMatch(/name \(column "name"\) must be a non-empty string/);
    const real = await upload(context.api, Buffer.from(JSON.stringify(body)), 'bad.geojson', { kind: 'grids', region: tree.villageB.code });
    expect(real.status).toBe(422);
    expect(real.body.error.message).toMatch(/3 of 3 rows refused \(first: row 1, .*overlaps/);
    expect(await tableCounts(context)).toEqual(before);
  });
});

describe('buildings and addresses', () => {
  it('replaces a village\'s buildings from a CSV with 户数 and 小区 columns', async () => {
    const A = tree.villageA.code;
    const csv = '楼栋号,户数,小区,wkt\n1栋,24,幸福小区,"POLYGON ((114.301 30.501, 114.3012 30.501, 114.3012 30.5012, 114.301 30.5012, 114.301 30.501))"\n2栋,36,,"POINT (114.305 30.505)"\n';
    const missing = await upload(context.api, Buffer.from(csv), 'b.csv', { kind: 'buildings' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('missing_region');
    const response = await upload(context.api, Buffer.from(csv), 'b.csv', { kind: 'buildings', region: A });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body).toMatchObject({ summary: { created: 2 }, replaced: 0 });
    const stored = (await context.api.get(`/api/regions/${A}/buildings`)).body.features;
    expect(stored.map((f: { properties: Record<string, unknown> }) => f.properties)).toEqual([
      { 楼栋号: '1栋', households: 24, compound: '幸福小区' },
      { 楼栋号: '2栋', households: 36 },
    ]);
    const outside = csv.replace('POINT (114.305 30.505)', 'POINT (114.4 30.505)');
    const refused = await upload(context.api, Buffer.from(outside), 'b.csv', { kind: 'buildings', region: A });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details.refused).toEqual([{ row: 3, problems: [expect.objectContaining({ code: 'building_outside_area' })] }]);
    expect((await context.api.get(`/api/regions/${A}/buildings`)).body.features).toHaveLength(2);
  });

  it('imports addresses by the registry rules: bad rows refuse the file unless skipInvalid', async () => {
    const csv = iconv.encode('标准地址,经度,纬度\n湖北省武汉市洪山区关山大道1号,114.305,30.505\n湖北省武汉市洪山区关山大道3号,30.505,114.306\n', 'gbk');
    const refused = await upload(context.api, csv, 'addresses.csv', { kind: 'addresses' });
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toMatch(/row 3, .*looks like \[lat, lon\].*skipInvalid=true/);
    const dry = await upload(context.api, csv, 'addresses.csv', { kind: 'addresses', skipInvalid: 'true', dryRun: 'true' });
    expect(dry.body).toMatchObject({ ok: true, committed: false, summary: { created: 1, refused: 1 } });
    expect((await tableCounts(context)).addresses).toBe(0);
    const imported = await upload(context.api, csv, 'addresses.csv', { kind: 'addresses', skipInvalid: 'true' });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect(imported.body).toMatchObject({ committed: true, summary: { created: 1, refused: 1 }, located: { inGrid: 1, outsideGrids: 0 } });
    const geocoded = (await context.api.get(`/api/geocode?q=${encodeURIComponent('关山大道1号')}`)).body;
    expect(geocoded.candidates[0].address).toBe('湖北省武汉市洪山区关山大道1号');
  });
});

describe('bad uploads are 4xx, never 500', () => {
  const csv = Buffer.from('name,lon,lat\na,114.3,30.5\n');

  it('names what is wrong with the request', async () => {
    const json = await context.api.post('/api/import').send({ kind: 'grids' });
    expect([json.status, json.body.error.code]).toEqual([415, 'unsupported_media_type']);
    const noFile = await context.api.post('/api/import').field('kind', 'grids');
    expect([noFile.status, noFile.body.error.code]).toEqual([400, 'missing_file']);
    const noKind = await upload(context.api, csv, 'a.csv', {});
    expect([noKind.status, noKind.body.error.code]).toEqual([400, 'invalid_kind']);
    const typo = await upload(context.api, csv, 'a.csv', { kind: 'grids', dryrun: 'true' });
    expect([typo.status, typo.body.error.code]).toEqual([400, 'unknown_field']);
    const badFlag = await upload(context.api, csv, 'a.csv', { kind: 'grids', dryRun: 'perhaps' });
    expect(badFlag.status).toBe(400);
    const badRegion = await upload(context.api, csv, 'a.csv', { kind: 'grids', region: '42' });
    expect(badRegion.body.error.code).toBe('invalid_code');
    const unknownRegion = await upload(context.api, csv, 'a.csv', { kind: 'buildings', region: '420111002099' });
    expect(unknownRegion.status).toBe(404);
  });

  it('names what is wrong with the file', async () => {
    const cases: [Buffer | Uint8Array, string, Record<string, string>, number, string][] = [
      [Buffer.from('PK\x03\x04garbage'), 'grids.zip', {}, 400, 'invalid_zip'],
      [zipSync({ 'notes.txt': Buffer.from('x') }), 'grids.zip', {}, 400, 'missing_shp'],
      [csv, 'grids.shp', {}, 415, 'unsupported_format'],
      [csv, 'a.csv', { crs: 'EPSG:1234' }, 400, 'invalid_crs'],
      [Buffer.from('name,x,y\na,429964,2885885\n'), 'a.csv', {}, 422, 'crs_required'],
      [Buffer.from('{"type":"FeatureCollection","features":[], "crs":{"type":"name","properties":{"name":"Beijing 1954"}}}'), 'a.geojson', {}, 422, 'unsupported_crs'],
      [Buffer.from('{"type":'), 'a.json', {}, 400, 'invalid_json'],
    ];
    for (const [file, name, fields, status, code] of cases) {
      const response = await upload(context.api, file, name, { kind: 'grids', ...fields });
      expect([response.status, response.body.error?.code], `${name}: ${JSON.stringify(response.body)}`).toEqual([status, code]);
    }
    // A .prj gridgov cannot read.
    const exported = unzipSync((await download(context.api, `/api/regions/${tree.county.code}/export?format=shapefile`)).body as Buffer);
    const base = `grids-${tree.county.code}`;
    const xian = fs.readFileSync(path.join(fixtures, 'prj', 'xian80-gk-cm114-esri.prj'));
    const withXian = zipSync({ ...exported, [`${base}.prj`]: xian });
    const response = await upload(context.api, withXian, 'x.zip', { kind: 'grids', dryRun: 'true' });
    expect([response.status, response.body.error.code]).toEqual([422, 'unsupported_crs']);
    const { [`${base}.dbf`]: _dbf, ...withoutDbf } = exported;
    expect((await upload(context.api, zipSync(withoutDbf), 'x.zip', { kind: 'grids' })).body.error.code).toBe('missing_dbf');
  });

  it('answers 413 for a file over the body limit and a batch over the batch limits', async () => {
    const small = signedAs(createApp(context.store, { ...defaultLimits, bodyBytes: 1000 }), context.adminKey);
    const big = await upload(small, Buffer.alloc(5000, 'a'), 'a.csv', { kind: 'grids' });
    expect([big.status, big.body.error.code]).toEqual([413, 'payload_too_large']);
    const few = signedAs(createApp(context.store, { ...defaultLimits, batchFeatures: 1 }), context.adminKey);
    const two = 'name,kind,wkt\na,urban,"POLYGON ((114.3 30.5, 114.301 30.5, 114.301 30.501, 114.3 30.5))"\nb,urban,"POLYGON ((114.3 30.5, 114.301 30.5, 114.301 30.501, 114.3 30.5))"\n';
    const batch = await upload(few, Buffer.from(two), 'a.csv', { kind: 'grids', region: tree.villageA.code });
    expect([batch.status, batch.body.error.code]).toEqual([413, 'batch_too_large']);
  });

  it('answers 400 for a body cut off inside the file, and keeps serving (the part stream’s error used to be uncaught)', async () => {
    const cut = [
      '--cut',
      'Content-Disposition: form-data; name="kind"',
      '',
      'grids',
      '--cut',
      'Content-Disposition: form-data; name="file"; filename="a.geojson"',
      'Content-Type: application/geo+json',
      '',
      '{"type":"FeatureCollection","features":[{"type":"Feat',
    ].join('\r\n');
    const response = await context.api.post('/api/import').set('Content-Type', 'multipart/form-data; boundary=cut').send(cut);
    expect([response.status, response.body.error.code]).toEqual([400, 'invalid_multipart']);
    expect((await context.api.get('/api/health')).status).toBe(200);
  });
});

// ---------------------------------------------------------------------------------------------

const freshDatabase = freshDatabases();

/** `npm run import -- …args` in a child process: its exit code and output. */
function runImport(env: Record<string, string>, args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/import.ts', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

describe('npm run import', () => {
  it('imports shapefiles into the configured database with a progress bar; dry runs write nothing', { timeout: 240_000 }, async () => {
    const env = await freshDatabase();
    const regions = path.join(fixtures, 'fuzhou-regions-gk40.zip');
    const grids = path.join(fixtures, 'fuzhou-grids-gk40-gbk.zip');

    const dry = await runImport(env, [regions, '--kind', 'regions', '--dry-run']);
    expect(dry.code, dry.output).toBe(0);
    expect(dry.output).toMatch(/dry run \(nothing written\): would import — 3 created/);
    expect(dry.output).toMatch(/CGCS2000 \/ 3-degree Gauss-Kruger zone 40 \(EPSG:4528\) \(prj\)/);
    expect(dry.output).toMatch(/encoding: gbk \(cpg, \.cpg 936\)/);

    const imported = await runImport(env, [regions, '--kind', 'regions']);
    expect(imported.code, imported.output).toBe(0);
    expect(imported.output).toMatch(/100%/);
    expect(imported.output).toMatch(/regions imported: 3 created/);

    const gridsRun = await runImport(env, [grids, '--crs', 'EPSG:4528', '--json']);
    expect(gridsRun.code, gridsRun.output).toBe(0);
    const report = JSON.parse(gridsRun.output.slice(gridsRun.output.indexOf('{')));
    expect(report.created).toEqual([
      { row: 1, code: `${FUZHOU.village}001`, name: '鼓东网格一' },
      { row: 2, code: `${FUZHOU.village}002`, name: '鼓东网格二' },
    ]);
    expect(report.file.crs).toMatchObject({ epsg: 4528, source: 'parameter' });

    // Written for good: the same regions again are refused (exit 1), with the reason.
    const again = await runImport(env, [regions, '--kind', 'regions']);
    expect(again.code).toBe(1);
    expect(again.output).toMatch(/row 1: region_exists/);
    expect(again.output).toMatch(/refused, nothing written/);

    const bad = await runImport(env, [regions, '--kind', 'roads']);
    expect(bad.code).toBe(2);
    expect(bad.output).toMatch(/--kind must be one of/);
  });
});
