/**
 * Roads & rivers in a real browser (Debian's Chromium through playwright-core) against a real
 * service with the demo data (whose villages have stored roads and a river): the lines are drawn
 * (roads grey, water blue), and a grid vertex dragged to just short of a road snaps onto it — the
 * saved geometry on the server has the vertex on the road. Skipped, saying so, where
 * /usr/bin/chromium (or $GRIDGOV_CHROMIUM) is absent.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, SHOTS, applyDivision, chooseDivision, countPixels, haveChromium, key, pixelAt, ringsOf, startWithPage, stopWithPage, type GridJson, type Position, type Service } from './support.js';

if (!haveChromium) {
  console.warn(`[e2e] SKIPPED: ${CHROMIUM} is absent — install Debian's chromium (apt-get install chromium) to run the browser tests`);
}

const title = haveChromium ? 'roads and rivers in Chromium' : `roads and rivers in Chromium — SKIPPED: ${CHROMIUM} not found (apt-get install chromium)`;
// The service's bootstrap admin key, known here: the page signs in with it (#key=…) and the
// test's own requests carry it.
const KEY = (process.env.GRIDGOV_ADMIN_KEY ||= 'e2e-lines-admin-key-7f3a9c1d5e2b8046');
const ROAD: [number, number, number] = [134, 142, 150]; // LINE_COLOURS.road
const WATER: [number, number, number] = [28, 126, 214]; // LINE_COLOURS.water

interface LineJson {
  geometry: { type: string; coordinates: unknown };
  properties: { kind: string; name: string | null };
}

/** Local metres around a point: enough for distances of a few hundred metres. */
function metres(origin: Position) {
  const kx = 111_320 * Math.cos((origin[1] * Math.PI) / 180);
  const ky = 110_574;
  return (p: Position): [number, number] => [(p[0] - origin[0]) * kx, (p[1] - origin[1]) * ky];
}

/** The closest point of segment a–b to p (all in metres), and its distance. */
function closestOnSegment(p: [number, number], a: [number, number], b: [number, number]): { point: [number, number]; distance: number } {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  const t = Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy || 1)));
  const point: [number, number] = [a[0] + t * dx, a[1] + t * dy];
  return { point, distance: Math.hypot(p[0] - point[0], p[1] - point[1]) };
}

/** Segments of a set of lines or rings. */
const segmentsOf = (lines: Position[][]): [Position, Position][] => lines.flatMap((line) => line.slice(1).map((p, i) => [line[i], p] as [Position, Position]));

function distanceTo(p: Position, segments: [Position, Position][], toM: (p: Position) => [number, number]) {
  let best = { point: [0, 0] as [number, number], distance: Infinity };
  for (const [a, b] of segments) {
    const c = closestOnSegment(toM(p), toM(a), toM(b));
    if (c.distance < best.distance) best = c;
  }
  return best;
}

