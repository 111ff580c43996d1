/**
 * The day's 网格日志 of a grid worker, built from what they recorded — reports, steps on
 * incidents, patrols, visits — in time order, with the day's totals. Patrol pieces of one walk
 * (the phone names them `<walk id>:<piece>`) are joined into one entry. Pure.
 */
import type { WorkRecords } from '../db/worklog.js';
import type { WorkLog, WorkLogEntry } from '../api-types/patrols.js';

export type { WorkLog, WorkLogEntry };

const round2 = (value: number) => Math.round(value * 100) / 100;

export function buildWorkLog(date: string, records: WorkRecords): WorkLog {
  const entries: WorkLogEntry[] = [];
  for (const r of records.reports) entries.push({ kind: 'report', at: r.at.toISOString(), incidentId: r.id, category: r.category, gridCode: r.gridCode, description: r.description });
  for (const s of records.steps) entries.push({ kind: 'step', at: s.at.toISOString(), incidentId: s.incidentId, from: s.from, to: s.to, escalated: s.fromLevel !== s.toLevel, note: s.note });
  for (const v of records.visits) entries.push({ kind: 'visit', at: v.at.toISOString(), visitId: v.id, address: v.address, gridCode: v.gridCode, note: v.note });

  const walks = new Map<string, { start: Date; end: Date; metres: number; pieces: number }>();
  for (const p of records.patrols) {
    const walk = p.clientId.includes(':') ? p.clientId.slice(0, p.clientId.lastIndexOf(':')) : p.clientId;
    const known = walks.get(walk);
    if (!known) walks.set(walk, { start: p.startedAt, end: p.endedAt, metres: p.lengthM, pieces: 1 });
    else {
      known.start = p.startedAt < known.start ? p.startedAt : known.start;
      known.end = p.endedAt > known.end ? p.endedAt : known.end;
      known.metres += p.lengthM;
      known.pieces++;
    }
  }
  let minutes = 0;
  for (const walk of walks.values()) {
    entries.push({ kind: 'patrol', at: walk.start.toISOString(), until: walk.end.toISOString(), km: round2(walk.metres / 1000), pieces: walk.pieces });
    minutes += (walk.end.getTime() - walk.start.getTime()) / 60_000;
  }
  entries.sort((a, b) => a.at.localeCompare(b.at));
  const km = [...walks.values()].reduce((sum, walk) => sum + walk.metres, 0) / 1000;
  return {
    date,
    entries,
    totals: { reports: records.reports.length, steps: records.steps.length, patrols: walks.size, patrolKm: round2(km), patrolMinutes: Math.round(minutes), visits: records.visits.length },
  };
}
