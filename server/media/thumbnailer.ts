/**
 * Thumbnails off the request's path. A feed batch stores its snapshots' originals in the same
 * transaction as the events (durable before the answer) and hands their ids here; they are
 * decoded and thumbnailed after the answer, a few at a time. Whoever asks for a thumbnail not
 * made yet gets it made on the spot, and a sweep takes over what a stopped process left
 * (any instance may: writing a thumbnail twice writes the same bytes once).
 *
 * While feed batches are in flight (`busy()`), queued thumbnails wait, up to a bound: a
 * thumbnail costs ≈ 6 ms of CPU (a 640×360 JPEG), so 1 % of a storm's events carrying an image
 * would take a sixth of a two-core machine from the ingest. They are made when the batches stop,
 * or once the oldest has waited `maxDeferMs` under a storm that does not stop.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { originalForThumbnail, pendingThumbnails, storeThumbnail } from '../db/media.js';
import { translate } from '../i18n/catalogue.js';
import { defaultSnapshotLimits, makeThumbnail, type SnapshotContentType, type SnapshotLimits } from './snapshot.js';

/** Decoded at once (sharp has threads of its own; more would only queue). */
const CONCURRENCY = 2;
/** Media this old without a thumbnail were left behind by a process that stopped. */
const ORPHAN_AFTER_S = 30;
const SWEEP_EVERY_MS = 30_000;
/** The longest a queued thumbnail waits for the feed batches in flight to end. */
const MAX_DEFER_MS = 10_000;

export interface ThumbnailerOptions {
  /** The longest a queued thumbnail waits while feed batches are in flight (ms). */
  maxDeferMs?: number;
}

export class Thumbnailer {
  private readonly queue: { id: number; at: number }[] = [];
  /** Feed batches in flight (see busy()). */
  private busyCount = 0;
  private wake: NodeJS.Timeout | undefined;
  private readonly maxDeferMs: number;
  private running = 0;
  private readonly inFlight = new Map<number, Promise<void>>();
  private idleWaiters: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly limits: SnapshotLimits = defaultSnapshotLimits,
    options: ThumbnailerOptions = {},
  ) {
    this.maxDeferMs = options.maxDeferMs ?? MAX_DEFER_MS;
  }

  /** Thumbnails of these media, soon. */
  schedule(ids: readonly number[]): void {
    const at = Date.now();
    this.queue.push(...ids.map((id) => ({ id, at })));
    this.pump();
  }

  /**
   * A feed batch is in flight until the returned function is called: queued thumbnails wait
   * meanwhile (at most maxDeferMs). A reader asking for one (ensure) never waits.
   */
  busy(): () => void {
    this.busyCount++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.busyCount--;
      this.pump();
    };
  }

  /** Thumbnails queued and not started yet. */
  get queued(): number {
    return this.queue.length;
  }

  /** Makes the thumbnail of `id` now if it is still missing (a reader is waiting for it). */
  ensure(id: number): Promise<void> {
    return this.inFlight.get(id) ?? this.track(id);
  }

  /** Sweeps now and then for media a stopped process left without a thumbnail. */
  start(): void {
    this.timer ??= setInterval(() => void this.sweep().catch(() => {}), SWEEP_EVERY_MS).unref();
    void this.sweep().catch(() => {});
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async sweep(olderThanS = ORPHAN_AFTER_S): Promise<number> {
    const ids = await pendingThumbnails(this.db, olderThanS, 200);
    this.schedule(ids.filter((id) => !this.inFlight.has(id) && !this.queue.some((q) => q.id === id)));
    return ids.length;
  }

  /** Resolves when nothing is queued or running (tests, shutdown). */
  idle(): Promise<void> {
    if (this.queue.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.running < CONCURRENCY && this.queue.length > 0) {
      const waited = Date.now() - this.queue[0].at;
      if (this.busyCount > 0 && waited < this.maxDeferMs) {
        // Woken when the batches end (busy's release) or when the oldest has waited enough.
        this.wake ??= setTimeout(() => {
          this.wake = undefined;
          this.pump();
        }, this.maxDeferMs - waited).unref();
        return;
      }
      const { id } = this.queue.shift()!;
      this.running++;
      void this.ensure(id)
        .catch((error: unknown) => console.error(`[gridgov] thumbnail of media ${id} failed:`, error))
        .finally(() => {
          this.running--;
          this.pump();
          if (this.queue.length === 0 && this.running === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
        });
    }
  }

  private track(id: number): Promise<void> {
    const work = (async () => {
      const original = await originalForThumbnail(this.db, id);
      if (!original) return;
      const result = await makeThumbnail({ bytes: original.bytes, contentType: original.contentType as SnapshotContentType }, this.limits);
      await storeThumbnail(this.db, id, result.ok ? { thumb: result.value.thumb } : { error: translate(result.reason, 'en') });
    })().finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, work);
    return work;
  }
}
