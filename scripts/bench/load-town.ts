/**
 * A synthetic town (synthetic.ts) written into a benchmark's store through the real create
 * paths — regions, then grids in batches of 2,000 — with progress on `log`.
 */
import type { Store } from '../../server/db/connect.js';
import { defaultLimits } from '../../server/config.js';
import { parseGridFeature, parseRegionFeature } from '../../server/geo/features.js';
import { createRegion } from '../../server/db/regions.js';
import { createGrids, type NewGrid } from '../../server/db/grids.js';
import { syntheticTown, type SyntheticTown, type TownOptions } from './synthetic.js';
import { translate } from '../../server/i18n/catalogue.js';

export async function loadTown(store: Store, options: TownOptions, log: (message: string) => void): Promise<{ town: SyntheticTown; grids: NewGrid[] }> {
  const town = syntheticTown(options);
  for (const feature of town.regions) {
    const parsed = parseRegionFeature(feature, { maxVertices: defaultLimits.regionVertices });
    if (parsed.problems) throw new Error(translate(parsed.problems[0].message, 'en'));
    await createRegion(store.db, parsed.value);
  }
  const grids: NewGrid[] = town.grids.map((feature) => {
    const parsed = parseGridFeature(feature, { maxVertices: defaultLimits.featureVertices, requireRegion: true });
    if (parsed.problems) throw new Error(translate(parsed.problems[0].message, 'en'));
    return { ...parsed.value, regionCode: parsed.value.regionCode! };
  });
  for (let i = 0; i < grids.length; i += 2000) {
    await createGrids(store.db, grids.slice(i, i + 2000), { actor: 'bench', reason: null });
    log(`  imported ${Math.min(i + 2000, grids.length)}/${grids.length}`);
  }
  return { town, grids };
}
