/**
 * Survey files as bureaus deliver them: shapefiles written here by GDAL's ogr2ogr (not by
 * gridgov's own writer) in CGCS2000 3° Gauss–Krüger CM 120E (EPSG:4549) with GBK attributes
 * named in Chinese (名称, 区划代码, 类型, 级别, 户数), their values in Chinese too (基础网格,
 * 专属网格, 医院, 街道, 社区…) or missing — in each of the three ways the encoding comes: a .cpg,
 * only the DBF's language driver byte, or nothing at all. They import as they are, and the dry
 * run says, per column, what each was read as and how.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import type { Position } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestService, type TestContext } from '../support/context.js';
import { box, tableCounts } from '../support/fixtures.js';

const gdal = spawnSync('ogr2ogr', ['--version'], { encoding: 'utf8' });
const gdalVersion = gdal.status === 0 ? gdal.stdout.trim() : undefined;
if (!gdalVersion) console.warn('[survey-files.test] ogr2ogr (GDAL) is not installed: SKIPPING (apt-get install gdal-bin to run it)');

const context = useTestService();

const COUNTY = '350102000000';
const STREET = '350102001000';
const COMMUNITY = '350102001001'; // 鼓东社区: a residents' committee, urban
const VILLAGE = '350102001201'; // 东湖村: a village committee, rural

/** Features in WGS84 lon/lat: what the bureau's file holds, before GDAL projects it. */
function collection(features: { properties: Record<string, unknown>; geometry: ReturnType<typeof box> }[]) {
  return { type: 'FeatureCollection', features: features.map((f) => ({ type: 'Feature', ...f })) };
}

const REGIONS = collection([
  { properties: { 区划代码: COUNTY, 名称: '鼓楼区', 级别: '区县' }, geometry: box(119.28, 26.06, 119.34, 26.1) },
  { properties: { 区划代码: STREET, 名称: '鼓东街道', 级别: '街道' }, geometry: box(119.285, 26.065, 119.32, 26.09) },
  { properties: { 区划代码: COMMUNITY, 名称: '鼓东社区', 级别: '社区' }, geometry: box(119.29, 26.07, 119.3, 26.08) },
  { properties: { 区划代码: VILLAGE, 名称: '东湖村', 级别: '村委会' }, geometry: box(119.3, 26.07, 119.31, 26.08) },
]);

const GRIDS = collection([
  { properties: { 名称: '鼓东第一网格', 区划代码: COMMUNITY, 类型: '基础网格', 户数: 320 }, geometry: box(119.29, 26.07, 119.295, 26.075) },
  { properties: { 名称: '鼓东小学专属网格', 区划代码: COMMUNITY, 类型: '专属网格', 户数: 0 }, geometry: box(119.295, 26.07, 119.3, 26.075) },
  { properties: { 名称: '东湖村第一网格', 区划代码: VILLAGE, 类型: '', 户数: 410 }, geometry: box(119.3, 26.07, 119.305, 26.075) },
  { properties: { 名称: '东湖村卫生院网格', 区划代码: VILLAGE, 类型: '医院', 户数: 12 }, geometry: box(119.305, 26.07, 119.31, 26.075) },
]);

let dir: string;

/**
 * The layer as ogr2ogr writes it, zipped: `encoding` cpg (ENCODING=CP936: a .cpg, no LDID), ldid
 * (ENCODING=LDID/77: the DBF header's GBK byte, no .cpg), or bare (the .cpg left out of the zip).
 */
function shapefile(name: string, source: object, encoding: 'cpg' | 'ldid' | 'bare'): Buffer {
  const input = path.join(dir, `${name}.geojson`);
  fs.writeFileSync(input, JSON.stringify(source));
  const out = path.join(dir, `${name}-${encoding}`);
  fs.mkdirSync(out, { recursive: true });
  const lco = encoding === 'ldid' ? 'ENCODING=LDID/77' : 'ENCODING=CP936';
  execFileSync('ogr2ogr', ['-f', 'ESRI Shapefile', path.join(out, `${name}.shp`), input, '-s_srs', 'EPSG:4326', '-t_srs', 'EPSG:4549', '-lco', lco], { stdio: 'pipe' });
  const files: Record<string, Uint8Array> = {};
  for (const file of fs.readdirSync(out)) {
    if (encoding === 'bare' && file.endsWith('.cpg')) continue;
    files[file] = fs.readFileSync(path.join(out, file));
  }
  if (encoding === 'cpg') expect(Object.keys(files)).toContain(`${name}.cpg`);
  // The DBF's language driver byte: GBK (0x4D) only where asked for.
  expect(files[`${name}.dbf`][29], encoding).toBe(encoding === 'ldid' ? 0x4d : 0);
  return Buffer.from(zipSync(files));
}

