/**
 * GeoJSON and CSV import files, the choice of format and CRS, WKT, and the attribute mapping:
 * every bad row reported by its number with the reason, whole files refused with a status.
 */
import iconv from 'iconv-lite';
import proj4 from 'proj4';
import { describe, expect, it } from 'vitest';
import { readSourceFile } from '../../server/formats/read.js';
import { FileError } from '../../server/formats/source.js';
import { parseWktGeometry, polygonalToWkt } from '../../server/formats/wkt.js';
import { mapFields, mapProperties } from '../../server/formats/fields.js';
import { toWgs84 } from '../../server/geo/crs.js';
import type { Point, Polygon } from 'geojson';
import { en } from '../support/i18n.js';

const GK40 = '+proj=tmerc +lat_0=0 +lon_0=120 +k=1 +x_0=40500000 +y_0=0 +ellps=GRS80 +units=m +no_defs';
const gk = (lon: number, lat: number) => proj4('EPSG:4326', GK40, [lon, lat]).map((v) => Math.round(v * 1000) / 1000);

function thrown(fn: () => unknown): FileError {
  try {
    fn();
  } catch (error) {
    if (error instanceof FileError) return error;
    throw error;
  }
  throw new Error('expected a FileError');
}

const utf8 = (text: string) => Buffer.from(text, 'utf8');

describe('CSV', () => {
  it('reads a WKT column and keeps the other columns, in GBK as Excel saves it', () => {
    const text = '名称,户数,区划代码,WKT\n光谷网格,320,420111002003,"POLYGON ((114.3 30.5, 114.31 30.5, 114.31 30.51, 114.3 30.5))"\n';
    const data = readSourceFile(iconv.encode(text, 'gbk'), { fileName: 'grids.csv' });
    expect(data.format).toBe('csv');
    expect(data.encoding).toMatchObject({ name: 'gbk' });
    expect(data.crs).toMatchObject({ epsg: 4326, source: 'guessed' });
    expect(data.fields).toEqual(['名称', '户数', '区划代码']);
    expect(data.features).toEqual([
      { row: 2, properties: { 名称: '光谷网格', 户数: '320', 区划代码: '420111002003' }, geometry: { type: 'Polygon', coordinates: [[[114.3, 30.5], [114.31, 30.5], [114.31, 30.51], [114.3, 30.5]]] } },
    ]);
    // The same in UTF-8 with a BOM.
    const bom = readSourceFile(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(text)]), { fileName: 'grids.csv' });
    expect(bom.encoding).toMatchObject({ name: 'utf-8' });
    expect(bom.features[0].properties['名称']).toBe('光谷网格');
  });

  it('reads lon/lat (or 经度/纬度, x/y) columns, semicolons, and reports bad lines by number', () => {
    const data = readSourceFile(utf8('地址;经度;纬度\n五四路88号;119.3051;26.0922\n坏行;abc;26\n\n五四路90号;119.3053;26.0925\n'), { fileName: 'a.csv' });
    expect(data.features.map((f) => [f.row, (f.geometry as Point).coordinates])).toEqual([
      [2, [119.3051, 26.0922]],
      [5, [119.3053, 26.0925]],
    ]);
    expect(data.problems).toEqual([expect.objectContaining({ row: 3, code: 'invalid_coordinates' })]);
    const bad = readSourceFile(utf8('name,wkt\na,POLYGON ((1 2, 3))\nb,CIRCLE (1 2)\n'), { fileName: 'b.csv', crs: 'wgs84' });
    expect(bad.problems.map((p) => p.row)).toEqual([2, 3]);
    expect(en(bad.problems[1].message)).toMatch(/CIRCLE is not read/);
  });

  it('takes the CRS from an EWKT SRID and guesses GK zones from 8-digit eastings', () => {
    const [x, y] = gk(119.3, 26.08);
    const ewkt = readSourceFile(utf8(`name,wkt\na,SRID=4528;POINT (${x} ${y})\n`), { fileName: 'p.csv' });
    expect(ewkt.crs).toMatchObject({ epsg: 4528, source: 'wkt' });
    const [lon, lat] = (ewkt.features[0].geometry as Point).coordinates;
    expect(Math.abs(lon - 119.3) + Math.abs(lat - 26.08)).toBeLessThan(1e-8);
    const guessed = readSourceFile(utf8(`name,x,y\na,${x},${y}\n`), { fileName: 'p.csv' });
    expect(guessed.crs).toMatchObject({ epsg: 4528, source: 'guessed' });
    expect(en(guessed.crs.note)).toMatch(/zone prefix 40/);
  });

  it('refuses a CSV without a geometry column', () => {
    const error = thrown(() => readSourceFile(utf8('name,households\na,1\n'), { fileName: 'x.csv' }));
    expect(error.code).toBe('missing_geometry_column');
  });
});

