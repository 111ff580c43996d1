import { describe, expect, it } from 'vitest';
import { formatGridCode, isGridCode, levelOfRegionCode, regionCodeProblem, regionPrefix } from '../../server/geo/codes.js';
import { translate, type Text } from '../../server/i18n/catalogue.js';

/** A problem in English (undefined stays undefined). */
const en = (problem: Text | undefined) => (problem === undefined ? undefined : translate(problem, 'en'));

describe('region codes', () => {
  it('reads the level from the zero padding', () => {
    expect(levelOfRegionCode('420000000000')).toBe('province');
    expect(levelOfRegionCode('420100000000')).toBe('city');
    expect(levelOfRegionCode('420111000000')).toBe('county');
    expect(levelOfRegionCode('420111002000')).toBe('township');
    expect(levelOfRegionCode('420111002003')).toBe('village');
    expect(levelOfRegionCode('429004000000')).toBe('county'); // 省直辖县 仙桃市 under city part 90
  });

  it('rejects codes with a zero level above a non-zero one, or of the wrong length', () => {
    expect(levelOfRegionCode('420011000000')).toBeUndefined(); // county digits without a city
    expect(levelOfRegionCode('420111000003')).toBeUndefined(); // village without a township
    expect(levelOfRegionCode('000000000000')).toBeUndefined();
    expect(levelOfRegionCode('42011100200')).toBeUndefined();
    expect(levelOfRegionCode('42011100200a')).toBeUndefined();
  });

  it('checks the level against the padding and the parent prefix', () => {
    expect(regionCodeProblem('420111002003', 'village', { code: '420111002000', level: 'township' })).toBeUndefined();
    expect(en(regionCodeProblem('420111002003', 'township'))).toMatch(/padded as a village/);
    expect(en(regionCodeProblem('420111002003', 'village', { code: '420111001000', level: 'township' }))).toMatch(/prefix "420111001"/);
    expect(en(regionCodeProblem('420111002000', 'township', { code: '420111002003', level: 'village' }))).toMatch(/higher level/);
    // A county may hang directly under a province (no city in the tree).
    expect(regionCodeProblem('429004000000', 'county', { code: '420000000000', level: 'province' })).toBeUndefined();
  });

  it('takes the meaningful prefix of each level', () => {
    expect(regionPrefix('420111002000', 'township')).toBe('420111002');
    expect(regionPrefix('420000000000', 'province')).toBe('42');
  });
});

describe('grid codes', () => {
  it('is the village code and a 3-digit number', () => {
    expect(formatGridCode('420111002003', 7)).toBe('420111002003007');
    expect(isGridCode('420111002003007')).toBe(true);
    expect(isGridCode('420111002000007')).toBe(false); // the 12 digits are not a village
    expect(isGridCode('420111002003000')).toBe(false);
  });
});
