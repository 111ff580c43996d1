/**
 * A database of the test file's own, on the backend under test: embedded PGlite loaded from the
 * template that global-setup dumped, or — with DATABASE_URL — a fresh database on the server,
 * dropped when the file is done.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import { openStore, type Store } from '../../server/db/connect.js';

export const serverUrl = process.env.DATABASE_URL;

export function openStoreOn(pglite: PGlite): Promise<Store> {
  return openStore({ pglite });
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A new empty database on the test server: its URL, and how to drop it. */
export async function createServerDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!serverUrl) throw new Error('createServerDatabase needs DATABASE_URL');
  const name = `gridgov_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  return {
    url: withDatabase(serverUrl, name),
    drop: () => admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
}

export async function openTestStore(): Promise<Store> {
  if (serverUrl) {
    const database = await createServerDatabase();
    const store = await openStore({ databaseUrl: database.url });
    return {
      ...store,
      close: async () => {
        await store.close();
        await database.drop();
      },
    };
  }
  const { inject } = await import('vitest');
  const template = fs.readFileSync(inject('templatePath'));
  return openStore({ loadDataDir: new Blob([template]) });
}


/**
 * For tests that start the service (or a CLI) in a child process: a function giving, each
 * time, a fresh database as the environment variables that select it — a new server database
 * with DATABASE_URL, else a new embedded data folder — all removed when the test file is done.
 */
export function freshDatabases(): () => Promise<Record<string, string>> {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });
  return async (): Promise<Record<string, string>> => {
    if (serverUrl) {
      const database = await createServerDatabase();
      cleanups.push(database.drop);
      return { DATABASE_URL: database.url };
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-fresh-'));
    cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    return { DATABASE_URL: '', GRIDGOV_DATA: path.join(dir, 'db') };
  };
}
