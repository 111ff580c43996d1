/**
 * Incidents and their transitions: create, read, list with filters, change status, escalate.
 * Times come from the caller's clock (deadlines and lights must be testable); the light is
 * computed in SQL with the same rule as incidents/light.ts.
 */
import { sql, type Expression, type InferResult, type Kysely, type SqlBool, type Transaction } from 'kysely';
import type { Database } from './schema.js';
import { notFoundError, conflictError, staleError } from '../domain-errors.js';
import { canTransition, nextStatuses, OPEN_STATUSES, type IncidentStatus } from '../incidents/states.js';
import { YELLOW_FROM, type Light } from '../incidents/light.js';
import { gridAssigneeSql, regionAssigneeSql } from './assignment.js';
import { insertMedia } from './media.js';
import { text } from '../i18n/catalogue.js';
import { statusWord } from '../i18n/words.js';
import { DEFAULT_PRIORITY } from '../incidents/priority.js';
import type { Snapshot } from '../media/snapshot.js';


/** The answer for an id that names nothing. */
export function unknownIncident(id: number) {
  return notFoundError('unknown_incident', text('unknown_incident', { id }));
}
import type { Assignee, HandlingLevel, Incident, IncidentSource, Transition } from '../api-types/incidents.js';

export type { Assignee, HandlingLevel, Incident, IncidentSource, Transition };

export interface NewIncident {
  category: string;
  description: string | null;
  source: IncidentSource;
  reporter: string | null;
  address: string | null;
  lon: number;
  lat: number;
  gridCode: string | null;
  /** The village of the grid (handled at grid level), or null outside every grid (county level). */
  villageCode: string | null;
  reportedAt: Date;
  deadlineAt: Date;
  mediaId?: number | null;
  /** GB/T 28181 alarm priority of the events that opened it (1 = 一级 … 4); none for people's reports. */
  priority?: number | null;
  /** The staff member who reported it (a worker's phone). */
  reporterStaffId?: number | null;
}

export interface ChangeMeta {
  actor: string;
  note: string | null;
  at: Date;
  /** The staff member acting (a worker key). */
  actorStaffId?: number | null;
  /** A photo (checked and thumbnailed: media/snapshot.ts) kept with the step, in its transaction. */
  photo?: Snapshot;
  publicNote?: string | null;
}

/**
 * The light at `now` in SQL (alias `i`): the clock stops when the incident is resolved or
 * rejected (resolved_at), as lightAt() does with the moment it is given.
 */
export function lightSql(now: Date) {
  return sql<Light>`CASE
    WHEN coalesce(i.resolved_at, ${now}::timestamptz) > i.deadline_at THEN 'red'
    WHEN coalesce(i.resolved_at, ${now}::timestamptz) >= i.reported_at + (i.deadline_at - i.reported_at) * ${YELLOW_FROM}::float8 THEN 'yellow'
    ELSE 'green' END`;
}

const columns = (now: Date) =>
  [
    'i.id',
    'i.category',
    'i.description',
    'i.source',
    'i.reporter',
    'i.address',
    'i.status',
    'i.handling_level',
    'i.handling_region',
    'i.grid_code',
    'i.reported_at',
    'i.deadline_at',
    'i.resolved_at',
    'i.closed_at',
    'i.updated_at',
    'i.event_count',
    'i.media_id',
    'i.priority',
    'i.version',
    'i.change_seq',
    'i.assignee_staff_id',
    'i.reporter_staff_id',
    sql<string | null>`(SELECT s.name FROM staff s WHERE s.id = i.assignee_staff_id)`.as('assignee_name'),
    sql<string | null>`(SELECT s.duty FROM staff s WHERE s.id = i.assignee_staff_id)`.as('assignee_duty'),
    sql<number>`ST_X(i.geom)`.as('lon'),
    sql<number>`ST_Y(i.geom)`.as('lat'),
    lightSql(now).as('light'),
  ] as const;

