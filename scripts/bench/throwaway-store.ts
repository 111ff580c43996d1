/**
 * A database for one benchmark run: a fresh embedded PGlite in memory, or, with DATABASE_URL,
 * a new database on that server, dropped afterwards.
 */
import pg from 'pg';
import { openStore, type Store } from '../../server/db/connect.js';

export async function throwawayStore(): Promise<{ store: Store; drop: () => Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const store = await openStore({});
    return { store, drop: () => store.close() };
  }
  const name = `gridgov_bench_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  const store = await openStore({ databaseUrl: target.toString() });
  return {
    store,
    drop: async () => {
      await store.close();
      const again = new pg.Client({ connectionString: url });
      await again.connect();
      await again.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await again.end();
    },
  };
}
