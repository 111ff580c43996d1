/**
 * Starting the real service (server/main.ts) as a child process and timing it until
 * GET /api/health answers 200. The child is `node --import tsx server/main.ts` (not npx), so its
 * pid is the server itself and /proc/<pid>/status gives its own peak memory (VmHWM).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface StartResult {
  /** From spawn to the first 200 of /api/health. */
  seconds: number;
  /** Peak resident memory of the server process up to that moment, MiB (Linux only). */
  peakRssMiB: number | null;
}

/** A TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** VmHWM ("high water mark" of the resident set) from /proc, in MiB; null where there is no /proc. */
export function peakRssMiB(pid: number): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** How the service is started: the TypeScript entry through tsx (default), or `npm start`'s own command; demo data off unless asked. */
export interface StartOptions {
  command?: 'tsx' | 'npm-start';
  demo?: boolean;
  extraEnv?: Record<string, string>;
}

/**
 * Starts the embedded service on `dataDir`, waits until it is healthy, records the time and
 * peak RSS, then stops it with SIGTERM and waits for it to exit.
 */
export async function timeServiceStart(dataDir: string, timeoutMs = 300_000, options: StartOptions = {}): Promise<StartResult & { output: string }> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, GRIDGOV_DATA: dataDir, GRIDGOV_DEMO: options.demo ? '1' : '0', PORT: String(port), ...options.extraEnv };
  delete env.DATABASE_URL; // always the embedded backend
  const started = performance.now();
  // scripts/start.mjs imports the bundle in its own process: the pid is still the server's.
  const args = options.command === 'npm-start' ? ['scripts/start.mjs'] : ['--import', 'tsx', 'server/main.ts'];
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the service exited with code ${child.exitCode}:\n${output}`);
      if (performance.now() - started > timeoutMs) throw new Error(`the service was not healthy after ${timeoutMs / 1000} s:\n${output}`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(2000) });
        if (response.status === 200) {
          const seconds = (performance.now() - started) / 1000;
          return { seconds, peakRssMiB: peakRssMiB(child.pid!), output };
        }
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), 30_000); // a stuck shutdown must not hang the benchmark
    await exited(child);
    clearTimeout(kill);
  }
}

/**
 * One instance of the real service (`node --import tsx server/main.ts`) on a free port with
 * `env` added to this process's environment and `adminKey` as its bootstrap key; resolves once
 * GET /api/health answers. `output()` is what it printed so far. `nodeArgs` go to node before
 * the entry (e.g. `--cpu-prof`, which NODE_OPTIONS does not take).
 */
export async function startInstance(env: Record<string, string>, adminKey: string, timeoutMs = 300_000, nodeArgs: string[] = []): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'server/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, ...env, PORT: String(port), GRIDGOV_ADMIN_KEY: adminKey },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`an instance exited with ${child.exitCode}:\n${output}`);
    if (Date.now() - started > timeoutMs) throw new Error(`an instance did not start within ${timeoutMs / 1000} s:\n${output}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return { child, url, output: () => output };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Reads a streamed answer (server-sent events) as it arrives: what came so far, its end, and a stop. */
export function streamText(response: Response): { text: () => string; ended: Promise<void>; stop: () => Promise<void> } {
  const reader = response.body!.getReader();
  let text = '';
  const decoder = new TextDecoder();
  const reading = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      text += decoder.decode(value, { stream: true });
    }
  })().catch(() => {});
  return { text: () => text, ended: reading, stop: async () => (await reader.cancel().catch(() => {}), await reading) };
}
