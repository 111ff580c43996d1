/** What a key may open in the client (client/src/auth/permissions.ts), from its GET /api/me answer. */
import { describe, expect, it } from 'vitest';
import { allowedViews, can, firstView } from '../../client/src/auth/permissions.js';

const me = (role: string, permissions: string[]) => ({ signedIn: true, role, permissions });

describe('permissions', () => {
  it('reads a permission from the key’s list', () => {
    expect(can(me('viewer', ['grids:read']), 'grids:read')).toBe(true);
    expect(can(me('viewer', ['grids:read']), 'grids:write')).toBe(false);
  });

  it('gives planning to grid readers, division to grid writers, the command centre to incident readers', () => {
    expect(allowedViews(me('viewer', ['grids:read']))).toEqual(['plan']);
    expect(allowedViews(me('planner', ['grids:read', 'grids:write']))).toEqual(['plan', 'divide']);
    expect(allowedViews(me('admin', ['grids:read', 'grids:write', 'incidents:read']))).toEqual(['plan', 'divide', 'command']);
    expect(allowedViews(me('integrator', ['incidents:write']))).toEqual([]);
  });

  it('opens a dispatcher on the command centre, anyone else on the view shown if allowed, else the first allowed', () => {
    expect(firstView(me('dispatcher', ['grids:read', 'incidents:read']), 'plan')).toBe('command');
    expect(firstView(me('admin', ['grids:read', 'grids:write', 'incidents:read']), 'plan')).toBe('plan');
    expect(firstView(me('viewer', ['grids:read']), 'divide')).toBe('plan');
    // A dispatcher's key without incident reads stays on the planner.
    expect(firstView(me('dispatcher', ['grids:read']), 'plan')).toBe('plan');
  });
});
