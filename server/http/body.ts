/**
 * Request bodies are read only once the caller is known and allowed, and only as far as the
 * endpoint's policy row says (server/http/access-policy.ts, BodyKind): a small limit for
 * ordinary JSON, the large one for imports and layers. A body sent to a path that is no endpoint
 * is never read; one sent to an endpoint that takes none is refused unread.
 */
import express, { type Request, type RequestHandler } from 'express';
import { badRequest } from '../errors.js';
import { text } from '../i18n/catalogue.js';
import type { Limits } from '../config.js';

/** Whether a request carries a body (a length over zero, or a chunked one). */
function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

const JSON_TYPES = ['application/json', 'application/geo+json', 'application/*+json'];

export function readBody(limits: Pick<Limits, 'bodyBytes' | 'smallBodyBytes'>): RequestHandler {
  // Any JSON value at the top level is accepted (strict: false) so that routes can say what they expected.
  const small = express.json({ limit: limits.smallBodyBytes, type: JSON_TYPES, strict: false });
  const bulk = express.json({ limit: limits.bodyBytes, type: JSON_TYPES, strict: false });
  return (req, res, next) => {
    const kind = req.endpoint?.body;
    if (kind === 'json') return small(req, res, next);
    if (kind === 'bulk') return bulk(req, res, next);
    // A body sent where none is taken is refused, unread: a client that thinks it sends conditions
    // (a version, a reason) with a DELETE must not have it carried out without them.
    if (kind === 'none' && hasBody(req)) throw badRequest('unexpected_body', text('unexpected_body'));
    next();
  };
}
