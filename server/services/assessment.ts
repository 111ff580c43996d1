/**
 * The monthly assessment (考核) of a region: per worker and per grid, what was done (counted
 * in server/db/assessment.ts), the patrol coverage of each grid over the month (the same as
 * GET /api/grids/:code/patrol-coverage), and points and a grade by the rules in force.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { gridCounts, workerCounts, type Window } from '../db/assessment.js';
import { assess, type AssessmentRules } from '../staff/assessment.js';
import type { Assessment } from '../api-types/assessment.js';
import { patrolCoverage } from './patrols.js';
import { mapLimited } from './concurrency.js';

export async function assessRegion(db: Kysely<Database>, region: { code: string; prefix: string }, month: string, window: Window, rules: AssessmentRules): Promise<Assessment> {
  const [workers, grids] = await Promise.all([workerCounts(db, region.prefix, window), gridCounts(db, region.prefix, window)]);
  // Coverage is geometry per grid: a few at a time.
  const coverage = new Map<string, number>();
  await mapLimited(grids, 4, async (grid) => coverage.set(grid.code, (await patrolCoverage(db, grid.code, window)).coveredShare));
  const meanCoverage = (codes: string[]) => {
    const shares = codes.filter((code) => coverage.has(code)).map((code) => coverage.get(code)!);
    return shares.length ? shares.reduce((a, b) => a + b, 0) / shares.length : null;
  };
  return {
    region: region.code,
    month,
    from: window.from.toISOString(),
    to: window.to.toISOString(),
    rules,
    workers: workers.map((w) => ({
      staffId: w.staffId,
      name: w.name,
      duty: w.duty,
      gridCodes: w.gridCodes,
      ...assess({ reports: w.reports, handled: w.handled, onTime: w.onTime, patrolKm: w.patrolM / 1000, coverage: meanCoverage(w.gridCodes), visits: w.visits }, rules),
    })),
    grids: grids.map((g) => ({
      code: g.code,
      name: g.name,
      kind: g.kind,
      ...assess({ reports: g.reports, handled: g.handled, onTime: g.onTime, patrolKm: g.patrolM / 1000, coverage: coverage.get(g.code) ?? null, visits: g.visits }, rules),
    })),
  };
}
