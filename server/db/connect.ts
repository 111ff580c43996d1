/**
 * The one data layer, over either backend:
 * - embedded: PGlite (PostgreSQL 18 in WASM) with PostGIS 3.6, in a folder on disk or in memory;
 * - postgres: a PostgreSQL + PostGIS server through `pg`.
 * Both speak the same SQL through Kysely; nothing above this file knows which one it has.
 */
import fs from 'node:fs';
import { Kysely, PGliteDialect, PostgresDialect, sql, type Dialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import type { Database } from './schema.js';
import { migrationProvider } from './migrations/index.js';
import { SerializedDriver } from './serialized-driver.js';

export type Backend = 'embedded' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  backend: Backend;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres://… for the server backend; otherwise embedded. */
  databaseUrl?: string;
  /** Embedded only: data folder on disk. Omitted: in memory. */
  dataDir?: string;
  /** Embedded only: start from a dumped data folder (PGlite `dumpDataDir`), e.g. a test template. */
  loadDataDir?: Blob | File;
  /** Embedded only: an already open PGlite (with the postgis extension) to use. */
  pglite?: PGlite;
  /** Progress messages (start-up prints them). */
  log?: (message: string) => void;
}

/** 64-bit integers (count(*), bigint ids) come back as JS numbers on both backends. */
const INT8_OID = 20;
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

class SerializedPGliteDialect extends PGliteDialect {
  override createDriver() {
    return new SerializedDriver(super.createDriver());
  }
}

export async function openPGlite(options: Pick<OpenOptions, 'dataDir' | 'loadDataDir'>): Promise<PGlite> {
  if (options.dataDir) fs.mkdirSync(options.dataDir, { recursive: true });
  return PGlite.create({
    dataDir: options.dataDir,
    loadDataDir: options.loadDataDir,
    extensions: { postgis },
  });
}

export async function openStore(options: OpenOptions): Promise<Store> {
  const log = options.log ?? (() => {});
  let dialect: Dialect;
  let backend: Backend;
  if (options.databaseUrl) {
    backend = 'postgres';
    log(`connecting to PostgreSQL at ${redact(options.databaseUrl)}`);
    const pool = new pg.Pool({ connectionString: options.databaseUrl, types: pgTypes, max: 10 });
    // An idle connection that the server drops (restart, failover, admin) must not take the
    // service down: pg reports it on the pool, and the next query opens a new connection.
    pool.on('error', (error) => console.error(`[gridgov] an idle database connection was lost: ${error.message}`));
    dialect = new PostgresDialect({ pool });
  } else {
    backend = 'embedded';
    const fresh = options.dataDir !== undefined && !fs.existsSync(`${options.dataDir}/PG_VERSION`);
    log(
      options.dataDir
        ? fresh
          ? `creating the embedded database in ${options.dataDir} (first start: PGlite + PostGIS take ~10 s and ~1 GB of memory)`
          : `opening the embedded database in ${options.dataDir}`
        : 'opening an in-memory embedded database',
    );
    const pglite = options.pglite ?? (await openPGlite(options));
    dialect = new SerializedPGliteDialect({ pglite });
  }
  const db = new Kysely<Database>({ dialect });
  await migrate(db, log);
  return { db, backend, close: () => db.destroy() };
}

async function migrate(db: Kysely<Database>, log: (message: string) => void): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  for (const result of results ?? []) {
    log(`migration ${result.migrationName}: ${result.status}`);
  }
  if (error) throw error;
}

export async function postgisVersion(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ version: string }>`SELECT postgis_lib_version() AS version`.execute(db);
  return rows[0].version;
}

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
