/**
 * A command centre that acts (issue 17), in Debian's Chromium against the real service with the
 * demo data: a township dispatcher's key opens on the command view with its township's
 * statistics; an operator dispatches (note and photo), escalates, handles, resolves and closes an
 * incident from the map, rejects and reopens another; the work list is red first; a light turns
 * red when its deadline passes without the map being moved (a category with a 43-second
 * deadline, GRIDGOV_INCIDENT_RULES); English on a 390 px phone. Screenshots:
 * test-output/e2e/60-*.png … 67-*.png (looked at, not only the DOM).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { CHROMIUM, E2E_HOOK_MS, SHOTS, centreMap, countPixels, haveChromium, openPage, pixelAt, startService, type Position, type Service } from './support.js';
import { defaultIncidentRules } from '../../server/incidents/rules.js';

const title = haveChromium ? 'a command centre that acts, in Chromium' : `a command centre that acts — SKIPPED: ${CHROMIUM} not found (apt-get install chromium)`;
const TOWNSHIP = '420111002000'; // 关山街道 of the demo
const DRILL_SECONDS = 43;
const VERMILION: [number, number, number] = [213, 94, 0];
const SWIFTSHADER = ['--enable-unsafe-swiftshader', '--use-angle=swiftshader'];

interface IncidentJson {
  id: number;
  status: string;
  light: string;
  handlingLevel: string;
  lon: number;
  lat: number;
  transitions?: { to: string; note: string | null; photo: { url: string } | null }[];
}

describe.skipIf(!haveChromium)(title, () => {
  let service: Service;
  let browser: Browser;
  let page: Page;
  let dispatcherKey = '';
  const consoleErrors: string[] = [];
  const rulesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-rules-'));
  const ids: Record<'fire' | 'sanitation' | 'school', number> = { fire: 0, sanitation: 0, school: 0 };

  const post = async <T>(pathname: string, body: unknown): Promise<T> => {
    const response = await service.fetch(pathname, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const data = (await response.json()) as T;
    if (!response.ok) throw new Error(`${pathname}: ${response.status} ${JSON.stringify(data)}`);
    return data;
  };
  const incident = async (id: number) => (await service.fetch(`/api/incidents/${id}`)).json() as Promise<IncidentJson>;
  const shot = (name: string, on: Page = page) => on.screenshot({ path: path.join(SHOTS, `${name}.png`) });

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    // A drill category whose deadline passes while the test watches.
    const rules = { ...defaultIncidentRules, categories: [...defaultIncidentRules.categories, { code: 'drill', name: '演练', nameEn: 'Drill', deadlineHours: DRILL_SECONDS / 3600 }] };
    const rulesFile = path.join(rulesDir, 'rules.json');
    fs.writeFileSync(rulesFile, JSON.stringify(rules));
    // The demo feed off: its events would add incidents to the list this test reads in order.
    service = await startService({ GRIDGOV_INCIDENT_RULES: rulesFile, GRIDGOV_DEMO_FEED: '0' });
    dispatcherKey = (await post<{ key: string }>('/api/keys', { name: '关山街道指挥中心', role: 'dispatcher', regionCode: TOWNSHIP })).key;
    ids.fire = (await post<IncidentJson>('/api/incidents', { category: 'fire', source: 'resident', address: '鲁磨路6号', description: '楼道堆放杂物冒烟' })).id;
    ids.sanitation = (await post<IncidentJson>('/api/incidents', { category: 'sanitation', source: 'worker', address: '鲁磨路12号' })).id;
    ids.school = (await post<IncidentJson>('/api/incidents', { category: 'public_order', source: 'camera', address: '鲁磨路18号', description: 'intrusion · 学校门口' })).id;
    ({ browser, page } = await openPage(service, consoleErrors, { key: dispatcherKey, extraArgs: SWIFTSHADER }));
  }, E2E_HOOK_MS);

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    fs.rmSync(rulesDir, { recursive: true, force: true });
  });

  it("opens a township dispatcher's key on a working command centre of its township", async () => {
    await page.goto(service.url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    await page.waitForSelector('body[data-app-view="command"]');
    await page.waitForFunction(() => document.querySelector('[data-role="stats-title"]')?.textContent === '统计：关山街道', null, { timeout: 20_000 });
    await expect(page.locator('[data-role="stats"] .error-text').count()).resolves.toBe(0);
    await page.waitForFunction(() => document.querySelectorAll('[data-role="incident-list"] li').length >= 3, null, { timeout: 15_000 });
    // Red first, then yellow, then green (the demo's history has open incidents of every light);
    // among this test's three, all green, the nearest deadline (fire, 2 h) leads.
    const listed = await page.locator('[data-role="incident-list"] li').evaluateAll((items) => items.map((li) => ({ id: Number(li.getAttribute('data-incident')), light: li.getAttribute('data-light')! })));
    const rank = { red: 0, yellow: 1, green: 2 } as Record<string, number>;
    expect(listed.map((i) => rank[i.light])).toEqual(listed.map((i) => rank[i.light]).sort((a, b) => a - b));
    const order = listed.map((i) => i.id);
    expect(order.indexOf(ids.fire)).toBeGreaterThanOrEqual(0);
    expect(order.indexOf(ids.fire)).toBeLessThan(order.indexOf(ids.sanitation));
    expect(order.indexOf(ids.fire)).toBeLessThan(order.indexOf(ids.school));
    await expect(page.locator('[data-role="incident-list"]').textContent()).resolves.toContain('入侵 · 学校门口');
    await page.waitForFunction(() => window.gridgov.command?.live === true, null, { timeout: 10_000 });
    await shot('60-dispatcher-command-zh');
    expect(consoleErrors).toEqual([]);
  });

  it('dispatches with a note and a photo, escalates, handles, resolves and closes an incident from the map', async () => {
    const fire = await incident(ids.fire);
    // Close in: the demo's history has incidents nearby.
    await centreMap(page, [fire.lon, fire.lat], 19);
    await page.waitForTimeout(1200);
    const at = await pixelAt(page, [fire.lon, fire.lat] as Position);
    await page.mouse.click(at.x, at.y);
    await page.waitForSelector(`[data-role="incident-detail"][data-incident="${ids.fire}"] [data-role="incident-actions"]`, { timeout: 10_000 });

    // 派遣, with a note and a photo taken on the spot.
    await page.click('[data-step="dispatched"]');
    await page.fill('[data-role="incident-step"] textarea[name="note"]', '派网格员张三到场核实');
    const photo = await sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 120, g: 60, b: 30 } } }).jpeg().toBuffer();
    await page.setInputFiles('[data-role="incident-step"] input[name="photo"]', { name: 'scene.jpg', mimeType: 'image/jpeg', buffer: photo });
    await page.waitForSelector('[data-role="step-photo"]');
    await shot('61-dispatch-form-zh');
    await page.click('[data-action="step-submit"]');
    await page.waitForFunction((id) => document.querySelector(`[data-role="incident-detail"][data-incident="${id}"] [data-role="incident-status"]`)?.getAttribute('data-status') === 'dispatched', ids.fire, { timeout: 10_000 });
    await expect(page.locator('#status').textContent()).resolves.toContain(`事件 #${ids.fire}：已派遣`);
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('[data-role="transition-photo"]');
      return img !== null && img.complete && img.naturalWidth > 0;
    }, null, { timeout: 10_000 });
    await shot('62-dispatched-with-photo-zh');

    // 升级: handed up to the village.
    await page.click('[data-step="escalate"]');
    await page.fill('[data-role="incident-step"] textarea[name="note"]', '需社区协调物业');
    await page.click('[data-action="step-submit"]');
    await page.waitForFunction(async (id) => (await (await fetch(`/api/incidents/${id}`, { headers: { Authorization: `Bearer ${sessionStorage.getItem('gridgov.key')}` } })).json()).handlingLevel === 'village', ids.fire, { timeout: 10_000 });

    // 处置 → 办结 → 结案.
    for (const step of ['in_progress', 'resolved', 'closed']) {
      await page.waitForSelector(`[data-step="${step}"]`, { timeout: 10_000 });
      await page.click(`[data-step="${step}"]`);
      await page.fill('[data-role="incident-step"] textarea[name="note"]', `第${step}步`);
      await page.click('[data-action="step-submit"]');
      await page.waitForFunction(([id, s]) => document.querySelector(`[data-role="incident-detail"][data-incident="${id}"] [data-role="incident-status"]`)?.getAttribute('data-status') === s, [ids.fire, step] as const, { timeout: 10_000 });
    }
    const closed = await incident(ids.fire);
    expect(closed.status).toBe('closed');
    expect(closed.handlingLevel).toBe('village');
    expect(closed.transitions!.map((t) => t.to)).toEqual(['reported', 'dispatched', 'dispatched', 'in_progress', 'resolved', 'closed']);
    expect(closed.transitions![1]).toMatchObject({ note: '派网格员张三到场核实', photo: { url: expect.stringMatching(/^\/api\/media\/\d+$/) } });
    // Closed: only reopening is left, and the open-only list no longer holds it.
    await expect(page.locator('[data-role="incident-actions"] [data-step]').evaluateAll((b) => b.map((x) => x.getAttribute('data-step')))).resolves.toEqual(['reopened']);
    await page.waitForFunction((id) => !document.querySelector(`[data-role="incident-list"] li[data-incident="${id}"]`), ids.fire, { timeout: 10_000 });
    await shot('63-closed-zh');

    // Another: rejected from the list, then reopened.
    await page.click(`[data-role="incident-list"] li[data-incident="${ids.sanitation}"]`);
    await page.waitForSelector(`[data-role="incident-detail"][data-incident="${ids.sanitation}"] [data-step="rejected"]`);
    await page.click('[data-step="rejected"]');
    await page.click('[data-action="step-submit"]');
    await page.waitForSelector(`[data-role="incident-detail"][data-incident="${ids.sanitation}"] [data-step="reopened"]`, { timeout: 10_000 });
    await page.click('[data-step="reopened"]');
    await page.click('[data-action="step-submit"]');
    await page.waitForFunction((id) => document.querySelector(`[data-role="incident-detail"][data-incident="${id}"] [data-role="incident-status"]`)?.getAttribute('data-status') === 'reopened', ids.sanitation, { timeout: 10_000 });
    expect((await incident(ids.sanitation)).status).toBe('reopened');
    expect(consoleErrors).toEqual([]);
  });

  it('turns a light red when its deadline passes, on the map, the list and the statistics, without moving the map', { timeout: 150_000 }, async () => {
    const drill = await post<IncidentJson>('/api/incidents', { category: 'drill', source: 'worker', address: '鲁磨路24号', description: '演练' });
    await centreMap(page, [drill.lon, drill.lat], 17);
    await page.waitForFunction((id) => document.querySelector(`[data-role="incident-list"] li[data-incident="${id}"]`)?.getAttribute('data-light') === 'green', drill.id, { timeout: 15_000 });
    const view = () =>
      page.evaluate(() => {
        const v = (window.gridgov.map as unknown as { getView(): { getCenter(): number[]; getZoom(): number } }).getView();
        return [...v.getCenter(), v.getZoom()];
      });
    const before = await view();
    const redBefore = Number(await page.locator('svg[data-chart="by-light"] rect[data-value]').nth(2).getAttribute('data-value'));
    // Nobody touches the map: the client re-times the lights itself.
    await page.waitForFunction((id) => document.querySelector(`[data-role="incident-list"] li[data-incident="${id}"]`)?.getAttribute('data-light') === 'red', drill.id, { timeout: (DRILL_SECONDS + 40) * 1000 });
    expect(await page.evaluate((id) => (window.gridgov.command!.layers.incidentSource.getFeatureById(id) as unknown as { get(k: string): { light: string } }).get('incident').light, drill.id)).toBe('red');
    await page.waitForFunction((n) => Number(document.querySelectorAll('svg[data-chart="by-light"] rect[data-value]')[2]?.getAttribute('data-value')) > n, redBefore, { timeout: 15_000 });
    expect(await view()).toEqual(before);
    // Red first: the drill has moved up among the red ones (all before it are red).
    const lights = await page.locator('[data-role="incident-list"] li').evaluateAll((items) => items.map((li) => [li.getAttribute('data-incident'), li.getAttribute('data-light')]));
    const at = lights.findIndex(([id]) => id === String(drill.id));
    expect(at).toBeGreaterThanOrEqual(0);
    expect(lights.slice(0, at + 1).every(([, light]) => light === 'red')).toBe(true);
    await page.waitForTimeout(400);
    const p = await pixelAt(page, [drill.lon, drill.lat] as Position);
    const around = await page.screenshot({ clip: { x: p.x - 14, y: p.y - 14, width: 28, height: 28 } });
    expect((await countPixels(around, VERMILION, 14)).matching).toBeGreaterThan(40);
    await shot('64-light-turned-red-zh');
    expect((await incident(drill.id)).light).toBe('red');
    expect(consoleErrors).toEqual([]);
  });

  it('is usable in English on a 390 px phone: list, incident sheet, statistics', async () => {
    const phoneErrors: string[] = [];
    const phone = await openPage(service, phoneErrors, { key: dispatcherKey, viewport: { width: 390, height: 844 }, lang: 'en', extraArgs: SWIFTSHADER });
    try {
      const p = phone.page;
      await p.goto(service.url);
      await p.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
      await p.waitForSelector('body[data-app-view="command"]');
      const map = (await p.locator('#map').boundingBox())!;
      expect(map.width).toBeGreaterThanOrEqual(388);
      expect(map.height).toBeGreaterThan(500);
      expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await shot('65-phone-command-en', p);
      await p.click('[data-action="toggle-right"]');
      await p.waitForFunction(() => document.querySelectorAll('[data-role="incident-list"] li').length >= 2, null, { timeout: 15_000 });
      await expect(p.locator('[data-role="incident-list-panel"] h2').textContent()).resolves.toBe('Incidents');
      await expect(p.locator('[data-role="incident-list"]').textContent()).resolves.toContain('intrusion · 学校门口');
      await p.click(`[data-role="incident-list"] li[data-incident="${ids.school}"]`);
      await p.waitForSelector(`[data-role="incident-detail"][data-incident="${ids.school}"] [data-step="dispatched"]`, { timeout: 10_000 });
      await expect(p.locator('[data-role="incident-detail"] h2').textContent()).resolves.toBe(`Incident #${ids.school}`);
      await expect(p.locator('[data-step="dispatched"]').textContent()).resolves.toBe('Dispatch');
      // The sheet leaves the top of the map visible.
      const sheet = (await p.locator('.command-side').boundingBox())!;
      expect(sheet.y).toBeGreaterThan(map.y + 200);
      await shot('66-phone-incident-en', p);
      await p.locator('[data-role="stats-title"]').scrollIntoViewIfNeeded();
      await expect(p.locator('[data-role="stats-title"]').textContent()).resolves.toBe('Statistics: 关山街道');
      await shot('67-phone-stats-en', p);
      expect(phoneErrors).toEqual([]);
    } finally {
      await phone.browser.close();
    }
  });
});
