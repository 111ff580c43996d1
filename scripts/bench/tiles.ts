/**
 * npx tsx scripts/bench/tiles.ts — vector tiles of 20,000 synthetic grids (50–200 vertices,
 * sharing edges), through the real HTTP app on a listening server:
 * - uncached: 200 distinct random z14 tiles over the town, each asked once (gzip accepted);
 * - cached: the same 200 again (the LRU; still one marker read per request);
 * - revalidated: the same again with If-None-Match (304);
 * - in process: the same tiles' SQL + encoding + gzip without HTTP or cache;
 * - baseline (server backend only; the embedded PostGIS has no protobuf): the same tiles made
 *   by PostGIS alone, ST_AsMVTGeom + ST_AsMVT in one query — and the feature sets compared.
 * Embedded backend unless DATABASE_URL is set (then a throwaway database on that server).
 * BENCH_TILES (default 200) and BENCH_ZOOM (default 14) change the sample.
 */
import http from 'node:http';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { createApp } from '../../server/app.js';
import { defaultLimits } from '../../server/config.js';
import { gridTileByPostgis, gridTileRows, layerMarker } from '../../server/db/tiles.js';
import { encodeTile, tileAt, type TileAddress } from '../../server/geo/tiles.js';
import { seededRandom } from '../../server/geo/random.js';
import { loadTown } from './load-town.js';
import { throwawayStore } from './throwaway-store.js';
import { adminAuthorization } from './admin-key.js';

type Ring = { x: number; y: number }[];

/** The largest distance from a vertex of `a` to the nearest segment of `b`. */
function vertexDeviation(a: Ring[], b: Ring[]): number {
  let worst = 0;
  for (const p of a.flat()) {
    let best = Infinity;
    for (const ring of b) {
      for (let k = 0; k + 1 < ring.length; k++) {
        const [u, v] = [ring[k], ring[k + 1]];
        const dx = v.x - u.x;
        const dy = v.y - u.y;
        const len = dx * dx + dy * dy;
        const t = len === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - u.x) * dx + (p.y - u.y) * dy) / len));
        best = Math.min(best, Math.hypot(p.x - (u.x + t * dx), p.y - (u.y + t * dy)));
      }
    }
    worst = Math.max(worst, best);
  }
  return worst;
}

const TILES = Number(process.env.BENCH_TILES ?? 200);
const ZOOM = Number(process.env.BENCH_ZOOM ?? 14);
const log = (message: string) => process.stderr.write(`${message}\n`);

