/**
 * What a key may do, read from its `GET /api/me` answer: the views it can open and the one it
 * opens on. Pure (no DOM, no imports), so that the rules are tested without a browser.
 */

/** The planner (规划), auto-division (自动划分) or the command centre (指挥). */
export type AppView = 'plan' | 'divide' | 'command';

/** What `GET /api/me` says of a key (the client's `Me`). */
export interface Grant {
  role?: string;
  permissions: string[];
}

export function can(me: Grant, permission: string): boolean {
  return me.permissions.includes(permission);
}

/** The views a key can use: planning needs grid reads, division grid writes, the command centre incident reads. */
export function allowedViews(me: Grant): AppView[] {
  const views: AppView[] = [];
  if (can(me, 'grids:read')) views.push('plan');
  if (can(me, 'grids:write')) views.push('divide');
  if (can(me, 'incidents:read')) views.push('command');
  return views;
}

/** The view a key opens on: a dispatcher's is the command centre, anyone else's the current one if allowed, else the first allowed. */
export function firstView(me: Grant, current: AppView): AppView {
  const views = allowedViews(me);
  if (me.role === 'dispatcher' && views.includes('command')) return 'command';
  return views.includes(current) ? current : views[0];
}
