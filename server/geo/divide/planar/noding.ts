/**
 * Noding: every line split at every crossing, touching and overlapping segment, points within
 * `snap` merged, until a pass changes nothing (see MAX_PASSES). The result is a network of
 * nodes and edges, each edge with the bit set of the line kinds running along it.
 */
import Flatbush from 'flatbush';
import type { TaggedLine } from '../types.js';
import { BOUNDARY, KIND_BIT } from './subdivision.js';
import { signedArea2 } from './rings.js';

/**
 * A noded network: nodes by coordinates, edges as pairs of node ids with a bit set of kinds.
 * A pinned node lies on a boundary line; see `rank` in nodePass.
 */
export interface Network {
  nx: number[];
  ny: number[];
  pinned: number[];
  eu: number[];
  ev: number[];
  ekinds: number[];
}

/**
 * Passes of noding before giving up on a fixed point. Merging points and joining ends to lines
 * move edges by up to `snap`, which can bring an edge within `snap` of a node it did not pass
 * before (three roads meeting at slightly different places). Left alone, those become faces of
 * a square micrometre whose sides are not in a consistent order around their nodes, so each
 * pass re-nodes the edges that moved, until none does. A network without such near-misses
 * takes two passes (the second finds nothing); adversarial clusters of points took up to eight.
 */
const MAX_PASSES = 8;

export function nodeNetwork(lines: TaggedLine[], snap: number): Network {
  // Points are every input vertex; segments refer to them by id. Consecutive segments of a line
  // share their point, so a line stays connected.
  const net: Network = { nx: [], ny: [], pinned: [], eu: [], ev: [], ekinds: [] };
  for (const line of lines) {
    const bit = KIND_BIT.get(line.kind) ?? 0;
    let prev = -1;
    for (const p of line.coords) {
      const x = p[0];
      const y = p[1];
      if (!Number.isFinite(x) || !Number.isFinite(y)) throw new RangeError(`polygonize: non-finite coordinate in a ${line.kind} line`);
      if (prev >= 0 && net.nx[prev] === x && net.ny[prev] === y) continue; // zero-length segment
      const id = net.nx.push(x) - 1;
      net.ny.push(y);
      net.pinned.push(bit === BOUNDARY ? 1 : 0);
      if (prev >= 0) {
        net.eu.push(prev);
        net.ev.push(id);
        net.ekinds.push(bit);
      }
      prev = id;
    }
  }
  let dirty: Uint8Array = new Uint8Array(net.eu.length).fill(1);
  let current = net;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const result = nodePass(current, dirty, snap);
    current = result.net;
    dirty = result.dirty;
    if (!result.changed) break;
  }
  return current;
}

/**
 * One pass of noding: split the segments at every crossing and at every point within `snap`
 * of their interior, merge points within `snap`, and merge segments that then join the same
 * two nodes. Only pairs with a dirty segment are tested (the others were found clean by an
 * earlier pass); the result marks dirty the edges that are new or have moved.
 */
