/**
 * The standard documents gridgov answers, typed as their standards shape them and as gridgov
 * fills them: OGC API – Features collections and pages (routes/ogc/answers.ts) and TileJSON
 * 3.0.0 (routes/tiles.ts). The web client reads the grids' extent, count and bounds from them.
 * Types only.
 */
import type { Geometry } from 'geojson';

/** OGC API – Common link. */
export interface OgcLink {
  href: string;
  rel: string;
  type: string;
  title?: string;
}

/** GET /ogc: the landing page, links to the API definition, conformance and collections. */
export interface OgcLanding {
  title: string;
  description: string;
  links: OgcLink[];
}

/** GET /ogc/conformance: the conformance classes implemented. */
export interface OgcConformance {
  conformsTo: string[];
}

/** A collection's extent: its bbox (CRS84), and its time interval where it has one (open ends null). */
export interface OgcExtent {
  spatial: { bbox: [number, number, number, number][]; crs: string };
  temporal?: { interval: [string | null, string | null][]; trs: string };
}

/** GET /ogc/collections/:id (and each of GET /ogc/collections). */
export interface OgcCollection {
  id: string;
  title: string;
  description: string;
  itemType: 'feature';
  crs: string[];
  storageCrs: string;
  extent: OgcExtent;
  links: OgcLink[];
}

/** GET /ogc/collections. */
export interface OgcCollections {
  links: OgcLink[];
  collections: OgcCollection[];
}

/** A feature of a collection: a grid or region (its API properties), a device or incident (the OGC view of them). */
export interface OgcFeature {
  type: 'Feature';
  id: string | number;
  geometry: Geometry;
  properties: object;
}

/** GET /ogc/collections/:id/items: a page of features with its counts and next/prev links. */
export interface OgcFeaturePage {
  type: 'FeatureCollection';
  features: OgcFeature[];
  numberMatched: number;
  numberReturned: number;
  timeStamp: string;
  links: OgcLink[];
}

/** GET /ogc/collections/:id/items/:featureId: the feature with its links. */
export interface OgcFeatureAnswer extends OgcFeature {
  links: OgcLink[];
}

/** OGC API – Common exception: what goes wrong under /ogc (a 4xx for the request, 500 InternalError). */
export interface OgcException {
  code: string;
  description: string;
}

/** GET /tiles: the vector tile layers, each with its TileJSON and tile URL template. */
export interface TileLayers {
  layers: { id: string; description: string; tilejson: string; tiles: string }[];
}

/** GET /tiles/:layer.json: TileJSON 3.0.0, with the tiles' extent and buffer beside it. */
export interface TileJson {
  tilejson: '3.0.0';
  name: string;
  description: string;
  version: string;
  scheme: 'xyz';
  tiles: string[];
  minzoom: number;
  maxzoom: number;
  /** [west, south, east, north] of the layer's data. */
  bounds: [number, number, number, number];
  center: [number, number, number];
  vector_layers: { id: string; description: string; minzoom: number; maxzoom: number; fields: Record<string, string> }[];
  /** Not TileJSON fields, but what a client needs to know about these tiles. */
  extent: number;
  buffer: number;
}
