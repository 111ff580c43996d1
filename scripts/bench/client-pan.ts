/**
 * npm run bench:client [-- --grids 5000] — how smoothly the web client pans and zooms over many
 * grids, drawn from vector tiles (the client's default above its 2,000-grid threshold) against
 * all grids loaded as GeoJSON (the page-URL option `?tileThreshold=` set above the grid count).
 *
 * The real service is started (test/e2e/support.ts: `node --import tsx server/main.ts` on a fresh
 * embedded database, or a fresh database on DATABASE_URL's server; the demo's 24 grids included),
 * a synthetic town (synthetic.ts: grids of 50–200 vertices sharing edges, 800 a village) is
 * seeded through the API (POST /api/regions, POST /api/grids/import a village at a time), and
 * Debian's Chromium (playwright-core; GRIDGOV_CHROMIUM names another binary) opens the page once
 * a mode, each in a browser of its own (fresh localStorage, HTTP cache and JS heap), at the same
 * remembered view (zoom 13 over the west of the town). Measured:
 * - first full draw: ms from navigation start until the map's first `rendercomplete` after the app
 *   is ready (all grids or all visible tiles loaded and drawn), and the bytes transferred until
 *   then (request sizes, headers included; `page.on('response')`);
 * - two programmed ~5 s flights (through window.gridgov.map): pan east across the
 *   town, zoom out to 12, in to 15 (labels), pan, back to 13 — with every requestAnimationFrame
 *   interval recorded in the page (median and p95 frame time, frames/s, worst frame) and OpenLayers'
 *   own work per map frame (precompose → postcompose). Once with ol `view.animate`, once
 *   drag-like (the view set each frame under the interacting hint, as DragPan/PinchZoom do):
 *   the GeoJSON GridLayer has updateWhileInteracting but not updateWhileAnimating, so only the
 *   drag-like flight makes it draw the grids it pans over while moving.
 * The baseline is the tiles mode of the same run; the ratio column is GeoJSON ÷ tiles.
 *
 * Headless Chromium here runs with --disable-gpu: rasterising and compositing are in software on
 * the CPU (shared with the service), so the absolute figures are those of this machine.
 */
import { parseArgs } from 'node:util';
import type { Page, Response } from 'playwright-core';
import { CHROMIUM, haveChromium, openPage, startService, type Service } from '../../test/e2e/support.js';
import { syntheticTown } from './synthetic.js';

const { values } = parseArgs({
  options: {
    grids: { type: 'string', default: '5000' },
    /** Milliseconds of the flight (split over its five steps in fixed shares). */
    duration: { type: 'string', default: '5000' },
  },
});
const GRIDS = Number(values.grids);
const DURATION = Number(values.duration);
if (!Number.isInteger(GRIDS) || GRIDS < 2_100) throw new Error('--grids: a whole number ≥ 2,100 (above the client’s tile threshold)');
if (!Number.isFinite(DURATION) || DURATION < 1000) throw new Error('--duration: milliseconds ≥ 1000');
if (!haveChromium) throw new Error(`${CHROMIUM} not found (apt-get install chromium, or set GRIDGOV_CHROMIUM)`);

const log = (message: string) => process.stderr.write(`${message}\n`);
const START_ZOOM = 13;

type Mode = 'tiles' | 'geojson';
/**
 * animate: ol view.animate (the view's ANIMATING hint: a layer without updateWhileAnimating —
 * the GeoJSON GridLayer — replays what it drew before the flight and draws nothing new until it ends).
 * drag: the view set every frame under the INTERACTING hint, as DragPan and PinchZoom do
 * (GridLayer has updateWhileInteracting: it redraws for each frame).
 */
type FlightKind = 'animate' | 'drag';

interface Flight {
  /** requestAnimationFrame intervals, ms. */
  intervals: number[];
  /** OpenLayers' own work per map frame rendered (precompose → postcompose: layers prepared, drawn, decluttered, composed). */
  renders: number[];
  elapsed: number;
}
type LonLat = [number, number];

