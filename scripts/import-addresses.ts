/**
 * npm run import:addresses -- FILE [--crs wgs84|cgcs2000|gcj02|bd09] [--skip-invalid]
 *                            [--url http://127.0.0.1:3000 [--key KEY]]
 *
 * Imports a standard-address file (CSV with address,lon,lat columns, or a GeoJSON
 * FeatureCollection of Points with properties.address) into the registry, with a progress bar.
 * Bad rows are listed and nothing is imported unless --skip-invalid asks for the good rows.
 *
 * Without --url it writes to the configured database (DATABASE_URL, or the embedded one in
 * GRIDGOV_DATA / ./data/db — stop the service first when it uses the embedded database), in one
 * transaction. With --url it sends the rows to a running service in batches of 10,000 (each
 * batch is one transaction); the service's geocoder picks them up at once either way. The
 * service wants an API key that may import addresses for the whole tree (an admin or planner
 * key without a region): --key, or GRIDGOV_KEY in the environment (which keeps it out of the
 * shell history and the process list).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.js';
import { openStore } from '../server/db/connect.js';
import { importAddresses } from '../server/db/addresses.js';
import { isCrsName, CRS_NAMES } from '../server/geo/crs.js';
import { registryEntries, type RegistryEntry } from '../server/geo/address/prepare.js';
import { AddressFileError, addressRowsFromCsv, addressRowsFromGeoJSON } from '../server/formats/address-rows.js';
import { progressBar } from './progress-bar.js';
import { translate } from '../server/i18n/catalogue.js';
import { langOfEnvironment } from '../server/i18n/lang.js';

const lang = langOfEnvironment(process.env);

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    crs: { type: 'string', default: 'wgs84' },
    'skip-invalid': { type: 'boolean', default: false },
    url: { type: 'string' },
    key: { type: 'string' },
  },
});

function fail(message: string): never {
  console.error(`import:addresses: ${message}`);
  process.exit(2);
}

const [file] = positionals;
if (!file) fail('give the file to import (see the header of scripts/import-addresses.ts)');
if (!isCrsName(values.crs)) fail(`--crs must be one of ${CRS_NAMES.join(', ')}`);
const crs = values.crs;
// Checked before the file is read, so a missing key fails at once rather than after the parse.
const key = values.key ?? process.env.GRIDGOV_KEY;
if (values.url && !key) fail('--url needs an API key that may import addresses (admin or planner, whole tree): pass --key KEY or set GRIDGOV_KEY');
if (!values.url && values.key) fail('--key goes with --url (without it the rows are written to the database directly)');

const started = Date.now();
const text = fs.readFileSync(file, 'utf8');
let parsed;
try {
  parsed = /\.(geo)?json$/i.test(file) ? addressRowsFromGeoJSON(JSON.parse(text), crs) : addressRowsFromCsv(text, crs);
} catch (error) {
  fail(error instanceof AddressFileError ? error.message : `${path.basename(file)} cannot be read: ${(error as Error).message}`);
}
const { rows, problems } = parsed;
console.error(`${path.basename(file)}: ${rows.length + problems.length} rows, ${problems.length} bad`);
for (const problem of problems.slice(0, 20)) console.error(`  row ${problem.row}: ${translate(problem.message, lang)}`);
if (problems.length > 20) console.error(`  … and ${problems.length - 20} more`);
if (problems.length > 0 && !values['skip-invalid']) fail('nothing imported; fix the rows above, or pass --skip-invalid to import the good ones');

const { entries, duplicates } = registryEntries(rows);
if (duplicates > 0) console.error(`${duplicates} address(es) appear more than once; the last position of each is kept`);
const bar = progressBar();
bar(0, 'importing');

async function intoDatabase(entries: RegistryEntry[]) {
  const config = loadConfig();
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    return await importAddresses(store.db, entries, { source: `file:${path.basename(file!)}`, onProgress: (done) => bar(done / entries.length, 'importing') });
  } finally {
    await store.close();
  }
}

async function throughService(entries: RegistryEntry[], url: string) {
  const counts = { created: 0, updated: 0 };
  const BATCH = 10_000;
  for (let start = 0; start < entries.length; start += BATCH) {
    const features = entries.slice(start, start + BATCH).map((e) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [e.lon, e.lat] },
      properties: { address: e.address },
    }));
    // The rows are WGS84 by now (converted while reading).
    const response = await fetch(new URL('/api/addresses/import?crs=wgs84', url), {
      method: 'POST',
      headers: { 'content-type': 'application/geo+json', authorization: `Bearer ${key}`, 'x-actor': encodeURIComponent(`import:${path.basename(file!)}`) },
      body: JSON.stringify({ type: 'FeatureCollection', features }),
    });
    const body = (await response.json()) as { created?: number; updated?: number; error?: { message: string } };
    if (!response.ok) {
      const earlier = start > 0 ? ' (earlier batches were imported)' : '';
      process.stderr.write('\n'); // below the progress bar, not on its line
      fail(`the service refused rows ${start + 1}–${start + features.length}: ${response.status} ${body.error?.message ?? ''}${earlier}`);
    }
    counts.created += body.created ?? 0;
    counts.updated += body.updated ?? 0;
    bar(Math.min(start + BATCH, entries.length) / entries.length, 'importing');
  }
  return counts;
}

const counts = values.url ? await throughService(entries, values.url) : await intoDatabase(entries);
bar(1, 'done');
process.stderr.write('\n');
const seconds = (Date.now() - started) / 1000;
console.log(`${entries.length} addresses imported (${counts.created} new, ${counts.updated} moved or re-imported) in ${seconds.toFixed(1)} s — ${Math.round(entries.length / seconds)} addresses/s`);
