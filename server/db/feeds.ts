/**
 * Device events: which of a batch are already stored (idempotency), and the one transaction
 * that stores the new ones with their snapshots and opens or updates incidents.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.js';
import { insertIncidents, type NewIncident } from './incidents.js';
import type { Snapshot } from '../media/snapshot.js';
import { planMerge, type MergeEvent, type OpenIncident } from '../incidents/merge.js';
import { OPEN_STATUSES } from '../incidents/states.js';

export interface FeedDevice {
  id: string;
  kind: 'camera' | 'sensor';
  name: string;
  version: number;
  lon: number;
  lat: number;
  centerRegion: string | null;
  sector: string | null;
}

/** Live devices by id (deleted ones are absent). */
export async function feedDevices(db: Kysely<Database>, ids: string[]): Promise<Map<string, FeedDevice>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('devices as d')
    .select(['d.id', 'd.kind', 'd.name', 'd.version', 'd.center_region', sql<number>`ST_X(d.geom)`.as('lon'), sql<number>`ST_Y(d.geom)`.as('lat'), sql<string | null>`ST_AsGeoJSON(d.sector, 9)`.as('sector')])
    .where('d.id', 'in', ids)
    .where('d.deleted_at', 'is', null)
    .execute();
  return new Map(
    rows.map((r) => [r.id, { id: r.id, kind: r.kind, name: r.name, version: Number(r.version), lon: Number(r.lon), lat: Number(r.lat), centerRegion: r.center_region, sector: r.sector }]),
  );
}

