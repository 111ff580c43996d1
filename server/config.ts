/**
 * Environment → one typed configuration object. Every knob the service has is read here,
 * once, so the rest of the code never touches process.env.
 */
import fs from 'node:fs';
import path from 'node:path';
import { looksLikeKey } from './access/keys.js';
import { defaultRateLimits, type RateLimits } from './http/rate-limits.js';
import { defaultIncidentRules, rulesProblem, type IncidentRules } from './incidents/rules.js';
import { text, translate } from './i18n/catalogue.js';
import { langOfEnvironment, type Lang } from './i18n/lang.js';

export interface Limits {
  /** Largest body of an import, layer or batch (GRIDGOV_MAX_BODY_BYTES), in bytes. */
  bodyBytes: number;
  /** Largest body of any other request (GRIDGOV_MAX_SMALL_BODY_BYTES), in bytes. */
  smallBodyBytes: number;
  /** Most features in one import batch. */
  batchFeatures: number;
  /** Most vertices in one feature's geometry. */
  featureVertices: number;
  /** Most vertices in one import batch (all features together). */
  batchVertices: number;
  /** Most vertices in one region boundary (a county's outline can be long). */
  regionVertices: number;
  /** Most changes in one POST /api/grids/batch (one save of the web client). */
  editBatch: number;
  /** Most buildings in one division request (GRIDGOV_MAX_DIVISION_BUILDINGS): a township's worth. */
  divisionBuildings: number;
}

export interface Config {
  port: number;
  /** postgres://… selects the server backend; undefined selects embedded PGlite. */
  databaseUrl?: string;
  /** Folder of the embedded database (PGlite data directory). */
  dataDir: string;
  /** Load the demo area when the database holds no regions yet. */
  demo: boolean;
  /**
   * The demo's cameras and sensors keep sending events while the demo area is loaded
   * (GRIDGOV_DEMO_FEED=0 stops them), one every `demoFeedIntervalMs` (GRIDGOV_DEMO_FEED_INTERVAL_MS).
   */
  demoFeed: boolean;
  demoFeedIntervalMs: number;
  limits: Limits;
  /** Incident categories, deadlines and event rules (GRIDGOV_INCIDENT_RULES: a JSON file replacing the defaults). */
  incidentRules: IncidentRules;
  /** The bootstrap admin key (GRIDGOV_ADMIN_KEY); without it the first start makes one and prints it. */
  adminKey?: string;
  /** Let requests without a key read regions and grids (GRIDGOV_PUBLIC_GRIDS=1). */
  publicGrids: boolean;
  /** Browser origins allowed to call the API (GRIDGOV_CORS_ORIGINS: comma list, or *). */
  corsOrigins: string[] | '*';
  /**
   * Which proxies in front of the service to believe about the client's address
   * (GRIDGOV_TRUST_PROXY: a hop count, `loopback`, or addresses/subnets, as express' "trust
   * proxy"); the audit log and keyless rate limits use that address. None by default.
   */
  trustProxy?: string | number;
  /**
   * Where the service is reached from outside, e.g. https://grid.example.gov.cn (GRIDGOV_PUBLIC_URL):
   * links in answers (OGC, TileJSON, Open311 media) are built from it, never from the Host header;
   * without it they are path-absolute.
   */
  publicUrl?: string;
  /** pino level for the JSON request logs (GRIDGOV_LOG_LEVEL). */
  logLevel: string;
  /** Requests a second per integrator key, other key, keyless client, and client sending unknown keys (GRIDGOV_RATE_INTEGRATOR, _KEY, _ANONYMOUS, _FAILED_KEY). */
  rateLimits: RateLimits;
  /**
   * Server backend: PostgreSQL cancels any statement running longer than this (GRIDGOV_STATEMENT_TIMEOUT_MS),
   * so one runaway query cannot hold a connection of the pool for good; the request gets a 503.
   */
  statementTimeoutMs: number;
  /** Days of device events kept (GRIDGOV_EVENT_RETENTION_DAYS): older months are dropped whole; incidents stay. */
  eventRetentionDays: number;
  /** Seconds a division job's owner may go without renewing its lease before another instance takes the job over (GRIDGOV_DIVISION_LEASE_S). */
  divisionLeaseS: number;
  /** Residents' reports (随手拍) an hour from one client address; 0 turns them off (GRIDGOV_PUBLIC_REPORTS_PER_HOUR). */
  publicReportsPerHour: number;
}

/** The incident rules of a file, or the defaults; a bad file stops the start, saying why in `lang`. */
function incidentRulesFrom(file: string | undefined, lang: Lang): IncidentRules {
  if (!file) return defaultIncidentRules;
  let rules: IncidentRules;
  try {
    rules = JSON.parse(fs.readFileSync(file, 'utf8')) as IncidentRules;
  } catch (error) {
    throw new Error(`GRIDGOV_INCIDENT_RULES: cannot read ${file}: ${(error as Error).message}`);
  }
  const problem = Array.isArray(rules?.categories) && rules.eventCategories && typeof rules.eventCategories === 'object' ? rulesProblem(rules) : text('rules.shape');
  if (problem) throw new Error(`GRIDGOV_INCIDENT_RULES (${file}): ${translate(problem, lang)}`);
  return rules;
}

