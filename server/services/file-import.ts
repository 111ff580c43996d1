/**
 * The file-import use-case: GIS files (server/formats/read.ts has turned them into WGS84 features) onto the
 * existing create paths, with a report of what was (or, in a dry run, would be) created,
 * updated, left unchanged and refused, and why. A dry run does the real work in a transaction
 * and rolls it back, so its report is exactly what the real run would do, codes included.
 *
 * - grids: all or nothing, checked as POST /api/grids/import checks (region, validity, inside
 *   the village, overlaps — within the file and with the live map). A row without `code`
 *   creates a grid (gridgov assigns its code). A row whose `code` names a live grid updates it
 *   only when its `version` is that grid's current version (the file's If-Match); without a
 *   version, with a stale one, or for a retired grid it is refused. A row identical to the
 *   current version (attributes, and geometry within 1e-7°) is reported unchanged and writes
 *   nothing. A `code` this database never issued is treated as a new grid (e.g. a file
 *   exported from another gridgov): it gets a code of its own, reported beside the old one.
 * - regions: all or nothing, each through createRegion (codes, parent, validity); a region
 *   that exists already is refused (regions have no update path). A missing parentCode is
 *   inferred from the nearest ancestor code present in the file or the database.
 * - buildings: the village's layer replaced as PUT /api/regions/:code/buildings does.
 * - addresses: the registry rules: bad rows refuse the file unless skipInvalid; upserts by
 *   the normalised address.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { DomainError, invalidError, badInputError, tooLargeError, forbiddenError } from '../domain-errors.js';
import type { Limits } from '../config.js';
import type { Problem } from '../geo/validate.js';
import { coordinateProblem, countVertices } from '../geo/validate.js';
import { parseGridFeature, parseRegionFeature, propertyProblem, type RegionInput } from '../geo/features.js';
import { REGION_LEVELS, levelOfRegionCode, levelRank, numberClassOfKind, regionPrefix, villageGridKind, type GridKind } from '../geo/codes.js';
import { parseBuildings, DIVISION_LIMITS } from '../geo/divide/input.js';
import { registryEntries } from '../geo/address/prepare.js';
import { addressProblem } from '../formats/address-rows.js';
import { ColumnTally, mapFields, mapProperties, specialTypeOf, type ColumnReport, type FieldMapping, type ImportKind } from '../formats/fields.js';
import type { SourceData } from '../formats/read.js';
import { createGridsIn, kindClassChange, lockRegions, writeStagedUpdates, type NewGrid } from '../db/grids.js';
import { checkStaged, ProblemList, stage, unstage } from '../db/grid-checks.js';
import { createRegion, regionLevel } from '../db/regions.js';
import { replaceBuildings } from '../db/buildings.js';
import { importAddresses } from '../db/addresses.js';
import { buildingCount, lockCurrentGrids, stagedUnchanged, storedRegionCodes, villageNames } from '../db/imports.js';
import { inSavepoint } from '../db/transaction.js';
import { isText, shown, text, type Text } from '../i18n/catalogue.js';
import { levelWord } from '../i18n/words.js';

export interface ImportOptions {
  kind: ImportKind;
  dryRun: boolean;
  /** grids: the village of rows without a region column; buildings: the village (required). */
  region?: string;
  actor: string;
  reason: string | null;
  limits: Limits;
  /** addresses: import the good rows of a file with bad ones. */
  skipInvalid?: boolean;
  /** buildings: 'footprint' estimates households from each footprint. */
  householdsRule?: 'footprint';
  onProgress?: (fraction: number, stage: string) => void;
  /** Whether the caller may write under a region or grid code (its key's scope); everything when absent. */
  mayWrite?: (code: string) => boolean;
  /** addresses: how many of the imported points fall in a live grid (the service's locator). */
  locate?: (points: [number, number][]) => Promise<{ inGrid: number; outsideGrids: number }>;
}

export interface RowRefusal {
  row: number;
  problems: Problem[];
}

