import { describe, expect, it } from 'vitest';
import { isGb28181Shaped, parseGb28181Id, type Gb28181Result } from '../../server/geo/gb28181.js';
import { translate } from '../../server/i18n/catalogue.js';

function reasonOf(result: Gb28181Result): string {
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.value)}`);
  return translate(result.reason, 'en');
}

describe('parseGb28181Id', () => {
  it('splits the standard example IPC ID into its parts', () => {
    expect(parseGb28181Id('34020000001320000001')).toEqual({
      ok: true,
      value: {
        id: '34020000001320000001',
        centerCode: '34020000',
        regionCode: '340200000000',
        regionLevel: 'city',
        industryCode: '00',
        industryName: '社会治安路面接入',
        typeCode: '132',
        typeKind: 'IPC (network camera)',
        networkCode: '0',
        network: 'monitoring-private',
        serial: '000001',
        isCamera: true,
      },
    });
  });

  it('reads a county-level center and a grassroots unit without deepening the level', () => {
    const county = parseGb28181Id('35010200001310000123');
    expect(county.ok && county.value).toMatchObject({
      regionCode: '350102000000',
      regionLevel: 'county',
      typeKind: 'camera',
      isCamera: true,
      serial: '000123',
    });
    const unit = parseGb28181Id('35010201011185000007'); // grassroots unit 01, NVR on the public security network
    expect(unit.ok && unit.value).toMatchObject({
      regionCode: '350102000000',
      regionLevel: 'county',
      industryCode: '01',
      industryName: '社会治安社区接入',
      typeKind: 'NVR',
      network: 'public-security',
      isCamera: false,
    });
  });

  it('reads a province-level platform and leaves reserved industries unnamed', () => {
    const server = parseGb28181Id('11000000122008000001');
    expect(server.ok && server.value).toMatchObject({
      regionCode: '110000000000',
      regionLevel: 'province',
      industryCode: '12',
      industryName: null,
      typeKind: 'central signalling control server',
      network: 'social-resources',
      isCamera: false,
    });
    const hvr = parseGb28181Id('44030500401307000001');
    expect(hvr.ok && hvr.value).toMatchObject({ industryName: '农林牧渔业接入', typeKind: 'HVR (hybrid recorder)', network: 'internet' });
  });

  it('refuses IDs that are not 20 ASCII digits', () => {
    expect(reasonOf(parseGb28181Id('3402000000132000001'))).toMatch(/not 20 digits/);
    expect(reasonOf(parseGb28181Id('340200000013200000011'))).toMatch(/not 20 digits/);
    expect(reasonOf(parseGb28181Id('3402000000132000000A'))).toMatch(/not 20 digits/);
    expect(reasonOf(parseGb28181Id('３４020000001320000001'))).toMatch(/not 20 digits/); // full-width digits
  });

  it('refuses a province that GB/T 2260 does not have', () => {
    expect(reasonOf(parseGb28181Id('99020000001320000001'))).toMatch(/province digits "99"/);
    expect(reasonOf(parseGb28181Id('00000000001320000001'))).toMatch(/province digits "00"/);
    expect(reasonOf(parseGb28181Id('38020000001320000001'))).toMatch(/province digits "38"/);
  });

  it('refuses district digits under city "00"', () => {
    expect(reasonOf(parseGb28181Id('34000100001320000001'))).toMatch(/city digits are "00" but district digits are "01"/);
  });

  it('refuses type codes outside the table, including the extension ranges', () => {
    for (const type of ['000', '119', '140', '212', '300', '999']) {
      expect(reasonOf(parseGb28181Id(`3402000000${type}0000001`))).toMatch(new RegExp(`type code ${type} is not`));
    }
  });

  it('refuses the reserved network digit 9', () => {
    expect(reasonOf(parseGb28181Id('34020000001329000001'))).toMatch(/network digit 9 is reserved/);
  });
});

describe('isGb28181Shaped', () => {
  it('accepts exactly 20 ASCII digits, whatever they mean', () => {
    expect(isGb28181Shaped('99999999999999999999')).toBe(true);
    expect(isGb28181Shaped('3402000000132000000')).toBe(false);
    expect(isGb28181Shaped(' 34020000001320000001')).toBe(false);
    expect(isGb28181Shaped('34020000001320000001\n')).toBe(false);
  });
});
