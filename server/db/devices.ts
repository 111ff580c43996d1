/**
 * Cameras and sensors: create, read, update (with a version), delete (kept for the events that
 * name them), and the spatial questions: which cameras see a point, which touch a grid.
 */
import { sql, type InferResult, type Kysely } from 'kysely';
import type { MultiPolygon, Point, Polygon } from 'geojson';
import type { Database } from './schema.js';
import { notFoundError, goneError, conflictError, staleError } from '../domain-errors.js';
import { text } from '../i18n/catalogue.js';
import type { IncidentCamera } from '../api-types/incidents.js';
import type { DeviceAttributes } from '../api-types/devices.js';


/** The answer for an id that names nothing. */
export function unknownDevice(id: string) {
  return notFoundError('unknown_device', text('unknown_device', { id }));
}
export interface DeviceFields extends DeviceAttributes {
  centerRegion: string | null;
  sector: Polygon | null;
}

export interface StoredDevice extends DeviceFields {
  id: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

const columns = [
  'd.id',
  'd.kind',
  'd.name',
  'd.id_scheme',
  'd.center_region',
  'd.height_m',
  'd.heading',
  'd.fov',
  'd.range_m',
  'd.ptz',
  'd.sensor_type',
  'd.version',
  'd.created_at',
  'd.updated_at',
  sql<number>`ST_X(d.geom)`.as('lon'),
  sql<number>`ST_Y(d.geom)`.as('lat'),
  sql<string | null>`ST_AsGeoJSON(d.sector, 7)`.as('sector_json'),
] as const;

/** Live and deleted devices with `columns`: its rows' type is what Kysely infers from the schema. */
const selectDevices = (db: Kysely<Database>) => db.selectFrom('devices as d').select(columns);
type Row = InferResult<ReturnType<typeof selectDevices>>[number];

const num = (v: number | null) => (v === null ? null : Number(v));

function toDevice(row: Row): StoredDevice {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    idScheme: row.id_scheme,
    centerRegion: row.center_region,
    lon: Number(row.lon),
    lat: Number(row.lat),
    heightM: num(row.height_m),
    heading: num(row.heading),
    fov: num(row.fov),
    rangeM: num(row.range_m),
    ptz: row.ptz,
    sensorType: row.sensor_type,
    sector: row.sector_json ? (JSON.parse(row.sector_json) as Polygon) : null,
    version: Number(row.version),
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

function values(fields: DeviceFields) {
  return {
    kind: fields.kind,
    name: fields.name,
    id_scheme: fields.idScheme,
    center_region: fields.centerRegion,
    geom: sql<string>`ST_SetSRID(ST_MakePoint(${fields.lon}, ${fields.lat}), 4326)`,
    height_m: fields.heightM,
    heading: fields.heading,
    fov: fields.fov,
    range_m: fields.rangeM,
    ptz: fields.ptz,
    sensor_type: fields.sensorType,
    sector: fields.sector ? sql<string>`ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(fields.sector)}), 4326)` : null,
  };
}

export async function createDevice(db: Kysely<Database>, id: string, fields: DeviceFields, at: Date): Promise<StoredDevice> {
  const inserted = await db
    .insertInto('devices')
    .values({ id, ...values(fields), version: 1, created_at: at, updated_at: at })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) throw conflictError('device_exists', text('device_exists', { id }));
  return getDevice(db, id);
}

/** Replaces a device's fields when its version is `expected` (412 otherwise). */
export async function updateDevice(db: Kysely<Database>, id: string, fields: DeviceFields, expected: number | 'any', at: Date): Promise<StoredDevice> {
  const updated = await db
    .updateTable('devices')
    .set({ ...values(fields), version: sql`version + 1`, updated_at: at })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .where((eb) => (expected === 'any' ? eb.val(true) : eb('version', '=', expected)))
    .returning('id')
    .executeTakeFirst();
  if (!updated) await explainMiss(db, id);
  return getDevice(db, id);
}

export async function deleteDevice(db: Kysely<Database>, id: string, expected: number | 'any', at: Date): Promise<void> {
  const deleted = await db
    .updateTable('devices')
    .set({ deleted_at: at, version: sql`version + 1`, updated_at: at })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .where((eb) => (expected === 'any' ? eb.val(true) : eb('version', '=', expected)))
    .returning('id')
    .executeTakeFirst();
  if (!deleted) await explainMiss(db, id);
}

/** Why an update matched no row: unknown, deleted, or a stale version. Always throws. */
async function explainMiss(db: Kysely<Database>, id: string): Promise<never> {
  const row = await db.selectFrom('devices').select(['version', 'deleted_at']).where('id', '=', id).executeTakeFirst();
  if (!row) throw unknownDevice(id);
  if (row.deleted_at) throw goneError('device_deleted', text('device_deleted', { id }));
  throw staleError('stale_version', text('stale_version.device', { id, version: row.version }), { currentVersion: Number(row.version) });
}

export async function getDevice(db: Kysely<Database>, id: string): Promise<StoredDevice> {
  const row = await selectDevices(db).where('d.id', '=', id).where('d.deleted_at', 'is', null).executeTakeFirst();
  if (!row) {
    const gone = await db.selectFrom('devices').select('id').where('id', '=', id).executeTakeFirst();
    if (gone) throw goneError('device_deleted', text('device_deleted', { id }));
    throw unknownDevice(id);
  }
  return toDevice(row);
}

/** Live devices, optionally of one kind and in a bbox, by id. */
export async function listDevices(db: Kysely<Database>, filter: { kind?: 'camera' | 'sensor'; bbox?: [number, number, number, number]; ids?: string[] }): Promise<StoredDevice[]> {
  let query = selectDevices(db).where('d.deleted_at', 'is', null);
  if (filter.kind) query = query.where('d.kind', '=', filter.kind);
  if (filter.ids) query = query.where('d.id', 'in', filter.ids.length ? filter.ids : ['']);
  if (filter.bbox) {
    const [a, b, c, d] = filter.bbox;
    query = query.where(sql<boolean>`coalesce(d.sector, d.geom) && ST_MakeEnvelope(${a}, ${b}, ${c}, ${d}, 4326)`);
  }
  return (await query.orderBy('d.id').execute()).map(toDevice);
}

/** Live grids (code and geometry) that a geometry touches: what a camera's coverage is split among. */
export async function liveGridsTouching(db: Kysely<Database>, geometry: Polygon | MultiPolygon | Point): Promise<{ code: string; geometry: MultiPolygon }[]> {
  const rows = await db
    .selectFrom('grid_versions as v')
    .select(['v.code', sql<string>`ST_AsGeoJSON(v.geom, 9)`.as('geojson')])
    .where('v.valid_to', 'is', null)
    .where('v.op', '<>', 'retire')
    .where(sql<boolean>`ST_Intersects(v.geom, ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(geometry)}), 4326))`)
    .orderBy('v.code')
    .execute();
  return rows.map((row) => ({ code: row.code, geometry: JSON.parse(row.geojson) as MultiPolygon }));
}

/** Cameras whose sector touches a grid's live geometry. */
export async function camerasTouchingGrid(db: Kysely<Database>, code: string): Promise<StoredDevice[]> {
  const rows = await db
    .selectFrom('devices as d')
    .innerJoin('grid_versions as v', (join) => join.on(sql<boolean>`ST_Intersects(v.geom, d.sector)`))
    .select(columns)
    .where('v.code', '=', code)
    .where('v.valid_to', 'is', null)
    .where('v.op', '<>', 'retire')
    .where('d.deleted_at', 'is', null)
    .where('d.kind', '=', 'camera')
    .orderBy('d.id')
    .execute();
  return rows.map(toDevice);
}

export type CameraView = IncidentCamera;

/** Cameras whose sector contains the point, nearest first, each with its latest snapshot. */
export async function camerasSeeing(db: Kysely<Database>, lon: number, lat: number): Promise<CameraView[]> {
  const point = sql`ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326)`;
  const rows = await db
    .selectFrom('devices as d')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('device_events as e')
          .select(['e.media_id', 'e.occurred_at'])
          .whereRef('e.device_id', '=', 'd.id')
          .where('e.media_id', 'is not', null)
          .orderBy('e.occurred_at', 'desc')
          .limit(1)
          .as('s'),
      (join) => join.onTrue(),
    )
    .select([
      'd.id',
      'd.name',
      sql<number>`ST_X(d.geom)`.as('lon'),
      sql<number>`ST_Y(d.geom)`.as('lat'),
      sql<number>`ST_Distance(d.geom::geography, ${point}::geography)`.as('distance'),
      's.media_id',
      's.occurred_at',
    ])
    .where('d.deleted_at', 'is', null)
    .where('d.kind', '=', 'camera')
    .where(sql<boolean>`ST_Intersects(d.sector, ${point})`)
    .orderBy('distance')
    .orderBy('d.id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    lon: Number(row.lon),
    lat: Number(row.lat),
    distanceM: Math.round(Number(row.distance) * 10) / 10,
    latestSnapshot:
      row.media_id === null
        ? null
        : { mediaId: Number(row.media_id), url: `/api/media/${row.media_id}`, thumbUrl: `/api/media/${row.media_id}?size=thumb`, occurredAt: new Date(row.occurred_at!).toISOString() },
  }));
}
