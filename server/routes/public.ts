/**
 * What residents reach without a key (随手拍):
 * - POST /api/public/reports — multipart: `photo` (JPEG/PNG), `lon`, `lat` (`crs`: wgs84 by
 *   default, gcj02 from a Chinese map), `category`, `description` → 201 { trackingNumber };
 * - GET /api/public/reports/:number — its status and the notes written for the public;
 * - GET /api/public/categories — the categories to choose from, and where reports are taken;
 * - GET /api/public/streets?bbox= — named streets of a small box, for the map to tap on.
 * Nothing of any other incident is visible here: no ids, no grid codes, no names.
 */
import type { Router } from 'express';
import type { Store } from '../db/connect.js';
import { ApiError, asApiError, badRequest } from '../errors.js';
import { text } from '../i18n/catalogue.js';
import { apiRouter } from './router.js';
import { readUpload } from './multipart.js';
import { coordinateProblem } from '../geo/validate.js';
import { bboxParam, crsParam } from './params.js';
import { checkedPhotoBytes } from '../services/photos.js';
import { publicStatus, serviceArea, streetsIn } from '../db/public-reports.js';
import { filePublicReport, TRACKING_NUMBER, type PublicReportOptions } from '../services/public-reports.js';
import type { IncidentService } from '../services/incidents.js';
import { MAX_PHOTO_BYTES } from '../media/snapshot.js';
import { unstorableText } from '../formats/encoding.js';
import type { PublicCategoriesAnswer, PublicReportFiled, PublicStreetsAnswer } from '../api-types/public.js';

const FIELDS = ['lon', 'lat', 'crs', 'category', 'description'];
const MAX_DESCRIPTION = 500;
/** The residents' map asks for streets of a small box only (about 3 km across). */
const MAX_STREETS_SPAN = 0.03;
const MAX_STREETS = 3000;
/** The whole body: the photo and a few short fields. A bigger one is refused before it is read. */
const MAX_BODY = MAX_PHOTO_BYTES + 64 * 1024;

export function publicRouter(store: Store, incidents: IncidentService, options: PublicReportOptions): Router {
  const router = apiRouter();

  router.get('/categories', async (_req, res) => {
    res.json({
      categories: incidents.rules.categories.map(({ code, name, nameEn }) => ({ code, name, nameEn })),
      maxPhotoBytes: MAX_PHOTO_BYTES,
      open: options.perHour > 0,
      // Where reports are taken: the map opens there.
      area: await serviceArea(store.db),
    } satisfies PublicCategoriesAnswer);
  });

  router.get('/streets', async (req, res) => {
    const bbox = bboxParam(req);
    if (!bbox) throw badRequest('bbox_required', text('public_bbox'));
    if (bbox[2] - bbox[0] > MAX_STREETS_SPAN || bbox[3] - bbox[1] > MAX_STREETS_SPAN) throw badRequest('bbox_too_large', text('public_bbox'));
    const streets = await streetsIn(store.db, bbox, MAX_STREETS);
    res.set('Cache-Control', 'public, max-age=600').json({ type: 'FeatureCollection', features: streets.map((s) => ({ type: 'Feature', properties: { name: s.name }, geometry: s.geometry })) } satisfies PublicStreetsAnswer);
  });

  router.post('/reports', async (req, res) => {
    if (options.perHour <= 0) throw new ApiError(403, 'public_reports_closed', text('public_reports_closed'));
    if (!req.is('multipart/form-data')) throw new ApiError(415, 'unsupported_media_type', text('public_multipart'));
    const declared = Number(req.get('Content-Length'));
    if (Number.isFinite(declared) && declared > MAX_BODY) {
      // Not read at all: the connection is closed rather than drained.
      res.set('Connection', 'close');
      throw new ApiError(413, 'photo_too_large', text('photo_too_large', { mib: Math.round(MAX_PHOTO_BYTES / 1048576) }), { limit: MAX_PHOTO_BYTES });
    }
    const upload = await readUpload(req, { fileField: 'photo', maxFileBytes: MAX_PHOTO_BYTES, oneFile: text('public_one_photo') }).catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 413) throw new ApiError(413, 'photo_too_large', text('photo_too_large', { mib: Math.round(MAX_PHOTO_BYTES / 1048576) }), { limit: MAX_PHOTO_BYTES });
      throw error;
    });
    const unknown = Object.keys(upload.fields).filter((name) => !FIELDS.includes(name));
    if (unknown.length > 0) throw badRequest('unknown_field', text('staff_unknown_field', { fields: unknown.join(', '), known: ['photo', ...FIELDS].join(', ') }));
    const { lon: rawLon, lat: rawLat, category, description: rawDescription } = upload.fields;
    const lon = rawLon === undefined || rawLon.trim() === '' ? NaN : Number(rawLon);
    const lat = rawLat === undefined || rawLat.trim() === '' ? NaN : Number(rawLat);
    const problem = coordinateProblem(lon, lat);
    if (problem) throw badRequest(problem.code, text(problem.code === 'invalid_coordinates' ? 'public_no_place' : problem.code === 'swapped_coordinates' ? 'public_swapped' : 'public_outside_china'));
    if (!category || !incidents.rules.categories.some((c) => c.code === category)) throw badRequest('unknown_category', text('public_unknown_category'));
    const description = (rawDescription ?? '').trim();
    if (description.length > MAX_DESCRIPTION || unstorableText(description)) throw badRequest('invalid_description', text('public_description', { max: MAX_DESCRIPTION }));
    if (!upload.file && description.length < 2) throw badRequest('nothing_reported', text('public_nothing_reported'));
    const photo = upload.file ? await checkedPhotoBytes(upload.file.bytes, upload.file.mimeType) : undefined;
    const filed = await filePublicReport(
      store.db,
      incidents,
      { category, description: description || null, source: 'resident', reporter: null, point: { lon, lat, crs: crsParam(upload.fields.crs) }, photo },
      req.ip ?? 'unknown',
      options,
    ).catch((error: unknown) => {
      // Outside every grid: say so, without naming grids to someone without a key.
      if (asApiError(error)?.code === 'not_in_any_grid') throw new ApiError(422, 'not_in_service_area', text('public_not_in_area'));
      throw error;
    });
    res.status(201).location(`/api/public/reports/${filed.trackingNumber}`).json({ trackingNumber: filed.trackingNumber, status: filed.incident.status, category: filed.incident.category, reportedAt: filed.incident.reportedAt } satisfies PublicReportFiled);
  });

  router.get('/reports/:number', async (req, res) => {
    const number = String(req.params.number).toUpperCase();
    // Not a number we could have issued: no need to look.
    if (!TRACKING_NUMBER.test(number)) throw badRequest('invalid_tracking_number', text('public_invalid_number'));
    res.set('Cache-Control', 'no-store').json(await publicStatus(store.db, number));
  });

  return router;
}
