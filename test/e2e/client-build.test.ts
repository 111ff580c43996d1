/**
 * The web client's own checks, run in `npm test` so that CI covers them (the root `tsc --noEmit`
 * does not read client/, which has its own tsconfig with DOM types and bundler resolution):
 * it type-checks, and `npm start`'s build step knows when the build is up to date.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { clientBuildDir, clientBuildState, clientSourceHash, ensureClientBuilt } from '../../scripts/build-client.js';

const run = promisify(execFile);

describe('web client', () => {
  it('type-checks (tsc -p client)', async () => {
    const tsc = path.join(process.cwd(), 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '--noEmit', '-p', 'client']).catch((error: { stdout?: string; stderr?: string }) => error);
    expect(`${result.stdout ?? ''}${result.stderr ?? ''}`).toBe('');
  });

  it('is built when missing or stale, and then reported fresh', async () => {
    const messages: string[] = [];
    expect(await ensureClientBuilt((m) => messages.push(m))).toBe(true);
    expect(clientBuildState()).toEqual({ state: 'fresh' });
    const stamp = JSON.parse(fs.readFileSync(path.join(clientBuildDir, 'build.json'), 'utf8')) as { sourceHash: string };
    expect(stamp.sourceHash).toBe(clientSourceHash());
    const html = fs.readFileSync(path.join(clientBuildDir, 'index.html'), 'utf8');
    expect(html).toMatch(/<html lang="zh-CN">/);
    // Bundled, not from a CDN: every script and stylesheet is a local asset.
    for (const [, src] of html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)) expect(src).toMatch(/^\.\/assets\//);
    // A second call finds it fresh and says nothing.
    messages.length = 0;
    expect(await ensureClientBuilt((m) => messages.push(m))).toBe(true);
    expect(messages).toEqual([]);
  });
});
