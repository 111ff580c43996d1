/**
 * Two instances of the real service (child processes, free ports) on one fresh PostgreSQL
 * database, started at the same moment, act as one service:
 * - migrations, the first admin key and the demo's absence check run once (a start-up lock);
 * - a division job is run by exactly one instance, and a job whose owner died (its lease not
 *   renewed) is taken over by exactly one of the others;
 * - rate limits are per instance (documented: each instance counts its own requests);
 * - a key revoked through one instance stops working on the other within a second
 *   (LISTEN/NOTIFY), and its open event stream there ends;
 * - the live stream of one instance carries the incidents written through the other.
 *
 * Server backend only: an embedded database is one process's folder, and a second instance
 * cannot open it, so there is nothing to share (skipped without DATABASE_URL).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabases, serverUrl } from '../support/store.js';
import { box, gridFeature, seedTree, regionFeature, tree } from '../support/fixtures.js';
import { smallTown } from '../support/town.js';
import { streamText } from '../../scripts/bench/service.js';

const ADMIN_KEY = crypto.randomBytes(32).toString('hex');
const freshDatabase = freshDatabases();

interface Instance {
  child: ChildProcess;
  url: string;
  output: () => string;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function start(env: Record<string, string>): Promise<Instance> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      GRIDGOV_DEMO: '0',
      GRIDGOV_ADMIN_KEY: ADMIN_KEY,
      GRIDGOV_DIVISION_LEASE_S: '3',
      GRIDGOV_RATE_KEY: '5',
      GRIDGOV_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  for (const started = Date.now(); ; ) {
    if (child.exitCode !== null) throw new Error(`an instance exited with ${child.exitCode}:\n${output}`);
    if (Date.now() - started > 120_000) throw new Error(`an instance did not start within 120 s:\n${output}`);
    if (output.includes('listening on')) return { child, url, output: () => output };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const auth = (key = ADMIN_KEY) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });
const until = async <T>(what: string, fn: () => Promise<T | undefined>, ms: number): Promise<T> => {
  for (const started = Date.now(); Date.now() - started < ms; ) {
    const value = await fn();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${what}: not within ${ms} ms`);
};

describe.skipIf(!serverUrl)('two instances on one PostgreSQL', () => {
  let a: Instance;
  let b: Instance;
  let url: string;
  const query = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<T>(text, values)).rows;
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    const env = await freshDatabase();
    url = env.DATABASE_URL;
    // At the same moment: both migrate, both bootstrap the admin key.
    [a, b] = await Promise.all([start(env), start(env)]);
  });

  afterAll(async () => {
    for (const instance of [a, b]) {
      if (!instance || instance.child.exitCode !== null) continue;
      instance.child.kill('SIGTERM');
      await new Promise((resolve) => instance.child.once('exit', resolve));
    }
  });

  it('ran the migrations and the first start once', async () => {
    const migrations = await query<{ name: string }>('SELECT name FROM kysely_migration');
    expect(new Set(migrations.map((m) => m.name)).size).toBe(migrations.length);
    expect(await query('SELECT id FROM api_keys')).toHaveLength(1);
    expect([a.output(), b.output()].filter((o) => o.includes('admin key from GRIDGOV_ADMIN_KEY stored'))).toHaveLength(1);
    const partitioned = await query<{ relkind: string }>("SELECT relkind FROM pg_class WHERE relname = 'device_events'");
    expect(partitioned[0].relkind).toBe('p');
  });

  it('runs a division job on exactly one instance, and takes over one whose owner died', async () => {
    // The instances whose log says they ran job `id`. The job is marked done before its line is
    // logged, and a child's output arrives through a pipe: wait for a line, then give a second
    // instance time to log one too.
    const ranOn = async (id: string) => {
      const logged = () => [a.output(), b.output()].filter((o) => o.includes(`division ${id}:`));
      await until(`a log line of division ${id}`, async () => (logged().length > 0 ? true : undefined), 10_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      return logged();
    };
    // Regions through one instance, the job through the other: both read the same database.
    const context = { api: { post: (path: string) => ({ send: async (body: unknown) => { const r = await fetch(a.url + path, { method: 'POST', headers: auth(), body: JSON.stringify(body) }); return { status: r.status, body: await r.json() }; } }) } };
    await seedTree(context as never);
    const town = smallTown();
    const village = '420111002005';
    expect((await context.api.post('/api/regions').send(regionFeature(village, '示范社区', 'village', tree.street.code, town.boundary))).status).toBe(201);
    const accepted = await fetch(`${b.url}/api/divisions`, { method: 'POST', headers: auth(), body: JSON.stringify({ regionCode: village, buildings: town.buildings, barriers: town.barriers }) });
    expect(accepted.status).toBe(202);
    const { id } = (await accepted.json()) as { id: string };
    const done = await until('the job done', async () => {
      const job = (await (await fetch(`${a.url}/api/divisions/${id}`, { headers: auth() })).json()) as { status: string };
      return job.status === 'done' || job.status === 'failed' ? job : undefined;
    }, 40_000);
    expect(done.status).toBe('done');
    expect(await ranOn(id)).toHaveLength(1);

    // A copy of it, left "running" by an instance that no longer renews its lease.
    const orphan = crypto.randomUUID();
    await query(
      `INSERT INTO divisions (id, status, region_code, request, base_versions, owner, heartbeat_at)
       SELECT $1, 'running', region_code, request, base_versions, 'a-dead-instance', now() - interval '1 minute' FROM divisions WHERE id = $2`,
      [orphan, id],
    );
    const taken = await until('the orphan done', async () => {
      const [row] = await query<{ status: string; owner: string }>('SELECT status, owner FROM divisions WHERE id = $1', [orphan]);
      return row.status === 'done' ? row : undefined;
    }, 40_000);
    expect(taken.owner).not.toBe('a-dead-instance');
    expect(await ranOn(orphan)).toHaveLength(1);
  });

  it('counts rate limits per instance (documented), and forgets a key revoked on the other within a second', async () => {
    const made = (await (await fetch(`${a.url}/api/keys`, { method: 'POST', headers: auth(), body: JSON.stringify({ name: 'short-lived', role: 'viewer' }) })).json()) as { id: string; key: string };
    // GRIDGOV_RATE_KEY=5: bursts of 10 per key, per instance.
    const burst = await Promise.all(Array.from({ length: 14 }, () => fetch(`${a.url}/api/regions`, { headers: auth(made.key) }).then((r) => r.status)));
    expect(burst.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect((await fetch(`${b.url}/api/regions`, { headers: auth(made.key) })).status).toBe(200);

    // B has the key cached now; an open stream on B with it.
    const stream = await fetch(`${b.url}/api/events/stream`, { headers: auth(made.key) });
    expect(stream.status).toBe(200);
    const streamed = streamText(stream);
    await new Promise((resolve) => setTimeout(resolve, 1200)); // past the rate limiter's refill
    expect((await fetch(`${a.url}/api/keys/${made.id}`, { method: 'DELETE', headers: auth() })).status).toBe(200);
    const revokedAt = Date.now();
    await until('B refuses the revoked key', async () => ((await fetch(`${b.url}/api/regions`, { headers: auth(made.key) })).status === 401 ? true : undefined), 1000);
    expect(Date.now() - revokedAt).toBeLessThan(1000);
    await until('the stream on B ends', async () => (streamed.text().includes('event: revoked') ? true : undefined), 1000);
    await streamed.ended;
  });

  it('carries on the stream of one instance every incident written through the other', async () => {
    const stream = streamText(await fetch(`${b.url}/api/events/stream`, { headers: auth() }));
    try {
      await until('the stream open', async () => (stream.text().includes('retry:') ? true : undefined), 5000);
      const grids = { type: 'FeatureCollection', features: [gridFeature(tree.villageA.code, '网格', box(114.3, 30.5, 114.31, 30.51))] };
      expect((await fetch(`${a.url}/api/grids/import`, { method: 'POST', headers: auth(), body: JSON.stringify(grids) })).status).toBe(201);
      const created = await fetch(`${a.url}/api/incidents`, { method: 'POST', headers: auth(), body: JSON.stringify({ category: 'sanitation', source: 'worker', lon: 114.305, lat: 30.505 }) });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: number };
      await until('the incident on B', async () => (stream.text().includes(`"id":${id},`) ? true : undefined), 5000);
    } finally {
      await stream.stop();
    }
  });
});
