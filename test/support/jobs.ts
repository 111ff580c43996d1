/**
 * Waiting for a background job over HTTP (a division): polls its location every 50 ms until the
 * job is done or failed, and returns it. `attempts` bounds the wait; larger divisions pass more
 * (a loaded machine runs them slowly).
 */
import { expect } from 'vitest';
import type { TestContext } from './context.js';

export async function finishedJob(context: TestContext, location: string, attempts = 200) {
  for (let i = 0; i < attempts; i++) {
    const job = await context.api.get(location);
    expect(job.status).toBe(200);
    if (job.body.status === 'done' || job.body.status === 'failed') return job.body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('division did not finish');
}
