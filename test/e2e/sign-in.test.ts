/**
 * Signing in to the web client: a typed key (a wrong one first), a key passed once as #key=…
 * (and taken out of the address bar), and what a viewer's key shows: no editing, no division.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { SHOTS, haveChromium, openPage, startService, type Service } from './support.js';

describe.skipIf(!haveChromium)('web client: signing in with a key (Chromium)', () => {
  let service: Service;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    service = await startService();
    ({ browser, page } = await openPage(service, consoleErrors, { signedIn: false }));
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  it('asks for a key, refuses a wrong one, and opens the map with the right one', async () => {
    await page.goto(service.url);
    const dialog = page.locator('form.signin');
    await dialog.waitFor({ timeout: 30_000 });
    await expect(dialog.locator('.dialog-title').textContent()).resolves.toBe('登录');
    await page.screenshot({ path: path.join(SHOTS, '50-sign-in.png') });

    await dialog.locator('input[name="key"]').fill('gg_this-key-was-never-made-000000000000000000');
    await dialog.locator('[data-action="sign-in"]').click();
    await page.waitForFunction(() => /密钥无效/.test(document.querySelector('.signin-error')?.textContent ?? ''), undefined, { timeout: 10_000 });

    await dialog.locator('input[name="key"]').fill(service.key);
    await dialog.locator('[data-action="sign-in"]').click();
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    await expect(page.locator('#user .user-name').textContent()).resolves.toMatch(/管理员/);
    expect(await page.evaluate(() => sessionStorage.getItem('gridgov.key'))).toBe(service.key);
    await expect(page.locator('[data-view="divide"]').count()).resolves.toBe(1);
    // The 401s of the wrong key are the only errors, and they are the service refusing it.
    expect(consoleErrors.filter((e) => !/401/.test(e))).toEqual([]);
  });

  it('takes a #key= link once, leaves no key in the address bar, and shows a viewer no editing', async () => {
    const made = await service.fetch('/api/keys', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: '街道查看', role: 'viewer' }) });
    expect(made.status).toBe(201);
    const viewer = (await made.json()) as { key: string };
    const fresh = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    await fresh.route((url) => url.origin !== service.url, (route) => route.abort());
    await fresh.goto(`${service.url}/#key=${viewer.key}`);
    await fresh.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    expect(fresh.url()).not.toContain(viewer.key);
    await expect(fresh.locator('#user .user-name').textContent()).resolves.toMatch(/街道查看.*查看者/);
    // A viewer plans nothing: the editing tools are off and there is no auto-division view.
    await expect(fresh.locator('[data-tool="edit"]').isDisabled()).resolves.toBe(true);
    await expect(fresh.locator('[data-view="divide"]').count()).resolves.toBe(0);
    await expect(fresh.locator('[data-view="command"]').count()).resolves.toBe(1);
    await fresh.screenshot({ path: path.join(SHOTS, '51-viewer.png') });

    // Signing out forgets the key: the next load asks again.
    await fresh.locator('[data-action="sign-out"]').click();
    await fresh.locator('form.signin').waitFor({ timeout: 30_000 });
    expect(await fresh.evaluate(() => sessionStorage.getItem('gridgov.key'))).toBeNull();
    await fresh.close();
  });

  // A county intranet serves the page over plain http at a LAN address, where browsers are
  // stricter than on 127.0.0.1: no https upgrade of the page's own requests, no ignored headers.
  const lanAddress = Object.values(os.networkInterfaces())
    .flat()
    .find((address) => address && address.family === 'IPv4' && !address.internal)?.address;

  it.skipIf(!lanAddress)(`opens over plain http at a LAN address (${lanAddress ?? 'none here'}) with no console errors`, async () => {
    const origin = service.url.replace('127.0.0.1', lanAddress!);
    const lan = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const errors: string[] = [];
    lan.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    lan.on('pageerror', (error) => errors.push(error.message));
    await lan.route((url) => url.origin !== origin, (route) => route.abort());
    await lan.goto(`${origin}/#key=${service.key}`);
    await lan.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    await lan.click('[data-view="command"]');
    await lan.waitForTimeout(1500); // the command centre's requests and live stream (EventSource with access_token)
    expect(errors).toEqual([]);
    await lan.close();
  });
});
