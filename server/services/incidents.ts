/**
 * Reporting an incident the way people do: at a point (in any supported crs) or at an address,
 * in a category. It is snapped to the live grid there, given the category's deadline, and
 * handled at grid level (or at county level outside every grid).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { createIncident, escalateIncident, getIncident, transitionIncident, type ChangeMeta, type FilingHooks, type Incident, type IncidentSource } from '../db/incidents.js';
import { getStaff } from '../db/staff.js';
import { DomainError, invalidError } from '../domain-errors.js';
import type { Snapshot } from '../media/snapshot.js';
import type { IncidentStatus } from '../incidents/states.js';
import { incidentPlace } from '../access/places.js';
import { prefixOfCode } from '../access/principal.js';
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
  /** A photo of it, checked (server/services/photos.ts). */
  photo?: Snapshot;
  /** The staff member reporting it (a worker key); counted in their assessment. */
  reporterStaffId?: number | null;
}

export interface TransitionInput {
  to: IncidentStatus;
  /** Reassign to this staff member (dispatching only). */
  assignee?: number;
  expectedVersion?: number;
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
  async report(input: ReportInput, actor: string, mayFileIn: (gridCode: string) => void = () => {}, hooks: FilingHooks = {}): Promise<Incident> {
    const category = categoryOf(this.rules, input.category);
    if (!category) {
      throw invalidError('unknown_category', text('unknown_category', { category: input.category, known: this.rules.categories.map((c) => c.code) }));
    }
    const [lon, lat] = input.point ? toWgs84(input.point.lon, input.point.lat, input.point.crs) : await this.placeOf(input.address!);
    const snapshot = await this.locator.live();
    const found = snapshot.index.locate(lon, lat);
    if (found < 0) {
      const nearest = snapshot.index.nearest(lon, lat);
      throw invalidError('not_in_any_grid', text('not_in_any_grid.incident', { lon: lon.toFixed(6), lat: lat.toFixed(6) }), {
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
        reporterStaffId: input.reporterStaffId ?? null,
      },
      actor,
      now,
      input.photo,
      hooks,
    );
  }

  /**
   * Moves an incident on (派遣, 处置, 反馈, 结案…); dispatching may hand it to another staff
   * member, who must serve its grid or a region on its way up (422 otherwise).
   */
  async transition(id: number, input: TransitionInput, meta: ChangeMeta): Promise<Incident> {
    if (input.assignee !== undefined) {
      if (input.to !== 'dispatched') throw invalidError('assignee_only_on_dispatch', text('assignee_only_on_dispatch'));
      const incident = await getIncident(this.db, id, this.clock.now());
      if (!(await this.serves(input.assignee, incident))) {
        throw invalidError('assignee_not_here', text('assignee_not_here', { id: input.assignee }), { staffId: input.assignee, gridCode: incident.gridCode });
      }
    }
    await transitionIncident(this.db, id, input.to, meta, input.expectedVersion, input.assignee);
    return getIncident(this.db, id, this.clock.now());
  }

  /** Moves an incident one level up; the next level's staff take it where there are some. */
  async escalate(id: number, meta: ChangeMeta, expectedVersion?: number): Promise<Incident> {
    await escalateIncident(this.db, id, meta, expectedVersion);
    return getIncident(this.db, id, this.clock.now());
  }

  /** Whether a (current) staff member holds the incident's grid or serves a region containing it. */
  private async serves(staffId: number, incident: Incident): Promise<boolean> {
    const member = await getStaff(this.db, staffId).catch(() => undefined);
    if (!member || member.deletedAt) return false;
    const place = incidentPlace(incident);
    if (incident.gridCode && member.gridCodes.includes(incident.gridCode)) return true;
    return member.regionCode !== null && place !== '' && place.startsWith(prefixOfCode(member.regionCode));
  }

  private async placeOf(address: string): Promise<[number, number]> {
    const [best] = (await this.geocoder.current()).search(address, { limit: 1 });
    if (!best || best.score < MIN_ADDRESS_SCORE) {
      throw invalidError('address_not_found', text('address_not_found', { address, best: best ? text('address_not_found.best', { address: best.address, score: best.score.toFixed(2) }) : '' }));
    }
    return [best.lon, best.lat];
  }
}

/** The incidents of a list of ids, in no particular order; ids that name none are left out (Open311's service_request_id list). */
export async function incidentsByIds(db: Kysely<Database>, ids: readonly number[], at: Date): Promise<Incident[]> {
  const found: Incident[] = [];
  for (const id of ids) {
    try {
      found.push(await getIncident(db, id, at));
    } catch (error) {
      if (!(error instanceof DomainError && error.kind === 'not_found')) throw error;
    }
  }
  return found;
}
