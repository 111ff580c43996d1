/**
 * End-to-end support: a real service (`node --import tsx server/main.ts`, as `npm start` runs it,
 * which also builds the web client when needed) on a fresh embedded data folder or a fresh server
 * database, and Debian's Chromium driven by playwright-core.
 */
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { booleanPointInPolygon, lineString, pointToLineDistance, polygon } from '@turf/turf';
import { expect } from 'vitest';
import type { Browser, Page, Route } from 'playwright-core';
import { createServerDatabase, serverUrl } from '../support/store.js';

/** Debian's chromium package (CI: apt-get install chromium); GRIDGOV_CHROMIUM names another binary. */
export const CHROMIUM = process.env.GRIDGOV_CHROMIUM || '/usr/bin/chromium';
export const haveChromium = fs.existsSync(CHROMIUM);
export const CHROMIUM_ARGS = ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-dev-shm-usage'];
export const SHOTS = path.join(process.cwd(), 'test-output', 'e2e');

export interface Service {
  url: string;
  /** The service's admin key (GRIDGOV_ADMIN_KEY, made up for this start). */
  key: string;
  /** fetch() of a path of the service, signed with `key`. */
  fetch: (pathname: string, init?: RequestInit) => Promise<Response>;
  output: () => string;
  stop: () => Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * How long a start may take (building the client, a fresh database, loading the demo area with its
 * 90 days of incidents): 200 s, or GRIDGOV_E2E_START_MS on a machine shared with other heavy work.
 * A test file that waits longer gives its beforeAll the same time (E2E_HOOK_MS).
 */
export const START_MS = Number(process.env.GRIDGOV_E2E_START_MS) || 200_000;
export const E2E_HOOK_MS = START_MS + 60_000;

/** Starts the service with the demo data on a database of its own; `stop` also removes the database. `extraEnv` adds settings (e.g. GRIDGOV_DEMO_FEED=0 where a test counts incidents, GRIDGOV_INCIDENT_RULES). */
export async function startService(extraEnv: Record<string, string> = {}): Promise<Service> {
  const cleanups: (() => Promise<void>)[] = [];
  const env: Record<string, string> = { ...extraEnv };
  if (serverUrl) {
    const database = await createServerDatabase();
    cleanups.push(database.drop);
    env.DATABASE_URL = database.url;
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-e2e-'));
    cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    env.GRIDGOV_DATA = path.join(dir, 'db');
  }
  const port = await freePort();
  const key = process.env.GRIDGOV_ADMIN_KEY || `e2e-${randomBytes(24).toString('hex')}`;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, DATABASE_URL: '', PORT: String(port), GRIDGOV_DEMO: '1', GRIDGOV_ADMIN_KEY: key, ...extraEnv, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    for (const cleanup of cleanups) await cleanup();
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "listening" within ${START_MS / 1000} s:\n${output}`)), START_MS);
      const poll = setInterval(() => {
        if (output.includes('listening on')) {
          clearInterval(poll);
          clearTimeout(timer);
          resolve();
        } else if (child.exitCode !== null) {
          clearInterval(poll);
          clearTimeout(timer);
          reject(new Error(`exited with ${child.exitCode}:\n${output}`));
        }
      }, 50);
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const url = `http://127.0.0.1:${port}`;
  const signedFetch = (pathname: string, init: RequestInit = {}) => fetch(`${url}${pathname}`, { ...init, headers: { Authorization: `Bearer ${key}`, ...(init.headers as Record<string, string> | undefined) } });
  return { url, key, fetch: signedFetch, output: () => output, stop };
}

/** Pixels of a PNG whose colour is within `tolerance` of `rgb` (each channel). */
export async function countPixels(png: Buffer, rgb: [number, number, number], tolerance: number): Promise<{ matching: number; total: number }> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let matching = 0;
  for (let i = 0; i < data.length; i += info.channels) {
    if (Math.abs(data[i] - rgb[0]) <= tolerance && Math.abs(data[i + 1] - rgb[1]) <= tolerance && Math.abs(data[i + 2] - rgb[2]) <= tolerance) matching++;
  }
  return { matching, total: info.width * info.height };
}

/** `fill` at `alpha` over `background`, as the canvas composes it. */
export function blend(fill: [number, number, number], alpha: number, background: [number, number, number]): [number, number, number] {
  return [0, 1, 2].map((i) => Math.round(fill[i] * alpha + background[i] * (1 - alpha))) as [number, number, number];
}

export type Position = [number, number];
export interface GridJson {
  type: 'Feature';
  geometry: { type: 'Polygon'; coordinates: Position[][] } | { type: 'MultiPolygon'; coordinates: Position[][][] };
  properties: { code: string; regionCode: string; name: string; version: number; kind: string };
}

export function ringsOf(geometry: GridJson['geometry']): Position[][] {
  return geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat();
}

