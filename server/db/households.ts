/**
 * A grid's households (户数) as the database keeps them: the rule is geo/households.ts (one for
 * the server and the web client's live estimate); here the village's points and grids are read
 * and the computed figure is written on each live grid version, in the transaction of the
 * change that made it stale — a grid write, a new buildings layer, an address import — so
 * that every reader (the grid, its tiles, the 住户 tab, the statistics) reads the same number
 * without recomputing it.
 */
import { sql, type Kysely } from 'kysely';
import type { Polygon, MultiPolygon } from 'geojson';
import type { Database } from './schema.js';
import { gridHouseholds, householdsSource, pointsByGrid, type CountedGrid, type HouseholdPoint, type HouseholdsSource } from '../geo/households.js';
import { householdFlags } from '../geo/address/households.js';
import type { ParsedAddress } from '../geo/address/types.js';
import type { HouseholdPointsAnswer } from '../api-types/regions.js';

/** The figure a grid answers with (alias `v`): computed when its village has buildings or addresses, else stored. */
export const effectiveHouseholds = sql<number | null>`CASE WHEN v.households_source IN ('buildings', 'addresses') THEN v.households_computed ELSE v.households END`;

/** Grids keep to their village within 1 m: the points any of them can hold lie this close to it (degrees, ≈ 2 m). */
const VILLAGE_MARGIN_DEG = 0.00002;

/** The source of each village's households: buildings first, then addresses, else the stored figure. */
export async function villageSources(db: Kysely<Database>, regionCodes: string[]): Promise<Map<string, HouseholdsSource>> {
  const unique = [...new Set(regionCodes)];
  if (unique.length === 0) return new Map();
  const { rows } = await sql<{ code: string; buildings: boolean; addresses: boolean }>`
    SELECT r.code,
           EXISTS (SELECT 1 FROM buildings b WHERE b.region_code = r.code) AS buildings,
           EXISTS (SELECT 1 FROM addresses a WHERE a.region_code = r.code) AS addresses
    FROM unnest(${unique}::text[]) AS r(code)`.execute(db);
  return new Map(rows.map((row) => [row.code, householdsSource(row)]));
}

/** A registered address as a household point, with what the 住户 tab lists. */
export interface AddressPoint extends HouseholdPoint {
  id: number;
  address: string;
  levels: ParsedAddress;
}

const levelsOf = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value) as ParsedAddress;

/** Every registered address a grid of the village can hold, in id order. */
async function villageAddresses(db: Kysely<Database>, regionCode: string): Promise<AddressPoint[]> {
  const { rows } = await sql<{ id: number; address: string; lon: number; lat: number; levels: unknown }>`
    SELECT a.id, a.address, ST_X(a.geom) AS lon, ST_Y(a.geom) AS lat, a.levels
    FROM addresses a JOIN regions r ON r.code = ${regionCode}
    WHERE ST_DWithin(r.boundary, a.geom, ${VILLAGE_MARGIN_DEG}) ORDER BY a.id`.execute(db);
  return rows.map((r) => ({ id: Number(r.id), address: r.address, lon: Number(r.lon), lat: Number(r.lat), levels: levelsOf(r.levels) }));
}

/** The village's building anchors (ST_PointOnSurface: inside the footprint) with their households. */
async function villageBuildings(db: Kysely<Database>, regionCode: string): Promise<HouseholdPoint[]> {
  const { rows } = await sql<{ lon: number; lat: number; households: number }>`
    SELECT ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat, households
    FROM buildings WHERE region_code = ${regionCode} ORDER BY id`.execute(db);
  return rows.map((r) => ({ lon: Number(r.lon), lat: Number(r.lat), households: Number(r.households) }));
}

/** What households are counted from in a village: its source and its points (the API's answer). */
export type HouseholdPoints = HouseholdPointsAnswer;

export async function householdPoints(db: Kysely<Database>, regionCode: string): Promise<HouseholdPoints> {
  const source = (await villageSources(db, [regionCode])).get(regionCode) ?? 'stored';
  const points = source === 'buildings' ? await villageBuildings(db, regionCode) : source === 'addresses' ? await villageAddresses(db, regionCode) : [];
  return { regionCode, source, points };
}

