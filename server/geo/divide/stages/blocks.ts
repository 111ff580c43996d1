/**
 * Stage 2 — blocks: the area outline, barriers, water and special outlines polygonized into
 * faces, each face given its role (a block of land, water, a special grid, or outside the
 * area), and each building placed in the face holding its representative point.
 */
import Flatbush from 'flatbush';
import { polygonize, type Subdivision } from '../planar.js';
import { insideAny, type PreparedDivision } from '../prepare.js';
import { pointInPolygon } from '../polygon.js';
import type { TaggedLine, XY } from '../types.js';

export type FaceRole =
  | { kind: 'outside' }
  | { kind: 'water' }
  | { kind: 'special'; special: number }
  | { kind: 'kept'; kept: number }
  | { kind: 'block' };

export interface Blocks {
  sub: Subdivision;
  roles: FaceRole[];
  /** The face containing a point: the smallest one (a face's hole may hold another face), or -1. */
  locate: (p: XY) => number;
  /** The face of each prepared building (by position in prepared.buildings), or -1. */
  faceOf: Int32Array;
}

function classifyFaces(sub: Subdivision, prepared: PreparedDivision): FaceRole[] {
  return sub.faces.map((face) => {
    const p = face.interiorPoint;
    if (!insideAny(p, prepared.area)) return { kind: 'outside' };
    const special = prepared.specials.findIndex((s) => insideAny(p, s.polygons));
    if (special >= 0) return { kind: 'special', special };
    const kept = prepared.kept.findIndex((k) => insideAny(p, k.polygons));
    if (kept >= 0) return { kind: 'kept', kept };
    if (insideAny(p, prepared.water)) return { kind: 'water' };
    return { kind: 'block' };
  });
}

function faceLocator(sub: Subdivision): (p: XY) => number {
  if (sub.faces.length === 0) return () => -1;
  const index = new Flatbush(sub.faces.length);
  for (const face of sub.faces) {
    let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const [x, y] of face.polygon.outer) {
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x);
      maxY = Math.max(maxY, y);
    }
    index.add(minX, minY, maxX, maxY);
  }
  index.finish();
  return (p) => {
    let best = -1;
    for (const face of index.search(p[0], p[1], p[0], p[1])) {
      if (pointInPolygon(p, sub.faces[face].polygon) && (best < 0 || sub.faces[face].area < sub.faces[best].area)) best = face;
    }
    return best;
  };
}

export function buildBlocks(prepared: PreparedDivision, lines: TaggedLine[] = prepared.lines): Blocks {
  const sub = polygonize(lines);
  const roles = classifyFaces(sub, prepared);
  const locate = faceLocator(sub);
  const faceOf = Int32Array.from(prepared.buildings, (building) => locate(building.point));
  return { sub, roles, locate, faceOf };
}
