/**
 * POST /api/feeds/events — up to 1,000 camera and sensor events a request; GET /api/media/:id —
 * their snapshots (`?size=thumb` for the 320 px WebP).
 */
import { Router } from 'express';
import { apiRouter } from './router.js';
import { ApiError, badRequest, forbidden } from '../errors.js';
import { coversEverything } from '../http/authorize.js';
import { covers } from '../access/principal.js';
import type { Store } from '../db/connect.js';
import { mediaBytes, mediaPlaces } from '../db/media.js';
import { MAX_FEED_BATCH, type FeedIngest } from '../services/feed-ingest.js';
import { crsParam, jsonBody, stringParam } from './params.js';

export function feedsRouter(ingest: FeedIngest): Router {
  const router = apiRouter();
  router.post('/events', async (req, res) => {
    const body = jsonBody(req) as { crs?: unknown; events?: unknown } | unknown[];
    const events = Array.isArray(body) ? body : body && typeof body === 'object' ? body.events : undefined;
    if (!Array.isArray(events)) throw badRequest('invalid_json', 'Expected { "crs"?, "events": [{ deviceId, eventId, type, occurredAt, severity, lon?, lat?, snapshot? }, …] }');
    if (events.length > MAX_FEED_BATCH) throw new ApiError(413, 'batch_too_large', `${events.length} events; one request takes at most ${MAX_FEED_BATCH}`);
    const crs = crsParam(Array.isArray(body) ? undefined : (body as { crs?: unknown }).crs);
    // A device key sends for its own devices; any other key allowed here (an admin) for all —
    // and either only within its area.
    const principal = req.principal;
    const own = principal?.deviceIds ? new Set(principal.deviceIds) : undefined;
    res.json(
      await ingest.ingest(events, crs, {
        mayReport: own ? (deviceId) => own.has(deviceId) : () => true,
        covers: principal ? (place) => covers(principal, place) : () => true,
      }),
    );
  });
  return router;
}

export function mediaRouter(store: Store): Router {
  const router = apiRouter();
  router.get('/:id', async (req, res) => {
    const raw = req.params.id;
    if (!/^\d{1,15}$/.test(raw)) throw badRequest('invalid_id', `A media id is a positive integer, got "${raw}"`);
    const size = stringParam(req, 'size') ?? 'original';
    if (size !== 'original' && size !== 'thumb') throw badRequest('invalid_parameter', 'size must be original or thumb');
    if (!coversEverything(req)) {
      // A key of one area sees the snapshots of events and incidents in it.
      const places = await mediaPlaces(store.db, Number(raw));
      if (!places.some((code) => req.principal && covers(req.principal, code))) throw forbidden('out_of_scope', 'This snapshot lies outside the area of this key');
    }
    const media = await mediaBytes(store.db, Number(raw), size);
    // Media never change: cache them for good.
    res.set({ 'Content-Type': media.contentType, 'Cache-Control': 'private, max-age=31536000, immutable', ETag: `"${media.sha256}${size === 'thumb' ? '-t' : ''}"` });
    res.send(media.bytes);
  });
  return router;
}