export interface ImportReport {
  kind: ImportKind;
  dryRun: boolean;
  /** True when the import was written (never for a dry run). */
  committed: boolean;
  file: {
    format: SourceData['format'];
    name: string;
    /** Rows (records, features, lines) read, good and bad. */
    rows: number;
    crs: SourceData['crs'];
    encoding?: SourceData['encoding'];
    /** Each source column → the property it was read as, or null when ignored. */
    fields: Record<string, string | null>;
    /**
     * Per column: the property it was read as, how (in words), and for columns read through a
     * word table (类型, 级别…) each value and what it became; then the properties worked out
     * where no column gave them (a grid's kind from its village…), with what they came from.
     */
    columns: ColumnReport[];
    notes: Text[];
  };
  /**
   * True when the import went (or, dry, would go) through: no row refused — or, for addresses
   * with skipInvalid, the good rows were taken.
   */
  ok: boolean;
  /**
   * What the run did (or would do). When rows are refused nothing is written, so created,
   * updated and unchanged are 0; `accepted` counts the rows that passed their own checks.
   */
  summary: { created: number; updated: number; unchanged: number; refused: number; accepted: number };
  /** Listed up to LISTED rows each; the summary has the counts. */
  created: { row: number; code?: string; name?: string; fileCode?: string }[];
  updated: { row: number; code: string; version: number }[];
  unchanged: { row: number; code: string }[];
  refused: RowRefusal[];
  /** buildings: how many the village had before. */
  replaced?: number;
  /** addresses: rows naming an address another row names too (the last is kept). */
  duplicatesInFile?: number;
  /** addresses, when written: how many of them fall in a live grid. */
  located?: { inGrid: number; outsideGrids: number };
}

const LISTED = 1000;

/** Thrown inside the transaction to roll it back (a dry run, or refusals); carries nothing. */
class Rollback extends Error {}

