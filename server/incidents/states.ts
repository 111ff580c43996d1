/**
 * The closed loop of an incident (上报 → 派遣 → 处置 → 反馈 → 核查结案): which status may follow
 * which. Anything else is an illegal transition (409).
 */
export const INCIDENT_STATUSES = ['reported', 'dispatched', 'in_progress', 'resolved', 'closed', 'rejected', 'reopened'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

const NEXT: Record<IncidentStatus, readonly IncidentStatus[]> = {
  reported: ['dispatched', 'rejected'],
  dispatched: ['in_progress', 'rejected'],
  in_progress: ['resolved'],
  // 反馈 → 核查: the reporter or the village checks the work; closed, or reopened when it is not done.
  resolved: ['closed', 'reopened'],
  closed: ['reopened'],
  rejected: ['reopened'],
  reopened: ['dispatched', 'rejected'],
};

/** Statuses in which the clock runs (the incident still needs work). */
export const OPEN_STATUSES: readonly IncidentStatus[] = ['reported', 'dispatched', 'in_progress', 'reopened'];

export function isIncidentStatus(value: unknown): value is IncidentStatus {
  return typeof value === 'string' && (INCIDENT_STATUSES as readonly string[]).includes(value);
}

export function canTransition(from: IncidentStatus, to: IncidentStatus): boolean {
  return NEXT[from].includes(to);
}

export function nextStatuses(from: IncidentStatus): readonly IncidentStatus[] {
  return NEXT[from];
}
