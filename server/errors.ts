/**
 * One error type, one JSON shape: `{ "error": { "code", "message", "details"? } }`.
 * Anything thrown that is not an ApiError is our fault and becomes a 500 without internals.
 */
import type { ErrorRequestHandler, Request, Response } from 'express';
import { messages, translate, type Text } from './i18n/catalogue.js';
import { negotiateLang, type Lang } from './i18n/lang.js';
import { DomainError, type DomainErrorKind } from './domain-errors.js';

/**
 * A message is a catalogue entry (`Text`, rendered in the reader's language when answered) or —
 * until every message is in the catalogue — a plain English string.
 */
export type Message = string | Text;

export class ApiError extends Error {
  readonly text: Message;
  constructor(
    readonly status: number,
    readonly code: string,
    message: Message,
    readonly details?: unknown,
  ) {
    super(typeof message === 'string' ? message : translate(message, 'en'));
    this.text = message;
    this.name = 'ApiError';
  }

  /** The message in the reader's language. */
  messageIn(lang: Lang): string {
    return typeof this.text === 'string' ? this.text : translate(this.text, lang);
  }
}

export const badRequest = (code: string, message: Message, details?: unknown) =>
  new ApiError(400, code, message, details);
export const unprocessable = (code: string, message: Message, details?: unknown) =>
  new ApiError(422, code, message, details);
export const notFound = (code: string, message: Message, details?: unknown) =>
  new ApiError(404, code, message, details);
export const unauthorized = (code: string, message: Message, details?: unknown) =>
  new ApiError(401, code, message, details);
export const forbidden = (code: string, message: Message, details?: unknown) =>
  new ApiError(403, code, message, details);
export const conflict = (code: string, message: Message, details?: unknown) =>
  new ApiError(409, code, message, details);

/** The language a request's answer is written in: `?lang=`, else Accept-Language, else Chinese. */
export function langOf(req: Request): Lang {
  const explicit = typeof req.query?.lang === 'string' ? req.query.lang : undefined;
  return negotiateLang(explicit, req.get('Accept-Language'));
}

/**
 * Errors raised by express' own body parser carry a `type` and a `status`; those of its
 * decompression (a body that is not the gzip it claims) and of the router (a path parameter
 * that is not valid percent-encoding: a URIError) carry only a 4xx `status`.
 */
export function fromBodyParser(err: unknown): ApiError | undefined {
  if (!(err instanceof Error) || !('type' in err || 'expose' in err || err instanceof URIError)) return undefined;
  const type = (err as { type?: unknown }).type;
  if (type === 'entity.too.large') {
    const limit = (err as { limit?: number }).limit;
    return new ApiError(413, 'payload_too_large', `Request body exceeds the limit of ${limit} bytes`, { limit });
  }
  if (type === 'entity.parse.failed') {
    return badRequest('invalid_json', `Request body is not valid JSON: ${err.message}`);
  }
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new ApiError(415, 'unsupported_encoding', err.message);
  }
  if (type === 'request.aborted') return badRequest('request_aborted', 'The request was aborted by the client');
  const status = (err as { status?: number }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new ApiError(status, 'bad_request', err.message);
  }
  return undefined;
}

/**
 * GEOS can still refuse a geometry that passed ST_IsValid (a topology exception in an overlay
 * of near-degenerate shapes). That is the caller's geometry, so it is a 422, not our 500.
 */
function fromGeometryEngine(err: unknown): ApiError | undefined {
  if (!(err instanceof Error)) return undefined;
  if (!/GEOS|TopologyException|invalid GeoJSON|parse error - invalid geometry/i.test(err.message)) return undefined;
  return unprocessable('geometry_error', `The geometry engine could not process this geometry: ${err.message}`);
}

/**
 * SQLSTATE 57014: the server cancelled a statement, normally because it ran past the pool's
 * statement_timeout (db/connect.ts). The service is fine and the request may well be too; it
 * was too slow now, so 503 — not a 500 with a stack. Logged in one line: a slow query to look at.
 */
function fromQueryTimeout(err: unknown): ApiError | undefined {
  if (!(err instanceof Error) || (err as { code?: unknown }).code !== '57014') return undefined;
  console.warn(`[gridgov] a database query was cancelled: ${err.message}`);
  return new ApiError(503, 'query_timeout', 'The database did not finish this request in time and cancelled it; try a smaller request (area, batch) or try again later');
}

/**
 * Our own failure: its stack goes to the request's log line (pino-http logs `res.err` with the
 * request id), never into the response.
 */
export function recordInternalError(res: Response, err: unknown): void {
  res.err = err instanceof Error ? err : new Error(String(err));
}

function isText(value: object): value is Text {
  const keys = Object.keys(value);
  return typeof (value as Text).key === 'string' && Object.hasOwn(messages, (value as Text).key) && keys.every((k) => k === 'key' || k === 'params');
}

/** Details with every catalogue Text in them (a problem list's messages) written in `lang`. */
export function withTexts(details: unknown, lang: Lang, depth = 0): unknown {
  if (details === null || typeof details !== 'object' || depth > 8) return details;
  if (Array.isArray(details)) return details.map((item) => withTexts(item, lang, depth + 1));
  if (Object.getPrototypeOf(details) !== Object.prototype) return details;
  if (isText(details)) return translate(details, lang);
  return Object.fromEntries(Object.entries(details).map(([key, value]) => [key, withTexts(value, lang, depth + 1)]));
}

/** The one mapping from a domain error's kind to its HTTP status. */
const DOMAIN_STATUS: Record<DomainErrorKind, number> = { not_found: 404, gone: 410, conflict: 409, stale: 412, invalid: 422, forbidden: 403, too_many: 429 };

export function fromDomainError(err: unknown): ApiError | undefined {
  if (!(err instanceof DomainError)) return undefined;
  return new ApiError(DOMAIN_STATUS[err.kind], err.code, err.text, err.details);
}

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const apiError = err instanceof ApiError ? err : (fromDomainError(err) ?? fromBodyParser(err) ?? fromQueryTimeout(err) ?? fromGeometryEngine(err));
  if (apiError) {
    const body: { code: string; message: string; details?: unknown } = {
      code: apiError.code,
      message: apiError.messageIn(langOf(req)),
    };
    if (apiError.details !== undefined) body.details = withTexts(apiError.details, langOf(req));
    res.status(apiError.status).json({ error: body });
    return;
  }
  recordInternalError(res, err);
  res.status(500).json({ error: { code: 'internal', message: translate({ key: 'internal' }, langOf(req)) } });
};
