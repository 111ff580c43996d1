/**
 * A planner's day (issue 17) in Debian's Chromium against the real service with the demo data
 * (whose villages have buildings and registered addresses): one household number through split,
 * merge and an applied division (panel, 住户 tab and API agree; never "—" for a grid with
 * homes); discard asks and undo brings the edits back; hints in each drawing mode; a refusal in
 * the user's language that goes with the undo; the export dialog (shapefile in a CGCS2000 zone);
 * auto-division as a decision (the dry run before the apply, kept grids counted as kept, the map
 * on the village); English at 1440 px (the toolbar fits); a 390 px phone (look, search, inspect).
 * Screenshots: test-output/e2e/70-*.png … 84-*.png, looked at as well as checked.
 */
import fs from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { pointOnFeature } from '@turf/turf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, E2E_HOOK_MS, SHOTS, openGrid as openGridIn, chooseDivision, haveChromium, mapAt, openPage, pixelAt, ringsOf, startService, type GridJson, type Position, type Service } from './support.js';

const title = haveChromium ? "a planner's day in Chromium" : `a planner's day — SKIPPED: ${CHROMIUM} not found (apt-get install chromium)`;
/** 鲁磨路东示范社区 of the demo: basic grids and a school grid (华中科技大学). */
const VILLAGE = '420111002101';

interface GridProps {
  code: string;
  regionCode: string;
  name: string;
  version: number;
  households: number | null;
  householdsSource: string;
}
type Grid = GridJson & { properties: GridJson['properties'] & GridProps };

