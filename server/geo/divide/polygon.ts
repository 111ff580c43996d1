/**
 * Planar polygons in local metres (outer rings counter-clockwise, holes clockwise, closed): the
 * measures and tests every stage of the division shares — projection from and to GeoJSON,
 * areas, perimeters, containment, a point inside.
 */
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { localProjection, type LocalProjection } from './project.js';
import type { PlanarPolygon, Ring, XY } from './types.js';

/** Centimetre key of a projected point, to find the exact lon/lat it came from. */
export function anchorKey([x, y]: XY): string {
  return `${Math.round(x * 100)},${Math.round(y * 100)}`;
}


/** The local projection used for an area: origin at the centre of its bounding box. */
export function areaProjection(area: Polygon | MultiPolygon): LocalProjection {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const rings = area.type === 'Polygon' ? area.coordinates : area.coordinates.flat();
  for (const ring of rings) {
    for (const p of ring) {
      if (p[0] < minX) minX = p[0];
      if (p[0] > maxX) maxX = p[0];
      if (p[1] < minY) minY = p[1];
      if (p[1] > maxY) maxY = p[1];
    }
  }
  if (!Number.isFinite(minX)) throw new Error('the area has no coordinates');
  return localProjection((minX + maxX) / 2, (minY + maxY) / 2);
}

/** Signed shoelace area of a ring (counter-clockwise > 0); closed or not. */
export function ringSignedArea(ring: ArrayLike<ArrayLike<number>>): number {
  let s = 0;
  const n = ring.length;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    s += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  }
  return s / 2;
}

export function ringLength(ring: ArrayLike<ArrayLike<number>>): number {
  let s = 0;
  for (let i = 1; i < ring.length; i++) s += Math.hypot(ring[i][0] - ring[i - 1][0], ring[i][1] - ring[i - 1][1]);
  return s;
}

export function closeRing(ring: XY[]): Ring {
  if (ring.length === 0) return ring;
  const a = ring[0];
  const b = ring[ring.length - 1];
  if (a[0] !== b[0] || a[1] !== b[1]) ring.push([a[0], a[1]]);
  return ring;
}

/** The ring wound counter-clockwise (ccw) or clockwise, reversed when it is not. */
export function withWinding(ring: Ring, ccw: boolean): Ring {
  return ringSignedArea(ring) > 0 === ccw ? ring : ring.slice().reverse();
}

/**
 * Projects a lon/lat (Multi)Polygon to planar polygons: closed rings, outer CCW, holes CW.
 * With `anchors`, remembers each vertex's exact lon/lat by its projected point (anchorKey).
 */
export function projectPolygonal(geom: Polygon | MultiPolygon, proj: LocalProjection, anchors?: Map<string, Position>): PlanarPolygon[] {
  const polys = geom.type === 'Polygon' ? [geom.coordinates] : geom.coordinates;
  const out: PlanarPolygon[] = [];
  const forward = (p: Position): XY => {
    const xy = proj.forward(p);
    anchors?.set(anchorKey(xy), [p[0], p[1]]);
    return xy;
  };
  for (const rings of polys) {
    if (rings.length === 0 || rings[0].length < 3) continue;
    const [outer, ...holes] = rings.map((r) => closeRing(r.map(forward)));
    out.push({ outer: withWinding(outer, true), holes: holes.filter((h) => h.length >= 4).map((h) => withWinding(h, false)) });
  }
  return out;
}

/** Back to lon/lat GeoJSON: a Polygon for one part, a MultiPolygon for more. */
export function unprojectPolygonal(polys: PlanarPolygon[], proj: LocalProjection): Polygon | MultiPolygon {
  const rings = polys.map((p) => [p.outer, ...p.holes].map((r) => r.map((xy) => proj.inverse(xy) as Position)));
  return rings.length === 1 ? { type: 'Polygon', coordinates: rings[0] } : { type: 'MultiPolygon', coordinates: rings };
}

export function polygonsArea(polys: PlanarPolygon[]): number {
  let a = 0;
  for (const p of polys) {
    a += Math.abs(ringSignedArea(p.outer));
    for (const h of p.holes) a -= Math.abs(ringSignedArea(h));
  }
  return a;
}

