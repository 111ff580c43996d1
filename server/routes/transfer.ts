/**
 * GIS files in and out.
 *
 * POST /api/import (multipart/form-data): `file` — a zipped shapefile, GeoJSON or CSV;
 * `kind` = grids | regions | buildings | addresses; optional `crs` (name or EPSG code, over
 * the file's own), `encoding` (over the .cpg), `region` (buildings: the village; grids: the
 * village of rows without a region column), `dryRun=true`, `skipInvalid=true` (addresses),
 * `households=footprint` (buildings), `reason`. Each may also be a query parameter. Answers
 * the import report (server/db/transfer.ts): 200 for a dry run, 201/200 for a written import,
 * 422 `import_rejected` with the report in details when rows are refused (nothing written).
 *
 * GET /api/regions/:code/export?format=geojson|shapefile|csv&asOf=…&crs=… — the live grids of
 * the region's subtree (or those at asOf) as a download.
 */
import { Router, type Request } from 'express';
import { apiRouter } from './router.js';
import busboy from 'busboy';
import type { Store } from '../db/connect.js';
import type { Limits } from '../config.js';
import type { GridLocator } from '../services/grid-locator.js';
import { ApiError, badRequest } from '../errors.js';
import { covers } from '../access/principal.js';
import { assertAddressImporter } from '../http/authorize.js';
import { actorOf, asOfParam, codeParam, stringParam } from './params.js';
import { readSourceFile } from '../formats/read.js';
import { FileError } from '../formats/source.js';
import { encodingOfName } from '../formats/encoding.js';
import { IMPORT_KINDS, type ImportKind } from '../formats/fields.js';
import { runImport, type ImportReport } from '../db/transfer.js';
import { listGrids } from '../db/grids.js';
import { regionLevel } from '../db/regions.js';
import { regionPrefix } from '../geo/codes.js';
import { CrsError, projectionByName, WGS84, type Projection } from '../geo/projection.js';
import { gridsToCsv, gridsToGeoJson, gridsToShapefile } from '../formats/grid-export.js';

interface Upload {
  fields: Record<string, string>;
  file?: { name: string; bytes: Buffer };
}

const FIELD_NAMES = ['kind', 'crs', 'encoding', 'region', 'dryRun', 'skipInvalid', 'households', 'reason'];

/** Reads the multipart body: one file of at most `maxBytes`, a few short fields. */
function readUpload(req: Request, maxBytes: number): Promise<Upload> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fileSize: maxBytes, files: 1, fields: 20, fieldSize: 10_000, parts: 30 } });
    } catch (error) {
      reject(badRequest('invalid_multipart', `The multipart body cannot be read: ${(error as Error).message}`));
      return;
    }
    const upload: Upload = { fields: {} };
    let failure: ApiError | undefined;
    parser.on('field', (name, value) => {
      upload.fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name !== 'file') {
        failure ??= badRequest('unexpected_file', `Send the file in the form field "file", not "${name}"`);
        stream.on('error', () => undefined); // the request is refused already; a cut-off body changes nothing
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      // A body cut off inside the file (or any other part error) destroys this stream with an
      // error; without a listener that error would be uncaught and take the process down.
      stream.on('error', (error: Error) => {
        failure ??= badRequest('invalid_multipart', `The multipart body cannot be read: ${error.message}`);
      });
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => {
        failure ??= new ApiError(413, 'payload_too_large', `The file exceeds the limit of ${maxBytes} bytes`, { limit: maxBytes });
        chunks.length = 0;
      });
      stream.on('end', () => {
        if (!failure) upload.file = { name: info.filename ?? 'upload', bytes: Buffer.concat(chunks) };
      });
    });
    parser.on('filesLimit', () => {
      failure ??= badRequest('too_many_files', 'Send one file per import');
    });
    parser.on('error', (error: Error) => {
      req.unpipe(parser);
      req.resume();
      reject(badRequest('invalid_multipart', `The multipart body cannot be read: ${error.message}`));
    });
    parser.on('close', () => (failure ? reject(failure) : resolve(upload)));
    req.pipe(parser);
  });
}