describe.skipIf(!haveChromium)(title, () => {
  let service: Service;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  const api = async <T>(pathname: string): Promise<T> => (await service.fetch(pathname)).json() as Promise<T>;
  const grids = async (region = VILLAGE) => (await api<{ features: Grid[] }>(`/api/grids?region=${region}`)).features;
  const shot = (name: string, on: Page = page) => on.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  const pending = () => page.evaluate(() => window.gridgov.editor.pending().map((p) => p.code).sort());
  /** What the panel shows as the selected grid's households (its data attributes). */
  const panelHouseholds = () => page.locator('#grid-panel [data-role="households"]').first().evaluate((e) => ({ households: e.getAttribute('data-households'), source: e.getAttribute('data-source') }));

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    service = await startService();
    ({ browser, page } = await openPage(service, consoleErrors));
    await page.goto(service.url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  }, E2E_HOOK_MS);

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  const openGrid = (code: string) => openGridIn(page, code);

  /** Splits one of the village's basic grids across its middle; answers the grid split. */
  async function splitOne(): Promise<Grid> {
    await page.uncheck('[data-toggle="snap"]');
    for (const grid of (await grids()).filter((g) => g.properties.kind !== 'special' && (g.geometry.type === 'Polygon' || g.geometry.coordinates.length === 1))) {
      await openGrid(grid.properties.code);
      const outer = ringsOf(grid.geometry)[0];
      const xs = outer.map((p) => p[0]);
      const ys = outer.map((p) => p[1]);
      const cy = (Math.min(...ys) + Math.max(...ys)) / 2;
      const west = await pixelAt(page, [Math.min(...xs), cy]);
      const east = await pixelAt(page, [Math.max(...xs), cy]);
      const start = { x: west.x - 30, y: west.y + 0.5 };
      const end = { x: east.x + 30, y: east.y + 0.5 };
      if (!(await mapAt(page, start)) || !(await mapAt(page, end))) continue;
      await page.click('[data-tool="split"]');
      await page.mouse.click(start.x, start.y);
      await page.mouse.move((start.x + end.x) / 2, start.y, { steps: 4 });
      await page.mouse.dblclick(end.x, end.y);
      await page.waitForTimeout(400);
      if ((await pending()).length === 2) return grid;
    }
    throw new Error('no grid could be split on screen');
  }

  it('keeps one household number through a split: estimated while drawn, counted when saved, the same in panel, tab and API', async () => {
    const before = await grids();
    const grid = await splitOne();
    const code = grid.properties.code;
    expect(grid.properties.householdsSource).toBe('buildings');
    const total = grid.properties.households!;
    expect(total).toBeGreaterThan(0);
    // Both parts get an estimate by the server's rule before saving; together they hold the grid's households.
    await page.waitForFunction(() => document.querySelectorAll('[data-role="household-estimate"]').length === 2, null, { timeout: 10_000 });
    const estimates = await page.locator('[data-role="household-estimate"]').evaluateAll((rows) => rows.map((r) => ({ code: r.getAttribute('data-code'), after: r.getAttribute('data-after') })));
    expect(estimates.every((e) => e.after !== '')).toBe(true);
    expect(estimates.reduce((s, e) => s + Number(e.after), 0)).toBe(total);
    const piece = estimates.find((e) => e.code!.startsWith('new'))!;
    await page.evaluate((c) => (window.gridgov as unknown as { select(code: string): void }).select(c), piece.code!);
    await page.waitForSelector('#grid-panel [data-role="households"]');
    expect(await panelHouseholds()).toEqual({ households: piece.after, source: 'buildings' });
    await expect(page.locator('#grid-panel [data-role="households"]').first().textContent()).resolves.toContain('约');
    await shot('70-split-estimate-zh');

    await page.fill('input[name="reason"]', '拆分网格（户数核对）');
    await page.click('[data-action="save"]');
    await page.waitForSelector('[data-role="check-status"].check-clean', { timeout: 20_000 });
    const after = await grids();
    expect(after).toHaveLength(before.length + 1);
    const kept = after.find((g) => g.properties.code === code)!;
    const created = after.find((g) => !before.some((b) => b.properties.code === g.properties.code))!;
    expect(kept.properties.households! + created.properties.households!).toBe(total);
    expect(created.properties.households).toBe(Number(piece.after));
    expect(created.properties.householdsSource).toBe('buildings');
    // The panel and the 住户 tab say the same as the API.
    await openGrid(created.properties.code);
    expect(await panelHouseholds()).toEqual({ households: String(created.properties.households), source: 'buildings' });
    await page.click('[data-tab="households"]');
    await page.waitForSelector('[data-role="households-headline"]');
    await expect(page.locator('[data-role="households-headline"]').getAttribute('data-households')).resolves.toBe(String(created.properties.households));
    await shot('71-split-saved-households-tab-zh');
    await page.click('[data-tab="properties"]');

    // Merge the piece back: the merged grid holds the whole again.
    await openGrid(code);
    const inside = await pixelAt(page, pointOnFeature(created.geometry).geometry.coordinates as Position);
    await page.click('[data-tool="merge"]');
    await page.mouse.click(inside.x, inside.y);
    await page.waitForFunction(() => window.gridgov.editor.pending().length === 2);
    await page.waitForFunction((n) => document.querySelector('[data-role="household-estimate"]')?.getAttribute('data-after') === String(n), total, { timeout: 10_000 });
    await shot('72-merge-estimate-zh');
    await page.click('[data-action="save"]');
    await page.waitForSelector('[data-role="check-status"].check-clean', { timeout: 20_000 });
    const merged = (await grids()).find((g) => g.properties.code === code)!;
    expect(merged.properties.households).toBe(total);
    await openGrid(code);
    expect(await panelHouseholds()).toEqual({ households: String(total), source: 'buildings' });
    expect(consoleErrors).toEqual([]);
  });

  it('asks before discarding, and undo brings the discarded edits back', async () => {
    await splitOne();
    await page.click('[data-action="discard"]');
    await page.waitForSelector('.dialog-warning');
    await expect(page.locator('.dialog-warning').textContent()).resolves.toContain('撤销');
    await shot('73-discard-asks-zh');
    await page.click('[data-dialog-button="cancel"]');
    expect(await pending()).toHaveLength(2);
    await page.click('[data-action="discard"]');
    await page.click('[data-dialog-button="discard"]');
    await page.waitForSelector('[data-role="check-status"].check-clean');
    await expect(page.locator('#status').textContent()).resolves.toContain('可撤销');
    await page.click('[data-tool="undo"]');
    await page.waitForFunction(() => window.gridgov.editor.pending().length === 2);
    await page.click('[data-action="discard"]');
    await page.click('[data-dialog-button="discard"]');
    await page.waitForSelector('[data-role="check-status"].check-clean');
    expect(consoleErrors).toEqual([]);
  });

  it('hints what to do in each drawing mode', async () => {
    await page.evaluate(() => (window.gridgov as unknown as { select(code: string | null): void }).select(null));
    const hint = page.locator('[data-role="mode-hint"]');
    await page.click('[data-tool="split"]');
    await expect(hint.textContent()).resolves.toBe('拆分：先点击要拆分的网格');
    await page.click('[data-tool="select"]');
    const code = (await grids())[0].properties.code;
    await openGrid(code);
    await page.click('[data-tool="merge"]');
    await expect(hint.textContent()).resolves.toMatch(/^合并到 .+：点击同村相邻的网格$/);
    await page.click('[data-tool="draw"]');
    await expect(hint.textContent()).resolves.toContain('双击结束');
    await shot('74-mode-hint-zh');
    await page.click('[data-tool="edit"]');
    await expect(hint.textContent()).resolves.toContain('拖动所选网格');
    await page.click('[data-tool="select"]');
    await expect(hint.isHidden()).resolves.toBe(true);
  });

  it('shows a refusal in the interface language and takes it away with the undo', async () => {
    const code = (await grids()).find((g) => g.properties.kind !== 'special')!.properties.code;
    await openGrid(code);
    const feature = (await grids()).find((g) => g.properties.code === code)!;
    const centre = await pixelAt(page, pointOnFeature(feature.geometry).geometry.coordinates as Position);
    await page.click('[data-tool="draw"]');
    for (const [dx, dy] of [[-50, -40], [50, -40], [50, 40]]) {
      await page.mouse.click(centre.x + dx, centre.y + dy);
      await page.waitForTimeout(120);
    }
    await page.mouse.dblclick(centre.x - 50, centre.y + 40);
    await page.waitForFunction(() => window.gridgov.selected?.startsWith('new-') === true);
    await page.fill('input[name="name"]', '测试网格');
    await page.click('[data-action="save"]');
    await page.click('[data-dialog-button="send"]');
    await page.waitForSelector('[data-role="server-message"]');
    await expect(page.locator('[data-role="server-message"]').getAttribute('data-code')).resolves.toBe('overlap');
    await page.click('[data-dialog-button="ok"]');
    await expect(page.locator('#status').getAttribute('class')).resolves.toContain('error');
    const refusal = await page.locator('#status').textContent();
    expect(refusal).not.toBe('');
    await shot('75-refusal-zh');
    await page.click('[data-tool="undo"]');
    await page.waitForSelector('[data-role="check-status"].check-clean');
    await expect(page.locator('#status').textContent()).resolves.toBe('');
    await page.click('[data-tool="select"]');
    // The browser logs the refused request (422) itself; nothing else went wrong.
    expect(consoleErrors.filter((e) => !/status of 422/.test(e))).toEqual([]);
    consoleErrors.length = 0;
  });

  it('exports a region as a shapefile in its CGCS2000 Gauss–Krüger zone', async () => {
    await page.click('[data-tool="export"]');
    await page.waitForSelector('[data-role="export-form"]');
    await page.selectOption('[data-control="export-region"]', VILLAGE);
    await page.selectOption('[data-control="export-format"]', 'shapefile');
    // Wuhan (114.4°E): 3° zone 38, EPSG:4526.
    await page.selectOption('[data-control="export-crs"]', 'EPSG:4526');
    await shot('76-export-dialog-zh');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-dialog-button="download"]')]);
    expect(download.suggestedFilename()).toBe(`grids-${VILLAGE}.zip`);
    const files = unzipSync(fs.readFileSync((await download.path())!));
    const prj = Object.entries(files).find(([name]) => name.endsWith('.prj'))![1];
    expect(Buffer.from(prj).toString()).toMatch(/Gauss|GK|Zone.?38/i);
    expect(Object.keys(files).some((name) => name.endsWith('.shp'))).toBe(true);
    expect(consoleErrors).toEqual([]);
  });

  it('makes auto-division a decision: the dry run before the apply, kept grids counted as kept, the map on the village', async () => {
    const before = await grids();
    const special = before.filter((g) => g.properties.kind === 'special');
    expect(special.length).toBe(1);
    await openGrid(before[0].properties.code);
    await page.click('[data-view="divide"]');
    await page.waitForSelector('body[data-app-view="divide"]');
    await chooseDivision(page, VILLAGE, { min: 100, max: 200 });
    // The map shows the village chosen.
    const villageShown = await page.evaluate((code) => {
      const app = window.gridgov as unknown as { regions: { feature(c: string): { getGeometry(): { getExtent(): number[] } } | null }; map: { getView(): { calculateExtent(s: number[]): number[] }; getSize(): number[] } };
      const e = app.regions.feature(code)!.getGeometry().getExtent();
      const v = app.map.getView().calculateExtent(app.map.getSize());
      return e[0] >= v[0] && e[1] >= v[1] && e[2] <= v[2] && e[3] <= v[3];
    }, VILLAGE);
    expect(villageShown).toBe(true);
    await page.click('[data-action="division-run"]');
    await page.waitForSelector('[data-role="division-progress"][data-status="done"]', { timeout: 90_000 });
    // The planner's selection is off the map under the proposal.
    expect(await page.evaluate(() => window.gridgov.selected)).toBeNull();
    await page.waitForSelector('[data-role="dry-grids"]', { timeout: 20_000 });
    const job = await page.evaluate(() => window.gridgov.division!.job!.id);
    const proposal = (await api<{ proposal: { features: { properties: { households: number; code?: string } }[] } }>(`/api/divisions/${job}`)).proposal.features;
    const counts = await page.locator('[data-role="dry-grids"]').evaluate((e) => ({ retire: e.getAttribute('data-retire'), keep: e.getAttribute('data-keep'), create: e.getAttribute('data-create') }));
    expect(counts).toEqual({ retire: String(before.length - 1), keep: '1', create: String(proposal.length - 1) });
    await expect(page.locator('[data-role="dry-buildings"]').textContent()).resolves.toMatch(/户改变网格/);
    // The open incidents the apply would move (the demo's history has some): as the dry run counts them.
    const dry = await (await service.fetch(`/api/divisions/${job}/apply?dryRun=true`, { method: 'POST' })).json() as { incidents?: { count: number; ids?: number[] }[] };
    const moved = (dry.incidents ?? []).reduce((s, m) => s + m.count, 0);
    await expect(page.locator('[data-role="dry-incidents"]').textContent()).resolves.toMatch(moved > 0 ? new RegExp(`^${moved} 起未办结事件改变网格：#\\d+`) : /^没有未办结事件改变网格$/);
    await page.locator('[data-role="division-decision"]').scrollIntoViewIfNeeded();
    await shot('77-division-decision-zh');
    await page.click('[data-action="division-apply"]');
    await page.waitForSelector('.dialog-warning');
    await expect(page.locator('.dialog-warning .dialog-body').textContent()).resolves.toContain(`保留 1 个，新建 ${proposal.length - 1} 个`);
    await page.click('[data-dialog-button="apply"]');
    await page.waitForFunction(() => window.gridgov.division!.job === null, null, { timeout: 30_000 });
    const after = await grids();
    expect(after.map((g) => g.properties.code)).toContain(special[0].properties.code);
    const basic = after.filter((g) => g.properties.kind !== 'special');
    expect(basic.map((g) => g.properties.households).sort()).toEqual(proposal.filter((p) => !p.properties.code).map((p) => p.properties.households).sort());
    // The panel shows each new grid's households as the proposal counted them.
    await page.click('[data-view="plan"]');
    await openGrid(basic[0].properties.code);
    expect(await panelHouseholds()).toEqual({ households: String(basic[0].properties.households), source: 'buildings' });
    await shot('78-division-applied-zh');
    expect(consoleErrors).toEqual([]);
  });

  it('fits the English toolbar at 1440 px, translates the status, and draws English in Latin type', async () => {
    await page.click('#lang-switch');
    await expect(page.locator('#status').textContent()).resolves.not.toMatch(/[\u4e00-\u9fff]{2}/);
    const fit = await page.evaluate(() => {
      const bar = document.getElementById('toolbar')!;
      const box = bar.getBoundingClientRect();
      const out = [...bar.querySelectorAll<HTMLElement>('button, select, label')].filter((e) => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && (r.right > box.right + 0.5 || r.left < box.left - 0.5 || r.bottom > box.bottom + 0.5);
      });
      return { overflow: bar.scrollWidth - bar.clientWidth, out: out.map((e) => e.dataset.tool ?? e.dataset.control ?? e.textContent), rows: new Set([...bar.children].map((c) => Math.round(c.getBoundingClientRect().top))).size };
    });
    expect(fit).toEqual({ overflow: 0, out: [], rows: 1 });
    for (const tool of ['fit', 'export', 'undo', 'redo']) await expect(page.locator(`[data-tool="${tool}"]`).isVisible()).resolves.toBe(true);
    await expect(page.locator('[data-control="colour"]').isVisible()).resolves.toBe(true);
    const font = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
    expect(font.startsWith('system-ui')).toBe(true);
    await shot('79-english-toolbar-1440');
    await page.click('#lang-switch');
  });

  it('is usable on a 390 px phone: the map fills the width, search finds a grid and its details come up', async () => {
    for (const lang of ['zh-CN', 'en'] as const) {
      const errors: string[] = [];
      const phone = await openPage(service, errors, { viewport: { width: 390, height: 844 }, lang });
      try {
        const p = phone.page;
        await p.goto(service.url);
        await p.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
        const map = (await p.locator('#map').boundingBox())!;
        expect(map.width).toBeGreaterThanOrEqual(388);
        expect(map.height).toBeGreaterThan(500);
        expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
        // The status bar is one line.
        expect((await p.locator('.statusbar').boundingBox())!.height).toBeLessThanOrEqual(26);
        await shot(`80-phone-plan-${lang}`, p);
        const code = (await grids())[0].properties.code;
        await p.fill('.search-input', code);
        await p.press('.search-input', 'Enter');
        await p.waitForFunction((c) => window.gridgov.selected === c, code);
        await p.waitForSelector('#grid-panel [data-role="households"]', { state: 'visible' });
        const sheet = (await p.locator('#grid-panel').boundingBox())!;
        expect(sheet.y).toBeGreaterThan(map.y + 200); // the top of the map stays in sight
        await shot(`81-phone-inspect-${lang}`, p);
        await p.click('[data-action="toggle-left"]');
        await p.waitForSelector('#region-tree .tree-item', { state: 'visible' });
        await shot(`82-phone-tree-${lang}`, p);
        await p.click('[data-action="toggle-left"]');
        await p.waitForSelector('#region-tree', { state: 'hidden' });
        expect(errors).toEqual([]);
      } finally {
        await phone.browser.close();
      }
    }
  });

  it('keeps the map at 60 % or more of a 1280 px screen with both panels open', async () => {
    const errors: string[] = [];
    const small = await openPage(service, errors, { viewport: { width: 1280, height: 800 }, lang: 'en' });
    try {
      await small.page.goto(service.url);
      await small.page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
      const map = (await small.page.locator('#map').boundingBox())!;
      expect(map.width / 1280).toBeGreaterThanOrEqual(0.6);
      expect(await small.page.evaluate(() => document.getElementById('toolbar')!.scrollWidth - document.getElementById('toolbar')!.clientWidth)).toBe(0);
      await shot('83-planner-1280-en', small.page);
      expect(errors).toEqual([]);
    } finally {
      await small.browser.close();
    }
  });
});
