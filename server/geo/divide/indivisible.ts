/**
 * Is a grid over the maximum one that no border could bring within range? It is when all its
 * homes are one building or one compound: a grid border never splits either, so the grid is
 * as small as it can be. The proposal notes such a grid instead of flagging it (assemble.ts),
 * and the metrics leave it out of the share in range (metrics.ts) — one rule for both.
 */
export interface Home {
  /** The building's position in the request. */
  index: number;
  households: number;
  compound: string | null | undefined;
}

export type Indivisible = 'one_building' | 'one_compound';

/** What undividable thing the homes are (buildings without households are ignored), or null. */
export function indivisibleHomes(homes: Iterable<Home>): Indivisible | null {
  let only: string | null = null;
  let kind: Indivisible | null = null;
  for (const home of homes) {
    if (home.households <= 0) continue;
    const key = home.compound != null ? `c:${home.compound}` : `b:${home.index}`;
    if (only !== null && key !== only) return null;
    only = key;
    kind = home.compound != null ? 'one_compound' : 'one_building';
  }
  return kind;
}
