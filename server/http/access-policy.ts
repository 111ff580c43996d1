/**
 * Every endpoint and the permission it needs, in one table: what a key may call is read here,
 * not spread over the routers. A request that matches no row is refused, so an endpoint added
 * without a row here cannot be reached by anyone until someone decides who may use it (the
 * per-role test walks this table).
 *
 * Scope — the part of the region tree a key may touch — is checked where the entity is known
 * (in the routes, through server/http/authorize.ts); this table only says which role.
 */
import type { Permission } from '../access/roles.js';

/** `public`: anyone, with or without a key. `grids:read` may also be opened to anyone by the operator. */
export type Requirement = Permission | 'public';

/**
 * What body an endpoint reads, decided here so that no byte of a body is read before the caller
 * is known and allowed (app.ts parses after authorization, with this row's limit):
 * - `none`: no body (GET, DELETE); one sent is not read;
 * - `json`: a small JSON body (GRIDGOV_MAX_SMALL_BODY_BYTES, 1 MB by default);
 * - `bulk`: a large JSON body — imports, layers, batches (GRIDGOV_MAX_BODY_BYTES);
 * - `form`: Open311's form or JSON (its own 1 MB parser, before the key check: the key is in it);
 * - `photo`: JSON that may carry one phone photo as base64 (PHOTO_JSON_BYTES, about 14 MB);
 * - `stream`: the route reads the body itself (multipart files, CSV, XML), after authorization,
 *   within GRIDGOV_MAX_BODY_BYTES.
 */
export type BodyKind = 'none' | 'json' | 'bulk' | 'form' | 'photo' | 'stream';

export interface PolicyRow {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path segments; `:name` matches one segment, a final `*` any rest. */
  path: string;
  needs: Requirement;
  body: BodyKind;
}

const row = (method: PolicyRow['method'], path: string, needs: Requirement, body?: BodyKind): PolicyRow => ({
  method,
  path,
  needs,
  body: body ?? (method === 'POST' || method === 'PUT' ? 'json' : 'none'),
});

