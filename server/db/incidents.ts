/**
 * Incidents and their transitions: create, read, list with filters, change status, escalate.
 * Times come from the caller's clock (deadlines and lights must be testable); the light is
 * computed in SQL with the same rule as incidents/light.ts.
 */
import { sql, type Expression, type Kysely, type SqlBool, type Transaction } from 'kysely';
import type { Database } from './schema.js';
import { ApiError, conflict, notFound } from '../errors.js';
import { canTransition, nextStatuses, OPEN_STATUSES, type IncidentStatus } from '../incidents/states.js';
import { YELLOW_FROM, type Light } from '../incidents/light.js';
import type { Snapshot } from '../media/snapshot.js';

export type IncidentSource = Database['incidents']['source'];
export type HandlingLevel = Database['incidents']['handling_level'];

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
}

export interface Incident {
  id: number;
  category: string;
  description: string | null;
  source: IncidentSource;
  reporter: string | null;
  address: string | null;
  status: IncidentStatus;
  light: Light;
  handlingLevel: HandlingLevel;
  handlingRegion: string | null;
  gridCode: string | null;
  lon: number;
  lat: number;
  reportedAt: string;
  deadlineAt: string;
  resolvedAt: string | null;
  closedAt: string | null;
  updatedAt: string;
  eventCount: number;
  mediaId: number | null;
  version: number;
  changeSeq: number;
}

export interface Transition {
  from: string | null;
  to: string;
  fromLevel: string | null;
  toLevel: string | null;
  actor: string;
  note: string | null;
  at: string;
  /** A photo taken with the step (the handling, the result…). */
  photo: { mediaId: number; url: string; thumbUrl: string } | null;
}

export interface ChangeMeta {
  actor: string;
  note: string | null;
  at: Date;
  /** A photo (checked and thumbnailed: media/snapshot.ts) kept with the step. */
  photo?: Snapshot;
}

/** Stores a step's photo in the step's transaction; its media id, or null without one. */
async function storePhoto(trx: Transaction<Database>, photo: Snapshot | undefined): Promise<number | null> {
  if (!photo) return null;
  const row = await trx
    .insertInto('media')
    .values({ content_type: photo.contentType, bytes: photo.bytes, thumb: photo.thumb, width: photo.width, height: photo.height, sha256: photo.sha256 })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
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
    'i.version',
    'i.change_seq',
    sql<number>`ST_X(i.geom)`.as('lon'),
    sql<number>`ST_Y(i.geom)`.as('lat'),
    lightSql(now).as('light'),
  ] as const;

type Row = {
  id: number;
  category: string;
  description: string | null;
  source: IncidentSource;
  reporter: string | null;
  address: string | null;
  status: string;
  handling_level: HandlingLevel;
  handling_region: string | null;
  grid_code: string | null;
  reported_at: Date;
  deadline_at: Date;
  resolved_at: Date | null;
  closed_at: Date | null;
  updated_at: Date;
  event_count: number;
  media_id: number | null;
  version: number;
  change_seq: number;
  lon: number;
  lat: number;
  light: Light;
};

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
    version: Number(row.version),
    changeSeq: Number(row.change_seq),
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
  }));
  const inserted = await trx.insertInto('incidents').values(rows).returning('id').execute();
  const ids = inserted.map((row) => Number(row.id));
  await trx
    .insertInto('incident_transitions')
    .values(ids.map((id, k) => ({ incident_id: id, from_status: null, to_status: 'reported', from_level: null, to_level: rows[k].handling_level, actor, note: null, at: incidents[k].reportedAt })))
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
  /** Every step after the report (which is written from reportedAt), in time order. */
  steps: { from: IncidentStatus; to: IncidentStatus; fromLevel: HandlingLevel; toLevel: HandlingLevel; actor: string; note: string | null; at: Date }[];
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
          })),
        )
        .returning('id')
        .execute();
      const transitions = chunk.flatMap((n, k) => {
        const id = Number(inserted[k].id);
        const first = n.steps[0]?.fromLevel ?? n.handlingLevel;
        return [
          { incident_id: id, from_status: null, to_status: 'reported', from_level: null, to_level: first, actor, note: null, at: n.reportedAt },
          ...n.steps.map((s) => ({ incident_id: id, from_status: s.from, to_status: s.to, from_level: s.fromLevel, to_level: s.toLevel, actor: s.actor, note: s.note, at: s.at })),
        ];
      });
      await trx.insertInto('incident_transitions').values(transitions).execute();
      written += chunk.length;
    }
    return written;
  });
}

