/**
 * One service per test file: its own database (see store.ts) behind the real express app,
 * driven over HTTP by supertest.
 */
import { afterAll, beforeAll } from 'vitest';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../server/app.js';
import { defaultLimits, type Limits } from '../../server/config.js';
import type { Store } from '../../server/db/connect.js';
import { openTestStore } from './store.js';

export interface TestContext {
  store: Store;
  app: Express;
  api: ReturnType<typeof request>;
}

export function useTestService(limits: Partial<Limits> = {}): TestContext {
  const context = {} as TestContext;
  beforeAll(async () => {
    context.store = await openTestStore();
    context.app = createApp(context.store, { ...defaultLimits, ...limits });
    context.api = request(context.app);
  });
  afterAll(async () => {
    await context.store?.close();
  });
  return context;
}
