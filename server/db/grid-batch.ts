/**
 * Several grid writes — updates, creates, retirements — applied as one: in one transaction,
 * with the checks the single writes run, so that either all of them commit or none does. A
 * split (update + create) or a merge (retire + update) can thus never be left half done.
 *
 * The batch is checked as a whole, not write by write: retirements go first, then every updated
 * and created shape is staged together and checked against the live grids other than the
 * updated ones (whose old shapes are being replaced) and against each other. So the order of the
 * changes does not matter: two grids may trade area both ways in one batch.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';
import { notFoundError, conflictError, badInputError, staleError } from '../domain-errors.js';
import { numberClassOfKind, type GridKind } from '../geo/codes.js';
import { parseGridFeature } from '../geo/features.js';
import type { Polygonal } from '../geo/validate.js';
import { checkStaged, ProblemList, stage, unstage } from './grid-checks.js';
import { createGridsIn, kindClassChange, lockRegions, now, rejectWrite, retireCodes, writeStagedUpdates, type ChangeMeta, type NewGrid } from './grids.js';
import { carryStaff } from './staff-lineage.js';
import { selectVersions, toFeature, toVersionFeature, type GridFeature, type GridVersionFeature, type VersionRow } from './grid-rows.js';
import { inTransaction } from './transaction.js';
import { text } from '../i18n/catalogue.js';

export type BatchChange =
  | { op: 'update'; code: string; version: number; geometry?: Polygonal; properties?: Record<string, unknown> }
  | { op: 'create'; grid: NewGrid }
  | { op: 'retire'; code: string; version: number };

/** What each change became, in the order of the changes: the new version, or the retire version. */
export type BatchResult = (GridFeature | GridVersionFeature)[];

interface Indexed<T> {
  index: number;
  change: T;
}
type Update = Extract<BatchChange, { op: 'update' }>;
type Retire = Extract<BatchChange, { op: 'retire' }>;

/** Applies every change or none (see above). `db` may already be a transaction. */
export function applyGridBatch(db: Kysely<Database>, changes: BatchChange[], meta: ChangeMeta, maxVertices: number): Promise<BatchResult> {
  return inTransaction(db, async (trx) => {
    const updates: Indexed<Update>[] = [];
    const retires: Indexed<Retire>[] = [];
    const creates: Indexed<NewGrid>[] = [];
    changes.forEach((change, index) => {
      if (change.op === 'update') updates.push({ index, change });
      else if (change.op === 'retire') retires.push({ index, change });
      else creates.push({ index, change: change.grid });
    });

    const current = await lockCurrent(trx, [...updates, ...retires]);
    const staged = resolveUpdates(updates, current, maxVertices);
    const retired = await retire(
      trx,
      retires.map((r) => r.change.code),
      meta,
    );

    const updated = staged.length + creates.length > 0 ? await checkAndUpdate(trx, staged, creates, meta) : new Map<string, GridFeature>();
    const created = creates.length
      ? await createGridsIn(
          trx,
          creates.map((c) => c.change),
          meta,
          { indices: creates.map((c) => c.index), single: false },
        )
      : [];

    // Staff travel with their grids: the split-off part is staffed, a merged grid's staff join the survivor.
    await carryStaff(
      trx,
      {
        before: [...current.values()].map((row) => ({ code: row.code, version: Number(row.version) })),
        retired: retires.map((r) => r.change.code),
        created: created.map((g) => g.properties.code),
        after: [...updates.map((u) => u.change.code), ...created.map((g) => g.properties.code)],
      },
      { actor: meta.actor, reason: meta.reason, at: await now(trx) },
    );

    const results: BatchResult = new Array(changes.length);
    for (const u of updates) results[u.index] = updated.get(u.change.code)!;
    for (const r of retires) results[r.index] = retired.get(r.change.code)!;
    creates.forEach((c, i) => (results[c.index] = created[i]));
    return results;
  });
}

/**
 * Stages every updated and created shape together and runs the topology checks over them (the
 * updated grids' old shapes are left out: they are being replaced); then writes the updates.
 */
async function checkAndUpdate(trx: Transaction<Database>, staged: StagedUpdate[], creates: Indexed<NewGrid>[], meta: ChangeMeta): Promise<Map<string, GridFeature>> {
  const problems = new ProblemList();
  const regions = await lockRegions(trx, [...staged.map((s) => s.regionCode), ...creates.map((c) => c.change.regionCode)]);
  const staging = await stage(trx, [
    ...staged.map((s) => ({ ...s.grid, index: s.index, code: s.code, regionCode: s.regionCode })),
    ...creates.map((c) => ({ ...c.change, index: c.index, code: null })),
  ]);
  await checkStaged(staging, regions, problems, { ignoreCodes: staged.map((s) => s.code) });
  if (problems.size > 0) throw rejectWrite(problems, false);
  const updated = await writeUpdates(trx, staged.map((s) => s.code), meta);
  // createGridsIn stages (and checks, now against the updated grids) in a table of its own.
  await unstage(trx);
  return updated;
}

