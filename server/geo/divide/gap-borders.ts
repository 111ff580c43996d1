/**
 * Borders between groups of buildings that run through the gaps between them, where no
 * straight line can: in a dense block (row houses, towers on a podium, courtyards) every
 * straight cut meets some footprint, and a building cut in two is joined back whole, so the
 * cut is lost and the block stays over the cap.
 *
 * The border between two groups is the line of points as near to one group's buildings as to
 * the other's: the edges of the Voronoi diagram of points sampled along the footprints' outlines
 * (every SAMPLE_M) that separate samples of different groups, clipped to the block. It runs
 * midway between facing walls, and never through a footprint whose walls are further apart
 * from another group's than the sample spacing (closer ones are one piece, see touchingGroups).
 *
 * Delaunator (mourner) gives the triangulation; a Voronoi edge joins the circumcentres of the
 * two triangles on either side of a Delaunay edge. A frame of points far outside the block
 * closes every cell near it, so no edge runs off to infinity.
 */
import Delaunator from 'delaunator';
import { lineString, simplify } from '@turf/turf';
import Flatbush from 'flatbush';
import type { PlanarPolygon, TaggedLine, XY } from './types.js';
import { pointInPolygon } from './polygon.js';

/** Spacing of the samples along a footprint's outline. */
export const SAMPLE_M = 1;

/** Points along a closed or open outline, every SAMPLE_M at most, its vertices included. */
export function outlineSamples(vertices: XY[]): XY[] {
  const out: XY[] = [];
  for (let i = 0; i < vertices.length; i++) {
    const a = vertices[i];
    const b = vertices[(i + 1) % vertices.length];
    const length = Math.hypot(b[0] - a[0], b[1] - a[1]);
    const n = Math.max(1, Math.ceil(length / SAMPLE_M));
    for (let k = 0; k < n; k++) out.push([a[0] + ((b[0] - a[0]) * k) / n, a[1] + ((b[1] - a[1]) * k) / n]);
  }
  return out;
}

/** Outlines closer than this are one piece: a border between them would pass through a footprint. */
export const TOUCH_M = 1.5 * SAMPLE_M;

/**
 * Which items (each a list of outlines) touch, directly or through others: the component of
 * each item. Items whose outlines come within TOUCH_M of each other share a component.
 */
export function touchingComponents(items: XY[][][]): number[] {
  const xs: number[] = [];
  const ys: number[] = [];
  const owner: number[] = [];
  items.forEach((outlines, i) => {
    for (const outline of outlines) {
      for (const [x, y] of outlineSamples(outline)) {
        xs.push(x);
        ys.push(y);
        owner.push(i);
      }
    }
  });
  const parent = items.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  if (xs.length > 0) {
    const index = new Flatbush(xs.length);
    for (let i = 0; i < xs.length; i++) index.add(xs[i], ys[i], xs[i], ys[i]);
    index.finish();
    for (let i = 0; i < xs.length; i++) {
      for (const j of index.search(xs[i] - TOUCH_M, ys[i] - TOUCH_M, xs[i] + TOUCH_M, ys[i] + TOUCH_M)) {
        if (owner[j] === owner[i] || Math.hypot(xs[j] - xs[i], ys[j] - ys[i]) > TOUCH_M) continue;
        const [a, b] = [find(owner[i]), find(owner[j])];
        if (a !== b) parent[a] = b;
      }
    }
  }
  return items.map((_, i) => find(i));
}

/** How far a border may move when it is simplified. */
const SIMPLIFY_M = 0.25;

/** The parts of segment ab inside `polygon` (crossings of its rings split it; the midpoints decide). */
function clipSegment(a: XY, b: XY, polygon: PlanarPolygon, ringIndex: Flatbush, ringSegments: [XY, XY][]): [XY, XY][] {
  const ts = [0, 1];
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  for (const s of ringIndex.search(Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1]))) {
    const [p, q] = ringSegments[s];
    const ex = q[0] - p[0];
    const ey = q[1] - p[1];
    const denominator = dx * ey - dy * ex;
    if (Math.abs(denominator) < 1e-12) continue;
    const t = ((p[0] - a[0]) * ey - (p[1] - a[1]) * ex) / denominator;
    const u = ((p[0] - a[0]) * dy - (p[1] - a[1]) * dx) / denominator;
    if (t > 0 && t < 1 && u >= 0 && u <= 1) ts.push(t);
  }
  ts.sort((x, y) => x - y);
  const parts: [XY, XY][] = [];
  for (let i = 0; i + 1 < ts.length; i++) {
    if (ts[i + 1] - ts[i] < 1e-9) continue;
    const mid = (ts[i] + ts[i + 1]) / 2;
    if (!pointInPolygon([a[0] + dx * mid, a[1] + dy * mid], polygon)) continue;
    parts.push([
      [a[0] + dx * ts[i], a[1] + dy * ts[i]],
      [a[0] + dx * ts[i + 1], a[1] + dy * ts[i + 1]],
    ]);
  }
  return parts;
}

