/**
 * Every API request needs a key, so a benchmark that serves createApp over HTTP makes an admin
 * key in its throwaway store first (admin may call every endpoint, so no bench is refused for
 * its role) and sends the answer's header on each request.
 */
import type { Store } from '../../server/db/connect.js';
import { createApiKey } from '../../server/db/api-keys.js';

/** `{ authorization: 'Bearer …' }` for a new admin key in `store`, to spread into request headers. */
export async function adminAuthorization(store: Store): Promise<{ authorization: string }> {
  const { key } = await createApiKey(store.db, { name: 'bench', role: 'admin', regionCode: null, createdBy: 'bench' });
  return { authorization: `Bearer ${key}` };
}
