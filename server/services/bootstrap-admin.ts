/**
 * The first admin key. With GRIDGOV_ADMIN_KEY the operator chooses it (and it is stored, hashed,
 * on the first start that sees it); without, the first start makes one and prints it once.
 * Further keys are made with it (POST /api/keys) or offline (npm run keys).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { createApiKey, hasActiveAdmin, keyExists } from '../db/api-keys.js';

export type BootstrapResult = { made: 'configured' | 'generated'; key: string } | { made: 'none'; reason: string };

export async function bootstrapAdmin(db: Kysely<Database>, configuredKey: string | undefined): Promise<BootstrapResult> {
  if (configuredKey !== undefined) {
    if (await keyExists(db, configuredKey)) return { made: 'none', reason: 'GRIDGOV_ADMIN_KEY is stored already (a revoked one stays revoked)' };
    await createApiKey(db, { name: '管理员（GRIDGOV_ADMIN_KEY）', role: 'admin', regionCode: null, secret: configuredKey, createdBy: 'start-up' });
    return { made: 'configured', key: configuredKey };
  }
  if (await hasActiveAdmin(db)) return { made: 'none', reason: 'an admin key exists' };
  // The key's name is stored once and shown to every reader: in Chinese, the product's first language.
  const { key } = await createApiKey(db, { name: '管理员（首次启动）', role: 'admin', regionCode: null, createdBy: 'start-up' });
  return { made: 'generated', key };
}
