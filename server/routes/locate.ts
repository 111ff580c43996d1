/**
 * Coordinates → grid code, one point (GET) or up to 100,000 (POST), in WGS84/CGCS2000, GCJ-02
 * or BD-09. A point on a shared edge or vertex belongs to the grid with the lowest code, in both
 * forms (the rule of GridIndex, the same as PostGIS ST_Intersects + min(code)).
 */
import { Router, type Request } from 'express';
import { apiRouter } from './router.js';
import { ApiError, badRequest, notFound } from '../errors.js';
import { toWgs84 } from '../geo/crs.js';
import { CHINA_EXTENT, coordinateProblem } from '../geo/validate.js';
import type { GridLocator, LocatorSnapshot } from '../services/grid-locator.js';
import { asOfParam, crsParam, jsonBody, stringParam } from './params.js';
import { shown, text, type Text } from '../i18n/catalogue.js';
import type { LocateAnswer, LocateBatchAnswer, LocateCodesAnswer, LocatedGrid } from '../api-types/locate.js';

/** Another grid this close makes the answer "ambiguous" (a GPS fix is rarely better). */
export const AMBIGUOUS_WITHIN_M = 5;
export const MAX_BATCH_POINTS = 100_000;

function numberParam(req: Request, name: string): number {
  const raw = stringParam(req, name);
  if (raw === undefined || raw.trim() === '') throw badRequest('invalid_coordinates', text('invalid_coordinates.required', { name }));
  const value = Number(raw);
  if (!Number.isFinite(value)) throw badRequest('invalid_coordinates', text('invalid_coordinates.number', { name, raw }));
  return value;
}

function regionsOf(snapshot: LocatorSnapshot, villageCode: string): LocatedGrid['regions'] {
  const chain: LocatedGrid['regions'] = [];
  for (let code: string | null = villageCode; code; ) {
    const region = snapshot.regions.get(code);
    if (!region) break;
    chain.unshift({ level: region.level, code, name: region.name });
    code = region.parentCode;
  }
  return chain;
}

function describe(snapshot: LocatorSnapshot, index: number, lon: number, lat: number): LocatedGrid {
  const grid = snapshot.grids[index];
  const neighbours = snapshot.index.near(lon, lat, AMBIGUOUS_WITHIN_M, index).map((n) => ({
    code: n.code,
    name: snapshot.grids[n.index].name,
    distanceM: round(n.distanceM),
  }));
  return {
    code: grid.code,
    name: grid.name,
    kind: grid.kind,
    regions: regionsOf(snapshot, grid.regionCode),
    distanceToEdgeM: round(snapshot.index.distanceToEdge(index, lon, lat)),
    ambiguous: neighbours.length > 0,
    neighbours,
  };
}

const round = (m: number) => Math.round(m * 100) / 100;

export function locateRouter(locator: GridLocator): Router {
  const router = apiRouter();
  const snapshotFor = (req: Request) => {
    const asOf = asOfParam(req);
    return asOf ? locator.at(asOf) : locator.live();
  };

  router.get('/', async (req, res) => {
    const crs = crsParam(stringParam(req, 'crs'));
    const [lon, lat] = [numberParam(req, 'lon'), numberParam(req, 'lat')];
    const problem = coordinateProblem(lon, lat);
    if (problem) throw badRequest(problem.code, problem.message);
    const [x, y] = toWgs84(lon, lat, crs);
    const snapshot = await snapshotFor(req);
    const index = snapshot.index.locate(x, y);
    if (index < 0) {
      const nearest = snapshot.index.nearest(x, y);
      throw notFound('not_in_any_grid', text('not_in_any_grid', { lon, lat, crs }), {
        wgs84: [x, y],
        nearest: nearest ? { code: nearest.code, name: snapshot.grids[nearest.index].name, distanceM: round(nearest.distanceM) } : null,
      });
    }
    res.json({ ...describe(snapshot, index, x, y), wgs84: [x, y] } satisfies LocateAnswer);
  });

  router.post('/', async (req, res) => {
    const body = jsonBody(req) as { crs?: unknown; points?: unknown; fields?: unknown };
    if (body === null || typeof body !== 'object' || !Array.isArray(body.points)) {
      throw badRequest('invalid_json', text('invalid_json.locate'));
    }
    const crs = crsParam(body.crs);
    const compact = body.fields === 'code';
    if (body.fields !== undefined && !compact) throw badRequest('invalid_parameter', text('invalid_parameter.fields'));
    const points = body.points as unknown[];
    if (points.length > MAX_BATCH_POINTS) {
      throw new ApiError(413, 'batch_too_large', text('batch_too_large.points', { count: points.length, limit: MAX_BATCH_POINTS }));
    }
    const coords = new Float64Array(points.length * 2);
    const errors: { index: number; code: string; message: Text }[] = [];
    const { minLon, maxLon, minLat, maxLat } = CHINA_EXTENT;
    for (let i = 0; i < points.length; i++) {
      const point = points[i];
      // The common case, checked without allocating; anything else gets the full diagnosis.
      // [lon, lat] or a GeoJSON position with a height: [lon, lat, z].
      if (Array.isArray(point) && point.length >= 2 && point.length <= 3) {
        const [lon, lat] = point;
        if (typeof lon === 'number' && typeof lat === 'number' && lon >= minLon && lon <= maxLon && lat >= minLat && lat <= maxLat) {
          if (crs === 'wgs84' || crs === 'cgcs2000') {
            coords[2 * i] = lon;
            coords[2 * i + 1] = lat;
          } else {
            const [x, y] = toWgs84(lon, lat, crs);
            coords[2 * i] = x;
            coords[2 * i + 1] = y;
          }
          continue;
        }
      }
      const problem = (Array.isArray(point) && point.length >= 2 && point.length <= 3 ? coordinateProblem(point[0], point[1]) : undefined) ?? {
        code: 'invalid_coordinates',
        message: text('invalid_coordinates.pair', { got: shown(point, 80) }),
      };
      if (errors.length < 100) errors.push({ index: i, ...problem });
    }
    if (errors.length > 0) throw badRequest(errors[0].code, text('problem.at', { where: `points[${errors[0].index}]`, message: errors[0].message }), { errors });
    const snapshot = await snapshotFor(req);
    const found = snapshot.index.locateMany(coords);
    if (compact) {
      res.json({ results: Array.from(found, (index) => (index < 0 ? null : snapshot.grids[index].code)) } satisfies LocateCodesAnswer);
      return;
    }
    res.json({ results: Array.from(found, (index, i) => (index < 0 ? null : describe(snapshot, index, coords[2 * i], coords[2 * i + 1]))) } satisfies LocateBatchAnswer);
  });

  return router;
}
