import { describe, expect, it } from 'vitest';
import { AddressFileError, addressRowsFromCsv, addressRowsFromGeoJSON, MAX_ADDRESS_LENGTH } from '../../server/formats/address-rows.js';
import { fromWgs84 } from '../../server/geo/crs.js';

describe('addressRowsFromCsv', () => {
  it('reads English or Chinese headers in any column order, quoted fields and a BOM', () => {
    const { rows, problems } = addressRowsFromCsv('\uFEFF纬度,地址,经度\n26.08,"福州市鼓楼区五四路88号, 北楼",119.3\n', 'wgs84');
    expect(problems).toEqual([]);
    expect(rows).toEqual([{ row: 2, address: '福州市鼓楼区五四路88号, 北楼', lon: 119.3, lat: 26.08 }]);
  });

  it('converts from the file crs to WGS84', () => {
    const [x, y] = fromWgs84(119.3, 26.08, 'bd09');
    const { rows } = addressRowsFromCsv(`address,lng,lat\n五四路88号,${x},${y}`, 'bd09');
    expect(rows[0].lon).toBeCloseTo(119.3, 6);
    expect(rows[0].lat).toBeCloseTo(26.08, 6);
  });

  it('reports every bad row by its line', () => {
    const text = ['address,lon,lat', '五四路1号,119.3,26.08', '五四路2号,,26.08', `${'路'.repeat(MAX_ADDRESS_LENGTH + 1)},119.3,26.08`, '五四路3号,26.08,119.3'].join('\n');
    const { rows, problems } = addressRowsFromCsv(text, 'wgs84');
    expect(rows.map((r) => r.row)).toEqual([2]);
    expect(problems.map((p) => [p.row, p.code])).toEqual([
      [3, 'invalid_coordinates'],
      [4, 'address_too_long'],
      [5, 'swapped_coordinates'],
    ]);
  });

  it('refuses a file without the needed columns', () => {
    expect(() => addressRowsFromCsv('name,x\n1,2', 'wgs84')).toThrow(AddressFileError);
    expect(() => addressRowsFromCsv('', 'wgs84')).toThrow(/empty/);
  });
});

describe('addressRowsFromGeoJSON', () => {
  it('reads Points with properties.address and reports the rest', () => {
    const point = (coordinates: unknown, address: unknown) => ({ type: 'Feature', geometry: { type: 'Point', coordinates }, properties: { address } });
    const { rows, problems } = addressRowsFromGeoJSON(
      {
        type: 'FeatureCollection',
        features: [
          point([119.3, 26.08, 12], '五四路88号'),
          point([119.3, 26.08], '  '),
          { type: 'Feature', geometry: { type: 'LineString', coordinates: [[119.3, 26.08], [119.31, 26.08]] }, properties: { address: '五四路' } },
          null,
          point(['119.3', 26.08], '五四路90号'),
        ],
      },
      'wgs84',
    );
    expect(rows).toEqual([{ row: 1, address: '五四路88号', lon: 119.3, lat: 26.08 }]);
    expect(problems.map((p) => [p.row, p.code])).toEqual([
      [2, 'empty_address'],
      [3, 'invalid_geometry'],
      [4, 'invalid_feature'],
      [5, 'invalid_coordinates'],
    ]);
  });

  it('refuses what is not a FeatureCollection', () => {
    for (const body of [null, [], { type: 'Feature' }, { type: 'FeatureCollection', features: {} }]) {
      expect(() => addressRowsFromGeoJSON(body, 'wgs84')).toThrow(AddressFileError);
    }
  });
});
