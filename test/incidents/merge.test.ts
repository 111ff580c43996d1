import { describe, expect, it } from 'vitest';
import { planMerge } from '../../server/incidents/merge.js';

const MIN = 60_000;
const event = (index: number, minutes: number, gridCode: string | null = 'G1', category = 'fire') => ({ index, gridCode, category, occurredAt: minutes * MIN });

describe('planMerge', () => {
  it('joins an open incident of the same grid and category within the window', () => {
    const plan = planMerge([event(0, 10)], [{ id: 7, gridCode: 'G1', category: 'fire', lastEventAt: 0 }], 30 * MIN);
    expect(plan.assignments.get(0)).toEqual({ incidentId: 7 });
    expect(plan.newIncidents).toEqual([]);
    expect(plan.joined.get(7)).toEqual([0]);
  });

  it('chains events in time order, so a batch equals the same events one by one', () => {
    // Sent out of order: 0 → 25 → 50 min each within 30 min of the previous one.
    const plan = planMerge([event(0, 50), event(1, 0), event(2, 25)], [], 30 * MIN);
    expect(plan.newIncidents).toEqual([{ gridCode: 'G1', category: 'fire', events: [1, 2, 0] }]);
  });

  it('opens new incidents after the window, in another grid or category, and for each event outside grids', () => {
    const plan = planMerge([event(0, 0), event(1, 45), event(2, 46, 'G2'), event(3, 47, 'G1', 'traffic'), event(4, 48, null), event(5, 48, null)], [], 30 * MIN);
    expect(plan.newIncidents.map((n) => n.events)).toEqual([[0], [1], [2], [3], [4], [5]]);
  });

  it('does not join an incident whose last event is far after this one (a late, old event)', () => {
    const plan = planMerge([event(0, 0)], [{ id: 7, gridCode: 'G1', category: 'fire', lastEventAt: 120 * MIN }], 30 * MIN);
    expect(plan.assignments.get(0)).toEqual({ newIncident: 0 });
  });
});