function upload(api: TestContext['api'], file: Buffer, fields: Record<string, string>, lang = 'zh-CN,zh;q=0.9') {
  let req = api.post('/api/import').set('Accept-Language', lang);
  for (const [name, value] of Object.entries(fields)) req = req.field(name, value);
  return req.attach('file', file, 'survey.zip');
}

/** Metres between two lon/lat points near Fuzhou (equirectangular). */
function metres([lon1, lat1]: Position, [lon2, lat2]: Position): number {
  return Math.hypot((lon2 - lon1) * 111_320 * Math.cos((((lat1 + lat2) / 2) * Math.PI) / 180), (lat2 - lat1) * 110_574);
}

describe.skipIf(!gdalVersion)(`survey shapefiles written by GDAL (${gdalVersion ?? 'not installed'}), EPSG:4549, GBK`, () => {
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-survey-'));
  });
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('imports the administrative tree with 级别 in Chinese (区县, 街道, 社区, 村委会)', async () => {
    const response = await upload(context.api, shapefile('regions', REGIONS, 'cpg'), { kind: 'regions' });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body).toMatchObject({
      committed: true,
      summary: { created: 4, refused: 0 },
      file: { crs: { epsg: 4549, source: 'prj' }, encoding: { name: 'gbk', source: 'cpg', cpg: 'CP936' } },
    });
    const level = response.body.file.columns.find((c: { column: string }) => c.column === '级别');
    expect(level.values).toEqual(
      expect.arrayContaining([
        { value: '区县', as: 'county', rows: 1 },
        { value: '街道', as: 'township', rows: 1 },
        { value: '社区', as: 'village', rows: 1 },
        { value: '村委会', as: 'village', rows: 1 },
      ]),
    );
    expect(level.how).toMatch(/^按级别词表/);
    expect((await context.api.get(`/api/regions/${VILLAGE}`)).body.properties).toMatchObject({ name: '东湖村', level: 'village', parentCode: STREET });
  });

  for (const encoding of ['cpg', 'ldid', 'bare'] as const) {
    it(`dry-runs the grid layer (encoding: ${encoding}): every row taken, and per column what it was read as`, async () => {
      const before = await tableCounts(context);
      const response = await upload(context.api, shapefile('grids', GRIDS, encoding), { kind: 'grids', dryRun: 'true' });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body).toMatchObject({
        ok: true,
        committed: false,
        summary: { created: 4, refused: 0 },
        file: {
          format: 'shapefile',
          crs: { epsg: 4549, source: 'prj' },
          encoding: { name: 'gbk', source: { cpg: 'cpg', ldid: 'ldid', bare: 'default' }[encoding] },
          fields: { 名称: 'name', 区划代码: 'regionCode', 类型: 'kind', 户数: 'households' },
        },
      });
      expect(response.body.created.map((c: { name: string }) => c.name)).toEqual(['鼓东第一网格', '鼓东小学专属网格', '东湖村第一网格', '东湖村卫生院网格']);
      const columns = response.body.file.columns as { column: string | null; property: string | null; how: string; values?: unknown[] }[];
      const kind = columns.find((c) => c.column === '类型')!;
      expect(kind.how).toMatch(/^按网格类型词表/);
      expect(kind.values).toEqual([
        { value: '专属网格', as: 'special', rows: 1 },
        { value: '医院', as: 'special/hospital', rows: 1 },
        { value: '基础网格', as: 'basic', rows: 1 },
      ]);
      // Where the file leaves the kind to the village (基础网格, or an empty cell), and a special grid's type to its name.
      const fromVillage = columns.find((c) => c.column === null && c.property === 'kind')!;
      expect(fromVillage.how).toMatch(/社区、居委会 → 城镇网格/);
      expect(fromVillage.values).toEqual([
        { value: `东湖村 ${VILLAGE}`, as: 'rural', rows: 1 },
        { value: `鼓东社区 ${COMMUNITY}`, as: 'urban', rows: 1 },
      ]);
      expect(columns.find((c) => c.column === null && c.property === 'specialType')!.values).toEqual([{ value: '鼓东小学专属网格', as: 'school', rows: 1 }]);
      expect(columns.find((c) => c.column === '户数')!.how).toMatch(/^数字/);
      expect(await tableCounts(context)).toEqual(before);
    });
  }

  it('imports the layer as it is: kinds from 类型 or the village, special types, names and places intact', async () => {
    const response = await upload(context.api, shapefile('grids', GRIDS, 'ldid'), { kind: 'grids', reason: '测绘院交付' });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    const codes = response.body.created.map((c: { code: string }) => c.code);
    expect(codes).toEqual([`${COMMUNITY}001`, `${COMMUNITY}900`, `${VILLAGE}001`, `${VILLAGE}900`]);
    const grids = await Promise.all(codes.map(async (code: string) => (await context.api.get(`/api/grids/${code}`)).body));
    expect(grids.map((g) => [g.properties.name, g.properties.kind, g.properties.specialType, g.properties.households])).toEqual([
      ['鼓东第一网格', 'urban', null, 320],
      ['鼓东小学专属网格', 'special', 'school', 0],
      ['东湖村第一网格', 'rural', null, 410],
      ['东湖村卫生院网格', 'special', 'hospital', 12],
    ]);
    // Where the bureau put them, to the metre (GK CM 120E there and back).
    GRIDS.features.forEach((feature, i) => {
      const ring = grids[i].geometry.coordinates[0][0] as Position[];
      for (const corner of feature.geometry.coordinates[0]) expect(Math.min(...ring.map((p) => metres(p, corner)))).toBeLessThan(1);
    });
  });

  it('takes a file without any 类型 column: each grid as its village is (社区 urban, 村 rural)', async () => {
    const plain = collection(GRIDS.features.filter((_, i) => i === 0 || i === 2).map((f) => ({ ...f, properties: { 名称: `${f.properties.名称}（新）`, 区划代码: f.properties.区划代码 } })));
    // Moved north, clear of the grids imported above.
    for (const feature of plain.features) feature.geometry = box(feature.geometry.coordinates[0][0][0], 26.075, feature.geometry.coordinates[0][2][0], 26.08);
    const response = await upload(context.api, shapefile('plain', plain, 'bare'), { kind: 'grids', dryRun: 'true' });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ ok: true, summary: { created: 2, refused: 0 }, file: { encoding: { name: 'gbk', source: 'default' } } });
    const inferred = response.body.file.columns.find((c: { column: string | null; property: string }) => c.column === null && c.property === 'kind');
    expect(inferred.values.map((v: { as: string }) => v.as).sort()).toEqual(['rural', 'urban']);
  });

  it('refuses a kind it cannot read, naming the file’s column, in Chinese or English', async () => {
    const odd = collection([{ properties: { 名称: '怪网格', 区划代码: COMMUNITY, 类型: '未知类型' }, geometry: box(119.29, 26.076, 119.291, 26.077) }]);
    const file = shapefile('odd', odd, 'cpg');
    const chinese = await upload(context.api, file, { kind: 'grids', dryRun: 'true' });
    expect(chinese.body.refused).toEqual([
      { row: 1, problems: [{ code: 'invalid_property', message: 'kind（文件列“类型”）须为 urban、rural、special 之一，收到“未知类型”', details: { property: 'kind' } }] },
    ]);
    const english = await upload(context.api, file, { kind: 'grids', dryRun: 'true' }, 'en');
    expect(english.body.refused[0].problems[0].message).toBe('kind (column "类型") must be one of urban, rural, special, got "未知类型"');
  });
});