/** The columns above as a query: its rows are what toIncident reads (their type inferred from the schema). */
const selectIncidents = (db: Kysely<Database>, now: Date) => db.selectFrom('incidents as i').select(columns(now));
type Row = InferResult<ReturnType<typeof selectIncidents>>[number];

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function toIncident(row: Row): Incident {
  return {
    id: Number(row.id),
    category: row.category,
    description: row.description,
    source: row.source,
    reporter: row.reporter,
    address: row.address,
    status: row.status as IncidentStatus,
    light: row.light,
    handlingLevel: row.handling_level,
    handlingRegion: row.handling_region,
    gridCode: row.grid_code,
    lon: Number(row.lon),
    lat: Number(row.lat),
    reportedAt: iso(row.reported_at)!,
    deadlineAt: iso(row.deadline_at)!,
    resolvedAt: iso(row.resolved_at),
    closedAt: iso(row.closed_at),
    updatedAt: iso(row.updated_at)!,
    eventCount: Number(row.event_count),
    mediaId: row.media_id === null ? null : Number(row.media_id),
    priority: row.priority === null ? null : Number(row.priority),
    version: Number(row.version),
    changeSeq: Number(row.change_seq),
    assignee: row.assignee_staff_id === null ? null : { staffId: Number(row.assignee_staff_id), name: row.assignee_name ?? '', duty: row.assignee_duty ?? '' },
    reporterStaffId: row.reporter_staff_id === null ? null : Number(row.reporter_staff_id),
  };
}

/** Inserts incidents (each with its first transition) and returns their ids, in order. */
export async function insertIncidents(trx: Transaction<Database> | Kysely<Database>, incidents: NewIncident[], actor: string): Promise<number[]> {
  if (incidents.length === 0) return [];
  const rows = incidents.map((n) => ({
    category: n.category,
    description: n.description,
    source: n.source,
    reporter: n.reporter,
    address: n.address,
    status: 'reported',
    handling_level: (n.gridCode ? 'grid' : 'county') as HandlingLevel,
    handling_region: n.villageCode,
    grid_code: n.gridCode,
    geom: sql<string>`ST_SetSRID(ST_MakePoint(${n.lon}, ${n.lat}), 4326)`,
    reported_at: n.reportedAt,
    deadline_at: n.deadlineAt,
    updated_at: n.reportedAt,
    // Set from the events that join it (device feeds); the merge rule compares event times.
    last_event_at: null,
    event_count: 0,
    media_id: n.mediaId ?? null,
    reporter_staff_id: n.reporterStaffId ?? null,
    // The grid's full-time worker, else its leader (server/db/assignment.ts).
    assignee_staff_id: gridAssigneeSql(n.gridCode),
    priority: n.priority ?? null,
  }));
  const inserted = await trx.insertInto('incidents').values(rows).returning(['id', 'assignee_staff_id']).execute();
  const ids = inserted.map((row) => Number(row.id));
  await trx
    .insertInto('incident_transitions')
    .values(
      ids.map((id, k) => ({
        incident_id: id,
        from_status: null,
        to_status: 'reported',
        from_level: null,
        to_level: rows[k].handling_level,
        actor,
        note: null,
        at: incidents[k].reportedAt,
        actor_staff_id: incidents[k].reporterStaffId ?? null,
        assignee_staff_id: inserted[k].assignee_staff_id === null ? null : Number(inserted[k].assignee_staff_id),
        media_id: incidents[k].mediaId ?? null,
        public_note: null,
      })),
    )
    .execute();
  return ids;
}

/** An incident as it happened, with its whole way through the loop: what a history import writes. */
export interface PastIncident extends NewIncident {
  status: IncidentStatus;
  handlingLevel: HandlingLevel;
  handlingRegion: string | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  /** Who has it now (the staff member it was dispatched or escalated to), if anyone. */
  assigneeStaffId?: number | null;
  /** Every step after the report (which is written from reportedAt), in time order; a staff member's own steps name them. */
  steps: {
    from: IncidentStatus;
    to: IncidentStatus;
    fromLevel: HandlingLevel;
    toLevel: HandlingLevel;
    actor: string;
    note: string | null;
    at: Date;
    actorStaffId?: number | null;
    assigneeStaffId?: number | null;
  }[];
}

