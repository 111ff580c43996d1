/**
 * The address registry held in memory for geocoding, kept consistent with the database the
 * same way as the grid locator: one tiny read of the address epoch (bumped by every import, in
 * any process) says whether to catch up, and catching up reads only the rows written since
 * (their seq is above the last one held) — an import of ten addresses costs ten rows, not a
 * reload of a million.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { addressEpoch, addressesAfter } from '../db/addresses.js';
import { AddressIndex } from '../geo/address/address-index.js';

const PAGE = 50_000;

export class AddressGeocoder {
  private readonly index = new AddressIndex();
  private epoch = -1;
  private lastSeq = 0;
  private catchingUp: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly log: (message: string) => void = () => {},
  ) {}

  /** The index with every committed import in it. */
  async current(): Promise<AddressIndex> {
    const epoch = await addressEpoch(this.db);
    while (epoch > this.epoch) {
      // One catch-up at a time; callers arriving meanwhile wait for it, then look again.
      this.catchingUp ??= this.catchUp().finally(() => (this.catchingUp = undefined));
      await this.catchingUp;
    }
    return this.index;
  }

  private async catchUp(): Promise<void> {
    const epoch = await addressEpoch(this.db);
    const started = Date.now();
    let loaded = 0;
    for (;;) {
      const rows = await addressesAfter(this.db, this.lastSeq, PAGE);
      if (rows.length === 0) break;
      this.index.upsert(rows);
      this.lastSeq = rows[rows.length - 1].seq;
      loaded += rows.length;
      if (loaded >= PAGE) this.log(`geocoder: ${loaded.toLocaleString('en')} addresses loaded…`);
    }
    if (loaded >= PAGE) this.log(`geocoder: ${this.index.size.toLocaleString('en')} addresses in memory (${Date.now() - started} ms)`);
    this.epoch = epoch;
  }
}
