/**
 * The standard-address registry: imports (upserts keyed by the normalised text), the catch-up
 * read of the in-memory geocoder, and a grid's addresses.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { AddressesTable, Database } from './schema.js';
import { inTransaction } from './transaction.js';
import type { ParsedAddress } from '../geo/address/types.js';
import type { RegistryEntry } from '../geo/address/prepare.js';
import { inForce } from './grid-rows.js';
import { refreshHouseholds } from './households.js';


export interface ImportCounts {
  created: number;
  updated: number;
}

export interface StoredAddress {
  id: number;
  address: string;
  lon: number;
  lat: number;
  regionCode: string | null;
  levels: ParsedAddress;
  seq: number;
}

const CHUNK = 5000;

// The deepest region containing the point: villages before townships before counties.
const LEVEL_DEPTH = sql`CASE r.level WHEN 'village' THEN 5 WHEN 'township' THEN 4 WHEN 'county' THEN 3 WHEN 'city' THEN 2 ELSE 1 END`;

/**
 * Upserts addresses in one transaction (all or nothing), `onProgress(done)` after each chunk.
 * Rows must have distinct `normalized` keys (the caller keeps the last of duplicates).
 */
export async function importAddresses(
  db: Kysely<Database>,
  addresses: RegistryEntry[],
  options: { source?: string; onProgress?: (done: number) => void } = {},
): Promise<ImportCounts> {
  return inTransaction(db, async (trx) => {
    // Taking this row's lock first serialises imports, so their seq numbers commit in order
    // (see migration 005): the geocoder's "rows after seq N" never skips a late commit.
    await trx.updateTable('address_epoch').set({ epoch: sql`epoch + 1` }).where('id', '=', 1).execute();
    const counts: ImportCounts = { created: 0, updated: 0 };
    const villages = new Set<string>();
    for (let start = 0; start < addresses.length; start += CHUNK) {
      const chunk = addresses.slice(start, start + CHUNK).map((a) => ({
        address: a.address,
        normalized: a.normalized,
        levels: JSON.stringify(a.levels),
        lon: a.lon,
        lat: a.lat,
      }));
      const { rows } = await sql<{ created: boolean; region_code: string | null }>`
        INSERT INTO addresses (address, normalized, levels, region_code, geom, source)
        SELECT p.address, p.normalized, p.levels::jsonb,
               (SELECT r.code FROM regions r WHERE ST_Intersects(r.boundary, p.geom) ORDER BY ${LEVEL_DEPTH} DESC, r.code LIMIT 1),
               p.geom, ${options.source ?? null}
        FROM (
          SELECT r.address, r.normalized, r.levels, ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326) AS geom
          FROM json_to_recordset(${JSON.stringify(chunk)}::json) AS r(address text, normalized text, levels text, lon float8, lat float8)
        ) p
        ON CONFLICT (normalized) DO UPDATE SET
          address = EXCLUDED.address, levels = EXCLUDED.levels, region_code = EXCLUDED.region_code,
          geom = EXCLUDED.geom, source = EXCLUDED.source, seq = nextval('address_seq'), imported_at = now()
        RETURNING (xmax = 0) AS created, region_code`.execute(trx);
      for (const row of rows) {
        row.created ? counts.created++ : counts.updated++;
        if (row.region_code) villages.add(row.region_code);
      }
      options.onProgress?.(Math.min(start + CHUNK, addresses.length));
    }
    // The grids of the villages these addresses lie in may count their households from them.
    await refreshHouseholds(trx, { regionCodes: [...villages] });
    return counts;
  });
}

export async function addressEpoch(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('address_epoch').select('epoch').where('id', '=', 1).executeTakeFirstOrThrow();
  return Number(row.epoch);
}

/** An address as its reads select it: the table's own columns, and the point as lon/lat. */
type AddressRow = Pick<Selectable<AddressesTable>, 'id' | 'address' | 'region_code' | 'seq'> & { lon: number; lat: number };

function toRecord(row: AddressRow): Omit<StoredAddress, 'levels'> {
  return { id: Number(row.id), address: row.address, lon: Number(row.lon), lat: Number(row.lat), regionCode: row.region_code, seq: Number(row.seq) };
}

function toStored(row: AddressRow & Pick<Selectable<AddressesTable>, 'levels'>): StoredAddress {
  return { ...toRecord(row), levels: (typeof row.levels === 'string' ? JSON.parse(row.levels) : row.levels) as ParsedAddress };
}

/**
 * The next `limit` addresses written after `seq`, in seq order — without their stored levels,
 * which the geocoder derives itself (this read is what a start-up with a million addresses waits for).
 */
export async function addressesAfter(db: Kysely<Database>, seq: number, limit: number): Promise<Omit<StoredAddress, 'levels'>[]> {
  const rows = await db
    .selectFrom('addresses')
    .select(['id', 'address', 'region_code', 'seq', sql<number>`ST_X(geom)`.as('lon'), sql<number>`ST_Y(geom)`.as('lat')])
    .where('seq', '>', seq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map(toRecord);
}

/** The registry addresses whose point lies in a region (its stored boundary), with their parsed levels. */
export async function addressesInRegion(db: Kysely<Database>, regionCode: string): Promise<StoredAddress[]> {
  const rows = await db
    .selectFrom('addresses as a')
    .innerJoin('regions as r', (join) => join.on(sql<boolean>`ST_Intersects(r.boundary, a.geom)`))
    .select(['a.id', 'a.address', 'a.region_code', 'a.levels', 'a.seq', sql<number>`ST_X(a.geom)`.as('lon'), sql<number>`ST_Y(a.geom)`.as('lat')])
    .where('r.code', '=', regionCode)
    .orderBy('a.id')
    .execute();
  return rows.map(toStored);
}