/**
 * Writes incidents that already went (part of) their way — the demo's 90 days of history — in
 * two statements, instead of one transaction per step: the rows end as transitionIncident and
 * escalateIncident would have left them, and every step is in incident_transitions.
 */
export async function insertPastIncidents(db: Kysely<Database>, incidents: PastIncident[], actor: string): Promise<number> {
  if (incidents.length === 0) return 0;
  return db.transaction().execute(async (trx) => {
    let written = 0;
    for (let start = 0; start < incidents.length; start += 500) {
      const chunk = incidents.slice(start, start + 500);
      const inserted = await trx
        .insertInto('incidents')
        .values(
          chunk.map((n) => ({
            category: n.category,
            description: n.description,
            source: n.source,
            reporter: n.reporter,
            address: n.address,
            status: n.status,
            handling_level: n.handlingLevel,
            handling_region: n.handlingRegion,
            grid_code: n.gridCode,
            geom: sql<string>`ST_SetSRID(ST_MakePoint(${n.lon}, ${n.lat}), 4326)`,
            reported_at: n.reportedAt,
            deadline_at: n.deadlineAt,
            resolved_at: n.resolvedAt,
            closed_at: n.closedAt,
            updated_at: n.steps.length > 0 ? n.steps[n.steps.length - 1].at : n.reportedAt,
            last_event_at: null,
            event_count: 0,
            media_id: null,
            version: 1 + n.steps.length,
            assignee_staff_id: n.assigneeStaffId ?? null,
            reporter_staff_id: n.reporterStaffId ?? null,
          })),
        )
        .returning('id')
        .execute();
      const transitions = chunk.flatMap((n, k) => {
        const id = Number(inserted[k].id);
        const first = n.steps[0]?.fromLevel ?? n.handlingLevel;
        return [
          { incident_id: id, from_status: null, to_status: 'reported', from_level: null, to_level: first, actor, note: null, at: n.reportedAt, actor_staff_id: n.reporterStaffId ?? null, assignee_staff_id: null },
          ...n.steps.map((s) => ({
            incident_id: id,
            from_status: s.from,
            to_status: s.to,
            from_level: s.fromLevel,
            to_level: s.toLevel,
            actor: s.actor,
            note: s.note,
            at: s.at,
            actor_staff_id: s.actorStaffId ?? null,
            assignee_staff_id: s.assigneeStaffId ?? null,
          })),
        ];
      });
      await trx.insertInto('incident_transitions').values(transitions).execute();
      written += chunk.length;
    }
    return written;
  });
}
/** What else must hold, or be written, in the transaction that files an incident. */
export interface FilingHooks {
  /** Runs first (a check that may refuse, under a lock). */
  before?: (trx: Transaction<Database>) => Promise<void>;
  /** Runs after the incident is inserted (a row that refers to it). */
  after?: (trx: Transaction<Database>, id: number) => Promise<void>;
}

/** Files one incident, with its photo when it has one (stored in the same transaction). */
export async function createIncident(db: Kysely<Database>, incident: NewIncident, actor: string, now: Date, photo?: Snapshot, hooks: FilingHooks = {}): Promise<Incident> {
  const id = await db.transaction().execute(async (trx) => {
    await hooks.before?.(trx);
    const mediaId = photo ? await insertMedia(trx, photo) : (incident.mediaId ?? null);
    const [created] = await insertIncidents(trx, [{ ...incident, mediaId }], actor);
    await hooks.after?.(trx, created!);
    return created!;
  });
  return getIncident(db, id, now);
}

export async function getIncident(db: Kysely<Database>, id: number, now: Date): Promise<Incident> {
  const row = await selectIncidents(db, now).where('i.id', '=', id).executeTakeFirst();
  if (!row) throw unknownIncident(id);
  return toIncident(row);
}