export const POLICY: readonly PolicyRow[] = [
  row('GET', '/api/health', 'public'),

  // Regions, grids, divisions: the planners' map.
  row('GET', '/api/regions', 'grids:read'),
  row('GET', '/api/regions/:code', 'grids:read'),
  row('GET', '/api/regions/:code/buildings', 'grids:read'),
  row('GET', '/api/regions/:code/lines', 'grids:read'),
  row('GET', '/api/regions/:code/households', 'addresses:read'),
  row('GET', '/api/regions/:code/coverage', 'devices:read'),
  row('GET', '/api/regions/:code/export', 'grids:read'),
  row('POST', '/api/regions', 'grids:write', 'bulk'),
  row('PUT', '/api/regions/:code/buildings', 'grids:write', 'bulk'),
  row('PUT', '/api/regions/:code/lines', 'grids:write', 'bulk'),
  row('POST', '/api/import', 'grids:write', 'stream'),
  row('GET', '/api/grids', 'grids:read'),
  row('GET', '/api/grids/:code', 'grids:read'),
  row('GET', '/api/grids/:code/history', 'grids:read'),
  row('GET', '/api/grids/:code/lineage', 'grids:read'),
  row('GET', '/api/grids/:code/addresses', 'addresses:read'),
  row('GET', '/api/grids/:code/cameras', 'devices:read'),
  row('POST', '/api/grids', 'grids:write', 'bulk'),
  row('POST', '/api/grids/import', 'grids:write', 'bulk'),
  row('POST', '/api/grids/batch', 'grids:write', 'bulk'),
  row('PUT', '/api/grids/:code', 'grids:write', 'bulk'),
  row('DELETE', '/api/grids/:code', 'grids:write'),
  row('POST', '/api/divisions', 'grids:write', 'bulk'),
  row('GET', '/api/divisions/:id', 'grids:read'),
  row('POST', '/api/divisions/:id/apply', 'grids:write'),

  // Places → grid codes.
  row('GET', '/api/locate', 'locate'),
  row('POST', '/api/locate', 'locate', 'bulk'),
  row('GET', '/api/geocode', 'locate'),
  row('POST', '/api/geocode', 'locate', 'bulk'),
  row('POST', '/api/addresses/import', 'addresses:write', 'bulk'),

  // Cameras, sensors, their events and snapshots.
  row('GET', '/api/devices', 'devices:read'),
  row('GET', '/api/devices/:id', 'devices:read'),
  row('POST', '/api/devices', 'devices:write'),
  row('PUT', '/api/devices/:id', 'devices:write'),
  row('DELETE', '/api/devices/:id', 'devices:write'),
  row('POST', '/api/feeds/events', 'feeds:write', 'bulk'),
  // GB/T 28181 MANSCDP XML, read by the route itself (server/routes/feeds.ts).
  row('POST', '/api/feeds/gb28181', 'feeds:write', 'stream'),
  row('GET', '/api/media/:id', 'devices:read'),

  // Incidents and the command center.
  row('GET', '/api/incidents/categories', 'incidents:read'),
  row('GET', '/api/incidents', 'incidents:read'),
  row('GET', '/api/incidents/:id', 'incidents:read'),
  row('GET', '/api/incidents/:id/cameras', 'incidents:read'),
  // A report or a step may carry a phone's photo (base64): more than a small body, far less than an import.
  row('POST', '/api/incidents', 'incidents:write', 'photo'),
  row('POST', '/api/incidents/:id/transition', 'incidents:write', 'photo'),
  row('POST', '/api/incidents/:id/escalate', 'incidents:write', 'photo'),
  row('GET', '/api/heatmap', 'incidents:read'),
  row('GET', '/api/stats', 'incidents:read'),
  row('GET', '/api/events/stream', 'incidents:read'),

  // People in the grid (定格、定责、定员): staff, their grids, staffing gaps.
  row('GET', '/api/staff', 'staff:read'),
  row('POST', '/api/staff', 'staff:write'),
  row('POST', '/api/staff/import', 'staff:write', 'stream'),
  row('GET', '/api/staff/:id', 'staff:read'),
  row('GET', '/api/staff/:id/history', 'staff:read'),
  row('PUT', '/api/staff/:id', 'staff:write'),
  row('DELETE', '/api/staff/:id', 'staff:write'),
  row('GET', '/api/grids/:code/staff', 'staff:read'),
  row('GET', '/api/regions/:code/staffing', 'staff:read'),
  row('GET', '/api/staff/:id/log', 'staff:read'),
  row('POST', '/api/patrols', 'fieldwork'),
  row('GET', '/api/patrols', 'staff:read'),
  row('GET', '/api/grids/:code/patrol-coverage', 'staff:read'),
  row('POST', '/api/visits', 'fieldwork', 'photo'),
  row('GET', '/api/visits', 'staff:read'),
  row('GET', '/api/assessment', 'staff:read'),

  // Residents' reports (随手拍): no key; limited per address and in size (server/routes/public.ts).
  row('GET', '/api/public/categories', 'public'),
  row('GET', '/api/public/streets', 'public'),
  row('POST', '/api/public/reports', 'public', 'stream'),
  row('GET', '/api/public/reports/:number', 'public'),

  // Keys and the audit log.
  row('GET', '/api/keys', 'admin'),
  row('POST', '/api/keys', 'admin'),
  row('DELETE', '/api/keys/:id', 'admin'),
  row('GET', '/api/audit', 'admin'),
  row('GET', '/api/me', 'public'),

  // Open311 GeoReport v2: its catalogue is public; requests are incidents.
  row('GET', '/open311/v2/discovery', 'public'),
  row('GET', '/open311/v2/services', 'public'),
  row('GET', '/open311/v2/services/:code', 'public'),
  row('POST', '/open311/v2/requests', 'open311', 'form'),
  row('GET', '/open311/v2/requests', 'open311'),
  row('GET', '/open311/v2/requests/:id', 'open311'),

  // OGC API – Features: the catalogue is public; each collection's items need its read permission.
  row('GET', '/ogc', 'public'),
  row('GET', '/ogc/conformance', 'public'),
  row('GET', '/ogc/api', 'public'),
  row('GET', '/ogc/collections', 'public'),
  row('GET', '/ogc/collections/:collection', 'public'),
  row('GET', '/ogc/collections/regions/items*', 'grids:read'),
  row('GET', '/ogc/collections/grids/items*', 'grids:read'),
  row('GET', '/ogc/collections/devices/items*', 'devices:read'),
  row('GET', '/ogc/collections/incidents/items*', 'incidents:read'),

  // Vector tiles, per layer.
  row('GET', '/tiles', 'public'),
  row('GET', '/tiles/regions*', 'grids:read'),
  row('GET', '/tiles/grids*', 'grids:read'),
  row('GET', '/tiles/devices*', 'devices:read'),
  row('GET', '/tiles/incidents*', 'incidents:read'),
  // The base map (stored roads, water, buildings): context for anyone who may see the grids on it.
  row('GET', '/tiles/basemap*', 'grids:read'),
  // Any other layer name: the tiles router answers which layers there are.
  row('GET', '/tiles/:file', 'public'),
  row('GET', '/tiles/:layer/:z/:x/:y', 'public'),
];

