/**
 * Which registry addresses are households (户). An address is a household unless the registry
 * also holds an address beneath it: 88号 is a gate when 88号3栋2单元501室 exists, but in a
 * village, where 3组12号 is the courtyard of one family, it is the household itself.
 */
import { ADDRESS_LEVELS, type ParsedAddress } from './types.js';

function keyOf(levels: ParsedAddress, depth: number): string {
  let key = '';
  for (let i = 0; i < depth; i++) key += `${levels[ADDRESS_LEVELS[i]] ?? ''}|`;
  return key;
}

function deepestLevel(levels: ParsedAddress): number {
  for (let i = ADDRESS_LEVELS.length - 1; i >= 0; i--) if (levels[ADDRESS_LEVELS[i]] !== undefined) return i + 1;
  return 0;
}

/** For each address, whether it is a household (no other address lies beneath it). */
export function householdFlags(addresses: readonly ParsedAddress[]): boolean[] {
  const depths = addresses.map(deepestLevel);
  const full = addresses.map((levels, i) => keyOf(levels, depths[i]));
  // Every proper ancestor of every address (the same levels cut short) is not a household.
  const ancestors = new Set<string>();
  for (const [i, levels] of addresses.entries()) {
    for (let depth = depths[i] - 1; depth > 0; depth--) {
      if (levels[ADDRESS_LEVELS[depth - 1]] !== undefined) ancestors.add(keyOf(levels, depth));
    }
  }
  return full.map((key) => !ancestors.has(key));
}
