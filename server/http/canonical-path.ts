/**
 * One spelling of every request path, decided before anything looks at it, so that routing and
 * the access policy can never disagree about which endpoint a request is for.
 *
 * A path is brought to its canonical form (RFC 3986 §6.2.2): percent-escapes of unreserved
 * characters decoded (`%6Beys` → `keys`) and the others written in upper case, runs of slashes
 * collapsed, `.` and `..` segments resolved, a trailing slash dropped. Letter case is kept: the
 * router and the policy both match case-sensitively (app.ts), so `/API/keys` is simply no
 * endpoint, and ids that differ in case stay different ids.
 */
import type { NextFunction, Request, Response } from 'express';
import { badRequest } from '../errors.js';
import { text } from '../i18n/catalogue.js';

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** The canonical form of a URL path, or undefined when it is malformed (a broken escape, a NUL). */
export function canonicalPath(path: string): string | undefined {
  if (!path.startsWith('/')) return undefined;
  let decoded = '';
  for (let i = 0; i < path.length; i++) {
    const char = path[i]!;
    if (char !== '%') {
      if (char === '\\' || char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f) return undefined;
      decoded += char;
      continue;
    }
    const hex = path.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
    const code = parseInt(hex, 16);
    if (code === 0) return undefined;
    const byte = String.fromCharCode(code);
    decoded += UNRESERVED.test(byte) ? byte : `%${hex.toUpperCase()}`;
    i += 2;
  }
  const segments: string[] = [];
  for (const segment of decoded.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return `/${segments.join('/')}`;
}

/**
 * Rewrites `req.url` to the canonical path (the query as sent); the original stays in
 * `req.originalUrl` for the logs. A malformed path is a 400.
 */
export function canonicalUrl(req: Request, _res: Response, next: NextFunction): void {
  const queryStart = req.url.indexOf('?');
  const path = queryStart === -1 ? req.url : req.url.slice(0, queryStart);
  const canonical = canonicalPath(path);
  if (canonical === undefined) throw badRequest('invalid_path', text('invalid_path'));
  if (canonical !== path) req.url = canonical + (queryStart === -1 ? '' : req.url.slice(queryStart));
  next();
}