/**
 * Locks the grids the batch changes (in code order, so that concurrent batches cannot deadlock)
 * and reads their current versions. Unknown codes are 404 and grids changed or retired since
 * the client read them 412, each naming every such code at once. As in lockGrid, the lock and the
 * read are two statements: a joined FOR UPDATE could silently drop a grid under READ COMMITTED.
 */
async function lockCurrent(trx: Transaction<Database>, changes: Indexed<Update | Retire>[]): Promise<Map<string, VersionRow>> {
  if (changes.length === 0) return new Map();
  const codes = changes.map((c) => c.change.code);
  const identities = await trx.selectFrom('grids').select(['code', 'version', 'retired_at']).where('code', 'in', codes).orderBy('code').forUpdate().execute();
  const known = new Map(identities.map((row) => [row.code, row]));
  const unknown = changes.filter((c) => !known.has(c.change.code));
  if (unknown.length > 0) {
    throw notFoundError('unknown_grid', text('unknown_grid.batch', { codes: unknown.map((c) => c.change.code) }), {
      unknown: unknown.map((c) => ({ index: c.index, code: c.change.code })),
    });
  }
  const stale = changes
    .map((c) => ({ c, identity: known.get(c.change.code)! }))
    .filter(({ c, identity }) => identity.retired_at !== null || identity.version !== c.change.version);
  if (stale.length > 0) {
    throw staleError(
      'stale_version',
      text('stale_version.batch', { codes: stale.map(({ identity }) => identity.code) }),
      {
        stale: stale.map(({ c, identity }) => ({
          index: c.index,
          code: identity.code,
          expectedVersion: c.change.version,
          currentVersion: identity.version,
          retired: identity.retired_at !== null,
        })),
      },
    );
  }
  const rows = await selectVersions(trx)
    .where('v.code', 'in', codes)
    .where('v.valid_to', 'is', null)
    .execute();
  return new Map(rows.map((row) => [row.code, row]));
}

interface StagedUpdate {
  index: number;
  code: string;
  regionCode: string;
  grid: Omit<NewGrid, 'regionCode'>;
}

/**
 * Each update's new state: its current attributes and shape overlaid with what it sends, parsed
 * as the single PUT parses a feature (400 with every change's problems), and refused (409) where
 * the single PUT refuses it: a move to another village, or a kind that the grid's number cannot hold.
 */
function resolveUpdates(updates: Indexed<Update>[], current: Map<string, VersionRow>, maxVertices: number): StagedUpdate[] {
  const problems = new ProblemList();
  const resolved: StagedUpdate[] = [];
  for (const { index, change } of updates) {
    const row = current.get(change.code)!;
    const given = change.properties ?? {};
    const kind = (given.kind ?? row.kind) as GridKind;
    const properties = {
      name: row.name,
      households: row.households,
      population: row.population,
      ...given,
      kind,
      // A kind other than special drops the current specialType unless one is sent (and refused).
      specialType: 'specialType' in given ? given.specialType : kind === 'special' ? row.special_type : null,
    };
    const geometry = change.geometry ?? JSON.parse(row.geojson);
    const parsed = parseGridFeature({ type: 'Feature', properties, geometry }, { maxVertices, requireRegion: false });
    if (parsed.problems) {
      for (const problem of parsed.problems) problems.add(index, problem);
      continue;
    }
    if (parsed.value.regionCode !== undefined && parsed.value.regionCode !== row.region_code) {
      throw conflictError('region_change', text('change.at', { index, message: text('region_change', { code: change.code, from: row.region_code, to: parsed.value.regionCode }) }), { index });
    }
    if (numberClassOfKind(parsed.value.kind) !== numberClassOfKind(row.kind)) {
      throw conflictError('kind_class_change', text('change.at', { index, message: kindClassChange(change.code, row.kind, parsed.value.kind) }), { index });
    }
    const { regionCode: _ignored, ...grid } = parsed.value;
    resolved.push({ index, code: change.code, regionCode: row.region_code, grid });
  }
  if (problems.size > 0) {
    const [first] = problems.toJSON();
    throw badInputError('invalid_batch', text('change.at', { index: first.index, message: first.problems[0].message }), { errors: problems.toJSON() });
  }
  return resolved;
}

/** Retires grids already locked and checked, and returns their retire versions. */
async function retire(trx: Transaction<Database>, codes: string[], meta: ChangeMeta): Promise<Map<string, GridVersionFeature>> {
  if (codes.length === 0) return new Map();
  await retireCodes(trx, codes, meta);
  return new Map((await openVersions(trx, codes)).map((row) => [row.code, toVersionFeature(row)]));
}

/** Writes the staged shapes of updated grids as their next versions, and returns those. */
async function writeUpdates(trx: Transaction<Database>, codes: string[], meta: ChangeMeta): Promise<Map<string, GridFeature>> {
  if (codes.length === 0) return new Map();
  await writeStagedUpdates(trx, codes, meta);
  return new Map((await openVersions(trx, codes)).map((row) => [row.code, toFeature(row)]));
}

/** The latest version of each grid (for a retired grid, its retire version). */
async function openVersions(trx: Transaction<Database>, codes: string[]): Promise<VersionRow[]> {
  return selectVersions(trx).where('v.code', 'in', codes).where('v.valid_to', 'is', null).execute();
}
