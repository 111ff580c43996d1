/**
 * Patrol tracks: stored piece by piece as a phone sends them (idempotent on the phone's piece
 * id), and read back near a grid for its coverage, or per person for their log and assessment.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { LineString, MultiLineString } from 'geojson';
import type { Track } from '../geo/patrol.js';
import type { PatrolTrack, StoredPatrol } from '../api-types/patrols.js';

/** About a metre, in degrees of latitude. */
const SIMPLIFY_DEG = 0.00001;

export type { StoredPatrol };

export interface PatrolFilter {
  staffIds?: number[];
  from?: Date;
  to?: Date;
}

/** Stores a piece; a piece sent again (same staff and client id) is not stored twice. */
export async function insertPatrol(db: Kysely<Database>, staffId: number, clientId: string, track: Track, receivedAt: Date): Promise<{ patrol: StoredPatrol; duplicate: boolean }> {
  const inserted = await db
    .insertInto('patrols')
    .values({
      staff_id: staffId,
      client_id: clientId,
      started_at: track.startedAt,
      ended_at: track.endedAt,
      geom: sql<string>`ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify({ type: 'LineString', coordinates: track.coordinates })}), 4326)`,
      times: sql<number[]>`${sql.val(track.times)}::float8[]`,
      length_m: track.lengthM,
      received_at: receivedAt,
    })
    .onConflict((oc) => oc.columns(['staff_id', 'client_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  const row = await db
    .selectFrom('patrols')
    .select(['id', 'staff_id', 'client_id', 'started_at', 'ended_at', 'length_m', sql<number>`ST_NPoints(geom)`.as('points')])
    .where('staff_id', '=', staffId)
    .where('client_id', '=', clientId)
    .executeTakeFirstOrThrow();
  return {
    duplicate: inserted === undefined,
    patrol: {
      id: Number(row.id),
      staffId: Number(row.staff_id),
      clientId: row.client_id,
      startedAt: new Date(row.started_at).toISOString(),
      endedAt: new Date(row.ended_at).toISOString(),
      lengthM: Number(row.length_m),
      points: Number(row.points),
    },
  };
}

/** Live grids a track passes through (for the answer: where it counts). */
export async function gridsAlong(db: Kysely<Database>, track: Track): Promise<string[]> {
  const rows = await db
    .selectFrom('grid_versions')
    .select('code')
    .where('valid_to', 'is', null)
    .where('op', '<>', 'retire')
    .where(sql<boolean>`ST_Intersects(geom, ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify({ type: 'LineString', coordinates: track.coordinates })}), 4326))`)
    .orderBy('code')
    .execute();
  return rows.map((row) => row.code);
}

function timeWindow(filter: PatrolFilter) {
  const parts = [sql<boolean>`true`];
  if (filter.from) parts.push(sql<boolean>`p.ended_at >= ${filter.from}`);
  if (filter.to) parts.push(sql<boolean>`p.started_at < ${filter.to}`);
  if (filter.staffIds) parts.push(filter.staffIds.length ? sql<boolean>`p.staff_id IN (${sql.join(filter.staffIds)})` : sql<boolean>`false`);
  return sql.join(parts, sql` AND `);
}

/**
 * The tracks walked within `radiusM` of a grid in a time window, clipped to the grid's
 * surroundings (what lies farther cannot cover it): lines, and the staff who walked them.
 */
export async function tracksNearGrid(db: Kysely<Database>, gridCode: string, radiusM: number, filter: PatrolFilter): Promise<{ lines: LineString[]; patrols: number; staffIds: number[]; lengthM: number }> {
  const { rows } = await sql<{ staff_id: number; geojson: string | null; length_m: number }>`
    WITH g AS (SELECT geom FROM grid_versions WHERE code = ${gridCode} AND valid_to IS NULL AND op <> 'retire'),
         zone AS (SELECT ST_Buffer(g.geom::geography, ${radiusM * 2})::geometry AS geom FROM g)
    -- Simplified to a metre: a phone's fixes every few metres along a street add points, not reach.
    SELECT p.staff_id, ST_AsGeoJSON(ST_Simplify(ST_CollectionExtract(ST_Intersection(p.geom, zone.geom), 2), ${SIMPLIFY_DEG}), 7) AS geojson,
           ST_Length(ST_Intersection(p.geom, (SELECT geom FROM g))::geography) AS length_m
    FROM patrols p, zone
    WHERE ${timeWindow(filter)}
      -- The box test uses the index (a degree of latitude is 111 km; of longitude less, hence twice); the geography test decides.
      AND p.geom && ST_Expand((SELECT geom FROM g), ${(radiusM * 2) / 111_000})
      AND ST_DWithin(p.geom::geography, (SELECT geom FROM g)::geography, ${radiusM})
    ORDER BY p.started_at, p.id`.execute(db);
  const lines: LineString[] = [];
  for (const row of rows) {
    if (!row.geojson) continue;
    const geometry = JSON.parse(row.geojson) as LineString | MultiLineString;
    for (const coordinates of geometry.type === 'LineString' ? [geometry.coordinates] : geometry.coordinates) if (coordinates.length >= 2) lines.push({ type: 'LineString', coordinates });
  }
  return { lines, patrols: rows.length, staffIds: [...new Set(rows.map((row) => Number(row.staff_id)))].sort((a, b) => a - b), lengthM: rows.reduce((sum, row) => sum + Number(row.length_m ?? 0), 0) };
}

/** A grid's stored streets and paths (its village's road lines, and its neighbours'), clipped to it and dissolved. */
export async function gridStreets(db: Kysely<Database>, gridCode: string): Promise<(LineString | MultiLineString)[]> {
  const { rows } = await sql<{ geojson: string | null }>`
    WITH g AS (SELECT geom FROM grid_versions WHERE code = ${gridCode} AND valid_to IS NULL AND op <> 'retire')
    SELECT ST_AsGeoJSON(ST_CollectionExtract(ST_Union(ST_Intersection(l.geom, g.geom)), 2), 7) AS geojson
    FROM reference_lines l, g
    WHERE l.kind = 'road' AND ST_Intersects(l.geom, g.geom)`.execute(db);
  const geojson = rows[0]?.geojson;
  if (!geojson) return [];
  const geometry = JSON.parse(geojson) as LineString | MultiLineString;
  return geometry.coordinates.length > 0 ? [geometry] : [];
}

/** Tracks as GeoJSON features (the command centre's layer, a worker's day). */
export async function listPatrols(db: Kysely<Database>, filter: PatrolFilter & { bbox?: [number, number, number, number] }, limit: number): Promise<PatrolTrack[]> {
  const bbox = filter.bbox ? sql<boolean>`p.geom && ST_MakeEnvelope(${filter.bbox[0]}, ${filter.bbox[1]}, ${filter.bbox[2]}, ${filter.bbox[3]}, 4326)` : sql<boolean>`true`;
  const { rows } = await sql<{ id: number; staff_id: number; name: string; started_at: Date; ended_at: Date; length_m: number; geojson: string }>`
    SELECT p.id, p.staff_id, s.name, p.started_at, p.ended_at, p.length_m, ST_AsGeoJSON(p.geom, 7) AS geojson
    FROM patrols p JOIN staff s ON s.id = p.staff_id
    WHERE ${timeWindow(filter)} AND ${bbox}
    ORDER BY p.started_at, p.id LIMIT ${limit}`.execute(db);
  return rows.map((row) => ({
    type: 'Feature' as const,
    id: Number(row.id),
    geometry: JSON.parse(row.geojson) as LineString,
    properties: { staffId: Number(row.staff_id), name: row.name, startedAt: new Date(row.started_at).toISOString(), endedAt: new Date(row.ended_at).toISOString(), lengthM: Math.round(Number(row.length_m)) },
  }));
}
