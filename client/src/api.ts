/**
 * The gridgov HTTP API as the client uses it: typed answers, errors as ApiError with the
 * server's code, message and details ({ "error": { code, message, details } }).
 */
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';

export type Polygonal = Polygon | MultiPolygon;
export type GridKind = 'urban' | 'rural' | 'special';

export interface GridProperties {
  code: string;
  regionCode: string;
  name: string;
  kind: GridKind;
  specialType: string | null;
  households: number | null;
  population: number | null;
  version: number;
  validFrom: string;
  updatedBy: string | null;
}
export type GridFeature = Feature<Polygonal, GridProperties>;

export interface GridVersionProperties extends GridProperties {
  op: 'create' | 'update' | 'retire';
  validTo: string | null;
  reason: string | null;
}
export type GridVersionFeature = Feature<Polygonal, GridVersionProperties>;

export interface RegionProperties {
  code: string;
  name: string;
  level: 'county' | 'township' | 'village';
  parentCode: string | null;
  children?: Omit<RegionProperties, 'children'>[];
}
export type RegionFeature = Feature<Polygonal, RegionProperties>;

export interface GeocodeCandidate {
  address: string;
  score: number;
  lon: number;
  lat: number;
  gridCode: string | null;
  matchedLevel: string;
}

export interface AddressesAnswer {
  code: string;
  total: number;
  households: number;
  addresses: { id: number; address: string; lon: number; lat: number; household: boolean }[];
}

export interface CameraView {
  id: string;
  name?: string | null;
  kind: string;
  lon: number;
  lat: number;
  status?: string;
  gridCode: string | null;
  sector?: Polygon;
}

export interface CamerasAnswer {
  code: string;
  coveredShare: number;
  blindSpots?: Polygonal;
  cameras: CameraView[];
}

export interface Health {
  status: string;
  backend: string;
  postgis: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface GridWrite {
  type: 'Feature';
  reason?: string;
  properties: {
    regionCode?: string;
    name: string;
    kind: GridKind;
    specialType?: string | null;
    households?: number | null;
    population?: number | null;
  };
  geometry: Polygonal;
}

export class Api {
  /** Who makes the changes (X-Actor); set in the settings panel. */
  actor = '';

  private async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ data: T; etag: string | null }> {
    const init: RequestInit = { method, headers: { Accept: 'application/json', ...headers } };
    if (body !== undefined) {
      (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    if (this.actor && method !== 'GET') (init.headers as Record<string, string>)['X-Actor'] = encodeURIComponent(this.actor);
    const response = await fetch(path, init);
    const text = await response.text();
    let data: unknown = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    if (!response.ok) {
      const error = (data as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
      throw new ApiError(response.status, error?.code ?? `http_${response.status}`, error?.message ?? `${response.status} ${response.statusText}`, error?.details);
    }
    return { data: data as T, etag: response.headers.get('ETag') };
  }

  async get<T>(path: string): Promise<T> {
    return (await this.request<T>('GET', path)).data;
  }

  health(): Promise<Health> {
    return this.get('/api/health');
  }

  grids(query: { region?: string; bbox?: number[]; asOf?: string } = {}): Promise<FeatureCollection<Polygonal, GridProperties>> {
    const params = new URLSearchParams();
    if (query.region) params.set('region', query.region);
    if (query.bbox) params.set('bbox', query.bbox.join(','));
    if (query.asOf) params.set('asOf', query.asOf);
    const qs = params.toString();
    return this.get(`/api/grids${qs ? `?${qs}` : ''}`);
  }

  grid(code: string): Promise<GridFeature> {
    return this.get(`/api/grids/${code}`);
  }

  history(code: string): Promise<FeatureCollection<Polygonal, GridVersionProperties>> {
    return this.get(`/api/grids/${code}/history`);
  }

  cameras(code: string): Promise<CamerasAnswer> {
    return this.get(`/api/grids/${code}/cameras?blindSpots=false`);
  }

  addresses(code: string, limit = 10_000): Promise<AddressesAnswer> {
    return this.get(`/api/grids/${code}/addresses?limit=${limit}`);
  }

  regions(parent?: string): Promise<FeatureCollection<Polygonal, RegionProperties>> {
    return this.get(parent ? `/api/regions?parent=${parent}` : '/api/regions');
  }

  region(code: string): Promise<RegionFeature> {
    return this.get(`/api/regions/${code}`);
  }

  geocode(q: string, limit = 5): Promise<{ candidates: GeocodeCandidate[] }> {
    return this.get(`/api/geocode?q=${encodeURIComponent(q)}&limit=${limit}`);
  }

  /** The grid code at a point, or null (the batch form answers null where the single form answers 404). */
  async locateCode(lon: number, lat: number): Promise<string | null> {
    const answer = (await this.request<{ results: (string | null)[] }>('POST', '/api/locate', { crs: 'wgs84', points: [[lon, lat]], fields: 'code' })).data;
    return answer.results[0] ?? null;
  }

  async updateGrid(code: string, version: number, body: GridWrite): Promise<GridFeature> {
    return (await this.request<GridFeature>('PUT', `/api/grids/${code}`, body, { 'If-Match': `"${version}"` })).data;
  }

  async createGrid(body: GridWrite): Promise<GridFeature> {
    return (await this.request<GridFeature>('POST', '/api/grids', body)).data;
  }
}
