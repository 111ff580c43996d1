/**
 * Shapefiles: our writer read back by our reader and by GDAL (when installed), GBK and UTF-8
 * attributes, rings → polygons by nesting, and every kind of broken file refused with a reason.
 * The fixture made by GDAL (test/fixtures/transfer/make-fixtures.ts) checks the reader against
 * an independent writer and PROJ's Gauss–Krüger coordinates.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync, zipSync } from 'fflate';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { readShapefile, unzipShapefile, writeShapefile, zipFiles, type ShapefileFeature } from '../../server/formats/shapefile.js';
import { readDbf, writeDbf } from '../../server/formats/dbf.js';
import { readSourceFile } from '../../server/formats/read.js';
import { FileError } from '../../server/formats/source.js';
import { gridsToShapefile } from '../../server/formats/grid-export.js';
import { projectionByName } from '../../server/geo/projection.js';
import type { GridFeature } from '../../server/db/grid-rows.js';
import { seededRandom } from '../../server/geo/random.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'transfer');

const square = (x: number, y: number, size: number): Position[] => [
  [x, y],
  [x + size, y],
  [x + size, y + size],
  [x, y + size],
  [x, y],
];
const WGS84_PRJ = projectionByName('wgs84').prj!;
const FIELDS = [
  { name: 'name', type: 'C' as const },
  { name: 'households', type: 'N' as const, length: 9 },
  { name: 'area', type: 'N' as const, length: 12, decimals: 2 },
];

function features(): ShapefileFeature[] {
  return [
    { geometry: { type: 'Polygon', coordinates: [square(114.3, 30.5, 0.01), square(114.302, 30.502, 0.002).reverse()] }, properties: { name: '光谷社区第一网格', households: 320, area: 1234.5 } },
    { geometry: { type: 'MultiPolygon', coordinates: [[square(114.32, 30.5, 0.005)], [square(114.33, 30.5, 0.005)]] }, properties: { name: 'Grid "two", east', households: null, area: null } },
    { geometry: null, properties: { name: '空', households: 0, area: 0 } },
  ];
}

function read(files: Record<string, Uint8Array>, options: { encoding?: string } = {}) {
  return readShapefile(unzipShapefile(zipFiles(files), 1e8), options);
}

function thrown(fn: () => unknown): FileError {
  try {
    fn();
  } catch (error) {
    if (error instanceof FileError) return error;
    throw error;
  }
  throw new Error('expected a FileError');
}

describe('writing and reading shapefiles', () => {
  it('round-trips polygons with holes, multipolygons, null shapes and Chinese text in UTF-8', () => {
    const { files } = writeShapefile(features(), { name: 'grids', fields: FIELDS, prj: WGS84_PRJ });
    expect(Object.keys(files).sort()).toEqual(['grids.cpg', 'grids.dbf', 'grids.prj', 'grids.shp', 'grids.shx']);
    expect(Buffer.from(files['grids.cpg']).toString()).toBe('UTF-8');
    const content = read(files);
    expect(content.encoding).toMatchObject({ name: 'utf-8', source: 'cpg' });
    expect(content.fields).toEqual(['name', 'households', 'area']);
    expect(content.features.map((f) => f.properties)).toEqual(features().map((f) => f.properties));
    const [polygon, multi, empty] = content.features;
    expect(polygon.row).toBe(1);
    const p = polygon.geometry as Polygon;
    expect(p.type).toBe('Polygon');
    expect(p.coordinates).toHaveLength(2); // the hole stays a hole
    expect(new Set(p.coordinates[0].map(String))).toEqual(new Set(square(114.3, 30.5, 0.01).map(String)));
    expect((multi.geometry as MultiPolygon).coordinates).toHaveLength(2);
    expect(empty.geometry).toBeNull();
  });

  it('reads a GBK .dbf without .cpg (the Chinese default), and honours a .cpg or an encoding parameter', () => {
    const gbk = writeShapefile(features(), { name: 'g', fields: FIELDS, prj: WGS84_PRJ, encoding: 'gbk', omitCpg: true });
    const dbf = gbk.files['g.dbf'];
    // The bytes really are GBK: 光 is 0xB9 0xE2 there (E5 85 89 in UTF-8).
    expect(Buffer.from(dbf).includes(Buffer.from([0xb9, 0xe2]))).toBe(true);
    const content = read(gbk.files);
    expect(content.encoding).toMatchObject({ name: 'gbk', source: 'default' });
    expect(content.features[0].properties.name).toBe('光谷社区第一网格');

    const withCpg = read({ ...gbk.files, 'g.cpg': Buffer.from('936') });
    expect(withCpg.encoding).toMatchObject({ name: 'gbk', source: 'cpg' });
    expect(withCpg.features[0].properties.name).toBe('光谷社区第一网格');

    const ldid = writeShapefile(features(), { name: 'g', fields: FIELDS, prj: WGS84_PRJ, encoding: 'gbk', omitCpg: true, ldid: 0x4d });
    expect(read(ldid.files).encoding).toMatchObject({ name: 'gbk', source: 'ldid' });

    // Told the wrong encoding, the text is garbled (the parameter is obeyed).
    expect(read(gbk.files, { encoding: 'utf-8' }).features[0].properties.name).not.toBe('光谷社区第一网格');

    // A UTF-8 .dbf that lost its .cpg is recognised as UTF-8.
    const utf8 = writeShapefile(features(), { name: 'u', fields: FIELDS, prj: WGS84_PRJ, omitCpg: true });
    const detected = read(utf8.files);
    expect(detected.encoding).toMatchObject({ name: 'utf-8', source: 'detected' });
    expect(detected.features[0].properties.name).toBe('光谷社区第一网格');
  });

  it('keeps Chinese field names, cuts long text at a character boundary, skips deleted records', () => {
    const long = '很'.repeat(100); // 300 bytes in UTF-8: more than a .dbf text field holds
    const { bytes, truncated } = writeDbf(
      [
        { name: '名称', type: 'C' },
        { name: '户数', type: 'N', length: 6 },
      ],
      [{ 名称: long, 户数: 12 }, { 名称: '删', 户数: 1 }],
      { encoding: 'gbk' },
    );
    expect(truncated).toEqual([]); // GBK: 200 bytes fit
    const table = readDbf(bytes, 'gbk');
    expect(table.fields.map((f) => f.name)).toEqual(['名称', '户数']);
    expect(table.records[0]).toEqual({ 名称: long, 户数: 12 });
    const utf8 = writeDbf([{ name: 'name', type: 'C' }], [{ name: long }]);
    expect(utf8.truncated).toEqual([{ record: 1, field: 'name' }]);
    expect(readDbf(utf8.bytes, 'utf-8').records[0]).toEqual({ name: '很'.repeat(84) });

    const deleted = Uint8Array.from(bytes);
    const view = new DataView(deleted.buffer);
    deleted[view.getUint16(8, true) + view.getUint16(10, true)] = 0x2a; // mark record 2 deleted
    expect(readDbf(deleted, 'gbk').records[1]).toBeNull();
  });

  it('builds polygons from ring nesting, whatever the winding', () => {
    // A hole written with the outer ring's winding, and an island inside the hole.
    const outer = square(0, 0, 10).reverse(); // clockwise: the format's outer ring
    const hole = square(2, 2, 6).reverse(); // wrongly clockwise too
    const island = square(4, 4, 2);
    const shp = writeShapefile([{ geometry: { type: 'Polygon', coordinates: [outer, hole] }, properties: {} }], { name: 'r', fields: [], prj: WGS84_PRJ }).files;
    const content = read(shp);
    expect((content.features[0].geometry as Polygon).coordinates).toHaveLength(2);
    const withIsland = writeShapefile([{ geometry: { type: 'MultiPolygon', coordinates: [[outer, hole], [island]] }, properties: {} }], { name: 'r', fields: [], prj: WGS84_PRJ }).files;
    const geometry = read(withIsland).features[0].geometry as MultiPolygon;
    expect(geometry.type).toBe('MultiPolygon');
    expect(geometry.coordinates.map((polygon) => polygon.length)).toEqual([2, 1]);
    // RFC 7946 winding on the way out: outer rings counter-clockwise.
    const area = (ring: Position[]) => ring.reduce((sum, [x, y], i) => (i ? sum + (ring[i - 1][0] * y - x * ring[i - 1][1]) : 0), 0);
    expect(area(geometry.coordinates[0][0])).toBeGreaterThan(0);
    expect(area(geometry.coordinates[0][1])).toBeLessThan(0);
  });
});

describe('broken shapefiles are refused with the reason', () => {
  const good = () => writeShapefile(features(), { name: 'grids', fields: FIELDS, prj: WGS84_PRJ }).files;

  it('a zip that is not a zip, or holds no .shp, or two', () => {
    expect(thrown(() => unzipShapefile(Buffer.from('PK\x03\x04 not really a zip'), 1e8)).code).toBe('invalid_zip');
    const noShp = thrown(() => unzipShapefile(zipSync({ 'readme.txt': Buffer.from('hi'), 'grids.dbf': good()['grids.dbf'] }), 1e8));
    expect(noShp.code).toBe('missing_shp');
    expect(noShp.message).toMatch(/readme\.txt/);
    const two = zipSync({ 'a.shp': good()['grids.shp'], 'b/c.shp': good()['grids.shp'] });
    expect(thrown(() => unzipShapefile(two, 1e8)).code).toBe('several_shapefiles');
  });

  it('a zip bomb is refused before it inflates', () => {
    const big = zipSync({ 'big.shp': new Uint8Array(5_000_000) }, { level: 9 });
    expect(big.length).toBeLessThan(100_000);
    expect(thrown(() => unzipShapefile(big, 1_000_000)).code).toBe('zip_too_large');
  });

  it('a missing .dbf, records that do not match, a bad header, a truncated .shp', () => {
    const { 'grids.dbf': _dbf, ...withoutDbf } = good();
    expect(thrown(() => read(withoutDbf)).code).toBe('missing_dbf');
    const other = writeShapefile(features().slice(0, 2), { name: 'grids', fields: FIELDS, prj: WGS84_PRJ }).files;
    expect(thrown(() => read({ ...good(), 'grids.dbf': other['grids.dbf'] })).message).toMatch(/3 records but its \.dbf has 2/);
    const badHeader = Uint8Array.from(good()['grids.shp']);
    badHeader[3] = 0;
    expect(thrown(() => read({ ...good(), 'grids.shp': badHeader })).code).toBe('invalid_shapefile');
    // Cut inside the second record: the first is read, the file says where it ends.
    const shp = good()['grids.shp'];
    const cut = shp.subarray(0, 100 + 8 + new DataView(shp.buffer).getInt32(104, false) * 2 + 20);
    const dbfOfOne = writeShapefile(features().slice(0, 1), { name: 'grids', fields: FIELDS, prj: WGS84_PRJ }).files['grids.dbf'];
    const content = read({ ...good(), 'grids.shp': cut, 'grids.dbf': dbfOfOne });
    expect(content.features).toHaveLength(1);
    expect(content.notes.join(' ')).toMatch(/ends inside record 2/);
  });

  it('a corrupt record is reported by its number; the others are read', () => {
    const shp = Uint8Array.from(good()['grids.shp']);
    const view = new DataView(shp.buffer);
    const second = 100 + 8 + view.getInt32(104, false) * 2;
    view.setInt32(second + 8 + 36, 1_000_000, true); // record 2 claims a million parts
    const content = read({ ...good(), 'grids.shp': shp });
    expect(content.problems).toEqual([expect.objectContaining({ row: 2, code: 'invalid_geometry' })]);
    expect(content.features.map((f) => f.row)).toEqual([1, 3]);
  });
});

describe('the GDAL-made fixture (CGCS2000 GK zone 40, GBK, no .cpg)', () => {
  it('reads the Chinese attributes and lands the known corner within 1 m of 119.3°E 26.08°N', () => {
    const source = JSON.parse(fs.readFileSync(path.join(fixtures, 'fuzhou-source.geojson'), 'utf8'));
    const data = readSourceFile(fs.readFileSync(path.join(fixtures, 'fuzhou-grids-gk40-gbk.zip')), { fileName: 'fuzhou-grids-gk40-gbk.zip' });
    expect(data.format).toBe('shapefile');
    expect(data.crs).toMatchObject({ epsg: 4528, source: 'prj' });
    expect(data.encoding).toMatchObject({ name: 'gbk', source: 'default' });
    expect(data.problems).toEqual([]);
    expect(data.features.map((f) => f.properties)).toEqual(source.grids.features.map((f: { properties: object }) => f.properties));
    for (const [i, feature] of data.features.entries()) {
      const expected = source.grids.features[i].geometry.coordinates[0] as Position[];
      const actual = (feature.geometry as Polygon).coordinates[0];
      for (const corner of expected) {
        const nearest = Math.min(...actual.map(([lon, lat]) => Math.hypot((lon - corner[0]) * 111_320 * Math.cos((26.08 * Math.PI) / 180), (lat - corner[1]) * 110_574)));
        expect(nearest).toBeLessThan(1);
      }
    }
  });
});

const gdal = spawnSync('ogrinfo', ['--version'], { encoding: 'utf8' }).stdout?.trim();
if (!gdal) console.warn('[shapefile.test] ogrinfo (GDAL) is not installed: SKIPPING the GDAL reader check (apt-get install gdal-bin)');

describe.skipIf(!gdal)('GDAL reads what the export writes', () => {
  it('sees the fields, the Chinese names, the polygons and the CRS (WGS84 and GK zone 40)', () => {
    const grid = (code: string, name: string, west: number): GridFeature => ({
      type: 'Feature',
      id: code,
      geometry: { type: 'MultiPolygon', coordinates: [[square(west, 26.08, 0.005)]] },
      properties: { code, regionCode: code.slice(0, 12), name, kind: 'urban', specialType: null, households: 320, householdsSource: 'stored', storedHouseholds: 320, population: 900, version: 1, validFrom: '2024-05-01T00:00:00.000Z', updatedBy: 'test' },
    });
    const grids = [grid('350102001001001', '鼓东网格一', 119.3), grid('350102001001002', '鼓东网格二', 119.305)];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-shp-'));
    try {
      for (const crs of ['wgs84', 'EPSG:4528']) {
        const zip = path.join(dir, `grids-${crs.replace(':', '')}.zip`);
        fs.writeFileSync(zip, gridsToShapefile(grids, 'grids', projectionByName(crs)).zip);
        expect(Object.keys(unzipSync(fs.readFileSync(zip))).sort()).toEqual(['grids.cpg', 'grids.dbf', 'grids.prj', 'grids.shp', 'grids.shx']);
        const info = spawnSync('ogrinfo', ['-ro', '-al', `/vsizip/${zip}`], { encoding: 'utf8' });
        expect(info.status, info.stderr).toBe(0);
        expect(info.stdout).toMatch(/Feature Count: 2/);
        expect(info.stdout).toMatch(/Geometry: Polygon/);
        for (const field of [/code: String \(15\.0\)/, /name: String/, /households: (Real|Integer)/, /region: String \(12\.0\)/, /version: (Real|Integer)/]) {
          expect(info.stdout).toMatch(field);
        }
        expect(info.stdout).toContain('name (String) = 鼓东网格一');
        expect(info.stdout).toContain('code (String) = 350102001001002');
        if (crs === 'wgs84') expect(info.stdout).toMatch(/GEOGCRS\["WGS 84"|ID\["EPSG",4326\]/);
        else {
          expect(info.stdout).toMatch(/CGCS2000 \/ 3-degree Gauss-Kruger zone 40|CGCS2000_3_Degree_GK_Zone_40/);
          expect(info.stdout).toMatch(/POLYGON \(\(4042\d{4}\.\d* 2885\d{3}/);
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('damaged files never escape as anything but a FileError', () => {
  it('survives 600 seeded corruptions of a shapefile and its zip', () => {
    const { files } = writeShapefile(features(), { name: 'grids', fields: FIELDS, prj: WGS84_PRJ });
    const rand = seededRandom(20240501);
    const members = Object.keys(files);
    for (let i = 0; i < 600; i++) {
      const damaged: Record<string, Uint8Array> = {};
      for (const name of members) damaged[name] = Uint8Array.from(files[name]);
      const name = members[Math.floor(rand() * members.length)];
      const bytes = damaged[name];
      const mode = i % 3;
      if (mode === 0) for (let k = 0; k < 1 + rand() * 8; k++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
      let zip = zipFiles(mode === 1 ? { ...damaged, [name]: bytes.subarray(0, Math.floor(rand() * bytes.length)) } : damaged);
      if (mode === 2) {
        zip = Uint8Array.from(zip);
        for (let k = 0; k < 1 + rand() * 4; k++) zip[Math.floor(rand() * zip.length)] = Math.floor(rand() * 256);
      }
      try {
        readSourceFile(zip, { fileName: 'grids.zip' });
      } catch (error) {
        expect(error, `corruption ${i} of ${name} (mode ${mode}): ${(error as Error).stack}`).toBeInstanceOf(FileError);
      }
    }
  });
});
