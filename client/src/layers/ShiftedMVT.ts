/**
 * Mapbox Vector Tile reading for gridgov's own tiles, with the GCJ-02 shift: tiles come in WGS84
 * Web Mercator; with a GCJ-02 base map each feature's vertices are shifted as they are read, as
 * MapCrs shifts the GeoJSON layers, so that everything lines up with the base map.
 */
import gcoord from 'gcoord';
import MVT from 'ol/format/MVT';
import { fromLonLat, toLonLat } from 'ol/proj';
import type RenderFeature from 'ol/render/Feature';
import type { MapCrs } from '../map/crs';

/** WGS84 Web Mercator → GCJ-02 Web Mercator, in place (an ol TransformFunction). */
function shiftToGcj02(input: number[], output?: number[], stride = 2): number[] {
  const out = output ?? input;
  for (let i = 0; i + 1 < input.length; i += stride) {
    const [lon, lat] = toLonLat([input[i], input[i + 1]]);
    const [x, y] = fromLonLat(gcoord.transform([lon, lat], gcoord.WGS84, gcoord.GCJ02) as [number, number]);
    out[i] = x;
    out[i + 1] = y;
  }
  return out;
}

export class ShiftedMVT extends MVT {
  /** @param layers the tile layers to read (gridgov's tiles hold one each). */
  constructor(
    private readonly crs: MapCrs,
    layers: string[],
  ) {
    super({ layers });
  }

  override readFeatures(source: ArrayBuffer, options?: Parameters<MVT['readFeatures']>[1]): RenderFeature[] {
    const features = super.readFeatures(source, options);
    if (this.crs.crs === 'gcj02') for (const feature of features) feature.applyTransform(shiftToGcj02);
    return features;
  }
}
