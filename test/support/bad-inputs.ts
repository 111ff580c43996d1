/**
 * A corpus of bad requests for the write endpoints, generated from one valid request per
 * endpoint: malformed bodies and content types, every field of the valid body changed to a
 * wrong type, a bad number, a long, hostile or broken string, broken geometries, bad targets,
 * preconditions and headers. Each changes one thing, so the request gets past the checks
 * before it and into the one it is meant for. Pure and deterministic for a given seed.
 */
import { seededRandom } from '../../server/geo/random.js';

/** JSON text written as it is: tokens JSON.stringify cannot write (1e309, -0) and deep nesting. */
export class Raw {
  constructor(readonly text: string) {}
}
export const raw = (text: string) => new Raw(text);

/** JSON text of a value that may hold Raw pieces; undefined members are left out, as JSON.stringify does. */
export function toJson(value: unknown): string {
  if (value instanceof Raw) return value.text;
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : toJson(item))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value).filter(([, member]) => member !== undefined);
    return `{${members.map(([key, member]) => `${JSON.stringify(key)}:${toJson(member)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export type Method = 'post' | 'put' | 'patch' | 'delete';
type Json = unknown;

/** One write endpoint and a request to it that would succeed (or, for read-only ones, answer 200). */
export interface EndpointSpec {
  method: Method;
  /** The route as the router declares it, e.g. `/api/grids/:code`: names the endpoint. */
  route: string;
  /** The route with the valid target filled in (the route itself when it has none). */
  path: string;
  /** Query string of the valid request (without `?`). */
  query?: string;
  /** How errors look: the service's `{ error: { code, message } }` or Open311's `[{ code, description }]`. */
  shape: 'api' | 'open311';
  body: 'json' | 'form' | 'csv' | 'multipart' | 'none';
  /** The valid body (json, form: its fields). */
  valid?: Json;
  /** The valid body of a csv or multipart endpoint, as sent. */
  validRaw?: { contentType: string; body: string | Buffer };
  /** Headers of the valid request (If-Match…). */
  headers?: Record<string, string>;
  /** The path parameter: its valid value in `path`, and values that name nothing (404/422). */
  target?: { valid: string; kind: 'region' | 'grid' | 'device' | 'incident' | 'division' | 'key'; unknown: string[] };
  /** If-Match: required (428 without), or optional (checked when sent). */
  ifMatch?: 'required' | 'optional';
  /** The endpoint records X-Actor, so a bad one must be refused. */
  actor?: boolean;
  /** Dotted paths that may be null or left out. */
  optional?: string[];
  /** Dotted paths of free text: any printable string is a valid value there. */
  freeText?: string[];
  /** Dotted paths of Polygon/MultiPolygon members. */
  polygons?: string[];
  /** Dotted paths of lon and lat numbers (where -0 and swapped values are wrong). */
  coordinates?: string[];
  /**
   * Dotted path of an array whose bad items are refused one by one inside a 200 (feeds); with
   * `arrayIsItems`, a body that is an array is that array.
   */
  itemsRefused?: string;
  arrayIsItems?: boolean;
  /** The body limit of this endpoint when it is not the service's. */
  bodyBytes?: number;
  /** No Content-Type means "no body", which is valid (escalate). */
  bodyOptional?: boolean;
  /** Query strings (without `?`) each of which must be refused. */
  badQueries?: string[];
  /** Whole bodies that must be refused, for what the generic changes cannot say (CSV rows, multipart parts). */
  badBodies?: { label: string; contentType?: string; body: string | Buffer }[];
  /** Generated inputs that are valid for this endpoint (matched against "category: label"), each for a reason the spec says. */
  skip?: RegExp[];
}

export interface BadInput {
  endpoint: string;
  category: string;
  label: string;
  method: Method;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  shape: 'api' | 'open311';
  /** 4xx, or (feeds) a 4xx or a 200 that accepts none of the items. */
  expect: '4xx' | 'items-refused';
}

export interface CorpusOptions {
  seed: number;
  /** The service's body limit: oversized bodies are made just above it. */
  bodyBytes: number;
}

const NESTING = 10_000;
const LONG = 10_000;

export const MALFORMED_JSON: [string, string | Buffer][] = [
  ['empty', ''],
  ['whitespace', ' \n\t '],
  ['truncated object', '{"type":"Feature","properties":{"name":"x"'],
  ['truncated string', '{"name":"abc'],
  ['trailing comma in object', '{"a":1,}'],
  ['trailing comma in array', '[1,2,]'],
  ['single quotes', "{'a':1}"],
  ['unquoted key', '{a:1}'],
  ['comment', '{/* c */"a":1}'],
  ['bare NaN', '{"a":NaN}'],
  ['bare Infinity', '{"a":Infinity}'],
  ['leading zero', '{"a":01}'],
  ['hex number', '{"a":0x10}'],
  ['two documents', '{"a":1}{"b":2}'],
  ['trailing junk', '{"a":1} x'],
  ['undefined', 'undefined'],
  ['BOM then junk', '\uFEFF\uFEFF{"a":1}'],
  ['NUL byte', '{"a":1}\u0000'],
  ['raw control char in string', '{"a":"x\u0001y"}'],
  ['bad escape', '{"a":"\\x41"}'],
  ['unbalanced brackets', '[[[{]]]'],
  ['deep unclosed', '['.repeat(NESTING)],
  ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0xff, 0xfe, 0x7d])],
  ['UTF-16 bytes', Buffer.from('{"a":1}', 'utf16le')],
  ['XML', '<?xml version="1.0"?><a>1</a>'],
  ['form', 'a=1&b=2'],
];