/** The (device, event) pairs of `keys` already stored, as "device\u0000event". */
export async function storedEventKeys(db: Kysely<Database>, keys: { deviceId: string; eventId: string }[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await sql<{ device_id: string; event_id: string }>`
    SELECT e.device_id, e.event_id
    FROM device_events e
    JOIN json_to_recordset(${JSON.stringify(keys)}::json) AS k("deviceId" text, "eventId" text)
      ON e.device_id = k."deviceId" AND e.event_id = k."eventId"`.execute(db);
  return new Set(rows.rows.map((r) => `${r.device_id}\u0000${r.event_id}`));
}

export interface NewEvent {
  deviceId: string;
  eventId: string;
  type: string;
  /** GB/T 28181 AlarmPriority: 1 (一级, most serious) … 4. */
  priority: number;
  occurredAt: Date;
  lon: number;
  lat: number;
  gridCode: string | null;
  /** The grid's village, or where the device says it belongs (GB/T 28181 center) outside grids. */
  regionCode: string | null;
  category: string;
  /** The category's deadline for this event's priority (server/incidents/rules.ts: deadlineHoursFor). */
  deadlineHours: number;
  source: 'camera' | 'sensor';
  description: string;
  snapshot?: Snapshot;
}

export interface IngestOutcome {
  /** Per event (in input order): stored now, or found stored already (a concurrent re-send). */
  stored: boolean[];
  incidentOf: (number | null)[];
  created: number;
  updated: number;
}

/**
 * Stores the events in one transaction, committed before the caller answers: events first
 * (ON CONFLICT DO NOTHING, so a concurrent re-send of the same event stores it once), then
 * snapshots of the stored ones, then incidents by the merge rule. Open incidents of each
 * (grid, category) are locked with an advisory lock so that two batches cannot both open one.
 */
export async function ingestEvents(db: Kysely<Database>, events: NewEvent[], options: { mergeWindowMs: number; receivedAt: Date }): Promise<IngestOutcome> {
  return db.transaction().execute(async (trx) => {
    const outcome: IngestOutcome = { stored: events.map(() => false), incidentOf: events.map(() => null), created: 0, updated: 0 };
    if (events.length === 0) return outcome;
    const rows = events.map((e, i) => ({ i, d: e.deviceId, e: e.eventId, t: e.type, s: e.priority, o: e.occurredAt.toISOString(), x: e.lon, y: e.lat, g: e.gridCode }));
    const inserted = await sql<{ device_id: string; event_id: string }>`
      INSERT INTO device_events (device_id, event_id, type, priority, occurred_at, received_at, geom, grid_code)
      SELECT r.d, r.e, r.t, r.s, r.o, ${options.receivedAt}, ST_SetSRID(ST_MakePoint(r.x, r.y), 4326), r.g
      FROM json_to_recordset(${JSON.stringify(rows)}::json) AS r(i int, d text, e text, t text, s int, o timestamptz, x float8, y float8, g text)
      ORDER BY r.i
      ON CONFLICT (device_id, event_id) DO NOTHING
      RETURNING device_id, event_id`.execute(trx);
    const indexOf = new Map(events.map((e, i) => [`${e.deviceId}\u0000${e.eventId}`, i]));
    const fresh = inserted.rows.map((r) => indexOf.get(`${r.device_id}\u0000${r.event_id}`)!).sort((a, b) => a - b);
    for (const i of fresh) outcome.stored[i] = true;
    if (fresh.length === 0) return outcome;

    await storeSnapshots(trx, events, fresh);
    await assignIncidents(trx, events, fresh, options, outcome);
    return outcome;
  });
}

async function storeSnapshots(trx: Transaction<Database>, events: NewEvent[], fresh: number[]): Promise<void> {
  const withImage = fresh.filter((i) => events[i].snapshot);
  if (withImage.length === 0) return;
  // One multi-row insert; ids come back in the order of the rows.
  const media = await trx
    .insertInto('media')
    .values(withImage.map((i) => {
      const s = events[i].snapshot!;
      return { content_type: s.contentType, bytes: s.bytes, thumb: s.thumb, width: s.width, height: s.height, sha256: s.sha256 };
    }))
    .returning('id')
    .execute();
  const links = withImage.map((i, k) => ({ d: events[i].deviceId, e: events[i].eventId, m: Number(media[k].id) }));
  await sql`
    UPDATE device_events e SET media_id = l.m
    FROM json_to_recordset(${JSON.stringify(links)}::json) AS l(d text, e text, m bigint)
    WHERE e.device_id = l.d AND e.event_id = l.e`.execute(trx);
}

async function assignIncidents(trx: Transaction<Database>, events: NewEvent[], fresh: number[], options: { mergeWindowMs: number; receivedAt: Date }, outcome: IngestOutcome): Promise<void> {
  const pairs = [...new Set(fresh.filter((i) => events[i].gridCode).map((i) => `${events[i].gridCode}|${events[i].category}`))].sort();
  // All in one statement, in a fixed order, so that two batches never wait for each other's locks crosswise.
  if (pairs.length) {
    await sql`SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT DISTINCT hashtext(p) AS k FROM unnest(${pairs}::text[]) AS p ORDER BY 1) s`.execute(trx);
  }
  const earliest = Math.min(...fresh.map((i) => events[i].occurredAt.getTime()));
  const open: OpenIncident[] = pairs.length
    ? (
        await sql<{ id: number; grid_code: string; category: string; last_event_at: Date }>`
          SELECT i.id, i.grid_code, i.category, i.last_event_at
          FROM incidents i
          JOIN json_to_recordset(${JSON.stringify(pairs.map((p) => ({ g: p.split('|')[0], c: p.split('|')[1] })))}::json) AS p(g text, c text)
            ON i.grid_code = p.g AND i.category = p.c
          WHERE i.status IN (${sql.join([...OPEN_STATUSES])})
            AND i.last_event_at >= ${new Date(earliest - options.mergeWindowMs)}`.execute(trx)
      ).rows.map((r) => ({ id: Number(r.id), gridCode: r.grid_code, category: r.category, lastEventAt: new Date(r.last_event_at).getTime() }))
    : [];
  const mergeEvents: MergeEvent[] = fresh.map((i) => ({ index: i, gridCode: events[i].gridCode, category: events[i].category, occurredAt: events[i].occurredAt.getTime() }));
  const plan = planMerge(mergeEvents, open, options.mergeWindowMs);

  const newIncidents: NewIncident[] = plan.newIncidents.map((group) => {
    const first = events[group.events[0]];
    // The most serious alarm of the group decides the priority, and with it the deadline.
    const gravest = group.events.reduce((best, i) => (events[i].priority < events[best].priority ? i : best), group.events[0]);
    return {
      category: group.category,
      description: first.description,
      source: first.source,
      reporter: first.deviceId,
      address: null,
      lon: first.lon,
      lat: first.lat,
      gridCode: first.gridCode,
      villageCode: first.regionCode,
      // The deadline runs from when gridgov learned of it, not from the device's own clock.
      reportedAt: options.receivedAt,
      deadlineAt: new Date(options.receivedAt.getTime() + events[gravest].deadlineHours * 3_600_000),
      priority: events[gravest].priority,
    };
  });
  const newIds = await insertIncidents(trx, newIncidents, 'feed');
  outcome.created = newIds.length;
  outcome.updated = plan.joined.size;

  const links: { d: string; e: string; n: number; h: number }[] = [];
  for (const i of fresh) {
    const assignment = plan.assignments.get(i)!;
    const id = 'incidentId' in assignment ? assignment.incidentId : newIds[assignment.newIncident];
    outcome.incidentOf[i] = id;
    links.push({ d: events[i].deviceId, e: events[i].eventId, n: id, h: events[i].deadlineHours });
  }
  await sql`
    UPDATE device_events e SET incident_id = l.n
    FROM json_to_recordset(${JSON.stringify(links)}::json) AS l(d text, e text, n bigint)
    WHERE e.device_id = l.d AND e.event_id = l.e`.execute(trx);
  // Event counts, the latest event, and a snapshot for incidents that have none yet. A more
  // serious alarm joining an open incident raises its priority and brings its deadline forward
  // (counted from the incident's report); a deadline is never pushed back.
  await sql`
    UPDATE incidents i SET
      event_count = i.event_count + s.n,
      last_event_at = greatest(i.last_event_at, s.last),
      media_id = coalesce(i.media_id, s.media),
      priority = least(i.priority, s.priority),
      deadline_at = least(i.deadline_at, i.reported_at + make_interval(secs => s.hours * 3600)),
      updated_at = ${options.receivedAt},
      version = CASE WHEN i.event_count = 0 THEN i.version ELSE i.version + 1 END,
      change_seq = nextval('incident_change_seq')
    FROM (
      SELECT e.incident_id AS id, count(*) AS n, max(e.occurred_at) AS last, min(e.media_id) AS media,
             min(e.priority) AS priority, min(l.h) AS hours
      FROM device_events e
      JOIN json_to_recordset(${JSON.stringify(links)}::json) AS l(d text, e text, n bigint, h float8) ON e.device_id = l.d AND e.event_id = l.e
      GROUP BY e.incident_id
    ) s
    WHERE i.id = s.id`.execute(trx);
}
