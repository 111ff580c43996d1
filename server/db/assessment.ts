/**
 * What grid staff and grids did in a month, counted from the records: reports made, cases
 * resolved (by the person assigned at that step) and how many by their deadline, patrol
 * metres, visits. The points and grades are server/staff/assessment.ts's.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface Window {
  from: Date;
  to: Date;
}

export interface WorkerCounts {
  staffId: number;
  name: string;
  duty: string;
  regionCode: string | null;
  gridCodes: string[];
  reports: number;
  handled: number;
  onTime: number;
  patrolM: number;
  visits: number;
}

export interface GridCounts {
  code: string;
  name: string;
  kind: string;
  reports: number;
  handled: number;
  onTime: number;
  patrolM: number;
  visits: number;
}

/** A step that resolved a case in the window (a case resolved, reopened and resolved again counts twice). */
const resolvedIn = (w: Window) => sql`t.to_status = 'resolved' AND t.from_status IS DISTINCT FROM 'resolved' AND t.at >= ${w.from} AND t.at < ${w.to}`;

/** The current staff with a place (grid or region) under `prefix`, and what each did in the window. */
export async function workerCounts(db: Kysely<Database>, prefix: string, w: Window): Promise<WorkerCounts[]> {
  const like = `${prefix}%`;
  const { rows } = await sql<{ id: number; name: string; duty: string; region_code: string | null; grids: string | null; reports: number; handled: number; on_time: number; patrol_m: number; visits: number }>`
    SELECT s.id, s.name, s.duty, s.region_code,
      (SELECT string_agg(g.grid_code, ',' ORDER BY g.grid_code) FROM staff_grids g WHERE g.staff_id = s.id) AS grids,
      (SELECT count(*) FROM incidents i WHERE i.reporter_staff_id = s.id AND i.reported_at >= ${w.from} AND i.reported_at < ${w.to})::int AS reports,
      (SELECT count(*) FROM incident_transitions t WHERE coalesce(t.assignee_staff_id, t.actor_staff_id) = s.id AND ${resolvedIn(w)})::int AS handled,
      (SELECT count(*) FROM incident_transitions t JOIN incidents i ON i.id = t.incident_id
        WHERE coalesce(t.assignee_staff_id, t.actor_staff_id) = s.id AND ${resolvedIn(w)} AND t.at <= i.deadline_at)::int AS on_time,
      (SELECT coalesce(sum(p.length_m), 0) FROM patrols p WHERE p.staff_id = s.id AND p.started_at >= ${w.from} AND p.started_at < ${w.to})::float8 AS patrol_m,
      (SELECT count(*) FROM visits v WHERE v.staff_id = s.id AND v.visited_at >= ${w.from} AND v.visited_at < ${w.to})::int AS visits
    FROM staff s
    WHERE s.deleted_at IS NULL
      AND (s.region_code LIKE ${like} OR EXISTS (SELECT 1 FROM staff_grids g WHERE g.staff_id = s.id AND g.grid_code LIKE ${like}))
    ORDER BY s.name, s.id`.execute(db);
  return rows.map((r) => ({
    staffId: Number(r.id),
    name: r.name,
    duty: r.duty,
    regionCode: r.region_code,
    gridCodes: r.grids ? r.grids.split(',') : [],
    reports: Number(r.reports),
    handled: Number(r.handled),
    onTime: Number(r.on_time),
    patrolM: Number(r.patrol_m),
    visits: Number(r.visits),
  }));
}

/** The live grids under `prefix`, and what was reported, resolved, walked and visited in each. */
export async function gridCounts(db: Kysely<Database>, prefix: string, w: Window): Promise<GridCounts[]> {
  const { rows } = await sql<{ code: string; name: string; kind: string; reports: number; handled: number; on_time: number; patrol_m: number; visits: number }>`
    SELECT v.code, v.name, v.kind,
      (SELECT count(*) FROM incidents i WHERE i.grid_code = v.code AND i.reported_at >= ${w.from} AND i.reported_at < ${w.to})::int AS reports,
      (SELECT count(*) FROM incident_transitions t JOIN incidents i ON i.id = t.incident_id WHERE i.grid_code = v.code AND ${resolvedIn(w)})::int AS handled,
      (SELECT count(*) FROM incident_transitions t JOIN incidents i ON i.id = t.incident_id WHERE i.grid_code = v.code AND ${resolvedIn(w)} AND t.at <= i.deadline_at)::int AS on_time,
      (SELECT coalesce(sum(ST_Length(ST_Intersection(p.geom, v.geom)::geography)), 0) FROM patrols p
        WHERE p.started_at >= ${w.from} AND p.started_at < ${w.to} AND ST_Intersects(p.geom, v.geom))::float8 AS patrol_m,
      (SELECT count(*) FROM visits x WHERE x.grid_code = v.code AND x.visited_at >= ${w.from} AND x.visited_at < ${w.to})::int AS visits
    FROM grid_versions v
    WHERE v.valid_to IS NULL AND v.op <> 'retire' AND v.code LIKE ${`${prefix}%`}
    ORDER BY v.code`.execute(db);
  return rows.map((r) => ({ code: r.code, name: r.name, kind: r.kind, reports: Number(r.reports), handled: Number(r.handled), onTime: Number(r.on_time), patrolM: Number(r.patrol_m), visits: Number(r.visits) }));
}
