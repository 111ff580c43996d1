/**
 * GIS files in and out.
 *
 * POST /api/import (multipart/form-data): `file` — a zipped shapefile, GeoJSON or CSV;
 * `kind` = grids | regions | buildings | addresses; optional `crs` (name or EPSG code, over
 * the file's own), `encoding` (over the .cpg), `region` (buildings: the village; grids: the
 * village of rows without a region column), `dryRun=true`, `skipInvalid=true` (addresses),
 * `households=footprint` (buildings), `reason`. Each may also be a query parameter. Answers
 * the import report (server/services/file-import.ts): 200 for a dry run, 201/200 for a written import,
 * 422 `import_rejected` with the report in details when rows are refused (nothing written).
 *
 * GET /api/regions/:code/export?format=geojson|shapefile|csv&asOf=…&crs=… — the live grids of
 * the region's subtree (or those at asOf) as a download.
 */
import { Router, type Request } from 'express';
import { apiRouter } from './router.js';
import { readUpload, type Upload } from './multipart.js';
import type { Store } from '../db/connect.js';
import type { Limits } from '../config.js';
import type { GridLocator } from '../services/grid-locator.js';
import { ApiError, badRequest, langOf } from '../errors.js';
import { covers } from '../access/principal.js';
import { assertAddressImporter } from '../http/authorize.js';
import { actorOf, asOfParam, codeParam, stringParam } from './params.js';
import { readSourceFile } from '../formats/read.js';
import { FileError } from '../formats/source.js';
import { encodingOfName } from '../formats/encoding.js';
import { IMPORT_KINDS, type ImportKind } from '../formats/fields.js';
import { runImport, type ImportReport } from '../services/file-import.js';
import { listGrids } from '../db/grids.js';
import { regionLevel } from '../db/regions.js';
import { regionPrefix } from '../geo/codes.js';
import { CrsError, projectionByName, WGS84, type Projection } from '../geo/projection.js';
import { gridsToCsv, gridsToGeoJson, gridsToShapefile } from '../formats/grid-export.js';
import { localize, shown, text } from '../i18n/catalogue.js';

const FIELD_NAMES = ['kind', 'crs', 'encoding', 'region', 'dryRun', 'skipInvalid', 'households', 'reason'];

