/**
 * Thousands of grids in a real browser: 3,000 grids are seeded through the API (beside the demo's
 * own), beyond the client's tile threshold (2,000), so the map draws them from vector tiles and
 * loads GeoJSON only for the village of the grid selected. Checked: grids are drawn (pixels), a
 * click selects a grid and opens its panel, the page never downloads all grids as GeoJSON
 * (requests counted), and the history slider shows the past from tiles too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { box } from '../support/fixtures.js';
import { CHROMIUM, SHOTS, blend, countPixels, haveChromium, openPage, pixelAt, startService, type Position, type Service } from './support.js';

const title = haveChromium ? 'many grids (vector tiles) in Chromium' : `many grids in Chromium — SKIPPED: ${CHROMIUM} not found (apt-get install chromium)`;

const COUNTY = '350103000000';
const TOWNSHIP = '350103001000';
const VILLAGES = 4;
const COLS = 30;
const ROWS = 25;
const CELL = 0.0005;
const WEST = 119.35;
const NORTH = 26.1125;
const WIDTH = COLS * CELL;

const villageCode = (i: number) => `${TOWNSHIP.slice(0, 9)}${String(i + 1).padStart(3, '0')}`;
/** Cell (col, row) of village i: numbered in reading order, row 0 the northernmost. */
const cell = (i: number, col: number, row: number) => ({
  code: `${villageCode(i)}${String(row * COLS + col + 1).padStart(3, '0')}`,
  name: `示范村${i + 1}第${row * COLS + col + 1}网格`,
  centre: [WEST + i * WIDTH + (col + 0.5) * CELL, NORTH - (row + 0.5) * CELL] as Position,
});

/** Households in 300–500: drawn in the "in range" green. */
const IN_RANGE = blend([66, 146, 198], 0.55, [244, 241, 234]);