/** Valid JSON sent with a content type (and encoding) the endpoint does not take. */
const WRONG_CONTENT_TYPES: [string, Record<string, string>][] = [
  ['text/plain', { 'Content-Type': 'text/plain' }],
  ['application/xml', { 'Content-Type': 'application/xml' }],
  ['image/png', { 'Content-Type': 'image/png' }],
  ['multipart without boundary', { 'Content-Type': 'multipart/form-data' }],
  ['unsupported charset', { 'Content-Type': 'application/json; charset=klingon' }],
  ['latin1 charset', { 'Content-Type': 'application/json; charset=latin1' }],
  ['gzip that is not gzip', { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }],
  ['unknown content encoding', { 'Content-Type': 'application/json', 'Content-Encoding': 'compress' }],
];

const SQL_AND_HTML = [
  "'; DROP TABLE grids; --",
  "' OR '1'='1",
  '1; SELECT pg_sleep(10)',
  '420111002003\' UNION SELECT * FROM regions --',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '../../../../etc/passwd',
];

const BROKEN_TEXT: [string, string, 'always' | 'not-free-text'][] = [
  ['NUL', 'a\u0000b', 'always'],
  ['lone high surrogate', 'a\ud800b', 'always'],
  ['lone low surrogate', '\udc00', 'always'],
  ['C0 controls', '\u0001\u0002\u001b[31m', 'not-free-text'],
  ['DEL and C1', '\u007f\u0085\u009b', 'not-free-text'],
  ['bidi override', '\u202egnp.exe', 'not-free-text'],
  ['zero width only', '\u200b\u200c\u200d\ufeff', 'not-free-text'],
];

/** Numbers no field takes: out of every range, not finite once parsed, or not numbers at all. */
const BAD_NUMBERS: [string, unknown][] = [
  ['1e308', 1e308],
  ['-1e308', -1e308],
  ['1e309 (Infinity once parsed)', raw('1e309')],
  ['-1e309', raw('-1e309')],
  ['2^53 + 1', raw('9007199254740993')],
  ['"NaN"', 'NaN'],
  ['"Infinity"', 'Infinity'],
  ['"-Infinity"', '-Infinity'],
  ['numeric string', '7'],
];

/** Coordinates add these: -0, which is not in China, and a coordinate with a huge exponent. */
const BAD_COORDINATES: [string, unknown][] = [
  ['-0', raw('-0')],
  ['0', 0],
  ['1e-400 (underflows to 0)', raw('1e-400')],
  ['181', 181],
  ['-91', -91],
];

function ring(points: number[][]): number[][] {
  return points;
}

