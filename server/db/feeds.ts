/**
 * Device events: which of a batch are already stored (idempotency), and the one transaction
 * that stores the new ones with their snapshots and opens or updates incidents.
 *
 * Set-based: whatever the batch size, the transaction is a fixed handful of statements — the
 * merge locks, the open incidents of the batch's grids and categories, the snapshots' originals
 * (when the batch has any), and ONE statement that writes the events, the new incidents with
 * their first steps and the joined incidents' counts together.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.js';
import { gridAssigneeSql } from './assignment.js';
import type { CheckedSnapshot } from '../media/snapshot.js';
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

/** What identifies a stored event: its device, its id and its time (the partition key). */
export interface EventKey {
  deviceId: string;
  eventId: string;
  occurredAt: Date;
}

export const eventKey = (e: EventKey) => `${e.deviceId}\u0000${e.eventId}\u0000${e.occurredAt.getTime()}`;

/** The events of `keys` already stored, as eventKey strings. */
export async function storedEventKeys(db: Kysely<Database>, keys: EventKey[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const times = keys.map((k) => k.occurredAt.getTime());
  // The time range lets the planner visit only the months the batch falls in.
  const rows = await sql<{ device_id: string; event_id: string; occurred_at: Date }>`
    SELECT e.device_id, e.event_id, e.occurred_at
    FROM device_events e
    JOIN json_to_recordset(${JSON.stringify(keys.map((k) => ({ d: k.deviceId, e: k.eventId, o: k.occurredAt.toISOString() })))}::json) AS k(d text, e text, o timestamptz)
      ON e.device_id = k.d AND e.event_id = k.e AND e.occurred_at = k.o
    WHERE e.occurred_at BETWEEN ${new Date(Math.min(...times))} AND ${new Date(Math.max(...times))}`.execute(db);
  return new Set(rows.rows.map((r) => eventKey({ deviceId: r.device_id, eventId: r.event_id, occurredAt: new Date(r.occurred_at) })));
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
  /** The original image, checked (its thumbnail is made after the answer). */
  snapshot?: CheckedSnapshot;
}

export interface IngestOutcome {
  /** Per event (in input order): stored now, or found stored already (a concurrent re-send). */
  stored: boolean[];
  incidentOf: (number | null)[];
  created: number;
  updated: number;
  /** Media rows stored with this batch, whose thumbnails are still to be made. */
  mediaIds: number[];
}

/**
 * Stores the events in one transaction, committed before the caller answers.
 *
 * 1. Advisory locks on the batch's (grid, category) pairs, in one statement and a fixed order
 *    (two batches never wait for each other crosswise): no two batches open one incident twice.
 * 2. The open incidents of those pairs; the merge rule (incidents/merge.ts) plans, in memory,
 *    which events join which incident and which open new ones.
 * 3. The snapshots' original bytes (one multi-row insert), when the batch has any.
 * 4. One statement: new incident ids drawn from their sequence; the events inserted with their
 *    incident (ON CONFLICT DO NOTHING: a concurrent re-send stores an event once); from the
 *    events actually inserted, the new incidents (with their counts) and their first steps, and
 *    the joined incidents' counts, latest event and snapshot. A planned incident none of whose
 *    events was inserted is not created.
 */
export async function ingestEvents(db: Kysely<Database>, events: NewEvent[], options: { mergeWindowMs: number; receivedAt: Date }): Promise<IngestOutcome> {
  const outcome: IngestOutcome = { stored: events.map(() => false), incidentOf: events.map(() => null), created: 0, updated: 0, mediaIds: [] };
  if (events.length === 0) return outcome;
  return db.transaction().execute(async (trx) => {
    const pairs = [...new Set(events.filter((e) => e.gridCode).map((e) => `${e.gridCode}|${e.category}`))].sort();
    const open = await lockAndReadOpen(trx, pairs, Math.min(...events.map((e) => e.occurredAt.getTime())) - options.mergeWindowMs);
    const plan = planMerge(
      events.map((e, index): MergeEvent => ({ index, gridCode: e.gridCode, category: e.category, occurredAt: e.occurredAt.getTime() })),
      open,
      options.mergeWindowMs,
    );
    const mediaOf = await storeOriginals(trx, events);
    outcome.mediaIds = [...mediaOf.values()];

    const eventRows = events.map((e, i) => {
      const assignment = plan.assignments.get(i)!;
      return {
        i,
        d: e.deviceId,
        e: e.eventId,
        t: e.type,
        s: e.priority,
        h: e.deadlineHours,
        o: e.occurredAt.toISOString(),
        x: e.lon,
        y: e.lat,
        g: e.gridCode,
        n: 'incidentId' in assignment ? assignment.incidentId : null,
        k: 'newIncident' in assignment ? assignment.newIncident : null,
        m: mediaOf.get(i) ?? null,
      };
    });
    const incidentRows = plan.newIncidents.map((group, k) => {
      const first = events[group.events[0]];
      // The most serious alarm of the group decides the priority, and with it the deadline.
      const gravest = events[group.events.reduce((best, i) => (events[i].priority < events[best].priority ? i : best), group.events[0])];
      return {
        k,
        c: group.category,
        ds: first.description,
        src: first.source,
        rep: first.deviceId,
        x: first.lon,
        y: first.lat,
        g: first.gridCode,
        v: first.regionCode,
        // The deadline runs from when gridgov learned of it, not from the device's own clock.
        dl: new Date(options.receivedAt.getTime() + gravest.deadlineHours * 3_600_000).toISOString(),
        p: gravest.priority,
      };
    });
    const at = options.receivedAt;
    // One array per column: the events go to the database as twelve parameters, not 12,000.
    const col = <T,>(pick: (row: (typeof eventRows)[number]) => T) => eventRows.map(pick);
    const { rows } = await sql<{ d: string; e: string; n: number; created: number; joined: number }>`
      WITH ev_in AS (
        SELECT * FROM unnest(
          ${col((r) => r.i)}::int[], ${col((r) => r.d)}::text[], ${col((r) => r.e)}::text[], ${col((r) => r.t)}::text[], ${col((r) => r.s)}::int[],
          ${col((r) => r.o)}::timestamptz[], ${col((r) => r.x)}::float8[], ${col((r) => r.y)}::float8[], ${col((r) => r.g)}::text[],
          ${col((r) => r.n)}::int8[], ${col((r) => r.k)}::int[], ${col((r) => r.m)}::int8[], ${col((r) => r.h)}::float8[]
        ) AS r(i, d, e, t, s, o, x, y, g, n, k, m, h)
      ), inc_in AS (
        SELECT * FROM json_to_recordset(${JSON.stringify(incidentRows)}::json)
          AS r(k int, c text, ds text, src text, rep text, x float8, y float8, g text, v text, dl timestamptz, p int)
      ), ids AS MATERIALIZED (
        SELECT k, nextval('incidents_id_seq') AS id FROM inc_in
      ), ev AS (
        INSERT INTO device_events (device_id, event_id, type, priority, occurred_at, received_at, geom, grid_code, incident_id, media_id)
        SELECT r.d, r.e, r.t, r.s, r.o, ${at}, ST_SetSRID(ST_MakePoint(r.x, r.y), 4326), r.g, coalesce(r.n, ids.id), r.m
        FROM ev_in r LEFT JOIN ids ON ids.k = r.k
        ORDER BY r.i
        ON CONFLICT DO NOTHING
        RETURNING device_id, event_id, incident_id, occurred_at, media_id
      ), per AS (
        -- The most serious alarm among the inserted events, and the shortest deadline it brings.
        SELECT ev.incident_id AS id, count(*)::int AS n, max(ev.occurred_at) AS last, min(ev.media_id) AS media,
               min(r.s) AS priority, min(r.h) AS hours
        FROM ev JOIN ev_in r ON r.d = ev.device_id AND r.e = ev.event_id
        GROUP BY ev.incident_id
      ), created AS (
        INSERT INTO incidents (id, category, description, source, reporter, status, handling_level, handling_region, grid_code, geom,
                               reported_at, deadline_at, updated_at, event_count, last_event_at, media_id, priority, assignee_staff_id)
        SELECT ids.id, c.c, c.ds, c.src, c.rep, 'reported', CASE WHEN c.g IS NULL THEN 'county' ELSE 'grid' END, c.v, c.g,
               ST_SetSRID(ST_MakePoint(c.x, c.y), 4326), ${at}, c.dl, ${at}, per.n, per.last, per.media, c.p,
               ${gridAssigneeSql(sql`c.g`)}
        FROM inc_in c JOIN ids ON ids.k = c.k JOIN per ON per.id = ids.id
        ORDER BY c.k
        RETURNING id, handling_level, assignee_staff_id
      ), steps AS (
        INSERT INTO incident_transitions (incident_id, from_status, to_status, from_level, to_level, actor, note, at, assignee_staff_id)
        SELECT id, NULL, 'reported', NULL, handling_level, 'feed', NULL, ${at}, assignee_staff_id FROM created ORDER BY id
      ), joined AS (
        UPDATE incidents i SET
          event_count = i.event_count + per.n,
          last_event_at = greatest(i.last_event_at, per.last),
          media_id = coalesce(i.media_id, per.media),
          -- A more serious alarm joining an open incident raises its priority and brings its
          -- deadline forward (counted from the incident's report); a deadline is never pushed back.
          priority = least(i.priority, per.priority),
          deadline_at = least(i.deadline_at, i.reported_at + make_interval(secs => per.hours * 3600)),
          updated_at = ${at},
          version = i.version + 1,
          change_seq = nextval('incident_change_seq')
        FROM per
        WHERE i.id = per.id AND per.id NOT IN (SELECT id FROM ids)
        RETURNING i.id
      )
      SELECT ev.device_id AS d, ev.event_id AS e, ev.incident_id AS n,
             (SELECT count(*) FROM created)::int AS created, (SELECT count(*) FROM joined)::int AS joined
      FROM ev`.execute(trx);

    const indexOf = new Map(events.map((e, i) => [`${e.deviceId}\u0000${e.eventId}`, i]));
    for (const row of rows) {
      const i = indexOf.get(`${row.d}\u0000${row.e}`)!;
      outcome.stored[i] = true;
      outcome.incidentOf[i] = Number(row.n);
    }
    outcome.created = rows.length ? Number(rows[0].created) : 0;
    outcome.updated = rows.length ? Number(rows[0].joined) : 0;
    return outcome;
  });
}

/** Locks the (grid, category) pairs, then reads their open incidents that a batch could join. */
async function lockAndReadOpen(trx: Transaction<Database>, pairs: string[], since: number): Promise<OpenIncident[]> {
  if (pairs.length === 0) return [];
  // The read must be a statement of its own, after the locks: a statement sees what was
  // committed when it began, and a batch that held a lock may have committed meanwhile.
  await sql`SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT DISTINCT hashtext(p) AS k FROM unnest(${pairs}::text[]) AS p ORDER BY 1) s`.execute(trx);
  const { rows } = await sql<{ id: number; grid_code: string; category: string; last_event_at: Date }>`
    SELECT i.id, i.grid_code, i.category, i.last_event_at
    FROM incidents i
    JOIN (SELECT split_part(p, '|', 1) AS g, split_part(p, '|', 2) AS c FROM unnest(${pairs}::text[]) AS p) p
      ON i.grid_code = p.g AND i.category = p.c
    WHERE i.status IN (${sql.join([...OPEN_STATUSES])})
      AND i.last_event_at >= ${new Date(since)}`.execute(trx);
  return rows.map((r) => ({ id: Number(r.id), gridCode: r.grid_code, category: r.category, lastEventAt: new Date(r.last_event_at).getTime() }));
}

/** The snapshots' originals, in one multi-row insert; media id by event index. */
async function storeOriginals(trx: Transaction<Database>, events: NewEvent[]): Promise<Map<number, number>> {
  const withImage = events.flatMap((e, i) => (e.snapshot ? [i] : []));
  if (withImage.length === 0) return new Map();
  const media = await trx
    .insertInto('media')
    .values(withImage.map((i) => {
      const s = events[i].snapshot!;
      return { content_type: s.contentType, bytes: s.bytes, thumb: null, width: s.width, height: s.height, sha256: s.sha256 };
    }))
    .returning('id')
    .execute();
  // Ids come back in the order of the rows.
  return new Map(withImage.map((i, k) => [i, Number(media[k].id)]));
}
