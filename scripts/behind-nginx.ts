/**
 * npx tsx scripts/behind-nginx.ts — the deployment recipe of docs/scale.md tried on one machine:
 * two instances of the real service on one fresh PostgreSQL database (DATABASE_URL names the
 * server), Debian's nginx in front of them with the configuration the document gives (on free
 * ports, in a temporary folder, stopped at the end). Checks through nginx: requests are spread
 * over both instances; a key made through it works on the next requests whichever instance
 * takes them; the live stream through nginx carries an incident written through either
 * instance directly. Needs /usr/sbin/nginx (apt-get install nginx-light).
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as turf from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { freePort, repoRoot, startInstance, streamText } from './bench/service.js';
import { throwawayDatabase } from './bench/throwaway-store.js';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('set DATABASE_URL to a PostgreSQL + PostGIS server');
const log = (message: string) => process.stderr.write(`[nginx] ${message}\n`);
const check = (ok: boolean, what: string) => {
  if (!ok) throw new Error(`FAILED: ${what}`);
  console.log(`ok — ${what}`);
};

const database = await throwawayDatabase('nginx', url);
const adminKey = crypto.randomBytes(32).toString('hex');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-nginx-'));
const env = { ...database.env, GRIDGOV_DEMO: '1', GRIDGOV_LOG_LEVEL: 'info', GRIDGOV_TRUST_PROXY: 'loopback' };
let nginx: ReturnType<typeof spawn> | undefined;
const instances: Awaited<ReturnType<typeof startInstance>>[] = [];
try {
  log('two instances at once on a fresh database…');
  instances.push(...(await Promise.all([startInstance(env, adminKey), startInstance(env, adminKey)])));
  const port = await freePort();
  const upstream = instances.map((i) => `server ${new URL(i.url).host};`).join(' ');
  const proxied = 'proxy_pass http://gridgov; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;';
  fs.writeFileSync(
    path.join(dir, 'nginx.conf'),
    `daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log; worker_processes 1;
events {}
http {
  access_log off; client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  upstream gridgov { ${upstream} keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 64m;
    location /api/events/stream { ${proxied} proxy_buffering off; proxy_read_timeout 1h; }
    location / { ${proxied} }
  }
}
`,
  );
  nginx = spawn('/usr/sbin/nginx', ['-c', path.join(dir, 'nginx.conf'), '-p', dir], { stdio: 'inherit' });
  const front = `http://127.0.0.1:${port}`;
  for (let k = 0; ; k++) {
    try {
      if ((await fetch(`${front}/api/health`)).ok) break;
    } catch {
      if (k > 100) throw new Error('nginx did not answer');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const auth = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };

  const before = instances.map((i) => (i.output().match(/\/api\/regions/g) ?? []).length);
  const answers = await Promise.all(Array.from({ length: 20 }, () => fetch(`${front}/api/regions`, { headers: auth }).then((r) => r.status)));
  check(answers.every((s) => s === 200), '20 × GET /api/regions through nginx: 200');
  await new Promise((resolve) => setTimeout(resolve, 1000)); // the instances' log lines come through pipes
  const served = instances.map((i, k) => (i.output().match(/\/api\/regions/g) ?? []).length - before[k]);
  check(served.every((n) => n > 0), `20 requests spread over both instances (${served.join(' + ')})`);

  const made = (await (await fetch(`${front}/api/keys`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'through nginx', role: 'viewer' }) })).json()) as { key: string };
  const statuses = await Promise.all(Array.from({ length: 10 }, () => fetch(`${front}/api/regions`, { headers: { authorization: `Bearer ${made.key}` } }).then((r) => r.status)));
  check(statuses.every((s) => s === 200), `a key made through nginx works on the next 10 requests, whichever instance (${[...new Set(statuses)].join(', ')})`);

  const stream = streamText(await fetch(`${front}/api/events/stream`, { headers: auth }));
  const until = async (what: string, ok: () => boolean) => {
    for (const started = Date.now(); Date.now() - started < 10_000; ) {
      if (ok()) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`FAILED: ${what} within 10 s`);
  };
  await until('the stream open', () => stream.text().includes('retry:'));
  const grid = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'data', 'demo', 'grids.geojson'), 'utf8')) as { features: Feature<Polygon | MultiPolygon>[] }).features[0];
  const [lon, lat] = turf.pointOnFeature(grid).geometry.coordinates;
  for (const instance of instances) {
    const created = await fetch(`${instance.url}/api/incidents`, { method: 'POST', headers: auth, body: JSON.stringify({ category: 'sanitation', source: 'worker', lon, lat }) });
    const { id } = (await created.json()) as { id: number };
    const t = performance.now();
    await until(`incident ${id} on the stream`, () => stream.text().includes(`"id":${id},`));
    check(true, `the stream through nginx carried incident ${id}, written on ${instance.url} directly, after ${(performance.now() - t).toFixed(0)} ms`);
  }
  await stream.stop();
} finally {
  nginx?.kill('SIGTERM');
  for (const { child } of instances) {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  await database.drop();
  fs.rmSync(dir, { recursive: true, force: true });
}