export async function createIncident(db: Kysely<Database>, incident: NewIncident, actor: string, now: Date): Promise<Incident> {
  const id = await db.transaction().execute(async (trx) => (await insertIncidents(trx, [incident], actor))[0]);
  return getIncident(db, id, now);
}

export async function getIncident(db: Kysely<Database>, id: number, now: Date): Promise<Incident> {
  const row = await db.selectFrom('incidents as i').select(columns(now)).where('i.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('unknown_incident', `No incident ${id}`);
  return toIncident(row as Row);
}

export async function incidentTransitions(db: Kysely<Database>, id: number): Promise<Transition[]> {
  const rows = await db.selectFrom('incident_transitions').selectAll().where('incident_id', '=', id).orderBy('id').execute();
  return rows.map((r) => ({
    from: r.from_status,
    to: r.to_status,
    fromLevel: r.from_level,
    toLevel: r.to_level,
    actor: r.actor,
    note: r.note,
    at: iso(r.at)!,
    photo: r.media_id === null ? null : { mediaId: Number(r.media_id), url: `/api/media/${r.media_id}`, thumbUrl: `/api/media/${r.media_id}?size=thumb` },
  }));
}

async function lockIncident(trx: Transaction<Database>, id: number) {
  const row = await trx.selectFrom('incidents').select(['id', 'status', 'version', 'handling_level', 'handling_region', 'grid_code']).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw notFound('unknown_incident', `No incident ${id}`);
  return row;
}

function checkVersion(id: number, current: number, expected: number | undefined) {
  if (expected !== undefined && expected !== current) {
    throw new ApiError(412, 'stale_version', `Incident ${id} is at version ${current}, not ${expected}; reload it`, { currentVersion: current });
  }
}

/** Moves an incident to `to`; 409 when the loop does not allow it (or the version is stale). */
export async function transitionIncident(db: Kysely<Database>, id: number, to: IncidentStatus, meta: ChangeMeta, expectedVersion?: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const current = await lockIncident(trx, id);
    checkVersion(id, current.version, expectedVersion);
    const from = current.status as IncidentStatus;
    if (!canTransition(from, to)) {
      throw conflict('illegal_transition', `An incident that is ${from} cannot become ${to}; allowed: ${nextStatuses(from).join(', ') || 'none'}`, {
        status: from,
        allowed: nextStatuses(from),
      });
    }
    const stopsClock = to === 'resolved' || to === 'rejected';
    await trx
      .updateTable('incidents')
      .set({
        status: to,
        resolved_at: stopsClock ? meta.at : to === 'reopened' ? null : sql`resolved_at`,
        closed_at: to === 'closed' ? meta.at : to === 'reopened' ? null : sql`closed_at`,
        updated_at: meta.at,
        version: sql`version + 1`,
        change_seq: sql`nextval('incident_change_seq')`,
      })
      .where('id', '=', id)
      .execute();
    await trx
      .insertInto('incident_transitions')
      .values({ incident_id: id, from_status: from, to_status: to, from_level: current.handling_level, to_level: current.handling_level, actor: meta.actor, note: meta.note, at: meta.at, media_id: await storePhoto(trx, meta.photo) })
      .execute();
  });
}

const UP: Record<HandlingLevel, HandlingLevel | null> = { grid: 'village', village: 'township', township: 'county', county: null };

