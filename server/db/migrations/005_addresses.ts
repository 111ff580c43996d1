import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The standard-address registry (标准地址). `normalized` (the text with full-width characters,
  // punctuation and Chinese numerals normalised) is the identity: importing an address again
  // moves it instead of duplicating it. The grid is not stored: it is looked up when read, so a
  // grid edit can never leave an address pointing at a stale grid.
  await sql`CREATE SEQUENCE address_seq`.execute(db);
  await sql`
    CREATE TABLE addresses (
      id bigserial PRIMARY KEY,
      address text NOT NULL,
      normalized text NOT NULL UNIQUE,
      levels jsonb NOT NULL,
      region_code text REFERENCES regions (code),
      geom geometry(Point, 4326) NOT NULL,
      source text,
      seq bigint NOT NULL DEFAULT nextval('address_seq'),
      imported_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX addresses_geom_idx ON addresses USING gist (geom)`.execute(db);
  // The in-memory geocoder catches up by reading rows with seq above the last one it holds.
  await sql`CREATE INDEX addresses_seq_idx ON addresses (seq)`.execute(db);
  await sql`CREATE INDEX addresses_region_idx ON addresses (region_code text_pattern_ops)`.execute(db);
  // Every import takes this row's lock first, so imports commit in seq order and a reader that
  // has seen seq N can never later meet a committed row below N.
  await sql`CREATE TABLE address_epoch (id integer PRIMARY KEY CHECK (id = 1), epoch bigint NOT NULL)`.execute(db);
  await sql`INSERT INTO address_epoch VALUES (1, 0)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE address_epoch`.execute(db);
  await sql`DROP TABLE addresses`.execute(db);
  await sql`DROP SEQUENCE address_seq`.execute(db);
}
