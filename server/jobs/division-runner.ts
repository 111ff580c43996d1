/**
 * Runs division jobs one at a time, each in a worker thread (the work is CPU-bound; the event
 * loop stays free so the service keeps answering). Progress is written to the job row so
 * that any process can report it; a job is committed as queued before the request that asked
 * for it is answered, and jobs orphaned by a stopped process are taken over at start-up.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { claimOrphanedDivisions, getDivision, updateDivision } from '../db/divisions.js';
import { WorkerPool } from '../workers/pool.js';

/** Progress is written at most this often. */
const PROGRESS_INTERVAL_MS = 250;
/** A job whose owner has not written for this long is taken over. */
const ORPHAN_AFTER_S = 60;

export class DivisionRunner {
  readonly owner = randomUUID();
  private queue: string[] = [];
  private draining: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly log: (message: string) => void = () => {},
    private readonly workers: WorkerPool = new WorkerPool({ size: 1 }),
  ) {}

  /**
   * Takes over jobs that a stopped process left behind. An embedded database has one process
   * by construction, so every unfinished job is an orphan there (`orphanAfterS` 0).
   */
  async resumeOrphans(orphanAfterS = ORPHAN_AFTER_S): Promise<void> {
    const ids = await claimOrphanedDivisions(this.db, this.owner, orphanAfterS);
    if (ids.length > 0) this.log(`resuming ${ids.length} interrupted division job(s)`);
    for (const id of ids) this.enqueue(id);
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
        await updateDivision(this.db, id, { status: 'failed', error: message, finished: true }).catch(() => {});
      }
    }
  }

  private async run(id: string): Promise<void> {
    const row = await getDivision(this.db, id);
    await updateDivision(this.db, id, { status: 'running', progress: 0, stage: 'prepare' });
    let lastWrite = 0;
    let writing: Promise<void> = Promise.resolve();
    // In a worker thread: a large village takes seconds of CPU that the event loop must not wait on.
    const result = await this.workers.run('divide', row.request, (progress, stage) => {
      const now = performance.now();
      if (now - lastWrite < PROGRESS_INTERVAL_MS) return;
      lastWrite = now;
      writing = writing.then(() => updateDivision(this.db, id, { progress, stage }));
    });
    await writing;
    await updateDivision(this.db, id, {
      status: 'done',
      progress: 1,
      stage: 'done',
      proposal: JSON.stringify(result.proposal),
      metrics: JSON.stringify(result.metrics),
      finished: true,
    });
    this.log(`division ${id}: ${result.proposal.features.length} grids in ${result.metrics.runtimeMs.toFixed(0)} ms`);
  }
}
