/**
 * POST /api/feeds/events — up to 1,000 camera and sensor events a request; GET /api/media/:id —
 * their snapshots (`?size=thumb` for the 320 px WebP).
 */
import { Router } from 'express';
import { ApiError, badRequest, forbidden, langOf } from '../errors.js';
import { coversEverything } from '../http/authorize.js';
import { covers } from '../access/principal.js';
import type { Store } from '../db/connect.js';
import { mediaBytes, mediaPlaces } from '../db/media.js';
import { MAX_FEED_BATCH, type FeedIngest } from '../services/feed-ingest.js';
import { crsParam, jsonBody, stringParam } from './params.js';
import { localize, text } from '../i18n/catalogue.js';

export function feedsRouter(ingest: FeedIngest): Router {
  const router = Router();
  router.post('/events', async (req, res) => {
    const body = jsonBody(req) as { crs?: unknown; events?: unknown } | unknown[];
    const events = Array.isArray(body) ? body : body && typeof body === 'object' ? body.events : undefined;
    if (!Array.isArray(events)) throw badRequest('invalid_json', text('invalid_json.events'));
    if (events.length > MAX_FEED_BATCH) throw new ApiError(413, 'batch_too_large', text('batch_too_large.events', { count: events.length, limit: MAX_FEED_BATCH }));
    const crs = crsParam(Array.isArray(body) ? undefined : (body as { crs?: unknown }).crs);
    // A device key sends for its own devices; any other key allowed here (an admin) for all.
    const own = req.principal?.deviceIds ? new Set(req.principal.deviceIds) : undefined;
    // Each refused event's reason, in the reader's language.
    res.json(localize(await ingest.ingest(events, crs, own ? (deviceId) => own.has(deviceId) : undefined), langOf(req)));
  });
  return router;
}

export function mediaRouter(store: Store): Router {
  const router = Router();
  router.get('/:id', async (req, res) => {
    const raw = req.params.id;
    if (!/^\d{1,15}$/.test(raw)) throw badRequest('invalid_id', text('invalid_id.media', { got: raw }));
    const size = stringParam(req, 'size') ?? 'original';
    if (size !== 'original' && size !== 'thumb') throw badRequest('invalid_parameter', text('invalid_parameter.media_size'));
    if (!coversEverything(req)) {
      // A key of one area sees the snapshots of events and incidents in it.
      const places = await mediaPlaces(store.db, Number(raw));
      if (!places.some((code) => req.principal && covers(req.principal, code))) throw forbidden('out_of_scope', text('out_of_scope.media'));
    }
    const media = await mediaBytes(store.db, Number(raw), size);
    // Media never change: cache them for good.
    res.set({ 'Content-Type': media.contentType, 'Cache-Control': 'private, max-age=31536000, immutable', ETag: `"${media.sha256}${size === 'thumb' ? '-t' : ''}"` });
    res.send(media.bytes);
  });
  return router;
}