/** Broken geometries near (lon, lat), each wrong in one way. */
function badGeometries(lon: number, lat: number): [string, unknown][] {
  const d = 0.001;
  const square = ring([
    [lon, lat],
    [lon + d, lat],
    [lon + d, lat + d],
    [lon, lat + d],
    [lon, lat],
  ]);
  return [
    ['self-intersecting bowtie', { type: 'Polygon', coordinates: [[[lon, lat], [lon + d, lat + d], [lon + d, lat], [lon, lat + d], [lon, lat]]] }],
    ['unclosed ring', { type: 'Polygon', coordinates: [square.slice(0, 4)] }],
    ['three points', { type: 'Polygon', coordinates: [[[lon, lat], [lon + d, lat], [lon, lat]]] }],
    ['two points', { type: 'Polygon', coordinates: [[[lon, lat], [lon, lat]]] }],
    ['NaN as string', { type: 'Polygon', coordinates: [square.map((p, i) => (i === 1 ? ['NaN', p[1]] : p))] }],
    ['null coordinate', { type: 'Polygon', coordinates: [square.map((p, i) => (i === 2 ? [null, p[1]] : p))] }],
    ['1e309 coordinate', { type: 'Polygon', coordinates: [square.map((p, i) => (i === 1 ? [raw('1e309'), p[1]] : p))] }],
    ['swapped lat/lon', { type: 'Polygon', coordinates: [square.map(([x, y]) => [y, x])] }],
    ['outside China', { type: 'Polygon', coordinates: [square.map(([x, y]) => [x - 114, y - 30])] }],
    ['Point', { type: 'Point', coordinates: [lon, lat] }],
    ['LineString', { type: 'LineString', coordinates: square }],
    ['GeometryCollection', { type: 'GeometryCollection', geometries: [{ type: 'Polygon', coordinates: [square] }] }],
    ['Feature instead of geometry', { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [square] } }],
    ['unknown type', { type: 'Circle', coordinates: [lon, lat], radius: 100 }],
    ['lower-case type', { type: 'polygon', coordinates: [square] }],
    ['4D positions', { type: 'Polygon', coordinates: [square.map(([x, y]) => [x, y, 10, 20])] }],
    ['1D positions', { type: 'Polygon', coordinates: [square.map(([x]) => [x])] }],
    ['empty coordinates', { type: 'Polygon', coordinates: [] }],
    ['empty ring', { type: 'Polygon', coordinates: [[]] }],
    ['empty MultiPolygon', { type: 'MultiPolygon', coordinates: [] }],
    ['MultiPolygon of an empty polygon', { type: 'MultiPolygon', coordinates: [[]] }],
    ['Polygon with MultiPolygon nesting', { type: 'Polygon', coordinates: [[square]] }],
    ['coordinates a string', { type: 'Polygon', coordinates: 'POLYGON((114 30, 115 30, 115 31, 114 30))' }],
    ['no coordinates', { type: 'Polygon' }],
    ['hole outside the shell', { type: 'Polygon', coordinates: [square, square.map(([x, y]) => [x + 1, y + 1])] }],
    ['zero area (all points equal)', { type: 'Polygon', coordinates: [[[lon, lat], [lon, lat], [lon, lat], [lon, lat]]] }],
    ['10,000-level nested coordinates', { type: 'Polygon', coordinates: raw(`${'['.repeat(NESTING)}${']'.repeat(NESTING)}`) }],
  ];
}

type Path = (string | number)[];

const dotted = (path: Path) => path.join('.');

function kindOf(value: unknown): 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as 'string' | 'number' | 'boolean' | 'object';
}

const OF_KIND = { string: 'abc', number: 42, boolean: true, null: null, array: [], object: {} } as const;

const REMOVE = Symbol('remove');

/** A copy of `base` with the member at `path` replaced (or removed). */
function withAt(base: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const copy = (Array.isArray(base) ? [...base] : { ...(base as Record<string, unknown>) }) as Record<string | number, unknown>;
  const next = withAt(copy[head], rest, value);
  if (next === REMOVE) {
    if (Array.isArray(copy)) copy.splice(head as number, 1);
    else delete copy[head];
  } else copy[head] = next;
  return copy;
}

