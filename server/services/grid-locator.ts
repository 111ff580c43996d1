/**
 * The live grids held in memory for locating points, kept consistent with the database:
 * before answering, one tiny read of the grid epoch (bumped by every grid write, in any
 * process) tells whether to reload. So once a grid edit has returned, every lookup — in this
 * process or another one on the same server database — reflects it.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { RegionLevel } from '../geo/codes.js';
import { gridEpoch, locatableGrids, regionNames, type LocatableGrid } from '../db/locate.js';
import { GridIndex } from '../geo/locate/grid-index.js';

export interface LocatorSnapshot {
  index: GridIndex;
  grids: LocatableGrid[];
  regions: Map<string, { name: string; level: RegionLevel; parentCode: string | null }>;
}

/** How many past moments (asOf) keep their index. */
const AS_OF_CACHE = 4;

export class GridLocator {
  private current: LocatorSnapshot | undefined;
  private epoch = -1;
  private loading: Promise<LocatorSnapshot> | undefined;
  private past = new Map<number, Promise<LocatorSnapshot>>();

  constructor(private readonly db: Kysely<Database>) {}

  /** The snapshot of the live grids, reloaded when the epoch moved. */
  async live(): Promise<LocatorSnapshot> {
    const epoch = await gridEpoch(this.db);
    if (this.current && epoch === this.epoch) return this.current;
    // One reload at a time; callers arriving meanwhile share it.
    this.loading ??= this.load(undefined)
      .then((snapshot) => {
        this.current = snapshot;
        this.epoch = epoch;
        return snapshot;
      })
      .finally(() => (this.loading = undefined));
    const snapshot = await this.loading;
    return this.epoch >= epoch ? snapshot : this.live();
  }

  /** The grids as they were at `asOf` (history does not change, so these are cached). */
  async at(asOf: Date): Promise<LocatorSnapshot> {
    // The recent past (or the future) can still change: only settled moments are cached.
    if (asOf.getTime() > Date.now() - 60_000) return this.load(asOf);
    const key = asOf.getTime();
    let snapshot = this.past.get(key);
    if (!snapshot) {
      snapshot = this.load(asOf);
      this.past.set(key, snapshot);
      if (this.past.size > AS_OF_CACHE) this.past.delete(this.past.keys().next().value!);
    }
    return snapshot;
  }

  private async load(asOf: Date | undefined): Promise<LocatorSnapshot> {
    const [grids, regions] = await Promise.all([locatableGrids(this.db, asOf), regionNames(this.db)]);
    return { grids, regions, index: new GridIndex(grids.map((grid) => ({ code: grid.code, geometry: grid.geometry }))) };
  }
}