/** Moves an incident one level up the region tree (grid → village → township → county). */
export async function escalateIncident(db: Kysely<Database>, id: number, meta: ChangeMeta, expectedVersion?: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const current = await lockIncident(trx, id);
    checkVersion(id, current.version, expectedVersion);
    if (!(OPEN_STATUSES as readonly string[]).includes(current.status)) {
      throw conflict('not_open', `Incident ${id} is ${current.status}; only an open incident can be escalated`);
    }
    const to = UP[current.handling_level];
    if (!to) throw conflict('top_level', `Incident ${id} is already handled at county level`);
    // The grid level is handled in the grid's village; above it, the parent region.
    let region = current.handling_region;
    if (current.handling_level !== 'grid' && region) {
      const parent = await trx.selectFrom('regions').select('parent_code').where('code', '=', region).executeTakeFirst();
      region = parent?.parent_code ?? region;
    }
    await trx
      .updateTable('incidents')
      .set({ handling_level: to, handling_region: region, updated_at: meta.at, version: sql`version + 1`, change_seq: sql`nextval('incident_change_seq')` })
      .where('id', '=', id)
      .execute();
    await trx
      .insertInto('incident_transitions')
      .values({ incident_id: id, from_status: current.status, to_status: current.status, from_level: current.handling_level, to_level: to, actor: meta.actor, note: meta.note, at: meta.at, media_id: await storePhoto(trx, meta.photo) })
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
}

export function incidentWhere(filter: IncidentFilter, now: Date): Expression<SqlBool> {
  const parts: Expression<SqlBool>[] = [];
  if (filter.regionPrefix) {
    parts.push(sql<SqlBool>`(i.grid_code LIKE ${`${filter.regionPrefix}%`} OR (i.grid_code IS NULL AND i.handling_region LIKE ${`${filter.regionPrefix}%`}))`);
  }
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

/** How a list is ordered: newest report first (default), by id, in change order (the stream), red first by deadline, or by deadline. */
export type IncidentOrder = 'newest' | 'oldest' | 'changes' | 'urgency' | 'deadline';
export const LIST_ORDERS: readonly IncidentOrder[] = ['newest', 'urgency', 'deadline'];

/** A page of incidents, newest first (or by id, or in change order for the stream), and the total. */
export async function listIncidents(
  db: Kysely<Database>,
  filter: IncidentFilter,
  page: { limit: number; offset: number; order?: IncidentOrder },
  now: Date,
): Promise<{ total: number; incidents: Incident[] }> {
  const where = incidentWhere(filter, now);
  let query = db.selectFrom('incidents as i').select(columns(now)).where(where);
  if (page.order === 'changes') query = query.orderBy('i.change_seq');
  else if (page.order === 'oldest') query = query.orderBy('i.id');
  else if (page.order === 'urgency') {
    // Red first, then yellow, then green; within a light the nearest deadline first (a command centre's work list).
    query = query.orderBy(sql`CASE ${lightSql(now)} WHEN 'red' THEN 0 WHEN 'yellow' THEN 1 ELSE 2 END`).orderBy('i.deadline_at').orderBy('i.id');
  } else if (page.order === 'deadline') query = query.orderBy('i.deadline_at').orderBy('i.id');
  else query = query.orderBy('i.reported_at', 'desc').orderBy('i.id', 'desc');
  const [rows, count] = await Promise.all([
    query.limit(page.limit).offset(page.offset).execute(),
    page.order === 'changes'
      ? Promise.resolve(undefined)
      : db.selectFrom('incidents as i').select((eb) => eb.fn.countAll<number>().as('n')).where(where).executeTakeFirstOrThrow(),
  ]);
  return { total: count ? Number(count.n) : rows.length, incidents: (rows as Row[]).map(toIncident) };
}

export async function lastIncidentChange(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('incidents').select((eb) => eb.fn.max('change_seq').as('seq')).executeTakeFirst();
  return Number(row?.seq ?? 0);
}
