/**
 * npm run import -- FILE [--kind grids|regions|buildings|addresses] [--crs EPSG:4528]
 *                  [--encoding gbk] [--region CODE] [--dry-run] [--skip-invalid]
 *                  [--households footprint] [--actor NAME] [--reason TEXT] [--json]
 *
 * Imports a GIS file — a zipped shapefile (.zip), GeoJSON or CSV (WKT or lon/lat columns) in
 * WGS84, CGCS2000, a CGCS2000 Gauss–Krüger zone, Web Mercator, GCJ-02 or BD-09 — into the
 * configured database (DATABASE_URL, or the embedded one in GRIDGOV_DATA / ./data/db: stop the
 * service first when it uses the embedded database), with a progress bar. The same checks and
 * field mapping as POST /api/import (server/services/file-import.ts, server/formats/fields.ts): grids
 * and regions all or nothing, buildings replace the --region village's layer, addresses follow
 * the registry rules. --dry-run reports what would happen and writes nothing.
 *
 * Exit status: 0 written (or a dry run that would go through), 1 refused, 2 bad arguments or
 * an unreadable file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.js';
import { openStore } from '../server/db/connect.js';
import { readSourceFile } from '../server/formats/read.js';
import { FileError } from '../server/formats/source.js';
import { IMPORT_KINDS, type ImportKind } from '../server/formats/fields.js';
import { runImport, type ImportReport } from '../server/services/file-import.js';
import { asApiError } from '../server/errors.js';
import { progressBar } from './progress-bar.js';
import { localize, translate } from '../server/i18n/catalogue.js';
import { langOfEnvironment } from '../server/i18n/lang.js';

const lang = langOfEnvironment(process.env);

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    kind: { type: 'string', default: 'grids' },
    crs: { type: 'string' },
    encoding: { type: 'string' },
    region: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    'skip-invalid': { type: 'boolean', default: false },
    households: { type: 'string' },
    actor: { type: 'string' },
    reason: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  process.stderr.write('\n');
  console.error(`import: ${message}`);
  process.exit(2);
}

const [file] = positionals;
if (!file) fail('give the file to import (see the header of scripts/import.ts)');
const kind = values.kind as ImportKind;
if (!IMPORT_KINDS.includes(kind)) fail(`--kind must be one of ${IMPORT_KINDS.join(', ')}`);
if (values.region !== undefined && !/^\d{12}$/.test(values.region)) fail('--region must be a 12-digit region code');
if (values.households !== undefined && values.households !== 'footprint') fail('--households must be "footprint" when given');

const started = Date.now();
const bar = progressBar();
bar(0, 'reading');
let bytes: Buffer;
try {
  bytes = fs.readFileSync(file);
} catch (error) {
  fail(`cannot read ${file}: ${(error as Error).message}`);
}
let data;
try {
  data = readSourceFile(bytes, { fileName: path.basename(file), crs: values.crs, encoding: values.encoding });
} catch (error) {
  if (error instanceof FileError) fail(`${path.basename(file)}: ${translate(error.text, lang)}`);
  throw error;
}
bar(0.05, 'read');

const config = loadConfig();
const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
let report: ImportReport;
try {
  report = await runImport(store.db, data, {
    kind,
    dryRun: values['dry-run'],
    region: values.region,
    actor: values.actor ?? `import:${path.basename(file)}`,
    reason: values.reason ?? null,
    limits: config.limits,
    skipInvalid: values['skip-invalid'],
    householdsRule: values.households as 'footprint' | undefined,
    onProgress: (fraction, stage) => bar(fraction, stage),
  });
} catch (error) {
  const answer = asApiError(error);
  if (answer) fail(answer.messageIn(lang));
  throw error;
} finally {
  await store.close();
}
process.stderr.write('\n');

// Notes, problems and how each column was read, in the language of the terminal's locale.
const shown = localize(report, lang);
if (values.json) {
  console.log(JSON.stringify(shown, null, 2));
} else {
  const { file: source, summary } = shown;
  console.error(`${path.basename(file)}: ${source.format}, ${source.rows} rows, ${source.crs.name}${source.crs.epsg !== null ? ` (EPSG:${source.crs.epsg})` : ''} (${source.crs.source})`);
  if (source.crs.note) console.error(`  crs: ${source.crs.note}`);
  if (source.encoding) console.error(`  encoding: ${source.encoding.name} (${source.encoding.source}${source.encoding.cpg ? `, .cpg ${source.encoding.cpg}` : ''})`);
  const mapped = Object.entries(source.fields).filter(([, property]) => property !== null).map(([field, property]) => `${field}→${property}`);
  const ignored = Object.entries(source.fields).filter(([, property]) => property === null).map(([field]) => field);
  console.error(`  fields: ${mapped.join(', ') || '(none mapped)'}${ignored.length ? `; ignored: ${ignored.join(', ')}` : ''}`);
  for (const note of source.notes) console.error(`  note: ${note}`);
  for (const refusal of shown.refused.slice(0, 20)) {
    for (const problem of refusal.problems) console.error(`  row ${refusal.row}: ${problem.code}: ${problem.message}`);
  }
  if (report.refused.length > 20) console.error(`  … and ${report.refused.length - 20} more refused rows`);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const counts = `${summary.created} created, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.refused} refused`;
  if (report.dryRun) console.log(`dry run (nothing written): ${report.ok ? 'would import' : 'would be refused'} — ${counts} (${summary.accepted} rows pass their own checks) in ${seconds} s`);
  else if (report.committed) console.log(`${kind} imported: ${counts}${report.replaced !== undefined ? ` (replacing ${report.replaced} buildings)` : ''} in ${seconds} s`);
  else console.log(`refused, nothing written: ${counts} (${summary.accepted} rows pass their own checks) in ${seconds} s`);
}
process.exitCode = report.ok ? 0 : 1;
