/**
 * The kinds of reference line a village stores, and a road's classes: a leaf with no imports, so
 * that the API's types (server/api-types/regions.ts) and the web client can name them without
 * pulling in the parsing of geo/reference-lines.ts.
 */
/** A wall (围墙) bounds a rural courtyard or a walled compound: a border follows it (migration 021). */
export const LINE_KINDS = ['road', 'river', 'railway', 'ridge', 'water', 'wall'] as const;
export type LineKind = (typeof LINE_KINDS)[number];
/** A road's class: how strongly a grid border should keep to it (default major). */
export const ROAD_CLASSES = ['major', 'minor', 'path'] as const;
export type RoadClass = (typeof ROAD_CLASSES)[number];