function option(req: Request, upload: Upload, name: string): string | undefined {
  const value = upload.fields[name] ?? stringParam(req, name);
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function flag(req: Request, upload: Upload, name: string): boolean {
  const value = option(req, upload, name);
  if (value === undefined) return false;
  if (['true', '1', 'yes'].includes(value.toLowerCase())) return true;
  if (['false', '0', 'no'].includes(value.toLowerCase())) return false;
  throw badRequest('invalid_parameter', `${name} must be true or false, got "${value}"`);
}

function rejection(report: ImportReport): ApiError {
  const [first] = report.refused;
  const what = report.summary.refused === 1 ? '1 row' : `${report.summary.refused} rows`;
  const hint = report.kind === 'addresses' ? ' Fix them, or send skipInvalid=true to import the good rows.' : '';
  return new ApiError(
    422,
    'import_rejected',
    `${what} of ${report.file.rows} refused (first: row ${first.row}, ${first.problems[0]?.message}); nothing was written.${hint}`,
    report,
  );
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
      throw new ApiError(415, 'unsupported_media_type', 'Send the file as multipart/form-data (a "file" part and a "kind" field)');
    }
    const upload = await readUpload(req, limits.bodyBytes);
    const unknown = Object.keys(upload.fields).filter((name) => !FIELD_NAMES.includes(name));
    if (unknown.length > 0) throw badRequest('unknown_field', `Unknown form field(s) ${unknown.join(', ')}; known: ${FIELD_NAMES.join(', ')}`);
    const kind = option(req, upload, 'kind');
    if (!kind || !(IMPORT_KINDS as readonly string[]).includes(kind)) {
      throw badRequest('invalid_kind', `kind must be one of ${IMPORT_KINDS.join(', ')}, got ${JSON.stringify(kind ?? null)}`);
    }
    if (kind === 'addresses') assertAddressImporter(req);
    if (!upload.file) throw badRequest('missing_file', 'No file: send it in the multipart field "file"');
    const households = option(req, upload, 'households');
    if (households !== undefined && households !== 'footprint') throw badRequest('invalid_parameter', 'households must be "footprint" when given');
    const encoding = option(req, upload, 'encoding');
    // Checked here, not only where a DBF or CSV is decoded: a bad name must not pass silently with a GeoJSON file.
    if (encoding !== undefined && !encodingOfName(encoding)) throw badRequest('invalid_parameter', `encoding "${encoding}" is not a known text encoding (utf-8, gbk, gb18030, big5…)`);
    const region = option(req, upload, 'region');
    if (region !== undefined) codeParam(region, 12);
    const reason = option(req, upload, 'reason') ?? null;
    if (reason !== null && reason.length > 1000) throw badRequest('invalid_parameter', 'reason must be at most 1000 characters');

    let data;
    try {
      data = readSourceFile(upload.file.bytes, {
        fileName: upload.file.name,
        crs: option(req, upload, 'crs'),
        encoding,
        maxInflatedBytes: maxInflatedBytes(limits),
      });
    } catch (error) {
      if (error instanceof FileError) throw new ApiError(error.status, error.code, error.message, error.details);
      throw error;
    }
    // As an empty file: nothing to import is a mistake, not a successful import of nothing.
    if (data.features.length + data.problems.length === 0) throw badRequest('empty_file', 'The file has no features or rows');
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
    if (report.dryRun) {
      res.json(report);
      return;
    }
    if (!report.ok) throw rejection(report);
    if (report.kind === 'addresses') {
      res.json(report);
      return;
    }
    res.status(report.summary.created > 0 ? 201 : 200).json(report);
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
    if (error instanceof CrsError) throw badRequest('invalid_crs', error.message);
    throw error;
  }
  if (format === 'geojson' && projection !== WGS84 && projection.epsg !== 4490) {
    throw badRequest('invalid_crs', 'GeoJSON is WGS84 lon/lat (RFC 7946); export as shapefile or csv for a projected CRS');
  }
  if (!projection.prj) throw badRequest('invalid_crs', `${projection.name} is not an export CRS; use wgs84, cgcs2000 or a CGCS2000 Gauss-Kruger zone (EPSG:4491–4554)`);
  return projection;
}

export function exportRouter(store: Store): Router {
  const router = apiRouter();

  router.get('/:code/export', async (req, res) => {
    const code = codeParam(req.params.code, 12);
    const formatName = (stringParam(req, 'format') ?? 'geojson').toLowerCase();
    const format = (formatName === 'shp' || formatName === 'zip' ? 'shapefile' : formatName) as keyof typeof FORMATS;
    if (!(format in FORMATS)) throw badRequest('invalid_parameter', `format must be geojson, shapefile or csv, got "${formatName}"`);
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