interface ModeResult {
  mode: Mode;
  /** ms from navigation start until body[data-ready]. */
  readyMs: number;
  /** ms from navigation start until the first rendercomplete after ready. */
  firstDrawMs: number;
  firstDrawBytes: number;
  firstDrawGridBytes: number;
  firstDrawRequests: number;
  /** Grids held as GeoJSON by the page, and whether it drew from tiles. */
  geojsonGrids: number;
  tiled: boolean;
  flights: Record<FlightKind, Flight>;
  /** Transferred during both flights. */
  flightBytes: number;
  flightRequests: number;
  failedResponses: number;
  consoleErrors: string[];
}

/** What this benchmark uses of the page's `window.gridgov` (ol's Map and View, loosely typed). */
interface BenchApp {
  map: {
    once(type: 'rendercomplete', listener: () => void): void;
    on(type: 'precompose' | 'postcompose', listener: () => void): void;
    un(type: 'precompose' | 'postcompose', listener: () => void): void;
    render(): void;
    getView(): {
      animate(...args: (Record<string, unknown> | ((complete: boolean) => void))[]): void;
      setCenter(center: number[]): void;
      setZoom(zoom: number): void;
      beginInteraction(): void;
      endInteraction(): void;
    };
  };
  crs: { toMap(lonLat: number[]): number[] };
  loader: { tiled: boolean };
  grids: { all(): unknown[] };
}

