/**
 * Incidents for maps and screens:
 * - GET /api/heatmap — incidents counted in square cells sized for the zoom (weighted points
 *   for an OpenLayers Heatmap layer);
 * - GET /api/stats — a region's incidents by child region (a village's: by grid) with
 *   households, statuses, categories, deadline lights and on-time rate;
 * - GET /api/events/stream — new and changed incidents as server-sent events.
 */
import { Router, type Request } from 'express';
import { apiRouter } from './router.js';
import type { HeatmapAnswer, StatsAnswer } from '../api-types/stats.js';
import type { FeedReset, FeedRevoked } from '../api-types/incidents.js';
import type { Store } from '../db/connect.js';
import type { IncidentService } from '../services/incidents.js';
import { badRequest, langOf } from '../errors.js';
import { incidentFilter } from './incidents.js';
import { scopedRegion } from '../http/authorize.js';
import { codeParam, integerParam, stringParam } from './params.js';
import { cellDegrees, cellSpan, incidentHeatmap, MAX_HEATMAP_CELLS, regionStats } from '../db/incident-stats.js';
import { IncidentFeed, type FeedSink } from '../services/incident-feed.js';
import { levelOfRegionCode } from '../geo/codes.js';
import { text, translate } from '../i18n/catalogue.js';
import type { KeyResolver } from '../http/authenticate.js';

const DEFAULT_ZOOM = 12;
const MAX_ZOOM = 22;
/** The browser waits this long before reconnecting a dropped stream. */
const RETRY_MS = 3000;
/** A client this far behind (bytes not yet taken by its socket) is dropped; it reconnects and replays. */
const MAX_BUFFERED = 1 << 20;

/** Query parameters that a stream cannot honour (they depend on time, or on state that changes). */
const NOT_ON_STREAM = ['status', 'light', 'from', 'to'];

function lastEventIdOf(req: Request): number | undefined {
  const raw = req.get('Last-Event-ID') ?? stringParam(req, 'lastEventId');
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw.trim());
  if (!/^\d{1,15}$/.test(raw.trim()) || !Number.isSafeInteger(value)) throw badRequest('invalid_parameter', text('invalid_parameter.last_event_id', { raw }));
  return value;
}

export function incidentViewsRouter(store: Store, incidents: IncidentService, keys: KeyResolver): Router {
  const router = apiRouter();
  const categoryCodes = () => incidents.rules.categories.map((c) => c.code);
  let feed: IncidentFeed | undefined;
  const liveFeed = () => (feed ??= new IncidentFeed(store.db, incidents.clock));

  router.get('/heatmap', async (req, res) => {
    const filter = incidentFilter(req, categoryCodes());
    const zoom = integerParam(req, 'zoom', DEFAULT_ZOOM, 0, MAX_ZOOM);
    if (!filter.bbox) throw badRequest('bbox_required', text('bbox_required'));
    const cellDeg = cellDegrees(zoom);
    const span = cellSpan(filter.bbox, cellDeg);
    if (span.cells > MAX_HEATMAP_CELLS) {
      throw badRequest(
        'bbox_too_large',
        text('bbox_too_large', { columns: span.columns, rows: span.rows, cells: span.cells, cellDeg, zoom, max: MAX_HEATMAP_CELLS }),
        { cells: span.cells, maxCells: MAX_HEATMAP_CELLS, cellDeg },
      );
    }
    const heatmap = await incidentHeatmap(store.db, filter, zoom, incidents.clock.now());
    const answer: HeatmapAnswer = { zoom, cellDeg, ...heatmap };
    res.json(answer);
  });

  router.get('/stats', async (req, res) => {
    const raw = stringParam(req, 'region');
    if (raw === undefined) throw badRequest('region_required', text('region_required'));
    const asked = codeParam(raw, 12);
    if (!levelOfRegionCode(asked)) throw badRequest('invalid_code', text('invalid_code.not_region', { code: asked }));
    // A key of a smaller area gets the statistics of its own area (as every list is narrowed to it).
    const code = scopedRegion(req, asked);
    const filter = incidentFilter(req, categoryCodes());
    const now = incidents.clock.now();
    const stats = await regionStats(store.db, code, filter, categoryCodes(), now);
    const answer: StatsAnswer = { ...stats, ...(code !== asked ? { requested: asked } : {}), from: filter.from?.toISOString() ?? null, to: filter.to?.toISOString() ?? null, asOf: now.toISOString() };
    res.json(answer);
  });

  router.get('/events/stream', async (req, res) => {
    for (const name of NOT_ON_STREAM) {
      if (req.query[name] !== undefined) throw badRequest('invalid_parameter', text('invalid_parameter.stream_filter', { name }));
    }
    const { regionPrefix, gridCode, categories, bbox, placePrefixes } = incidentFilter(req, categoryCodes());
    const lastEventId = lastEventIdOf(req);

    let closed = false;
    const write = (chunk: string) => {
      if (closed) return;
      res.write(chunk);
      // A client that does not keep up is dropped; it reconnects with Last-Event-ID and replays.
      if (res.writableLength > MAX_BUFFERED) {
        closed = true;
        res.end();
      }
    };
    const sink: FeedSink = {
      open: () => {
        if (closed) return;
        res.status(200).set({
          'Content-Type': 'text/event-stream; charset=utf-8',
          'Cache-Control': 'no-cache',
          Connection: 'keep-alive',
          'X-Accel-Buffering': 'no',
        });
        res.flushHeaders();
        req.socket.setNoDelay(true);
        // The connection stays open: no idle timeout (the heartbeat keeps proxies from closing it).
        req.socket.setTimeout(0);
        write(`retry: ${RETRY_MS}\n\n`);
      },
      incident: (incident) => write(`id: ${incident.changeSeq}\nevent: incident\ndata: ${JSON.stringify(incident)}\n\n`),
      reset: (id) =>
        write(`id: ${id}\nevent: reset\ndata: ${JSON.stringify({ reason: 'too_many_changes', message: translate(text('too_many_changes'), langOf(req)) } satisfies FeedReset)}\n\n`),
      ping: () => write(': ping\n\n'),
    };
    // The response (not the request: its 'close' comes when its body has been read) closes when
    // the client goes away.
    const subscribing = liveFeed().subscribe(sink, { regionPrefix, gridCode, categories, bbox, placePrefixes }, lastEventId);
    // A key revoked while its stream is open ends the stream (its reconnect then meets 401).
    const unwatch = req.principal
      ? keys.watch(req.principal.keyId, () => {
          write(`event: revoked\ndata: ${JSON.stringify({ code: 'invalid_key' } satisfies FeedRevoked)}\n\n`);
          closed = true;
          res.end();
        })
      : () => {};
    res.on('close', () => {
      closed = true;
      unwatch();
      subscribing.then((subscription) => subscription.close()).catch(() => {});
    });
    try {
      await subscribing;
    } catch (error) {
      if (!res.headersSent) throw error;
      // The stream has begun: all that is left is to end it (the client will reconnect).
      console.error('[gridgov] event stream failed:', error);
      res.end();
    }
  });

  return router;
}
