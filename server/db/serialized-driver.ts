/**
 * PGlite is one connection. The PGlite driver (pglite-dialect.ts) hands that one connection to every caller,
 * so two overlapping transactions (or a query issued while a transaction is open) would run
 * inside each other. This wrapper gives the connection to one caller at a time, the way a
 * pool of size one would: acquire waits until the previous holder released it.
 */
import type { DatabaseConnection } from 'kysely';
import { DelegatingDriver } from './delegating-driver.js';

export class SerializedDriver extends DelegatingDriver {
  #tail: Promise<void> = Promise.resolve();
  #release: (() => void) | undefined;

  override async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    this.#release = release;
    return this.inner.acquireConnection();
  }

  override async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await this.inner.releaseConnection(connection);
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }
}
