/**
 * Which device events join an open incident and which open new ones: an event joins the open
 * incident of its grid and category whose last event is at most the merge window before it;
 * otherwise it opens a new incident, which later events of the batch may join in turn.
 * Events are taken in the order they occurred, so a batch gives the same result as the same
 * events sent one by one.
 */
export interface MergeEvent {
  /** Position in the caller's list. */
  index: number;
  gridCode: string | null;
  category: string;
  occurredAt: number;
}

export interface OpenIncident {
  id: number;
  gridCode: string;
  category: string;
  lastEventAt: number;
}

export interface MergePlan {
  /** For each event (by its index): an existing incident id, or a new incident's number. */
  assignments: Map<number, { incidentId: number } | { newIncident: number }>;
  /** New incidents, each with the events that open and join it (indexes), first one first. */
  newIncidents: { gridCode: string | null; category: string; events: number[] }[];
  /** Existing incidents that gained events, with them. */
  joined: Map<number, number[]>;
}

const keyOf = (gridCode: string | null, category: string) => `${gridCode ?? '-'}|${category}`;

export function planMerge(events: readonly MergeEvent[], open: readonly OpenIncident[], windowMs: number): MergePlan {
  // The latest open incident per grid and category is the one an event may join.
  const current = new Map<string, { existing?: number; fresh?: number; lastEventAt: number }>();
  for (const incident of open) {
    const key = keyOf(incident.gridCode, incident.category);
    const known = current.get(key);
    if (!known || incident.lastEventAt > known.lastEventAt) current.set(key, { existing: incident.id, lastEventAt: incident.lastEventAt });
  }
  const plan: MergePlan = { assignments: new Map(), newIncidents: [], joined: new Map() };
  const ordered = [...events].sort((a, b) => a.occurredAt - b.occurredAt || a.index - b.index);
  for (const event of ordered) {
    const key = keyOf(event.gridCode, event.category);
    const target = current.get(key);
    // Outside every grid there is no one to merge under: each such event is its own incident.
    const joins = target && event.gridCode !== null && event.occurredAt - target.lastEventAt <= windowMs && event.occurredAt >= target.lastEventAt - windowMs;
    if (joins && target.existing !== undefined) {
      plan.assignments.set(event.index, { incidentId: target.existing });
      plan.joined.set(target.existing, [...(plan.joined.get(target.existing) ?? []), event.index]);
      target.lastEventAt = Math.max(target.lastEventAt, event.occurredAt);
    } else if (joins && target.fresh !== undefined) {
      plan.assignments.set(event.index, { newIncident: target.fresh });
      plan.newIncidents[target.fresh].events.push(event.index);
      target.lastEventAt = Math.max(target.lastEventAt, event.occurredAt);
    } else {
      const fresh = plan.newIncidents.push({ gridCode: event.gridCode, category: event.category, events: [event.index] }) - 1;
      plan.assignments.set(event.index, { newIncident: fresh });
      current.set(key, { fresh, lastEventAt: event.occurredAt });
    }
  }
  return plan;
}
