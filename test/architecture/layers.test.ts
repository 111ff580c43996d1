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
  db: ['errors', 'http', 'routes', 'services', 'jobs', 'config', 'app', 'main'],
  // Pure geometry: plain options in, plain values out (its messages come from the i18n leaf).
  geo: ['db', 'http', 'routes', 'services', 'jobs', 'config', 'errors', 'formats', 'media', 'access', 'incidents', 'staff', 'workers', 'demo', 'app', 'main'],
  // File formats: bytes in, features out.
  formats: ['db', 'http', 'routes', 'services', 'jobs', 'config', 'errors', 'app', 'main'],
  // The API's shapes, read by the client too: types of the pure floors only.
  'api-types': ['db', 'http', 'routes', 'services', 'jobs', 'config', 'errors', 'formats', 'app', 'main'],
  // Request handling below the routes never reaches back into them.
  http: ['routes', 'app', 'main'],
  // Use-cases know neither HTTP (its errors included: they throw domain errors) nor routes.
  services: ['routes', 'http', 'errors', 'app', 'main'],
};

/** Kysely's query builders and raw SQL: what only server/db writes. */
const QUERY = /\bsql`|\.(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\(/;

/** A cast of query rows to a declared row type: `as Row[]`, `as VersionRow | undefined`. */
const ROW_CAST = /\bas \w*Row\b(\[\])?/g;

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

  it('db/ reads no files: parsing and reporting an import is a service (formats are not imported)', () => {
    const wrong = sourceFiles(path.join(server, 'db')).flatMap((file) =>
      importsOf(file)
        .filter((target) => target === 'formats' || target.startsWith('formats/'))
        .map((target) => `${path.relative(server, file)} → ${target}`),
    );
    expect(wrong).toEqual([]);
  });

  it('db/, services/, formats/ and geo/ import no express (HTTP is the routes\' and http/\'s)', () => {
    const wrong = ['db', 'services', 'formats', 'geo'].flatMap((layer) =>
      sourceFiles(path.join(server, layer))
        .filter((file) => /\bfrom\s+'express(?:-serve-static-core)?'/.test(fs.readFileSync(file, 'utf8')))
        .map((file) => path.relative(server, file)),
    );
    expect(wrong).toEqual([]);
  });

  it('routes/ write no SQL: they call services and db functions', () => {
    const wrong = sourceFiles(path.join(server, 'routes')).filter((file) => QUERY.test(fs.readFileSync(file, 'utf8')));
    expect(wrong.map((file) => path.relative(server, file))).toEqual([]);
  });

  it('services/ write no SQL: they call db functions (Kysely query builders and raw sql are db/\'s)', () => {
    const wrong = sourceFiles(path.join(server, 'services')).filter((file) => QUERY.test(fs.readFileSync(file, 'utf8')));
    expect(wrong.map((file) => path.relative(server, file))).toEqual([]);
  });

  it('reads queries the way the rule means them (a builder call or raw sql would be caught)', () => {
    expect(QUERY.test("await this.db\n  .selectFrom('incidents as i')")).toBe(true);
    expect(QUERY.test('await sql`SELECT 1`.execute(db)')).toBe(true);
    expect(QUERY.test('await listIncidents(db, filter)')).toBe(false);
  });

  it('db/ casts no rows: their types are inferred from the schema (a cast would hide a column the schema lacks)', () => {
    const casts = sourceFiles(path.join(server, 'db')).flatMap((file) =>
      [...fs.readFileSync(file, 'utf8').matchAll(ROW_CAST)].map((match) => `${path.relative(server, file)}: ${match[0].trim()}`),
    );
    expect(casts).toEqual([]);
  });

  it('every table db/ makes outside its migrations (a temporary staging table) is a table of the schema (Database)', () => {
    const schema = fs.readFileSync(path.join(server, 'db', 'schema.ts'), 'utf8');
    const database = schema.slice(schema.indexOf('export interface Database {'));
    const tables = new Set([...database.matchAll(/^\s+(\w+): /gm)].map((match) => match[1]));
    const made = sourceFiles(path.join(server, 'db'))
      .filter((file) => !file.includes(`${path.sep}migrations${path.sep}`))
      .flatMap((file) => [...fs.readFileSync(file, 'utf8').matchAll(/CREATE (?:TEMP(?:ORARY)? |UNLOGGED )?TABLE (?:IF NOT EXISTS )?(\w+)/g)].map((match) => match[1]));
    expect(made).toContain('grid_staging');
    expect(made.filter((table) => !tables.has(table))).toEqual([]);
  });

  it('reads imports the way the rules mean them (a known upward import would be caught)', () => {
    // The checker itself: a module of db importing the HTTP errors is named; packages are not.
    const probe = path.join(server, 'db', 'probe.ts');
    expect(importsOf(probe, "import { notFound } from '../errors.js';\nimport type { X } from './schema.js';\nexport type { Kysely } from 'kysely';\n")).toEqual(['errors', 'db/schema']);
  });
});

describe('one source of truth for the API shapes', () => {
  /** The names server/api-types exports (interfaces and types). */
  function apiTypeNames(): Set<string> {
    const names = new Set<string>();
    for (const file of sourceFiles(path.join(server, 'api-types'))) {
      for (const match of fs.readFileSync(file, 'utf8').matchAll(/^export (?:interface|type) (\w+)/gm)) names.add(match[1]);
    }
    return names;
  }

  /** Every source file of the web and field clients (client/src and below). */
  const clientFiles = () => sourceFiles(path.resolve('client/src'));

  /** The types a file declares at its top level, exported or not: `interface X`, `type X =`. */
  function declaredTypes(source: string): string[] {
    return [...source.matchAll(/^(?:export )?(?:declare )?(?:interface|type) (\w+)/gm)].map((match) => match[1]);
  }

  it('no file of the client declares a type server/api-types declares (it imports them)', () => {
    const names = apiTypeNames();
    expect(names.size).toBeGreaterThan(10);
    // The client's grid features built from the server's properties: it also holds grids being drawn, still Polygons.
    const widened = ['GridFeature', 'GridVersionFeature'];
    const files = clientFiles();
    expect(files.map((file) => path.relative('client/src', file))).toEqual(expect.arrayContaining(['api.ts', path.join('field', 'context.ts')]));
    const restated = files.flatMap((file) =>
      declaredTypes(fs.readFileSync(file, 'utf8'))
        .filter((name) => names.has(name) && !widened.includes(name))
        .map((name) => `${path.relative('client/src', file)}: ${name}`),
    );
    expect(restated).toEqual([]);
  });

  it('reads type declarations the way the rule means them (a restated type would be caught)', () => {
    expect(declaredTypes("export interface Me {\n}\ninterface Staff { id: number }\ntype Incident = { id: number };\nexport type { Device };\n  type Inner = 1;\n")).toEqual(['Me', 'Staff', 'Incident']);
  });

  // (Pure rules the client runs too — geo/households, incidents/light… — are imported as code on purpose.)
  it('the client imports the API types with type-only imports (nothing of server/api-types is bundled)', () => {
    const imports = clientFiles().flatMap((file) => [...fs.readFileSync(file, 'utf8').matchAll(/^import (type )?[^;]*from '([^']*server\/api-types\/[^']*)'/gm)].map((match) => ({ file, match })));
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter(({ match }) => !match[1]).map(({ file, match }) => `${path.relative('client/src', file)} → ${match[2]}`)).toEqual([]);
  });
});