function nodePass(input: Network, dirty: Uint8Array, snap: number): { net: Network; dirty: Uint8Array; changed: boolean } {
  // Points: the input's, then every split point found below.
  const px = input.nx.slice();
  const py = input.ny.slice();
  const { eu: sa, ev: sb, ekinds: sk } = input;
  const nSeg = sa.length;
  const nInput = px.length;
  if (nSeg === 0) return { net: input, dirty, changed: false };

  // Per segment, the points to split it at, flat as [t, pointId, t, pointId, …].
  const splits: (number[] | undefined)[] = new Array(nSeg);
  let changed = false;
  const addSplit = (s: number, t: number, p: number) => {
    (splits[s] ??= []).push(t, p);
    changed = true;
  };
  const snap2 = snap * snap;

  // Which point of a cluster gives it its coordinates, lowest rank first (then lowest id). The
  // area's boundary and the outlines cut out of it must not move, so points on a boundary line
  // come first (0: its own vertices, 1: crossings and projections on it). Then a crossing
  // (2: on two lines), a point projected onto a line (3: that line stays straight), and last
  // any other input point (4).
  const rank: number[] = input.pinned.map((p) => (p ? 0 : 4));
  const newPoint = (x: number, y: number, r: number, kinds: number) => {
    rank.push(kinds & BOUNDARY ? 1 : r);
    py.push(y);
    return px.push(x) - 1;
  };

  // Splits segment s where point p, within snap of its interior, projects onto it. Clustering
  // then merges p into that point: the end of a road that stops a few millimetres short of
  // (or past) another moves onto it, and the other road stays straight. Applied to both ends of
  // each segment, this also nodes T-junctions and both ends of collinear overlaps.
  const touch = (s: number, p: number) => {
    const a = sa[s];
    const b = sb[s];
    if (p === a || p === b) return;
    const ax = px[a];
    const ay = py[a];
    const dx = px[b] - ax;
    const dy = py[b] - ay;
    const qx = px[p] - ax;
    const qy = py[p] - ay;
    const len2 = dx * dx + dy * dy;
    const t = (qx * dx + qy * dy) / len2;
    if (t <= 0 || t >= 1) return; // nearest to an end of s: clustering merges them if close
    const cross = qx * dy - qy * dx;
    if (cross * cross > snap2 * len2) return;
    if (cross !== 0) return addSplit(s, t, newPoint(ax + t * dx, ay + t * dy, 3, sk[s]));
    if (sk[s] & BOUNDARY) rank[p] = Math.min(rank[p], 1); // exactly on the boundary
    addSplit(s, t, p);
  };

  const crossing = (i: number, j: number) => {
    touch(i, sa[j]);
    touch(i, sb[j]);
    touch(j, sa[i]);
    touch(j, sb[i]);
    const ax = px[sa[i]], ay = py[sa[i]], bx = px[sb[i]], by = py[sb[i]];
    const cx = px[sa[j]], cy = py[sa[j]], dx = px[sb[j]], dy = py[sb[j]];
    // A proper crossing: each segment's ends strictly on both sides of the other. Touching and
    // collinear cases have a zero here and were handled by `touch` above.
    const d1 = signedArea2(cx, cy, dx, dy, ax, ay);
    const d2 = signedArea2(cx, cy, dx, dy, bx, by);
    if (!((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0))) return;
    const d3 = signedArea2(ax, ay, bx, by, cx, cy);
    const d4 = signedArea2(ax, ay, bx, by, dx, dy);
    if (!((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return;
    const t = d1 / (d1 - d2);
    const p = newPoint(ax + t * (bx - ax), ay + t * (by - ay), 2, sk[i] | sk[j]);
    addSplit(i, t, p);
    addSplit(j, d3 / (d3 - d4), p);
  };

  // Candidate pairs from an R-tree over segment boxes grown by snap: O(n log n + pairs).
  const segIndex = new Flatbush(nSeg);
  for (let s = 0; s < nSeg; s++) {
    const ax = px[sa[s]], ay = py[sa[s]], bx = px[sb[s]], by = py[sb[s]];
    segIndex.add(Math.min(ax, bx) - snap, Math.min(ay, by) - snap, Math.max(ax, bx) + snap, Math.max(ay, by) + snap);
  }
  segIndex.finish();
  for (let i = 0; i < nSeg; i++) {
    if (!dirty[i]) continue;
    const ax = px[sa[i]], ay = py[sa[i]], bx = px[sb[i]], by = py[sb[i]];
    for (const j of segIndex.search(Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by))) {
      if (j !== i && !(dirty[j] && j < i)) crossing(i, j); // each pair once
    }
  }

  // Cut segments into pieces at their split points, in order along the segment.
  const pu: number[] = [];
  const pv: number[] = [];
  const pk: number[] = [];
  for (let s = 0; s < nSeg; s++) {
    const list = splits[s];
    let prev = sa[s];
    if (list) {
      const order = Array.from({ length: list.length / 2 }, (_, k) => k).sort((p, q) => list[2 * p] - list[2 * q]);
      for (const k of order) {
        pu.push(prev);
        pv.push(list[2 * k + 1]);
        pk.push(sk[s]);
        prev = list[2 * k + 1];
      }
    }
    pu.push(prev);
    pv.push(sb[s]);
    pk.push(sk[s]);
  }

  // Merge points within snap (union–find, the root being the point that gives the cluster its
  // coordinates). Clustering rather than rounding to a grid, because two points a millimetre
  // apart can fall on either side of a grid line.
  const n = px.length;
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (i: number) => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  const ptIndex = new Flatbush(n);
  for (let i = 0; i < n; i++) ptIndex.add(px[i], py[i], px[i], py[i]);
  ptIndex.finish();
  for (let i = 0; i < n; i++) {
    const x = px[i];
    const y = py[i];
    for (const j of ptIndex.search(x - snap, y - snap, x + snap, y + snap)) {
      if (j <= i || (px[j] - x) ** 2 + (py[j] - y) ** 2 > snap2) continue;
      const ri = find(i);
      const rj = find(j);
      if (ri === rj) continue;
      if (rank[ri] < rank[rj] || (rank[ri] === rank[rj] && ri < rj)) parent[rj] = ri;
      else parent[ri] = rj;
    }
  }
  // A piece must be tested again if an end is new (a split point) or has moved to its cluster.
  const fresh = (p: number) => {
    const r = find(p);
    return p >= nInput || px[r] !== px[p] || py[r] !== py[p];
  };

  // Compact to the nodes that are used, drop pieces that collapsed to a point, and merge pieces
  // with the same two nodes (overlapping lines) into one edge carrying all their kinds.
  const nodeOf = new Int32Array(n).fill(-1);
  const net: Network = { nx: [], ny: [], pinned: [], eu: [], ev: [], ekinds: [] };
  const nodeId = (p: number) => {
    const r = find(p);
    if (nodeOf[r] < 0) {
      nodeOf[r] = net.nx.push(px[r]) - 1;
      net.ny.push(py[r]);
      net.pinned.push(rank[r] <= 1 ? 1 : 0);
    }
    return nodeOf[r];
  };
  const edgeOf = new Map<number, number>();
  const outDirty: number[] = [];
  for (let k = 0; k < pu.length; k++) {
    const u = nodeId(pu[k]);
    const v = nodeId(pv[k]);
    const moved = fresh(pu[k]) || fresh(pv[k]);
    if (moved) changed = true;
    if (u === v) continue;
    const key = Math.min(u, v) * n + Math.max(u, v);
    const e = edgeOf.get(key);
    if (e !== undefined) {
      net.ekinds[e] |= pk[k];
      if (moved) outDirty[e] = 1;
      continue;
    }
    edgeOf.set(key, net.eu.length);
    net.eu.push(u);
    net.ev.push(v);
    net.ekinds.push(pk[k]);
    outDirty.push(moved ? 1 : 0);
  }
  return { net, dirty: Uint8Array.from(outDirty), changed };
}
