/**
 * `npm run keys` as an operator runs it: the CLI in a child process on a fresh database of the
 * backend under test (embedded folder, or a server database with DATABASE_URL) — create, list,
 * revoke, the refusals — and then the database itself: the keys work or not as the CLI said,
 * and the audit log names the CLI as their author.
 */
import { describe, expect, it } from 'vitest';
import { openStore } from '../../server/db/connect.js';
import { principalOfKey } from '../../server/db/api-keys.js';
import { freshDatabases } from '../support/store.js';
import { runScript } from '../support/cli.js';

const freshDatabase = freshDatabases();
/** The keys CLI, its messages in English (GRIDGOV_LANG; a Chinese terminal reads them in Chinese, checked below). */
const keys = (env: Record<string, string>, ...args: string[]) => runScript('scripts/keys.ts', args, { GRIDGOV_LANG: 'en', ...env });

// Every run opens the database in its own process (a cold embedded one takes ~10 s, more on a
// loaded machine), and this test makes seven such runs.
const TIMEOUT = 600_000;

describe('npm run keys', { timeout: TIMEOUT }, () => {
  it('refuses bad arguments with exit status 2 before opening the database', async () => {
    const env = await freshDatabase();
    const badRole = await keys(env, 'create', '--name', 'x', '--role', 'superuser');
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toMatch(/--role must be one of admin, planner, dispatcher, viewer, integrator, device, worker, got "superuser"/);
    expect(badRole.stderr).toMatch(/usage:/);

    for (const [args, message] of [
      [[], /give a command/],
      [['rotate'], /unknown command "rotate"/],
      [['create', '--role', 'viewer'], /--name must be given/],
      [['create', '--name', 'cam', '--role', 'device'], /a device key needs --devices/],
      [['create', '--name', 'x', '--role', 'viewer', '--devices', 'a'], /--devices belongs to device keys only/],
      [['create', '--name', 'x', '--role', 'viewer', '--region', '3501'], /--region must be a 12-digit region code/],
      [['list', '--role', 'admin'], /list takes no --role/],
      [['revoke'], /revoke takes one key id/],
      [['revoke', 'abc'], /a key id looks like k_/],
      [['list', '--bogus'], /Unknown option '--bogus'/],
    ] as [string[], RegExp][]) {
      const run = await keys(env, ...args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(message);
    }
  });

  it('creates, lists and revokes keys, which the audit log attributes to cli:keys', async () => {
    const env = await freshDatabase();

    const admin = await keys(env, 'create', '--name', '运维管理员', '--role', 'admin');
    expect(admin.code, admin.stderr).toBe(0);
    const adminId = /key (k_[0-9a-f]{12}) \(运维管理员, admin\)/.exec(admin.stdout)?.[1];
    const adminKey = /^gg_\S+$/m.exec(admin.stdout)?.[0];
    expect(adminId, admin.stdout).toBeDefined();
    expect(adminKey, admin.stdout).toBeDefined();

    const device = await keys(env, 'create', '--name', 'gate camera', '--role', 'device', '--devices', 'cam-1, cam-2,cam-1');
    expect(device.code, device.stderr).toBe(0);
    const deviceId = /key (k_[0-9a-f]{12})/.exec(device.stdout)![1];
    const deviceKey = /^gg_\S+$/m.exec(device.stdout)![0];

    const unknownRegion = await keys(env, 'create', '--name', 'x', '--role', 'viewer', '--region', '350102004001');
    expect(unknownRegion.code).toBe(2);
    expect(unknownRegion.stderr).toMatch(/No region with code 350102004001/);
    const chinese = await keys({ ...env, GRIDGOV_LANG: '', LANG: 'zh_CN.UTF-8' }, 'create', '--name', 'x', '--role', 'viewer', '--region', '350102004001');
    expect(chinese.stderr).toMatch(/没有代码为 350102004001 的区划/);

    const revoke = await keys(env, 'revoke', adminId!);
    expect(revoke.code, revoke.stderr).toBe(0);
    expect(revoke.stdout).toMatch(new RegExp(`key ${adminId} \\(运维管理员\\) revoked`));
    const again = await keys(env, 'revoke', adminId!);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/No active key with id/);

    const active = await keys(env, 'list');
    expect(active.code, active.stderr).toBe(0);
    const [header, rule, ...rows] = active.stdout.trimEnd().split('\n');
    expect(header.split(/\s{2,}/)).toEqual(['id', 'name', 'role', 'region', 'created', 'revoked', 'last used']);
    expect(rule).toMatch(/^-+( +-+)+$/);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(new RegExp(`^${deviceId} +gate camera +device \\(2 devices\\) +all +\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$`));

    const all = await keys(env, 'list', '--revoked');
    expect(all.code, all.stderr).toBe(0);
    const revokedRow = all.stdout.split('\n').find((line) => line.startsWith(adminId!));
    expect(revokedRow).toMatch(/运维管理员 +admin +all +\S+Z +\S+Z$/);

    const store = await openStore(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { dataDir: env.GRIDGOV_DATA });
    try {
      expect(await principalOfKey(store.db, adminKey!)).toBeUndefined();
      expect(await principalOfKey(store.db, deviceKey)).toMatchObject({ keyId: deviceId, role: 'device', regionCode: null, deviceIds: ['cam-1', 'cam-2'] });
      const audit = await store.db.selectFrom('audit_log').select(['actor', 'entity_id', 'op']).where('entity', '=', 'api_keys').orderBy('id').execute();
      expect(audit).toEqual([
        { actor: 'cli:keys', entity_id: adminId, op: 'insert' },
        { actor: 'cli:keys', entity_id: deviceId, op: 'insert' },
        { actor: 'cli:keys', entity_id: adminId, op: 'update' },
      ]);
    } finally {
      await store.close();
    }
  });
});
