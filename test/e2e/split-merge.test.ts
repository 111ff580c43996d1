/**
 * Splitting and merging grids in the planner, and the gap warning of the live check, in a real
 * browser (Debian's Chromium) against the real service with the demo data. Screenshots go to
 * test-output/e2e/40-*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import { area as turfArea, feature, featureCollection, union } from '@turf/turf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, SHOTS, openGrid as openGridIn, mapAt, openPage, pixelAt, haveChromium, key, ringsOf, startService, type GridJson, type Position, type Service, insideGrid, interiorPoint } from './support.js';

const title = haveChromium ? 'split and merge in Chromium' : `split and merge in Chromium — SKIPPED: ${CHROMIUM} not found (apt-get install chromium)`;

describe.skipIf(!haveChromium)(title, () => {
  let service: Service;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  const api = async <T>(pathname: string): Promise<T> => (await service.fetch(pathname)).json() as Promise<T>;
  const grids = async () => (await api<{ features: GridJson[] }>('/api/grids')).features;
  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  const areaOf = (g: GridJson) => turfArea(g.geometry);
  const pending = () => page.evaluate(() => window.gridgov.editor.pending().map((p) => p.code).sort());

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    service = await startService();
    ({ browser, page } = await openPage(service, consoleErrors));
    await page.goto(service.url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  const pixelOf = (p: Position) => pixelAt(page, p);

  const onMap = (p: { x: number; y: number }) => mapAt(page, p);

  const openGrid = (code: string) => openGridIn(page, code);

  async function setToggle(name: string, on: boolean): Promise<void> {
    const box = page.locator(`[data-toggle="${name}"]`);
    if ((await box.isChecked()) !== on) await box.click();
  }

  async function drag(from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
    await page.mouse.move(from.x - 3, from.y - 3);
    await page.mouse.move(from.x, from.y, { steps: 3 });
    await page.mouse.down();
    await page.mouse.move(to.x, to.y, { steps: 12 });
    await page.mouse.up();
  }

  const touched = async () => new Set((await grids()).filter((g) => g.properties.version > 1).map((g) => g.properties.code));

  it('splits a grid along a line drawn across it; saved as the original (version 2, smaller) and a new grid of the village', async () => {
    const before = await grids();
    let chosen: GridJson | null = null;
    await setToggle('snap', false);
    for (const grid of before.filter((g) => g.geometry.type === 'Polygon' || g.geometry.coordinates.length === 1)) {
      await openGrid(grid.properties.code);
      const outer = ringsOf(grid.geometry)[0];
      const xs = outer.map((p) => p[0]);
      const ys = outer.map((p) => p[1]);
      const cy = (Math.min(...ys) + Math.max(...ys)) / 2;
      const west = await pixelOf([Math.min(...xs), cy]);
      const east = await pixelOf([Math.max(...xs), cy]);
      const start = { x: west.x - 30, y: west.y + 0.5 };
      const end = { x: east.x + 30, y: east.y + 0.5 };
      if (!(await onMap(start)) || !(await onMap(end))) continue;
      await page.click('[data-tool="split"]');
      await page.mouse.click(start.x, start.y);
      await page.mouse.move((start.x + end.x) / 2, start.y, { steps: 4 });
      await page.mouse.dblclick(end.x, end.y);
      await page.waitForTimeout(400);
      if ((await pending()).length === 2) {
        chosen = grid;
        break;
      }
      await expect(page.locator('#status').textContent()).resolves.toContain('拆分');
    }
    expect(chosen).not.toBeNull();
    const code = chosen!.properties.code;
    const codes = await pending();
    expect(codes).toContain(code);
    expect(codes.some((c) => c.startsWith('new'))).toBe(true);
    await page.waitForSelector('[data-role="check-status"]');
    await shot('40-split-drawn');

    // Undo and redo go through the split as one edit.
    await page.click('[data-tool="undo"]');
    await page.waitForSelector('[data-role="check-status"].check-clean');
    await page.click('[data-tool="redo"]');
    await page.waitForFunction(() => window.gridgov.editor.pending().length === 2);

    await page.fill('input[name="reason"]', '拆分网格');
    await page.click('[data-action="save"]');
    await page.waitForSelector('[data-role="check-status"].check-clean', { timeout: 20_000 });
    await expect(page.locator('#status').textContent()).resolves.toMatch(/已保存/);
    await page.waitForTimeout(300);
    await shot('40-split-saved');

    const after = await grids();
    expect(after).toHaveLength(before.length + 1);
    const original = after.find((g) => g.properties.code === code)!;
    expect(original.properties.version).toBe(2);
    const oldCodes = new Set(before.map((g) => g.properties.code));
    const created = after.filter((g) => !oldCodes.has(g.properties.code));
    expect(created).toHaveLength(1);
    expect(created[0].properties.regionCode).toBe(chosen!.properties.regionCode);
    expect(created[0].properties.name).toBe(`${chosen!.properties.name}（拆分）`);
    expect(created[0].properties.kind).toBe(chosen!.properties.kind);
    expect(areaOf(original)).toBeLessThan(areaOf(chosen!));
    expect(areaOf(original)).toBeGreaterThanOrEqual(areaOf(created[0]));
    expect(Math.abs(areaOf(original) + areaOf(created[0]) - areaOf(chosen!)) / areaOf(chosen!)).toBeLessThan(0.005);
    const coverage = await api<{ overlaps: { features: unknown[] } }>(`/api/regions/${chosen!.properties.regionCode}/coverage`);
    expect(coverage.overlaps.features).toHaveLength(0);
    expect(consoleErrors).toEqual([]);
  });

  it('merges two adjacent grids of a village; the first gets the union, the second is retired (410)', async () => {
    const all = await grids();
    const done = await touched();
    const fresh = all.filter((g) => !done.has(g.properties.code) && /^\d{15}$/.test(g.properties.code) && g.properties.version === 1);
    // Adjacent as the editor judges it: their union is one polygon (two grids touching at corners only are not).
    const adjacent = (a: GridJson, b: GridJson) => {
      const merged = union(featureCollection([feature(a.geometry), feature(b.geometry)]));
      return merged !== null && (merged.geometry.type === 'Polygon' || merged.geometry.coordinates.length === 1);
    };
    const pairs: [GridJson, GridJson][] = [];
    for (const a of fresh) {
      for (const b of fresh) {
        if (a !== b && a.properties.regionCode === b.properties.regionCode && adjacent(a, b)) pairs.push([a, b]);
      }
    }
    expect(pairs.length).toBeGreaterThan(0);
    let merged: [GridJson, GridJson] | null = null;
    for (const [a, b] of pairs) {
      await openGrid(a.properties.code);
      const inside = await pixelOf(interiorPoint(b.geometry));
      if (!(await onMap(inside))) continue;
      // A grid that shares no border is refused, with a message.
      const apart = fresh.find((c) => c !== a && c.properties.regionCode === a.properties.regionCode && !adjacent(a, c));
      await page.click('[data-tool="merge"]');
      if (apart) {
        const there = await pixelOf(interiorPoint(apart.geometry));
        if (await onMap(there)) {
          await page.mouse.click(there.x, there.y);
          await page.waitForFunction(() => document.getElementById('status')!.textContent!.includes('不相邻'));
          expect(await pending()).toEqual([]);
        }
      }
      await page.mouse.click(inside.x, inside.y);
      await page.waitForFunction(() => window.gridgov.editor.pending().length === 2);
      merged = [a, b];
      break;
    }
    expect(merged).not.toBeNull();
    const [a, b] = merged!;
    expect(await pending()).toEqual([a.properties.code, b.properties.code].sort());
    await page.waitForTimeout(300);
    await shot('40-merge-pending');

    await page.click('[data-action="save"]');
    await page.waitForSelector('[data-role="check-status"].check-clean', { timeout: 20_000 });
    await expect(page.locator('#status').textContent()).resolves.toMatch(/已保存/);
    await page.waitForTimeout(300);
    await shot('40-merge-saved');

    const after = await grids();
    const kept = after.find((g) => g.properties.code === a.properties.code)!;
    expect(kept.properties.version).toBe(a.properties.version + 1);
    expect(Math.abs(areaOf(kept) - (areaOf(a) + areaOf(b))) / (areaOf(a) + areaOf(b))).toBeLessThan(0.005);
    expect(after.some((g) => g.properties.code === b.properties.code)).toBe(false);
    expect((await service.fetch(`/api/grids/${b.properties.code}`)).status).toBe(410);
    expect(await page.evaluate((code) => window.gridgov.grids.feature(code), b.properties.code)).toBeNull();
    expect(consoleErrors).toEqual([]);
  });

  it('shows a gap warning when a drag opens a gap between neighbours (not blocking save)', async () => {
    const all = await grids();
    const done = await touched();
    const villageVertices = new Set<string>();
    for (const code of new Set(all.map((g) => g.properties.regionCode))) {
      const village = await api<GridJson>(`/api/regions/${code}`);
      for (const ring of ringsOf(village.geometry)) for (const p of ring) villageVertices.add(key(p));
    }
    const owners = new Map<string, Set<string>>();
    for (const g of all) for (const ring of ringsOf(g.geometry)) for (const p of ring) owners.set(key(p), (owners.get(key(p)) ?? new Set()).add(g.properties.code));
    const candidates = [];
    for (const g of all.filter((g) => !done.has(g.properties.code))) {
      const outer = ringsOf(g.geometry)[0];
      const points = outer.slice(0, -1);
      const centroid: Position = [points.reduce((s, p) => s + p[0], 0) / points.length, points.reduce((s, p) => s + p[1], 0) / points.length];
      for (const p of points) if (owners.get(key(p))!.size >= 2 && !villageVertices.has(key(p))) candidates.push({ code: g.properties.code, vertex: p, centroid });
    }
    let opened = false;
    for (const c of candidates) {
      await openGrid(c.code);
      const from = await pixelOf(c.vertex);
      const centre = await pixelOf(c.centroid);
      const length = Math.hypot(centre.x - from.x, centre.y - from.y);
      const to = { x: from.x + ((centre.x - from.x) / length) * 30, y: from.y + ((centre.y - from.y) / length) * 30 };
      if (!(await onMap(from)) || !(await onMap(to))) continue;
      // Dragged inwards, the point must lie in the grid (a thin or bent grid's centroid may lie
      // outside it, and a drag across a strip would make an overlap, not a gap).
      if (!(await insideGrid(page, c.code, to))) continue;
      await page.click('[data-tool="edit"]');
      await setToggle('shared', false);
      await drag(from, to);
      opened = true;
      break;
    }
    expect(opened).toBe(true);
    await page.waitForSelector('[data-problem="gap"]');
    await expect(page.locator('[data-problem="gap"]').first().textContent()).resolves.toContain('空隙');
    // A warning: the save button is not marked as failing the checks.
    expect(await page.locator('[data-action="save"].warn').count()).toBe(0);
    expect(await page.evaluate(() => (window.gridgov as unknown as { checks: { source: { getFeatures(): { get(k: string): string }[] } } }).checks.source.getFeatures().some((f) => f.get('kind') === 'gap'))).toBe(true);
    await shot('40-gap-warning');
    await page.click('[data-action="discard"]');
    await page.click('[data-dialog-button="discard"]');
    await page.waitForSelector('[data-role="check-status"].check-clean');
    await setToggle('shared', true);
    expect(consoleErrors).toEqual([]);
  });
});