/** Runs `work` in a transaction that commits only for a real run without refusals. */
async function transaction(
  db: Kysely<Database>,
  report: ImportReport,
  refusals: Refusals,
  work: (trx: Transaction<Database>) => Promise<void>,
): Promise<void> {
  try {
    await db.transaction().execute(async (trx) => {
      await work(trx);
      if (report.dryRun || refusals.size > 0) throw new Rollback();
    });
    report.committed = true;
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
}

class Refusals {
  private readonly byRow = new Map<number, Problem[]>();
  add(row: number, ...problems: Problem[]): void {
    this.byRow.set(row, [...(this.byRow.get(row) ?? []), ...problems]);
  }
  get size(): number {
    return this.byRow.size;
  }
  list(): RowRefusal[] {
    return [...this.byRow.entries()].sort(([a], [b]) => a - b).map(([row, problems]) => ({ row, problems }));
  }
}

/**
 * "properties.name must…" → "name (column "名称") must…": say it in the file's terms. A problem
 * of a request member (`buildings[0]: …`) is the row's own here.
 */
function explain(problem: Problem, mapping: FieldMapping): Problem {
  const property = (problem.details as { property?: unknown } | undefined)?.property;
  const message = problem.message.key === 'problem.at' && isText(problem.message.params?.message) ? problem.message.params.message : problem.message;
  if (typeof property !== 'string' || !message.params || !('field' in message.params)) return { ...problem, message };
  const column = mapping.byProperty[property];
  const field = column ? text('field.column', { property, column }) : text('field.no_column', { property });
  return { ...problem, message: { key: message.key, params: { ...message.params, field } } };
}

function missingGeometry(row: number): Problem {
  return { code: 'missing_geometry', message: text('missing_geometry', { row }) };
}

export async function runImport(db: Kysely<Database>, data: SourceData, options: ImportOptions): Promise<ImportReport> {
  const mapping = mapFields(options.kind, data.fields);
  const tally = new ColumnTally(mapping);
  const report: ImportReport = {
    kind: options.kind,
    dryRun: options.dryRun,
    committed: false,
    file: {
      format: data.format,
      name: data.name,
      rows: data.features.length + data.problems.length,
      crs: data.crs,
      encoding: data.encoding,
      fields: mapping.fields,
      columns: [],
      notes: [...data.notes, ...mapping.notes],
    },
    ok: false,
    summary: { created: 0, updated: 0, unchanged: 0, refused: 0, accepted: 0 },
    created: [],
    updated: [],
    unchanged: [],
    refused: [],
  };
  const refusals = new Refusals();
  for (const problem of data.problems) {
    const { row, ...rest } = problem;
    refusals.add(row, rest);
  }
  options.onProgress?.(0.05, 'checking rows');
  switch (options.kind) {
    case 'grids':
      await importGrids(db, data, mapping, tally, options, report, refusals);
      break;
    case 'regions':
      await importRegions(db, data, mapping, tally, options, report, refusals);
      break;
    case 'buildings':
      await importBuildings(db, data, mapping, tally, options, report, refusals);
      break;
    case 'addresses':
      await importAddressRows(db, data, mapping, tally, options, report, refusals);
      break;
  }
  report.file.columns = tally.report();
  report.refused = refusals.list();
  report.summary.refused = report.refused.length;
  report.summary.accepted = report.file.rows - report.refused.length;
  report.ok = report.refused.length === 0 || (options.kind === 'addresses' && options.skipInvalid === true);
  if (!report.ok) {
    // Nothing is (or would be) written when anything is refused.
    report.summary.created = report.summary.updated = report.summary.unchanged = 0;
    report.created = [];
    report.updated = [];
    report.unchanged = [];
    delete report.duplicatesInFile;
  }
  for (const list of ['created', 'updated', 'unchanged', 'refused'] as const) {
    if (report[list].length > LISTED) {
      report.file.notes.push(text('note.listed', { count: report[list].length, list, listed: LISTED }));
      (report[list] as unknown[]).length = LISTED;
    }
  }
  options.onProgress?.(1, report.committed ? 'done' : report.dryRun ? 'dry run: nothing written' : 'refused: nothing written');
  return report;
}

function batchLimit(count: number, vertices: number, limits: Limits): void {
  if (count > limits.batchFeatures) {
    throw tooLargeError('batch_too_large', text('batch_too_large.import_features', { count, limit: limits.batchFeatures }), { features: count, limit: limits.batchFeatures });
  }
  if (vertices > limits.batchVertices) {
    throw tooLargeError('batch_too_large', text('batch_too_large.import_vertices', { count: vertices, limit: limits.batchVertices }), { vertices, limit: limits.batchVertices });
  }
}

// ---------------------------------------------------------------------------------------------
// Grids

interface GridRow {
  row: number;
  grid: NewGrid;
  /** The code the file gives. */
  code?: string;
  version?: number;
}

/**
 * A grid row's kind where the file leaves it to the village (a 基础网格, or no kind at all):
 * urban in a community, rural in a village (server/geo/codes.ts: villageGridKind); and a special
 * grid's type where the file gives none: from its name, else `other`. Each decision is tallied
 * for the report; a kind that cannot be told is a problem of the row.
 */
function completeKind(properties: Record<string, unknown>, regionCode: unknown, villages: Map<string, string>, tally: ColumnTally): Problem | undefined {
  if ((properties.kind === undefined || properties.kind === 'basic') && typeof regionCode === 'string') {
    const name = villages.get(regionCode);
    const kind = villageGridKind(name, regionCode);
    if (!kind) return { code: 'missing_kind', message: text('missing_kind', { regionCode }), details: { property: 'kind' } };
    properties.kind = kind;
    tally.infer('kind', text('column.kind_from_village'), name ? `${name} ${regionCode}` : regionCode, kind);
  }
  if (properties.kind === 'special' && properties.specialType === undefined) {
    const name = typeof properties.name === 'string' ? properties.name : '';
    const type = specialTypeOf(name) ?? 'other';
    properties.specialType = type;
    tally.infer('specialType', text('column.special_from_name'), name, type);
  }
  return undefined;
}

async function gridRows(db: Kysely<Database>, data: SourceData, mapping: FieldMapping, tally: ColumnTally, options: ImportOptions, refusals: Refusals): Promise<GridRow[]> {
  const mapped = data.features.map((feature) => {
    const properties = mapProperties('grids', mapping, feature.properties, tally);
    const { code } = properties;
    const regionCode = properties.regionCode ?? options.region ?? (typeof code === 'string' && /^\d{15}$/.test(code) ? code.slice(0, 12) : undefined);
    if (properties.regionCode === undefined && typeof regionCode === 'string') {
      tally.infer('regionCode', text(options.region !== undefined ? 'column.region_from_parameter' : 'column.region_from_code'), regionCode, regionCode);
    }
    return { feature, properties, regionCode };
  });
  const villages = await villageNames(db, mapped.flatMap(({ regionCode }) => (typeof regionCode === 'string' ? [regionCode] : [])));
  const rows: GridRow[] = [];
  for (const { feature, properties, regionCode } of mapped) {
    const { row } = feature;
    const problems: Problem[] = [];
    const { code, version } = properties;
    if (code !== undefined && (typeof code !== 'string' || !/^\d{15}$/.test(code))) {
      problems.push(explain(propertyProblem('code', 'invalid_property.grid_code_import', { got: shown(code) }), mapping));
    }
    if (version !== undefined && (typeof version !== 'number' || !Number.isInteger(version) || version < 1)) {
      problems.push(explain(propertyProblem('version', 'invalid_property.version', { got: shown(version) }), mapping));
    }
    if (feature.geometry === null) problems.push(missingGeometry(row));
    if (typeof regionCode === 'string' && options.mayWrite && !options.mayWrite(regionCode)) {
      problems.push({ code: 'out_of_scope', message: text('out_of_scope.village', { code: regionCode }) });
    }
    if (regionCode === undefined) problems.push({ code: 'missing_region', message: text('missing_region.grid') });
    const kindProblem = completeKind(properties, regionCode, villages, tally);
    if (kindProblem) problems.push(explain(kindProblem, mapping));
    if (feature.geometry !== null) {
      const parsed = parseGridFeature(
        { type: 'Feature', geometry: feature.geometry, properties: { ...properties, regionCode: regionCode ?? '000000000000' } },
        { maxVertices: options.limits.featureVertices, requireRegion: true },
      );
      if (parsed.problems) problems.push(...parsed.problems.map((p) => explain(p, mapping)));
      else if (problems.length === 0) {
        rows.push({
          row,
          grid: { ...parsed.value, regionCode: parsed.value.regionCode! },
          code: code as string | undefined,
          version: version as number | undefined,
        });
      }
    }
    if (problems.length > 0) refusals.add(row, ...problems);
  }
  return rows;
}

async function importGrids(db: Kysely<Database>, data: SourceData, mapping: FieldMapping, tally: ColumnTally, options: ImportOptions, report: ImportReport, refusals: Refusals): Promise<void> {
  const rows = await gridRows(db, data, mapping, tally, options, refusals);
  batchLimit(data.features.length, rows.reduce((sum, row) => sum + countVertices(row.grid.geometry), 0), options.limits);
  const meta = { actor: options.actor, reason: options.reason };
  options.onProgress?.(0.2, 'checking topology');

  await transaction(db, report, refusals, async (trx) => {
    const named = [...new Set(rows.flatMap((row) => (row.code ? [row.code] : [])))];
    const current = await lockCurrentGrids(trx, named);
    const creates: GridRow[] = [];
    const updates: GridRow[] = [];
    const seen = new Map<string, number>();
    for (const row of rows) {
      if (!row.code) {
        creates.push(row);
        continue;
      }
      const earlier = seen.get(row.code);
      if (earlier !== undefined) {
        refusals.add(row.row, { code: 'duplicate_code', message: text('duplicate_code.import_grid', { code: row.code, row: earlier }) });
        continue;
      }
      seen.set(row.code, row.row);
      const grid = current.get(row.code);
      if (!grid) {
        creates.push(row);
        continue;
      }
      const refuse = (code: string, message: Text, details?: unknown) => refusals.add(row.row, { code, message, ...(details ? { details } : {}) });
      if (grid.retired_at) refuse('grid_retired', text('grid_retired.import', { code: grid.code, at: grid.retired_at.toISOString() }));
      else if (row.version === undefined) {
        refuse('version_required', text('version_required', { code: grid.code, version: grid.version }), { currentVersion: grid.version });
      } else if (row.version !== grid.version) {
        refuse('stale_version', text('stale_version.import', { code: grid.code, version: grid.version, expected: row.version }), { currentVersion: grid.version, expectedVersion: row.version });
      } else if (row.grid.regionCode !== grid.region_code) {
        refuse('region_change', text('region_change', { code: grid.code, from: grid.region_code, to: row.grid.regionCode }));
      } else if (numberClassOfKind(row.grid.kind) !== numberClassOfKind(grid.kind as GridKind)) {
        refuse('kind_class_change', kindClassChange(grid.code, grid.kind as GridKind, row.grid.kind));
      } else updates.push(row);
    }
    if (creates.length + updates.length === 0) return;

    const regions = await lockRegions(trx, [...creates, ...updates].map((row) => row.grid.regionCode));
    const updateCodes = updates.map((row) => row.code!);
    const staging = await stage(trx, [
      ...creates.map((row) => ({ ...row.grid, index: row.row, code: null })),
      ...updates.map((row) => ({ ...row.grid, index: row.row, code: row.code! })),
    ]);
    const problems = new ProblemList();
    // The updated grids' old shapes are not obstacles: their new shapes (staged) are.
    await checkStaged(staging, regions, problems, { ignoreCodes: updateCodes });
    for (const { index, problems: list } of problems.toJSON()) refusals.add(index, ...list);
    if (refusals.size > 0) return;

    const unchanged = await stagedUnchanged(trx);
    const changed = updates.filter((row) => !unchanged.has(row.row));
    options.onProgress?.(0.5, 'writing');
    await writeStagedUpdates(trx, changed.map((row) => row.code!), meta);
    for (const row of updates) {
      if (unchanged.has(row.row)) report.unchanged.push({ row: row.row, code: row.code! });
      else report.updated.push({ row: row.row, code: row.code!, version: row.version! + 1 });
    }
    await unstage(trx);

    if (creates.length > 0) {
      try {
        const created = await createGridsIn(trx, creates.map((row) => row.grid), meta, { indices: creates.map((row) => row.row), single: false });
        created.forEach((grid, i) => {
          const row = creates[i];
          report.created.push({ row: row.row, code: grid.properties.code, name: grid.properties.name, ...(row.code ? { fileCode: row.code } : {}) });
        });
      } catch (error) {
        const errors = (error as DomainError).details as { errors?: { index: number; problems: Problem[] }[] } | undefined;
        if (!(error instanceof DomainError) || !errors?.errors) throw error;
        for (const { index, problems: list } of errors.errors) refusals.add(index, ...list);
      }
    }
  });
  report.summary.created = report.created.length;
  report.summary.updated = report.updated.length;
  report.summary.unchanged = report.unchanged.length;
  if (report.created.some((entry) => entry.fileCode)) {
    report.file.notes.push(text('note.new_codes'));
  }
}

// ---------------------------------------------------------------------------------------------
// Regions

/** The nearest ancestor code of a region that exists in the file or the database. */
async function inferParents(db: Kysely<Database>, regions: { row: number; region: RegionInput; inferParent: boolean }[]): Promise<void> {
  const inFile = new Set(regions.map(({ region }) => region.code));
  const ancestors = (region: RegionInput) =>
    REGION_LEVELS.slice(0, levelRank(region.level))
      .map((level) => regionPrefix(region.code, level).padEnd(12, '0'))
      .filter((code, i) => levelOfRegionCode(code) === REGION_LEVELS[i])
      .reverse();
  const wanted = [...new Set(regions.filter((r) => r.inferParent).flatMap(({ region }) => ancestors(region)))];
  const stored = await storedRegionCodes(db, wanted);
  for (const entry of regions) {
    if (!entry.inferParent) continue;
    entry.region.parentCode = ancestors(entry.region).find((code) => inFile.has(code) || stored.has(code)) ?? null;
  }
}

async function importRegions(db: Kysely<Database>, data: SourceData, mapping: FieldMapping, tally: ColumnTally, options: ImportOptions, report: ImportReport, refusals: Refusals): Promise<void> {
  const regions: { row: number; region: RegionInput; inferParent: boolean }[] = [];
  const seen = new Map<string, number>();
  for (const feature of data.features) {
    const properties = mapProperties('regions', mapping, feature.properties, tally);
    if (feature.geometry === null) {
      refusals.add(feature.row, missingGeometry(feature.row));
      continue;
    }
    const parsed = parseRegionFeature({ type: 'Feature', geometry: feature.geometry, properties }, { maxVertices: options.limits.regionVertices });
    if (parsed.problems) {
      refusals.add(feature.row, ...parsed.problems.map((p) => explain(p, mapping)));
      continue;
    }
    if (options.mayWrite && !options.mayWrite(parsed.value.code)) {
      refusals.add(feature.row, { code: 'out_of_scope', message: text('out_of_scope.region', { code: parsed.value.code }) });
      continue;
    }
    const earlier = seen.get(parsed.value.code);
    if (earlier !== undefined) {
      refusals.add(feature.row, { code: 'duplicate_code', message: text('duplicate_code.import_region', { code: parsed.value.code, row: earlier }) });
      continue;
    }
    seen.set(parsed.value.code, feature.row);
    regions.push({ row: feature.row, region: parsed.value, inferParent: properties.parentCode === undefined });
  }
  batchLimit(data.features.length, 0, options.limits);
  await inferParents(db, regions);
  // Parents before children.
  regions.sort((a, b) => levelRank(a.region.level) - levelRank(b.region.level) || a.row - b.row);
  const refusedCodes = new Set<string>();
  let inferred = 0;
  await transaction(db, report, refusals, async (trx) => {
    for (const [i, { row, region, inferParent }] of regions.entries()) {
      try {
        const created = await inSavepoint(trx, 'import_region', () => createRegion(trx, region));
        report.created.push({ row, code: created.properties.code, name: created.properties.name });
        if (inferParent && region.parentCode) inferred++;
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const message = region.parentCode && refusedCodes.has(region.parentCode) ? text('region_refused.parent', { message: error.text, parent: region.parentCode }) : error.text;
        refusals.add(row, { code: error.code, message, ...(error.details !== undefined ? { details: error.details } : {}) });
        refusedCodes.add(region.code);
      }
      options.onProgress?.(0.1 + (0.85 * (i + 1)) / regions.length, 'writing regions');
    }
  });
  report.summary.created = report.created.length;
  if (inferred > 0) report.file.notes.push(text('note.parents_inferred', { count: inferred }));
}

// ---------------------------------------------------------------------------------------------
// Buildings

async function importBuildings(db: Kysely<Database>, data: SourceData, mapping: FieldMapping, tally: ColumnTally, options: ImportOptions, report: ImportReport, refusals: Refusals): Promise<void> {
  const region = options.region;
  if (region === undefined) throw badInputError('missing_region', text('missing_region.buildings'));
  if (!/^\d{12}$/.test(region)) throw badInputError('invalid_code', text('invalid_code.region', { got: region }));
  if (options.mayWrite && !options.mayWrite(region)) throw forbiddenError('out_of_scope', text('out_of_scope.village', { code: region }));
  const level = await regionLevel(db, region);
  if (level !== 'village') throw invalidError('not_a_village', text('not_a_village.buildings', { code: region, level: levelWord(level) }));
  if (data.features.length > DIVISION_LIMITS.buildings) {
    throw tooLargeError('batch_too_large', text('batch_too_large.buildings', { count: data.features.length, limit: DIVISION_LIMITS.buildings }), { features: data.features.length, limit: DIVISION_LIMITS.buildings });
  }
  const buildings: { row: number; building: ReturnType<typeof parseBuildings>[number] }[] = [];
  for (const feature of data.features) {
    if (feature.geometry === null) {
      refusals.add(feature.row, missingGeometry(feature.row));
      continue;
    }
    const properties = mapProperties('buildings', mapping, feature.properties, tally);
    const problems: Problem[] = [];
    const [building] = parseBuildings({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: feature.geometry, properties }] }, problems, {
      householdsRule: options.householdsRule,
    });
    if (problems.length > 0) {
      refusals.add(feature.row, ...problems.map((p) => explain(p, mapping)));
    } else buildings.push({ row: feature.row, building });
  }
  if (refusals.size > 0) return;
  await transaction(db, report, refusals, async (trx) => {
    report.replaced = await buildingCount(trx, region);
    options.onProgress?.(0.5, 'writing buildings');
    try {
      await replaceBuildings(
        trx,
        region,
        buildings.map(({ building: b }) => ({ geometry: b.geometry, households: b.households, compound: b.compound, properties: b.properties })),
      );
    } catch (error) {
      const outside = error instanceof DomainError && (error.details as { buildings?: number[] } | undefined)?.buildings;
      if (!outside) throw error;
      for (const index of outside) {
        refusals.add(buildings[index].row, { code: 'building_outside_area', message: text('building_outside_area.row', { regionCode: region }) });
      }
      return;
    }
    report.created = buildings.map(({ row }) => ({ row }));
  });
  report.summary.created = buildings.length;
}

