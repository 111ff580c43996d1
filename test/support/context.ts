/**
 * One service per test file: its own database (see store.ts) behind the real express app,
 * driven over HTTP by supertest.
 *
 * `context.api` signs every request with an admin key of the whole tree, so that tests of what
 * an endpoint does need not repeat it; tests of who may call what make keys of their own with
 * `keyFor` and send them through `request(context.app)`.
 */
import { afterAll, beforeAll } from 'vitest';
import request from 'supertest';
import type { Express } from 'express';
import { createApp, type AppServices } from '../../server/app.js';
import { defaultLimits, type Limits } from '../../server/config.js';
import type { Store } from '../../server/db/connect.js';
import { createApiKey } from '../../server/db/api-keys.js';
import type { Role } from '../../server/access/roles.js';
import { openTestStore } from './store.js';

export interface TestContext {
  store: Store;
  app: Express;
  /** Requests signed with `adminKey`. */
  api: ReturnType<typeof request.agent>;
  adminKey: string;
}

/** A new key of a role, scoped to a region (null: the whole tree). */
export async function keyFor(store: Store, role: Role, regionCode: string | null = null, deviceIds?: string[]): Promise<string> {
  const { key } = await createApiKey(store.db, { name: `test ${role}${regionCode ? ` ${regionCode}` : ''}`, role, regionCode, deviceIds: deviceIds ?? null, createdBy: 'test' });
  return key;
}

const UNLIMITED = { integrator: 1e6, key: 1e6, anonymous: 1e6, failedKey: 1e6 };

export function useTestService(limits: Partial<Limits> = {}, services: AppServices = {}): TestContext {
  const context = {} as TestContext;
  beforeAll(async () => {
    context.store = await openTestStore();
    // Tests send requests as fast as they can: rate limits are tested on their own (access.test.ts).
    context.app = createApp(context.store, { ...defaultLimits, ...limits }, { ...services, access: { rateLimits: UNLIMITED, ...services.access } });
    context.adminKey = await keyFor(context.store, 'admin');
    context.api = request.agent(context.app).set('Authorization', `Bearer ${context.adminKey}`);
  });
  afterAll(async () => {
    await context.store?.close();
  });
  return context;
}

/** Requests to `app` signed with `key`. */
export function signedAs(app: Express, key: string): ReturnType<typeof request.agent> {
  return request.agent(app).set('Authorization', `Bearer ${key}`);
}