describe('GeoJSON', () => {
  it('reads features by position, reports the bad ones, and honours an old-style crs member', () => {
    const [x, y] = gk(119.3, 26.08);
    const body = {
      type: 'FeatureCollection',
      crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::4528' } },
      features: [
        { type: 'Feature', properties: { 名称: '一' }, geometry: { type: 'Point', coordinates: [x, y] } },
        { type: 'Point', coordinates: [1, 2] },
        { type: 'Feature', properties: { 名称: '三' }, geometry: null },
        { type: 'Feature', properties: { 名称: '四' }, geometry: { type: 'Point', coordinates: ['a', 'b'] } },
      ],
    };
    const data = readSourceFile(utf8(JSON.stringify(body)), { fileName: 'x.geojson' });
    expect(data.crs).toMatchObject({ epsg: 4528, source: 'geojson' });
    expect(data.features.map((f) => f.row)).toEqual([1, 3]);
    expect(data.features[1].geometry).toBeNull();
    expect(data.problems.map((p) => [p.row, p.code])).toEqual([
      [2, 'invalid_geojson'],
      [4, 'invalid_coordinates'],
    ]);
    const [lon, lat] = (data.features[0].geometry as Point).coordinates;
    expect(Math.abs(lon - 119.3) + Math.abs(lat - 26.08)).toBeLessThan(1e-8);
  });

  it('converts GCJ-02 and BD-09 given as crs, and lets crs override the file with a note', () => {
    const body = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [119.3, 26.08] } }] };
    const gcj = readSourceFile(utf8(JSON.stringify(body)), { fileName: 'x.geojson', crs: 'gcj02' });
    expect((gcj.features[0].geometry as Point).coordinates).toEqual(toWgs84(119.3, 26.08, 'gcj02'));
    expect(gcj.crs.source).toBe('parameter');
    const overridden = readSourceFile(utf8(JSON.stringify({ ...body, crs: { type: 'name', properties: { name: 'EPSG:4528' } } })), { fileName: 'x.geojson', crs: 'wgs84' });
    expect(en(overridden.crs.note)).toMatch(/file says CGCS2000 \/ 3-degree Gauss-Kruger zone 40.*was used instead/);
  });
});

describe('whole files refused', () => {
  it('names the status and code of each', () => {
    const cases: [() => unknown, number, string][] = [
      [() => readSourceFile(new Uint8Array(0), { fileName: 'x.csv' }), 400, 'empty_file'],
      [() => readSourceFile(utf8('{"type":'), { fileName: 'x.geojson' }), 400, 'invalid_json'],
      [() => readSourceFile(utf8('{"type":"Topology"}'), { fileName: 'x.json' }), 400, 'invalid_geojson'],
      [() => readSourceFile(utf8('x'), { fileName: 'grids.shp' }), 415, 'unsupported_format'],
      [() => readSourceFile(utf8('x'), { fileName: 'grids.kml' }), 415, 'unsupported_format'],
      [() => readSourceFile(utf8('name,lon,lat\na,1,2\n'), { fileName: 'x.csv', crs: 'EPSG:9999' }), 400, 'invalid_crs'],
      [() => readSourceFile(utf8('name,x,y\na,429964.06,2885885.75\n'), { fileName: 'x.csv' }), 422, 'crs_required'],
      [() => readSourceFile(utf8('name,lon,lat\na,1,2\n'), { fileName: 'x.csv', encoding: 'klingon' }), 400, 'invalid_encoding'],
    ];
    for (const [fn, status, code] of cases) {
      const error = thrown(fn);
      expect([error.status, error.code], error.message).toEqual([status, code]);
    }
  });
});