// ---------------------------------------------------------------------------------------------
// Addresses

async function importAddressRows(db: Kysely<Database>, data: SourceData, mapping: FieldMapping, tally: ColumnTally, options: ImportOptions, report: ImportReport, refusals: Refusals): Promise<void> {
  const rows: { row: number; address: string; lon: number; lat: number }[] = [];
  for (const feature of data.features) {
    const properties = mapProperties('addresses', mapping, feature.properties, tally);
    const geometry = feature.geometry;
    if (geometry === null || geometry.type !== 'Point') {
      refusals.add(feature.row, geometry === null ? missingGeometry(feature.row) : { code: 'wrong_geometry_type', message: text('wrong_geometry_type.address', { got: shown(geometry.type) }) });
      continue;
    }
    const [lon, lat] = geometry.coordinates;
    const problem = addressProblem(properties.address) ?? coordinateProblem(lon, lat);
    if (problem) {
      refusals.add(feature.row, problem.code.endsWith('address') || problem.code === 'address_too_long' ? explain({ ...problem, details: { property: 'address' } }, mapping) : problem);
      continue;
    }
    rows.push({ row: feature.row, address: (properties.address as string).trim(), lon, lat });
  }
  if (refusals.size > 0 && !options.skipInvalid) return;
  const { entries, duplicates } = registryEntries(rows);
  report.duplicatesInFile = duplicates;
  let counts = { created: 0, updated: 0 };
  const write = async (target: Kysely<Database>) => {
    counts = await importAddresses(target, entries, {
      source: `import:${options.actor}`,
      onProgress: (done) => options.onProgress?.(0.1 + (0.85 * done) / Math.max(1, entries.length), 'writing addresses'),
    });
  };
  if (options.dryRun) await transaction(db, report, new Refusals(), (trx) => write(trx));
  else {
    await write(db);
    report.committed = true;
    if (options.locate) report.located = await options.locate(entries.map((entry) => [entry.lon, entry.lat]));
  }
  report.summary.created = counts.created;
  report.summary.updated = counts.updated;
}
