/**
 * Who is making a change, carried from the HTTP request down to the audit triggers
 * (migration 007) without threading it through every data-layer function.
 *
 * The request runs inside `withAuditContext`; when a connection is taken from the pool during
 * a writing request, the context is stored in the connection's `gridgov.audit` setting, which
 * the triggers read, and cleared again when the connection goes back. Reads skip both steps.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { CompiledQuery, type DatabaseConnection } from 'kysely';
import { DelegatingDriver } from './delegating-driver.js';

export interface AuditContext {
  actor: string;
  keyId?: string;
  role?: string;
  ip?: string;
  requestId?: string;
  method?: string;
  path?: string;
}

const storage = new AsyncLocalStorage<AuditContext>();

/** Runs `work` with `context` as the author of every change it makes. */
export function withAuditContext<T>(context: AuditContext, work: () => T): T {
  return storage.run(context, work);
}

/**
 * Runs `work` as a reader: a connection it takes is not tagged with the request's author (the
 * setting written on acquire and cleared on release — two round trips each), which a look-up
 * that writes nothing does not need, even inside a writing request.
 */
export function asReader<T>(work: () => T): T {
  return storage.exit(work);
}

export function currentAuditContext(): AuditContext | undefined {
  return storage.getStore();
}

const setContext = (value: string) => CompiledQuery.raw(`SELECT set_config('gridgov.audit', $1, false)`, [value]);

export class AuditContextDriver extends DelegatingDriver {
  /** Connections whose setting this driver has set, to clear on release. */
  #tagged = new WeakSet<DatabaseConnection>();

  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.inner.acquireConnection();
    const context = storage.getStore();
    if (context) {
      try {
        await connection.executeQuery(setContext(JSON.stringify(context)));
      } catch (error) {
        await this.inner.releaseConnection(connection);
        throw error;
      }
      this.#tagged.add(connection);
    }
    return connection;
  }

  override async releaseConnection(connection: DatabaseConnection): Promise<void> {
    if (this.#tagged.has(connection)) {
      this.#tagged.delete(connection);
      // A pooled connection outlives the request: the next user must not inherit its author.
      await connection.executeQuery(setContext('')).catch(() => undefined);
    }
    return this.inner.releaseConnection(connection);
  }
}
