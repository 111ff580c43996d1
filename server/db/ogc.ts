/**
 * The reads behind OGC API – Features (/ogc): pages of regions, grids, devices and incidents in
 * a stable order (code or id, so that offset paging neither skips nor repeats while new rows
 * arrive at the end), their counts, and the extent of each collection. Every filter is SQL that
 * runs unchanged on PGlite and on PostgreSQL.
 */
import { sql, type Expression, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { MultiPolygon, Point } from 'geojson';
import type { Database } from './schema.js';
import { inForce, selectVersions, toFeature, type GridFeature } from './grid-rows.js';
import { getIncident, listIncidents, type Incident, type IncidentFilter } from './incidents.js';

export type Bbox = [number, number, number, number];

export interface Page {
  limit: number;
  offset: number;
}

export interface PageOf<T> {
  /** Rows matching the filters, over all pages. */
  total: number;
  items: T[];
}

const envelope = ([minLon, minLat, maxLon, maxLat]: Bbox) => sql`ST_MakeEnvelope(${minLon}, ${minLat}, ${maxLon}, ${maxLat}, 4326)`;

function count(row: { n: unknown } | undefined): number {
  return Number(row?.n ?? 0);
}

// ── extents ─────────────────────────────────────────────────────────────────────────────

export interface Extent {
  /** minLon, minLat, maxLon, maxLat of the data; null when the collection is empty. */
  bbox: Bbox | null;
  /** First and last moment of the data's time dimension (null end = still going on). */
  interval?: [Date | null, Date | null];
}

type ExtentRow = { xmin: number | null; ymin: number | null; xmax: number | null; ymax: number | null };

function toBbox(row: ExtentRow | undefined): Bbox | null {
  if (!row || row.xmin === null || row.ymin === null || row.xmax === null || row.ymax === null) return null;
  return [Number(row.xmin), Number(row.ymin), Number(row.xmax), Number(row.ymax)];
}

async function spatialExtent(db: Kysely<Database>, from: RawBuilder<unknown>): Promise<Bbox | null> {
  const { rows } = await sql<ExtentRow>`
    SELECT ST_XMin(e) AS xmin, ST_YMin(e) AS ymin, ST_XMax(e) AS xmax, ST_YMax(e) AS ymax
    FROM (${from}) s`.execute(db);
  return toBbox(rows[0]);
}

const toDate = (value: Date | string | null | undefined) => (value === null || value === undefined ? null : new Date(value));

export async function regionsExtent(db: Kysely<Database>): Promise<Extent> {
  return { bbox: await spatialExtent(db, sql`SELECT ST_Extent(boundary) AS e FROM regions`) };
}

/** The live grids' extent; in time, from the first version ever written (datetime reaches back that far). */
export async function gridsExtent(db: Kysely<Database>): Promise<Extent> {
  const [bbox, first] = await Promise.all([
    spatialExtent(db, sql`SELECT ST_Extent(v.geom) AS e FROM grid_versions v WHERE ${inForce()}`),
    sql<{ first: Date | null }>`SELECT min(valid_from) AS first FROM grid_versions`.execute(db),
  ]);
  const start = toDate(first.rows[0]?.first);
  return start ? { bbox, interval: [start, null] } : { bbox };
}

export async function devicesExtent(db: Kysely<Database>): Promise<Extent> {
  return { bbox: await spatialExtent(db, sql`SELECT ST_Extent(geom) AS e FROM devices WHERE deleted_at IS NULL`) };
}

/** Where incidents were reported, and the first and last report. */
export async function incidentsExtent(db: Kysely<Database>): Promise<Extent> {
  const [bbox, times] = await Promise.all([
    spatialExtent(db, sql`SELECT ST_Extent(geom) AS e FROM incidents`),
    sql<{ first: Date | null; last: Date | null }>`SELECT min(reported_at) AS first, max(reported_at) AS last FROM incidents`.execute(db),
  ]);
  const first = toDate(times.rows[0]?.first);
  return first ? { bbox, interval: [first, toDate(times.rows[0]?.last)] } : { bbox };
}

// ── regions ─────────────────────────────────────────────────────────────────────────────

export interface RegionFilter {
  bbox?: Bbox;
  levels?: string[];
  parentCode?: string;
  code?: string;
}

export interface OgcRegion {
  type: 'Feature';
  id: string;
  geometry: MultiPolygon;
  properties: { code: string; name: string; level: string; parentCode: string | null };
}

function regionWhere(filter: RegionFilter): Expression<SqlBool> {
  const parts: Expression<SqlBool>[] = [];
  if (filter.code !== undefined) parts.push(sql<SqlBool>`r.code = ${filter.code}`);
  if (filter.levels?.length) parts.push(sql<SqlBool>`r.level IN (${sql.join(filter.levels)})`);
  if (filter.parentCode !== undefined) parts.push(sql<SqlBool>`r.parent_code = ${filter.parentCode}`);
  if (filter.bbox) parts.push(sql<SqlBool>`ST_Intersects(r.boundary, ${envelope(filter.bbox)})`);
  return parts.length ? sql<SqlBool>`${sql.join(parts, sql` AND `)}` : sql<SqlBool>`true`;
}

export async function regionPage(db: Kysely<Database>, filter: RegionFilter, page: Page): Promise<PageOf<OgcRegion>> {
  const where = regionWhere(filter);
  const [rows, total] = await Promise.all([
    db
      .selectFrom('regions as r')
      .select(['r.code', 'r.name', 'r.level', 'r.parent_code', sql<string>`ST_AsGeoJSON(r.boundary, 7)`.as('geojson')])
      .where(where)
      .orderBy('r.code')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    db.selectFrom('regions as r').select((eb) => eb.fn.countAll().as('n')).where(where).executeTakeFirst(),
  ]);
  return {
    total: count(total),
    items: rows.map((row) => ({
      type: 'Feature',
      id: row.code,
      geometry: JSON.parse(row.geojson) as MultiPolygon,
      properties: { code: row.code, name: row.name, level: row.level, parentCode: row.parent_code },
    })),
  };
}

// ── grids ───────────────────────────────────────────────────────────────────────────────

export interface OgcGridFilter {
  regionPrefix?: string;
  kinds?: string[];
  bbox?: Bbox;
  /** The moment whose grids are wanted; the live map when absent. */
  asOf?: Date;
}

/** The grids in force (now, or at asOf), by code. */
export async function gridPage(db: Kysely<Database>, filter: OgcGridFilter, page: Page): Promise<PageOf<GridFeature>> {
  const parts: Expression<SqlBool>[] = [inForce(filter.asOf)];
  if (filter.regionPrefix) parts.push(sql<SqlBool>`v.code LIKE ${`${filter.regionPrefix}%`}`);
  if (filter.kinds?.length) parts.push(sql<SqlBool>`v.kind IN (${sql.join(filter.kinds)})`);
  if (filter.bbox) parts.push(sql<SqlBool>`ST_Intersects(v.geom, ${envelope(filter.bbox)})`);
  const where = sql<SqlBool>`${sql.join(parts, sql` AND `)}`;
  const [rows, total] = await Promise.all([
    selectVersions(db).where(where).orderBy('v.code').limit(page.limit).offset(page.offset).execute(),
    db.selectFrom('grid_versions as v').select((eb) => eb.fn.countAll().as('n')).where(where).executeTakeFirst(),
  ]);
  return { total: count(total), items: rows.map(toFeature) };
}

// ── devices ─────────────────────────────────────────────────────────────────────────────

export interface DevicePosition {
  id: string;
  lon: number;
  lat: number;
  centerRegion: string | null;
}

/**
 * Live devices of the given kinds whose point lies in the bbox, by id: just enough to place
 * them in grids (in memory) before a page of them is read in full.
 */
export async function devicePositions(db: Kysely<Database>, filter: { kinds?: string[]; bbox?: Bbox }): Promise<DevicePosition[]> {
  let query = db
    .selectFrom('devices as d')
    .select(['d.id', 'd.center_region', sql<number>`ST_X(d.geom)`.as('lon'), sql<number>`ST_Y(d.geom)`.as('lat')])
    .where('d.deleted_at', 'is', null);
  if (filter.kinds?.length) query = query.where(sql<SqlBool>`d.kind IN (${sql.join(filter.kinds)})`);
  if (filter.bbox) query = query.where(sql<SqlBool>`ST_Intersects(d.geom, ${envelope(filter.bbox)})`);
  const rows = await query.orderBy('d.id').execute();
  return rows.map((row) => ({ id: row.id, lon: Number(row.lon), lat: Number(row.lat), centerRegion: row.center_region }));
}

// ── incidents ───────────────────────────────────────────────────────────────────────────

/** An incident as the OGC collection shows it: flat, without its transitions or reporter. */
export type OgcIncident = Omit<Incident, 'reporter' | 'changeSeq'>;

/** The flat OGC view of an incident: all of it but the reporter and the change counter. */
function toOgcIncident({ reporter: _reporter, changeSeq: _changeSeq, ...incident }: Incident): OgcIncident {
  return incident;
}

/**
 * A page of incidents by id (oldest first: new reports land on the last page, so a client
 * walking the pages does not see one twice). `filter.to` is exclusive, as in incidentWhere.
 */
export async function incidentPage(db: Kysely<Database>, filter: IncidentFilter, page: Page, now: Date): Promise<PageOf<OgcIncident>> {
  const { total, incidents } = await listIncidents(db, filter, { limit: page.limit, offset: page.offset, order: 'oldest' }, now);
  return { total, items: incidents.map(toOgcIncident) };
}

export async function ogcIncident(db: Kysely<Database>, id: number, now: Date): Promise<OgcIncident | undefined> {
  const exists = await db.selectFrom('incidents').select('id').where('id', '=', id).executeTakeFirst();
  return exists ? toOgcIncident(await getIncident(db, id, now)) : undefined;
}

export function pointOf(lon: number, lat: number): Point {
  return { type: 'Point', coordinates: [lon, lat] };
}
