/**
 * The planar subdivision of the barrier network: node every line against every other, trace
 * the faces ("blocks") of the arrangement with a half-edge structure, and dissolve groups of
 * faces into grid outlines along the edges that separate the groups.
 *
 * Why topology rather than polygon unions: every later stage works on ids of faces and edges,
 * so a boundary two grids share is one list of edges, built once. Outlines are chained from
 * those edges, never computed by floating-point union, so neighbouring grids cannot overlap or
 * leave a sliver between them.
 *
 * Robustness comes from one tolerance, `snap`: an end of a line within `snap` of another line
 * is joined to it, and points within `snap` of each other become one node. Nothing is ever
 * extended: a road that stops a metre short of another stays a dangle.
 */
import Flatbush from 'flatbush';
import { BARRIER_KINDS } from './types.js';
import type { EdgeKind, PlanarPolygon, TaggedLine, XY } from './types.js';

export interface Face {
  id: number; // index into faces
  polygon: PlanarPolygon; // outer CCW, holes CW, closed rings
  area: number; // m², outer minus holes
  /** A point strictly inside the face (not on its boundary), for point-in-area tests. */
  interiorPoint: XY;
}
export interface Edge {
  a: XY; // an edge between two consecutive nodes of the noded network
  b: XY;
  left: number; // face id on the left of a→b, or -1 for the unbounded face / no face
  right: number; // face id on the right, or -1
  kinds: EdgeKind[]; // every input line kind that runs along this edge (deduplicated)
  length: number;
}
export interface Subdivision {
  faces: Face[];
  edges: Edge[];
}

/** All kinds in a fixed order, so an edge's `kinds` do not depend on the order of the input. */
const KINDS: readonly EdgeKind[] = [...BARRIER_KINDS, 'boundary', 'cut'];
const KIND_BIT = new Map<EdgeKind, number>(KINDS.map((k, i) => [k, 1 << i]));
const BOUNDARY = KIND_BIT.get('boundary')!;

/** Nodes all lines (splitting at every crossing, touching and overlapping segment, with points closer than `snap` metres merged), and returns the bounded faces of the arrangement and every edge with the faces on its two sides. Dangling edges (same face on both sides) are kept in `edges` with left === right. */
export function polygonize(lines: TaggedLine[], options: { snap?: number } = {}): Subdivision {
  const snap = options.snap ?? 0.01;
  if (!(snap >= 0 && Number.isFinite(snap))) throw new RangeError(`polygonize: snap must be a finite number ≥ 0, got ${snap}`);
  return trace(nodeNetwork(lines, snap));
}

// ---------------------------------------------------------------------------------------------
// Noding

/**
 * A noded network: nodes by coordinates, edges as pairs of node ids with a bit set of kinds.
 * A pinned node lies on a boundary line; see `rank` in nodePass.
 */
