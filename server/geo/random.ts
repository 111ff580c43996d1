/**
 * mulberry32: a tiny seedable PRNG giving floats in [0, 1), identical on every platform — for
 * everything that must be random yet reproducible (k-means seeds, demo and benchmark data).
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
