/**
 * Chinese coordinate systems → WGS84 (CGCS2000 is taken as equal to WGS84: they differ by
 * centimetres). GCJ-02 (Amap, Tencent) and BD-09 (Baidu) are inverted with gcoord's iterative
 * method (to 1e-6°, ≈ 0.1 m), not the 1–2 m single-step approximation.
 */
import gcoordModule from 'gcoord';

// gcoord is CommonJS whose types declare an ES default export: at run time (Node ESM) the
// default import is that object itself; under the types it sits one `.default` further.
const gcoord = ((gcoordModule as unknown as { default?: typeof gcoordModule.default }).default ?? gcoordModule) as unknown as typeof gcoordModule.default;

import { type CrsName } from './crs-names.js';

export { CRS_NAMES, isCrsName, type CrsName } from './crs-names.js';

/** The gcoord system of each name; WGS84 and CGCS2000 need no conversion. */
const GCOORD_SYSTEM = { gcj02: gcoord.GCJ02, bd09: gcoord.BD09 } as const;

export function toWgs84(lon: number, lat: number, crs: CrsName): [number, number] {
  if (crs === 'wgs84' || crs === 'cgcs2000') return [lon, lat];
  return gcoord.transform([lon, lat], GCOORD_SYSTEM[crs], gcoord.WGS84) as [number, number];
}

export function fromWgs84(lon: number, lat: number, crs: CrsName): [number, number] {
  if (crs === 'wgs84' || crs === 'cgcs2000') return [lon, lat];
  return gcoord.transform([lon, lat], gcoord.WGS84, GCOORD_SYSTEM[crs]) as [number, number];
}