describe.skipIf(!haveChromium)(title, () => {
  let service: Service;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  const api = async <T>(pathname: string): Promise<T> => (await fetch(`${service.url}${pathname}`, { headers: { Authorization: `Bearer ${KEY}` } })).json() as Promise<T>;
  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  const linesShown = () => page.evaluate(() => (window.gridgov as unknown as { lines: { source: { getFeatures(): unknown[] } } }).lines.source.getFeatures().length);
  /** The legend's roads & rivers switch, as a planner uses it. */
  const setLinesVisible = (visible: boolean) => page.locator('[data-toggle="lines"]').setChecked(visible);

  beforeAll(async () => {
    ({ service, browser, page } = await startWithPage(consoleErrors));
  });
  afterAll(() => stopWithPage(service, browser));

  it('draws the demo roads grey and the river and pond blue', async () => {
    await page.goto(`${service.url}/#key=${KEY}`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    await page.waitForFunction(() => (window.gridgov as unknown as { lines: { source: { getFeatures(): unknown[] } } }).lines.source.getFeatures().length > 0, null, { timeout: 15_000 });
    await page.waitForTimeout(1000); // every village in view answers
    expect(await linesShown()).toBeGreaterThan(15);
    await page.waitForTimeout(400);
    const shown = await page.locator('#map').screenshot();
    await setLinesVisible(false);
    await page.waitForTimeout(300);
    const hidden = await page.locator('#map').screenshot();
    expect(await page.evaluate(() => localStorage.getItem('gridgov.lines'))).toBe('hidden'); // remembered
    await setLinesVisible(true);
    const grey = (await countPixels(shown, ROAD, 12)).matching - (await countPixels(hidden, ROAD, 12)).matching;
    expect(grey).toBeGreaterThan(1500);
    await shot('40-lines-zh');

    // The demo's water (whatever its build holds: a pond, a river), looked at closely: blue.
    const villages = [...new Set((await api<{ features: GridJson[] }>('/api/grids')).features.map((g) => g.properties.regionCode))];
    const water: Position[] = [];
    for (const village of villages) {
      for (const line of (await api<{ features: LineJson[] }>(`/api/regions/${village}/lines`)).features) {
        if (line.properties.kind !== 'water' && line.properties.kind !== 'river') continue;
        water.push(...(JSON.stringify(line.geometry.coordinates).match(/-?\d+\.?\d*,-?\d+\.?\d*/g) ?? []).map((pair) => pair.split(',').map(Number) as Position));
      }
    }
    expect(water.length, 'the demo holds water').toBeGreaterThan(0);
    await page.evaluate((points) => {
      const app = window.gridgov as unknown as { map: { getView(): { fit(extent: number[], options: object): void } }; crs: { toMap(p: number[]): number[] } };
      const xy = points.map((p) => app.crs.toMap(p));
      const xs = xy.map((p) => p[0]);
      const ys = xy.map((p) => p[1]);
      app.map.getView().fit([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], { padding: [80, 80, 80, 80], maxZoom: 18 });
    }, water);
    await page.waitForTimeout(1000);
    const waterShown = await page.locator('#map').screenshot();
    await setLinesVisible(false);
    await page.waitForTimeout(300);
    const waterHidden = await page.locator('#map').screenshot();
    await setLinesVisible(true);
    const blue = (await countPixels(waterShown, WATER, 16)).matching - (await countPixels(waterHidden, WATER, 16)).matching;
    expect(blue).toBeGreaterThan(300);
  });

  it('snaps a dragged vertex onto a road near it; the server has it on the road', async () => {
    const grids = (await api<{ features: GridJson[] }>('/api/grids')).features;
    const owners = new Map<string, string[]>();
    for (const g of grids) for (const ring of ringsOf(g.geometry)) for (const p of ring.slice(0, -1)) owners.set(key(p), [...(owners.get(key(p)) ?? []), g.properties.code]);

    // A vertex inside a village, shared by its grids, 10–25 m from a road, where the road point
    // is clear of every other grid edge and of the village boundary (those snaps would win).
    let chosen: { code: string; vertex: Position; road: Position; roadSegments: [Position, Position][] } | null = null;
    for (const village of [...new Set(grids.map((g) => g.properties.regionCode))].sort()) {
      const boundary = ringsOf((await api<GridJson>(`/api/regions/${village}`)).geometry);
      const boundarySegments = segmentsOf(boundary);
      const lines = (await api<{ features: LineJson[] }>(`/api/regions/${village}/lines`)).features.filter((l) => l.properties.kind === 'road');
      const roadSegments = segmentsOf(lines.flatMap((l) => (l.geometry.type === 'LineString' ? [l.geometry.coordinates as Position[]] : (l.geometry.coordinates as Position[][]))));
      const own = grids.filter((g) => g.properties.regionCode === village);
      for (const grid of own) {
        for (const vertex of ringsOf(grid.geometry)[0].slice(0, -1)) {
          const sharers = owners.get(key(vertex)) ?? [];
          if (sharers.length < 2) continue;
          const toM = metres(vertex);
          if (distanceTo(vertex, boundarySegments, toM).distance < 20) continue;
          const near = distanceTo(vertex, roadSegments, toM);
          if (near.distance < 10 || near.distance > 25) continue;
          const road: Position = [vertex[0] + near.point[0] / (111_320 * Math.cos((vertex[1] * Math.PI) / 180)), vertex[1] + near.point[1] / 110_574];
          // Other grids' edges: those not ending at the moving vertex.
          const edges = own.flatMap((g) => segmentsOf(ringsOf(g.geometry)));
          const others = edges.filter(([a, b]) => key(a) !== key(vertex) && key(b) !== key(vertex));
          if (distanceTo(road, others, toM).distance < 12 || distanceTo(road, boundarySegments, toM).distance < 12) continue;
          // And the moving vertex's own edges as they were: the snap still knows them during the
          // drag, and a grid edge within its 8 px (3.2 m here) wins over a road.
          const adjacent = edges.filter(([a, b]) => key(a) === key(vertex) || key(b) === key(vertex));
          if (distanceTo(road, adjacent, toM).distance < 6) continue;
          chosen = { code: grid.properties.code, vertex, road, roadSegments };
          break;
        }
        if (chosen) break;
      }
      if (chosen) break;
    }
    expect(chosen, 'a grid vertex near a demo road').not.toBeNull();
    const { code, vertex, road, roadSegments } = chosen!;

    // Open the grid, then look closely (0.4 m a pixel) at the vertex.
    await page.evaluate((c) => (window.gridgov as unknown as { gotoGrid(code: string, fromSearch: boolean): Promise<boolean> }).gotoGrid(c, true), code);
    await page.waitForFunction((c) => window.gridgov.selected === c, code);
    await page.waitForTimeout(500);
    await page.evaluate(
      ({ lonLat }) => {
        const view = (window.gridgov.map as unknown as { getView(): { setCenter(c: number[]): void; setResolution(r: number): void } }).getView();
        view.setCenter(window.gridgov.crs.toMap(lonLat));
        view.setResolution(0.4);
      },
      { lonLat: [(vertex[0] + road[0]) / 2, (vertex[1] + road[1]) / 2] },
    );
    await page.waitForTimeout(600);
    await page.click('[data-tool="edit"]');

    // Drag the vertex to 6 px short of the road: the snap (8 px) puts it on the road.
    const from = await pixelAt(page, vertex);
    const onRoad = await pixelAt(page, road);
    const length = Math.hypot(from.x - onRoad.x, from.y - onRoad.y);
    const to = { x: onRoad.x + ((from.x - onRoad.x) / length) * 6, y: onRoad.y + ((from.y - onRoad.y) / length) * 6 };
    await page.mouse.move(from.x - 3, from.y - 3);
    await page.mouse.move(from.x, from.y, { steps: 3 });
    await page.mouse.down();
    await page.mouse.move(to.x, to.y, { steps: 12 });
    await page.mouse.up();
    await page.waitForSelector('.check-ok');
    await shot('41-vertex-snapped-to-road-zh');
    const pending = await page.evaluate(() => window.gridgov.editor.pending().map((p) => p.code));
    expect(pending).toContain(code);
    await page.click('[data-action="save"]');
    await page.waitForSelector('[data-role="check-status"].check-clean', { timeout: 20_000 });

    // On the server: the old vertex is gone and a new one lies on the road (within 5 cm, the
    // client's 7 decimals), not where the pointer let go (2.4 m short of it).
    const saved = await api<GridJson>(`/api/grids/${code}`);
    const vertices = ringsOf(saved.geometry).flat();
    expect(vertices.some((p) => key(p) === key(vertex))).toBe(false);
    const toM = metres(road);
    const moved = vertices.reduce((best, p) => (Math.hypot(...toM(p)) < Math.hypot(...toM(best)) ? p : best));
    expect(Math.hypot(...toM(moved))).toBeLessThan(5);
    expect(distanceTo(moved, roadSegments, toM).distance).toBeLessThan(0.05);
    expect(consoleErrors).toEqual([]);
  });

  it('divides along the roads and river, keeping the school grid, with the checkbox on by default', async () => {
    const VILLAGE = '420111080101'; // 民族大道西示范社区: has the demo's school grid (武汉工程大学) and the pond
    const before = (await api<{ features: GridJson[] }>(`/api/grids?region=${VILLAGE}`)).features;
    const school = before.find((g) => g.properties.kind === 'special')!;
    expect(school).toBeDefined();
    await page.click('[data-tool="select"]');
    await page.click('[data-view="divide"]');
    await page.waitForSelector('body[data-app-view="divide"]');
    await expect(page.locator('[data-control="division-follow-lines"]').isChecked()).resolves.toBe(true);
    // The village chosen in the tree: the map shows it, and it becomes the one to divide.
    await chooseDivision(page, VILLAGE, { min: 120, max: 200 });
    await page.click('[data-action="division-run"]');
    await page.waitForSelector('[data-role="division-progress"][data-status="done"]', { timeout: 60_000 });
    const inputs = page.locator('[data-role="division-inputs"]');
    expect(Number(await inputs.getAttribute('data-lines'))).toBeGreaterThan(0);
    await expect(inputs.textContent()).resolves.toContain('已沿本村/社区存储的');
    await expect(page.locator('[data-role="division-kept"]').textContent()).resolves.toContain(school.properties.code);
    const kept = await page.evaluate(() =>
      window.gridgov.division!.proposal.source.getFeatures().map((f) => (f.get('proposal') as { code?: string }).code).filter(Boolean),
    );
    expect(kept).toEqual([school.properties.code]);
    await page.waitForTimeout(400);
    await shot('42-division-along-lines-zh');

    await applyDivision(page);
    const after = (await api<{ features: GridJson[] }>(`/api/grids?region=${VILLAGE}`)).features;
    const still = after.find((g) => g.properties.code === school.properties.code);
    expect(still?.properties.version).toBe(school.properties.version);
    expect(after.filter((g) => before.some((b) => b.properties.code === g.properties.code)).map((g) => g.properties.code)).toEqual([school.properties.code]);

    // Off: the division is told to use no lines, and says so.
    await page.click('[data-control="division-follow-lines"]');
    await page.click('[data-action="division-run"]');
    await page.waitForSelector('[data-role="division-progress"][data-status="done"]', { timeout: 60_000 });
    await expect(page.locator('[data-role="division-inputs"]').textContent()).resolves.toContain('未沿道路、河流划分');
    await page.click('[data-action="division-discard"]');
    expect(consoleErrors).toEqual([]);
  });
});
