/**
 * npm run keys -- create | list | revoke — API keys made, listed and revoked offline, on the
 * configured database (see USAGE below). For the first admin key of a new installation, for
 * getting back in when every admin key is lost, and for scripts on the database host; a running
 * service does the same through /api/keys with an admin key.
 *
 * Its writes run as the actor `cli:keys`, so the audit log records who made or revoked a key.
 * Exit status: 0 done, 2 bad arguments (an unknown role, region or key id included).
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.js';
import { openStore, type Store } from '../server/db/connect.js';
import { createApiKey, listApiKeys, revokeApiKey, type ApiKeyInfo } from '../server/db/api-keys.js';
import { withAuditContext } from '../server/db/audit-context.js';
import { ROLES } from '../server/access/roles.js';
import { checkNewKey, type NewKey } from '../server/access/new-key.js';
import { asApiError } from '../server/errors.js';
import { textTable } from './text-table.js';
import { translate } from '../server/i18n/catalogue.js';
import { langOfEnvironment } from '../server/i18n/lang.js';

/** Messages of the catalogue in the terminal's language (GRIDGOV_LANG, else the locale). */
const lang = langOfEnvironment(process.env);

const USAGE = `usage:
  npm run keys -- create --name NAME --role ROLE [--region CODE] [--devices ID,ID…] [--staff ID]
      makes a key and prints it, once (only its hash is stored), and its id
  npm run keys -- list [--revoked]
      the active keys (with --revoked, the revoked ones too)
  npm run keys -- revoke ID
      revokes the key with this id (k_…); kept in the list, for the audit log

  ROLE: ${ROLES.join(', ')}
  (server/access/roles.ts says what each may do).
  --region (a 12-digit region code) limits the key to that part of the region tree; without it
  the key covers everything. A device key needs --devices: the devices whose events it may send.
  A worker key needs --staff: the staff member (GET /api/staff) it stands for; it covers their grids.

  The database is the configured one: DATABASE_URL, else the embedded one in GRIDGOV_DATA
  (default ./data/db). The embedded database must not be open in a running service at the same
  time: stop the service first. On PostgreSQL the service may keep running; it notices a key
  revoked here within a few seconds.`;

const ACTOR = 'cli:keys';

/** Bad arguments: said on stderr with the usage, exit status 2. */
class UsageError extends Error {}

function fail(message: string, withUsage = true): never {
  console.error(withUsage ? `keys: ${message}\n\n${USAGE}` : `keys: ${message}`);
  process.exit(2);
}

function parse() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        role: { type: 'string' },
        region: { type: 'string' },
        devices: { type: 'string' },
        staff: { type: 'string' },
        revoked: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    // Unknown options, a missing value: node's message says which.
    fail((error as Error).message);
  }
}

const { values, positionals } = parse();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const [command, ...rest] = positionals;

/** Options that belong to another command are refused rather than silently ignored. */
function only(allowed: string[]): void {
  const given = (['name', 'role', 'region', 'devices', 'staff', 'revoked'] as const).filter((option) => values[option] !== undefined && values[option] !== false);
  const stray = given.filter((option) => !allowed.includes(option));
  if (stray.length > 0) throw new UsageError(`${command} takes no --${stray.join(', --')}`);
}

/** The create command's options, checked by the same rules as POST /api/keys. */
function newKeyInput(): NewKey {
  only(['name', 'role', 'region', 'devices', 'staff']);
  if (rest.length > 0) throw new UsageError(`create takes no further arguments, got ${rest.join(' ')}`);
  const deviceIds = values.devices?.split(',').map((id) => id.trim()).filter(Boolean);
  const checked = checkNewKey(
    { name: values.name, role: values.role, regionCode: values.region, deviceIds, staffId: values.staff },
    { name: '--name', role: '--role', regionCode: '--region', deviceIds: '--devices', staffId: '--staff' },
  );
  if (!checked.ok) throw new UsageError(translate(checked.message, lang));
  return checked.value;
}

const when = (iso: string | null) => (iso === null ? '' : iso.replace(/\.\d{3}Z$/, 'Z'));

function listing(keys: ApiKeyInfo[]): string {
  if (keys.length === 0) return values.revoked ? 'no keys' : 'no active keys (--revoked lists the revoked ones too)';
  return textTable(
    ['id', 'name', 'role', 'region', 'created', 'revoked', 'last used'],
    keys.map((key) => [
      key.id,
      key.name,
      key.deviceIds ? `${key.role} (${key.deviceIds.length} device${key.deviceIds.length === 1 ? '' : 's'})` : key.staffId ? `${key.role} (staff ${key.staffId})` : key.role,
      key.regionCode ?? 'all',
      when(key.createdAt),
      when(key.revokedAt),
      when(key.lastUsedAt),
    ]),
  );
}

type Action = (store: Store) => Promise<void>;

/** What the command line asks for, checked in full before the database is opened (an embedded one takes seconds). */
function action(): Action {
  switch (command) {
    case 'create': {
      const input = newKeyInput();
      return async (store) => {
        const { key, info } = await withAuditContext({ actor: ACTOR }, () => createApiKey(store.db, { ...input, createdBy: ACTOR }));
        console.log(`key ${info.id} (${info.name}, ${info.role}${info.regionCode ? `, region ${info.regionCode}` : ''}) — shown this once, store it now:`);
        console.log(key);
      };
    }
    case 'list': {
      only(['revoked']);
      if (rest.length > 0) throw new UsageError(`list takes no further arguments, got ${rest.join(' ')}`);
      return async (store) => console.log(listing(await listApiKeys(store.db, values.revoked)));
    }
    case 'revoke': {
      only([]);
      const [id, ...extra] = rest;
      if (id === undefined || extra.length > 0) throw new UsageError('revoke takes one key id (k_…; npm run keys -- list shows them)');
      if (!/^k_[0-9a-f]{12}$/.test(id)) throw new UsageError(`a key id looks like k_0123456789ab, got "${id}"`);
      return async (store) => {
        const revoked = await withAuditContext({ actor: ACTOR }, () => revokeApiKey(store.db, id, new Date()));
        console.log(`key ${revoked.id} (${revoked.name}) revoked`);
      };
    }
    default:
      throw new UsageError(command === undefined ? 'give a command: create, list or revoke' : `unknown command "${command}"`);
  }
}

let act: Action;
try {
  act = action();
} catch (error) {
  if (error instanceof UsageError) fail(error.message);
  throw error;
}
const config = loadConfig();
const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
let refused: string | undefined;
try {
  await act(store);
} catch (error) {
  // What only the database knows — an unknown region, no active key with that id — is the
  // caller's mistake too; the store is closed before exiting, so an embedded one shuts down cleanly.
  const answer = asApiError(error);
  if (answer && answer.status < 500) refused = answer.messageIn(lang);
  else throw error;
} finally {
  await store.close();
}
if (refused !== undefined) fail(refused, false);
