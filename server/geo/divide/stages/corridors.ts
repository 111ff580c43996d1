/**
 * Stage 5 — corridors: which units face each other across road space. A dual carriageway is
 * two lines with a strip of road between them; the blocks on its two sides share no border,
 * yet they are neighbours across one road, as blocks on the two sides of a single-line road
 * are. Each such pair gets a link of kind major_road with the length over which they face each
 * other, so that the grouping can weigh crossing that road like any other.
 *
 * Facing is found by sampling the borders of land units along road space every SAMPLE_M
 * metres: a sample's nearest sample of another unit within FACING_M, reached straight across
 * (at least 60° to the border) through road space, is the unit opposite.
 */
import Flatbush from 'flatbush';
import type { Blocks } from './blocks.js';
import type { UnitLink, Units } from './units.js';

const SAMPLE_M = 8;
/** Farthest apart two carriageways' outer edges can be and still be one road. */
export const FACING_M = 60;

export function corridorLinks(blocks: Blocks, { units, unitOfFace }: Units): UnitLink[] {
  const xs: number[] = [];
  const ys: number[] = [];
  const owner: number[] = [];
  const dirs: number[] = [];
  const weight: number[] = [];
  const land = (face: number) => face >= 0 && unitOfFace[face] >= 0 && !units[unitOfFace[face]].roadSpace;
  const road = (face: number) => face >= 0 && unitOfFace[face] >= 0 && units[unitOfFace[face]].roadSpace;
  for (const edge of blocks.sub.edges) {
    let side = -1;
    if (land(edge.left) && road(edge.right)) side = edge.left;
    else if (land(edge.right) && road(edge.left)) side = edge.right;
    if (side < 0 || edge.length === 0) continue;
    const n = Math.max(1, Math.round(edge.length / SAMPLE_M));
    const dx = (edge.b[0] - edge.a[0]) / edge.length;
    const dy = (edge.b[1] - edge.a[1]) / edge.length;
    for (let k = 0; k < n; k++) {
      const t = (k + 0.5) / n;
      xs.push(edge.a[0] + t * (edge.b[0] - edge.a[0]));
      ys.push(edge.a[1] + t * (edge.b[1] - edge.a[1]));
      owner.push(unitOfFace[side]);
      dirs.push(dx, dy);
      weight.push(edge.length / n);
    }
  }
  if (xs.length < 2) return [];
  const index = new Flatbush(xs.length);
  for (let i = 0; i < xs.length; i++) index.add(xs[i], ys[i], xs[i], ys[i]);
  index.finish();
  const facing = new Map<string, UnitLink>();
  for (let i = 0; i < xs.length; i++) {
    const [j] = index.neighbors(xs[i], ys[i], 1, FACING_M, (k) => owner[k] !== owner[i]);
    if (j === undefined) continue;
    const vx = xs[j] - xs[i];
    const vy = ys[j] - ys[i];
    const distance = Math.hypot(vx, vy);
    if (distance === 0) continue;
    // Straight across, not along the road to the next block on the same side.
    if (Math.abs(vx * dirs[2 * i] + vy * dirs[2 * i + 1]) / distance > 0.5) continue;
    const middle = blocks.locate([xs[i] + vx / 2, ys[i] + vy / 2]);
    if (!road(middle)) continue;
    const [a, b] = owner[i] < owner[j] ? [owner[i], owner[j]] : [owner[j], owner[i]];
    const key = `${a}/${b}`;
    const link = facing.get(key) ?? { a, b, length: 0, lengthByKind: { major_road: 0 }, acrossRoadSpace: true };
    // Each pair is seen from both sides: half the weight from each.
    link.lengthByKind.major_road! += weight[i] / 2;
    facing.set(key, link);
  }
  return [...facing.values()].filter((link) => link.lengthByKind.major_road! >= SAMPLE_M);
}
