/**
 * Face tracing: the noded network's faces walked with a half-edge structure, components nested
 * (a pond in a block is a hole of it), each face with an interior point, each edge with the
 * faces on its two sides and its kinds decoded.
 */
import Flatbush from 'flatbush';
import type { XY } from '../types.js';
import { KINDS, type Edge, type Face, type Subdivision } from './subdivision.js';
import { nodesArea, splitAtRepeats } from './rings.js';
import type { Network } from './noding.js';

/** The bounded faces of a noded network, and every edge with the faces on its two sides (-1: none). */
export function trace(net: Network): Subdivision {
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
