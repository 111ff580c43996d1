/**
 * Rows of an address file → registry entries: each address normalised (its identity) and
 * parsed into levels. A file that names one address twice keeps the last position, as a later
 * import of the same address would.
 */
import { chineseNumeralsToDigits, normalizeText } from './normalize.js';
import { parseAddress } from './parse.js';
import type { ParsedAddress } from './types.js';

export interface RegistryEntry {
  address: string;
  /** normalizeText + Chinese numerals as digits: 十二号 and １２号 are both 12号. */
  normalized: string;
  levels: ParsedAddress;
  lon: number;
  lat: number;
}

export function normalizedAddress(text: string): string {
  return chineseNumeralsToDigits(normalizeText(text));
}

export function registryEntries(rows: readonly { address: string; lon: number; lat: number }[]): { entries: RegistryEntry[]; duplicates: number } {
  const byKey = new Map<string, RegistryEntry>();
  for (const row of rows) {
    const normalized = normalizedAddress(row.address);
    byKey.delete(normalized); // the last occurrence wins, in its own place in the order
    // Kept as written, but with full-width letters and digits made plain (NFKC): ８８号 → 88号.
    byKey.set(normalized, { address: row.address.normalize('NFKC'), normalized, levels: parseAddress(row.address), lon: row.lon, lat: row.lat });
  }
  return { entries: [...byKey.values()], duplicates: rows.length - byKey.size };
}
