/**
 * Road networks for planar tests and the polygonize benchmark: n × n roads across a square,
 * each a polyline of `perRoad` segments wiggling ±3 m, so that roads cross between vertices at
 * arbitrary angles as OSM roads do (2·n·perRoad segments). In metres; seeded.
 */
import { seededRandom } from '../../server/geo/random.js';
import type { TaggedLine, XY } from '../../server/geo/divide/types.js';

export function wigglyGrid(n: number, perRoad: number, seed: number): TaggedLine[] {
  const rand = seededRandom(seed);
  const size = 100 * (n + 1);
  const lines: TaggedLine[] = [];
  for (let axis = 0; axis < 2; axis++) {
    for (let r = 1; r <= n; r++) {
      const coords: XY[] = [];
      for (let k = 0; k <= perRoad; k++) {
        const along = (size * k) / perRoad;
        const across = 100 * r + (k === 0 || k === perRoad ? 0 : (rand() - 0.5) * 6);
        coords.push(axis === 0 ? [along, across] : [across, along]);
      }
      lines.push({ coords, kind: axis === 0 ? 'minor_road' : 'path' });
    }
  }
  return lines;
}
