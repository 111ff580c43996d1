/**
 * Keeps device_events' months: the partitions from the retention window's start to two months
 * ahead exist, and months wholly older than the window (GRIDGOV_EVENT_RETENTION_DAYS) are
 * dropped. Runs at start-up and every hour on every instance; the database serialises them
 * (server/db/event-partitions.ts), and what one instance did the next finds done.
 *
 * The ingest asks `ensure` for the months of each batch: a month known to exist costs nothing,
 * an unknown one (a late event of a past month) is made before the batch is written.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Clock } from '../clock.js';
import { dropEventMonthsBefore, ensureEventMonths, eventMonths, monthOf, monthsBetween } from '../db/event-partitions.js';

export const DEFAULT_RETENTION_DAYS = 365;
const EVERY_MS = 3_600_000;
const DAY_MS = 86_400_000;

export class EventPartitions {
  private readonly known = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    readonly retentionDays: number = DEFAULT_RETENTION_DAYS,
    private readonly log: (message: string) => void = () => {},
  ) {}

  /** The oldest time an event may have to be kept (older ones are refused: they would be dropped at once). */
  oldestKept(now = this.clock.now()): Date {
    return new Date(now.getTime() - this.retentionDays * DAY_MS);
  }

  /** Makes sure the months of these times have partitions. */
  async ensure(times: Iterable<number>): Promise<void> {
    const missing = [...new Set([...times].map(monthOf))].filter((month) => !this.known.has(month));
    if (missing.length === 0) return;
    await ensureEventMonths(this.db, missing);
    for (const month of missing) this.known.add(month);
  }

  /** Months ahead made, expired months dropped. Returns the months dropped. */
  async maintain(): Promise<string[]> {
    const now = this.clock.now();
    await ensureEventMonths(this.db, monthsBetween(this.oldestKept(now), now.getTime() + 62 * DAY_MS));
    const dropped = await dropEventMonthsBefore(this.db, this.oldestKept(now));
    if (dropped.length) this.log(`device events of ${dropped.join(', ')} dropped (older than ${this.retentionDays} days)`);
    this.known.clear();
    for (const month of await eventMonths(this.db)) this.known.add(month);
    return dropped;
  }

  start(): void {
    const run = () => void this.maintain().catch((error: unknown) => this.log(`event partitions: ${(error as Error).message}`));
    this.timer ??= setInterval(run, EVERY_MS).unref();
    run();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
