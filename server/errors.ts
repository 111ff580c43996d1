/**
 * One error type, one JSON shape: `{ "error": { "code", "message", "details"? } }`.
 * Anything thrown that is not an ApiError is our fault and becomes a 500 without internals.
 */
import type { ErrorRequestHandler, Request, Response } from 'express';
import { localize, text, translate, type Text } from './i18n/catalogue.js';
import { negotiateLang, type Lang } from './i18n/lang.js';
import { DomainError, type DomainErrorKind } from './domain-errors.js';

/**
 * An error the caller is to read: its HTTP status, a stable English `code`, and its message as a
 * catalogue Text (server/i18n/catalogue.ts) — only a Text, so that no message can be written
 * anywhere but in the catalogue, in both languages. It is put into words in the reader's
 * language when answered; `message` (the Error's own) is the English, for logs.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly text: Text,
    readonly details?: unknown,
  ) {
    super(translate(text, 'en'));
    this.name = 'ApiError';
  }

  /** The message in the reader's language. */
  messageIn(lang: Lang): string {
    return translate(this.text, lang);
  }
}

export const badRequest = (code: string, message: Text, details?: unknown) => new ApiError(400, code, message, details);
export const unprocessable = (code: string, message: Text, details?: unknown) => new ApiError(422, code, message, details);
export const notFound = (code: string, message: Text, details?: unknown) => new ApiError(404, code, message, details);
export const unauthorized = (code: string, message: Text, details?: unknown) => new ApiError(401, code, message, details);
export const forbidden = (code: string, message: Text, details?: unknown) => new ApiError(403, code, message, details);
export const conflict = (code: string, message: Text, details?: unknown) => new ApiError(409, code, message, details);

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
    return new ApiError(413, 'payload_too_large', text('payload_too_large', { limit }), { limit });
  }
  if (type === 'entity.parse.failed') {
    return badRequest('invalid_json', text('invalid_json.body', { detail: err.message }));
  }
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new ApiError(415, 'unsupported_encoding', text('unsupported_encoding', { detail: err.message }));
  }
  if (type === 'request.aborted') return badRequest('request_aborted', text('request_aborted'));
  const status = (err as { status?: number }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new ApiError(status, 'bad_request', text('bad_request', { detail: err.message }));
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
  return unprocessable('geometry_error', text('geometry_error', { detail: err.message }));
}

/**
 * SQLSTATE 57014: the server cancelled a statement, normally because it ran past the pool's
 * statement_timeout (db/connect.ts). The service is fine and the request may well be too; it
 * was too slow now, so 503 — not a 500 with a stack. Logged in one line: a slow query to look at.
 */
function fromQueryTimeout(err: unknown): ApiError | undefined {
  if (!(err instanceof Error) || (err as { code?: unknown }).code !== '57014') return undefined;
  console.warn(`[gridgov] a database query was cancelled: ${err.message}`);
  return new ApiError(503, 'query_timeout', text('query_timeout'));
}

/**
 * Our own failure: its stack goes to the request's log line (pino-http logs `res.err` with the
 * request id), never into the response.
 */
export function recordInternalError(res: Response, err: unknown): void {
  res.err = err instanceof Error ? err : new Error(String(err));
}

/** The one mapping from a domain error's kind to its HTTP status. */
const DOMAIN_STATUS: Record<DomainErrorKind, number> = {
  not_found: 404,
  gone: 410,
  conflict: 409,
  stale: 412,
  invalid: 422,
  bad_input: 400,
  too_large: 413,
  forbidden: 403,
  too_many: 429,
};

export function fromDomainError(err: unknown): ApiError | undefined {
  if (!(err instanceof DomainError)) return undefined;
  return new ApiError(DOMAIN_STATUS[err.kind], err.code, err.text, err.details);
}

/**
 * Every error a caller is to read, as HTTP answers it: ours (ApiError), the domain's (mapped once,
 * above), express' body parser's, a cancelled statement, a geometry PostGIS refused. Undefined
 * for the rest — our own faults, a 500. The API's, Open311's and OGC's error handlers all use it.
 */
export function answerableError(err: unknown): ApiError | undefined {
  return asApiError(err) ?? fromBodyParser(err) ?? fromQueryTimeout(err) ?? fromGeometryEngine(err);
}

/** An error the caller is to read, as HTTP says it (an ApiError, or a domain error mapped), or undefined for our own faults. */
export function asApiError(err: unknown): ApiError | undefined {
  return err instanceof ApiError ? err : fromDomainError(err);
}

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const apiError = answerableError(err);
  if (apiError) {
    const lang = langOf(req);
    const body: { code: string; message: string; details?: unknown } = {
      code: apiError.code,
      message: apiError.messageIn(lang),
    };
    // Problem lists and the like carry Texts too: put into words in the same language.
    if (apiError.details !== undefined) body.details = localize(apiError.details, lang);
    res.status(apiError.status).json({ error: body });
    return;
  }
  recordInternalError(res, err);
  res.status(500).json({ error: { code: 'internal', message: translate(text('internal'), langOf(req)) } });
};
