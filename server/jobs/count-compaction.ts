/**
 * Folds the incident counts' deltas (db/incident-counts.ts) every minute, on every instance;
 * the database lets one at a time do it, and the others skip that round.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { compactIncidentCounts } from '../db/incident-counts.js';

const EVERY_MS = 60_000;

export function compactCountsPeriodically(db: Kysely<Database>, log: (message: string) => void): () => void {
  const timer = setInterval(() => {
    compactIncidentCounts(db).catch((error: unknown) => log(`incident counts: ${(error as Error).message}`));
  }, EVERY_MS).unref();
  return () => clearInterval(timer);
}
