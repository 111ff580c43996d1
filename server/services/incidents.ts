/**
 * Reporting an incident the way people do: at a point (in any supported crs) or at an address,
 * in a category. It is snapped to the live grid there, given the category's deadline, and
 * handled at grid level (or at county level outside every grid).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { createIncident, type Incident, type IncidentSource } from '../db/incidents.js';
import { unprocessable } from '../errors.js';
import type { Clock } from '../clock.js';
import { toWgs84, type CrsName } from '../geo/crs.js';
import { categoryOf, deadlineFor, type IncidentRules } from '../incidents/rules.js';
import type { AddressGeocoder } from './address-geocoder.js';
import type { GridLocator } from './grid-locator.js';
import { text } from '../i18n/catalogue.js';

/** A geocoded address must match at least this well to place an incident. */
const MIN_ADDRESS_SCORE = 0.6;

export interface ReportInput {
  category: string;
  description: string | null;
  source: IncidentSource;
  reporter: string | null;
  /** A point, or an address to geocode (one of the two). */
  point?: { lon: number; lat: number; crs: CrsName };
  address?: string;
}

export class IncidentService {
  constructor(
    private readonly db: Kysely<Database>,
    readonly rules: IncidentRules,
    readonly clock: Clock,
    private readonly locator: GridLocator,
    private readonly geocoder: AddressGeocoder,
  ) {}

  /**
   * Files an incident in the live grid at its place. `mayFileIn` refuses a grid the caller may
   * not file in (its scope), before anything is written.
   */
  async report(input: ReportInput, actor: string, mayFileIn: (gridCode: string) => void = () => {}): Promise<Incident> {
    const category = categoryOf(this.rules, input.category);
    if (!category) {
      throw unprocessable('unknown_category', text('unknown_category', { category: input.category, known: this.rules.categories.map((c) => c.code) }));
    }
    const [lon, lat] = input.point ? toWgs84(input.point.lon, input.point.lat, input.point.crs) : await this.placeOf(input.address!);
    const snapshot = await this.locator.live();
    const found = snapshot.index.locate(lon, lat);
    if (found < 0) {
      const nearest = snapshot.index.nearest(lon, lat);
      throw unprocessable('not_in_any_grid', text('not_in_any_grid.incident', { lon: lon.toFixed(6), lat: lat.toFixed(6) }), {
        nearest: nearest ? { code: nearest.code, distanceM: Math.round(nearest.distanceM * 10) / 10 } : null,
      });
    }
    const grid = snapshot.grids[found];
    mayFileIn(grid.code);
    const now = this.clock.now();
    return createIncident(
      this.db,
      {
        category: category.code,
        description: input.description,
        source: input.source,
        reporter: input.reporter,
        address: input.address ?? null,
        lon,
        lat,
        gridCode: grid.code,
        villageCode: grid.regionCode,
        reportedAt: now,
        deadlineAt: deadlineFor(category, now),
      },
      actor,
      now,
    );
  }

  private async placeOf(address: string): Promise<[number, number]> {
    const [best] = (await this.geocoder.current()).search(address, { limit: 1 });
    if (!best || best.score < MIN_ADDRESS_SCORE) {
      throw unprocessable('address_not_found', text('address_not_found', { address, best: best ? text('address_not_found.best', { address: best.address, score: best.score.toFixed(2) }) : '' }));
    }
    return [best.lon, best.lat];
  }
}
