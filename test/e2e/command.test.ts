/**
 * The command centre (指挥中心) in a real browser (Debian's Chromium through playwright-core)
 * against a real service with the demo data: incidents, a camera and a camera event with a
 * snapshot are posted through the API, then the view is opened: heatmap, incidents in their
 * lights, an incident's details with the camera and its thumbnail, a new incident arriving over
 * server-sent events, the statistics charts, English. Skipped where Chromium is absent.
 * Screenshots go to test-output/e2e/20-command-*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { CHROMIUM, SHOTS, openPage, pixelAt, countPixels, haveChromium, startService, type Position, type Service } from './support.js';

if (!haveChromium) {
  console.warn(`[e2e] SKIPPED: ${CHROMIUM} is absent — install Debian's chromium (apt-get install chromium) to run the browser tests`);
}

const title = haveChromium ? 'command centre in Chromium' : `command centre in Chromium — SKIPPED: ${CHROMIUM} not found (apt-get install chromium)`;

const CAMERA = '42011100001320009901';
/** In 民族大道东示范社区 of the demo data; the camera 40 m west of it looks east at it. */
const SEEN: Position = [114.4035, 30.5015];
const OTHERS: { category: string; at: Position }[] = [
  { category: 'sanitation', at: [114.4041, 30.5022] },
  { category: 'hazard', at: [114.4037, 30.5008] },
  { category: 'dispute', at: [114.4045, 30.5017] },
];
/** The green light (client/src/palette.ts). */
const GREEN: [number, number, number] = [27, 158, 119];

