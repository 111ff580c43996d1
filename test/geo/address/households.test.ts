import { describe, expect, it } from 'vitest';
import { householdFlags } from '../../../server/geo/address/households.js';

describe('householdFlags', () => {
  it('counts the rooms of a compound, not its gate', () => {
    const flags = householdFlags([
      { road: '五四路', number: '88' },
      { road: '五四路', number: '88', compound: '和园', building: '3', unit: '2', room: '501' },
      { road: '五四路', number: '88', compound: '和园', building: '3', unit: '2', room: '502' },
      { road: '五四路', number: '90' },
    ]);
    expect(flags).toEqual([false, true, true, true]);
  });

  it('takes a village courtyard as one household', () => {
    expect(householdFlags([{ community: '余村村', road: '3组', number: '12' }, { community: '余村村', road: '3组', number: '14' }])).toEqual([true, true]);
  });

  it('does not let a building on another road hide a gate', () => {
    expect(householdFlags([{ road: '五四路', number: '88' }, { road: '湖东路', number: '88', building: '1' }])).toEqual([true, true]);
  });

  it('sees an intermediate level as a parent too (a building over its rooms)', () => {
    const flags = householdFlags([
      { road: '五四路', number: '88', building: '3' },
      { road: '五四路', number: '88', building: '3', unit: '1', room: '101' },
    ]);
    expect(flags).toEqual([false, true]);
  });
});
