/**
 * Throwaway databases for benchmarks and the crash test: an embedded one (in memory, or in a
 * temporary folder on disk when a second process must open it), or, with a server URL, a new
 * database on that server. Each is removed afterwards; one place, so that every script cleans up
 * the same way.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openStore, type OpenOptions, type Store } from '../../server/db/connect.js';

export interface ThrowawayDatabase {
  /** What to put in a child service's environment to make it use this database. */
  env: Record<string, string>;
  /** How to open it from this process. */
  options: OpenOptions;
  drop: () => Promise<void>;
}

/**
 * A fresh database named after `purpose`: with `url`, `gridgov_<purpose>_<random>` on that
 * server; without, an embedded data folder on disk (so that a child service can open it too).
 */
export async function throwawayDatabase(purpose: string, url: string | undefined): Promise<ThrowawayDatabase> {
  if (!url) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `gridgov-${purpose}-`));
    const dataDir = path.join(dir, 'db');
    // DATABASE_URL is emptied, not just left out: the child inherits this process's environment.
    return { env: { GRIDGOV_DATA: dataDir, DATABASE_URL: '' }, options: { dataDir }, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `gridgov_${purpose}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  return { env: { DATABASE_URL: target.toString() }, options: { databaseUrl: target.toString() }, drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Opens a throwaway database here; closing the store removes the database (as does failing to open it). */
export async function openThrowaway(database: ThrowawayDatabase): Promise<Store> {
  try {
    const store = await openStore(database.options);
    return { ...store, close: async () => (await store.close(), await database.drop()) };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

/**
 * A store for one in-process benchmark run: embedded in memory (nothing to remove), or, with
 * DATABASE_URL, a new database on that server, dropped by `drop`.
 */
export async function throwawayStore(): Promise<{ store: Store; drop: () => Promise<void> }> {
  const url = process.env.DATABASE_URL;
  const store = url ? await openThrowaway(await throwawayDatabase('bench', url)) : await openStore({});
  return { store, drop: () => store.close() };
}
