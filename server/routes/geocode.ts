/**
 * Addresses → places and grid codes, one (GET) or a batch (POST). Candidates come ranked, each
 * with the grid its point lies in now (the live grids, so a boundary edit shows at once) and
 * the deepest level of the query it matches: a query matched only to its road says so.
 */
import { Router, type Request } from 'express';
import { apiRouter } from './router.js';
import { ApiError, badRequest, notFound } from '../errors.js';
import { assertCovers, scopedPrefix } from '../http/authorize.js';
import { fromWgs84, type CrsName } from '../geo/crs.js';
import { levelOfRegionCode, regionPrefix } from '../geo/codes.js';
import { addressProblem } from '../formats/address-rows.js';
import { parseAddress } from '../geo/address/parse.js';
import type { GeocodeCandidate as AddressCandidate } from '../geo/address/types.js';
import type { GeocodeAnswer, GeocodeBatchAnswer, GeocodeCandidate } from '../api-types/geocode.js';
import type { AddressGeocoder } from '../services/address-geocoder.js';
import type { GridLocator, LocatorSnapshot } from '../services/grid-locator.js';
import { codeParam, crsParam, integerParam, jsonBody, stringParam } from './params.js';
import { text, type Text } from '../i18n/catalogue.js';

export const MAX_GEOCODE_BATCH = 10_000;
const MAX_CANDIDATES = 20;

interface Query {
  regionPrefix?: string;
  limit: number;
  crs: CrsName;
}

/**
 * The part of the tree to search: the region asked for, narrowed to the key's area (a key of one
 * area finds its own area's addresses only). The area is checked before the region is looked up,
 * so that a refusal says nothing about which codes exist elsewhere.
 */
function searchPrefix(req: Request, value: unknown, snapshot: LocatorSnapshot): string | undefined {
  if (value === undefined) return scopedPrefix(req, undefined);
  const code = codeParam(value, 12);
  const level = levelOfRegionCode(code);
  if (!level) throw badRequest('invalid_code', text('invalid_code.not_region', { code }));
  assertCovers(req, code, text('subject.region'));
  if (!snapshot.regions.has(code)) throw notFound('unknown_region', text('unknown_region.geocode', { code }));
  return scopedPrefix(req, regionPrefix(code, level));
}

function queryText(value: unknown, where: string): string {
  const problem = addressProblem(value);
  if (problem) throw badRequest(problem.code, text('problem.at', { where, message: problem.message }));
  return (value as string).trim();
}

export function geocodeRouter(geocoder: AddressGeocoder, locator: GridLocator): Router {
  const router = apiRouter();

  const present = (candidate: AddressCandidate, snapshot: LocatorSnapshot, crs: CrsName): GeocodeCandidate => {
    const grid = snapshot.index.locate(candidate.lon, candidate.lat);
    const [lon, lat] = crs === 'wgs84' ? [candidate.lon, candidate.lat] : fromWgs84(candidate.lon, candidate.lat, crs);
    return {
      address: candidate.address,
      score: Math.round(candidate.score * 1000) / 1000,
      lon,
      lat,
      gridCode: grid < 0 ? null : snapshot.grids[grid].code,
      matchedLevel: candidate.matchedLevel,
      unmatched: candidate.unmatched,
      id: candidate.id,
      levels: candidate.levels,
    };
  };

  const search = async (texts: string[], query: Query) => {
    const [index, snapshot] = await Promise.all([geocoder.current(), locator.live()]);
    return texts.map((text) =>
      index.search(text, { limit: query.limit, regionPrefix: query.regionPrefix }).map((c) => present(c, snapshot, query.crs)),
    );
  };

  const options = async (req: Request, region: unknown, limit: number): Promise<Query> => ({
    regionPrefix: searchPrefix(req, region, await locator.live()),
    limit,
    crs: crsParam(stringParam(req, 'crs')),
  });

  router.get('/', async (req, res) => {
    const q = queryText(stringParam(req, 'q'), 'q');
    const query = await options(req, stringParam(req, 'region'), integerParam(req, 'limit', 5, 1, MAX_CANDIDATES));
    const [candidates] = await search([q], query);
    const answer: GeocodeAnswer = { query: q, parsed: parseAddress(q), crs: query.crs, candidates };
    res.json(answer);
  });

  router.post('/', async (req, res) => {
    const body = jsonBody(req) as { addresses?: unknown; region?: unknown; limit?: unknown };
    if (body === null || typeof body !== 'object' || !Array.isArray(body.addresses)) {
      throw badRequest('invalid_json', text('invalid_json.geocode'));
    }
    if (body.addresses.length > MAX_GEOCODE_BATCH) {
      throw new ApiError(413, 'batch_too_large', text('batch_too_large.addresses', { count: body.addresses.length, limit: MAX_GEOCODE_BATCH }));
    }
    const limit = body.limit ?? 1;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_CANDIDATES) {
      throw badRequest('invalid_parameter', text('invalid_parameter.limit', { max: MAX_CANDIDATES }));
    }
    const errors: { index: number; code: string; message: Text }[] = [];
    const texts = body.addresses.map((value: unknown, index) => {
      const problem = addressProblem(value);
      if (!problem) return (value as string).trim();
      if (errors.length < 100) errors.push({ index, ...problem });
      return '';
    });
    if (errors.length > 0) throw badRequest(errors[0].code, text('problem.at', { where: `addresses[${errors[0].index}]`, message: errors[0].message }), { errors });
    const query = await options(req, body.region, limit);
    const results = await search(texts, query);
    const answer: GeocodeBatchAnswer = { crs: query.crs, results: results.map((candidates) => ({ candidates })) };
    res.json(answer);
  });

  return router;
}
