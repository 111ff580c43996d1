/**
 * Where "now" comes from for deadlines and lights. The service uses the system clock; tests
 * pass one they can move, so that a deadline can pass without waiting for it.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
