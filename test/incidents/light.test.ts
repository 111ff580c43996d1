import { describe, expect, it } from 'vitest';
import { lightAt } from '../../server/incidents/light.js';
import { canTransition, INCIDENT_STATUSES, nextStatuses } from '../../server/incidents/states.js';

describe('lightAt', () => {
  const start = new Date('2026-01-01T00:00:00Z');
  const deadline = new Date('2026-01-01T10:00:00Z');
  const at = (hours: number) => new Date(start.getTime() + hours * 3_600_000);
  it('is green before 80 % of the time, yellow from 80 %, red after the deadline', () => {
    expect(lightAt(start, deadline, at(0))).toBe('green');
    expect(lightAt(start, deadline, at(7.99))).toBe('green');
    expect(lightAt(start, deadline, at(8))).toBe('yellow');
    expect(lightAt(start, deadline, at(10))).toBe('yellow');
    expect(lightAt(start, deadline, at(10.01))).toBe('red');
  });
});

describe('incident states', () => {
  it('follows the closed loop and nothing else', () => {
    const legal = INCIDENT_STATUSES.flatMap((from) => INCIDENT_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}→${to}`));
    expect(legal.sort()).toEqual(
      [
        'reported→dispatched',
        'reported→rejected',
        'dispatched→in_progress',
        'dispatched→rejected',
        'in_progress→resolved',
        'resolved→closed',
        'resolved→reopened',
        'closed→reopened',
        'rejected→reopened',
        'reopened→dispatched',
        'reopened→rejected',
      ].sort(),
    );
    expect(nextStatuses('closed')).toEqual(['reopened']);
  });
});
