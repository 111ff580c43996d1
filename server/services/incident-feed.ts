/**
 * The live feed of incident changes behind GET /api/events/stream (server-sent events).
 *
 * One feed per app polls the incidents changed since it last looked (change_seq order) every
 * `intervalMs`, only while at least one client listens, and fans each change out to the
 * clients whose filter it matches. change_seq is taken when a row is written but becomes
 * visible when its transaction commits, so a change can appear behind one already sent: every
 * poll re-reads a window of `window` sequence numbers below the highest seen and skips the
 * (id, version) pairs already sent.
 *
 * A client that reconnects with Last-Event-ID first receives the changes after it (read with
 * its own filter); live changes arriving meanwhile wait and are sent after, without repeats.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { changesAfter, countIncidentsUpTo, lastIncidentChange, listIncidents, type Incident, type IncidentFilter } from '../db/incidents.js';
import type { Clock } from '../clock.js';

/** What a stream may be narrowed to: these fields of IncidentFilter, nothing time-dependent. */
export type FeedFilter = Pick<IncidentFilter, 'regionPrefix' | 'gridCode' | 'categories' | 'bbox' | 'placePrefixes'>;

export interface FeedOptions {
  intervalMs?: number;
  heartbeatMs?: number;
  /** How many sequence numbers below the highest seen each poll re-reads. */
  window?: number;
  /** Most changes replayed to a reconnecting client before it is told to reload instead. */
  maxCatchUp?: number;
}

/** Where a client's events go (the route writes them as SSE). */
export interface FeedSink {
  /** The client is registered: every change from now on will reach it. Called before the replay. */
  open(): void;
  incident(incident: Incident): void;
  /** Too many changes were missed to replay: reload, then continue from `lastEventId`. */
  reset(lastEventId: number): void;
  ping(): void;
}

export interface Subscription {
  close(): void;
}

const PAGE = 500;

export function matchesFeedFilter(incident: Incident, filter: FeedFilter): boolean {
  if (filter.regionPrefix) {
    const p = filter.regionPrefix;
    const inRegion = incident.gridCode !== null ? incident.gridCode.startsWith(p) : (incident.handlingRegion ?? '').startsWith(p);
    if (!inRegion) return false;
  }
  if (filter.placePrefixes) {
    const place = incident.gridCode ?? incident.handlingRegion ?? '';
    if (!filter.placePrefixes.some((prefix) => place.startsWith(prefix))) return false;
  }
  if (filter.gridCode && incident.gridCode !== filter.gridCode) return false;
  if (filter.categories?.length && !filter.categories.includes(incident.category)) return false;
  if (filter.bbox) {
    const [a, b, c, d] = filter.bbox;
    if (incident.lon < a || incident.lon > c || incident.lat < b || incident.lat > d) return false;
  }
  return true;
}

class Client {
  /** Live changes held back while the replay after Last-Event-ID runs. */
  pending: Incident[] | undefined;
  /** id → last version sent (and its change_seq, to forget it once out of the window). */
  readonly sent = new Map<number, { version: number; seq: number }>();

  constructor(
    readonly sink: FeedSink,
    readonly filter: FeedFilter,
  ) {}

  deliver(incident: Incident) {
    if (!matchesFeedFilter(incident, this.filter)) return;
    if (this.pending) {
      this.pending.push(incident);
      return;
    }
    this.send(incident);
  }

  send(incident: Incident) {
    const before = this.sent.get(incident.id);
    if (before && before.version >= incident.version) return;
    this.sent.set(incident.id, { version: incident.version, seq: incident.changeSeq });
    this.sink.incident(incident);
  }

  forgetBelow(seq: number) {
    for (const [id, entry] of this.sent) if (entry.seq <= seq) this.sent.delete(id);
  }
}

export class IncidentFeed {
  private readonly intervalMs: number;
  private readonly heartbeatMs: number;
  private readonly window: number;
  private readonly maxCatchUp: number;
  private readonly clients = new Set<Client>();
  /** Highest change_seq seen. */
  private cursor = 0;
  /** id → version and change_seq of the changes already fanned out, within the window. */
  private readonly seen = new Map<number, { version: number; seq: number }>();
  private starting: Promise<void> | undefined;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  /**
   * Which run of the poller this is (bumped by stop). A poll still awaiting the database when
   * the last client leaves must not fan out into the next run: that run's baseline cleared
   * `seen`, so the old poll would take every change in the window for new.
   */
  private run = 0;
  /** Polls done (tests and the idle check read it). */
  polls = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    options: FeedOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 500;
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
    this.window = options.window ?? 1000;
    this.maxCatchUp = options.maxCatchUp ?? 5000;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Whether the poll timer runs (only while someone listens). */
  get active(): boolean {
    return this.running;
  }

