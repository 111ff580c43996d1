/**
 * The planar subdivision's shapes (faces, edges) and the bit set the noding stores each edge's
 * line kinds in: a leaf the noding, the face tracing and the outlines all read.
 */
import { BARRIER_KINDS } from '../types.js';
import type { EdgeKind, PlanarPolygon, XY } from '../types.js';

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
export const KINDS: readonly EdgeKind[] = [...BARRIER_KINDS, 'boundary', 'cut'];
export const KIND_BIT = new Map<EdgeKind, number>(KINDS.map((k, i) => [k, 1 << i]));
export const BOUNDARY = KIND_BIT.get('boundary')!;