async function post(service: Service, pathname: string, body: unknown): Promise<void> {
  const response = await service.fetch(pathname, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (response.status !== 201) throw new Error(`POST ${pathname}: ${response.status} ${(await response.text()).slice(0, 300)}`);
}

const isGridData = (url: URL) => url.pathname.startsWith('/tiles/grids') || url.pathname.startsWith('/api/grids') || url.pathname.startsWith('/ogc/');

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * One flight over the town, ~DURATION ms: pan east across it at zoom 13, zoom out to 12, in to 15
 * (labels), pan south-west, back to 13 — every requestAnimationFrame interval and every map
 * frame's render work recorded in the page.
 */
function fly(page: Page, kind: FlightKind, start: LonLat, path: { east: LonLat; centre: LonLat; south: LonLat }): Promise<Flight> {
  return page.evaluate(
    ({ kind, start, path, duration, zoom }) =>
      new Promise<Flight>((resolve) => {
        const app = window.gridgov as unknown as BenchApp;
        const view = app.map.getView();
        // Key frames: [share of the duration at which it is reached, centre, zoom].
        const keys: [number, number[], number][] = [
          [0, app.crs.toMap(start), zoom],
          [0.34, app.crs.toMap(path.east), zoom],
          [0.48, app.crs.toMap(path.east), 12],
          [0.66, app.crs.toMap(path.east), 15],
          [0.84, app.crs.toMap(path.south), 15],
          [1, app.crs.toMap(path.centre), zoom],
        ];
        const intervals: number[] = [];
        const renders: number[] = [];
        let composing = 0;
        const precompose = () => (composing = performance.now());
        const postcompose = () => renders.push(performance.now() - composing);
        app.map.on('precompose', precompose);
        app.map.on('postcompose', postcompose);
        let last: number | null = null;
        let running = true;
        const started = performance.now();
        const finish = () => {
          running = false;
          app.map.un('precompose', precompose);
          app.map.un('postcompose', postcompose);
          resolve({ intervals, renders, elapsed: performance.now() - started });
        };
        const tick = (time: number) => {
          if (last !== null) intervals.push(time - last);
          last = time;
          if (kind === 'drag') {
            const t = Math.min(1, (performance.now() - started) / duration);
            const k = Math.max(1, keys.findIndex(([at]) => at >= t));
            const [a, from, fromZoom] = keys[k - 1];
            const [b, to, toZoom] = keys[k];
            const f = b > a ? (t - a) / (b - a) : 1;
            view.setCenter([from[0] + (to[0] - from[0]) * f, from[1] + (to[1] - from[1]) * f]);
            view.setZoom(fromZoom + (toZoom - fromZoom) * f);
            if (t >= 1) {
              view.endInteraction();
              finish();
            }
          }
          if (running) requestAnimationFrame(tick);
        };
        if (kind === 'drag') view.beginInteraction();
        requestAnimationFrame(tick);
        if (kind === 'animate') {
          view.animate(
            ...keys.slice(1).map(([at, center, z], i) => ({ center, zoom: z, duration: (at - keys[i][0]) * duration })),
            () => finish(),
          );
        }
      }),
    { kind, start, path, duration: DURATION, zoom: START_ZOOM },
  );
}

async function runMode(service: Service, mode: Mode, start: LonLat, path: { east: LonLat; centre: LonLat; south: LonLat }): Promise<ModeResult> {
  const consoleErrors: string[] = [];
  const { browser, page } = await openPage(service, consoleErrors);
  try {
    // tsx (esbuild, keepNames) wraps named functions in __name(), which the page lacks.
    await page.addInitScript({ content: 'globalThis.__name ??= (fn) => fn;' });
    // The same starting view in both modes (the client restores a remembered view), and no
    // threshold left over from another run: the tiles mode runs with the client's default.
    await page.addInitScript(
      ({ view, mode }) => {
        localStorage.setItem('gridgov.view', JSON.stringify(view));
        if (mode === 'tiles') localStorage.removeItem('gridgov.tileThreshold');
      },
      { view: { lon: start[0], lat: start[1], zoom: START_ZOOM }, mode },
    );
    const responses: { response: Response; phase: 'load' | 'between' | 'flight' }[] = [];
    let phase: 'load' | 'between' | 'flight' = 'load';
    page.on('response', (response) => responses.push({ response, phase }));

    const url = mode === 'geojson' ? `${service.url}/?tileThreshold=${GRIDS * 10}` : service.url;
    await page.goto(url);
    await page.waitForSelector('body[data-ready]', { timeout: 300_000 });
    const ready = await page.evaluate(() => document.body.dataset.ready);
    if (ready !== 'true') throw new Error(`${mode}: the page failed: ${await page.locator('#status').textContent()} ${consoleErrors.join('; ')}`);
    const readyMs = await page.evaluate(() => performance.now());
    const firstDrawMs = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const app = window.gridgov as unknown as BenchApp;
          app.map.once('rendercomplete', () => resolve(performance.now()));
          app.map.render(); // a render even if everything was drawn already, so that rendercomplete comes
        }),
    );
    phase = 'between';
    const state = await page.evaluate(() => {
      const app = window.gridgov as unknown as BenchApp;
      return { tiled: app.loader.tiled, geojsonGrids: app.grids.all().length };
    });
    if (state.tiled !== (mode === 'tiles')) throw new Error(`${mode}: the page ${state.tiled ? 'drew from tiles' : 'loaded GeoJSON'}`);
    await page.waitForTimeout(1000); // settle (GC, late layers such as reference lines)

    phase = 'flight';
    const animated = await fly(page, 'animate', start, path);
    // Back to the start, everything drawn, then the same path as a user's drag and pinch would go.
    phase = 'between';
    await page.evaluate(
      ({ start, zoom }) =>
        new Promise<void>((resolve) => {
          const app = window.gridgov as unknown as BenchApp;
          app.map.once('rendercomplete', () => resolve());
          app.map.getView().setCenter(app.crs.toMap(start));
          app.map.getView().setZoom(zoom);
          app.map.render();
        }),
      { start, zoom: START_ZOOM },
    );
    await page.waitForTimeout(500);
    phase = 'flight';
    const dragged = await fly(page, 'drag', start, path);

    // Sizes as transferred (encoded body + headers); a request still running counts what it has.
    const sized = await Promise.all(
      responses.map(async ({ response, phase }) => {
        const sizes = await response
          .request()
          .sizes()
          .catch(() => ({ responseBodySize: 0, responseHeadersSize: 0 }));
        return { url: new URL(response.url()), phase, status: response.status(), bytes: Math.max(0, sizes.responseBodySize) + Math.max(0, sizes.responseHeadersSize) };
      }),
    );
    const load = sized.filter((r) => r.phase === 'load');
    const during = sized.filter((r) => r.phase === 'flight');
    const sum = (rows: typeof sized) => rows.reduce((total, row) => total + row.bytes, 0);
    return {
      mode,
      readyMs,
      firstDrawMs,
      firstDrawBytes: sum(load),
      firstDrawGridBytes: sum(load.filter((r) => isGridData(r.url))),
      firstDrawRequests: load.length,
      geojsonGrids: state.geojsonGrids,
      tiled: state.tiled,
      flights: { animate: animated, drag: dragged },
      flightBytes: sum(during),
      flightRequests: during.length,
      failedResponses: sized.filter((r) => r.status >= 400 && r.url.origin === service.url).length,
      consoleErrors,
    };
  } finally {
    await browser.close();
  }
}