/** The village's grids in force (live, or at `asOf`), with their geometry. */
async function villageGrids(db: Kysely<Database>, regionCode: string, asOf?: Date): Promise<CountedGrid[]> {
  const inForce = asOf
    ? sql`v.valid_from <= ${asOf} AND (v.valid_to IS NULL OR v.valid_to > ${asOf}) AND v.op <> 'retire'`
    : sql`v.valid_to IS NULL AND v.op <> 'retire'`;
  const { rows } = await sql<{ code: string; geojson: string }>`
    SELECT v.code, ST_AsGeoJSON(v.geom, 9) AS geojson FROM grid_versions v
    WHERE v.region_code = ${regionCode} AND ${inForce} ORDER BY v.code`.execute(db);
  return rows.map((row) => ({ code: row.code, geometry: JSON.parse(row.geojson) as Polygon | MultiPolygon }));
}

/**
 * A grid's registered addresses (live, or at `asOf`) by the rule of geo/households.ts, each
 * with whether it is a household: what the grid's 住户 tab lists and counts.
 */
export async function gridAddresses(db: Kysely<Database>, code: string, asOf?: Date): Promise<(AddressPoint & { household: boolean })[]> {
  const regionCode = code.slice(0, 12);
  const [addresses, grids] = await Promise.all([villageAddresses(db, regionCode), villageGrids(db, regionCode, asOf)]);
  const inside = (pointsByGrid(addresses, grids).get(code) ?? []).map((i) => addresses[i]);
  const flags = householdFlags(inside.map((a) => a.levels));
  return inside.map((a, i) => ({ ...a, household: flags[i] }));
}

export interface HouseholdScope {
  /** The villages of these grids. */
  codes?: string[];
  /** These villages (their buildings or addresses changed). */
  regionCodes?: string[];
  /** The villages of live grids never computed (written before households were). */
  uncomputed?: boolean;
}

/**
 * Computes the households of every live grid of the villages in `scope` and writes them on
 * their live versions (a whole village at once: a moved border changes its neighbour's count).
 * Run inside the transaction of the change that made them stale.
 */
export async function refreshHouseholds(db: Kysely<Database>, scope: HouseholdScope): Promise<void> {
  const villages = new Set([...(scope.codes ?? []).map((code) => code.slice(0, 12)), ...(scope.regionCodes ?? [])]);
  if (scope.uncomputed) {
    const { rows } = await sql<{ region_code: string }>`
      SELECT DISTINCT v.region_code FROM grid_versions v
      WHERE v.valid_to IS NULL AND v.op <> 'retire' AND v.households_source IS NULL`.execute(db);
    for (const row of rows) villages.add(row.region_code);
  }
  if (villages.size === 0) return;
  const sources = await villageSources(db, [...villages]);
  const counted: { code: string; n: number | null; source: HouseholdsSource }[] = [];
  for (const regionCode of villages) {
    const source = sources.get(regionCode) ?? 'stored';
    const grids = await villageGrids(db, regionCode);
    if (grids.length === 0) continue;
    const points = source === 'buildings' ? await villageBuildings(db, regionCode) : source === 'addresses' ? await villageAddresses(db, regionCode) : [];
    const counts = gridHouseholds(source, points, grids);
    for (const grid of grids) counted.push({ code: grid.code, n: counts.get(grid.code) ?? null, source });
  }
  if (counted.length === 0) return;
  await sql`
    UPDATE grid_versions v SET households_computed = c.n, households_source = c.source
    FROM json_to_recordset(${JSON.stringify(counted)}::json) AS c(code text, n integer, source text)
    WHERE v.code = c.code AND v.valid_to IS NULL AND v.op <> 'retire'
      AND (v.households_computed IS DISTINCT FROM c.n OR v.households_source IS DISTINCT FROM c.source)`.execute(db);
}
