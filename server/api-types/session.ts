/**
 * GET /api/me, GET /api/health and the API keys (/api/keys, for admins) as the API answers them,
 * declared once: the server builds them (routes/keys.ts, routes/health.ts, db/api-keys.ts) and
 * the web client reads them. Types only.
 */
import type { Role } from '../access/roles.js';

/** Who the request's key says the caller is; signed out, only what anyone may do. */
export interface Me {
  signedIn: boolean;
  keyId?: string;
  name?: string;
  role?: Role;
  regionCode?: string | null;
  /** Names from access/roles.ts PERMISSIONS (plain strings: a client asks `includes` of any name). */
  permissions: string[];
  /** A worker key: its staff member and the places it covers (grid codes, a region's code). */
  staffId?: number;
  places?: readonly string[];
}

/** Is it up, and on which backend. */
export interface Health {
  status: 'ok';
  /** PGlite in process, or a PostgreSQL server (DATABASE_URL). */
  backend: 'embedded' | 'postgres';
  postgis: string;
}

/** An API key as listed (never its secret). */
export interface ApiKeyInfo {
  id: string;
  name: string;
  role: Role;
  regionCode: string | null;
  deviceIds: string[] | null;
  createdAt: string;
  createdBy: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  /** A worker key's staff member. */
  staffId: number | null;
}

/** GET /api/keys. */
export interface KeysAnswer {
  keys: ApiKeyInfo[];
}

/** 201 of POST /api/keys: the key's secret, shown this once. */
export interface NewKeyAnswer extends ApiKeyInfo {
  key: string;
}