const started = performance.now();
const service = await startService();
let browserVersion = '';
try {
  log(`service on ${service.url} (${process.env.DATABASE_URL ? 'server PostgreSQL' : 'embedded PGlite'}) after ${((performance.now() - started) / 1000).toFixed(1)} s`);

  // Seed the town through the API: regions (parents first), then each village's grids.
  const town = syntheticTown({ grids: GRIDS });
  const seeding = performance.now();
  for (const region of town.regions) await post(service, '/api/regions', region);
  const byVillage = new Map<string, typeof town.grids>();
  for (const grid of town.grids) byVillage.set(grid.properties.regionCode, [...(byVillage.get(grid.properties.regionCode) ?? []), grid]);
  let seeded = 0;
  for (const features of byVillage.values()) {
    await post(service, '/api/grids/import', { type: 'FeatureCollection', features });
    seeded += features.length;
    log(`  seeded ${seeded}/${GRIDS} grids (${((performance.now() - seeding) / 1000).toFixed(1)} s)`);
  }
  log(`seeded ${GRIDS} grids (${town.vertices.toLocaleString('en')} vertices, ${byVillage.size} villages) in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);

  // The view: zoom 13 at a quarter of the town's width, panned to three quarters, and so on.
  const [west, south, east, north] = town.extent;
  const at = (x: number, y: number): LonLat => [west + (east - west) * x, south + (north - south) * y];
  const start = at(0.25, 0.5);
  const path = { east: at(0.75, 0.5), south: at(0.6, 0.35), centre: at(0.5, 0.5) };

  const results: ModeResult[] = [];
  for (const mode of ['tiles', 'geojson'] as const) {
    log(`${mode}: loading and flying…`);
    const result = await runMode(service, mode, start, path);
    const { animate, drag } = result.flights;
    log(`${mode}: first draw ${(result.firstDrawMs / 1000).toFixed(2)} s; frames: ${animate.intervals.length} animated, ${drag.intervals.length} drag-like`);
    results.push(result);
  }
  {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless=new', '--disable-gpu'] });
    browserVersion = browser.version();
    await browser.close();
  }

  const [tiles, geojson] = results;
  const kib = (bytes: number) => (bytes >= 10 * 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(0)} KiB`);
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const s = (value: number) => `${(value / 1000).toFixed(2)} s`;
  const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');
  const fps = (f: Flight) => (f.intervals.length / f.elapsed) * 1000;
  const slow = (f: Flight) => f.intervals.filter((v) => v > 50).length;
  const flightRows = (kind: FlightKind, title: string): [string, (r: ModeResult) => number, (v: number) => string][] => {
    const of = (get: (f: Flight) => number) => (r: ModeResult) => get(r.flights[kind]);
    return [
      [`*${title}*: **frame time, median**`, of((f) => percentile(f.intervals, 50)), ms],
      [`*${title}*: **frame time, p95**`, of((f) => percentile(f.intervals, 95)), ms],
      [`*${title}*: frame time, worst`, of((f) => Math.max(...f.intervals)), ms],
      [`*${title}*: **frames/s**`, of(fps), (v) => v.toFixed(1)],
      [`*${title}*: frames over 50 ms`, of(slow), (v) => String(v)],
      [`*${title}*: OpenLayers render work a map frame, median`, of((f) => percentile(f.renders, 50)), ms],
      [`*${title}*: OpenLayers render work a map frame, p95`, of((f) => percentile(f.renders, 95)), ms],
      [`*${title}*: wall time (planned ${(DURATION / 1000).toFixed(1)} s)`, of((f) => f.elapsed), s],
    ];
  };
  const rows: [string, (r: ModeResult) => number, (v: number) => string][] = [
    ['app ready (from navigation start)', (r) => r.readyMs, s],
    ['**first full draw** (from navigation start)', (r) => r.firstDrawMs, s],
    ['transferred until first draw, all', (r) => r.firstDrawBytes, kib],
    ['… of it grid data (tiles, /api/grids, /ogc)', (r) => r.firstDrawGridBytes, kib],
    ['requests until first draw', (r) => r.firstDrawRequests, (v) => String(v)],
    ...flightRows('animate', 'view.animate'),
    ...flightRows('drag', 'drag-like'),
    ['transferred during both flights', (r) => r.flightBytes, kib],
  ];

  console.log(
    `## Client pan/zoom benchmark: ${(GRIDS + 24).toLocaleString('en')} grids (${GRIDS.toLocaleString('en')} synthetic, 50–200 vertices, + the demo's 24), ` +
      `vector tiles vs all as GeoJSON\n`,
  );
  console.log(
    `Chromium ${browserVersion}, headless, --disable-gpu: **software rendering** (rasterising and compositing on the CPU, shared with the service), ` +
      `viewport 1440×900; service on ${process.env.DATABASE_URL ? 'server PostgreSQL' : 'embedded PGlite'}. ` +
      `Two flights, each ${(DURATION / 1000).toFixed(1)} s: zoom ${START_ZOOM} → pan east across the town → zoom 12 → 15 → pan → 13, ` +
      `once with ol view.animate (GeoJSON GridLayer has no updateWhileAnimating: it replays its last drawing and draws no newly shown grids until the end), ` +
      `once drag-like (view set every frame under the interacting hint, as a drag or pinch: both layers redraw). ` +
      `frame time = requestAnimationFrame interval (vsync-paced: 16.7 ms is the floor); ` +
      `render work = OpenLayers precompose→postcompose per map frame (main-thread cost, the headroom left). Baseline: the tiles mode of this run.\n`,
  );
  console.log('| | vector tiles (default) | all GeoJSON (`?tileThreshold=' + GRIDS * 10 + '`) | GeoJSON / tiles |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const [label, value, format] of rows) {
    console.log(`| ${label} | ${format(value(tiles))} | ${format(value(geojson))} | ${ratio(value(geojson), value(tiles))} |`);
  }
  console.log(
    `\nGrids held as GeoJSON by the page: tiles ${tiles.geojsonGrids}, GeoJSON ${geojson.geojsonGrids}. ` +
      `Failed responses (≥ 400): tiles ${tiles.failedResponses}, GeoJSON ${geojson.failedResponses}. ` +
      `Console errors: tiles ${tiles.consoleErrors.length}, GeoJSON ${geojson.consoleErrors.length}. ` +
      `Total run ${((performance.now() - started) / 1000).toFixed(0)} s.`,
  );
  for (const r of results) for (const error of r.consoleErrors.slice(0, 5)) log(`${r.mode} console: ${error}`);
} finally {
  await service.stop();
}