export async function incidentTransitions(db: Kysely<Database>, id: number): Promise<Transition[]> {
  const rows = await db
    .selectFrom('incident_transitions as t')
    .leftJoin('staff as s', 's.id', 't.assignee_staff_id')
    .selectAll('t')
    .select(['s.name as assignee_name', 's.duty as assignee_duty'])
    .where('t.incident_id', '=', id)
    .orderBy('t.id')
    .execute();
  return rows.map((r) => ({
    from: r.from_status,
    to: r.to_status,
    fromLevel: r.from_level,
    toLevel: r.to_level,
    actor: r.actor,
    actorStaffId: r.actor_staff_id === null ? null : Number(r.actor_staff_id),
    note: r.note,
    publicNote: r.public_note,
    assignee: r.assignee_staff_id === null ? null : { staffId: Number(r.assignee_staff_id), name: r.assignee_name ?? '', duty: r.assignee_duty ?? '' },
    at: iso(r.at)!,
    photo: r.media_id === null ? null : { mediaId: Number(r.media_id), url: `/api/media/${r.media_id}`, thumbUrl: `/api/media/${r.media_id}?size=thumb` },
  }));
}

async function lockIncident(trx: Transaction<Database>, id: number) {
  const row = await trx
    .selectFrom('incidents')
    .select(['id', 'status', 'version', 'handling_level', 'handling_region', 'grid_code', 'assignee_staff_id'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw unknownIncident(id);
  return row;
}

function checkVersion(id: number, current: number, expected: number | undefined) {
  if (expected !== undefined && expected !== current) {
    throw staleError('stale_version', text('stale_version.incident', { id, current, expected }), { currentVersion: current });
  }
}

/** The step's record: who acted, the notes, the photo, and the assignee after it. */
async function stepOf(trx: Transaction<Database>, id: number, meta: ChangeMeta, from: { status: string; level: string }, to: { status: string; level: string }, assignee: number | null) {
  const mediaId = meta.photo ? await insertMedia(trx, meta.photo) : null;
  return {
    incident_id: id,
    from_status: from.status,
    to_status: to.status,
    from_level: from.level,
    to_level: to.level,
    actor: meta.actor,
    note: meta.note,
    at: meta.at,
    actor_staff_id: meta.actorStaffId ?? null,
    assignee_staff_id: assignee,
    media_id: mediaId,
    public_note: meta.publicNote ?? null,
  };
}

/**
 * Moves an incident to `to`; 409 when the loop does not allow it (or the version is stale).
 * `assignee` (a staff id, checked by the caller) reassigns it on the way to dispatched.
 */
export async function transitionIncident(db: Kysely<Database>, id: number, to: IncidentStatus, meta: ChangeMeta, expectedVersion?: number, assignee?: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const current = await lockIncident(trx, id);
    checkVersion(id, current.version, expectedVersion);
    const from = current.status as IncidentStatus;
    if (!canTransition(from, to)) {
      const allowed = nextStatuses(from);
      throw conflictError('illegal_transition', text('illegal_transition', { from: statusWord(from), to: statusWord(to), allowed: allowed.length > 0 ? allowed.map(statusWord) : text('status.none') }), {
        status: from,
        allowed: nextStatuses(from),
      });
    }
    const stopsClock = to === 'resolved' || to === 'rejected';
    const assigneeAfter = assignee ?? (current.assignee_staff_id === null ? null : Number(current.assignee_staff_id));
    await trx
      .updateTable('incidents')
      .set({
        status: to,
        assignee_staff_id: assigneeAfter,
        resolved_at: stopsClock ? meta.at : to === 'reopened' ? null : sql`resolved_at`,
        closed_at: to === 'closed' ? meta.at : to === 'reopened' ? null : sql`closed_at`,
        updated_at: meta.at,
        version: sql`version + 1`,
        change_seq: sql`nextval('incident_change_seq')`,
      })
      .where('id', '=', id)
      .execute();
    const level = current.handling_level;
    await trx.insertInto('incident_transitions').values(await stepOf(trx, id, meta, { status: from, level }, { status: to, level }, assigneeAfter)).execute();
  });
}

