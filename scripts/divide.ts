/**
 * npm run divide -- (--boundary area.geojson | --region CODE) --buildings buildings.geojson
 *                   [--barriers roads.geojson …] [--specials specials.geojson] [--min 300] [--max 500]
 *                   [--out proposal.geojson] [--lang zh|en]  (the language of the flags' messages)
 *
 * Proposes grids for an area, with a progress bar on stderr; writes the proposal GeoJSON and
 * prints the metrics table. `--region` reads a stored village's boundary from the configured
 * database (DATABASE_URL, or the embedded one in GRIDGOV_DATA / ./data/db) — stop the service
 * first when it uses the embedded database. Applying a proposal goes through the API
 * (POST /api/divisions with the regionCode, then /apply).
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { Feature, FeatureCollection } from 'geojson';
import { parseDivisionInput } from '../server/geo/divide/input.js';
import { runDivision } from '../server/geo/divide/run.js';
import { describeProposal } from '../server/i18n/division.js';
import { langOfEnvironment, langOfTag } from '../server/i18n/lang.js';
import { translate } from '../server/i18n/catalogue.js';
import { prepareDivision } from '../server/geo/divide/prepare.js';
import { loadConfig } from '../server/config.js';
import { openStore } from '../server/db/connect.js';
import { exactBoundary } from '../server/db/regions.js';
import { progressBar } from './progress-bar.js';

// `--barriers roads/*.geojson` (a shell glob) reads as one option and several files: the files
// after the first come as positionals and are taken as further barrier files.
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    boundary: { type: 'string' },
    region: { type: 'string' },
    buildings: { type: 'string' },
    barriers: { type: 'string', multiple: true },
    specials: { type: 'string' },
    min: { type: 'string', default: '300' },
    max: { type: 'string', default: '500' },
    out: { type: 'string', default: 'proposal.geojson' },
    lang: { type: 'string', default: 'zh' },
  },
});

function read(file: string): FeatureCollection | Feature {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function fail(message: string): never {
  console.error(`divide: ${message}`);
  process.exit(2);
}

if ((!values.boundary && !values.region) || !values.buildings) {
  fail('--boundary (or --region) and --buildings are required (see the header of scripts/divide.ts)');
}

async function storedBoundary(code: string) {
  const config = loadConfig();
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    return await exactBoundary(store.db, code);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  } finally {
    await store.close();
  }
}

let boundary: unknown;
if (values.region) {
  boundary = await storedBoundary(values.region);
} else {
  const boundaryFile = read(values.boundary!);
  boundary = boundaryFile.type === 'FeatureCollection' ? boundaryFile.features[0]?.geometry : boundaryFile.type === 'Feature' ? boundaryFile.geometry : boundaryFile;
}
if (positionals.length && !values.barriers) fail(`files without an option: ${positionals.join(' ')} (barrier files follow --barriers)`);
const barrierFiles = [...(values.barriers ?? []), ...positionals];
const barriers: FeatureCollection = {
  type: 'FeatureCollection',
  features: barrierFiles.flatMap((file) => (read(file) as FeatureCollection).features),
};
const parsed = parseDivisionInput(
  {
    buildings: read(values.buildings),
    barriers,
    specials: values.specials ? read(values.specials) : undefined,
    minHouseholds: Number(values.min),
    maxHouseholds: Number(values.max),
  },
  boundary,
);
if (parsed.problems) fail(parsed.problems.map((p) => translate(p.message, langOfEnvironment(process.env))).join('\n'));
const outside = prepareDivision(parsed.value).problems;
if (outside.length > 0) fail(outside.map((p) => translate(p.message, langOfEnvironment(process.env))).join('\n'));

const result = await runDivision(parsed.value, progressBar());
process.stderr.write('\n');
fs.writeFileSync(values.out!, JSON.stringify(describeProposal(result.proposal, langOfTag(values.lang!) ?? 'zh')));

const m = result.metrics;
const rows: [string, string][] = [
  ['grids', String(m.grids)],
  ['households', String(m.households)],
  [`within [${values.min}, ${values.max}]`, `${(m.withinRangeShare * 100).toFixed(1)} %`],
  ['households CV', m.householdsCV.toFixed(3)],
  ['boundary alignment (≤ 10 m of a barrier)', `${(m.boundaryAlignment * 100).toFixed(1)} %`],
  ['border cut through blocks without a mapped line', `${(m.cutBorderShare * 100).toFixed(1)} %`],
  ['major road / river inside grids', `${m.barrierCrossingM.toFixed(0)} m`],
  ['Polsby–Popper median (min)', `${m.polsbyPopperMedian.toFixed(2)} (${m.polsbyPopperMin.toFixed(2)})`],
  ['compounds split', String(m.compoundsSplit)],
  ['buildings split', String(m.buildingsSplit)],
  ['grids flagged', String(m.flagged)],
  ['runtime', `${m.runtimeMs.toFixed(0)} ms`],
];
// Barrier features read but left out (a ferry, construction, points): server/geo/barrier-kinds.ts.
const skipped = parsed.value.skippedBarriers;
if (skipped) rows.push(['barriers skipped', `${skipped.count} (${Object.entries(skipped.byValue).map(([value, n]) => `${value} ${n}`).join(', ')})`]);
const width = Math.max(...rows.map(([k]) => k.length));
for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
console.log(`proposal written to ${values.out}`);
