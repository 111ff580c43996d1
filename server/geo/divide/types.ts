/**
 * Shared shapes of the auto-division pipeline. Geometry inside the pipeline is planar, in
 * metres of a local projection (see project.ts): x east, y north.
 */

export type XY = [number, number];
/** A closed ring: first point repeated last. Outer rings counter-clockwise, holes clockwise. */
export type Ring = XY[];

export interface PlanarPolygon {
  outer: Ring;
  holes: Ring[];
}

export const BARRIER_KINDS = ['major_road', 'minor_road', 'path', 'rail', 'river', 'water', 'ridge', 'wall'] as const;
export type BarrierKind = (typeof BARRIER_KINDS)[number];

/**
 * Where an edge of the planar subdivision came from: a barrier, the area's own boundary
 * (or the outline of a water area or special grid cut out of it), or a cut made by the
 * division itself through a block that had no mapped line to follow.
 */
export type EdgeKind = BarrierKind | 'boundary' | 'cut';

export interface TaggedLine {
  coords: XY[];
  kind: EdgeKind;
  /** The barrier's name (a road or river), to name it where a grid contains it. */
  name?: string;
}