export const defaultLimits: Limits = {
  bodyBytes: 64 * 1024 * 1024,
  smallBodyBytes: 1024 * 1024,
  batchFeatures: 10_000,
  featureVertices: 50_000,
  batchVertices: 2_000_000,
  regionVertices: 100_000,
  editBatch: 1_000,
  divisionBuildings: 50_000,
};

function adminKeyFrom(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!looksLikeKey(value)) throw new Error('GRIDGOV_ADMIN_KEY must be 24–256 printable characters without spaces (e.g. openssl rand -hex 32)');
  return value;
}

function corsOriginsFrom(value: string | undefined): string[] | '*' {
  if (!value) return [];
  if (value.trim() === '*') return '*';
  const origins = value.split(',').map((origin) => origin.trim()).filter(Boolean);
  for (const origin of origins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) throw new Error(`GRIDGOV_CORS_ORIGINS: "${origin}" is not an origin such as https://example.org`);
  }
  return origins;
}

function publicUrlFrom(value: string | undefined): string | undefined {
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`GRIDGOV_PUBLIC_URL must be an http(s) URL such as https://grid.example.gov.cn, got "${value}"`);
  }
  if (!/^https?:$/.test(url.protocol) || url.search || url.hash || url.username || url.password) {
    throw new Error(`GRIDGOV_PUBLIC_URL must be an http(s) URL without query, fragment or credentials, got "${value}"`);
  }
  return url.toString().replace(/\/+$/, '');
}

function trustProxyFrom(value: string | undefined): string | number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  if (!/^[\w.:/, -]+$/.test(value)) throw new Error(`GRIDGOV_TRUST_PROXY must be a hop count, loopback, or addresses/subnets, got "${value}"`);
  return value;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function logLevelFrom(value: string | undefined): string {
  if (!value) return 'info';
  if (!LOG_LEVELS.includes(value)) throw new Error(`GRIDGOV_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  return value;
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${name} must be a positive integer, got "${raw}"`);
  }
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: intFromEnv(env, 'PORT', 3000),
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.GRIDGOV_DATA || path.join('data', 'db')),
    demo: env.GRIDGOV_DEMO !== '0',
    demoFeed: env.GRIDGOV_DEMO_FEED !== '0',
    demoFeedIntervalMs: intFromEnv(env, 'GRIDGOV_DEMO_FEED_INTERVAL_MS', 20_000),
    incidentRules: incidentRulesFrom(env.GRIDGOV_INCIDENT_RULES || undefined, langOfEnvironment(env)),
    adminKey: adminKeyFrom(env.GRIDGOV_ADMIN_KEY || undefined),
    publicGrids: env.GRIDGOV_PUBLIC_GRIDS === '1' || env.GRIDGOV_PUBLIC_GRIDS === 'true',
    corsOrigins: corsOriginsFrom(env.GRIDGOV_CORS_ORIGINS),
    logLevel: logLevelFrom(env.GRIDGOV_LOG_LEVEL),
    trustProxy: trustProxyFrom(env.GRIDGOV_TRUST_PROXY),
    publicUrl: publicUrlFrom(env.GRIDGOV_PUBLIC_URL),
    rateLimits: {
      integrator: intFromEnv(env, 'GRIDGOV_RATE_INTEGRATOR', defaultRateLimits.integrator),
      key: intFromEnv(env, 'GRIDGOV_RATE_KEY', defaultRateLimits.key),
      anonymous: intFromEnv(env, 'GRIDGOV_RATE_ANONYMOUS', defaultRateLimits.anonymous),
      failedKey: intFromEnv(env, 'GRIDGOV_RATE_FAILED_KEY', defaultRateLimits.failedKey),
    },
    statementTimeoutMs: intFromEnv(env, 'GRIDGOV_STATEMENT_TIMEOUT_MS', 30_000),
    eventRetentionDays: intFromEnv(env, 'GRIDGOV_EVENT_RETENTION_DAYS', 365),
    divisionLeaseS: intFromEnv(env, 'GRIDGOV_DIVISION_LEASE_S', 30),
    publicReportsPerHour: env.GRIDGOV_PUBLIC_REPORTS_PER_HOUR === '0' ? 0 : intFromEnv(env, 'GRIDGOV_PUBLIC_REPORTS_PER_HOUR', 5),
    limits: {
      bodyBytes: intFromEnv(env, 'GRIDGOV_MAX_BODY_BYTES', defaultLimits.bodyBytes),
      smallBodyBytes: intFromEnv(env, 'GRIDGOV_MAX_SMALL_BODY_BYTES', defaultLimits.smallBodyBytes),
      batchFeatures: intFromEnv(env, 'GRIDGOV_MAX_BATCH', defaultLimits.batchFeatures),
      featureVertices: intFromEnv(env, 'GRIDGOV_MAX_VERTICES', defaultLimits.featureVertices),
      batchVertices: intFromEnv(env, 'GRIDGOV_MAX_BATCH_VERTICES', defaultLimits.batchVertices),
      regionVertices: intFromEnv(env, 'GRIDGOV_MAX_REGION_VERTICES', defaultLimits.regionVertices),
      editBatch: intFromEnv(env, 'GRIDGOV_MAX_EDIT_BATCH', defaultLimits.editBatch),
      divisionBuildings: intFromEnv(env, 'GRIDGOV_MAX_DIVISION_BUILDINGS', defaultLimits.divisionBuildings),
    },
  };
}
