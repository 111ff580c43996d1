/**
 * Builds the web client (client/ → dist/client) with Vite, when it is missing or its sources
 * changed. `npm start` calls `ensureClientBuilt` (so `npm install && npm start` shows the map);
 * `npm run build:client` builds by hand (`-- --force` even when up to date).
 *
 * "Changed" is decided by a hash of the sources (client/, vite.config.ts, package-lock.json),
 * stored with the build in dist/client/build.json, not by file times (a fresh clone or a
 * checkout gives every file a new time). The build goes to a temporary folder that is then
 * renamed into place, so two processes starting at once (tests) never serve half a build.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../server/paths.js';

export { repoRoot };
export const clientSourceDir = path.join(repoRoot, 'client');
export const clientBuildDir = path.join(repoRoot, 'dist', 'client');
const stampFile = path.join(clientBuildDir, 'build.json');

type Log = (message: string) => void;

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const files: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listFiles(full));
    else if (entry.isFile()) files.push(full);
  }
  return files;
}

/** A hash of everything the build reads from the repository. */
export function clientSourceHash(): string {
  const hash = createHash('sha256');
  const files = [...listFiles(clientSourceDir), path.join(repoRoot, 'vite.config.ts'), path.join(repoRoot, 'package-lock.json')]
    .filter((file) => fs.existsSync(file))
    .sort();
  for (const file of files) {
    hash.update(path.relative(repoRoot, file));
    hash.update('\0');
    hash.update(fs.readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

export type BuildState = { state: 'fresh' } | { state: 'missing' | 'stale'; reason: string };

export function clientBuildState(): BuildState {
  if (!fs.existsSync(path.join(clientBuildDir, 'index.html'))) return { state: 'missing', reason: 'no build yet' };
  let stamp: { sourceHash?: string } = {};
  try {
    stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8')) as { sourceHash?: string };
  } catch {
    return { state: 'stale', reason: 'the build has no stamp' };
  }
  return stamp.sourceHash === clientSourceHash() ? { state: 'fresh' } : { state: 'stale', reason: 'the sources changed since the last build' };
}

/** Builds the client into dist/client (via a temporary folder); answers the time it took in ms. */
export async function buildClient(log: Log = console.log): Promise<number> {
  const started = performance.now();
  const sourceHash = clientSourceHash();
  const { build } = await import('vite');
  const tmp = path.join(repoRoot, 'dist', `.client-build-${process.pid}-${Date.now()}`);
  fs.mkdirSync(path.dirname(tmp), { recursive: true });
  try {
    await build({
      configFile: path.join(repoRoot, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: tmp, emptyOutDir: true },
    });
    fs.writeFileSync(path.join(tmp, 'build.json'), `${JSON.stringify({ sourceHash, builtAt: new Date().toISOString() }, null, 2)}\n`);
    // Swap into place: the old build goes aside first (a rename cannot replace a non-empty folder).
    const old = `${clientBuildDir}.old-${process.pid}-${Date.now()}`;
    try {
      fs.renameSync(clientBuildDir, old);
    } catch (error) {
      // None yet, or another process moved it aside first.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    try {
      fs.renameSync(tmp, clientBuildDir);
    } catch (error) {
      // Another process put its (identical) build in place between the two renames.
      if (!fs.existsSync(path.join(clientBuildDir, 'index.html'))) throw error;
    }
    fs.rmSync(old, { recursive: true, force: true });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const ms = performance.now() - started;
  log(`web client built in ${(ms / 1000).toFixed(1)} s → ${path.relative(repoRoot, clientBuildDir)}`);
  return ms;
}

/** Builds the client if it is missing or stale, saying so; never throws (the API works without it). */
export async function ensureClientBuilt(log: Log = console.log): Promise<boolean> {
  try {
    const state = clientBuildState();
    if (state.state === 'fresh') return true;
    log(`building the web client (${state.reason}): client/ → ${path.relative(repoRoot, clientBuildDir)} …`);
    await buildClient(log);
    return true;
  } catch (error) {
    log(`the web client could not be built (the API works, / does not): ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const force = process.argv.includes('--force');
  const state = clientBuildState();
  if (!force && state.state === 'fresh') {
    console.log('web client up to date (dist/client); --force to build anyway');
  } else {
    buildClient().catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  }
}
