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

/**
 * Route answers written as literals may carry no declared shape only when they are listed here
 * (an error or acknowledgement the HTTP layer spells the same everywhere). Empty: every one is declared.
 */
const UNDECLARED_ALLOWED: string[] = [];

/** From `open` (a `{` or `[`), the index just past its matching bracket; strings and template literals are skipped. */
function pastBracket(source: string, open: number): number {
  const closers: Record<string, string> = { '{': '}', '[': ']', '(': ')' };
  const stack: string[] = [];
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (c === "'" || c === '"' || c === '`') {
      for (i++; i < source.length && source[i] !== c; i++) if (source[i] === '\\') i++;
      continue;
    }
    if (closers[c]) stack.push(closers[c]);
    else if (c === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return i + 1;
    }
  }
  return source.length;
}

/**
 * The bodies a route answers as object or array literals — `.json({…})`, `sendJson(res, […])`,
 * `JSON.stringify({…})` (not express.json's options) — with the type each `satisfies`, or null.
 */
function answerLiterals(source: string): { line: number; text: string; declared: string | null }[] {
  return [...source.matchAll(/(?<!express)(?:\.json|\bsendJson|\bJSON\.stringify)\(\s*(?:res,\s*)?([{[])/g)].map((match) => {
    const open = match.index + match[0].length - 1;
    const end = pastBracket(source, open);
    const declared = /^\s*satisfies\s+(\w+)/.exec(source.slice(end))?.[1] ?? null;
    return { line: source.slice(0, open).split('\n').length, text: source.slice(open, Math.min(end, open + 60)).replace(/\s+/g, ' '), declared };
  });
}

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

  it('routes answer no object or array literal without its declared shape (`satisfies` a server/api-types type)', () => {
    const literals = sourceFiles(path.join(server, 'routes')).flatMap((file) => answerLiterals(fs.readFileSync(file, 'utf8')).map((literal) => ({ file, ...literal })));
    expect(literals.length).toBeGreaterThan(20);
    const undeclared = literals
      .filter((literal) => literal.declared === null && !UNDECLARED_ALLOWED.includes(literal.text))
      .map((literal) => `${path.relative(server, literal.file)}:${literal.line} ${literal.text}`);
    expect(undeclared).toEqual([]);
    // Each declared shape is one of server/api-types (not a type made up beside the route).
    const names = apiTypeNames();
    const foreign = literals.filter((literal) => literal.declared !== null && !names.has(literal.declared)).map((literal) => `${path.relative(server, literal.file)}:${literal.line} satisfies ${literal.declared}`);
    expect(foreign).toEqual([]);
  });

  it('reads answer literals the way the rule means them (a bare literal is caught, one across lines and with braces in strings too)', () => {
    const source = [
      "res.json({ keys: all } satisfies KeysAnswer);",
      "res.status(201).location(`/a/${id}`).json({ ...info, key });",
      "res.json({\n  text: '}{',\n  list: [1, { a: `${x}` }],\n} satisfies Landing);",
      "sendJson(res, { conformsTo: CONFORMANCE });",
      "res.send(JSON.stringify([{ code: 1 }] satisfies Open311Error[]));",
      "res.json(answer);",
      "const parsers = [express.json({ limit: '1mb' })];",
    ].join('\n');
    expect(answerLiterals(source).map(({ line, declared }) => [line, declared])).toEqual([
      [1, 'KeysAnswer'],
      [2, null],
      [3, 'Landing'],
      [7, null],
      [8, 'Open311Error'],
    ]);
  });

  // (Pure rules the client runs too — geo/households, incidents/light… — are imported as code on purpose.)
  it('the client imports the API types with type-only imports (nothing of server/api-types is bundled)', () => {
    const imports = clientFiles().flatMap((file) => [...fs.readFileSync(file, 'utf8').matchAll(/^import (type )?[^;]*from '([^']*server\/api-types\/[^']*)'/gm)].map((match) => ({ file, match })));
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter(({ match }) => !match[1]).map(({ file, match }) => `${path.relative('client/src', file)} → ${match[2]}`)).toEqual([]);
  });
});