export function polygonsPerimeter(polys: PlanarPolygon[]): number {
  let s = 0;
  for (const p of polys) {
    s += ringLength(p.outer);
    for (const h of p.holes) s += ringLength(h);
  }
  return s;
}

export function ringContains(ring: Ring, x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const xi = ring[i][0];
    const yi = ring[i][1];
    const xj = ring[j][0];
    const yj = ring[j][1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Even–odd point-in-polygon over planar polygons with holes. */
export function polygonsContain(polys: PlanarPolygon[], x: number, y: number): boolean {
  for (const p of polys) {
    if (!ringContains(p.outer, x, y)) continue;
    if (!p.holes.some((h) => ringContains(h, x, y))) return true;
  }
  return false;
}

export type BBox = [number, number, number, number];

export function polygonsBBox(polys: PlanarPolygon[]): BBox {
  const b: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of polys) {
    for (const [x, y] of p.outer) {
      if (x < b[0]) b[0] = x;
      if (y < b[1]) b[1] = y;
      if (x > b[2]) b[2] = x;
      if (y > b[3]) b[3] = y;
    }
  }
  return b;
}

/** Area-weighted centroid of planar polygons (holes subtracted); null when the area is 0. */
export function polygonsCentroid(polys: PlanarPolygon[]): XY | null {
  let a = 0;
  let cx = 0;
  let cy = 0;
  // Offset by the first vertex to keep the products small.
  const ox = polys[0].outer[0][0];
  const oy = polys[0].outer[0][1];
  for (const p of polys) {
    for (const ring of [p.outer, ...p.holes]) {
      for (let i = 0; i + 1 < ring.length; i++) {
        const x0 = ring[i][0] - ox;
        const y0 = ring[i][1] - oy;
        const x1 = ring[i + 1][0] - ox;
        const y1 = ring[i + 1][1] - oy;
        const c = x0 * y1 - x1 * y0;
        a += c;
        cx += (x0 + x1) * c;
        cy += (y0 + y1) * c;
      }
    }
  }
  if (Math.abs(a) < 1e-12) return null;
  return [cx / (3 * a) + ox, cy / (3 * a) + oy];
}

/**
 * A point inside a polygon (JTS's interior point): the middle of the widest stretch of a
 * horizontal line through the middle of its bounding box.
 */
export function pointOnSurface(p: PlanarPolygon): XY {
  const b = polygonsBBox([p]);
  // Nudge the scan line off vertex heights so every crossing is a clean one.
  let y = (b[1] + b[3]) / 2;
  const heights = new Set<number>();
  for (const ring of [p.outer, ...p.holes]) for (const v of ring) heights.add(v[1]);
  for (let k = 1; heights.has(y) && k < 20; k++) y += ((b[3] - b[1]) * 1e-7 * k) || 1e-9;
  const xs: number[] = [];
  for (const ring of [p.outer, ...p.holes]) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const [x0, y0] = ring[i];
      const [x1, y1] = ring[i + 1];
      if (y0 > y !== y1 > y) xs.push(x0 + ((y - y0) * (x1 - x0)) / (y1 - y0));
    }
  }
  xs.sort((u, v) => u - v);
  let best: XY = [(b[0] + b[2]) / 2, y];
  let width = -1;
  for (let i = 0; i + 1 < xs.length; i += 2) {
    if (xs[i + 1] - xs[i] > width) {
      width = xs[i + 1] - xs[i];
      best = [(xs[i] + xs[i + 1]) / 2, y];
    }
  }
  return best;
}

/** Representative point of planar polygons: their centroid, or a point on the surface of the largest part if the centroid is outside. */
export function representativePoint(polys: PlanarPolygon[]): XY | null {
  if (polys.length === 0) return null;
  const c = polygonsCentroid(polys);
  if (c && polygonsContain(polys, c[0], c[1])) return c;
  let largest = polys[0];
  let largestArea = -1;
  for (const p of polys) {
    const a = polygonsArea([p]);
    if (a > largestArea) {
      largestArea = a;
      largest = p;
    }
  }
  return pointOnSurface(largest);
}

/** Even–odd point-in-polygon for one planar polygon with holes. */
export function pointInPolygon(p: XY, polygon: PlanarPolygon): boolean {
  return polygonsContain([polygon], p[0], p[1]);
}

/** Signed area of a ring, closed or not: counter-clockwise positive. */
export const ringArea = ringSignedArea;
