/**
 * The coordinate systems a caller may name (WGS84/CGCS2000, GCJ-02, BD-09): an import-free leaf,
 * so that the API's types (server/api-types) can name them without the conversion code.
 */
export const CRS_NAMES = ['wgs84', 'cgcs2000', 'gcj02', 'bd09'] as const;
export type CrsName = (typeof CRS_NAMES)[number];

export function isCrsName(value: unknown): value is CrsName {
  return typeof value === 'string' && (CRS_NAMES as readonly string[]).includes(value);
}
