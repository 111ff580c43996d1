/**
 * The standard-address registry: `POST /api/addresses/import` takes a GeoJSON FeatureCollection
 * of Points (properties.address) or CSV (address,lon,lat) in any supported crs. A file with bad
 * rows is refused with every bad row listed, unless `skipInvalid=true` asks for the good ones.
 */
import express, { Router, type Request } from 'express';
import { apiRouter } from './router.js';
import { ApiError, badRequest, unprocessable } from '../errors.js';
import type { Store } from '../db/connect.js';
import type { Limits } from '../config.js';
import { importAddresses } from '../db/addresses.js';
import { registryEntries } from '../geo/address/prepare.js';
import { AddressFileError, addressRowsFromCsv, addressRowsFromGeoJSON, type AddressRows } from '../formats/address-rows.js';
import type { GridLocator } from '../services/grid-locator.js';
import { assertAddressImporter } from '../http/authorize.js';
import { actorOf, booleanParam, crsParam, stringParam } from './params.js';

/** Bad rows listed in a response; the count says how many there were in all. */
const LISTED_PROBLEMS = 1000;

function rowsOf(req: Request): AddressRows {
  const crs = crsParam(stringParam(req, 'crs'));
  try {
    if (req.is(['text/csv', 'application/csv', 'text/plain'])) return addressRowsFromCsv(String(req.body ?? ''), crs);
    if (req.is(['application/json', 'application/geo+json'])) return addressRowsFromGeoJSON(req.body, crs);
  } catch (error) {
    if (error instanceof AddressFileError) throw new ApiError(400, error.problem.code, error.problem.message);
    throw error;
  }
  throw new ApiError(415, 'unsupported_media_type', 'Send a GeoJSON FeatureCollection (application/geo+json) or CSV (text/csv)');
}

export function addressesRouter(store: Store, limits: Limits, locator: GridLocator): Router {
  const router = apiRouter();
  const csv = express.text({ type: ['text/csv', 'application/csv', 'text/plain'], limit: limits.bodyBytes });

  router.post('/import', csv, async (req, res) => {
    assertAddressImporter(req);
    const { rows, problems } = rowsOf(req);
    if (rows.length + problems.length === 0) throw badRequest('empty_file', 'There are no addresses in the body');
    const skipInvalid = booleanParam(req, 'skipInvalid', false);
    const report = { received: rows.length + problems.length, rejected: problems.length, problems: problems.slice(0, LISTED_PROBLEMS) };
    if (problems.length > 0 && !skipInvalid) {
      throw unprocessable(
        'invalid_rows',
        `${problems.length} row(s) cannot be imported (first: row ${problems[0].row}, ${problems[0].message}); nothing was imported. Fix them, or send skipInvalid=true to import the ${rows.length} good row(s)`,
        report,
      );
    }
    const { entries, duplicates } = registryEntries(rows);
    const counts = await importAddresses(store.db, entries, { source: `api:${actorOf(req)}` });
    const snapshot = await locator.live();
    let inGrid = 0;
    for (const entry of entries) if (snapshot.index.locate(entry.lon, entry.lat) >= 0) inGrid++;
    res.json({
      ...report,
      imported: entries.length,
      ...counts,
      duplicatesInFile: duplicates,
      located: { inGrid, outsideGrids: entries.length - inGrid },
    });
  });

  return router;
}
