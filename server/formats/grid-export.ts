/**
 * Grids → files for GIS desktops: GeoJSON, a zipped polygon shapefile (UTF-8 .dbf with its
 * .cpg, a .prj), CSV with a WKT column. Field names fit the shapefile's 10 characters and are
 * the ones the importer reads back (server/formats/fields.ts), so an export re-imports as is.
 * Pure: features in, bytes out.
 */
import type { MultiPolygon, Position } from 'geojson';
import type { GridFeature } from '../api-types/grids.js';
import { WGS84, type Projection } from '../geo/projection.js';
import type { DbfFieldSpec } from './dbf.js';
import { writeShapefile, zipFiles } from './shapefile.js';
import { polygonalToWkt } from './wkt.js';
import { csvLine } from './csv-write.js';

/** The attribute columns of every export, in order: [column, property of the grid]. */
export const EXPORT_COLUMNS = [
  ['code', 'code'],
  ['name', 'name'],
  ['kind', 'kind'],
  ['special', 'specialType'],
  ['households', 'households'],
  ['population', 'population'],
  ['region', 'regionCode'],
  ['version', 'version'],
  ['valid_from', 'validFrom'],
] as const;

const DBF_FIELDS: DbfFieldSpec[] = [
  { name: 'code', type: 'C', length: 15 },
  { name: 'name', type: 'C' },
  { name: 'kind', type: 'C', length: 7 },
  { name: 'special', type: 'C', length: 10 },
  { name: 'households', type: 'N', length: 9 },
  { name: 'population', type: 'N', length: 9 },
  { name: 'region', type: 'C', length: 12 },
  { name: 'version', type: 'N', length: 9 },
  { name: 'valid_from', type: 'C', length: 24 },
];

function row(grid: GridFeature): Record<string, unknown> {
  return Object.fromEntries(EXPORT_COLUMNS.map(([column, property]) => [column, grid.properties[property]]));
}

function projectGeometry(geometry: MultiPolygon, projection: Projection): MultiPolygon {
  if (projection === WGS84 || (!projection.projected && projection.epsg === 4490)) return geometry;
  const position = (p: Position): Position => {
    const [x, y] = projection.fromWgs84(p[0], p[1]);
    // Millimetres are plenty for metres; degrees keep the stored 7 decimals.
    return projection.projected ? [Math.round(x * 1000) / 1000, Math.round(y * 1000) / 1000] : [x, y];
  };
  return { type: 'MultiPolygon', coordinates: geometry.coordinates.map((polygon) => polygon.map((ring) => ring.map(position))) };
}

export function gridsToGeoJson(grids: GridFeature[], name: string): string {
  return JSON.stringify({ type: 'FeatureCollection', name, features: grids });
}

export interface ShapefileExport {
  zip: Uint8Array;
  /** Names longer than a .dbf text field holds (254 bytes), cut in the file. */
  truncated: { record: number; field: string }[];
}

export function gridsToShapefile(grids: GridFeature[], name: string, projection: Projection = WGS84): ShapefileExport {
  if (!projection.prj) throw new Error(`No .prj for ${projection.name}`);
  const written = writeShapefile(
    grids.map((grid) => ({ geometry: projectGeometry(grid.geometry, projection), properties: row(grid) })),
    { name, fields: DBF_FIELDS, prj: projection.prj },
  );
  return { zip: zipFiles(written.files), truncated: written.truncated };
}

/** CSV with a header row and a WKT column last; a UTF-8 BOM so that Excel shows the Chinese. */
export function gridsToCsv(grids: GridFeature[], projection: Projection = WGS84): string {
  const header = [...EXPORT_COLUMNS.map(([column]) => column), 'wkt'];
  const lines = grids.map((grid) => csvLine([...EXPORT_COLUMNS.map(([, property]) => grid.properties[property]), polygonalToWkt(projectGeometry(grid.geometry, projection))]));
  return `\uFEFF${[header.join(','), ...lines].join('\r\n')}\r\n`;
}