describe('WKT', () => {
  it('parses the common types (Z dropped, EMPTY as null) and writes polygons back', () => {
    expect(parseWktGeometry('POINT Z (1 2 3)').geometry).toEqual({ type: 'Point', coordinates: [1, 2] });
    expect(parseWktGeometry('MULTIPOINT ((1 2), (3 4))').geometry).toEqual({ type: 'MultiPoint', coordinates: [[1, 2], [3, 4]] });
    expect(parseWktGeometry('MULTIPOINT (1 2, 3 4)').geometry).toEqual({ type: 'MultiPoint', coordinates: [[1, 2], [3, 4]] });
    expect(parseWktGeometry('linestring(1 2,3 4)').geometry).toEqual({ type: 'LineString', coordinates: [[1, 2], [3, 4]] });
    expect(parseWktGeometry('POLYGON EMPTY').geometry).toBeNull();
    const polygon: Polygon = { type: 'Polygon', coordinates: [[[0, 0], [10, 0], [10, 10], [0, 0]], [[2, 2], [3, 3], [3, 2], [2, 2]]] };
    expect(parseWktGeometry(polygonalToWkt(polygon)).geometry).toEqual(polygon);
    const multi = { type: 'MultiPolygon' as const, coordinates: [polygon.coordinates, [[[20, 20], [21, 20], [21, 21], [20, 20]]]] };
    expect(parseWktGeometry(`SRID=4490;${polygonalToWkt(multi)}`)).toEqual({ geometry: multi, srid: 4490 });
    for (const bad of ['POLYGON ((1 2, 3 4)', 'POLYGON ((1 2, 3 4))) x', 'POINT (1)', 'hello']) expect(() => parseWktGeometry(bad), bad).toThrow();
  });
});

describe('attribute fields', () => {
  it('maps Chinese and English names, cut shapefile names, and converts values', () => {
    const mapping = mapFields('grids', ['OBJECTID', '网格编码', '名称', '网格类型', '户数(户)', 'Population', 'REGIONCOD', 'specialtyp', 'name', '版本']);
    expect(mapping.fields).toEqual({
      OBJECTID: null,
      网格编码: 'code',
      名称: 'name',
      网格类型: 'kind',
      '户数(户)': 'households',
      Population: 'population',
      REGIONCOD: 'regionCode',
      specialtyp: 'specialType',
      name: 'name',
      版本: 'version',
    });
    expect(mapping.notes.map(en)).toEqual(['Columns "名称", "name" are all name: each row takes the first of them that has a value']);
    expect(mapProperties('grids', mapping, { 名称: null, name: 'second' }).name).toBe('second');
    expect(
      mapProperties('grids', mapping, { OBJECTID: 7, 网格编码: 420111002003001, 名称: '一', 网格类型: '专属网格', '户数(户)': '320', Population: 900.0, REGIONCOD: '420111002003 ', specialtyp: '学校', 版本: '2' }),
    ).toEqual({ code: '420111002003001', name: '一', kind: 'special', households: 320, population: 900, regionCode: '420111002003', specialType: 'school', version: 2 });
    const kinds = mapFields('grids', ['类型']);
    expect(['城市网格', '农村', 'urban', 'Rural', '其他'].map((value) => mapProperties('grids', kinds, { 类型: value }).kind)).toEqual(['urban', 'rural', 'urban', 'rural', '其他']);
  });

  it('reads region levels in words and infers a missing level from the code', () => {
    const mapping = mapFields('regions', ['区划代码', '名称', '级别', '上级代码']);
    expect(mapProperties('regions', mapping, { 区划代码: '420111002000', 名称: '关山街道', 级别: '街道', 上级代码: '420111000000' })).toEqual({
      code: '420111002000',
      name: '关山街道',
      level: 'township',
      parentCode: '420111000000',
    });
    expect(mapProperties('regions', mapFields('regions', ['code', 'name']), { code: '420111002003', name: '光谷社区' }).level).toBe('village');
  });

  it('keeps the unmapped columns of buildings as their properties', () => {
    const mapping = mapFields('buildings', ['户数', '小区', '楼栋号']);
    expect(mapProperties('buildings', mapping, { 户数: 24, 小区: '幸福小区', 楼栋号: '3栋' })).toEqual({ households: 24, compound: '幸福小区', 楼栋号: '3栋' });
  });
});
