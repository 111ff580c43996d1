/**
 * Benchmark of `npm start` as a newcomer meets it (issue 15): its own command (scripts/start.mjs,
 * the compiled bundle) on a fresh embedded data folder with the demo area, then later starts on
 * that folder, each until GET /api/health answers 200, with the server's peak memory.
 *
 *   npm run bench:start                  BENCH_START_RUNS (3) later starts
 *
 * Machines are shared and noisy, so each later start is paired with a baseline run right after
 * it on the same folder: a bare Node process that opens the same PGlite + PostGIS folder, asks
 * one query and answers HTTP — the floor any embedded start pays. Ratio = gridgov ÷ baseline.
 * The load average is printed beside the figures. Progress goes to stderr, the table to stdout.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, peakRssMiB, repoRoot, timeServiceStart } from './service.js';

const runs = Number(process.env.BENCH_START_RUNS || 3);
const progress = (message: string) => process.stderr.write(`[bench:start] ${message}\n`);
const secs = (s: number) => `${s.toFixed(1)} s`;
const load = () => os.loadavg().map((v) => v.toFixed(1)).join(' / ');

/** The baseline's whole program: PGlite + PostGIS on the folder, one query, then HTTP. */
const BARE = `
import http from 'node:http';
import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
const db = await PGlite.create({ dataDir: process.env.DIR, extensions: { postgis } });
await db.query('SELECT postgis_version()');
const server = http.createServer((req, res) => res.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', async () => { server.close(); await db.close(); process.exit(0); });
`;

async function timeBare(dataDir: string): Promise<{ seconds: number; peakRssMiB: number | null }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ['--input-type=module', '-e', BARE], { cwd: repoRoot, env: { ...process.env, DIR: dataDir, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the baseline exited with code ${child.exitCode}`);
      try {
        if ((await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) })).ok) return { seconds: (performance.now() - started) / 1000, peakRssMiB: peakRssMiB(child.pid!) };
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mib = (value: number | null) => (value === null ? 'n/a' : `${Math.round(value)} MiB`);

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-bench-start-'));
  const dataDir = path.join(dir, 'db');
  try {
    progress(`first start (fresh data folder, demo area) — load ${load()}`);
    const first = await timeServiceStart(dataDir, 600_000, { command: 'npm-start', demo: true, extraEnv: { GRIDGOV_DEMO_FEED: '0' } });
    const rows: string[][] = [['first (fresh folder, loads the demo)', secs(first.seconds), mib(first.peakRssMiB), '—', '—', load()]];
    const later: number[] = [];
    const bare: number[] = [];
    for (let run = 1; run <= runs; run++) {
      progress(`later start ${run}/${runs} — load ${load()}`);
      const g = await timeServiceStart(dataDir, 300_000, { command: 'npm-start', demo: true, extraEnv: { GRIDGOV_DEMO_FEED: '0' } });
      const b = await timeBare(dataDir);
      later.push(g.seconds);
      bare.push(b.seconds);
      rows.push([`later ${run}`, secs(g.seconds), mib(g.peakRssMiB), secs(b.seconds), `${(g.seconds / b.seconds).toFixed(2)}×`, load()]);
    }
    rows.push(['later, median', secs(median(later)), '', secs(median(bare)), `${(median(later) / median(bare)).toFixed(2)}×`, '']);
    const table = [
      ['start', 'gridgov until /api/health 200', 'peak RSS', 'baseline: bare PGlite + PostGIS open', 'ratio', 'load average (1/5/15 min)'],
      ['---', '---', '---', '---', '---', '---'],
      ...rows,
    ];
    console.log(`\n## npm start (${os.cpus().length} CPUs, Node ${process.version}; scripts/start.mjs, embedded, demo area; ratio = gridgov ÷ baseline)\n`);
    console.log(table.map((r) => `| ${r.join(' | ')} |`).join('\n'));
    // What npm start itself printed on the first start (its admin key lines left out).
    console.log(`\nfirst start, as npm start prints it:\n${first.output.split('\n').filter((l) => l.startsWith('[gridgov') && !/key/.test(l)).join('\n')}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error('[bench:start] failed:', error);
  process.exit(1);
});
