/**
 * Exact planar predicates for the grid index: orientation with Shewchuk's error filter and an
 * exact BigInt fallback, the half-open ray-crossing rule, and "is the point on this edge". Every
 * decision the index makes about a point and an edge goes through these, so that a point on an
 * edge, a vertex or a hair across a lattice line is never decided by rounding.
 */

/** Shewchuk's ccwerrboundA: (3 + 16ε)ε with ε = 2⁻⁵³. */
export const CCW_ERR = 3.3306690738754716e-16;
/** Below this the filter's products may have underflowed: decide exactly. */
export const TINY = 1e-290;

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** x · 2¹⁰⁷⁴ as a BigInt: every double is an integer multiple of 2⁻¹⁰⁷⁴. */
function big(x: number): bigint {
  f64[0] = x;
  const bits = u64[0];
  const exp = Number((bits >> 52n) & 0x7ffn);
  let m = bits & 0xfffffffffffffn;
  if (exp !== 0) m = (m | 0x10000000000000n) << BigInt(exp - 1);
  return bits >> 63n ? -m : m;
}

/** The orientation of a → b → p in exact integer arithmetic (the filter's fallback). */
export function orientationExact(ax: number, ay: number, bx: number, by: number, px: number, py: number): number {
  const x = big(px);
  const y = big(py);
  const d = (big(ax) - x) * (big(by) - y) - (big(ay) - y) * (big(bx) - x);
  return d > 0n ? 1 : d < 0n ? -1 : 0;
}

/** Sign of the turn a → b → p: 1 when p is left of a→b (counter-clockwise), -1 right, 0 on the line. Exact. */
export function orientation(ax: number, ay: number, bx: number, by: number, px: number, py: number): number {
  const l = (ax - px) * (by - py);
  const r = (ay - py) * (bx - px);
  const det = l - r;
  const sum = Math.abs(l) + Math.abs(r);
  if (sum > TINY) {
    const bound = CCW_ERR * sum;
    if (det > bound) return 1;
    if (-det > bound) return -1;
  }
  return orientationExact(ax, ay, bx, by, px, py);
}

/** Does the closed segment a–b meet the closed box? Exact (separating axes). */
export function segmentMeetsBox(ax: number, ay: number, bx: number, by: number, x0: number, y0: number, x1: number, y1: number): boolean {
  if ((ax < x0 && bx < x0) || (ax > x1 && bx > x1) || (ay < y0 && by < y0) || (ay > y1 && by > y1)) return false;
  const s = orientation(ax, ay, bx, by, x0, y0);
  if (s === 0) return true;
  return orientation(ax, ay, bx, by, x1, y0) !== s || orientation(ax, ay, bx, by, x1, y1) !== s || orientation(ax, ay, bx, by, x0, y1) !== s;
}

/** Does the eastward ray from p cross edge a–b (half-open rule)? p must not lie on the edge. */
export function rayCrosses(ax: number, ay: number, bx: number, by: number, px: number, py: number): boolean {
  if (ay > py === by > py) return false;
  const s = orientation(ax, ay, bx, by, px, py);
  return by > py ? s > 0 : s < 0;
}

/** For an edge the eastward ray from p does not straddle: is p on it? (Only an endpoint or a horizontal edge can hold it.) */
export function onFlatEdge(ax: number, ay: number, bx: number, by: number, px: number, py: number): boolean {
  if (ay === py) {
    if (ax === px) return true;
    if (by === py) return (ax <= px && px <= bx) || (bx <= px && px <= ax);
  }
  return by === py && bx === px;
}
