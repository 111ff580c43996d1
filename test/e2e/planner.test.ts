/**
 * The planner view in a real browser (Debian's Chromium through playwright-core) against a real
 * service started as `npm start` starts it (which builds the web client), with the demo data, on
 * the backend under test. Skipped, saying so, where /usr/bin/chromium (or $GRIDGOV_CHROMIUM) is
 * absent (`apt-get install chromium`). Screenshots of each view go to test-output/e2e/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import * as turf from '@turf/turf';
import { CHROMIUM, SHOTS, mapAt, openPage, pixelAt, blend, countPixels, haveChromium, key, ringsOf, startService, type GridJson, type Position, type Service, insideGrid, lonLatAt, clearanceOf } from './support.js';
import { HOUSEHOLD_COLOURS } from '../../client/src/palette.js';

if (!haveChromium) {
  console.warn(`[e2e] SKIPPED: ${CHROMIUM} is absent — install Debian's chromium (apt-get install chromium) to run the browser tests`);
}

const title = haveChromium ? 'planner view in Chromium' : `planner view in Chromium — SKIPPED: ${CHROMIUM} not found (apt-get install chromium)`;

describe.skipIf(!haveChromium)(title, () => {
  let service: Service;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  let tileRequests = 0;

  const api = async <T>(pathname: string, init?: RequestInit): Promise<T> => (await service.fetch(pathname, init)).json() as Promise<T>;
  const grids = async () => (await api<{ features: GridJson[] }>('/api/grids')).features;
  const versions = async () => Object.fromEntries((await grids()).map((g) => [g.properties.code, g.properties.version]));
  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`) });

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    service = await startService();
    // Nothing leaves this machine: base map tiles are answered here with a plain tile, anything else not local is refused.
    const tile = await sharp({ create: { width: 256, height: 256, channels: 3, background: { r: 226, g: 232, b: 222 } } }).png().toBuffer();
    ({ browser, page } = await openPage(service, consoleErrors, {
      external: (route) => (/autonavi\.com|tile\.openstreetmap\.org/.test(route.request().url()) ? (tileRequests++, route.fulfill({ contentType: 'image/png', body: tile })) : route.abort()),
    }));
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  const pixelOf = (p: Position) => pixelAt(page, p);

  const onMap = (p: { x: number; y: number }) => mapAt(page, p);

  /** The first candidate whose vertex, and the point it is dragged to, the pointer can reach once its grid is open. */
  async function reachable<T extends { code: string; vertex: Position; centroid: Position }>(
    candidates: T[],
    distance: number,
    acceptable: (chosen: T, to: Position, metresPerPixel: number) => boolean = () => true,
  ): Promise<{ chosen: T; from: { x: number; y: number }; to: { x: number; y: number } }> {
    for (const chosen of candidates) {
      await openGrid(chosen.code);
      const from = await pixelOf(chosen.vertex);
      const centre = await pixelOf(chosen.centroid);
      const length = Math.hypot(centre.x - from.x, centre.y - from.y);
      const to = { x: from.x + ((centre.x - from.x) / length) * distance, y: from.y + ((centre.y - from.y) / length) * distance };
      if (!(await onMap(from)) || !(await onMap(to))) continue;
      // Dragged inwards, the point must lie in the grid (a thin or bent grid's centroid may lie outside it).
      if (distance > 0 && !(await insideGrid(page, chosen.code, to))) continue;
      const target = await lonLatAt(page, to);
      const metresPerPixel = turf.distance(await lonLatAt(page, from), target, { units: 'meters' }) / Math.abs(distance);
      if (!acceptable(chosen, target, metresPerPixel)) continue;
      return { chosen, from, to };
    }
    throw new Error('no candidate vertex can be reached on the map');
  }

  async function drag(from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
    await page.mouse.move(from.x - 3, from.y - 3);
    await page.mouse.move(from.x, from.y, { steps: 3 });
    await page.mouse.down();
    await page.mouse.move(to.x, to.y, { steps: 12 });
    await page.mouse.up();
  }

  /** Presses a button, lets the check panel render (as a late check or estimate does), then releases. */
  async function pressAcrossRender(selector: string): Promise<void> {
    const box = (await page.locator(selector).boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.evaluate(() => window.gridgov.checkPanel.render());
    await page.mouse.up();
  }

  /** Presses an element, lets the live checks report (the store's problems set anew), then releases. */
  async function pressAcrossCheck(selector: string): Promise<void> {
    const box = (await page.locator(selector).boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.evaluate(() => window.gridgov.store.set({ problems: [...window.gridgov.store.state.problems] }));
    await page.mouse.up();
  }

  async function search(text: string): Promise<void> {
    await page.fill('.search-input', text);
    await page.press('.search-input', 'Enter');
  }

  /** Selects a grid through the search box and waits for the map to settle on it. */
  async function openGrid(code: string): Promise<void> {
    await search(code);
    await page.waitForFunction((c) => window.gridgov.selected === c, code);
    await page.waitForTimeout(500); // the 300 ms fit animation
  }

  const centroidOf = (ring: Position[]): Position => {
    const points = ring.slice(0, -1);
    return [points.reduce((s, p) => s + p[0], 0) / points.length, points.reduce((s, p) => s + p[1], 0) / points.length];
  };

  /** The editor snaps a dragged vertex to grid edges within this many pixels (client/src/editing/GridEditor.ts). */
  const SNAP_REACH_PX = 8;

  /** Whether a point lies inside a grid and farther than `margin` metres from its boundary. */
  function deepInside(point: Position, grid: GridJson, margin: number): boolean {
    if (!turf.booleanPointInPolygon(point, grid.geometry)) return false;
    return clearanceOf(point, ringsOf(grid.geometry)) > margin;
  }

  /**
   * Whether moving `vertex` to `target` in every grid that shares it keeps the grids a tiling: each
   * moved grid stays simple and overlaps no grid that does not share the vertex (a grid whose edge
   * merely passes near the vertex, such as a special grid beside a basic grid's corner, would be
   * crossed by a move the planner would never make).
   */
  function movedKeepsTiling(all: GridJson[], vertex: Position, target: Position, sharers: string[]): boolean {
    const shift = (ring: Position[]) => ring.map((p) => (key(p) === key(vertex) ? target : p));
    const moved = all
      .filter((g) => sharers.includes(g.properties.code))
      .map((g) => turf.multiPolygon(g.geometry.type === 'Polygon' ? [g.geometry.coordinates.map(shift)] : g.geometry.coordinates.map((polygon) => polygon.map(shift))));
    if (moved.some((grid) => turf.kinks(grid).features.length > 0)) return false;
    const others = all.filter((g) => !sharers.includes(g.properties.code));
    return moved.every((grid) => others.every((other) => {
      const otherPolygons = turf.multiPolygon(other.geometry.type === 'Polygon' ? [other.geometry.coordinates] : other.geometry.coordinates);
      const overlap = turf.intersect(turf.featureCollection([grid, otherPolygons]));
      return overlap === null || turf.area(overlap) < 0.01;
    }));
  }

  /**
   * Vertices of the outer ring of each grid that other grids share exactly and that are not on a
   * village boundary (moving them keeps every grid inside its village).
   */
  async function sharedInteriorVertices(): Promise<{ code: string; vertex: Position; sharers: string[]; centroid: Position }[]> {
    const all = await grids();
    const villageVertices = new Set<string>();
    for (const code of new Set(all.map((g) => g.properties.regionCode))) {
      const village = await api<GridJson>(`/api/regions/${code}`);
      for (const ring of ringsOf(village.geometry)) for (const p of ring) villageVertices.add(key(p));
    }
    const owners = new Map<string, Set<string>>();
    for (const g of all) for (const ring of ringsOf(g.geometry)) for (const p of ring) owners.set(key(p), (owners.get(key(p)) ?? new Set()).add(g.properties.code));
    const found = [];
    for (const g of all) {
      const outer = ringsOf(g.geometry)[0];
      for (const p of outer.slice(0, -1)) {
        const sharers = [...owners.get(key(p))!];
        if (sharers.length >= 2 && !villageVertices.has(key(p))) found.push({ code: g.properties.code, vertex: p, sharers, centroid: centroidOf(outer) });
      }
    }
    return found;
  }

  it('opens in Chinese, fitted to the grids, and draws them', async () => {
    await page.goto(service.url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    await expect(page.locator('.side.left h2').textContent()).resolves.toBe('行政区划');
    await expect(page.locator('[data-tool="edit"]').textContent()).resolves.toContain('修改边界');
    await expect(page.locator('#status').textContent()).resolves.toContain(`已加载 ${(await grids()).length} 个网格`);
    await page.waitForSelector('.tree-item[data-region="420111000000"]');

    // Fitted: every grid is in view.
    const inView = await page.evaluate(() => {
      const app = window.gridgov;
      const view = app.map.getView().calculateExtent(app.map.getSize());
      return app.grids.all().every((f) => {
        const e = f.getGeometry()!.getExtent();
        return e[0] >= view[0] && e[1] >= view[1] && e[2] <= view[2] && e[3] <= view[3];
      });
    });
    expect(inView).toBe(true);

    // Drawn: the map holds many pixels of the household fills (client/src/palette.ts: under / in range / over, blue light → dark),
    // most of them the "300–500" fill: the demo is divided by gridgov's own rules.
    await shot('01-overview-zh');
    const map = await page.locator('#map').screenshot();
    const fills = { under: 0, in: 0, over: 0 };
    for (const [name, fill] of Object.entries(HOUSEHOLD_COLOURS) as [keyof typeof fills, [number, number, number]][]) fills[name] = (await countPixels(map, blend(fill, 0.55, [244, 241, 234]), 6)).matching;
    expect((fills.under + fills.in + fills.over) / (await countPixels(map, [0, 0, 0], 255)).total).toBeGreaterThan(0.1);
    expect(fills.in).toBeGreaterThan(fills.under + fills.over);
    const background = await countPixels(map, [244, 241, 234], 2);
    expect(background.matching / background.total).toBeGreaterThan(0.05); // the map is not one flat colour
    expect(consoleErrors).toEqual([]);
  });

  it('switches to English and back', async () => {
    await page.click('#lang-switch');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await expect(page.locator('.side.left h2').textContent()).resolves.toBe('Regions');
    await expect(page.locator('[data-tool="edit"]').textContent()).resolves.toContain('Edit boundary');
    await expect(page.locator('#check-panel').textContent()).resolves.toContain('No unsaved changes');
    await expect(page.locator('#legend').textContent()).resolves.toContain('Over 500 households');
    await openGrid('420111002101001');
    await page.click('[data-tab="history"]');
    await page.waitForSelector('.history-item');
    await expect(page.locator('.history-item').first().textContent()).resolves.toContain('created');
    await shot('02-english-grid-history');
    await page.click('#lang-switch');
    await expect(page.locator('.side.left h2').textContent()).resolves.toBe('行政区划');
    await expect(page.locator('.history-item').first().textContent()).resolves.toContain('新建');
    await page.click('[data-tab="properties"]');
  });

  it('finds grids by code, address and coordinates, and regions in the tree', async () => {
    await openGrid('420111080101003');
    await expect(page.locator('[data-role="grid-title"]').textContent()).resolves.toBe('民族大道西示范社区第3网格');
    await expect(page.locator('.tree-item.grid.selected').textContent()).resolves.toContain('民族大道西示范社区第3网格');
    await shot('03-grid-selected');

    // An address and a point select the grid the API places them in.
    const byAddress = (await api<{ candidates: { gridCode: string }[] }>(`/api/geocode?q=${encodeURIComponent('自强路5号')}`)).candidates[0].gridCode;
    await search('自强路5号');
    await page.waitForFunction((code) => window.gridgov.selected === code, byAddress);
    await expect(page.locator('#status').textContent()).resolves.toContain(byAddress);

    const byPoint = (await api<{ code: string }>('/api/locate?lon=114.4050&lat=30.5020')).code;
    expect(byPoint).toMatch(/^420111080102\d{3}$/);
    await search('114.4050,30.5020');
    await page.waitForFunction((code) => window.gridgov.selected === code, byPoint);
    await search('30.5020, 114.4050'); // [lat, lon] typed by mistake
    await page.waitForFunction((code) => window.gridgov.selected === code, byPoint);

    await page.click('.tree-item[data-region="420111080000"]');
    await page.waitForSelector('.tree-item[data-region="420111080101"]');
    // The tree re-renders when checks report; a click held across that still counts.
    await pressAcrossCheck('.tree-item[data-region="420111080101"]');
    await page.waitForSelector('.tree-item.selected[data-region="420111080101"]', { timeout: 5000 });
    await page.waitForFunction(() => window.gridgov.selected === null);
    await page.waitForTimeout(500);
    await shot('04-region-highlighted');
    expect(consoleErrors).toEqual([]);
  });

  it('moves a vertex shared with neighbours: each grid that shares it is saved with a new version', async () => {
    const candidates = await sharedInteriorVertices();
    // Interior points where three grids meet first.
    candidates.sort((a, b) => b.sharers.length - a.sharers.length);
    const before = await versions();
    // A planner moves a shared corner to where the grids still tile: not into a grid that does not share it.
    const all = await grids();
    const { chosen, from, to } = await reachable(candidates, 18, (candidate, target) => movedKeepsTiling(all, candidate.vertex, target, candidate.sharers));
    await page.click('[data-tool="edit"]');
    await drag(from, to);

    await page.waitForSelector('.check-ok');
    const pending = await page.evaluate(() => window.gridgov.editor.pending().map((p) => p.code).sort());
    expect(pending).toEqual([...chosen.sharers].sort());
    await shot('05-shared-vertex-moved');

    // Undo and redo.
    await page.click('[data-tool="undo"]');
    await page.waitForSelector('[data-role="check-status"].check-clean');
    await page.click('[data-tool="redo"]');
    await page.waitForSelector('.check-ok');

    await page.fill('input[name="reason"]', '按小区边界调整');
    await page.click('[data-action="save"]');
    await page.waitForSelector('[data-role="check-status"].check-clean');
    await expect(page.locator('#status').textContent()).resolves.toMatch(/已保存/);
    await page.waitForSelector('[data-role="check-status"].check-clean');
    await shot('06-shared-vertex-saved');

    const after = await grids();
    const byCode = new Map(after.map((g) => [g.properties.code, g]));
    for (const [code, version] of Object.entries(before)) {
      expect(byCode.get(code)!.properties.version, code).toBe(chosen.sharers.includes(code) ? version + 1 : version);
    }
    // The old vertex is gone from every sharer, and one new vertex is common to all of them.
    const vertexSets = chosen.sharers.map((code) => new Set(ringsOf(byCode.get(code)!.geometry).flat().map(key)));
    for (const set of vertexSets) expect(set.has(key(chosen.vertex))).toBe(false);
    const common = [...vertexSets[0]].filter((k) => vertexSets.every((set) => set.has(k)));
    expect(common.length).toBeGreaterThan(0);
    const history = await api<{ features: { properties: { reason: string | null; version: number } }[] }>(`/api/grids/${chosen.code}/history`);
    expect(history.features[0].properties.reason).toBe('按小区边界调整');
    // Still a tiling: no overlap inside the village.
    const village = byCode.get(chosen.code)!.properties.regionCode;
    const coverage = await api<{ overlaps: { features: unknown[] } }>(`/api/regions/${village}/coverage`);
    expect(coverage.overlaps.features).toHaveLength(0);

    // The history slider shows the grids as they were before the save.
    const savedAt = (await api<{ properties: { validFrom: string } }>(`/api/grids/${chosen.code}`)).properties.validFrom;
    await page.evaluate((iso) => window.gridgov.history.set(iso), new Date(Date.parse(savedAt) - 1).toISOString());
    await page.waitForFunction((code) => window.gridgov.asOf !== null && window.gridgov.grids.feature(code)?.get('grid').version === 1, chosen.code);
    await expect(page.locator('#mode-banner').isVisible()).resolves.toBe(true);
    await expect(page.locator('[data-tool="edit"]').isDisabled()).resolves.toBe(true);
    await shot('07-history-before-save');
    await page.click('[data-action="history-now"]');
    await page.waitForFunction((code) => window.gridgov.asOf === null && window.gridgov.grids.feature(code)?.get('grid').version === 2, chosen.code);
    expect(consoleErrors).toEqual([]);
  });

  it('dragging the middle of a shared edge puts the new vertex into both grids', async () => {
    const all = await grids();
    const touched = new Set(all.filter((g) => g.properties.version > 1).map((g) => g.properties.code));
    const owners = new Map<string, Set<string>>();
    for (const g of all) for (const ring of ringsOf(g.geometry)) for (const p of ring) owners.set(key(p), (owners.get(key(p)) ?? new Set()).add(g.properties.code));
    // Edges of one grid's outer ring whose two ends belong to exactly one other grid (untouched so far).
    const edges = [];
    for (const g of all.filter((g) => !touched.has(g.properties.code))) {
      const outer = ringsOf(g.geometry)[0];
      for (let i = 0; i + 1 < outer.length; i++) {
        const a = [...owners.get(key(outer[i]))!];
        const b = new Set(owners.get(key(outer[i + 1]))!);
        const others = a.filter((code) => code !== g.properties.code && b.has(code));
        if (others.length === 1 && !touched.has(others[0])) {
          const mid: Position = [(outer[i][0] + outer[i + 1][0]) / 2, (outer[i][1] + outer[i + 1][1]) / 2];
          const lengthM = Math.hypot((outer[i + 1][0] - outer[i][0]) * Math.cos((mid[1] * Math.PI) / 180), outer[i + 1][1] - outer[i][1]) * 111_320;
          edges.push({ code: g.properties.code, other: others[0], vertex: mid, centroid: centroidOf(outer), lengthM });
        }
      }
    }
    // Long edges first: on a short one the pointer at its middle is within reach of its ends, where a third grid may meet them.
    edges.sort((x, y) => y.lengthM - x.lengthM);
    const before = await versions();
    const { chosen, from, to } = await reachable(edges, 12);
    await page.click('[data-tool="edit"]');
    await drag(from, to);
    await page.waitForSelector('.check-ok');
    expect(await page.evaluate(() => window.gridgov.editor.pending().map((p) => p.code).sort())).toEqual([chosen.code, chosen.other].sort());
    await page.click('[data-action="save"]');
    await page.waitForSelector('[data-role="check-status"].check-clean');
    await expect(page.locator('#status').textContent()).resolves.toMatch(/已保存/);

    const after = new Map((await grids()).map((g) => [g.properties.code, g]));
    for (const [code, version] of Object.entries(before)) {
      expect(after.get(code)!.properties.version, code).toBe(code === chosen.code || code === chosen.other ? version + 1 : version);
    }
    const mine = new Set(ringsOf(after.get(chosen.code)!.geometry).flat().map(key));
    const theirs = ringsOf(after.get(chosen.other)!.geometry).flat().map(key);
    const old = new Set(ringsOf(all.find((g) => g.properties.code === chosen.code)!.geometry).flat().map(key));
    const added = [...mine].filter((k) => !old.has(k));
    expect(added).toHaveLength(1);
    expect(theirs).toContain(added[0]);
  });

  it('shows an overlap in the live check, and the server refuses it without changing anything', async () => {
    const touched = new Set((await grids()).filter((g) => g.properties.version > 1).map((g) => g.properties.code));
    const candidates = await sharedInteriorVertices();
    const before = await grids();
    // Away from the grid's centre (a negative distance), deep into its neighbours; the shared vertex comes apart.
    // The point it goes to lies inside a neighbour that shares the vertex, beyond the editor's snap reach
    // of that neighbour's edges, so that the move is an overlap (not a gap, a snap, or a step outside the village).
    const { chosen, from, to } = await reachable(
      candidates.filter((c) => c.sharers.every((code) => !touched.has(code))),
      -60,
      (candidate, target, metresPerPixel) => before.some((g) => g.properties.code !== candidate.code && candidate.sharers.includes(g.properties.code) && deepInside(target, g, SNAP_REACH_PX * 2 * metresPerPixel)),
    );
    await page.click('[data-tool="edit"]');
    await page.uncheck('[data-toggle="shared"]');
    await drag(from, to);

    await page.waitForSelector('[data-problem="overlap"]');
    expect(await page.evaluate(() => window.gridgov.editor.pending().map((p) => p.code))).toEqual([chosen.code]);
    await shot('08-overlap-live-check');

    await page.click('[data-action="save"]');
    await page.waitForSelector('.dialog-warning');
    await page.click('[data-dialog-button="send"]');
    await page.waitForSelector('[data-role="server-message"]');
    // The server's own sentence (in the language asked for), its code beside it.
    await expect(page.locator('[data-role="server-message"]').getAttribute('data-code')).resolves.toBe('overlap');
    await expect(page.locator('[data-role="server-message"]').textContent()).resolves.toMatch(/\d{15}/);
    await shot('09-overlap-refused');
    await page.click('[data-dialog-button="ok"]');

    expect(await grids()).toEqual(before);
    // The edit is still there to fix; discard it.
    await page.click('[data-action="discard"]');
    await page.click('[data-dialog-button="discard"]');
    await page.waitForSelector('[data-role="check-status"].check-clean');
    await page.check('[data-toggle="shared"]');
    const refused = consoleErrors.filter((e) => !/status of 422/.test(e));
    expect(refused).toEqual([]);
  });

  it('on 412 shows what someone else changed and reloads their version', async () => {
    const touched = new Set((await grids()).filter((g) => g.properties.version > 1).map((g) => g.properties.code));
    const candidates = await sharedInteriorVertices();
    const before = await versions();
    const { chosen, from, to } = await reachable(
      candidates.filter((c) => c.sharers.every((code) => !touched.has(code))),
      15,
    );
    await page.click('[data-tool="edit"]');
    await drag(from, to);
    await page.waitForSelector('.check-ok');

    // Meanwhile someone renames the grid.
    const current = await api<GridJson>(`/api/grids/${chosen.code}`);
    const renamed = await service.fetch(`/api/grids/${chosen.code}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', 'If-Match': `"${current.properties.version}"`, 'X-Actor': encodeURIComponent('另一位规划员') },
      body: JSON.stringify({ type: 'Feature', reason: '更名', properties: { ...current.properties, name: `${current.properties.name}（更名）` }, geometry: current.geometry }),
    });
    expect(renamed.status).toBe(200);

    await page.click('[data-action="save"]');
    await page.waitForSelector('[data-role="stale"]');
    await expect(page.locator('[data-role="stale"]').textContent()).resolves.toContain('另一位规划员');
    await shot('10-stale-version');
    await page.click('[data-dialog-button="reload"]');
    await expect(page.locator('[data-role="grid-title"]').textContent()).resolves.toContain('（更名）');

    // Nothing of the edit was written; the neighbours' edits are still pending, then discarded.
    const after = await versions();
    for (const [code, version] of Object.entries(before)) expect(after[code], code).toBe(code === chosen.code ? version + 1 : version);
    // A render between press and release (a household estimate arriving) must not swallow the click.
    await pressAcrossRender('[data-action="discard"]');
    await page.click('[data-dialog-button="discard"]');
    await page.waitForSelector('[data-role="check-status"].check-clean');
    expect(consoleErrors.filter((e) => !/status of 422/.test(e))).toEqual([]);
  });
  it('draws a new grid: the live check shows its overlaps and the server refuses it', async () => {
    const count = (await grids()).length;
    const code = '420111080102004';
    await openGrid(code);
    const feature = (await grids()).find((g) => g.properties.code === code)!;
    const centre = await pixelOf(centroidOf(ringsOf(feature.geometry)[0]));
    await page.click('[data-tool="draw"]');
    const corners = [
      [-60, -50],
      [60, -50],
      [60, 50],
      [-60, 50],
    ];
    for (const [dx, dy] of corners.slice(0, 3)) {
      await page.mouse.click(centre.x + dx, centre.y + dy);
      await page.waitForTimeout(150);
    }
    await page.mouse.dblclick(centre.x + corners[3][0], centre.y + corners[3][1]);
    await page.waitForFunction(() => window.gridgov.selected?.startsWith('new-') === true);
    await expect(page.locator('select[name="regionCode"]').inputValue()).resolves.toBe(feature.properties.regionCode);
    await page.fill('input[name="name"]', '民族大道东示范社区测试网格');
    await page.fill('input[name="households"]', '320');
    await page.waitForSelector('[data-problem="overlap"]');
    await shot('11-new-grid-overlap');

    await page.click('[data-action="save"]');
    await page.click('[data-dialog-button="send"]');
    await page.waitForSelector('[data-role="server-message"]');
    await expect(page.locator('[data-role="server-message"]').getAttribute('data-code')).resolves.toBe('overlap');
    await page.click('[data-dialog-button="ok"]');
    expect((await grids()).length).toBe(count);

    await page.click('[data-tool="undo"]');
    await page.waitForSelector('[data-role="check-status"].check-clean');
    await page.click('[data-tool="select"]');
    expect(consoleErrors.filter((e) => !/status of 422/.test(e))).toEqual([]);
  });

  it('with a GCJ-02 base map shifts the grids onto it, reads WGS84 under the mouse, and saves unmoved vertices unchanged', async () => {
    await page.click('#settings-button');
    await page.selectOption('select[name="baseMap"]', 'amap');
    await page.click('[data-action="apply-settings"]');
    await page.waitForFunction(() => window.gridgov.crs.crs === 'gcj02');

    const touched = new Set((await grids()).filter((g) => g.properties.version > 1).map((g) => g.properties.code));
    const candidates = (await sharedInteriorVertices()).filter((c) => c.sharers.every((code) => !touched.has(code)));
    const before = new Map((await grids()).map((g) => [g.properties.code, g]));
    const { chosen, from, to } = await reachable(candidates, 14);
    await page.waitForTimeout(300);
    expect(tileRequests).toBeGreaterThan(0);

    // The mouse position says where the vertex is in WGS84, though the map shows it shifted.
    await page.mouse.move(from.x, from.y);
    const readout = (await page.locator('#mouse-position').textContent())!;
    const [lon, lat] = readout.match(/\d+\.\d+/g)!.map(Number);
    expect(Math.abs(lon - chosen.vertex[0])).toBeLessThan(2e-5);
    expect(Math.abs(lat - chosen.vertex[1])).toBeLessThan(2e-5);
    await shot('12-gcj02-basemap');

    await page.click('[data-tool="edit"]');
    await drag(from, to);
    await page.waitForSelector('.check-ok');
    await page.click('[data-action="save"]');
    await page.waitForSelector('[data-role="check-status"].check-clean');
    await expect(page.locator('#status').textContent()).resolves.toMatch(/已保存/);

    const after = new Map((await grids()).map((g) => [g.properties.code, g]));
    for (const code of chosen.sharers) {
      const old = new Set(ringsOf(before.get(code)!.geometry).flat().map(key));
      const now = new Set(ringsOf(after.get(code)!.geometry).flat().map(key));
      expect([...old].filter((k) => !now.has(k)), code).toEqual([key(chosen.vertex)]);
      expect([...now].filter((k) => !old.has(k)), code).toHaveLength(1);
      expect(after.get(code)!.properties.version).toBe(before.get(code)!.properties.version + 1);
    }

    await page.click('#settings-button');
    await page.selectOption('select[name="baseMap"]', 'none');
    await page.click('[data-action="apply-settings"]');
    await page.waitForFunction(() => window.gridgov.crs.crs === 'wgs84');
    expect(consoleErrors.filter((e) => !/status of 422/.test(e))).toEqual([]);
  });
});
