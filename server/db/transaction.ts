/**
 * Runs `work` in a transaction — or, when `db` is already one, inside it. Each create path
 * (createRegion, replaceBuildings, importAddresses) is atomic on its own, and a caller that
 * needs several of them to commit or roll back together (a file import, a dry run) passes its
 * own transaction.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.js';

export function inTransaction<T>(db: Kysely<Database>, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db as Transaction<Database>) : db.transaction().execute(work);
}

/**
 * Runs `work` inside a savepoint of `trx`: on an error the savepoint's writes are undone and the
 * error thrown on, the transaction itself stays usable (a file import refuses one region and
 * goes on with the next).
 */
export async function inSavepoint<T>(trx: Transaction<Database>, name: string, work: () => Promise<T>): Promise<T> {
  await sql`SAVEPOINT ${sql.id(name)}`.execute(trx);
  try {
    const result = await work();
    await sql`RELEASE SAVEPOINT ${sql.id(name)}`.execute(trx);
    return result;
  } catch (error) {
    await sql`ROLLBACK TO SAVEPOINT ${sql.id(name)}`.execute(trx);
    throw error;
  }
}