const UP: Record<HandlingLevel, HandlingLevel | null> = { grid: 'village', village: 'township', township: 'county', county: null };

/** Moves an incident one level up the region tree (grid → village → township → county). */
export async function escalateIncident(db: Kysely<Database>, id: number, meta: ChangeMeta, expectedVersion?: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const current = await lockIncident(trx, id);
    checkVersion(id, current.version, expectedVersion);
    if (!(OPEN_STATUSES as readonly string[]).includes(current.status)) {
      throw conflictError('not_open', text('not_open', { id, status: statusWord(current.status as IncidentStatus) }));
    }
    const to = UP[current.handling_level];
    if (!to) throw conflictError('top_level', text('top_level', { id }));
    // The grid level is handled in the grid's village; above it, the parent region.
    let region = current.handling_region;
    if (current.handling_level !== 'grid' && region) {
      const parent = await trx.selectFrom('regions').select('parent_code').where('code', '=', region).executeTakeFirst();
      region = parent?.parent_code ?? region;
    }
    // The next level's staff take it where there are some; else it stays with whoever had it.
    const updated = await trx
      .updateTable('incidents')
      .set({
        handling_level: to,
        handling_region: region,
        assignee_staff_id: sql`coalesce(${regionAssigneeSql(region)}, assignee_staff_id)`,
        updated_at: meta.at,
        version: sql`version + 1`,
        change_seq: sql`nextval('incident_change_seq')`,
      })
      .where('id', '=', id)
      .returning('assignee_staff_id')
      .executeTakeFirstOrThrow();
    const assignee = updated.assignee_staff_id === null ? null : Number(updated.assignee_staff_id);
    await trx
      .insertInto('incident_transitions')
      .values(await stepOf(trx, id, meta, { status: current.status, level: current.handling_level }, { status: current.status, level: to }, assignee))
      .execute();
  });
}

export interface IncidentFilter {
  /** A region code's significant prefix: incidents in grids under it, or handled in it. */
  regionPrefix?: string;
  gridCode?: string;
  statuses?: IncidentStatus[];
  light?: Light;
  categories?: string[];
  from?: Date;
  to?: Date;
  bbox?: [number, number, number, number];
  /** Changed after this change_seq (the live stream). */
  afterChange?: number;
  /** A worker key's places: incidents whose grid (or, without one, handling region) starts with one of them; [] matches none. */
  placePrefixes?: string[];
  /** Assigned to this staff member. */
  assigneeStaffId?: number;
}

export function incidentWhere(filter: IncidentFilter, now: Date): Expression<SqlBool> {
  const parts: Expression<SqlBool>[] = [];
  if (filter.regionPrefix) {
    parts.push(sql<SqlBool>`(i.grid_code LIKE ${`${filter.regionPrefix}%`} OR (i.grid_code IS NULL AND i.handling_region LIKE ${`${filter.regionPrefix}%`}))`);
  }
  if (filter.placePrefixes) {
    const patterns = filter.placePrefixes.map((p) => `${p}%`);
    parts.push(patterns.length === 0 ? sql<SqlBool>`false` : sql<SqlBool>`coalesce(i.grid_code, i.handling_region) LIKE ANY (${sql.val(patterns)}::text[])`);
  }
  if (filter.assigneeStaffId !== undefined) parts.push(sql<SqlBool>`i.assignee_staff_id = ${filter.assigneeStaffId}`);
  if (filter.gridCode) parts.push(sql<SqlBool>`i.grid_code = ${filter.gridCode}`);
  if (filter.statuses?.length) parts.push(sql<SqlBool>`i.status IN (${sql.join(filter.statuses)})`);
  if (filter.categories?.length) parts.push(sql<SqlBool>`i.category IN (${sql.join(filter.categories)})`);
  if (filter.light) parts.push(sql<SqlBool>`${lightSql(now)} = ${filter.light}`);
  if (filter.from) parts.push(sql<SqlBool>`i.reported_at >= ${filter.from}`);
  if (filter.to) parts.push(sql<SqlBool>`i.reported_at < ${filter.to}`);
  if (filter.bbox) {
    const [a, b, c, d] = filter.bbox;
    parts.push(sql<SqlBool>`i.geom && ST_MakeEnvelope(${a}, ${b}, ${c}, ${d}, 4326)`);
  }
  if (filter.afterChange !== undefined) parts.push(sql<SqlBool>`i.change_seq > ${filter.afterChange}`);
  return parts.length ? sql<SqlBool>`${sql.join(parts, sql` AND `)}` : sql<SqlBool>`true`;
}

