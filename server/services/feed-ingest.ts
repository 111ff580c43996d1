/**
 * Camera and sensor events → stored events → incidents. Each event of a batch is checked on its
 * own: a bad one (unknown device, bad time, corrupt image…) is refused with its reason and the
 * rest still count. A re-sent event (same device and event id) is acknowledged as a duplicate
 * and creates nothing. Everything accepted is committed before the answer.
 *
 * Where an event happened: its own lon/lat when given (the target a camera saw), else the
 * sensor's position, else — for a camera — the grid that holds the largest share of its view.
 */
import type { Kysely } from 'kysely';
import type { Polygon } from 'geojson';
import type { Database } from '../db/schema.js';
import type { Clock } from '../clock.js';
import { eventKey, feedDevices, ingestEvents, storedEventKeys, type FeedDevice, type NewEvent } from '../db/feeds.js';
import { categoryOf, deadlineHoursFor, type IncidentRules } from '../incidents/rules.js';
import { DEFAULT_PRIORITY, parseAlarmPriority, type AlarmPriority } from '../incidents/priority.js';
import { unstorableText } from '../formats/encoding.js';
import { samplePolygon } from '../geo/coverage.js';
import { mapLimited } from './concurrency.js';
import { toWgs84, type CrsName } from '../geo/crs.js';
import { coordinateProblem, type Problem } from '../geo/validate.js';
import { checkSnapshot, defaultSnapshotLimits, type SnapshotLimits } from '../media/snapshot.js';
import { Thumbnailer } from '../media/thumbnailer.js';
import { EventPartitions } from '../jobs/event-partitions.js';
import { beyondReach } from '../geo/reach.js';
import { devicePlace } from '../access/places.js';
import type { GridLocator, LocatorSnapshot } from './grid-locator.js';
import { shown, text, type Text } from '../i18n/catalogue.js';
import { asReader } from '../db/audit-context.js';

export const MAX_FEED_BATCH = 1000;
/** An event dated this far in the future is a device clock gone wrong. */
const MAX_FUTURE_MS = 10 * 60_000;
const EVENT_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
const EVENT_TYPE = /^[a-z][a-z0-9_]{0,39}$/;
/** The whole of occurredAt: Date.parse alone takes trailing junk and other non-ISO forms. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;
/** Snapshot headers read at once (sharp uses its own threads; more would only queue). */
const SNAPSHOT_CONCURRENCY = 4;

export type EventResult =
  | { index: number; status: 'accepted'; incidentId: number; gridCode: string | null; mediaStored: boolean }
  | { index: number; status: 'duplicate' }
  | { index: number; status: 'rejected'; code: string; reason: Text };

export interface IngestReport {
  accepted: number;
  duplicates: number;
  rejected: number;
  incidents: { created: number; updated: number };
  results: EventResult[];
}

interface ParsedEvent {
  index: number;
  deviceId: string;
  eventId: string;
  type: string;
  priority: AlarmPriority;
  occurredAt: Date;
  point?: [number, number];
  snapshot?: unknown;
  /** What the device says happened (a GB/T 28181 AlarmDescription): the incident's description. */
  description?: string;
}

/** An event refused before it reached the ingest (unreadable in its own format): counted as refused with its problem. */
export class RefusedEvent {
  constructor(readonly problem: Problem) {}
}

const MAX_DESCRIPTION = 2000;

