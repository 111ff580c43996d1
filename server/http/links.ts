/**
 * Links in answers (OGC API documents and pages, TileJSON, Open311 media URLs). They never carry
 * a key. Their base is the operator's public URL (GRIDGOV_PUBLIC_URL) when set — then the Host
 * header, which any client can set, plays no part. Without it, clients such as GDAL still need
 * absolute links, so the request's own scheme and Host are used, but only a Host that is a plain
 * host name or address with a port (else links are path-absolute), and the answer says
 * `Vary: Host` so that no shared cache hands one caller's links to another.
 */
import type { Request } from 'express';
import { CREDENTIAL_PARAMS } from './authenticate.js';

const PUBLIC_URL_SETTING = 'gridgov public url';

/** Where the app is reached from outside (no trailing slash), or undefined for relative links. */
export function setPublicUrl(app: { set(name: string, value: unknown): unknown }, publicUrl: string | undefined): void {
  app.set(PUBLIC_URL_SETTING, publicUrl);
}

const PLAIN_HOST = /^(?:[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/** A link to a path of this service (`/ogc/collections`). */
export function linkTo(req: Request, path: string): string {
  const configured = req.app.get(PUBLIC_URL_SETTING) as string | undefined;
  if (configured !== undefined) return `${configured}${path}`;
  const host = req.get('host');
  req.res?.vary('Host');
  return host !== undefined && PLAIN_HOST.test(host) ? `${req.protocol}://${host}${path}` : path;
}

/** The request's own query without credentials, as `?a=1&b=2` (or ''), optionally changed. */
export function queryWithout(req: Request, change: (query: URLSearchParams) => void = () => {}): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(req.query)) {
    if (typeof value === 'string' && !CREDENTIAL_PARAMS.includes(name)) query.set(name, value);
  }
  change(query);
  const text = query.toString();
  return text ? `?${text}` : '';
}