/** Every member of a valid body, depth first; coordinates are one member (geometry changes cover them). */
function membersOf(value: unknown, path: Path = []): { path: Path; value: unknown }[] {
  const found: { path: Path; value: unknown }[] = [];
  if (path.length > 0) found.push({ path, value });
  if (path[path.length - 1] === 'coordinates') return found;
  if (Array.isArray(value)) {
    if (value.length > 0) found.push(...membersOf(value[0], [...path, 0]));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, member] of Object.entries(value)) found.push(...membersOf(member, [...path, key]));
  }
  return found;
}

/** A form body (application/x-www-form-urlencoded) of string fields; arrays repeat the name. */
function formOf(fields: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(String(item))}`);
  }
  return parts.join('&');
}

export function badInputs(specs: EndpointSpec[], options: CorpusOptions): BadInput[] {
  const random = seededRandom(options.seed);
  const corpus: BadInput[] = [];
  for (const spec of specs) corpus.push(...endpointCorpus(spec, options, random));
  return corpus;
}

function endpointCorpus(spec: EndpointSpec, options: CorpusOptions, random: () => number): BadInput[] {
  const endpoint = `${spec.method.toUpperCase()} ${spec.route}`;
  const out: BadInput[] = [];
  const withQuery = (path: string, query = spec.query) => (query ? `${path}${path.includes('?') ? '&' : '?'}${query}` : path);
  const contentType = spec.body === 'form' ? 'application/x-www-form-urlencoded' : spec.body === 'csv' ? 'text/csv' : 'application/json';
  const encode = (value: unknown) => (spec.body === 'form' ? formOf(value as Record<string, unknown>) : toJson(value));
  const validBody = spec.validRaw?.body ?? (spec.valid === undefined ? undefined : encode(spec.valid));
  const validType = spec.validRaw?.contentType ?? (spec.valid === undefined ? undefined : contentType);
  const validHeaders = { ...(validType ? { 'Content-Type': validType } : {}), ...spec.headers };
  const itemsPath = spec.itemsRefused;

  /** Adds a request: the valid one with some parts replaced. */
  const add = (category: string, label: string, change: { path?: string; headers?: Record<string, string>; body?: string | Buffer; noBody?: boolean; query?: string; item?: boolean }) => {
    const headers: Record<string, string> = { ...validHeaders, ...change.headers };
    for (const [name, value] of Object.entries(headers)) if (value === '') delete headers[name];
    if (spec.skip?.some((pattern) => pattern.test(`${category}: ${label}`))) return;
    out.push({
      endpoint,
      category,
      label,
      method: spec.method,
      path: change.path ?? withQuery(spec.path, change.query),
      headers,
      body: change.noBody ? undefined : (change.body ?? validBody),
      shape: spec.shape,
      expect: change.item ? 'items-refused' : '4xx',
    });
  };
  /** The valid body with the member at `path` replaced: a JSON body, or JSON for a form endpoint that also takes JSON. */
  const mutate = (category: string, label: string, path: Path, value: unknown) => {
    const body = withAt(spec.valid, path, value);
    const item = itemsPath !== undefined && (dotted(path).startsWith(`${itemsPath}.`) || (dotted(path) === itemsPath && isArrayText(value)));
    // A form holds well-formed text only; anything else goes as JSON, which the form endpoint also takes.
    const asJson = spec.body === 'form' && !(typeof value === 'string' && formText(value));
    add(category, `${dotted(path) || '(body)'}: ${label}`, { body: asJson ? toJson(body) : encode(body), headers: asJson ? { 'Content-Type': 'application/json' } : {}, item });
  };
  const optional = new Set(spec.optional ?? []);
  const freeText = new Set(spec.freeText ?? []);

  // Bodies that are not what the endpoint parses.
  if (spec.body === 'json' || spec.body === 'form') {
    for (const [label, body] of MALFORMED_JSON) {
      // The JSON parser reads an empty body as {}: for an optional body, that is no body.
      if (label === 'empty' && spec.bodyOptional) continue;
      add('malformed-json', label, { body, headers: { 'Content-Type': 'application/json' } });
    }
    for (const [label, headers] of WRONG_CONTENT_TYPES) add('content-type', label, { headers });
    if (!spec.bodyOptional) add('content-type', 'no Content-Type', { headers: { 'Content-Type': '' }, body: Buffer.from(validBody ?? '') });
    const tops: [string, string][] = [
      ['null', 'null'],
      ['number', '0'],
      ['string', '"x"'],
      ['true', 'true'],
      ['empty array', '[]'],
      ['the valid body in an array', `[${toJson(spec.valid)}]`],
      ['10,000 nested arrays', `${'['.repeat(NESTING)}${']'.repeat(NESTING)}`],
      ['10,000 nested objects', `${'{"a":'.repeat(NESTING)}1${'}'.repeat(NESTING)}`],
    ];
    if (!spec.bodyOptional) tops.push(['empty object', '{}']);
    for (const [label, body] of tops) add('top-level', label, { body, headers: { 'Content-Type': 'application/json' }, item: spec.arrayIsItems && body.startsWith('[') });
    // Over the limit: the valid body padded with spaces (still valid JSON), or with a long member.
    const limit = spec.bodyBytes ?? options.bodyBytes;
    add('oversized', 'body one byte over the limit', { body: (validBody ?? '{}').toString().padEnd(limit + 1, ' '), headers: { 'Content-Type': 'application/json' } });
    add('oversized', 'long string member over the limit', { body: toJson({ ...(spec.valid as object), padding: 'x'.repeat(limit) }), headers: { 'Content-Type': 'application/json' } });
  }

  // Each member of the valid body changed.
  if (spec.valid !== undefined && (spec.body === 'json' || spec.body === 'form')) {
    for (const { path, value } of membersOf(spec.valid)) {
      const name = dotted(path);
      const kind = kindOf(value);
      if (!optional.has(name)) mutate('missing', 'left out', path, REMOVE);
      for (const [other, replacement] of Object.entries(OF_KIND)) {
        if (other === kind || (other === 'null' && optional.has(name))) continue;
        // A form sends text: a number in a form is its digits, which is the same value.
        if (spec.body === 'form' && kind === 'string' && other === 'number') continue;
        mutate('wrong-type', `${kind} → ${other}`, path, replacement);
      }
      mutate('deep-nesting', '10,000 nested arrays', path, raw(`${'['.repeat(NESTING)}${']'.repeat(NESTING)}`));
      if (kind === 'number' || (spec.body === 'form' && spec.coordinates?.includes(name))) {
        for (const [label, bad] of BAD_NUMBERS) {
          if (label === 'numeric string' && spec.body === 'form') continue;
          mutate('bad-number', label, path, bad);
        }
      }
      if (spec.coordinates?.includes(name)) {
        for (const [label, bad] of BAD_COORDINATES) mutate('bad-number', label, path, spec.body === 'form' && !(bad instanceof Raw) ? String(bad) : bad);
        if (spec.body === 'form') for (const text of ['0x1e', '1e309', '+-1', '1,5', '١٢٣']) mutate('bad-number', JSON.stringify(text), path, text);
      }
      if (kind === 'string') {
        const free = freeText.has(name);
        mutate('long-string', `${LONG} characters`, path, '长'.repeat(LONG));
        for (const [label, text, when] of BROKEN_TEXT) {
          if (when === 'always' || !free) mutate('unicode', label, path, text);
        }
        if (!free) {
          for (const text of SQL_AND_HTML) mutate('injection', JSON.stringify(text), path, text);
          mutate('wrong-value', 'empty string', path, '');
          mutate('wrong-value', 'blank', path, ' \t ');
          mutate('wrong-value', 'valid value with a trailing NUL', path, `${value as string}\u0000`);
        }
      }
    }
    for (const name of spec.polygons ?? []) {
      const path = name.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
      for (const [label, geometry] of badGeometries(114.301, 30.501)) mutate('geometry', label, path, geometry);
    }
  }

  // The target in the path.
  if (spec.target) {
    const bad = [
      ['empty', ''],
      ['letters', 'abcdefghijkl'],
      ['negative', '-1'],
      ['zero padded negative', '-00000000001'],
      ['huge', '9'.repeat(40)],
      ['fraction', '1.5'],
      ['exponent', '1e3'],
      ['path traversal', '..%2F..%2Fetc%2Fpasswd'],
      ['encoded dot dot', '%2e%2e'],
      ['space', '%20'],
      ['SQL', encodeURIComponent("1' OR '1'='1")],
      ['NUL', '%00'],
      ['bad percent-encoding', '%E0%A4%A'],
      ['unicode digits', encodeURIComponent('１２３')],
      ['too short', spec.target.valid.slice(0, -1)],
      ['too long', `${spec.target.valid}0`],
      ['trailing letter', `${spec.target.valid.slice(0, -1)}x`],
    ];
    const at = (id: string) => withQuery(spec.route.replace(/:\w+/, id));
    for (const [label, id] of bad) add('target', label, { path: at(id) });
    for (const id of spec.target.unknown) add('target', `unknown ${spec.target.kind} ${id}`, { path: at(id) });
  }

  // Preconditions and headers.
  if (spec.ifMatch) {
    const tags: [string, string][] = [
      ['stale version', '"999"'],
      ['version 0', '"0"'],
      ['negative version', '"-1"'],
      ['garbage', 'garbage'],
      ['unquoted garbage', 'W/x'],
      ['huge version', `"${'9'.repeat(30)}"`],
      ['fraction', '"1.5"'],
      ['empty tag', '""'],
      ['many stale tags', Array.from({ length: 50 }, (_, i) => `"${i + 100}"`).join(', ')],
      ['Latin-1 bytes', '"\u00ff1"'],
      ['tab between tags', '"999"\t"998"'],
    ];
    for (const [label, tag] of tags) add('if-match', label, { headers: { 'If-Match': tag } });
    if (spec.ifMatch === 'required') add('if-match', 'missing', { headers: { 'If-Match': '' } });
  }
  if (spec.actor) {
    for (const [label, actor] of [
      ['invalid percent-encoding', '%E0%A4%A'],
      ['lone percent', '%'],
      ['bad hex', '%ZZ'],
      ['encoded lone surrogate', '%ED%A0%80'],
      ['encoded NUL', 'a%00b'],
      ['too long', 'a'.repeat(500)],
      ['encoded line break (a forged audit line)', '%E7%8E%8B%0Aadmin'],
      ['encoded bidi override', '%E7%8E%8B%E2%80%AEnimda'],
    ]) add('actor', label, { headers: { 'X-Actor': actor } });
  }

  // The path's own spelling: a malformed escape or a NUL in it is no endpoint's path.
  add('path', 'broken percent-escape in the path', { path: withQuery(`${spec.path}%zz`) });
  add('path', 'NUL in the path', { path: withQuery(`${spec.path}%00`) });
  // Any query parameter's text must be storable, whatever the parameter.
  add('query', 'NUL in a parameter', { query: spec.query ? `${spec.query}&reason=%00` : 'reason=%00' });
  add('query', 'NUL in a parameter name', { query: spec.query ? `${spec.query}&a%00b=1` : 'a%00b=1' });

  for (const query of spec.badQueries ?? []) add('query', query, { query: spec.query ? `${spec.query}&${query}` : query });
  for (const bad of spec.badBodies ?? []) add('body', bad.label, { body: bad.body, headers: bad.contentType ? { 'Content-Type': bad.contentType } : {} });

  // Seeded noise: random bytes and random JSON-ish token soup.
  const tokens = ['{', '}', '[', ']', ',', ':', '"', 'null', 'true', '1e999', '-', '0', '"type"', '"Feature"', '\\u0000', '\\ud800', ' '];
  for (let i = 0; i < 3; i++) {
    const bytes = Buffer.from(Array.from({ length: 1 + Math.floor(random() * 200) }, () => Math.floor(random() * 256)));
    if (!parses(bytes.toString())) add('fuzz', `random bytes #${i}`, { body: bytes, headers: spec.body === 'multipart' ? {} : { 'Content-Type': 'application/json' } });
    const soup = Array.from({ length: 1 + Math.floor(random() * 60) }, () => tokens[Math.floor(random() * tokens.length)]).join('');
    // Token soup that happens to be valid JSON is not garbage for every endpoint: leave it out.
    if (!parses(soup)) add('fuzz', `token soup #${i}`, { body: soup, headers: { 'Content-Type': 'application/json' } });
  }
  return out;
}

function isArrayText(value: unknown): boolean {
  return Array.isArray(value) || (value instanceof Raw && value.text.startsWith('['));
}

function formText(text: string): boolean {
  try {
    encodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
