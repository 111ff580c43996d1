/**
 * Runs `work` in a transaction — or, when `db` is already one, inside it. Each create path
 * (createRegion, replaceBuildings, importAddresses) is atomic on its own, and a caller that
 * needs several of them to commit or roll back together (a file import, a dry run) passes its
 * own transaction.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

export function inTransaction<T>(db: Kysely<Database>, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db as Transaction<Database>) : db.transaction().execute(work);
}
