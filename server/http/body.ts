/**
 * Request bodies are read only once the caller is known and allowed, and only as far as the
 * endpoint's policy row says (server/http/access-policy.ts, BodyKind): a small limit for
 * ordinary JSON, the large one for imports and layers. A body sent to an endpoint that takes
 * none, or to a path that is no endpoint, is never read.
 */
import express, { type RequestHandler } from 'express';
import type { Limits } from '../config.js';

const JSON_TYPES = ['application/json', 'application/geo+json', 'application/*+json'];

export function readBody(limits: Pick<Limits, 'bodyBytes' | 'smallBodyBytes'>): RequestHandler {
  // Any JSON value at the top level is accepted (strict: false) so that routes can say what they expected.
  const small = express.json({ limit: limits.smallBodyBytes, type: JSON_TYPES, strict: false });
  const bulk = express.json({ limit: limits.bodyBytes, type: JSON_TYPES, strict: false });
  return (req, res, next) => {
    const kind = req.endpoint?.body;
    if (kind === 'json') return small(req, res, next);
    if (kind === 'bulk') return bulk(req, res, next);
    next();
  };
}
