/**
 * What a staff member did in a time window, from where it is recorded: incidents they reported,
 * steps they took on incidents, patrol pieces, visits. The day's 网格日志 is built from these
 * (server/staff/worklog.ts).
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface WorkRecords {
  reports: { id: number; category: string; gridCode: string | null; description: string | null; at: Date }[];
  steps: { incidentId: number; from: string | null; to: string; fromLevel: string | null; toLevel: string | null; note: string | null; at: Date }[];
  patrols: { id: number; clientId: string; startedAt: Date; endedAt: Date; lengthM: number }[];
  visits: { id: number; address: string; gridCode: string; note: string | null; at: Date }[];
}

export async function workRecords(db: Kysely<Database>, staffId: number, from: Date, to: Date): Promise<WorkRecords> {
  const [reports, steps, patrols, visits] = await Promise.all([
    db
      .selectFrom('incidents')
      .select(['id', 'category', 'grid_code', 'description', 'reported_at'])
      .where('reporter_staff_id', '=', staffId)
      .where('reported_at', '>=', from)
      .where('reported_at', '<', to)
      .orderBy('reported_at')
      .execute(),
    db
      .selectFrom('incident_transitions')
      .select(['incident_id', 'from_status', 'to_status', 'from_level', 'to_level', 'note', 'at'])
      .where('actor_staff_id', '=', staffId)
      .where('from_status', 'is not', null)
      .where('at', '>=', from)
      .where('at', '<', to)
      .orderBy('at')
      .execute(),
    db
      .selectFrom('patrols')
      .select(['id', 'client_id', 'started_at', 'ended_at', 'length_m'])
      .where('staff_id', '=', staffId)
      .where('started_at', '<', to)
      .where('ended_at', '>=', from)
      .orderBy('started_at')
      .execute(),
    db
      .selectFrom('visits')
      .select(['id', 'address', 'grid_code', 'note', 'visited_at'])
      .where('staff_id', '=', staffId)
      .where('visited_at', '>=', from)
      .where('visited_at', '<', to)
      .orderBy('visited_at')
      .execute(),
  ]);
  return {
    reports: reports.map((r) => ({ id: Number(r.id), category: r.category, gridCode: r.grid_code, description: r.description, at: new Date(r.reported_at) })),
    steps: steps.map((s) => ({ incidentId: Number(s.incident_id), from: s.from_status, to: s.to_status, fromLevel: s.from_level, toLevel: s.to_level, note: s.note, at: new Date(s.at) })),
    patrols: patrols.map((p) => ({ id: Number(p.id), clientId: p.client_id, startedAt: new Date(p.started_at), endedAt: new Date(p.ended_at), lengthM: Number(p.length_m) })),
    visits: visits.map((v) => ({ id: Number(v.id), address: v.address, gridCode: v.grid_code, note: v.note, at: new Date(v.visited_at) })),
  };
}

