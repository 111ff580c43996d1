/**
 * The newcomer's path, as the README tells it: `npm start` on a fresh data folder (or a fresh
 * server database), the sign-in link it prints opened in Chromium with no internet (every request
 * leaving the service is refused): the planner's map over gridgov's own base map, mostly in the "300–500 households" colour;
 * the command centre with incidents, cameras and a heat layer; the live stream delivering a change
 * the demo feed made (its interval shortened to 2 s here). Screenshots: test-output/e2e/00-newcomer-*.png.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, E2E_HOOK_MS, SHOTS, START_MS, blend, countPixels, haveChromium } from './support.js';
import { HOUSEHOLD_COLOURS } from '../../client/src/palette.js';
import { createServerDatabase, serverUrl } from '../support/store.js';

const title = haveChromium ? 'a newcomer: npm start, the printed link, planner and command centre' : `newcomer path — SKIPPED: ${CHROMIUM} not found (apt-get install chromium)`;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe.skipIf(!haveChromium)(title, { timeout: 240_000 }, () => {
  let child: ChildProcess;
  let output = '';
  let link = '';
  let origin = '';
  let browser: Browser;
  let page: Page;
  const cleanups: (() => Promise<void>)[] = [];
  const consoleErrors: string[] = [];
  const tileAnswers: number[] = [];
  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `00-newcomer-${name}.png`) });

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    const env: Record<string, string> = { DATABASE_URL: '', GRIDGOV_ADMIN_KEY: '', GRIDGOV_DEMO: '', GRIDGOV_DEMO_FEED: '', GRIDGOV_DEMO_FEED_INTERVAL_MS: '2000' };
    if (serverUrl) {
      const database = await createServerDatabase();
      cleanups.push(database.drop);
      env.DATABASE_URL = database.url;
    } else {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-newcomer-'));
      cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
      env.GRIDGOV_DATA = path.join(dir, 'db');
    }
    env.PORT = String(await freePort());
    // `npm start`, exactly as the README says.
    child = spawn('npm', ['start'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const until = Date.now() + START_MS;
    while (!/listening on/.test(output)) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
      if (Date.now() > until) throw new Error(`no "listening" within ${START_MS / 1000} s:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    link = /sign in: (http:\/\/\S+)/.exec(output)![1];
    origin = new URL(link).origin;

    const { chromium } = await import('playwright-core');
    // The heatmap draws with WebGL: headless Chromium without a GPU needs SwiftShader for it.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, '--enable-unsafe-swiftshader', '--use-angle=swiftshader'] });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
    page.on('response', (response) => {
      if (response.url().includes('/tiles/basemap/')) tileAnswers.push(response.status());
    });
    // No internet: nothing but the service answers.
    await page.route((url) => url.origin !== origin, (route) => route.abort());
  }, E2E_HOOK_MS);

  afterAll(async () => {
    await browser?.close();
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    for (const cleanup of cleanups) await cleanup();
  }, 60_000);

  it('prints its own start-up times and no tool noise between its lines', () => {
    expect(output).toMatch(/\[gridgov \d+\.\d s\] listening on http:\/\/localhost:\d+ \(started in \d+\.\d s, memory \d+ MiB\)/);
    expect(output).toMatch(/demo: \d+ incidents of the last 90 days loaded/);
    expect(output).not.toMatch(/PLUGIN_TIMINGS|EBADENGINE/);
    // Every line npm start prints after npm's own header is gridgov's.
    const lines = output.split('\n').filter((line) => line.trim() && !line.startsWith('>') && !line.startsWith('{'));
    expect(lines.filter((line) => !line.startsWith('[gridgov'))).toEqual([]);
  });

  it('opens the printed link on the planner: the demo grids, mostly 300–500 households, over gridgov’s own base map', async () => {
    await page.goto(link);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    // The base map's tiles came from the service (no internet needed) and drew.
    await page.waitForTimeout(1500);
    expect(tileAnswers.length).toBeGreaterThan(0);
    expect(tileAnswers.every((status) => status === 200 || status === 204 || status === 304)).toBe(true);
    const planner = await page.locator('#map').screenshot();
    await shot('planner');
    const buildings = await countPixels(planner, [228, 224, 218], 6);
    expect(buildings.matching).toBeGreaterThan(500);

    const key = /#key=(\S+)/.exec(link)![1];
    const grids = (await (await fetch(`${origin}/api/grids?region=420111000000`, { headers: { Authorization: `Bearer ${key}` } })).json()) as {
      features: { properties: { kind: string; households: number | null } }[];
    };
    const basic = grids.features.filter((g) => g.properties.kind !== 'special');
    const inRange = basic.filter((g) => g.properties.households !== null && g.properties.households >= 300 && g.properties.households <= 500);
    expect(inRange.length / basic.length).toBeGreaterThan(0.5);
    // The map says so: the "300–500 households" fill (client/src/palette.ts) covers more than the under and over fills together.
    const fills = { under: 0, in: 0, over: 0 };
    for (const [name, fill] of Object.entries(HOUSEHOLD_COLOURS) as [keyof typeof fills, [number, number, number]][]) fills[name] = (await countPixels(planner, blend(fill, 0.55, [244, 241, 234]), 8)).matching;
    expect(fills.in).toBeGreaterThan(100);
    expect(fills.in).toBeGreaterThan(fills.under + fills.over);
    expect(consoleErrors).toEqual([]);
  });

  it('opens the command centre with incidents, cameras and a heat layer, and the live stream delivers a change', async () => {
    await page.click('[data-view="command"]');
    await page.waitForSelector('body[data-app-view="command"]');
    await page.waitForFunction(() => (window.gridgov.command?.layers.heatSource.getFeatures().length ?? 0) > 0, null, { timeout: 30_000 });
    await page.waitForFunction(() => window.gridgov.command?.live === true, null, { timeout: 20_000 });
    const counts = await page.evaluate(() => ({
      heat: window.gridgov.command!.layers.heatSource.getFeatures().length,
      incidents: window.gridgov.command!.layers.incidentSource.getFeatures().length,
      cameras: window.gridgov.command!.layers.cameraSource.getFeatures().length,
    }));
    expect(counts.heat).toBeGreaterThan(0);
    expect(counts.incidents).toBeGreaterThan(10);
    expect(counts.cameras).toBeGreaterThanOrEqual(10);
    await shot('command');
    // The demo feed (every 2 s here) reaches the page over the live stream.
    const before = await page.evaluate(() => window.gridgov.command!.received);
    await page.waitForFunction((b) => window.gridgov.command!.received > b, before, { timeout: 60_000 });
    await shot('command-live');

    // The first incident waiting for dispatch goes to someone: the grid's staff are offered, its worker first by default.
    const waiting = page.locator('[data-role="incident-list"] [data-incident]').filter({ hasText: /已上报|Reported/ }).first();
    await waiting.click();
    await page.click('[data-step="dispatched"]');
    await page.waitForSelector('select[name="assignee"] option:nth-child(2)', { state: 'attached' });
    const offered = await page.locator('select[name="assignee"] option').allTextContents();
    expect(offered.some((o) => /专职网格员|网格长/.test(o)), offered.join(' | ')).toBe(true);
    await page.click('[data-action="step-submit"]');
    await page.waitForSelector('[data-role="incident-status"][data-status="dispatched"]');
    const assignee = await page.locator('.props').textContent();
    expect(assignee).toMatch(/专职网格员|网格长/);
    await shot('command-dispatched');
    expect(consoleErrors).toEqual([]);
  });
});