const { store, drop } = await throwawayStore();
try {
  log(`backend: ${store.backend}; loading 20,000 synthetic grids…`);
  const { town, grids } = await loadTown(store, { grids: 20_000 }, log);

  // Distinct random tiles over the town, and a few others to warm up with.
  const [minLon, minLat, maxLon, maxLat] = town.extent;
  const nw = tileAt(minLon, maxLat, ZOOM);
  const se = tileAt(maxLon, minLat, ZOOM);
  const all: TileAddress[] = [];
  for (let x = nw.x; x <= se.x; x++) for (let y = nw.y; y <= se.y; y++) all.push({ z: ZOOM, x, y });
  const random = seededRandom(11);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  if (all.length < TILES + 5) throw new Error(`only ${all.length} z${ZOOM} tiles over the town; lower BENCH_TILES`);
  const sample = all.slice(0, TILES);
  const warmup = all.slice(TILES, TILES + 5);

  const auth = await adminAuthorization(store);
  const server = http.createServer(createApp(store, defaultLimits));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const url = (t: TileAddress) => `${base}/tiles/grids/${t.z}/${t.x}/${t.y}.mvt`;

  // A keep-alive client that leaves the gzip bytes as they came (the time is the server's and
  // the wire's, not a client's decompression).
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  function fetchTile(t: TileAddress, headers: Record<string, string> = {}) {
    return new Promise<{ ms: number; status: number; cache: string; etag: string; wire: number; body: Buffer }>((resolve, reject) => {
      const started = performance.now();
      http
        .get(url(t), { agent, headers: { 'accept-encoding': 'gzip', ...auth, ...headers } }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const ms = performance.now() - started;
            const status = response.statusCode ?? 0;
            if (status !== 200 && status !== 204 && status !== 304) return reject(new Error(`HTTP ${status} for ${url(t)}`));
            const wire = Buffer.concat(chunks);
            const body = response.headers['content-encoding'] === 'gzip' ? gunzipSync(wire) : wire;
            resolve({ ms, status, cache: String(response.headers['x-tile-cache']), etag: String(response.headers.etag ?? ''), wire: wire.byteLength, body });
          });
        })
        .on('error', reject);
    });
  }

  for (const t of warmup) await fetchTile(t);

  const uncached: number[] = [];
  const etags: string[] = [];
  const features: number[] = [];
  const wireBytes: number[] = [];
  for (const t of sample) {
    const r = await fetchTile(t);
    if (r.cache !== 'miss') throw new Error(`expected a cache miss for ${url(t)}, got ${r.cache}`);
    uncached.push(r.ms);
    etags.push(r.etag);
    wireBytes.push(r.wire);
    features.push(r.body.byteLength ? (new VectorTile(new PbfReader(r.body)).layers.grids?.length ?? 0) : 0);
  }
  const cached: number[] = [];
  for (const t of sample) {
    const r = await fetchTile(t);
    if (r.cache !== 'hit') throw new Error(`expected a cache hit for ${url(t)}, got ${r.cache}`);
    cached.push(r.ms);
  }
  const revalidated: number[] = [];
  for (const [i, t] of sample.entries()) {
    const r = await fetchTile(t, { 'if-none-match': etags[i] });
    if (r.status !== 304 && r.status !== 204) throw new Error(`expected 304 for ${url(t)}, got ${r.status}`);
    revalidated.push(r.ms);
  }
  agent.destroy();
  server.close();

  // In process, no HTTP, no cache: the marker read, the SQL, the encoding and gzip.
  const inProcess: number[] = [];
  const rawBytes: number[] = [];
  const ours: Set<string>[] = [];
  const oursGeometry: Map<string, Ring[]>[] = [];
  for (const t of sample) {
    const started = performance.now();
    await layerMarker(store.db, 'grids');
    const rows = await gridTileRows(store.db, t);
    const raw = encodeTile('grids', rows);
    if (raw.byteLength) gzipSync(raw);
    inProcess.push(performance.now() - started);
    rawBytes.push(raw.byteLength);
    ours.push(new Set(rows.map((row) => String(row.properties.code))));
    if (raw.byteLength) {
      const layer = new VectorTile(new PbfReader(raw)).layers.grids;
      const geometry = new Map<string, Ring[]>();
      for (let k = 0; k < layer.length; k++) geometry.set(String(layer.feature(k).properties.code), layer.feature(k).loadGeometry());
      oursGeometry.push(geometry);
    } else {
      oursGeometry.push(new Map());
    }
  }

  // PostGIS alone (server backend).
  let baseline: number[] | undefined;
  let baselineBytes: number[] | undefined;
  let agree = 0;
  const deviations: number[] = [];
  if (store.backend === 'postgres') {
    baseline = [];
    baselineBytes = [];
    for (const t of warmup) await gridTileByPostgis(store.db, t);
    for (const [i, t] of sample.entries()) {
      const started = performance.now();
      const mvt = await gridTileByPostgis(store.db, t);
      baseline.push(performance.now() - started);
      baselineBytes.push(mvt.byteLength);
      const layer = mvt.byteLength ? new VectorTile(new PbfReader(mvt)).layers.grids : undefined;
      const theirs = new Map<string, Ring[]>();
      for (let k = 0; k < (layer?.length ?? 0); k++) {
        const feature = layer!.feature(k);
        theirs.set(String(feature.properties.code), feature.loadGeometry());
      }
      if (theirs.size === ours[i].size && [...theirs.keys()].every((code) => ours[i].has(code))) agree++;
      // How far each outline's vertices are from the other outline, in tile units.
      for (const [code, rings] of theirs) {
        const mine = oursGeometry[i].get(code);
        if (!mine) continue;
        deviations.push(Math.max(vertexDeviation(mine, rings), vertexDeviation(rings, mine)));
      }
    }
  }

  const pct = (values: number[], p: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  };
  const ms = (v: number) => `${v.toFixed(2)} ms`;
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const ratio = (values: number[]) => (baseline ? `${(pct(values, 50) / pct(baseline, 50)).toFixed(2)}×` : 'n/a');

  console.log(
    `## Tile benchmark (${store.backend}; ${grids.length.toLocaleString('en')} grids; ${TILES} distinct random z${ZOOM} tiles, ` +
      `${mean(features).toFixed(0)} features and ${(mean(wireBytes) / 1024).toFixed(1)} KiB gzip (${(mean(rawBytes) / 1024).toFixed(1)} KiB raw) a tile on average)\n`,
  );
  console.log('| path | p50 | p95 | p50 × ST_AsMVT |');
  console.log('| --- | ---: | ---: | ---: |');
  console.log(`| HTTP, uncached (marker + SQL + encode + gzip) | ${ms(pct(uncached, 50))} | ${ms(pct(uncached, 95))} | ${ratio(uncached)} |`);
  console.log(`| HTTP, cached (marker + LRU) | ${ms(pct(cached, 50))} | ${ms(pct(cached, 95))} | ${ratio(cached)} |`);
  console.log(`| HTTP, revalidated (If-None-Match → 304) | ${ms(pct(revalidated, 50))} | ${ms(pct(revalidated, 95))} | ${ratio(revalidated)} |`);
  console.log(`| in process, no HTTP/cache (marker + SQL + encode + gzip) | ${ms(pct(inProcess, 50))} | ${ms(pct(inProcess, 95))} | ${ratio(inProcess)} |`);
  if (baseline && baselineBytes) {
    console.log(`| PostGIS ST_AsMVTGeom + ST_AsMVT (SQL only, raw ${(mean(baselineBytes) / 1024).toFixed(1)} KiB) | ${ms(pct(baseline, 50))} | ${ms(pct(baseline, 95))} | 1× |`);
    console.log(`\nSame feature set as ST_AsMVT in ${agree}/${TILES} tiles; over ${deviations.length.toLocaleString('en')} features, the farthest vertex of either outline from the other is ${pct(deviations, 50).toFixed(2)} tile units at the median, ${pct(deviations, 99).toFixed(2)} at p99, ${Math.max(...deviations).toFixed(2)} at most (a tile unit is ${(((2 * 20037508.342789244) / 2 ** ZOOM / 4096) * Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180)).toFixed(2)} m on the ground here).`);
  } else {
    console.log('| PostGIS ST_AsMVT | n/a: the embedded PostGIS is built without protobuf | | |');
  }
} finally {
  await drop();
}
