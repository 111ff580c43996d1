/**
 * npm run bench:responsiveness — how long the event loop (and so every other request: a health
 * check, a locate, the web client's tiles) waits while one heavy request is worked on: a
 * division of a 10,000-building town, and checking a 50,000-building division request.
 *
 * Each heavy step runs twice in the same process: on the main thread (as before the worker
 * pool) and through server/workers/pool.ts. The event loop's waits are measured by a 5 ms timer;
 * the baseline is the same measure over an idle second in the same run.
 */
import { parseDivisionInput } from '../../server/geo/divide/input.js';
import { runDivision } from '../../server/geo/divide/run.js';
import { prepareDivision } from '../../server/geo/divide/prepare.js';
import { WorkerPool } from '../../server/workers/pool.js';
import { syntheticTown } from './division/town.js';
import { textTable } from '../text-table.js';
import { translate } from '../../server/i18n/catalogue.js';

interface Measure {
  wallMs: number;
  maxDelayMs: number;
  p99DelayMs: number;
}

/**
 * The event loop's waits while `work` runs, from a 5 ms timer: each gap between ticks beyond the
 * timer's period is time nothing else could run — including a synchronous stretch that ends the
 * work (the last tick to the end), which a sampling monitor would never see.
 */
async function measured(work: () => Promise<unknown>): Promise<Measure> {
  const gaps: number[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    gaps.push(now - last);
    last = now;
  }, 5);
  const start = performance.now();
  await work();
  const end = performance.now();
  clearInterval(timer);
  gaps.push(end - last);
  gaps.sort((a, b) => a - b);
  return { wallMs: end - start, maxDelayMs: gaps[gaps.length - 1]!, p99DelayMs: gaps[Math.min(gaps.length - 1, Math.floor(gaps.length * 0.99))]! };
}

const idle = () => new Promise((resolve) => setTimeout(resolve, 1000));

const town = syntheticTown({ seed: 1, buildings: 10_000, households: 40_000 });
const request: Record<string, unknown> = { ...(town as unknown as Record<string, unknown>), boundary: town.area };
// A township-sized division request: the largest one request may ask (GRIDGOV_MAX_DIVISION_BUILDINGS).
const large = syntheticTown({ seed: 2, buildings: 50_000, households: 200_000 });
const largeRequest: Record<string, unknown> = { ...(large as unknown as Record<string, unknown>), boundary: large.area };

const pool = new WorkerPool({ size: 1 });
// Start the thread (and its TypeScript loader) before measuring: a running service has it warm.
await pool.run('checkDivision', JSON.stringify({ buildings: { type: 'FeatureCollection', features: [] }, boundary: town.area }));

const baseline = await measured(idle);
const rows: [string, Measure][] = [['idle second (baseline)', baseline]];
const parsed = parseDivisionInput(request, town.area);
if (parsed.problems) throw new Error(translate(parsed.problems[0]!.message, 'en'));
rows.push(['division, 10,000 buildings — main thread', await measured(() => runDivision(parsed.value))]);
// The service holds the request as JSON text already (the body it parsed, the job's stored request).
rows.push(['division, 10,000 buildings — worker', await measured(() => pool.run('divide', JSON.stringify(request), () => {}))]);
const check = () => {
  const input = parseDivisionInput(largeRequest, large.area);
  if (input.problems) throw new Error(translate(input.problems[0]!.message, 'en'));
  return prepareDivision(input.value).problems;
};
rows.push(['checking a 50,000-building request — main thread', await measured(async () => check())]);
rows.push(['checking a 50,000-building request — worker', await measured(() => pool.run('checkDivision', JSON.stringify(largeRequest)))]);
await pool.close();

console.log(
  textTable(
    ['work', 'wall', 'longest event-loop wait', 'p99 wait', 'longest wait × idle'],
    rows.map(([name, m]) => [name, `${Math.round(m.wallMs)} ms`, `${m.maxDelayMs.toFixed(1)} ms`, `${m.p99DelayMs.toFixed(1)} ms`, `${(m.maxDelayMs / baseline.maxDelayMs).toFixed(1)}×`]),
  ),
);
