/**
 * Reading a subdivision: which faces are neighbours and along which lines, and the outlines of
 * groups of faces dissolved along the edges that separate the groups (exact: chained from the
 * subdivision's own edges, never a floating-point union).
 */
import type { EdgeKind, PlanarPolygon, XY } from '../types.js';
import type { Subdivision } from './subdivision.js';
import { nodesArea, splitAtRepeats } from './rings.js';

/** Face adjacency: for each pair of distinct faces sharing at least one edge, the shared length in total and per kind (an edge with kinds [minor_road, path] counts its length under both kinds; an edge with no kinds — impossible here — under none). Pairs with a < b, sorted. Edges with -1 on a side are not adjacencies. */
export function adjacency(sub: Subdivision): { a: number; b: number; length: number; lengthByKind: Partial<Record<EdgeKind, number>> }[] {
  type Pair = { a: number; b: number; length: number; lengthByKind: Partial<Record<EdgeKind, number>> };
  const pairs = new Map<number, Pair>();
  const n = sub.faces.length;
  for (const e of sub.edges) {
    if (e.left < 0 || e.right < 0 || e.left === e.right) continue;
    const a = Math.min(e.left, e.right);
    const b = Math.max(e.left, e.right);
    let pair = pairs.get(a * n + b);
    if (!pair) pairs.set(a * n + b, (pair = { a, b, length: 0, lengthByKind: {} }));
    pair.length += e.length;
    for (const k of e.kinds) pair.lengthByKind[k] = (pair.lengthByKind[k] ?? 0) + e.length;
  }
  return [...pairs.values()].sort((p, q) => p.a - q.a || p.b - q.b);
}