describe.skipIf(!haveChromium)(title, () => {
  let service: Service;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const requests: URL[] = [];
  let seededAt = '';

  let demoGrids = 0;
  const post = async (pathname: string, body: unknown) => {
    const response = await service.fetch(pathname, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status, `${pathname}: ${(await response.clone().text()).slice(0, 300)}`).toBe(201);
  };
  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`) });

  /** Centres the map on a point at a zoom and waits until everything (tiles included) is drawn. */
  async function view(centre: Position, zoom: number): Promise<void> {
    await page.evaluate(
      ({ centre, zoom }) =>
        new Promise<void>((resolve) => {
          const app = window.gridgov as unknown as {
            map: { once(type: string, listener: () => void): void; render(): void; getView(): { setCenter(c: number[]): void; setZoom(z: number): void } };
            crs: { toMap(p: number[]): number[] };
          };
          app.map.once('rendercomplete', () => resolve());
          app.map.getView().setCenter(app.crs.toMap(centre));
          app.map.getView().setZoom(zoom);
          app.map.render(); // a render even when the view did not move, so that rendercomplete comes
        }),
      { centre, zoom },
    );
  }

  async function inRangeShare(): Promise<number> {
    const map = await page.locator('#map').screenshot();
    const { matching, total } = await countPixels(map, IN_RANGE, 6);
    return matching / total;
  }

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    service = await startService();
    // The demo's own grids, whatever its build made: the status line counts them too.
    const demo = (await (await service.fetch('/api/grids')).json()) as { features: unknown[] };
    demoGrids = demo.features.length;
    seededAt = new Date().toISOString();
    await post('/api/regions', { type: 'Feature', properties: { code: COUNTY, name: '示范新区', level: 'county', parentCode: null }, geometry: box(119.34, 26.09, 119.42, 26.12) });
    await post('/api/regions', { type: 'Feature', properties: { code: TOWNSHIP, name: '示范街道', level: 'township', parentCode: COUNTY }, geometry: box(119.345, 26.095, 119.415, 26.115) });
    for (let i = 0; i < VILLAGES; i++) {
      const west = WEST + i * WIDTH;
      await post('/api/regions', {
        type: 'Feature',
        properties: { code: villageCode(i), name: `示范村${i + 1}`, level: 'village', parentCode: TOWNSHIP },
        geometry: box(west, NORTH - ROWS * CELL, west + WIDTH, NORTH),
      });
      const features = [];
      for (let row = 0; row < ROWS; row++) {
        for (let col = 0; col < COLS; col++) {
          const w = west + col * CELL;
          const n = NORTH - row * CELL;
          features.push({ type: 'Feature', properties: { regionCode: villageCode(i), name: cell(i, col, row).name, kind: 'urban', households: 400 }, geometry: box(w, n - CELL, w + CELL, n) });
        }
      }
      await post('/api/grids/import', { type: 'FeatureCollection', features });
    }
    ({ browser, page } = await openPage(service, consoleErrors));
    page.on('request', (request) => requests.push(new URL(request.url())));
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  it('draws the grids from vector tiles without loading them as GeoJSON', async () => {
    await page.goto(service.url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    await expect(page.locator('#status').textContent()).resolves.toContain(String(3000 + demoGrids));
    expect(await page.evaluate(() => window.gridgov.grids.all().length)).toBe(0);
    // The history slider starts at the first version written (a day back at the least), known
    // from the grids collection's time extent though no grid list was loaded.
    const dayBack = new Date(Date.now() - 86_400_000).toLocaleDateString('zh-CN', { year: 'numeric', month: '2-digit', day: '2-digit' });
    await expect(page.locator('.history-end').textContent()).resolves.toBe(dayBack);

    await view(cell(1, 15, 12).centre, 16);
    await shot('20-many-grids-tiles');
    expect(await inRangeShare()).toBeGreaterThan(0.2);
    expect(requests.filter((url) => url.pathname.startsWith('/tiles/grids/')).length).toBeGreaterThan(0);
    expect(consoleErrors).toEqual([]);
  });

  it('selects a grid drawn from a tile with a click: its village loads as GeoJSON, the panel shows it', async () => {
    // Zoomed in so far that labels (which take clicks too) stay inside their grids.
    const target = cell(1, 10, 8);
    await view(target.centre, 18);
    const at = await pixelAt(page, target.centre);
    await page.mouse.click(at.x, at.y);
    await page.waitForFunction((code) => window.gridgov.selected === code, target.code);
    await expect(page.locator('[data-role="grid-title"]').textContent()).resolves.toBe(target.name);
    await page.waitForTimeout(300);
    await shot('21-many-grids-selected');
    // Only the village of the grid is held as GeoJSON; the tiles still draw the others.
    expect(await page.evaluate(() => window.gridgov.grids.all().length)).toBe(COLS * ROWS);
    expect(await inRangeShare()).toBeGreaterThan(0.2);

    // Another village's grid: that village loads too.
    const other = cell(2, 1, 12);
    await view(other.centre, 18);
    const there = await pixelAt(page, other.centre);
    await page.mouse.click(there.x, there.y);
    await page.waitForFunction((code) => window.gridgov.selected === code, other.code);
    expect(await page.evaluate(() => window.gridgov.grids.all().length)).toBe(2 * COLS * ROWS);
    expect(consoleErrors).toEqual([]);
  });

  it('never asked for all grids as GeoJSON', () => {
    const gridLists = requests.filter((url) => url.pathname === '/api/grids');
    expect(gridLists.length).toBeGreaterThan(0);
    // Each list was of one village: no request for every grid (no region), none for another region.
    const regions = gridLists.map((url) => url.searchParams.get('region'));
    expect(regions.every((region) => region === villageCode(1) || region === villageCode(2)), JSON.stringify(regions)).toBe(true);
  });

  it('edits a grid\'s attributes in the panel: invalid input stays inline, a save is a PUT, a 412 offers their version', async () => {
    const target = cell(1, 3, 3);
    await page.fill('.search-input', target.code);
    await page.press('.search-input', 'Enter');
    await page.waitForFunction((code) => window.gridgov.selected === code, target.code);
    await page.click('[data-action="edit-attributes"]');
    const puts = () => requests.filter((url) => url.pathname === `/api/grids/${target.code}`).length;
    const before = puts();

    // Invalid: shown beside the fields, nothing sent.
    await page.fill('[data-role="attribute-form"] input[name="households"]', '-5');
    await page.fill('[data-role="attribute-form"] input[name="name"]', '');
    await page.selectOption('[data-role="attribute-form"] select[name="kind"]', 'special');
    await page.click('[data-action="save-attributes"]');
    await expect(page.locator('[data-error="households"]').textContent()).resolves.toContain('100000');
    await expect(page.locator('[data-error="name"]').isVisible()).resolves.toBe(true);
    await expect(page.locator('[data-error="kind"]').isVisible()).resolves.toBe(true);
    await shot('23-attributes-invalid');
    expect(puts()).toBe(before);

    await page.selectOption('[data-role="attribute-form"] select[name="kind"]', 'rural');
    await page.fill('[data-role="attribute-form"] input[name="name"]', `${target.name}（改）`);
    await page.fill('[data-role="attribute-form"] input[name="households"]', '520');
    await page.fill('[data-role="attribute-form"] input[name="population"]', '1300');
    await page.click('[data-action="save-attributes"]');
    await page.waitForSelector('[data-role="attr-note"]');
    const saved = await (await service.fetch(`/api/grids/${target.code}`)).json();
    expect(saved.properties).toMatchObject({ version: 2, name: `${target.name}（改）`, kind: 'rural', households: 520, population: 1300 });
    await expect(page.locator('[data-role="grid-title"]').textContent()).resolves.toBe(`${target.name}（改）`);

    // Someone else saves first: my save gets 412, the panel shows theirs, reload takes it.
    await page.click('[data-action="edit-attributes"]');
    await page.fill('[data-role="attribute-form"] input[name="households"]', '480');
    const theirs = await service.fetch(`/api/grids/${target.code}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', 'If-Match': '"2"' },
      body: JSON.stringify({ type: 'Feature', properties: { ...saved.properties, name: '他人改名' }, geometry: saved.geometry }),
    });
    expect(theirs.status).toBe(200);
    await page.click('[data-action="save-attributes"]');
    await page.waitForSelector('[data-role="stale"]');
    await expect(page.locator('[data-role="stale"]').textContent()).resolves.toContain('他人改名');
    await shot('24-attributes-stale');
    await page.click('[data-action="attr-reload"]');
    await expect(page.locator('[data-role="grid-title"]').textContent()).resolves.toBe('他人改名');
    expect(consoleErrors.filter((e) => !/status of 412/.test(e))).toEqual([]);
  });

  it('shows the past from tiles with the history slider, and today again', async () => {
    await page.evaluate((iso) => window.gridgov.history.set(iso), seededAt);
    await page.waitForFunction(() => window.gridgov.asOf !== null && window.gridgov.grids.all().length === 0);
    await view(cell(1, 15, 12).centre, 16);
    await shot('22-many-grids-history');
    // Before the seeding, none of these grids existed.
    expect(await inRangeShare()).toBeLessThan(0.01);

    await page.click('[data-action="history-now"]');
    await page.waitForFunction(() => window.gridgov.asOf === null && window.gridgov.grids.all().length > 0);
    await view(cell(1, 15, 12).centre, 16);
    expect(await inRangeShare()).toBeGreaterThan(0.2);
    expect(consoleErrors.filter((e) => !/status of 412/.test(e))).toEqual([]);
  });

  it('opens another village while an edit is pending, keeping the edit and its undo', async () => {
    // A pending edit in village 2: the corner shared by four of its grids dragged a little.
    const target = cell(1, 5, 5);
    await view(target.centre, 18);
    await page.mouse.click(...Object.values(await pixelAt(page, target.centre)) as [number, number]);
    await page.waitForFunction((code) => window.gridgov.selected === code, target.code);
    await page.click('[data-tool="edit"]');
    const corner: Position = [WEST + WIDTH + 6 * CELL, NORTH - 6 * CELL];
    const from = await pixelAt(page, corner);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x + 12, from.y + 9, { steps: 6 });
    await page.mouse.up();
    await page.waitForFunction(() => window.gridgov.editor.pending().length > 0);
    const pendingCodes = () => page.evaluate(() => window.gridgov.editor.pending().map((change) => change.code).sort());
    const dirtyBefore = await pendingCodes();
    expect(dirtyBefore.length).toBeGreaterThan(0);

    // A grid of village 4, not held yet: its village loads beside the pending edit.
    await page.click('[data-tool="select"]');
    const other = cell(3, 3, 3);
    await view(other.centre, 18);
    await page.mouse.click(...Object.values(await pixelAt(page, other.centre)) as [number, number]);
    await page.waitForFunction((code) => window.gridgov.selected === code, other.code);
    expect(await page.evaluate(() => window.gridgov.grids.all().length)).toBe(3 * COLS * ROWS);
    expect(await pendingCodes()).toEqual(dirtyBefore);
    await expect(page.locator('[data-tool="undo"]').isDisabled()).resolves.toBe(false);
    await shot('25-many-grids-open-while-editing');
    expect(consoleErrors.filter((e) => !/status of 412/.test(e))).toEqual([]);
  });
});
