/**
 * What every reader of an import file produces: features with their row numbers, in the
 * file's own coordinates until server/formats/read.ts projects them to WGS84, and the problems
 * of the rows that could not be read. A file that cannot be read at all is a FileError.
 */
import type { Geometry } from 'geojson';
import type { RowProblem } from './address-rows.js';
import { TextError, type Text } from '../i18n/catalogue.js';

export type { RowProblem };

export interface SourceFeature {
  /**
   * 1-based: the shapefile record number, the GeoJSON feature's position, or the CSV line
   * (the header is line 1, so the first data row is row 2).
   */
  row: number;
  geometry: Geometry | null;
  properties: Record<string, unknown>;
}

/** A whole file refused: its HTTP status (400 unreadable, 415 unknown format, 422 unusable CRS…). */
export class FileError extends TextError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: Text,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'FileError';
  }
}

export const fileError = (code: string, message: Text, details?: unknown) => new FileError(400, code, message, details);