export const key = (p: Position) => `${p[0]},${p[1]}`;

/** Metres from a point to the nearest of a polygon's rings. */
export function clearanceOf(point: Position, rings: Position[][]): number {
  return Math.min(...rings.map((ring) => pointToLineDistance(point, lineString(ring), { units: 'meters' })));
}

/**
 * A point well inside a grid, where a click lands on it and not on its border: of a 24 × 24
 * lattice over the largest part's extent, the point inside farthest from the part's rings (a
 * coarse pole of inaccessibility). turf's pointOnFeature may answer a vertex of a multipolygon.
 */
export function interiorPoint(geometry: GridJson['geometry']): Position {
  const parts = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const sizeOf = (rings: Position[][]) => { const xs = rings[0].map((p) => p[0]); const ys = rings[0].map((p) => p[1]); return (Math.max(...xs) - Math.min(...xs)) * (Math.max(...ys) - Math.min(...ys)); };
  const rings = parts.reduce((best, part) => (sizeOf(part) > sizeOf(best) ? part : best));
  const xs = rings[0].map((p) => p[0]);
  const ys = rings[0].map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const shape = polygon(rings);
  let best: { point: Position; clearance: number } | null = null;
  for (let i = 0.5; i < 24; i++) {
    for (let j = 0.5; j < 24; j++) {
      const point: Position = [x0 + ((x1 - x0) * i) / 24, y0 + ((y1 - y0) * j) / 24];
      if (!booleanPointInPolygon(point, shape)) continue;
      const clearance = clearanceOf(point, rings);
      if (!best || clearance > best.clearance) best = { point, clearance };
    }
  }
  if (!best) throw new Error('a grid too thin to find a point inside it');
  return best.point;
}

/** What the tests use of the page's `window.gridgov` (the client's App; typed loosely here, the client has its own tsconfig). */
export interface PageApp {
  map: {
    getPixelFromCoordinate(coordinate: number[]): number[];
    getCoordinateFromPixel(pixel: number[]): number[];
    getView(): { calculateExtent(size?: number[]): number[]; fit(extent: number[], options?: { padding?: number[] }): void };
    getSize(): number[] | undefined;
  };
  crs: { crs: string; toMap(lonLat: number[]): number[]; toLonLat(xy: number[]): number[] };
  grids: { all(): { getGeometry(): { getExtent(): number[] } | undefined }[]; feature(code: string): { get(key: string): { version: number } } | null };
  editor: { pending(): { code: string }[] };
  /** The check panel (planner.test.ts renders it between a press and a release). */
  checkPanel: { render(): void };
  store: { state: { problems: unknown[] }; set(patch: { problems: unknown[] }): void };
  history: { set(iso: string | null): void };
  selected: string | null;
  asOf: string | null;
  /** Auto-division (division.test.ts). */
  division?: {
    job: { id: string; status: string } | null;
    proposal: { source: { getFeatures(): { get(key: string): { number: string; households: number } }[]; getExtent(): number[] } };
    /** Shows a job started through the API. */
    open(id: string): Promise<void>;
  };
  /** The command centre (command.test.ts). */
  view?: string;
  command?: {
    active: boolean;
    source: unknown;
    live: boolean;
    received: number;
    layers: {
      heatSource: { getFeatures(): unknown[] };
      incidentSource: { getFeatures(): { get(key: string): { id: number; light: string } }[]; getFeatureById(id: number): unknown };
      cameraSource: { getFeatures(): unknown[] };
      blindSource: { getFeatures(): unknown[] };
      coverageSource: { getFeatures(): unknown[] };
      heatmap: { setVisible(visible: boolean): void };
    };
  };
}

declare global {
  interface Window {
    gridgov: PageApp;
  }
}

/**
 * Debian's Chromium with one page as the tests use it: 1440×900, zh-CN, every console error
 * and page error pushed to `consoleErrors`, and every request that leaves `service` refused —
 * unless `external` answers it (a test that serves base-map tiles locally).
 */
export async function openPage(
  service: Service,
  consoleErrors: string[],
  options: { extraArgs?: string[]; external?: (route: Route) => Promise<void>; signedIn?: boolean; key?: string; viewport?: { width: number; height: number }; lang?: 'zh-CN' | 'en' } = {},
): Promise<{ browser: Browser; page: Page }> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...(options.extraArgs ?? [])] });
  const page = await browser.newPage({ viewport: options.viewport ?? { width: 1440, height: 900 }, locale: options.lang === 'en' ? 'en-US' : 'zh-CN' });
  if (options.lang) await page.addInitScript((lang) => localStorage.setItem('gridgov.lang', lang), options.lang);
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
  await page.route((url) => url.origin !== service.url, options.external ?? ((route) => route.abort()));
  // Signed in as the client keeps a key (session storage), unless the test signs in itself.
  if (options.signedIn !== false) await page.addInitScript((key) => sessionStorage.setItem('gridgov.key', key), options.key ?? service.key);
  return { browser, page };
}

