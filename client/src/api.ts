/**
 * The gridgov HTTP API as the client uses it: typed answers, errors as ApiError with the
 * server's code, message and details ({ "error": { code, message, details } }).
 */
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { HouseholdPoint, HouseholdsSource } from '../../server/geo/households';
import type { GridCollection, GridHistory, GridProperties, GridVersionProperties } from '../../server/api-types/grids';
import type { PatrolCoverageAnswer } from '../../server/api-types/patrols';
import type { Assignee, CategoriesAnswer, Incident, IncidentStep, IncidentCamera, IncidentCamerasAnswer, IncidentCategory, IncidentDetail, IncidentPage, IncidentStatus, Light, Transition } from '../../server/api-types/incidents';
import type { HeatmapAnswer, StatsAnswer, StatsRow } from '../../server/api-types/stats';
import type { Assessed, Assessment } from '../../server/api-types/assessment';
import type { Health, Me } from '../../server/api-types/session';
import type { DivisionApplied, DivisionDryRun, DivisionInputs, DivisionJob, DivisionQueued, DivisionRequest, PlaceMove } from '../../server/api-types/divisions';
import type { GridKind } from '../../server/geo/codes';
import type { HouseholdPointsAnswer, ReferenceLineFeature, ReferenceLineProperties, ReferenceLinesAnswer, RegionCollection, RegionFeature, RegionProperties } from '../../server/api-types/regions';
import type { GeocodeAnswer, GeocodeCandidate } from '../../server/api-types/geocode';
import type { LocateCodesAnswer } from '../../server/api-types/locate';
import type { OgcCollection, OgcFeaturePage, TileJson } from '../../server/api-types/ogc';
import type { GridStaffAnswer } from '../../server/api-types/staff';
import type { AddressesAnswer, GridChange, GridWrite } from '../../server/api-types/grids';
import type { CameraView, CamerasAnswer, Device, DevicesAnswer } from '../../server/api-types/devices';
import { lang } from './i18n';
import { ApiError } from './api-error';

export type { HouseholdPoint, HouseholdsSource };

export type Polygonal = Polygon | MultiPolygon;
export type { GridKind, GridProperties, GridVersionProperties };
export type { DivisionApplied, DivisionDryRun, DivisionInputs, DivisionJob, PlaceMove };
export type { AddressesAnswer, GridChange, GridWrite, IncidentStep, CameraView, CamerasAnswer, Device, GeocodeCandidate, HouseholdPointsAnswer, ReferenceLineProperties, RegionProperties };

// The grid shapes are the server's own (server/api-types/grids.ts). The client also holds grids
// it is drawing, before the server has made them MultiPolygons: hence Polygonal here.
export type GridFeature = Feature<Polygonal, GridProperties>;
export type GridVersionFeature = Feature<Polygonal, GridVersionProperties>;

export type { RegionFeature };

export const INCIDENT_STATUSES = ['reported', 'dispatched', 'in_progress', 'resolved', 'closed', 'rejected', 'reopened'] as const satisfies readonly IncidentStatus[];
export type { Incident, IncidentCamera, IncidentCategory, IncidentDetail, IncidentStatus, Light };
export type IncidentTransition = Transition;

/** A grid worker (网格员) or leader, as incidents name them (GET /api/staff, when the service has it). */
export type StaffRef = Assignee;

export interface IncidentQuery {
  bbox?: number[];
  from?: string;
  to?: string;
  category?: string[];
  status?: IncidentStatus[];
  /** urgency: 一级 alarms first, then red, yellow, green, by deadline; deadline; newest (the default). */
  sort?: 'urgency' | 'deadline' | 'newest';
  limit?: number;
}

export type { HeatmapAnswer, StatsAnswer, StatsRow };
export type { Health, Me };

