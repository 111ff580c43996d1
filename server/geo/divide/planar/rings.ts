/**
 * Small geometry on rings and walks given as node ids into coordinate arrays, shared by the
 * noding, the face tracing and the outlines.
 */

/** Twice the signed area of triangle (a, b, c): positive when c is left of a→b. */
export function signedArea2(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

/**
 * Cuts a closed walk of node ids into simple rings at every node it visits twice. Out-and-back
 * stretches (dangles, bridges) become two-node rings, which are dropped. `seen` is a zeroed
 * scratch array over node ids, left zeroed.
 */
export function splitAtRepeats(ids: number[], seen: Int32Array): number[][] {
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

/** Signed area of the ring through the nodes `ids` (counter-clockwise positive). */
export function nodesArea(ids: number[], nx: ArrayLike<number>, ny: ArrayLike<number>): number {
  const x0 = nx[ids[0]];
  const y0 = ny[ids[0]];
  let a2 = 0;
  for (let k = 1; k + 1 < ids.length; k++) {
    a2 += (nx[ids[k]] - x0) * (ny[ids[k + 1]] - y0) - (nx[ids[k + 1]] - x0) * (ny[ids[k]] - y0);
  }
  return a2 / 2;
}
