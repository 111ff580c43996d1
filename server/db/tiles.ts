/**
 * What a vector tile reads: each layer's features in one tile, with geometry already in tile
 * coordinates, plus the cheap change markers that say whether a cached tile is still current,
 * and the layers' extents for TileJSON.
 *
 * One path for both backends. The embedded PostGIS is built without protobuf, so ST_AsMVTGeom
 * and ST_AsMVT do not exist there; the SQL does what ST_AsMVTGeom does with functions every
 * PostGIS ≥ 3.0 has: ST_ClipByBox2D to the tile grown by its buffer and ST_Simplify by half a
 * tile unit (both in degrees, see polygonTileGeom), ST_Transform to 3857, ST_Affine into tile
 * units (y down), ST_SnapToGrid to integers, repair (ST_MakeValid) only where snapping broke
 * validity, and rings oriented as MVT wants (exterior positive area in tile coordinates =
 * ST_ForcePolygonCCW there). Geometry leaves as
 * integer GeoJSON (ST_AsGeoJSON(g, 0, 0)); Node encodes the protobuf (geo/tiles.ts).
 */
import { effectiveHouseholds } from './households.js';
import { sql, type Expression, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { Database } from './schema.js';
import { inForce } from './grid-rows.js';
import { gridEpoch } from './locate.js';
import { incidentWhere, lightSql, type IncidentFilter } from './incidents.js';
import { YELLOW_FROM, type Light } from '../incidents/light.js';
import { TILE_BUFFER, TILE_EXTENT, tileBounds, tileLonLatBounds, tileTransform, type Bounds, type TileAddress, type TileGeometry } from '../geo/tiles.js';

export const LAYERS = ['grids', 'regions', 'devices', 'incidents', 'basemap'] as const;
export type LayerName = (typeof LAYERS)[number];

export function isLayerName(value: unknown): value is LayerName {
  return typeof value === 'string' && (LAYERS as readonly string[]).includes(value);
}

/** A feature of a tile: its properties (MVT values) and tile-coordinate geometry. */
export interface TileRow {
  id?: number;
  properties: Record<string, string | number | boolean | null>;
  geometry: TileGeometry;
}

/** The tile's envelope (grown by the buffer) in 4326, for the spatial index of a 4326 column. */
function indexFilter(column: RawBuilder<unknown>, tile: TileAddress): RawBuilder<SqlBool> {
  // One more tile unit than the buffer: a vertex just outside the buffer can still snap onto it.
  const [a, b, c, d] = tileLonLatBounds(tile, TILE_BUFFER + 1);
  return sql<SqlBool>`${column} && ST_MakeEnvelope(${a}, ${b}, ${c}, ${d}, 4326)`;
}

/**
 * A 4326 polygonal column → clipped, simplified, integer tile-coordinate geometry (or NULL/EMPTY).
 * Clipping and simplifying happen in degrees, before projecting: ST_Transform then projects a
 * few vertices a feature instead of every stored one (the costliest step otherwise). The clip
 * box is exact — Mercator maps meridians and parallels to the tile's edges — so cut edges land
 * on the buffer's edge as ST_AsMVTGeom's do; the tolerance is ST_AsMVTGeom's half tile unit,
 * converted to degrees so that no vertex moves further (geo/tiles.ts tileTransform).
 */
function polygonTileGeom(column: RawBuilder<unknown>, tile: TileAddress): RawBuilder<unknown> {
  const { fx, fy, xoff, yoff, toleranceDeg } = tileTransform(tile);
  const [a, b, c, d] = tileLonLatBounds(tile, TILE_BUFFER);
  return sql`ST_SnapToGrid(
      ST_Affine(
        ST_Transform(ST_Simplify(ST_ClipByBox2D(${column}, ST_MakeEnvelope(${a}, ${b}, ${c}, ${d})::box2d), ${toleranceDeg}::float8, false), 3857),
        ${fx}::float8, 0, 0, ${fy}::float8, ${xoff}::float8, ${yoff}::float8),
      1)`;
}

/** A 4326 point column → integer tile coordinates. */
function pointTileGeom(column: RawBuilder<unknown>, tile: TileAddress): RawBuilder<unknown> {
  const { fx, fy, xoff, yoff } = tileTransform(tile);
  return sql`ST_SnapToGrid(ST_Affine(ST_Transform(${column}, 3857), ${fx}::float8, 0, 0, ${fy}::float8, ${xoff}::float8, ${yoff}::float8), 1)`;
}

/**
 * Polygon rows: `select` yields the properties and `s.g` (the snapped geometry) from `from`;
 * the outer query repairs and orients it and drops features that vanished at this zoom.
 */
async function polygonRows<T extends Record<string, unknown>>(db: Kysely<Database>, inner: RawBuilder<unknown>): Promise<(T & { geojson: string })[]> {
  const { rows } = await sql<T & { geojson: string }>`
    SELECT s.*, ST_AsGeoJSON(
             ST_ForcePolygonCCW(CASE WHEN ST_IsValid(s.g) THEN s.g ELSE ST_CollectionExtract(ST_MakeValid(s.g), 3) END),
             0, 0) AS geojson
    FROM (${inner}) s
    WHERE s.g IS NOT NULL AND NOT ST_IsEmpty(s.g)`.execute(db);
  return rows.filter((row) => !row.geojson.includes('"coordinates":[]'));
}

export interface GridTileOptions {
  asOf?: Date;
}

export async function gridTileRows(db: Kysely<Database>, tile: TileAddress, options: GridTileOptions = {}): Promise<TileRow[]> {
  const rows = await polygonRows<{ code: string; name: string; kind: string; households: number | null; households_source: string | null; region_code: string }>(
    db,
    sql`SELECT v.code, v.name, v.kind, ${effectiveHouseholds} AS households, v.households_source, v.region_code, ${polygonTileGeom(sql.ref('v.geom'), tile)} AS g
        FROM grid_versions v
        WHERE ${inForce(options.asOf)} AND ${indexFilter(sql.ref('v.geom'), tile)}
        ORDER BY v.code`,
  );
  return rows.map((row) => ({
    id: Number(row.code),
    properties: {
      code: row.code,
      name: row.name,
      kind: row.kind,
      households: row.households === null ? null : Number(row.households),
      householdsSource: row.households_source ?? 'stored',
      regionCode: row.region_code,
    },
    geometry: JSON.parse(row.geojson) as TileGeometry,
  }));
}

export async function regionTileRows(db: Kysely<Database>, tile: TileAddress): Promise<TileRow[]> {
  const rows = await polygonRows<{ code: string; name: string; level: string }>(
    db,
    sql`SELECT r.code, r.name, r.level, ${polygonTileGeom(sql.ref('r.boundary'), tile)} AS g
        FROM regions r
        WHERE ${indexFilter(sql.ref('r.boundary'), tile)}
        ORDER BY r.code`,
  );
  return rows.map((row) => ({
    id: Number(row.code),
    properties: { code: row.code, name: row.name, level: row.level },
    geometry: JSON.parse(row.geojson) as TileGeometry,
  }));
}

/**
 * The stored map context as a base map that needs no internet: every village's roads, railways,
 * rivers, ridges and water areas (reference_lines) and building footprints (buildings), one MVT
 * layer, `kind` road | railway | river | ridge | water | building, roads with `class` and `name`.
 * Lines are clipped and simplified like polygons; a building under a pixel or two is left out
 * below zoom 15 (it would only be noise).
 */
export async function basemapTileRows(db: Kysely<Database>, tile: TileAddress): Promise<TileRow[]> {
  const { toleranceDeg } = tileTransform(tile);
  const { rows } = await sql<{ kind: string; class: string | null; name: string | null; geojson: string }>`
    SELECT s.kind, s.class, s.name,
           ST_AsGeoJSON(CASE WHEN ST_Dimension(s.g) = 2
             THEN ST_ForcePolygonCCW(CASE WHEN ST_IsValid(s.g) THEN s.g ELSE ST_CollectionExtract(ST_MakeValid(s.g), 3) END)
             ELSE s.g END, 0, 0) AS geojson
    FROM (
      SELECT l.kind, l.class, l.name, ${polygonTileGeom(sql.ref('l.geom'), tile)} AS g, 0 AS layer_order
      FROM reference_lines l
      WHERE ${indexFilter(sql.ref('l.geom'), tile)}
      UNION ALL
      SELECT 'building', NULL, NULL, ${polygonTileGeom(sql.ref('b.geom'), tile)} AS g, 1
      FROM buildings b
      WHERE ${indexFilter(sql.ref('b.geom'), tile)} AND ST_Dimension(b.geom) = 2
        AND (${tile.z}::int >= 15 OR ST_Area(b.geom) > ${(4 * toleranceDeg) ** 2}::float8)
    ) s
    WHERE s.g IS NOT NULL AND NOT ST_IsEmpty(s.g)
    ORDER BY s.layer_order`.execute(db);
  return rows
    .filter((row) => !row.geojson.includes('"coordinates":[]'))
    .map((row) => ({
      properties: { kind: row.kind, class: row.class, name: row.name },
      geometry: JSON.parse(row.geojson) as TileGeometry,
    }));
}

export interface DeviceTileOptions {
  kind?: 'camera' | 'sensor';
}

export async function deviceTileRows(db: Kysely<Database>, tile: TileAddress, options: DeviceTileOptions = {}): Promise<TileRow[]> {
  const kind = options.kind ? sql`AND d.kind = ${options.kind}` : sql``;
  const { rows } = await sql<{ id: string; kind: string; name: string; heading: number | null; fov: number | null; range_m: number | null; px: number; py: number }>`
    SELECT s.id, s.kind, s.name, s.heading, s.fov, s.range_m, ST_X(s.g) AS px, ST_Y(s.g) AS py
    FROM (
      SELECT d.id, d.kind, d.name, d.heading, d.fov, d.range_m, ${pointTileGeom(sql.ref('d.geom'), tile)} AS g
      FROM devices d
      WHERE d.deleted_at IS NULL AND ${indexFilter(sql.ref('d.geom'), tile)} ${kind}
    ) s
    ORDER BY s.id`.execute(db);
  const num = (value: number | null) => (value === null ? null : Number(value));
  return rows.map((row) => ({
    properties: {
      id: row.id,
      kind: row.kind,
      name: row.name,
      heading: row.kind === 'camera' ? num(row.heading) : null,
      fov: row.kind === 'camera' ? num(row.fov) : null,
      rangeM: row.kind === 'camera' ? num(row.range_m) : null,
    },
    geometry: { type: 'Point', coordinates: [Number(row.px), Number(row.py)] },
  }));
}

/** Incidents of a tile, and the first moment after `now` at which one of their lights changes. */
export async function incidentTileRows(
  db: Kysely<Database>,
  tile: TileAddress,
  filter: IncidentFilter,
  now: Date,
): Promise<{ rows: TileRow[]; nextLightChange: Date | null }> {
  const where: Expression<SqlBool> = incidentWhere(filter, now);
  const yellowAt = sql`i.reported_at + (i.deadline_at - i.reported_at) * ${YELLOW_FROM}::float8`;
  const { rows } = await sql<{ id: number; category: string; status: string; light: Light; reported_at: Date; next_change: Date | null; px: number; py: number }>`
    SELECT s.id, s.category, s.status, s.light, s.reported_at, s.next_change, ST_X(s.g) AS px, ST_Y(s.g) AS py
    FROM (
      SELECT i.id, i.category, i.status, ${lightSql(now)} AS light, i.reported_at,
             CASE WHEN i.resolved_at IS NULL THEN LEAST(
               CASE WHEN ${yellowAt} > ${now}::timestamptz THEN ${yellowAt} END,
               CASE WHEN i.deadline_at >= ${now}::timestamptz THEN i.deadline_at END) END AS next_change,
             ${pointTileGeom(sql.ref('i.geom'), tile)} AS g
      FROM incidents i
      WHERE ${where} AND ${indexFilter(sql.ref('i.geom'), tile)}
    ) s
    ORDER BY s.id`.execute(db);
  let next: number | null = null;
  for (const row of rows) {
    if (row.next_change === null) continue;
    const at = new Date(row.next_change).getTime();
    if (next === null || at < next) next = at;
  }
  return {
    rows: rows.map((row) => ({
      id: Number(row.id),
      properties: { id: Number(row.id), category: row.category, status: row.status, light: row.light, reportedAt: new Date(row.reported_at).toISOString() },
      geometry: { type: 'Point', coordinates: [Number(row.px), Number(row.py)] },
    })),
    nextLightChange: next === null ? null : new Date(next),
  };
}

/**
 * A marker that changes whenever the layer's data may have: read it BEFORE the tile's data, so
 * that a tile is never filed under a marker newer than what it shows.
 * - grids: the grid epoch, bumped in the same transaction as every grid write;
 * - regions: row count and latest created_at (regions are only ever inserted);
 * - devices: row count and the sum of versions (every insert adds a row, every update and
 *   delete adds one to a version), which no commit order can leave unchanged;
 * - incidents: the highest change_seq (every incident write takes a new one; index-only).
 */
export async function layerMarker(db: Kysely<Database>, layer: LayerName): Promise<string> {
  switch (layer) {
    case 'grids':
      return String(await gridEpoch(db));
    case 'regions': {
      const { rows } = await sql<{ n: number; at: Date | null }>`SELECT count(*) AS n, max(created_at) AS at FROM regions`.execute(db);
      return `${Number(rows[0].n)}/${rows[0].at ? new Date(rows[0].at).getTime() : 0}`;
    }
    case 'devices': {
      const { rows } = await sql<{ n: number; v: number | null }>`SELECT count(*) AS n, sum(version)::bigint AS v FROM devices`.execute(db);
      return `${Number(rows[0].n)}/${Number(rows[0].v ?? 0)}`;
    }
    case 'incidents': {
      const { rows } = await sql<{ seq: number | null }>`SELECT max(change_seq) AS seq FROM incidents`.execute(db);
      return String(Number(rows[0].seq ?? 0));
    }
    case 'basemap': {
      // Both tables are replaced a village at a time (new ids, new import times).
      const { rows } = await sql<{ m: string }>`
        SELECT (SELECT count(*) || '/' || coalesce(max(id), 0) FROM reference_lines) || '/' ||
               (SELECT count(*) || '/' || coalesce(max(id), 0) FROM buildings) AS m`.execute(db);
      return rows[0].m;
    }
  }
}

/** The extent of the layer's data in WGS84 [minLon, minLat, maxLon, maxLat], or null when empty. */
export async function layerBounds(db: Kysely<Database>, layer: LayerName, filter: IncidentFilter = {}, now = new Date()): Promise<Bounds | null> {
  let extent: RawBuilder<{ e: string | null }>;
  switch (layer) {
    case 'grids':
      extent = sql`SELECT ST_Extent(v.geom)::geometry AS e FROM grid_versions v WHERE ${inForce()}`;
      break;
    case 'regions':
      extent = sql`SELECT ST_Extent(r.boundary)::geometry AS e FROM regions r`;
      break;
    case 'devices':
      extent = sql`SELECT ST_Extent(d.geom)::geometry AS e FROM devices d WHERE d.deleted_at IS NULL`;
      break;
    case 'incidents':
      extent = sql`SELECT ST_Extent(i.geom)::geometry AS e FROM incidents i WHERE ${incidentWhere(filter, now)}`;
      break;
    case 'basemap':
      extent = sql`SELECT ST_Extent(g)::geometry AS e FROM (SELECT geom AS g FROM reference_lines UNION ALL SELECT geom FROM buildings) x`;
      break;
  }
  const { rows } = await sql<{ x0: number | null; y0: number | null; x1: number | null; y1: number | null }>`
    SELECT ST_XMin(e) AS x0, ST_YMin(e) AS y0, ST_XMax(e) AS x1, ST_YMax(e) AS y1 FROM (${extent}) x`.execute(db);
  const row = rows[0];
  if (!row || row.x0 === null || row.y0 === null || row.x1 === null || row.y1 === null) return null;
  return [Number(row.x0), Number(row.y0), Number(row.x1), Number(row.y1)];
}

/**
 * The grids tile made entirely by PostGIS (ST_AsMVTGeom + ST_AsMVT), for comparison in the
 * benchmark. Needs PostGIS built with protobuf: the server backend, not the embedded one.
 */
export async function gridTileByPostgis(db: Kysely<Database>, tile: TileAddress): Promise<Uint8Array> {
  const { z, x, y } = tile;
  const { rows } = await sql<{ mvt: Uint8Array | null }>`
    SELECT ST_AsMVT(t, 'grids', ${TILE_EXTENT}, 'geom') AS mvt
    FROM (
      SELECT v.code, v.name, v.kind, ${effectiveHouseholds} AS households, coalesce(v.households_source, 'stored') AS "householdsSource", v.region_code AS "regionCode",
             ST_AsMVTGeom(ST_Transform(v.geom, 3857), ST_TileEnvelope(${z}, ${x}, ${y}), ${TILE_EXTENT}, ${TILE_BUFFER}, true) AS geom
      FROM grid_versions v
      WHERE ${inForce()} AND v.geom && ST_Transform(ST_TileEnvelope(${z}, ${x}, ${y}, margin => ${TILE_BUFFER / TILE_EXTENT}::float8), 4326)
    ) t
    WHERE t.geom IS NOT NULL`.execute(db);
  return rows[0]?.mvt ?? new Uint8Array(0);
}
