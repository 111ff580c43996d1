/**
 * The grids held as GeoJSON (today's or the history's, plus the villages opened over the
 * tiles), kept in WGS84 so the grid layer can be drawn again from them after the map's
 * coordinate system changes (a GCJ-02 base map).
 */
import type { FeatureCollection } from 'geojson';
import type { GridProperties, Polygonal } from '../api';
import type { GridFeatureOL, GridLayer } from './GridLayer';

export type ShownCollection = FeatureCollection<Polygonal, GridProperties>;

export class ShownGrids {
  private data: ShownCollection | null = null;

  /** @param grids The layer the grids are drawn on. */
  constructor(private readonly grids: GridLayer) {}

  /** Draws `collection` in place of every grid held. */
  show(collection: ShownCollection): void {
    this.data = collection;
    this.grids.load(collection);
  }

  /** Adds a village's grids beside those held; returns the features added (those not held already). */
  add(collection: ShownCollection): GridFeatureOL[] {
    const added = this.grids.add(collection);
    const held = new Set(added.map((feature) => String(feature.getId())));
    this.data = { type: 'FeatureCollection', features: [...(this.data?.features ?? []), ...collection.features.filter((f) => held.has(f.properties.code))] };
    return added;
  }

  /** Draws the grids held again (the map's coordinate system changed). */
  redraw(): void {
    if (this.data) this.grids.load(this.data);
  }
}