interface Network {
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

function nodeNetwork(lines: TaggedLine[], snap: number): Network {
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

/** Twice the signed area of triangle (a, b, c): positive when c is left of a→b. */
function signedArea2(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

// ---------------------------------------------------------------------------------------------
// Faces

function trace(net: Network): Subdivision {
  const { nx, ny, eu, ev, ekinds } = net;
  const nN = nx.length;
  const nE = eu.length;
  const nH = 2 * nE;
  // Half-edge h of edge e = h >> 1 runs u→v when h is even, v→u when odd; its twin is h ^ 1.
  const org = new Int32Array(nH);
  for (let e = 0; e < nE; e++) {
    org[2 * e] = eu[e];
    org[2 * e + 1] = ev[e];
  }
  const ang = new Float64Array(nH);
  for (let h = 0; h < nH; h++) ang[h] = Math.atan2(ny[org[h ^ 1]] - ny[org[h]], nx[org[h ^ 1]] - nx[org[h]]);

  // Outgoing half-edges of each node, counter-clockwise (compressed rows).
  const off = new Int32Array(nN + 1);
  for (let h = 0; h < nH; h++) off[org[h] + 1]++;
  for (let v = 0; v < nN; v++) off[v + 1] += off[v];
  const out = new Int32Array(nH);
  const fill = off.slice(0, nN);
  for (let h = 0; h < nH; h++) out[fill[org[h]]++] = h;
  for (let v = 0; v < nN; v++) if (off[v + 1] - off[v] > 1) out.subarray(off[v], off[v + 1]).sort((p, q) => ang[p] - ang[q]);
  const pos = new Int32Array(nH);
  for (let k = 0; k < nH; k++) pos[out[k]] = k;

  // Face tracing: after arriving at v, leave by the edge just clockwise of the one we came
  // back along. That keeps the face on the left: bounded faces come out counter-clockwise, the
  // outside of each connected component clockwise. `next` is a permutation, so every walk closes.
  const next = new Int32Array(nH);
  for (let h = 0; h < nH; h++) {
    const t = h ^ 1;
    const v = org[t];
    next[h] = out[pos[t] === off[v] ? off[v + 1] - 1 : pos[t] - 1];
  }
  const cycleOf = new Int32Array(nH).fill(-1);
  const cycHe: number[] = [];
  const cycOff: number[] = [0];
  const cycArea: number[] = [];
  for (let h0 = 0; h0 < nH; h0++) {
    if (cycleOf[h0] >= 0) continue;
    const c = cycArea.length;
    const x0 = nx[org[h0]]; // areas relative to a vertex of the cycle: fewer cancelling digits
    const y0 = ny[org[h0]];
    let a2 = 0;
    let h = h0;
    do {
      cycleOf[h] = c;
      cycHe.push(h);
      const p = org[h];
      const q = org[h ^ 1];
      a2 += (nx[p] - x0) * (ny[q] - y0) - (nx[q] - x0) * (ny[p] - y0);
      h = next[h];
    } while (h !== h0);
    cycOff.push(cycHe.length);
    cycArea.push(a2 / 2);
  }
  const nC = cycArea.length;
  const cycleNodes = (c: number) => {
    const ids: number[] = [];
    for (let k = cycOff[c]; k < cycOff[c + 1]; k++) ids.push(org[cycHe[k]]);
    return ids;
  };

  // Connected components. In each, the walk around its outside has the most negative area
  // (minus the sum of all its faces); every other walk is a bounded face. Choosing it per
  // component, not by sign, keeps one outside per component even for near-zero slivers.
  const comp = new Int32Array(nN);
  for (let v = 0; v < nN; v++) comp[v] = v;
  const root = (v: number) => {
    while (comp[v] !== v) v = comp[v] = comp[comp[v]];
    return v;
  };
  for (let e = 0; e < nE; e++) {
    const a = root(eu[e]);
    const b = root(ev[e]);
    if (a !== b) comp[Math.max(a, b)] = Math.min(a, b);
  }
  const cycComp = new Int32Array(nC);
  const outside = new Int32Array(nN).fill(-1);
  for (let c = 0; c < nC; c++) {
    const r = (cycComp[c] = root(org[cycHe[cycOff[c]]]));
    if (outside[r] < 0 || cycArea[c] < cycArea[outside[r]]) outside[r] = c;
  }
  const faceOfCycle = new Int32Array(nC).fill(-1);
  const faceCycles: number[] = [];
  for (let c = 0; c < nC; c++) {
    if (outside[cycComp[c]] !== c && cycArea[c] > 0) faceOfCycle[c] = faceCycles.push(c) - 1;
  }

  // A component lying inside a face of another (a pond in a block, an island) is a hole of the
  // smallest face whose ring contains one of its nodes. No node lies on another component, so
  // the test is never on a boundary; faces of other components nest, so smallest = innermost.
  const holeCycles: number[][] = faceCycles.map(() => []);
  const bboxes = faceCycles.map((c) => {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (let k = cycOff[c]; k < cycOff[c + 1]; k++) {
      const v = org[cycHe[k]];
      x0 = Math.min(x0, nx[v]);
      y0 = Math.min(y0, ny[v]);
      x1 = Math.max(x1, nx[v]);
      y1 = Math.max(y1, ny[v]);
    }
    return [x0, y0, x1, y1];
  });
  const faceIndex = new Flatbush(Math.max(faceCycles.length, 1));
  for (const b of bboxes) faceIndex.add(b[0], b[1], b[2], b[3]);
  if (faceCycles.length === 0) faceIndex.add(Infinity, Infinity, Infinity, Infinity); // finds nothing
  faceIndex.finish();
  for (let c = 0; c < nC; c++) {
    if (faceOfCycle[c] >= 0) continue;
    const v = org[cycHe[cycOff[c]]];
    const x = nx[v];
    const y = ny[v];
    // A degenerate walk that is not its component's outside may sit in that component's faces.
    const skipOwn = outside[cycComp[c]] === c;
    let best = -1;
    for (const f of faceIndex.search(x, y, x, y)) {
      const fc = faceCycles[f];
      if ((skipOwn && cycComp[fc] === cycComp[c]) || (best >= 0 && cycArea[fc] >= cycArea[faceCycles[best]])) continue;
      if (pointInCycle(x, y, cycHe, cycOff[fc], cycOff[fc + 1], org, nx, ny)) best = f;
    }
    if (best >= 0) {
      faceOfCycle[c] = best;
      holeCycles[best].push(c);
    }
  }

  // Every point is its own array, so a caller that transforms coordinates in place cannot move
  // one node twice.
  const xy = (v: number): XY => [nx[v], ny[v]];
  const seen = new Int32Array(nN);
  const toRing = (ids: number[]): XY[] => [...ids.map(xy), xy(ids[0])];
  const faces: Face[] = faceCycles.map((c, id) => {
    // The walk may run out and back along dangles and bridges, and pass a node twice where a
    // hole touches the outline: cutting it at repeated nodes leaves one CCW outer ring and CW
    // hole rings, each a simple ring.
    let outer: number[] = [];
    let outerArea = 0;
    const holes: number[][] = [];
    for (const r of splitAtRepeats(cycleNodes(c), seen)) {
      const a = nodesArea(r, nx, ny);
      if (a > outerArea) [outer, outerArea] = [r, a];
      else if (a < 0) holes.push(r);
    }
    let area = cycArea[c];
    const raw = [cycleNodes(c)];
    for (const h of holeCycles[id]) {
      area += cycArea[h];
      raw.push(cycleNodes(h));
      for (const r of splitAtRepeats(raw[raw.length - 1], seen)) if (nodesArea(r, nx, ny) < 0) holes.push(r);
    }
    return {
      id,
      polygon: { outer: toRing(outer), holes: holes.map(toRing) },
      area,
      // From the raw walks, dangles included, so the point is not on a dangle either.
      interiorPoint: interiorPoint(raw, nx, ny),
    };
  });

  const edges: Edge[] = [];
  for (let e = 0; e < nE; e++) {
    const a = xy(eu[e]);
    const b = xy(ev[e]);
    edges.push({
      a,
      b,
      left: faceOfCycle[cycleOf[2 * e]],
      right: faceOfCycle[cycleOf[2 * e + 1]],
      kinds: KINDS.filter((_, i) => ekinds[e] & (1 << i)),
      length: Math.sqrt((b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2),
    });
  }
  return { faces, edges };
}

/** Even–odd test of (x, y) against the closed walk cycHe[from..to). */
function pointInCycle(x: number, y: number, cycHe: number[], from: number, to: number, org: Int32Array, nx: number[], ny: number[]): boolean {
  let inside = false;
  for (let k = from; k < to; k++) {
    const h = cycHe[k];
    const p = org[h];
    const q = org[h ^ 1];
    if (ny[p] > y !== ny[q] > y && x < nx[p] + ((y - ny[p]) / (ny[q] - ny[p])) * (nx[q] - nx[p])) inside = !inside;
  }
  return inside;
}

/**
 * Cuts a closed walk of node ids into simple rings at every node it visits twice. Out-and-back
 * stretches (dangles, bridges) become two-node rings, which are dropped. `seen` is a zeroed
 * scratch array over node ids, left zeroed.
 */
function splitAtRepeats(ids: number[], seen: Int32Array): number[][] {
  const rings: number[][] = [];
  const stack: number[] = [];
  for (let k = 0; k <= ids.length; k++) {
    const v = ids[k % ids.length]; // the first node again at the end closes the walk
    const at = seen[v] - 1;
    if (at < 0) {
      seen[v] = stack.push(v);
      continue;
    }
    const ring = stack.slice(at);
    for (let i = at + 1; i < stack.length; i++) seen[stack[i]] = 0;
    stack.length = at + 1;
    if (ring.length >= 3) rings.push(ring);
  }
  for (const v of stack) seen[v] = 0;
  return rings;
}

function nodesArea(ids: number[], nx: ArrayLike<number>, ny: ArrayLike<number>): number {
  const x0 = nx[ids[0]];
  const y0 = ny[ids[0]];
  let a2 = 0;
  for (let k = 1; k + 1 < ids.length; k++) {
    a2 += (nx[ids[k]] - x0) * (ny[ids[k + 1]] - y0) - (nx[ids[k + 1]] - x0) * (ny[ids[k]] - y0);
  }
  return a2 / 2;
}

/**
 * A point inside a face, as JTS finds one: a horizontal line through the middle of the face at
 * a height that passes through no vertex, then the middle of the widest stretch of it that is
 * inside (even–odd over all walks, so holes and dangles cut stretches too).
 */
function interiorPoint(walks: number[][], nx: number[], ny: number[]): XY {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of walks[0]) {
    lo = Math.min(lo, ny[v]);
    hi = Math.max(hi, ny[v]);
  }
  const mid = (lo + hi) / 2;
  let below = -Infinity;
  let above = Infinity;
  for (const w of walks) {
    for (const v of w) {
      if (ny[v] <= mid) below = Math.max(below, ny[v]);
      else above = Math.min(above, ny[v]);
    }
  }
  const y = (below + above) / 2;
  const xs: number[] = [];
  for (const w of walks) {
    for (let k = 0; k < w.length; k++) {
      const p = w[k];
      const q = w[(k + 1) % w.length];
      if (ny[p] < y !== ny[q] < y) xs.push(nx[p] + ((y - ny[p]) / (ny[q] - ny[p])) * (nx[q] - nx[p]));
    }
  }
  xs.sort((p, q) => p - q);
  let best = 0;
  for (let k = 2; k + 1 < xs.length; k += 2) if (xs[k + 1] - xs[k] > xs[best + 1] - xs[best]) best = k;
  return [(xs[best] + xs[best + 1]) / 2, y];
}

// ---------------------------------------------------------------------------------------------
// Adjacency and outlines

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

// ---------------------------------------------------------------------------------------------
// Small helpers

export { pointInPolygon, ringArea } from './polygon.js';