function parseEvent(value: unknown, index: number, crs: CrsName, now: number): ParsedEvent | Problem {
  const invalid = (message: Text): Problem => ({ code: 'invalid_event', message });
  if (value instanceof RefusedEvent) return value.problem;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return invalid(text('invalid_event.object'));
  const e = value as Record<string, unknown>;
  if (typeof e.deviceId !== 'string' || e.deviceId === '') return invalid(text('invalid_event.device_id'));
  if (typeof e.eventId !== 'string' || !EVENT_ID.test(e.eventId)) return invalid(text('invalid_event.event_id'));
  if (typeof e.type !== 'string' || !EVENT_TYPE.test(e.type)) return invalid(text('invalid_event.type'));
  const priority = e.severity === undefined || e.severity === null ? DEFAULT_PRIORITY : parseAlarmPriority(e.severity);
  if (priority === undefined) return invalid(text('invalid_event.severity', { got: shown(e.severity, 40) }));
  const occurredAt = typeof e.occurredAt === 'string' && DATE_TIME.test(e.occurredAt) ? new Date(e.occurredAt) : new Date(NaN);
  if (Number.isNaN(occurredAt.getTime())) return invalid(text('invalid_event.occurred_at'));
  if (occurredAt.getTime() > now + MAX_FUTURE_MS) return invalid(text('invalid_event.future', { at: String(e.occurredAt) }));
  const parsed: ParsedEvent = { index, deviceId: e.deviceId, eventId: e.eventId, type: e.type, priority, occurredAt, snapshot: e.snapshot };
  if (e.description !== undefined && e.description !== null) {
    if (typeof e.description !== 'string' || e.description.length > MAX_DESCRIPTION) return invalid(text('invalid_event.description', { max: MAX_DESCRIPTION }));
    const broken = unstorableText(e.description);
    if (broken) return invalid(text('invalid_event.description_text', { problem: broken }));
    if (e.description.trim() !== '') parsed.description = e.description.trim();
  }
  if (e.lon !== undefined || e.lat !== undefined) {
    const problem = coordinateProblem(e.lon, e.lat);
    if (problem) return problem;
    parsed.point = toWgs84(e.lon as number, e.lat as number, crs);
  }
  return parsed;
}

function dominantGrid(sector: Polygon, snapshot: LocatorSnapshot): string | null {
  const votes = new Map<number, number>();
  for (const [x, y] of samplePolygon(sector, 12)) {
    const grid = snapshot.index.locate(x, y);
    if (grid >= 0) votes.set(grid, (votes.get(grid) ?? 0) + 1);
  }
  let best = -1;
  for (const [grid, count] of votes) if (best < 0 || count > votes.get(best)! || (count === votes.get(best)! && grid < best)) best = grid;
  return best < 0 ? null : snapshot.grids[best].code;
}

/** What the caller of an ingest may report (see FeedIngest.ingest). */
export interface FeedAccess {
  /** Whether it may send events of this device (a device key: its own devices only). */
  mayReport: (deviceId: string) => boolean;
  /** Whether a place (grid or region code; '' for nowhere) lies in its key's area. */
  covers: (place: string) => boolean;
}

const everything: FeedAccess = { mayReport: () => true, covers: () => true };