function incidentParams(query: IncidentQuery): URLSearchParams {
  const params = new URLSearchParams();
  if (query.bbox) params.set('bbox', query.bbox.map((v) => v.toFixed(6)).join(','));
  if (query.from) params.set('from', query.from);
  if (query.to) params.set('to', query.to);
  if (query.category?.length) params.set('category', query.category.join(','));
  if (query.status?.length) params.set('status', query.status.join(','));
  if (query.sort) params.set('sort', query.sort);
  if (query.limit) params.set('limit', String(query.limit));
  return params;
}

export type { ReferenceLineFeature };

export { ApiError };

/** GET /api/grids/:code/patrol-coverage (the server's own type). */
export type { PatrolCoverageAnswer };

/** One worker's or grid's row of the month's assessment (考核). */
export type AssessedRow = Assessed & { name: string };
/** GET /api/assessment. */
export type AssessmentAnswer = Assessment;

export class Api {
  /** Who makes the changes (X-Actor); set in the settings panel. */
  actor = '';
  /** The API key every request carries (Authorization: Bearer); set by the sign-in. */
  key: string | null = null;
  /** The service's clock minus this browser's (from each answer's Date header): lights are timed by the server's clock. */
  serverOffsetMs = 0;
  /** Called when the service refuses the key (revoked, or none given where one is needed). */
  onUnauthorized: ((error: ApiError) => void) | null = null;

