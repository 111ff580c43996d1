/**
 * What the worker's phone knows: who is signed in (a worker key: GET /api/me), their staff
 * record and grids, the streets of their villages, their incidents, the categories — loaded
 * once on start and refreshed when something changes.
 */
import type { Me } from '../../../server/api-types/session';
import type { Staff } from '../../../server/api-types/staff';
import type { GridFeature } from '../../../server/api-types/grids';
import type { ReferenceLineFeature, ReferenceLinesAnswer } from '../../../server/api-types/regions';
import type { CategoriesAnswer, Incident, IncidentCategory, IncidentPage } from '../../../server/api-types/incidents';
import { LiteApi } from '../lite/http.js';
import { Outbox } from '../lite/outbox.js';

// Who is signed in, their staff record and their incidents: the server's own shapes (server/api-types).
export type { GridFeature, Incident, Me, Staff };

/** What the field client shows of an incident category. */
export type Category = Pick<IncidentCategory, 'code' | 'name'>;

export const DUTY_NAMES: Record<string, string> = { leader: '网格长', fulltime: '专职网格员', parttime: '兼职网格员', assistant: '协管员' };

export class FieldContext {
  readonly api: LiteApi;
  readonly outbox: Outbox;
  me!: Me;
  staff!: Staff;
  grids: GridFeature[] = [];
  streets: ReferenceLineFeature[] = [];
  incidents: Incident[] = [];
  categories: Category[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(key: string) {
    this.api = new LiteApi(key);
    this.outbox = new Outbox(this.api, 'gridgov.field.outbox');
  }

  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  changed(): void {
    for (const listener of this.listeners) listener();
  }

  async load(): Promise<void> {
    this.me = await this.api.call<Me>('/api/me');
    if (!this.me.staffId) throw new Error('这把密钥不是网格员密钥：请用网格员本人的密钥登录');
    const [staff, categories] = await Promise.all([
      this.api.call<Staff>(`/api/staff/${this.me.staffId}`),
      this.api.call<CategoriesAnswer>('/api/incidents/categories'),
    ]);
    this.staff = staff;
    this.categories = categories.categories;
    this.grids = (await Promise.all(staff.gridCodes.map((code) => this.api.call<GridFeature>(`/api/grids/${code}`).catch(() => undefined)))).filter((g): g is GridFeature => g !== undefined);
    const villages = [...new Set(this.grids.map((g) => g.properties.regionCode))];
    const lines = await Promise.all(villages.map((code) => this.api.call<ReferenceLinesAnswer>(`/api/regions/${code}/lines`).catch((): ReferenceLinesAnswer => ({ type: 'FeatureCollection', features: [] }))));
    this.streets = lines.flatMap((collection) => collection.features.filter((f) => f.properties.kind === 'road'));
    await this.refreshIncidents();
  }

  async refreshIncidents(): Promise<void> {
    const answer = await this.api.call<IncidentPage>('/api/incidents?limit=200&status=reported,dispatched,in_progress,reopened,resolved');
    const rank = { red: 0, yellow: 1, green: 2 } as const;
    this.incidents = answer.incidents.sort((a, b) => rank[a.light] - rank[b.light] || a.deadlineAt.localeCompare(b.deadlineAt));
    this.changed();
  }

  categoryName(code: string): string {
    return this.categories.find((c) => c.code === code)?.name ?? code;
  }

  gridName(code: string | null): string {
    return this.grids.find((g) => g.properties.code === code)?.properties.name ?? code ?? '—';
  }
}
