/**
 * Regions cut from a rectangle along roads that meet at one place (a roundabout): each region is
 * the sector between two consecutive roads, bounded by their centre lines and the rectangle.
 * Used by the demo build to derive communities and streets from the real roads (data/README.md).
 *
 * A road's centre line is found from its mapped carriageways: their vertices beyond the
 * roundabout, in the road's direction from the hub, are binned by distance from the hub and
 * averaged, so a dual carriageway gives the line between its two halves. The line starts at the
 * hub and is carried on in its last direction to the rectangle's edge.
 */
import type { Position } from 'geojson';

export interface Frame {
  /** The hub (lon, lat) the roads meet at. */
  hub: Position;
  /** The rectangle [west, south, east, north] the regions tile. */
  bbox: [number, number, number, number];
}

export interface RoadArm {
  name: string;
  /** Centre line from the hub to the rectangle's edge, lon/lat. */
  line: Position[];
  /** Direction from the hub, degrees counter-clockwise from east. */
  angle: number;
}

const M_PER_DEG_LAT = 110_574;

function metres(frame: Frame) {
  const kx = 111_320 * Math.cos((frame.hub[1] * Math.PI) / 180);
  return {
    toXY: ([lon, lat]: Position): [number, number] => [(lon - frame.hub[0]) * kx, (lat - frame.hub[1]) * M_PER_DEG_LAT],
    toLonLat: ([x, y]: [number, number]): Position => [frame.hub[0] + x / kx, frame.hub[1] + y / M_PER_DEG_LAT],
  };
}

const angleOf = ([x, y]: [number, number]) => ((Math.atan2(y, x) * 180) / Math.PI + 360) % 360;
const angleGap = (a: number, b: number) => Math.abs((((a - b) % 360) + 540) % 360 - 180);

/**
 * The centre line of the road whose carriageways are `lines`, leaving the hub towards
 * `direction` (degrees, ± `spread`), skipping the first `skipM` metres (the roundabout).
 */
export function roadArm(frame: Frame, name: string, lines: Position[][], direction: number, { spread = 25, skipM = 60, binM = 40 } = {}): RoadArm {
  const { toXY, toLonLat } = metres(frame);
  const bins = new Map<number, { x: number; y: number; n: number }>();
  for (const line of lines) {
    for (const p of line) {
      const xy = toXY(p);
      const distance = Math.hypot(xy[0], xy[1]);
      if (distance < skipM || angleGap(angleOf(xy), direction) > spread) continue;
      const bin = Math.floor(distance / binM);
      const sum = bins.get(bin) ?? { x: 0, y: 0, n: 0 };
      bins.set(bin, { x: sum.x + xy[0], y: sum.y + xy[1], n: sum.n + 1 });
    }
  }
  if (bins.size === 0) throw new Error(`road ${name}: no vertex towards ${direction}°`);
  const points = [...bins.entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => [s.x / s.n, s.y / s.n] as [number, number]);
  // Carried on to the rectangle's edge in the direction of its last stretch (or from the hub).
  const last = points[points.length - 1];
  const before = points.length > 1 ? points[points.length - 2] : ([0, 0] as [number, number]);
  const [dx, dy] = [last[0] - before[0], last[1] - before[1]];
  const exit = edgeCrossing(frame, last, [dx, dy]);
  const inside = points.filter((p) => insideRect(frame, toLonLat(p)));
  const line = [frame.hub, ...inside.map(toLonLat), exit];
  return { name, line, angle: angleOf(toXY(exit)) };
}

function insideRect(frame: Frame, [lon, lat]: Position): boolean {
  const [w, s, e, n] = frame.bbox;
  return lon > w && lon < e && lat > s && lat < n;
}

/** Where the ray from `from` (metres) along `dir` leaves the rectangle, lon/lat, exactly on its edge. */
function edgeCrossing(frame: Frame, from: [number, number], dir: [number, number]): Position {
  const { toXY, toLonLat } = metres(frame);
  const [w, s] = toXY([frame.bbox[0], frame.bbox[1]]);
  const [e, n] = toXY([frame.bbox[2], frame.bbox[3]]);
  const ts: { t: number; side: 'w' | 'e' | 's' | 'n' }[] = [];
  if (dir[0] < 0) ts.push({ t: (w - from[0]) / dir[0], side: 'w' });
  if (dir[0] > 0) ts.push({ t: (e - from[0]) / dir[0], side: 'e' });
  if (dir[1] < 0) ts.push({ t: (s - from[1]) / dir[1], side: 's' });
  if (dir[1] > 0) ts.push({ t: (n - from[1]) / dir[1], side: 'n' });
  const { t, side } = ts.filter((c) => c.t >= 0).sort((a, b) => a.t - b.t)[0];
  const [lon, lat] = toLonLat([from[0] + t * dir[0], from[1] + t * dir[1]]);
  // On the edge exactly, so that neighbouring sectors and the rectangle share the point.
  const [bw, bs, be, bn] = frame.bbox;
  return side === 'w' ? [bw, lat] : side === 'e' ? [be, lat] : side === 's' ? [lon, bs] : [lon, bn];
}

/**
 * The sector between `from` and `to` (counter-clockwise from `from`): a closed ring, counter-
 * clockwise, hub → along `from` → the rectangle's corners in between → back along `to`.
 */
export function sector(frame: Frame, from: RoadArm, to: RoadArm): Position[] {
  const { toXY } = metres(frame);
  const [w, s, e, n] = frame.bbox;
  const span = (to.angle - from.angle + 360) % 360;
  const corners = [
    [e, n],
    [w, n],
    [w, s],
    [e, s],
  ]
    .map((c) => ({ c, a: (angleOf(toXY(c)) - from.angle + 360) % 360 }))
    .filter(({ a }) => a > 0 && a < span)
    .sort((a, b) => a.a - b.a)
    .map(({ c }) => c);
  const ring = [...from.line, ...corners, ...[...to.line].reverse()];
  return ring;
}