/**
 * The prefixes the policy guards, in any letter case (`/API/keys` is guarded, and being no row
 * of the table, refused); anything else (the web client's files) is public.
 */
export const GUARDED_PREFIXES = ['/api', '/open311', '/ogc', '/tiles'];

interface CompiledRow {
  method: string;
  segments: string[];
  rest: boolean;
  row: PolicyRow;
}

function compile(policy: readonly PolicyRow[]): CompiledRow[] {
  return policy.map((row) => {
    const rest = row.path.endsWith('*');
    return { method: row.method, row, rest, segments: (rest ? row.path.slice(0, -1) : row.path).split('/').filter(Boolean) };
  });
}

const compiled = compile(POLICY);

function segmentsOf(path: string): string[] {
  // Open311 answers requests.json and requests.xml alike; the format is not part of the endpoint.
  return path.replace(/\.(json|xml)$/, '').split('/').filter(Boolean);
}

function rowMatches(row: CompiledRow, segments: string[]): boolean {
  if (row.rest ? segments.length < row.segments.length : segments.length !== row.segments.length) return false;
  return row.segments.every((pattern, i) => pattern.startsWith(':') || pattern === segments[i]);
}

/**
 * The row of the endpoint a request is for, or undefined when none matches. Segments match
 * exactly, letter case included (the router matches the same way). A literal segment beats a
 * parameter (`/api/grids/batch` is not `/api/grids/:code`), so rows are tried most literal first.
 */
export function policyRowOf(method: string, path: string): PolicyRow | undefined {
  const asked = method === 'HEAD' ? 'GET' : method;
  const segments = segmentsOf(path);
  let best: CompiledRow | undefined;
  let bestLiterals = -1;
  for (const candidate of compiled) {
    if (candidate.method !== asked || !rowMatches(candidate, segments)) continue;
    const literals = candidate.segments.filter((s) => !s.startsWith(':')).length;
    if (literals > bestLiterals) {
      best = candidate;
      bestLiterals = literals;
    }
  }
  return best?.row;
}

/** What a request needs, or undefined when no endpoint matches. */
export function requirementOf(method: string, path: string): Requirement | undefined {
  return policyRowOf(method, path)?.needs;
}

/** The methods the policy knows for a path (for 405 and its Allow header). */
export function methodsOf(path: string): string[] {
  const segments = segmentsOf(path);
  return [...new Set(compiled.filter((row) => rowMatches(row, segments)).map((row) => row.method))];
}

export function isGuarded(path: string): boolean {
  const lower = path.toLowerCase();
  return GUARDED_PREFIXES.some((prefix) => lower === prefix || lower.startsWith(`${prefix}/`));
}