  /**
   * Adds a client: once the feed has its baseline, `sink.open()`, then (with `lastEventId`) the
   * changes after it that match the filter, then the live changes. Resolves once it is live.
   */
  async subscribe(sink: FeedSink, filter: FeedFilter, lastEventId?: number): Promise<Subscription> {
    const client = new Client(sink, filter);
    // Changes polled before the client is open (and replayed) wait for it.
    client.pending = [];
    this.clients.add(client);
    const subscription = { close: () => this.remove(client) };
    try {
      await this.start();
      if (!this.clients.has(client)) return subscription;
      sink.open();
      if (lastEventId !== undefined) await this.replay(client, lastEventId);
    } catch (error) {
      this.remove(client);
      throw error;
    }
    const held = client.pending ?? [];
    client.pending = undefined;
    for (const incident of held) client.send(incident);
    return subscription;
  }

  private remove(client: Client) {
    this.clients.delete(client);
    if (this.clients.size === 0) this.stop();
  }

  /**
   * Sends the changes after `after` (matching its filter) to one client; when there are more
   * than maxCatchUp, a reset instead (reload, then follow from the feed's position).
   */
  private async replay(client: Client, after: number) {
    const filter = { ...client.filter, afterChange: after };
    if ((await countIncidentsUpTo(this.db, filter, this.clock.now(), this.maxCatchUp)) > this.maxCatchUp) {
      client.sink.reset(this.cursor);
      return;
    }
    for (let from = after; this.clients.has(client); ) {
      const page = await listIncidents(this.db, { ...filter, afterChange: from }, { limit: PAGE, offset: 0, order: 'changes' }, this.clock.now());
      for (const incident of page.incidents) client.send(incident);
      if (page.incidents.length < PAGE) break;
      from = page.incidents[page.incidents.length - 1].changeSeq;
    }
  }

  /** Starts polling from the current state (a new client hears changes from now on). */
  private start(): Promise<void> {
    if (this.running) return Promise.resolve();
    this.starting ??= this.baseline()
      .then(() => {
        this.running = true;
        this.schedule();
        this.heartbeat = setInterval(() => {
          for (const client of this.clients) if (!client.pending) client.sink.ping();
        }, this.heartbeatMs);
        this.heartbeat.unref();
        // Everyone may have left while the baseline was read.
        if (this.clients.size === 0) this.stop();
      })
      .finally(() => (this.starting = undefined));
    return this.starting;
  }

  private stop() {
    if (!this.running) return;
    this.running = false;
    this.run++;
    clearTimeout(this.timer);
    clearInterval(this.heartbeat);
    this.timer = undefined;
    this.heartbeat = undefined;
    this.seen.clear();
  }

  /** The highest change so far, and the window below it marked as sent. */
  private async baseline() {
    this.seen.clear();
    this.cursor = await lastIncidentChange(this.db);
    for (const row of await this.windowRows()) this.seen.set(row.id, { version: row.version, seq: row.changeSeq });
  }

  private windowRows() {
    return changesAfter(this.db, Math.max(0, this.cursor - this.window));
  }

  private schedule() {
    if (!this.running || this.timer || this.clients.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const polling: Promise<void> = this.poll()
        .catch((error: unknown) => console.error('[gridgov] incident feed poll failed:', error))
        .finally(() => {
          // A later run may have started its own poll meanwhile: leave that one tracked.
          if (this.polling === polling) this.polling = undefined;
          this.schedule();
        });
      this.polling = polling;
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Waits for a poll in flight (tests use it before closing the store). */
  async idle(): Promise<void> {
    await this.starting?.catch(() => {});
    await this.polling;
  }

  /**
   * One look: the (id, version) pairs in the window (a cheap index range read), then the full
   * rows from the first one not yet sent on.
   */
  async poll(): Promise<void> {
    this.polls++;
    const run = this.run;
    const probe = await this.windowRows();
    if (run !== this.run) return;
    let first: number | undefined;
    for (const row of probe) {
      const before = this.seen.get(row.id);
      if (!before || before.version < row.version) {
        first = row.changeSeq;
        break;
      }
    }
    if (first === undefined) return this.advance(probe.length ? probe[probe.length - 1].changeSeq : this.cursor);
    let from = first - 1;
    for (;;) {
      const now = this.clock.now();
      const page = await listIncidents(this.db, { afterChange: from }, { limit: PAGE, offset: 0, order: 'changes' }, now);
      if (run !== this.run) return;
      for (const incident of page.incidents) {
        const before = this.seen.get(incident.id);
        if (before && before.version >= incident.version) continue;
        this.seen.set(incident.id, { version: incident.version, seq: incident.changeSeq });
        for (const client of this.clients) client.deliver(incident);
      }
      if (page.incidents.length === 0) break;
      from = page.incidents[page.incidents.length - 1].changeSeq;
      this.advance(from);
      if (page.incidents.length < PAGE) break;
    }
  }

  private advance(seq: number) {
    if (seq <= this.cursor) return;
    this.cursor = seq;
    const floor = this.cursor - this.window;
    for (const [id, entry] of this.seen) if (entry.seq <= floor) this.seen.delete(id);
    for (const client of this.clients) client.forgetBelow(floor);
  }
}
