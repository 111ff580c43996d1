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
 *
 * The steps, each in its own module: planar/noding.ts (lines noded into a network),
 * planar/faces.ts (faces traced), planar/outlines.ts (adjacency, dissolve); their shapes in
 * planar/subdivision.ts, small ring geometry in planar/rings.ts.
 */
import type { TaggedLine } from './types.js';
import type { Subdivision } from './planar/subdivision.js';
import { nodeNetwork } from './planar/noding.js';
import { trace } from './planar/faces.js';

export type { Edge, Face, Subdivision } from './planar/subdivision.js';
export { adjacency, dissolve } from './planar/outlines.js';
export { pointInPolygon, ringArea } from './polygon.js';

/** Nodes all lines (splitting at every crossing, touching and overlapping segment, with points closer than `snap` metres merged), and returns the bounded faces of the arrangement and every edge with the faces on its two sides. Dangling edges (same face on both sides) are kept in `edges` with left === right. */
export function polygonize(lines: TaggedLine[], options: { snap?: number } = {}): Subdivision {
  const snap = options.snap ?? 0.01;
  if (!(snap >= 0 && Number.isFinite(snap))) throw new RangeError(`polygonize: snap must be a finite number ≥ 0, got ${snap}`);
  return trace(nodeNetwork(lines, snap));
}