function option(req: Request, upload: Upload, name: string): string | undefined {
  const value = upload.fields[name] ?? stringParam(req, name);
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function flag(req: Request, upload: Upload, name: string): boolean {
  const value = option(req, upload, name);
  if (value === undefined) return false;
  if (['true', '1', 'yes'].includes(value.toLowerCase())) return true;
  if (['false', '0', 'no'].includes(value.toLowerCase())) return false;
  throw badRequest('invalid_parameter', text('invalid_parameter.boolean', { name, raw: value }));
}

function rejection(report: ImportReport): ApiError {
  const [first] = report.refused;
  const hint = report.kind === 'addresses' ? text('import_rejected.hint') : '';
  const params = { refused: report.summary.refused, rows: report.file.rows, row: first.row, message: first.problems[0]?.message, hint };
  return new ApiError(422, 'import_rejected', text('import_rejected', params), report);
}

/**
 * The most a file may unzip to. Reading is synchronous CPU work on the event loop (its features
 * must come back to it anyway), so what one upload may ask is bounded by what one import may
 * hold: a file larger than its vertices at 16 bytes each, twice over for attributes and
 * structure, holds more than an import takes (GRIDGOV_MAX_BATCH_VERTICES).
 */
function maxInflatedBytes(limits: Limits): number {
  return Math.max(8 * 1024 * 1024, limits.batchVertices * 16 * 2);
}

export function importRouter(store: Store, limits: Limits, locator: GridLocator): Router {
  const router = apiRouter();

  router.post('/', async (req, res) => {
    if (!req.is('multipart/form-data')) {
      throw new ApiError(415, 'unsupported_media_type', text('unsupported_media_type.import'));
    }
    const upload = await readUpload(req, { fileField: 'file', maxFileBytes: limits.bodyBytes, oneFile: text('too_many_files') });
    const unknown = Object.keys(upload.fields).filter((name) => !FIELD_NAMES.includes(name));
    if (unknown.length > 0) throw badRequest('unknown_field', text('unknown_field', { unknown, known: FIELD_NAMES }));
    const kind = option(req, upload, 'kind');
    if (!kind || !(IMPORT_KINDS as readonly string[]).includes(kind)) {
      throw badRequest('invalid_kind', text('invalid_kind', { allowed: IMPORT_KINDS, got: shown(kind ?? null) }));
    }
    if (kind === 'addresses') assertAddressImporter(req);
    if (!upload.file) throw badRequest('missing_file', text('missing_file'));
    const households = option(req, upload, 'households');
    if (households !== undefined && households !== 'footprint') throw badRequest('invalid_parameter', text('invalid_parameter.households_rule'));
    const encoding = option(req, upload, 'encoding');
    // Checked here, not only where a DBF or CSV is decoded: a bad name must not pass silently with a GeoJSON file.
    if (encoding !== undefined && !encodingOfName(encoding)) throw badRequest('invalid_parameter', text('invalid_encoding.unknown', { got: shown(encoding) }));
    const region = option(req, upload, 'region');
    if (region !== undefined) codeParam(region, 12);
    const reason = option(req, upload, 'reason') ?? null;
    if (reason !== null && reason.length > 1000) throw badRequest('invalid_parameter', text('invalid_parameter.reason_length', { max: 1000 }));

    let data;
    try {
      data = readSourceFile(upload.file.bytes, {
        fileName: upload.file.name,
        crs: option(req, upload, 'crs'),
        encoding,
        maxInflatedBytes: maxInflatedBytes(limits),
      });
    } catch (error) {
      if (error instanceof FileError) throw new ApiError(error.status, error.code, error.text, error.details);
      throw error;
    }
    // As an empty file: nothing to import is a mistake, not a successful import of nothing.
    if (data.features.length + data.problems.length === 0) throw badRequest('empty_file', text('empty_file.rows'));
    const report = await runImport(store.db, data, {
      kind: kind as ImportKind,
      dryRun: flag(req, upload, 'dryRun'),
      region,
      actor: actorOf(req),
      reason,
      mayWrite: (code) => !req.principal || covers(req.principal, code),
      limits,
      skipInvalid: flag(req, upload, 'skipInvalid'),
      householdsRule: households as 'footprint' | undefined,
      // As POST /api/addresses/import says: how many of the addresses fall in a live grid.
      locate: async (points) => {
        const snapshot = await locator.live();
        const inGrid = points.filter(([lon, lat]) => snapshot.index.locate(lon, lat) >= 0).length;
        return { inGrid, outsideGrids: points.length - inGrid };
      },
    });
    // Problems, notes and how each column was read, in the reader's language.
    const answer = () => localize(report, langOf(req));
    if (report.dryRun) {
      res.json(answer());
      return;
    }
    if (!report.ok) throw rejection(report);
    if (report.kind === 'addresses') {
      res.json(answer());
      return;
    }
    res.status(report.summary.created > 0 ? 201 : 200).json(answer());
  });

  return router;
}

const FORMATS = {
  geojson: { extension: 'geojson', type: 'application/geo+json' },
  shapefile: { extension: 'zip', type: 'application/zip' },
  csv: { extension: 'csv', type: 'text/csv; charset=utf-8' },
} as const;

function exportProjection(raw: string | undefined, format: keyof typeof FORMATS): Projection {
  if (raw === undefined) return WGS84;
  let projection: Projection;
  try {
    projection = projectionByName(raw);
  } catch (error) {
    if (error instanceof CrsError) throw badRequest('invalid_crs', error.text);
    throw error;
  }
  if (format === 'geojson' && projection !== WGS84 && projection.epsg !== 4490) {
    throw badRequest('invalid_crs', text('invalid_crs.geojson_export'));
  }
  if (!projection.prj) throw badRequest('invalid_crs', text('invalid_crs.export', { name: projection.name }));
  return projection;
}

export function exportRouter(store: Store): Router {
  const router = apiRouter();

  router.get('/:code/export', async (req, res) => {
    const code = codeParam(req.params.code, 12);
    const formatName = (stringParam(req, 'format') ?? 'geojson').toLowerCase();
    const format = (formatName === 'shp' || formatName === 'zip' ? 'shapefile' : formatName) as keyof typeof FORMATS;
    if (!(format in FORMATS)) throw badRequest('invalid_parameter', text('invalid_parameter.export_format', { got: formatName }));
    const projection = exportProjection(stringParam(req, 'crs'), format);
    const asOf = asOfParam(req);
    const level = await regionLevel(store.db, code);
    const grids = await listGrids(store.db, { regionPrefix: regionPrefix(code, level), asOf });

    const stamp = asOf ? `-${asOf.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}` : '';
    const name = `grids-${code}${stamp}`;
    const { extension, type } = FORMATS[format];
    res.set('Content-Type', type);
    res.set('Content-Disposition', `attachment; filename="${name}.${extension}"`);
    if (projection.epsg !== null) res.set('X-Gridgov-Crs', `EPSG:${projection.epsg}`);
    if (format === 'geojson') {
      res.send(gridsToGeoJson(grids, name));
    } else if (format === 'csv') {
      res.send(gridsToCsv(grids, projection));
    } else {
      const { zip, truncated } = gridsToShapefile(grids, name, projection);
      if (truncated.length > 0) res.set('X-Gridgov-Truncated', truncated.slice(0, 20).map((t) => `${t.record}:${t.field}`).join(','));
      res.send(Buffer.from(zip));
    }
  });

  return router;
}
