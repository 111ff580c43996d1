/**
 * The deadline light (红黄绿灯) of an incident: green while more than 20 % of its time is left,
 * yellow in the last 20 %, red when overdue. A finished incident keeps the light it finished
 * with (resolved in time: green, late: red), so the record of a late case stays red.
 */
export const LIGHTS = ['green', 'yellow', 'red'] as const;
export type Light = (typeof LIGHTS)[number];

/** Yellow from this share of the allowed time on. */
export const YELLOW_FROM = 0.8;

export function isLight(value: unknown): value is Light {
  return typeof value === 'string' && (LIGHTS as readonly string[]).includes(value);
}

/**
 * @param reportedAt when the clock started
 * @param deadlineAt when it runs out
 * @param at now, or the moment the incident was resolved
 */
export function lightAt(reportedAt: Date, deadlineAt: Date, at: Date): Light {
  const t = at.getTime();
  const deadline = deadlineAt.getTime();
  if (t > deadline) return 'red';
  const yellowFrom = reportedAt.getTime() + YELLOW_FROM * (deadline - reportedAt.getTime());
  return t >= yellowFrom ? 'yellow' : 'green';
}
