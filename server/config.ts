/**
 * Environment → one typed configuration object. Every knob the service has is read here,
 * once, so the rest of the code never touches process.env.
 */
import fs from 'node:fs';
import path from 'node:path';
import { defaultIncidentRules, rulesProblem, type IncidentRules } from './incidents/rules.js';

export interface Limits {
  /** Largest JSON body accepted, in bytes (express `limit`). */
  bodyBytes: number;
  /** Most features in one import batch. */
  batchFeatures: number;
  /** Most vertices in one feature's geometry. */
  featureVertices: number;
  /** Most vertices in one import batch (all features together). */
  batchVertices: number;
  /** Most vertices in one region boundary (a county's outline can be long). */
  regionVertices: number;
}

export interface Config {
  port: number;
  /** postgres://… selects the server backend; undefined selects embedded PGlite. */
  databaseUrl?: string;
  /** Folder of the embedded database (PGlite data directory). */
  dataDir: string;
  /** Load the demo area when the database holds no regions yet. */
  demo: boolean;
  limits: Limits;
  /** Incident categories, deadlines and event rules (GRIDGOV_INCIDENT_RULES: a JSON file replacing the defaults). */
  incidentRules: IncidentRules;
}

function incidentRulesFrom(file: string | undefined): IncidentRules {
  if (!file) return defaultIncidentRules;
  let rules: IncidentRules;
  try {
    rules = JSON.parse(fs.readFileSync(file, 'utf8')) as IncidentRules;
  } catch (error) {
    throw new Error(`GRIDGOV_INCIDENT_RULES: cannot read ${file}: ${(error as Error).message}`);
  }
  const problem = Array.isArray(rules?.categories) && rules.eventCategories && typeof rules.eventCategories === 'object' ? rulesProblem(rules) : 'expected { categories, eventCategories, fallbackCategory, mergeWindowMinutes }';
  if (problem) throw new Error(`GRIDGOV_INCIDENT_RULES (${file}): ${problem}`);
  return rules;
}

export const defaultLimits: Limits = {
  bodyBytes: 64 * 1024 * 1024,
  batchFeatures: 10_000,
  featureVertices: 50_000,
  batchVertices: 2_000_000,
  regionVertices: 500_000,
};

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
    incidentRules: incidentRulesFrom(env.GRIDGOV_INCIDENT_RULES || undefined),
    limits: {
      bodyBytes: intFromEnv(env, 'GRIDGOV_MAX_BODY_BYTES', defaultLimits.bodyBytes),
      batchFeatures: intFromEnv(env, 'GRIDGOV_MAX_BATCH', defaultLimits.batchFeatures),
      featureVertices: intFromEnv(env, 'GRIDGOV_MAX_VERTICES', defaultLimits.featureVertices),
      batchVertices: intFromEnv(env, 'GRIDGOV_MAX_BATCH_VERTICES', defaultLimits.batchVertices),
      regionVertices: intFromEnv(env, 'GRIDGOV_MAX_REGION_VERTICES', defaultLimits.regionVertices),
    },
  };
}
