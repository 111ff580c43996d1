/**
 * Households of the grids being edited, kept current while their borders move, split and
 * merge: each village with an edit is recounted by the server's rule (HouseholdEstimator), and
 * every edited or drawn grid of it shows the new figure — in the panel, the check list and the
 * map's colours — before anything is saved. After the save the server's own count, by the same
 * rule, replaces it.
 *
 * Options: `estimator` (the rule and the villages' points), `grids` (the editable grids), `crs`
 * (map ↔ WGS84), `loaded(code)` (a grid's attributes as loaded: the "before" of the list).
 */
import type { GridProperties, HouseholdsSource } from '../api';
import type { GridLayer } from '../layers/GridLayer';
import { gridOf } from '../layers/GridLayer';
import type { MapCrs } from '../map/crs';
import { polygonsOf, type PendingChange } from '../editing/GridEditor';
import type { HouseholdEstimator } from './HouseholdEstimator';

/** One edited grid's households: as loaded (null for a drawn grid) and as drawn now. */
export interface HouseholdEstimateRow {
  code: string;
  before: number | null;
  after: number | null;
  source: HouseholdsSource;
}

export class LiveHouseholds {
  private generation = 0;

  constructor(
    private readonly estimator: HouseholdEstimator,
    private readonly grids: GridLayer,
    private readonly crs: MapCrs,
    private readonly loaded: (code: string) => GridProperties | null,
  ) {}

  /** Recounts the villages of `pending` and sets the edited grids' figures; answers the rows to list (null when a newer call overtook this one). */
  async update(pending: PendingChange[]): Promise<HouseholdEstimateRow[] | null> {
    const generation = ++this.generation;
    const edited = pending.filter((p) => !p.retire);
    const villages = [...new Set(edited.map((p) => p.properties.regionCode).filter(Boolean))];
    const estimates = await Promise.all(
      villages.map(async (village) => {
        const features = this.grids.all().filter((f) => gridOf(f).regionCode === village);
        const grids = features.map((f) => ({ code: String(f.getId()), geometry: this.crs.polygonsToData(polygonsOf(f)) }));
        try {
          return { village, estimate: await this.estimator.estimate(village, grids) };
        } catch {
          return { village, estimate: null };
        }
      }),
    );
    if (generation !== this.generation) return null;
    const byVillage = new Map(estimates.map((e) => [e.village, e.estimate]));
    const rows: HouseholdEstimateRow[] = [];
    for (const change of edited) {
      const feature = this.grids.feature(change.code);
      if (!feature) continue;
      const properties = gridOf(feature);
      const estimate = byVillage.get(properties.regionCode);
      const source = estimate?.source ?? properties.householdsSource;
      const after = source === 'stored' ? properties.storedHouseholds : (estimate?.counts.get(change.code) ?? properties.households);
      if (after !== properties.households || source !== properties.householdsSource) feature.set('grid', { ...properties, households: after, householdsSource: source });
      rows.push({ code: change.code, before: change.isNew ? null : (this.loaded(change.code)?.households ?? null), after, source });
    }
    return rows;
  }
}
