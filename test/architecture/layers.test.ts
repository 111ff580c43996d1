/**
 * The house's walls (README, "Layout"): each folder of server/ imports only downward —
 * routes → services → db → formats / geo — and the pure floors import nothing of the app above
 * them. Read from the source's import statements, so a new upward import fails here, by name.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const server = path.resolve('server');

/** What each folder must not import (folders or single modules of server/, without extension). */
const FORBIDDEN: Record<string, string[]> = {
  // A pure data layer: rows in, rows or domain errors out — no HTTP, no use-cases, no jobs.
  db: ['errors', 'http', 'routes', 'services', 'jobs', 'app', 'main'],
  // Pure geometry: plain options in, plain values out (its messages come from the i18n leaf).
  geo: ['db', 'http', 'routes', 'services', 'jobs', 'config', 'errors', 'formats', 'media', 'access', 'incidents', 'staff', 'workers', 'demo', 'app', 'main'],
  // File formats: bytes in, features out.
  formats: ['db', 'http', 'routes', 'services', 'jobs', 'config', 'errors', 'app', 'main'],
  // The API's shapes, read by the client too: types of the pure floors only.
  'api-types': ['db', 'http', 'routes', 'services', 'jobs', 'config', 'errors', 'formats', 'app', 'main'],
  // Request handling below the routes never reaches back into them.
  http: ['routes', 'app', 'main'],
  // Use-cases know neither HTTP nor routes.
  services: ['routes', 'http', 'app', 'main'],
};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The server modules a file imports (static and type imports, re-exports), as paths under server/ without extension. */
function importsOf(file: string, source = fs.readFileSync(file, 'utf8')): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(/\b(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) {
    const target = path.relative(server, path.resolve(path.dirname(file), match[1])).replace(/\.js$/, '');
    if (!target.startsWith('..')) found.push(target.split(path.sep).join('/'));
  }
  return found;
}

describe('the layers of server/', () => {
  for (const [layer, forbidden] of Object.entries(FORBIDDEN)) {
    it(`${layer}/ imports none of: ${forbidden.join(', ')}`, () => {
      const wrong: string[] = [];
      for (const file of sourceFiles(path.join(server, layer))) {
        for (const target of importsOf(file)) {
          if (forbidden.some((f) => target === f || target.startsWith(`${f}/`))) wrong.push(`${path.relative(server, file)} → ${target}`);
        }
      }
      expect(wrong).toEqual([]);
    });
  }

  it('reads imports the way the rules mean them (a known upward import would be caught)', () => {
    // The checker itself: a module of db importing the HTTP errors is named; packages are not.
    const probe = path.join(server, 'db', 'probe.ts');
    expect(importsOf(probe, "import { notFound } from '../errors.js';\nimport type { X } from './schema.js';\nexport type { Kysely } from 'kysely';\n")).toEqual(['errors', 'db/schema']);
  });
});
