/**
 * The one data layer, over either backend:
 * - embedded: PGlite (PostgreSQL 18 in WASM) with PostGIS 3.6, in a folder on disk or in memory;
 * - postgres: a PostgreSQL + PostGIS server through `pg`.
 * Both speak the same SQL through Kysely; nothing above this file knows which one it has.
 */
import fs from 'node:fs';
import { Kysely, Migrator, PostgresDialect, sql, type Dialect, type Migration, type MigrationProvider } from 'kysely';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import type { Database } from './schema.js';
import { migrationProvider } from './migrations/index.js';
import { SerializedDriver } from './serialized-driver.js';
import { PGliteDialect } from './pglite-dialect.js';
import { AuditContextDriver } from './audit-context.js';

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
  /**
   * Server only: every pooled connection gets this statement_timeout, so a runaway query is
   * cancelled (SQLSTATE 57014, answered 503 by errorHandler) instead of holding a connection.
   * Not applied embedded: PGlite accepts `SET statement_timeout` but never cancels (single-threaded
   * WASM has no timer signal; pg_sleep(2) runs its 2 s under a 200 ms timeout). Omitted: none.
   */
  statementTimeoutMs?: number;
}

/** 64-bit integers (count(*), bigint ids) come back as JS numbers on both backends. */
const INT8_OID = 20;
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

// Both backends' drivers tell the audit triggers who is writing (audit-context.ts).
class EmbeddedDialect extends PGliteDialect {
  override createDriver() {
    return new AuditContextDriver(new SerializedDriver(super.createDriver()));
  }
}

class ServerDialect extends PostgresDialect {
  override createDriver() {
    return new AuditContextDriver(super.createDriver());
  }
}

/** The embedded database's folder, made if missing: it holds key hashes, households and addresses, so its owner alone may enter it. */
export function prepareDataDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
}

export async function openPGlite(options: Pick<OpenOptions, 'dataDir' | 'loadDataDir'>): Promise<PGlite> {
  if (options.dataDir) prepareDataDir(options.dataDir);
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
    const pool = new pg.Pool({ connectionString: options.databaseUrl, types: pgTypes, max: 10, statement_timeout: options.statementTimeoutMs });
    // An idle connection that the server drops (restart, failover, admin) must not take the
    // service down: pg reports it on the pool, and the next query opens a new connection.
    pool.on('error', (error) => console.error(`[gridgov] an idle database connection was lost: ${error.message}`));
    dialect = new ServerDialect({ pool });
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
    dialect = new EmbeddedDialect({ pglite });
  }
  const db = new Kysely<Database>({ dialect });
  await migrate(db, log, backend === 'postgres' && options.statementTimeoutMs !== undefined);
  return { db, backend, close: () => db.destroy() };
}

async function migrate(db: Kysely<Database>, log: (message: string) => void, untimed: boolean): Promise<void> {
  const migrator = new Migrator({ db, provider: untimed ? untimedMigrations : migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  for (const result of results ?? []) {
    log(`migration ${result.migrationName}: ${result.status}`);
  }
  if (error) throw error;
}

/**
 * The migrations, each lifting the statement timeout first: a migration may rewrite a whole
 * table, a start-up step and not a request. Kysely runs them in one transaction on PostgreSQL,
 * so SET LOCAL holds for all of them and ends with it.
 */
const untimedMigrations: MigrationProvider = {
  async getMigrations() {
    const migrations = await migrationProvider.getMigrations();
    return Object.fromEntries(
      Object.entries(migrations).map(([name, migration]): [string, Migration] => [
        name,
        {
          ...migration,
          up: async (db) => {
            await sql`SET LOCAL statement_timeout = 0`.execute(db);
            await migration.up(db);
          },
        },
      ]),
    );
  },
};

export async function postgisVersion(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ version: string }>`SELECT postgis_lib_version() AS version`.execute(db);
  return rows[0].version;
}

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