/** The page pixel of a WGS84 point on the app's map. */
export async function pixelAt(page: Page, p: Position): Promise<{ x: number; y: number }> {
  const box = (await page.locator('#map').boundingBox())!;
  const [x, y] = await page.evaluate((lonLat) => window.gridgov.map.getPixelFromCoordinate(window.gridgov.crs.toMap(lonLat)), p);
  return { x: box.x + x, y: box.y + y };
}

/** The WGS84 point under a page pixel of the app's map (the inverse of pixelAt). */
export async function lonLatAt(page: Page, p: { x: number; y: number }): Promise<Position> {
  const box = (await page.locator('#map').boundingBox())!;
  const [lon, lat] = await page.evaluate(([x, y]) => window.gridgov.crs.toLonLat(window.gridgov.map.getCoordinateFromPixel([x, y])), [p.x - box.x, p.y - box.y] as const);
  return [lon, lat];
}

/** Whether the map itself (not a panel over it) is at a page pixel. */
export function mapAt(page: Page, p: { x: number; y: number }): Promise<boolean> {
  return page.evaluate(({ x, y }) => {
    const hit = document.elementFromPoint(x, y);
    return hit !== null && hit.tagName === 'CANVAS' && document.getElementById('map')!.contains(hit);
  }, p);
}

/**
 * A test file's service and signed-in page, with the screenshot folder made. Should the browser
 * fail to start, the service is stopped here: the caller never got it to stop.
 */
export async function startWithPage(consoleErrors: string[]): Promise<{ service: Service; browser: Browser; page: Page }> {
  fs.mkdirSync(SHOTS, { recursive: true });
  const service = await startService();
  try {
    return { service, ...(await openPage(service, consoleErrors)) };
  } catch (error) {
    await service.stop();
    throw error;
  }
}

/** Closes what startWithPage started (either may be missing when it failed). */
export async function stopWithPage(service: Service | undefined, browser: Browser | undefined): Promise<void> {
  await browser?.close();
  await service?.stop();
}

/**
 * In the division view: chooses `village` in the tree (the division panel follows the tree's
 * choice) and sets the household range, ready for "run".
 */
export async function chooseDivision(page: Page, village: string, households: { min: number; max: number }): Promise<void> {
  await page.evaluate((code) => (window.gridgov as unknown as { gotoRegion(code: string, fromSearch: boolean): Promise<boolean> }).gotoRegion(code, true), village);
  await expect(page.locator('[data-control="division-village"]').inputValue()).resolves.toBe(village);
  // Tab out of each field: the panel reads a value when its field loses focus.
  await page.fill('[data-control="division-min"]', String(households.min));
  await page.press('[data-control="division-min"]', 'Tab');
  await page.fill('[data-control="division-max"]', String(households.max));
  await page.press('[data-control="division-max"]', 'Tab');
}

/** Applies the drawn proposal through its confirm dialog and waits until the client has let the job go. */
export async function applyDivision(page: Page): Promise<void> {
  await page.click('[data-action="division-apply"]');
  await page.click('[data-dialog-button="apply"]');
  await page.waitForFunction(() => window.gridgov.division!.job === null, null, { timeout: 30_000 });
}

/** Finds a grid through the search box (select tool) and waits until it is the selected one. */
export async function openGrid(page: Page, code: string): Promise<void> {
  await page.click('[data-tool="select"]');
  await page.fill('.search-input', code);
  await page.press('.search-input', 'Enter');
  await page.waitForFunction((c) => window.gridgov.selected === c, code);
  await page.waitForTimeout(400);
}

/** Centres the map on a WGS84 point at a zoom. */
export async function centreMap(page: Page, lonLat: Position, zoom: number): Promise<void> {
  await page.evaluate(
    ({ lonLat, zoom }) => {
      const view = (window.gridgov.map as unknown as { getView(): { setCenter(c: number[]): void; setZoom(z: number): void } }).getView();
      view.setCenter(window.gridgov.crs.toMap(lonLat));
      view.setZoom(zoom);
    },
    { lonLat, zoom },
  );
}

/** Whether a page pixel lies inside a grid as the client's map draws it. */
export function insideGrid(page: Page, code: string, p: { x: number; y: number }): Promise<boolean> {
  return page.evaluate(
    ([c, x, y]) => {
      const app = window.gridgov as unknown as { map: { getCoordinateFromPixel(p: number[]): number[] }; grids: { feature(c: string): { getGeometry(): { intersectsCoordinate(p: number[]): boolean } } | null } };
      const box = document.getElementById('map')!.getBoundingClientRect();
      return app.grids.feature(c)?.getGeometry().intersectsCoordinate(app.map.getCoordinateFromPixel([x - box.left, y - box.top])) ?? false;
    },
    [code, p.x, p.y] as const,
  );
}