  private async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ data: T; etag: string | null }> {
    // The server answers refusals in the language the interface shows (its catalogue, server/i18n).
    const init: RequestInit = { method, headers: { Accept: 'application/json', 'Accept-Language': lang() === 'en' ? 'en' : 'zh-CN', ...headers } };
    if (body !== undefined) {
      (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    if (this.actor && method !== 'GET') (init.headers as Record<string, string>)['X-Actor'] = encodeURIComponent(this.actor);
    if (this.key) (init.headers as Record<string, string>).Authorization = `Bearer ${this.key}`;
    const sent = Date.now();
    const response = await fetch(path, init);
    const date = response.headers.get('Date');
    if (date) this.serverOffsetMs = Date.parse(date) + 500 - (sent + Date.now()) / 2;
    const text = await response.text();
    let data: unknown = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    if (!response.ok) {
      const error = (data as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
      const failure = new ApiError(response.status, error?.code ?? `http_${response.status}`, error?.message ?? `${response.status} ${response.statusText}`, error?.details);
      if (response.status === 401) this.onUnauthorized?.(failure);
      throw failure;
    }
    return { data: data as T, etag: response.headers.get('ETag') };
  }

  /**
   * A URL the browser loads by itself (an <img> src, EventSource, map tiles), where no header can
   * be set: the same path, carrying the credentials the API needs.
   */
  url(path: string): string {
    if (!this.key) return path;
    return `${path}${path.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(this.key)}`;
  }

  async get<T>(path: string): Promise<T> {
    return (await this.request<T>('GET', path)).data;
  }

  /**
   * When the first grid version was written (the history slider's start), from the OGC grids
   * collection's temporal extent: known without loading every grid, and it counts retired ones.
   */
  async gridHistoryStart(): Promise<string | null> {
    const collection = await this.get<OgcCollection>('/ogc/collections/grids');
    return collection.extent.temporal?.interval[0]?.[0] ?? null;
  }

  me(): Promise<Me> {
    return this.get('/api/me');
  }

  health(): Promise<Health> {
    return this.get('/api/health');
  }

  grids(query: { region?: string; bbox?: number[]; asOf?: string } = {}): Promise<GridCollection> {
    const params = new URLSearchParams();
    if (query.region) params.set('region', query.region);
    if (query.bbox) params.set('bbox', query.bbox.join(','));
    if (query.asOf) params.set('asOf', query.asOf);
    const qs = params.toString();
    return this.get(`/api/grids${qs ? `?${qs}` : ''}`);
  }

  /** How many live grids the service holds (OGC API – Features' numberMatched). */
  async gridCount(): Promise<number> {
    return (await this.get<OgcFeaturePage>('/ogc/collections/grids/items?limit=1')).numberMatched;
  }

  /** The live grids' extent [west, south, east, north] (TileJSON of the grids tile layer). */
  async gridBounds(): Promise<[number, number, number, number]> {
    return (await this.get<TileJson>('/tiles/grids.json')).bounds;
  }

  grid(code: string): Promise<GridFeature> {
    return this.get(`/api/grids/${code}`);
  }

  history(code: string): Promise<GridHistory> {
    return this.get(`/api/grids/${code}/history`);
  }

  cameras(code: string): Promise<CamerasAnswer> {
    return this.get(`/api/grids/${code}/cameras?blindSpots=false`);
  }

  /** How much of a grid its patrols walked since `from`, and where nobody did. */
  patrolCoverage(code: string, from: string): Promise<PatrolCoverageAnswer> {
    return this.get(`/api/grids/${code}/patrol-coverage?from=${encodeURIComponent(from)}`);
  }

  /** The month's assessment of a region's grid workers and grids. */
  assessment(region: string, month: string): Promise<AssessmentAnswer> {
    return this.get(`/api/assessment?region=${region}&month=${month}`);
  }

  /** A grid's camera coverage with its blind spots (MultiPolygon). */
  coverage(code: string): Promise<CamerasAnswer> {
    return this.get(`/api/grids/${code}/cameras`);
  }

  incidents(query: IncidentQuery = {}): Promise<IncidentPage> {
    return this.get(`/api/incidents?${incidentParams(query)}`);
  }

  incident(id: number): Promise<IncidentDetail> {
    return this.get(`/api/incidents/${id}`);
  }

  incidentCameras(id: number): Promise<IncidentCamerasAnswer> {
    return this.get(`/api/incidents/${id}/cameras`);
  }

  categories(): Promise<CategoriesAnswer> {
    return this.get('/api/incidents/categories');
  }

  /** Now by the service's clock. */
  serverNow(): Date {
    return new Date(Date.now() + this.serverOffsetMs);
  }

  heatmap(query: IncidentQuery & { zoom: number }): Promise<HeatmapAnswer> {
    const params = incidentParams(query);
    params.set('zoom', String(query.zoom));
    return this.get(`/api/heatmap?${params}`);
  }

  stats(region: string, query: IncidentQuery = {}): Promise<StatsAnswer> {
    const params = incidentParams(query);
    params.set('region', region);
    return this.get(`/api/stats?${params}`);
  }

  devices(query: { kind?: string; bbox?: number[] } = {}): Promise<DevicesAnswer> {
    const params = new URLSearchParams();
    if (query.kind) params.set('kind', query.kind);
    if (query.bbox) params.set('bbox', query.bbox.map((v) => v.toFixed(6)).join(','));
    return this.get(`/api/devices?${params}`);
  }

  addresses(code: string, limit = 10_000): Promise<AddressesAnswer> {
    return this.get(`/api/grids/${code}/addresses?limit=${limit}`);
  }

  regions(parent?: string): Promise<RegionCollection> {
    return this.get(parent ? `/api/regions?parent=${parent}` : '/api/regions');
  }

  region(code: string): Promise<RegionFeature> {
    return this.get(`/api/regions/${code}`);
  }

  geocode(q: string, limit = 5): Promise<GeocodeAnswer> {
    return this.get(`/api/geocode?q=${encodeURIComponent(q)}&limit=${limit}`);
  }

  /** The grid code at a point, or null (the batch form answers null where the single form answers 404). */
  async locateCode(lon: number, lat: number): Promise<string | null> {
    const answer = (await this.request<LocateCodesAnswer>('POST', '/api/locate', { crs: 'wgs84', points: [[lon, lat]], fields: 'code' })).data;
    return answer.results[0] ?? null;
  }

  async updateGrid(code: string, version: number, body: GridWrite): Promise<GridFeature> {
    return (await this.request<GridFeature>('PUT', `/api/grids/${code}`, body, { 'If-Match': `"${version}"` })).data;
  }

  /** Retires a grid (DELETE with If-Match). */
  async retireGrid(code: string, version: number, reason?: string): Promise<unknown> {
    const query = reason ? `?reason=${encodeURIComponent(reason)}` : '';
    return (await this.request<unknown>('DELETE', `/api/grids/${code}${query}`, undefined, { 'If-Match': `"${version}"` })).data;
  }

  async createGrid(body: GridWrite): Promise<GridFeature> {
    return (await this.request<GridFeature>('POST', '/api/grids', body)).data;
  }

  /** Several grid writes in one transaction; one feature per change (a retired grid's is its retire version). */
  async saveGrids(changes: GridChange[], reason?: string): Promise<GridFeature[]> {
    const body = { ...(reason ? { reason } : {}), changes };
    return (await this.request<GridCollection>('POST', '/api/grids/batch', body)).data.features;
  }

  /** A village's roads, rivers and water areas, those meeting `bbox` (WGS84) when given. */
  referenceLines(code: string, bbox?: number[]): Promise<ReferenceLinesAnswer> {
    return this.get(`/api/regions/${code}/lines${bbox ? `?bbox=${bbox.map((v) => v.toFixed(6)).join(',')}` : ''}`);
  }

  /**
   * Starts an auto-division of a stored village (202: the job id). Without `barriers` the
   * village's stored roads and rivers are followed; an empty collection divides without them.
   */
  async startDivision(body: DivisionRequest): Promise<DivisionQueued> {
    return (await this.request<DivisionQueued>('POST', '/api/divisions', body)).data;
  }

  division(id: string): Promise<DivisionJob> {
    return this.get(`/api/divisions/${id}`);
  }

  /** What applying would change: grids retired, kept and created; buildings, addresses and open incidents that change grid. */
  async divisionDryRun(id: string): Promise<DivisionDryRun> {
    return (await this.request<DivisionDryRun>('POST', `/api/divisions/${id}/apply?dryRun=true`)).data;
  }

  /** The points a village's households are counted from (building anchors or registered addresses). */
  householdPoints(regionCode: string): Promise<HouseholdPointsAnswer> {
    return this.get(`/api/regions/${regionCode}/households`);
  }

  /** Moves an incident through its loop, with a note and a photo; If-Match its version. */
  async transition(id: number, version: number, step: IncidentStep): Promise<Incident> {
    return (await this.request<Incident>('POST', `/api/incidents/${id}/transition`, step, { 'If-Match': `"${version}"` })).data;
  }

  /** Hands an incident up one level (grid → village → township → county). */
  async escalate(id: number, version: number, step: IncidentStep): Promise<Incident> {
    return (await this.request<Incident>('POST', `/api/incidents/${id}/escalate`, step, { 'If-Match': `"${version}"` })).data;
  }

  /** The staff of a grid, or null where the service keeps no staff (404 for the endpoint). */
  async gridStaff(code: string): Promise<StaffRef[] | null> {
    try {
      const answer = await this.get<GridStaffAnswer>(`/api/grids/${code}/staff`);
      return answer.staff.map((s) => ({ staffId: s.id, name: s.name, duty: s.duty }));
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 403)) return null;
      throw error;
    }
  }

  /** A download of a region's grids: GeoJSON, a zipped shapefile (in `crs`) or CSV with WKT. */
  exportUrl(regionCode: string, format: 'geojson' | 'shapefile' | 'csv', crs?: string): string {
    const params = new URLSearchParams({ format });
    if (crs && format !== 'geojson') params.set('crs', crs);
    return this.url(`/api/regions/${regionCode}/export?${params}`);
  }

  /** Replaces the village's grids with the proposal (409 when they changed since it was made). */
  async applyDivision(id: string): Promise<DivisionApplied> {
    return (await this.request<DivisionApplied>('POST', `/api/divisions/${id}/apply`)).data;
  }
}
