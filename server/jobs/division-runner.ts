/**
 * Runs division jobs one at a time, each in a worker thread (the work is CPU-bound; the event
 * loop stays free so the service keeps answering). Progress is written to the job row so
 * that any process can report it; a job is committed as queued before the request that asked
 * for it is answered.
 *
 * Several instances on one database: a job belongs to the instance that holds its lease (owner,
 * renewed in heartbeat_at every few seconds while it is queued or running there). An instance
 * that dies stops renewing; once the lease lapses, another instance claims the job (FOR UPDATE
 * SKIP LOCKED: exactly one does) and runs it again from the start. A result is written only by
 * the lease's holder, so a process that stalled past its lease cannot overwrite the new owner's.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { claimOrphanedDivisions, getDivision, renewDivisionLeases, updateDivision } from '../db/divisions.js';
import { WorkerPool } from '../workers/pool.js';

/** Progress is written at most this often. */
const PROGRESS_INTERVAL_MS = 250;
/** A job whose owner has not renewed its lease for this long is taken over (GRIDGOV_DIVISION_LEASE_S). */
export const DEFAULT_LEASE_S = 30;

export class DivisionRunner {
  readonly owner = randomUUID();
  private queue: string[] = [];
  private draining: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly log: (message: string) => void = () => {},
    private readonly workers: WorkerPool = new WorkerPool({ size: 1 }),
    private readonly leaseS: number = DEFAULT_LEASE_S,
  ) {}

  /**
   * Renews this instance's leases and claims lapsed ones, every third of a lease (server
   * backend; embedded, one process owns every job and resumeOrphans(0) at start-up suffices).
   */
  start(): void {
    const tick = async () => {
      try {
        await renewDivisionLeases(this.db, this.owner);
        await this.resumeOrphans(this.leaseS);
      } catch (error) {
        this.log(`division leases: ${(error as Error).message}`);
      }
    };
    this.timer ??= setInterval(() => void tick(), Math.max(500, (this.leaseS * 1000) / 3)).unref();
    void tick();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Takes over jobs that a stopped process left behind. An embedded database has one process
   * by construction, so every unfinished job is an orphan there (`orphanAfterS` 0).
   */
  async resumeOrphans(orphanAfterS = this.leaseS): Promise<void> {
    const ids = await claimOrphanedDivisions(this.db, this.owner, orphanAfterS);
    if (ids.length > 0) this.log(`resuming ${ids.length} interrupted division job(s)`);
    for (const id of ids) if (!this.queue.includes(id)) this.enqueue(id);
  }

  enqueue(id: string): void {
    this.queue.push(id);
    this.draining ??= this.drain().finally(() => (this.draining = undefined));
  }

  /** Resolves when the queue is empty (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    for (let id = this.queue.shift(); id; id = this.queue.shift()) {
      try {
        await this.run(id);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.log(`division ${id} failed: ${message}`);
        await updateDivision(this.db, id, { status: 'failed', error: message, finished: true }, this.owner).catch(() => {});
      }
    }
  }

  private async run(id: string): Promise<void> {
    const row = await getDivision(this.db, id);
    if (!(await updateDivision(this.db, id, { status: 'running', progress: 0, stage: 'prepare' }, this.owner))) return; // claimed by another instance meanwhile
    let lastWrite = 0;
    let writing: Promise<void> = Promise.resolve();
    // In a worker thread: a large village takes seconds of CPU that the event loop must not wait on.
    const result = await this.workers.run('divide', row.request, (progress, stage) => {
      const now = performance.now();
      if (now - lastWrite < PROGRESS_INTERVAL_MS) return;
      lastWrite = now;
      writing = writing.then(() => updateDivision(this.db, id, { progress, stage }, this.owner).then(() => {}));
    });
    await writing;
    const written = await updateDivision(this.db, id, {
      status: 'done',
      progress: 1,
      stage: 'done',
      proposal: JSON.stringify(result.proposal),
      metrics: JSON.stringify(result.metrics),
      finished: true,
    }, this.owner);
    if (!written) return this.log(`division ${id}: finished after its lease passed to another instance; that one's result stands`);
    this.log(`division ${id}: ${result.proposal.features.length} grids in ${result.metrics.runtimeMs.toFixed(0)} ms`);
  }
}