describe.skipIf(!haveChromium)(title, () => {
  let service: Service;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  let seenId = 0;
  /** The grid SEEN lies in, as the service locates it (the demo's grids follow its divider). */
  let seenGrid = '';

  const post = async <T>(pathname: string, body: unknown): Promise<T> => {
    const response = await service.fetch(pathname, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const data = (await response.json()) as T;
    if (!response.ok) throw new Error(`${pathname}: ${response.status} ${JSON.stringify(data)}`);
    return data;
  };
  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`) });

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    // The demo feed off: the counts below are of the demo's history and this test's incidents.
    service = await startService({ GRIDGOV_DEMO_FEED: '0' });
    seenGrid = ((await (await service.fetch(`/api/locate?lon=${SEEN[0]}&lat=${SEEN[1]}`)).json()) as { code: string }).code;
    seenId = (await post<{ id: number }>('/api/incidents', { category: 'fire', source: 'resident', lon: SEEN[0], lat: SEEN[1], description: '楼道堆放杂物起火' })).id;
    for (const other of OTHERS) await post('/api/incidents', { category: other.category, source: 'resident', lon: other.at[0], lat: other.at[1] });
    await post('/api/devices', { id: CAMERA, kind: 'camera', name: '梳子桥路口球机', lon: 114.40308, lat: 30.5015, heightM: 6, heading: 90, fov: 60, rangeM: 80 });
    const jpeg = await sharp({ create: { width: 640, height: 360, channels: 3, background: { r: 40, g: 90, b: 160 } } })
      .composite([{ input: Buffer.from('<svg width="640" height="360"><rect x="200" y="100" width="240" height="160" fill="#f59f00"/></svg>'), top: 0, left: 0 }])
      .jpeg()
      .toBuffer();
    await post('/api/feeds/events', {
      events: [{ deviceId: CAMERA, eventId: 'e2e-1', type: 'intrusion', occurredAt: new Date().toISOString(), severity: 3, snapshot: jpeg.toString('base64') }],
    });

    // The heatmap layer draws with WebGL: headless Chromium without a GPU needs SwiftShader for it.
    ({ browser, page } = await openPage(service, consoleErrors, { extraArgs: ['--enable-unsafe-swiftshader', '--use-angle=swiftshader'] }));
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  const pixelOf = (p: Position) => pixelAt(page, p);

  /** Centres the map on a point at a zoom and waits for the command view to reload its data. */
  async function centreOn(p: Position, zoom: number): Promise<void> {
    const before = await page.evaluate(() => document.body.dataset.commandReady ?? '');
    await page.evaluate(
      ({ lonLat, zoom }) => {
        const view = (window.gridgov.map as unknown as { getView(): { setCenter(c: number[]): void; setZoom(z: number): void } }).getView();
        view.setCenter(window.gridgov.crs.toMap(lonLat));
        view.setZoom(zoom);
      },
      { lonLat: p, zoom },
    );
    await page.waitForFunction((b) => (document.body.dataset.commandReady ?? '') !== b, before, { timeout: 10_000 });
    await page.waitForTimeout(300);
  }

  it('opens the command view from the toolbar with heatmap, incidents and cameras', async () => {
    await page.goto(service.url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    await expect(page.locator('[data-view="command"]').textContent()).resolves.toBe('指挥');
    await page.click('[data-view="command"]');
    await page.waitForSelector('body[data-app-view="command"]');
    await page.waitForFunction(() => (window.gridgov.command?.layers.heatSource.getFeatures().length ?? 0) > 0, null, { timeout: 15_000 });
    await page.waitForFunction(() => window.gridgov.command?.live === true, null, { timeout: 10_000 });
    await expect(page.locator('.brand-sub').textContent()).resolves.toBe('指挥中心');
    await expect(page.locator('[data-role="command-controls"] h2').textContent()).resolves.toBe('指挥中心');
    await expect(page.locator('[data-tool="edit"]').count()).resolves.toBe(0); // the editing tools are the planner's

    await centreOn(SEEN, 17);
    const counts = await page.evaluate(() => ({
      heat: window.gridgov.command!.layers.heatSource.getFeatures().length,
      incidents: window.gridgov.command!.layers.incidentSource.getFeatures().map((f) => f.get('incident').light),
      cameras: window.gridgov.command!.layers.cameraSource.getFeatures().length,
    }));
    expect(counts.heat).toBeGreaterThan(0);
    expect(counts.incidents.length).toBeGreaterThanOrEqual(4);
    expect(counts.incidents.every((light) => ['green', 'yellow', 'red'].includes(light))).toBe(true);
    expect(counts.cameras).toBeGreaterThanOrEqual(2); // the camera and its sector, and the demo's cameras in view
    await shot('20-command-overview-zh');

    // The heatmap draws: the map differs with it and without it.
    const withHeat = await page.locator('#map').screenshot();
    await page.click('[data-layer="heatmap"]');
    await page.waitForTimeout(300);
    const withoutHeat = await page.locator('#map').screenshot();
    await page.click('[data-layer="heatmap"]');
    await page.waitForTimeout(300);
    const a = await sharp(withHeat).removeAlpha().raw().toBuffer();
    const b = await sharp(withoutHeat).removeAlpha().raw().toBuffer();
    let differing = 0;
    for (let i = 0; i < a.length; i += 3) if (Math.abs(a[i] - b[i]) + Math.abs(a[i + 1] - b[i + 1]) + Math.abs(a[i + 2] - b[i + 2]) > 30) differing++;
    expect(differing).toBeGreaterThan(500);

    // Incident points are drawn in their light (this test's are new, so green).
    const green = await countPixels(withoutHeat, GREEN, 12);
    expect(green.matching).toBeGreaterThan(4 * 60);
    expect(consoleErrors).toEqual([]);
  });

  it('shows an incident with its history and the camera that sees it, with its snapshot', async () => {
    await page.mouse.click(...(Object.values(await pixelOf(SEEN)) as [number, number]));
    await page.waitForSelector(`[data-role="incident-detail"][data-incident="${seenId}"] [data-role="incident-cameras"]`, { timeout: 10_000 });
    const detail = page.locator('[data-role="incident-detail"]');
    await expect(detail.locator('h2').textContent()).resolves.toBe(`事件 #${seenId}`);
    await expect(detail.textContent()).resolves.toContain('消防火情');
    await expect(detail.textContent()).resolves.toContain('楼道堆放杂物起火');
    await expect(detail.textContent()).resolves.toContain('群众上报');
    await expect(detail.locator('[data-role="transitions"] li').count()).resolves.toBeGreaterThanOrEqual(1);
    await expect(detail.locator('[data-role="transitions"]').textContent()).resolves.toContain('已上报');
    await expect(detail.locator(`[data-camera="${CAMERA}"]`).textContent()).resolves.toContain('梳子桥路口球机');
    const image = detail.locator(`[data-camera="${CAMERA}"] img.snapshot`);
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('[data-role="incident-detail"] img.snapshot');
      return img !== null && img.complete;
    });
    expect(await image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    // The snapshot is an <img>: it carries the key as access_token (a browser sets no header on it).
    expect(await image.getAttribute('src')).toMatch(/^\/api\/media\/\d+\?size=thumb&access_token=/);
    await shot('21-command-incident-zh');
    expect(consoleErrors).toEqual([]);
  });

  it('shows a new incident posted meanwhile without reloading (server-sent events)', async () => {
    const before = await page.evaluate(() => window.gridgov.command!.received);
    const at: Position = [114.4031, 30.5024];
    const created = await post<{ id: number }>('/api/incidents', { category: 'traffic', source: 'resident', lon: at[0], lat: at[1] });
    await page.waitForFunction((id) => window.gridgov.command!.layers.incidentSource.getFeatureById(id) !== null, created.id, { timeout: 5_000 });
    expect(await page.evaluate(() => window.gridgov.command!.received)).toBeGreaterThan(before);
    await page.waitForSelector(`[data-role="toast"][data-incident="${created.id}"]`, { timeout: 3_000 });
    await expect(page.locator(`[data-role="toast"][data-incident="${created.id}"]`).textContent()).resolves.toContain('交通秩序');
    await page.waitForTimeout(300);
    const p = await pixelOf(at);
    const box = (await page.locator('#map').boundingBox())!;
    const clip = { x: p.x - 10, y: p.y - 10, width: 20, height: 20 };
    expect(clip.x).toBeGreaterThan(box.x);
    const around = await page.screenshot({ clip });
    expect((await countPixels(around, GREEN, 12)).matching).toBeGreaterThan(30);
    await shot('22-command-live-zh');
    expect(consoleErrors).toEqual([]);
  });

  it('draws camera coverage and the blind spots of the selected grid', async () => {
    await page.click('[data-action="coverage"]');
    await page.waitForFunction(() => window.gridgov.command!.layers.coverageSource.getFeatures().length > 0, null, { timeout: 10_000 });
    // Select the grid by clicking inside it where no incident is, then its blind spots.
    await page.evaluate((code) => (window.gridgov as unknown as { select(code: string): void }).select(code), seenGrid);
    await page.click('[data-action="blind-spots"]');
    await page.waitForFunction(() => window.gridgov.command!.layers.blindSource.getFeatures().length === 1, null, { timeout: 10_000 });
    await expect(page.locator('[data-role="blind-message"]').textContent()).resolves.toMatch(/覆盖 \d/);
    await shot('23-command-coverage-zh');
    await page.click('[data-action="coverage"]');
    expect(consoleErrors).toEqual([]);
  });

  it('shows the statistics of the region as charts', async () => {
    const stats = page.locator('[data-role="stats"]');
    await stats.locator('svg[data-chart="by-status"]').waitFor({ timeout: 10_000 });
    // The first tile is the total, written with the locale's digit grouping (1,234).
    await page.waitForFunction(() => Number((document.querySelector('[data-role="stats"] .stat-value')?.textContent ?? '').replace(/[^\d]/g, '')) >= 5, null, { timeout: 10_000 });
    const unfiltered = await page.evaluate(() => Number(document.querySelector('[data-role="stats"] .stat-value')!.textContent!.replace(/[^\d]/g, '')));
    await expect(stats.locator('[data-role="stats-title"]').textContent()).resolves.toBe('统计：洪山区');
    for (const chart of ['by-status', 'by-category', 'by-light', 'by-child']) await expect(stats.locator(`svg[data-chart="${chart}"]`).count()).resolves.toBe(1);
    await expect(stats.locator('svg[data-chart="on-time"]').count()).resolves.toBe(1);
    const reported = await stats.locator('svg[data-chart="by-status"] rect[data-value]').first().getAttribute('data-value');
    expect(Number(reported)).toBeGreaterThanOrEqual(5);
    const barWidth = await stats.locator('svg[data-chart="by-status"] rect[data-value]').first().getAttribute('width');
    expect(Number(barWidth)).toBeGreaterThan(50);
    // The category filter narrows the map and the statistics.
    const all = await page.evaluate(() => window.gridgov.command!.layers.incidentSource.getFeatures().length);
    await page.selectOption('[data-control="category"]', 'fire');
    await page.waitForFunction(
      (id) => {
        const features = window.gridgov.command!.layers.incidentSource.getFeatures() as unknown as { get(key: string): { id: number; category: string } }[];
        return features.length > 0 && features.every((f) => f.get('incident').category === 'fire') && features.some((f) => f.get('incident').id === id);
      },
      seenId,
      { timeout: 10_000 },
    );
    const fires = await page.evaluate(() => window.gridgov.command!.layers.incidentSource.getFeatures().length);
    expect(fires).toBeLessThan(all);
    // The statistics count the region's fires (the map only those in view): fewer than all, at least this test's.
    await page.waitForFunction(
      (n) => {
        const value = Number((document.querySelector('[data-role="stats"] .stat-value')?.textContent ?? '').replace(/[^\d]/g, ''));
        return value >= 1 && value < n;
      },
      unfiltered,
      { timeout: 10_000 },
    );
    await page.selectOption('[data-control="category"]', '');
    await page.waitForFunction((n) => window.gridgov.command!.layers.incidentSource.getFeatures().length >= n, all, { timeout: 10_000 });
    // The region chosen in the tree is the statistics' region; its children are grids or regions.
    await page.click('.tree-item[data-region="420111080000"] .tree-name');
    await page.waitForFunction(() => document.querySelector('[data-role="stats-title"]')?.textContent === '统计：关东街道', null, { timeout: 10_000 });
    await expect(stats.locator('svg[data-chart="by-child"]').textContent()).resolves.toContain('民族大道西示范社区');
    await page.click('[data-action="close-incident"]');
    await page.waitForSelector('[data-role="incident-detail"]', { state: 'hidden' });
    await shot('24-command-stats-zh');
  });

  it('switches the command view to English, and leaving it closes the stream', async () => {
    await page.click('#lang-switch');
    await expect(page.locator('[data-view="command"]').textContent()).resolves.toBe('Command');
    await expect(page.locator('[data-view="plan"]').textContent()).resolves.toBe('Plan');
    await expect(page.locator('.brand-sub').textContent()).resolves.toBe('Command center');
    await expect(page.locator('[data-role="command-controls"] h2').textContent()).resolves.toBe('Command center');
    await expect(page.locator('[data-role="command-controls"]').textContent()).resolves.toContain('Heatmap');
    await expect(page.locator('[data-control="range"] option:checked').textContent()).resolves.toBe('Last 7 days');
    await expect(page.locator('[data-control="category"] option[value="fire"]').textContent()).resolves.toBe('Fire');
    await expect(page.locator('[data-role="stats-title"]').textContent()).resolves.toMatch(/^Statistics: /);
    await expect(page.locator('[data-role="stats"]').textContent()).resolves.toContain('By category');
    await expect(page.locator('svg[data-chart="by-status"]').textContent()).resolves.toContain('Reported');
    await page.mouse.click(...(Object.values(await pixelOf(SEEN)) as [number, number]));
    await page.waitForSelector(`[data-role="incident-detail"] h2:text("Incident #${seenId}")`, { timeout: 5_000 });
    await page.waitForSelector('[data-role="incident-detail"] [data-role="incident-cameras"]');
    await expect(page.locator('[data-role="incident-detail"]').textContent()).resolves.toContain('Cameras that see it');
    await expect(page.locator('[data-role="incident-detail"]').textContent()).resolves.toContain('Resident');
    await shot('25-command-english');

    await page.click('[data-view="plan"]');
    await page.waitForSelector('body[data-app-view="plan"]');
    expect(await page.evaluate(() => ({ active: window.gridgov.command!.active, source: window.gridgov.command!.source }))).toEqual({ active: false, source: null });
    await expect(page.locator('[data-tool="edit"]').count()).resolves.toBe(1);
    await page.click('#lang-switch');
    expect(consoleErrors).toEqual([]);
  });
});
