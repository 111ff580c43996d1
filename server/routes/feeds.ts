/**
 * POST /api/feeds/events — up to 1,000 camera and sensor events a request; POST
 * /api/feeds/gb28181 — GB/T 28181 alarm notifications (MANSCDP XML) as platforms send them;
 * GET /api/media/:id — their snapshots (`?size=thumb` for the 320 px WebP).
 */
import express, { Router, type Request } from 'express';
import { apiRouter } from './router.js';
import { ApiError, badRequest, forbidden, langOf, notFound } from '../errors.js';
import { coversEverything } from '../http/authorize.js';
import { covers } from '../access/principal.js';
import type { Store } from '../db/connect.js';
import { mediaBytes, mediaPlaces } from '../db/media.js';
import type { Thumbnailer } from '../media/thumbnailer.js';
import { MAX_FEED_BATCH, RefusedEvent, type FeedAccess, type FeedIngest, type IngestReport } from '../services/feed-ingest.js';
import type { FeedIngestAnswer, FeedIngestCompactAnswer } from '../api-types/feeds.js';
import { countNotifies, decodeManscdp, MAX_NOTIFIES, readNotifies } from '../formats/manscdp.js';
import { alarmEvent } from '../incidents/gb28181-alarm.js';
import { crsParam, jsonBody, stringParam } from './params.js';
import { localize, text } from '../i18n/catalogue.js';

/** The largest GB/T 28181 body (a notification is under 1 KB; a forwarded backlog of 1,000 fits). */
const MAX_MANSCDP_BYTES = 1024 * 1024;
const isManscdp = (req: Request) => /^application\/manscdp\+xml\s*(;|$)/i.test(req.get('Content-Type') ?? '');

/**
 * GB/T 28181 alarm notifications as platforms forward them (server/formats/manscdp.ts): each
 * `<Notify>` one event, through the same ingest as JSON events — idempotent, each bad one
 * refused on its own (broken XML, not an alarm, unknown device…) while the others count.
 */
function gb28181Events(req: Request): unknown[] {
  const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const body = decodeManscdp(bytes, /charset=([^;\s]+)/i.exec(req.get('Content-Type') ?? '')?.[1]);
  if (countNotifies(body) > MAX_NOTIFIES) throw new ApiError(413, 'batch_too_large', text('batch_too_large.notifies', { count: countNotifies(body), limit: MAX_NOTIFIES }));
  const notifies = readNotifies(body);
  if (!notifies) throw badRequest('invalid_xml', text('invalid_xml.no_notify'));
  return notifies.map((read) => {
    if (!read.ok) return new RefusedEvent({ code: read.code, message: read.message });
    const alarm = alarmEvent(read.notify);
    return alarm.ok ? alarm.event : new RefusedEvent({ code: alarm.code, message: alarm.message });
  });
}

/** Which answer the caller asked for (`?answer=compact`: counts and refused events only), checked before the batch is read. */
function answerForm(req: Request): 'full' | 'compact' {
  const form = stringParam(req, 'answer') ?? 'full';
  if (form !== 'full' && form !== 'compact') throw badRequest('invalid_parameter', text('invalid_parameter.feed_answer', { got: form }));
  return form;
}

/** A batch's report as asked for, each refused event's reason in the reader's language. */
function answer(req: Request, form: 'full' | 'compact', report: IngestReport): FeedIngestAnswer | FeedIngestCompactAnswer {
  const lang = langOf(req);
  if (form === 'full') return localize(report, lang) satisfies FeedIngestAnswer;
  const { results, ...counts } = report;
  const refused = results.filter((r) => r.status === 'rejected');
  return { ...counts, refused: localize(refused, lang) } satisfies FeedIngestCompactAnswer;
}

export function feedsRouter(ingest: FeedIngest): Router {
  const router = apiRouter();
  /**
   * What a caller may report: a device key, its own devices; any other key allowed here (an
   * admin), all — and either only within its area.
   */
  const access = (req: Request): FeedAccess => {
    const principal = req.principal;
    const own = principal?.deviceIds ? new Set(principal.deviceIds) : undefined;
    return {
      mayReport: own ? (deviceId) => own.has(deviceId) : () => true,
      covers: principal ? (place) => covers(principal, place) : () => true,
    };
  };
  router.post('/events', async (req, res) => {
    const form = answerForm(req);
    const body = jsonBody(req) as { crs?: unknown; events?: unknown } | unknown[];
    const events = Array.isArray(body) ? body : body && typeof body === 'object' ? body.events : undefined;
    if (!Array.isArray(events)) throw badRequest('invalid_json', text('invalid_json.events'));
    if (events.length > MAX_FEED_BATCH) throw new ApiError(413, 'batch_too_large', text('batch_too_large.events', { count: events.length, limit: MAX_FEED_BATCH }));
    const crs = crsParam(Array.isArray(body) ? undefined : (body as { crs?: unknown }).crs);
    res.json(answer(req, form, await ingest.ingest(events, crs, access(req))));
  });

  router.post(
    '/gb28181',
    (req, _res, next) => {
      if (!isManscdp(req)) throw new ApiError(415, 'unsupported_media_type', text('unsupported_media_type.manscdp'));
      next();
    },
    express.raw({ type: () => true, limit: MAX_MANSCDP_BYTES }),
    async (req, res) => {
      const form = answerForm(req);
      const events = gb28181Events(req);
      // Longitude/Latitude are WGS84 unless the platform says otherwise (?crs=gcj02…).
      res.json(answer(req, form, await ingest.ingest(events, crsParam(stringParam(req, 'crs')), access(req))));
    },
  );
  return router;
}

export function mediaRouter(store: Store, thumbnailer: Thumbnailer): Router {
  const router = apiRouter();
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
    let media = await mediaBytes(store.db, Number(raw), size);
    if (size === 'thumb' && media.bytes === null && media.thumbError === null) {
      // Not made yet (they are made just after a batch is answered): made now, for this reader.
      await thumbnailer.ensure(Number(raw));
      media = await mediaBytes(store.db, Number(raw), size);
    }
    if (media.bytes === null) throw notFound('no_thumbnail', text('no_thumbnail', { id: raw, reason: media.thumbError ?? '—' }));
    // Media never change: cache them for good.
    res.set({ 'Content-Type': media.contentType, 'Cache-Control': 'private, max-age=31536000, immutable', ETag: `"${media.sha256}${size === 'thumb' ? '-t' : ''}"` });
    res.send(media.bytes);
  });
  return router;
}