/**
 * Cut lines inside `polygon` between `groups` of outlines (each group: the vertex lists of its
 * footprints). Lines are of kind "cut", chained where consecutive.
 */
export function gapBorders(polygon: PlanarPolygon, groups: XY[][][]): TaggedLine[] {
  const coords: number[] = [];
  const groupOf: number[] = [];
  groups.forEach((outlines, g) => {
    for (const outline of outlines) {
      for (const [x, y] of outlineSamples(outline)) {
        coords.push(x, y);
        groupOf.push(g);
      }
    }
  });
  if (groups.length < 2 || groupOf.length < 2) return [];
  // A frame far outside the block: every cell that matters is closed.
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const ring of [polygon.outer]) {
    for (const [x, y] of ring) {
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x);
      maxY = Math.max(maxY, y);
    }
  }
  const pad = Math.max(maxX - minX, maxY - minY) + 100;
  for (const [x, y] of [
    [minX - pad, minY - pad],
    [maxX + pad, minY - pad],
    [maxX + pad, maxY + pad],
    [minX - pad, maxY + pad],
    [(minX + maxX) / 2, minY - pad],
    [(minX + maxX) / 2, maxY + pad],
    [minX - pad, (minY + maxY) / 2],
    [maxX + pad, (minY + maxY) / 2],
  ]) {
    coords.push(x, y);
    groupOf.push(-1);
  }
  const delaunay = new Delaunator(Float64Array.from(coords));
  const { triangles, halfedges } = delaunay;
  const centre = (t: number): XY => {
    const [i, j, k] = [triangles[3 * t], triangles[3 * t + 1], triangles[3 * t + 2]];
    const [ax, ay, bx, by, cx, cy] = [coords[2 * i], coords[2 * i + 1], coords[2 * j], coords[2 * j + 1], coords[2 * k], coords[2 * k + 1]];
    const d = 2 * (ax * (by - cy) + bx * (cy - ay) + cx * (ay - by));
    const a2 = ax * ax + ay * ay;
    const b2 = bx * bx + by * by;
    const c2 = cx * cx + cy * cy;
    return [(a2 * (by - cy) + b2 * (cy - ay) + c2 * (ay - by)) / d, (a2 * (cx - bx) + b2 * (ax - cx) + c2 * (bx - ax)) / d];
  };

  const ringSegments: [XY, XY][] = [];
  for (const ring of [polygon.outer, ...polygon.holes]) for (let i = 1; i < ring.length; i++) ringSegments.push([ring[i - 1], ring[i]]);
  const ringIndex = new Flatbush(ringSegments.length);
  for (const [p, q] of ringSegments) ringIndex.add(Math.min(p[0], q[0]), Math.min(p[1], q[1]), Math.max(p[0], q[0]), Math.max(p[1], q[1]));
  ringIndex.finish();

  const segments: [XY, XY][] = [];
  for (let e = 0; e < triangles.length; e++) {
    const twin = halfedges[e];
    if (twin < e) continue; // each edge once; hull edges (twin −1) are between frame points
    const p = triangles[e];
    const q = triangles[e % 3 === 2 ? e - 2 : e + 1];
    if (groupOf[p] < 0 || groupOf[q] < 0 || groupOf[p] === groupOf[q]) continue;
    const a = centre(Math.floor(e / 3));
    const b = centre(Math.floor(twin / 3));
    if (!Number.isFinite(a[0] + a[1] + b[0] + b[1])) continue;
    segments.push(...clipSegment(a, b, polygon, ringIndex, ringSegments));
  }
  // Simplified (Douglas–Peucker, turf): the samples leave a stair of short edges that would only
  // slow the polygonizing; SIMPLIFY_M is well inside half the narrowest gap (TOUCH_M / 2).
  return chain(segments).map((line) => ({
    coords: line.length > 2 ? (simplify(lineString(line), { tolerance: SIMPLIFY_M }).geometry.coordinates as XY[]) : line,
    kind: 'cut' as const,
  }));
}

/** Joins segments that meet end to start (Voronoi edges share their circumcentres exactly) into polylines. */
function chain(segments: [XY, XY][]): XY[][] {
  const key = (p: XY) => `${p[0]},${p[1]}`;
  const ends = new Map<string, number[]>();
  segments.forEach(([a, b], i) => {
    for (const p of [a, b]) ends.set(key(p), [...(ends.get(key(p)) ?? []), i]);
  });
  const used = new Uint8Array(segments.length);
  const lines: XY[][] = [];
  const extend = (line: XY[]) => {
    for (;;) {
      const last = line[line.length - 1];
      const next = (ends.get(key(last)) ?? []).filter((i) => !used[i]);
      // Only through a point where the border does not branch.
      if (next.length !== 1 || (ends.get(key(last)) ?? []).length !== 2) return;
      used[next[0]] = 1;
      const [a, b] = segments[next[0]];
      line.push(key(a) === key(last) ? b : a);
    }
  };
  segments.forEach(([a, b], i) => {
    if (used[i]) return;
    used[i] = 1;
    const line: XY[] = [a, b];
    extend(line);
    line.reverse();
    extend(line);
    lines.push(line);
  });
  return lines;
}
