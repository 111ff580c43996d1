/**
 * The live household estimate while borders move: the same rule the server writes on every
 * grid (server/geo/households.ts, imported here, not restated), applied to the village's points
 * (building anchors or registered addresses, GET /api/regions/:code/households) and the grids as
 * they are drawn now. A village with neither keeps the figures stored with its grids (a split
 * shares them out by area, a merge adds them up: see GridEditor).
 *
 * Options: `api` to fetch a village's points (cached per village until `forget`).
 */
import { gridHouseholds, type CountedGrid, type HouseholdsSource } from '../../../server/geo/households';
import type { Api, HouseholdPointsAnswer } from '../api';

export interface VillageEstimate {
  source: HouseholdsSource;
  /** Households per grid code; empty for "stored". */
  counts: Map<string, number>;
}

export class HouseholdEstimator {
  private readonly villages = new Map<string, Promise<HouseholdPointsAnswer>>();

  constructor(private readonly api: Api) {}

  /** The village's points, fetched once. */
  points(regionCode: string): Promise<HouseholdPointsAnswer> {
    let answer = this.villages.get(regionCode);
    if (!answer) {
      answer = this.api.householdPoints(regionCode);
      answer.catch(() => this.villages.delete(regionCode));
      this.villages.set(regionCode, answer);
    }
    return answer;
  }

  /** The households of each of a village's grids as drawn now (every grid of it, saved or not). */
  async estimate(regionCode: string, grids: CountedGrid[]): Promise<VillageEstimate> {
    const answer = await this.points(regionCode);
    return { source: answer.source, counts: gridHouseholds(answer.source, answer.points, grids) };
  }

  /** Buildings or addresses changed on the server (a reload): fetch again when next asked. */
  forget(): void {
    this.villages.clear();
  }
}
