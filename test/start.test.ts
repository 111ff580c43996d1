/**
 * `npm start` as a user runs it: the real entry point in a child process, on a fresh data folder
 * (or a fresh server database), loads the demo once, answers over HTTP, keeps data across a
 * restart. (Start-up time is measured in scripts/bench/store.ts, not asserted here.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabases } from './support/store.js';

const freshDatabase = freshDatabases();
/** The demo's grids as `npm run build:demo` made them (their number follows the divider). */
const demoGridCount = (JSON.parse(fs.readFileSync(path.join('data', 'demo', 'grids.geojson'), 'utf8')) as { features: unknown[] }).features.length;
const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface Running {
  child: ChildProcess;
  output: () => string;
  url: string;
}

/** `npm start`'s command (scripts/start.mjs: compiles the server when needed, then runs it). */
async function start(env: Record<string, string>): Promise<Running> {
  const port = await freePort();
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    env: { ...process.env, DATABASE_URL: '', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" within 200 s:\n${output}`)), 200_000);
    const poll = setInterval(() => {
      if (output.includes('listening on')) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve();
      }
      if (child.exitCode !== null) {
        clearInterval(poll);
        clearTimeout(timer);
        reject(new Error(`exited with ${child.exitCode}:\n${output}`));
      }
    }, 50);
  });
  return { child, output: () => output, url: `http://127.0.0.1:${port}` };
}

async function stop(running: Running): Promise<number | null> {
  running.child.kill('SIGTERM');
  return new Promise((resolve) => running.child.once('exit', (code) => resolve(code)));
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// Each test starts the real service (a cold PGlite start is ~10 s, more on a loaded CI machine).
const START_TIMEOUT = 600_000;

/** `npm run import:addresses -- …args` in a child process: its exit code and output. */
function importAddresses(env: Record<string, string>, args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/import-addresses.ts', ...args], {
    env: { ...process.env, DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

/** The admin key a first start prints (once). */
function adminKeyIn(output: string): string {
  const match = /admin key \(shown once, keep it\): (gg_[A-Za-z0-9_-]+)/.exec(output);
  if (!match) throw new Error(`no admin key printed:\n${output}`);
  return match[1];
}

/** fetch() a path of a freshly started service with the admin key it printed. */
function signedFetch(service: { url: string; output: () => string }, pathname: string): Promise<Response> {
  return fetch(`${service.url}${pathname}`, { headers: { Authorization: `Bearer ${adminKeyIn(service.output())}` } });
}

describe('npm run import:addresses', { timeout: START_TIMEOUT }, () => {
  it('imports a file with a progress bar, refuses bad rows unless asked, and the service geocodes the result', async () => {
    const env = await freshDatabase();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-addresses-'));
    tempDirs.push(dir);
    const file = path.join(dir, 'addresses.csv');
    fs.writeFileSync(file, '地址,经度,纬度\n福建省福州市鼓楼区五四路88号,119.3051,26.0922\n福建省福州市鼓楼区五四路90号,26.0925,119.3053\n');

    // The rows' problems in the terminal's language: Chinese by default, English when asked.
    const refusedZh = await importAddresses({ ...env, GRIDGOV_DEMO: '0', GRIDGOV_LANG: 'zh' }, [file]);
    expect(refusedZh.output).toMatch(/row 3: .*看起来是 \[纬度, 经度\]/);
    const refused = await importAddresses({ ...env, GRIDGOV_DEMO: '0', GRIDGOV_LANG: 'en' }, [file]);
    expect(refused.code).toBe(2);
    expect(refused.output).toMatch(/row 3: .*looks like \[lat, lon\]/);
    expect(refused.output).toMatch(/nothing imported/);

    const imported = await importAddresses(env, [file, '--skip-invalid', '--crs', 'gcj02']);
    expect(imported.code, imported.output).toBe(0);
    expect(imported.output).toMatch(/100%/);
    expect(imported.output).toMatch(/1 addresses imported \(1 new/);

    const service = await start({ ...env, GRIDGOV_DEMO: '0' });
    const geocoded = await (await signedFetch(service, `/api/geocode?q=${encodeURIComponent('五四路八十八号')}`)).json();
    expect(geocoded.candidates[0].address).toBe('福建省福州市鼓楼区五四路88号');
    // Stored in WGS84: the GCJ-02 input moved by the datum shift (a few hundred metres here).
    expect(Math.abs(geocoded.candidates[0].lon - 119.3051)).toBeGreaterThan(0.001);
    expect(await stop(service)).toBe(0);
  });
});

describe('npm start', { timeout: START_TIMEOUT }, () => {
  it('creates the database, loads the demo once, and serves it across a restart', async () => {
    const env = await freshDatabase();
    const first = await start(env);
    expect(first.output()).toMatch(/loading the demo area/);
    const health = await (await fetch(`${first.url}/api/health`)).json();
    expect(health.status).toBe('ok');
    // The first start makes an admin key and prints it once, with a link that signs the client in.
    const key = adminKeyIn(first.output());
    expect(first.output()).toContain(`/#key=${key}`);
    expect((await fetch(`${first.url}/api/grids`)).status).toBe(401);
    const grids = await (await signedFetch(first, '/api/grids')).json();
    expect(grids.features).toHaveLength(demoGridCount);
    // It says how long it took.
    expect(first.output()).toMatch(/listening on http:\/\/localhost:\d+ \(started in \d+\.\d s, memory \d+ MiB\)/);
    const page = await fetch(`${first.url}/`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toMatch(/gridgov/);
    // The demo address registry is loaded and geocodes to the demo grids.
    const geocoded = await (await signedFetch(first, `/api/geocode?q=${encodeURIComponent('珞喻路38号')}`)).json();
    expect(geocoded.candidates[0]).toMatchObject({ matchedLevel: 'number', gridCode: expect.stringMatching(/^420111002101\d{3}$/) });
    // The demo's cameras and sensors report on their own (the demo feed), once listening.
    await waitFor(() => first.output().includes('demo feed:'), 30_000);
    expect(await stop(first)).toBe(0);

    const second = await start(env);
    expect(second.output()).not.toMatch(/loading the demo area/);
    // The key made on the first start still opens the service; no second key is made.
    expect(second.output()).not.toMatch(/admin key \(shown once/);
    expect((await (await fetch(`${second.url}/api/grids`, { headers: { Authorization: `Bearer ${key}` } })).json()).features).toHaveLength(demoGridCount);
    expect(await stop(second)).toBe(0);

    // GRIDGOV_DEMO_FEED=0: the demo data, but no feed.
    const quiet = await start({ ...env, GRIDGOV_DEMO_FEED: '0' });
    await waitFor(() => quiet.output().includes('ready:'), 30_000);
    expect(quiet.output()).not.toMatch(/demo feed/);
    expect(await stop(quiet)).toBe(0);
  });

  it('starts empty with GRIDGOV_DEMO=0 and refuses a bad PORT', async () => {
    const env = await freshDatabase();
    const empty = await start({ ...env, GRIDGOV_DEMO: '0' });
    expect((await (await signedFetch(empty, '/api/regions')).json()).features).toHaveLength(0);
    // Never a demo feed without the demo data.
    await waitFor(() => empty.output().includes('ready:'), 30_000);
    expect(empty.output()).not.toMatch(/demo feed/);
    expect(await stop(empty)).toBe(0);

    await expect(start({ ...env, PORT: 'abc' })).rejects.toThrow(/PORT must be a positive integer/);
  });
});
