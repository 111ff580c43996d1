import { describe, expect, it } from 'vitest';
import { indivisibleHomes } from '../../../server/geo/divide/indivisible.js';

describe('indivisibleHomes: a grid no border could divide', () => {
  it('is one building, whatever stands beside it without households', () => {
    expect(indivisibleHomes([{ index: 4, households: 900, compound: null }, { index: 5, households: 0, compound: null }])).toBe('one_building');
  });

  it('is one compound, however many buildings it has', () => {
    expect(indivisibleHomes([{ index: 1, households: 300, compound: '7' }, { index: 2, households: 300, compound: '7' }])).toBe('one_compound');
  });

  it('is not two buildings, nor a compound and a building beside it, nor nothing', () => {
    expect(indivisibleHomes([{ index: 1, households: 300, compound: null }, { index: 2, households: 300, compound: null }])).toBeNull();
    expect(indivisibleHomes([{ index: 1, households: 300, compound: '7' }, { index: 2, households: 300, compound: null }])).toBeNull();
    expect(indivisibleHomes([{ index: 1, households: 0, compound: null }])).toBeNull();
  });
});