/** How a list is ordered: newest report first (default), by id, in change order (the stream), most urgent first, or by deadline. */
export type IncidentOrder = 'newest' | 'oldest' | 'changes' | 'urgency' | 'deadline';
export const LIST_ORDERS: readonly IncidentOrder[] = ['newest', 'urgency', 'deadline'];

/**
 * A page of incidents, newest first (or by id, or in change order for the stream, or the most
 * urgent first: open before closed, then by alarm priority — 一级 first; an incident people
 * reported counts as the default 三级 — then red, yellow, green, then the nearest deadline), and
 * the total.
 */
export async function listIncidents(
  db: Kysely<Database>,
  filter: IncidentFilter,
  page: { limit: number; offset: number; order?: IncidentOrder },
  now: Date,
): Promise<{ total: number; incidents: Incident[] }> {
  const where = incidentWhere(filter, now);
  let query = selectIncidents(db, now).where(where);
  if (page.order === 'changes') query = query.orderBy('i.change_seq');
  else if (page.order === 'oldest') query = query.orderBy('i.id');
  else if (page.order === 'urgency') {
    // A command centre's work list: open first, 一级警情 before 四级, red before yellow before green, the nearest deadline first.
    query = query
      .orderBy(sql`CASE WHEN i.status IN (${sql.join([...OPEN_STATUSES])}) THEN 0 ELSE 1 END`)
      .orderBy(sql`coalesce(i.priority, ${DEFAULT_PRIORITY})`)
      .orderBy(sql`CASE ${lightSql(now)} WHEN 'red' THEN 0 WHEN 'yellow' THEN 1 ELSE 2 END`)
      .orderBy('i.deadline_at')
      .orderBy('i.id');
  } else if (page.order === 'deadline') query = query.orderBy('i.deadline_at').orderBy('i.id');
  else query = query.orderBy('i.reported_at', 'desc').orderBy('i.id', 'desc');
  const [rows, count] = await Promise.all([
    query.limit(page.limit).offset(page.offset).execute(),
    page.order === 'changes'
      ? Promise.resolve(undefined)
      : db.selectFrom('incidents as i').select((eb) => eb.fn.countAll<number>().as('n')).where(where).executeTakeFirstOrThrow(),
  ]);
  return { total: count ? Number(count.n) : rows.length, incidents: rows.map(toIncident) };
}

export async function lastIncidentChange(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('incidents').select((eb) => eb.fn.max('change_seq').as('seq')).executeTakeFirst();
  return Number(row?.seq ?? 0);
}

/** The (id, version, change_seq) of the incidents changed after `afterSeq`, in change order: the live feed's window. */
export function changesAfter(db: Kysely<Database>, afterSeq: number): Promise<{ id: number; version: number; changeSeq: number }[]> {
  return db
    .selectFrom('incidents as i')
    .select(['i.id', 'i.version', 'i.change_seq'])
    .where('i.change_seq', '>', afterSeq)
    .orderBy('i.change_seq')
    .execute()
    .then((rows) => rows.map((row) => ({ id: Number(row.id), version: Number(row.version), changeSeq: Number(row.change_seq) })));
}

/** How many incidents match, counted up to `cap` only (cap + 1 means "more than cap"): enough to decide on a replay. */
export async function countIncidentsUpTo(db: Kysely<Database>, filter: IncidentFilter, now: Date, cap: number): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM (SELECT 1 FROM incidents i WHERE ${incidentWhere(filter, now)} LIMIT ${cap + 1}) c`.execute(db);
  return Number(rows[0].n);
}
