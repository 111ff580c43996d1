/**
 * A database of the test file's own, on the backend under test: embedded PGlite loaded from the
 * template that global-setup dumped, or — with DATABASE_URL — a fresh database on the server,
 * dropped when the file is done.
 */
import fs from 'node:fs';
import pg from 'pg';
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