export class FeedIngest {
  /** A camera's main grid, per locator snapshot (grids changed → computed again). */
  private cameraGrids = new WeakMap<LocatorSnapshot, Map<string, string | null>>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly rules: IncidentRules,
    private readonly clock: Clock,
    private readonly locator: GridLocator,
    private readonly snapshotLimits: SnapshotLimits = defaultSnapshotLimits,
    /** Thumbnails are made here after the answer. */
    readonly thumbnailer: Thumbnailer = new Thumbnailer(db, snapshotLimits),
    /** The months of device_events, and how long events are kept. */
    readonly partitions: EventPartitions = new EventPartitions(db, clock),
  ) {}

  /**
   * `access` says what the caller may report: the devices of a device key, and the area of its
   * key. An event of another device, of a device outside the area, placed outside the area or
   * beyond the device's reach (server/geo/reach.ts) is refused on its own, like any bad event.
   */
  async ingest(values: unknown[], crs: CrsName, access: FeedAccess = everything): Promise<IngestReport> {
    // Thumbnails wait while batches are in flight: in a storm the CPU goes to the ingest.
    const release = this.thumbnailer.busy();
    try {
      return await this.ingestBatch(values, crs, access);
    } finally {
      release();
    }
  }

  private async ingestBatch(values: unknown[], crs: CrsName, access: FeedAccess): Promise<IngestReport> {
    const { mayReport, covers } = access;
    const receivedAt = this.clock.now();
    const results: EventResult[] = new Array(values.length);
    const reject = (index: number, code: string, reason: Text) => (results[index] = { index, status: 'rejected', code, reason });

    const candidates: ParsedEvent[] = [];
    const seen = new Set<string>();
    const oldestKept = this.partitions.oldestKept(receivedAt);
    values.forEach((value, index) => {
      const parsed = parseEvent(value, index, crs, receivedAt.getTime());
      if ('code' in parsed) return reject(index, parsed.code, parsed.message);
      if (parsed.occurredAt < oldestKept) {
        return reject(index, 'event_expired', text('event_expired', { at: parsed.occurredAt.toISOString(), days: this.partitions.retentionDays }));
      }
      if (!mayReport(parsed.deviceId)) return reject(index, 'forbidden_device', text('forbidden_device', { id: parsed.deviceId }));
      const key = `${parsed.deviceId}\u0000${parsed.eventId}`;
      if (seen.has(key)) return (results[index] = { index, status: 'duplicate' });
      seen.add(key);
      candidates.push(parsed);
    });

    // Only events carrying an image are looked up as already stored before the transaction (a
    // re-sent image costs no decoding and stores no second original); every other duplicate is
    // found by the events' INSERT itself (ON CONFLICT DO NOTHING), which saves a query a batch.
    // Look-ups as a reader: they write nothing, so their connections need no author (two round
    // trips each saved); only the transaction below carries the request's.
    const [devices, stored, snapshot] = await asReader(() =>
      Promise.all([
        feedDevices(this.db, [...new Set(candidates.map((c) => c.deviceId))]),
        storedEventKeys(this.db, candidates.filter((c) => c.snapshot !== undefined)),
        this.locator.live(),
      ]),
    );
    // Events refused below for their place or reach, which a stored event is acknowledged as a
    // duplicate before (checked once, after the loop, as before the transaction).
    const refusedUnlessStored: { event: ParsedEvent; code: string; reason: Text }[] = [];
    const refuse = (c: ParsedEvent, code: string, reason: Text) => {
      if (c.snapshot === undefined) refusedUnlessStored.push({ event: c, code, reason });
      else reject(c.index, code, reason);
    };
    const fresh: { event: ParsedEvent; placed: Omit<NewEvent, 'snapshot'> }[] = [];
    for (const c of candidates) {
      const device = devices.get(c.deviceId);
      if (!device) {
        reject(c.index, 'unknown_device', text('unknown_device.feed', { id: c.deviceId }));
        continue;
      }
      if (stored.has(eventKey(c))) {
        results[c.index] = { index: c.index, status: 'duplicate' };
        continue;
      }
      const at = snapshot.index.locate(device.lon, device.lat);
      if (!covers(devicePlace(at < 0 ? null : snapshot.grids[at]!.code, device.centerRegion))) {
        refuse(c, 'out_of_scope', text('out_of_scope.device', { id: c.deviceId }));
        continue;
      }
      const beyond = c.point ? beyondReach(c.point, { lon: device.lon, lat: device.lat, sector: device.sector ? (JSON.parse(device.sector) as Polygon) : null }) : 0;
      if (beyond > 0) {
        refuse(c, 'beyond_device_reach', text('beyond_device_reach', { metres: Math.round(beyond), id: c.deviceId }));
        continue;
      }
      const placed = this.placed(c, device, snapshot);
      if (!covers(placed.gridCode ?? placed.regionCode ?? '')) {
        refuse(c, 'out_of_scope', text('out_of_scope.event'));
        continue;
      }
      fresh.push({ event: c, placed });
    }
    if (refusedUnlessStored.length > 0) {
      const storedRefused = await asReader(() => storedEventKeys(this.db, refusedUnlessStored.map((r) => r.event)));
      for (const { event: c, code, reason } of refusedUnlessStored) {
        if (storedRefused.has(eventKey(c))) results[c.index] = { index: c.index, status: 'duplicate' };
        else reject(c.index, code, reason);
      }
    }

    // Images only for events not stored yet: a re-sent batch costs no decoding. Only what needs
    // no pixels is checked here; the thumbnail is made after the answer.
    const snapshots = await mapLimited(fresh, SNAPSHOT_CONCURRENCY, ({ event: c }) => (c.snapshot === undefined ? Promise.resolve(undefined) : checkSnapshot(c.snapshot, this.snapshotLimits)));
    const events: NewEvent[] = [];
    const indexes: number[] = [];
    for (const [k, { event: c, placed }] of fresh.entries()) {
      const image = snapshots[k];
      if (image && !image.ok) {
        reject(c.index, image.code, image.reason);
        continue;
      }
      events.push({ ...placed, snapshot: image?.ok ? image.value : undefined });
      indexes.push(c.index);
    }

    await this.partitions.ensure(events.map((e) => e.occurredAt.getTime()));
    const outcome = await ingestEvents(this.db, events, { mergeWindowMs: this.rules.mergeWindowMinutes * 60_000, receivedAt });
    this.thumbnailer.schedule(outcome.mediaIds);
    events.forEach((event, k) => {
      const index = indexes[k];
      results[index] = outcome.stored[k]
        ? { index, status: 'accepted', incidentId: outcome.incidentOf[k]!, gridCode: event.gridCode, mediaStored: event.snapshot !== undefined }
        : { index, status: 'duplicate' }; // stored already (a re-send), or by a concurrent one meanwhile
    });
    const count = (status: EventResult['status']) => results.filter((r) => r.status === status).length;
    return { accepted: count('accepted'), duplicates: count('duplicate'), rejected: count('rejected'), incidents: { created: outcome.created, updated: outcome.updated }, results };
  }

  private placed(c: ParsedEvent, device: FeedDevice, snapshot: LocatorSnapshot): Omit<NewEvent, 'snapshot'> {
    const [lon, lat] = c.point ?? [device.lon, device.lat];
    let gridIndex = snapshot.index.locate(lon, lat);
    if (!c.point && device.kind === 'camera' && device.sector) {
      const code = this.cameraGrid(device, snapshot);
      gridIndex = code === null ? -1 : snapshot.grids.findIndex((g) => g.code === code);
    }
    const grid = gridIndex < 0 ? undefined : snapshot.grids[gridIndex];
    const category = categoryOf(this.rules, this.rules.eventCategories[c.type] ?? this.rules.fallbackCategory)!;
    return {
      deviceId: c.deviceId,
      eventId: c.eventId,
      type: c.type,
      priority: c.priority,
      occurredAt: c.occurredAt,
      lon,
      lat,
      gridCode: grid?.code ?? null,
      regionCode: grid?.regionCode ?? device.centerRegion,
      category: category.code,
      deadlineHours: deadlineHoursFor(category, c.priority),
      source: device.kind,
      description: c.description ?? `${c.type} · ${device.name}`,
    };
  }

  /**
   * The grid that holds most of a camera's view, by sampling its sector on a lattice and
   * locating each sample in memory (microseconds, no query): a share estimate good to a few
   * per cent, which is all "the grid it mostly sees" needs. Exact shares are in GET /api/devices.
   */
  private cameraGrid(device: FeedDevice, snapshot: LocatorSnapshot): string | null {
    let cache = this.cameraGrids.get(snapshot);
    if (!cache) this.cameraGrids.set(snapshot, (cache = new Map()));
    const key = `${device.id}\u0000${device.version}`;
    if (!cache.has(key)) cache.set(key, dominantGrid(JSON.parse(device.sector!) as Polygon, snapshot));
    return cache.get(key)!;
  }
}