/** Outlines of groups of faces: `groupOf[faceId]` is a group number (≥ 0) or -1 for "not in any group". Returns, per group number 0..maxGroup, the polygons (a group whose faces are not all connected yields several polygons; holes where the group surrounds faces of other groups or no face). Rings oriented outer CCW / holes CW, closed, with collinear intermediate vertices removed where consecutive edges are collinear (within 1e-9 relative), and built only from edges whose two sides belong to different groups (so internal edges dissolve exactly, no floating-point union needed). */
export function dissolve(sub: Subdivision, groupOf: ArrayLike<number>): PlanarPolygon[][] {
  const group = (f: number) => (f >= 0 && f < groupOf.length && groupOf[f] >= 0 ? groupOf[f] : -1);
  let maxGroup = -1;
  for (let f = 0; f < sub.faces.length; f++) {
    const g = group(f);
    if (!Number.isInteger(g)) throw new RangeError(`dissolve: group of face ${f} is ${g}, not an integer`);
    maxGroup = Math.max(maxGroup, g);
  }

  // Boundary edges, directed so that their group is on the left. Nodes are matched by exact
  // coordinates: edges of one subdivision share their end points exactly.
  const nodeOf = new Map<number, Map<number, number>>(); // x → y → node (number keys are fast)
  const nx: number[] = [];
  const ny: number[] = [];
  const node = (p: XY) => {
    let column = nodeOf.get(p[0]);
    if (!column) nodeOf.set(p[0], (column = new Map()));
    let id = column.get(p[1]);
    if (id === undefined) {
      column.set(p[1], (id = nx.push(p[0]) - 1));
      ny.push(p[1]);
    }
    return id;
  };
  const from: number[] = [];
  const to: number[] = [];
  const grp: number[] = [];
  for (const e of sub.edges) {
    const gl = group(e.left);
    const gr = group(e.right);
    if (gl === gr) continue;
    const a = node(e.a);
    const b = node(e.b);
    if (gl >= 0) from.push(a), to.push(b), grp.push(gl);
    if (gr >= 0) from.push(b), to.push(a), grp.push(gr);
  }
  const outOf: number[][] = nx.map(() => []);
  from.forEach((v, d) => outOf[v].push(d));
  const ang = from.map((v, d) => Math.atan2(ny[to[d]] - ny[v], nx[to[d]] - nx[v]));

  // Chain edges as faces are traced: at each node, leave by the group's edge just clockwise of
  // the way back. Where a group touches itself at a node this keeps the two parts apart.
  const turn = (d: number) => {
    const v = to[d];
    const back = Math.atan2(ny[from[d]] - ny[v], nx[from[d]] - nx[v]);
    let best = -1;
    let wrap = -1;
    for (const o of outOf[v]) {
      if (grp[o] !== grp[d]) continue;
      if (ang[o] < back && (best < 0 || ang[o] > ang[best])) best = o;
      if (wrap < 0 || ang[o] > ang[wrap]) wrap = o;
    }
    return best >= 0 ? best : wrap;
  };
  const used = new Uint8Array(from.length);
  const seen = new Int32Array(nx.length);
  const outers: { ring: number[]; area: number; holes: number[][] }[][] = Array.from({ length: maxGroup + 1 }, () => []);
  const holes: number[][][] = Array.from({ length: maxGroup + 1 }, () => []);
  for (let d0 = 0; d0 < from.length; d0++) {
    if (used[d0]) continue;
    const walk: number[] = [];
    let d = d0;
    do {
      used[d] = 1;
      walk.push(from[d]);
      d = turn(d);
    } while (d >= 0 && !used[d]); // closes at d0; the check on `used` only guards bad input
    for (const ring of splitAtRepeats(walk, seen)) {
      const area = nodesArea(ring, nx, ny);
      if (area > 0) outers[grp[d0]].push({ ring, area, holes: [] });
      else if (area < 0) holes[grp[d0]].push(ring);
    }
  }

  // Each hole goes to the smallest outer ring of its group around the middle of its first edge:
  // that edge belongs to no other ring of the group, so the test never lands on a boundary.
  return outers.map((list, g) => {
    list.sort((p, q) => q.area - p.area);
    for (const hole of holes[g]) {
      const x = (nx[hole[0]] + nx[hole[1]]) / 2;
      const y = (ny[hole[0]] + ny[hole[1]]) / 2;
      let best: { holes: number[][] } | undefined;
      for (const o of list) if (pointInNodes(x, y, o.ring, nx, ny)) best = o;
      best?.holes.push(hole); // the list is largest first, so the last match is the smallest
    }
    const ring = (ids: number[]): XY[] => {
      const r = dropCollinear(ids, nx, ny).map((v): XY => [nx[v], ny[v]]);
      return [...r, [r[0][0], r[0][1]]];
    };
    return list.map((o) => ({ outer: ring(o.ring), holes: o.holes.map(ring) }));
  });
}

function pointInNodes(x: number, y: number, ids: number[], nx: number[], ny: number[]): boolean {
  let inside = false;
  for (let k = 0, j = ids.length - 1; k < ids.length; j = k++) {
    const p = ids[j];
    const q = ids[k];
    if (ny[p] > y !== ny[q] > y && x < nx[p] + ((y - ny[p]) / (ny[q] - ny[p])) * (nx[q] - nx[p])) inside = !inside;
  }
  return inside;
}

/** Removes vertices where the ring goes straight on (|sin| ≤ 1e-9), including around the start. */
function dropCollinear(ids: number[], nx: number[], ny: number[]): number[] {
  const straight = (a: number, b: number, c: number) => {
    const ux = nx[b] - nx[a], uy = ny[b] - ny[a], vx = nx[c] - nx[b], vy = ny[c] - ny[b];
    return Math.abs(ux * vy - uy * vx) <= 1e-9 * Math.sqrt((ux * ux + uy * uy) * (vx * vx + vy * vy)) && ux * vx + uy * vy > 0;
  };
  const s: number[] = [];
  for (const v of ids) {
    while (s.length >= 2 && straight(s[s.length - 2], s[s.length - 1], v)) s.pop();
    s.push(v);
  }
  // Only triples across the seam can still be straight; removing one can make the next so.
  for (;;) {
    if (s.length > 3 && straight(s[s.length - 2], s[s.length - 1], s[0])) s.pop();
    else if (s.length > 3 && straight(s[s.length - 1], s[0], s[1])) s.shift();
    else return s;
  }
}
