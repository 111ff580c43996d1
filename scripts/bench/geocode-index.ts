/**
 * Benchmark of AddressIndex (server/geo/address) on 1,000,000 synthetic standard addresses.
 *
 * Registry and queries: see synthetic-addresses.ts (50,000 queries written as people write
 * them, 10 % with a typo in the road name).
 *
 * Baseline, in the same process and on the same queries: an exact Map from canonical text
 * (normalizeText + chineseNumeralsToDigits) to the entry.
 *
 * Usage: npx tsx [--expose-gc] scripts/bench/geocode-index.ts [records = 1000000] [queries = 50000]
 */
import { AddressIndex } from '../../server/geo/address/address-index.js';
import { canonicalText } from '../../server/geo/address/normalize.js';
import type { AddressRecord } from '../../server/geo/address/types.js';
import { syntheticAddresses, type Query } from './synthetic-addresses.js';

const RECORDS = Number(process.argv[2] ?? 1_000_000);
const QUERIES = Number(process.argv[3] ?? 50_000);
const log = (message: string) => process.stderr.write(`${message}\n`);
const { recordOf, queries, roads } = syntheticAddresses(RECORDS, QUERIES, 20240601, log);

/** JS heap plus typed-array backing stores, after a collection when --expose-gc is given. */
const heapMb = () => {
  (globalThis as { gc?: () => void }).gc?.();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return (heapUsed + arrayBuffers) / 2 ** 20;
};

if (!('gc' in globalThis)) log('no --expose-gc: heap figures include uncollected garbage');

/**
 * Feeds the records to `add` in batches made on the fly and dropped after, so that the
 * structure alone holds their strings and the heap growth is its whole footprint; only `add`
 * is timed. Seconds and megabytes.
 */
function build(add: (batch: AddressRecord[]) => void): { seconds: number; mb: number } {
  const BATCH = 10_000;
  const before = heapMb();
  let ms = 0;
  for (let first = 0; first < RECORDS; first += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, RECORDS - first) }, (_, k) => recordOf(first + k));
    const t = performance.now();
    add(batch);
    ms += performance.now() - t;
  }
  return { seconds: ms / 1000, mb: heapMb() - before };
}

const index = new AddressIndex();
const indexBuild = build((batch) => index.upsert(batch));
log(`index: ${index.size.toLocaleString('en')} records in ${indexBuild.seconds.toFixed(1)} s, heap +${indexBuild.mb.toFixed(0)} MB`);
const baseline = new Map<string, number>();
const baselineBuild = build((batch) => batch.forEach((r) => baseline.set(canonicalText(r.address), r.id)));

for (const q of queries.slice(0, 2000)) index.search(q.text, { limit: 5 }); // warm-up
let t0 = performance.now();
const answers = queries.map((q) => index.search(q.text, { limit: 5 })[0]?.id ?? null);
const indexS = (performance.now() - t0) / 1000;

t0 = performance.now();
const baselineAnswers = queries.map((q) => baseline.get(canonicalText(q.text)) ?? null);
const baselineS = (performance.now() - t0) / 1000;

/** Top-1 accuracy over the queries that pass `keep`. */
function accuracy(got: Array<number | null>, keep: (q: Query) => boolean = () => true): string {
  let right = 0;
  let all = 0;
  queries.forEach((q, k) => {
    if (!keep(q)) return;
    all++;
    if (got[k] === q.id) right++;
  });
  return `${((100 * right) / Math.max(1, all)).toFixed(1)} %`;
}

const qps = (seconds: number) => Math.round(QUERIES / seconds);
const row = (method: string, built: { seconds: number; mb: number }, seconds: number, got: Array<number | null>) =>
  `| ${method} | ${built.seconds.toFixed(1)} s | ${built.mb.toFixed(0)} MB | ${qps(seconds).toLocaleString('en')} | ${(qps(seconds) / qps(baselineS)).toFixed(2)} | ` +
  `${accuracy(got)} | ${accuracy(got, (q) => !q.typo)} | ${accuracy(got, (q) => q.typo)} |`;

console.log(`\n${RECORDS.toLocaleString('en')} addresses on ${roads.toLocaleString('en')} roads; ${QUERIES.toLocaleString('en')} queries\n`);
console.log('| method | build | heap | queries/s | qps vs baseline | top-1 | top-1 (no typo) | top-1 (typo) |');
console.log('|---|---|---|---|---|---|---|---|');
console.log(row('AddressIndex.search', indexBuild, indexS, answers));
console.log(row('exact Map (canonical text)', baselineBuild, baselineS, baselineAnswers));
