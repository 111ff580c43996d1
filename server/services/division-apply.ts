/**
 * Applying a finished auto-division to its village (POST /api/divisions/:id/apply): the diff —
 * which buildings and households change grid, read again from the stored request — then, dry,
 * what would go, stay and come (grids, addresses, open incidents, staff), or for real the
 * village's grids replaced in one transaction (db/divisions.ts: applyDivision) with the new
 * grids named after the village. The route checks the division is done and visible to the caller.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { applyDivision, liveGridOfPoints, placeMoves, type DivisionRow } from '../db/divisions.js';
import { liveVersions, type ChangeMeta, type NewGrid } from '../db/grids.js';
import { getRegion } from '../db/regions.js';
import { plannedStaffCarry } from '../db/staff-lineage.js';
import { parseDivisionInput } from '../geo/divide/input.js';
import { prepareDivision } from '../geo/divide/prepare.js';
import type { ProposalDocument } from '../geo/divide/run.js';
import type { BuildingMove, DivisionApplied, DivisionDryRun, DivisionInputs } from '../api-types/divisions.js';

/** The name a special grid gets from its type when the proposal names none: 〈village〉学校网格… */
const SPECIAL_NAMES: Record<string, string> = {
  school: '学校',
  hospital: '医院',
  market: '市场',
  park: '公园',
  scenic: '景区',
  industrial: '园区',
  other: '专属',
};

export interface ApplyOptions {
  dryRun: boolean;
  /** The kind of the new basic grids. */
  gridKind: 'urban' | 'rural';
  meta: ChangeMeta;
}

/** A division that is done and has a village (the route has checked both). */
export type FinishedDivision = DivisionRow & { region_code: string; proposal: string };

/** Each building's live grid now against its proposed grid number, grouped, most households first. */
async function buildingMoves(db: Kysely<Database>, division: FinishedDivision, proposal: ProposalDocument): Promise<BuildingMove[]> {
  const request = JSON.parse(division.request) as Record<string, unknown>;
  const parsed = parseDivisionInput(request, request.boundary);
  if (parsed.problems) throw new Error('stored division request no longer parses');
  const prepared = prepareDivision(parsed.value).value;
  const points = prepared.buildings.map((b) => prepared.projection.inverse(b.point) as [number, number]);
  const before = await liveGridOfPoints(db, division.region_code, points);
  const moves = new Map<string, BuildingMove>();
  prepared.buildings.forEach((building, i) => {
    const to = proposal.buildingGrid[building.index];
    const key = `${before[i]}→${to}`;
    const move = moves.get(key) ?? { from: before[i], to, buildings: 0, households: 0 };
    move.buildings++;
    move.households += building.households;
    moves.set(key, move);
  });
  return [...moves.values()].sort((a, b) => b.households - a.households);
}

/** The proposal's grids as new grids of the village: basic ones 〈village〉第N网格, special ones by their name or type. */
function newGrids(features: ProposalDocument['features'], regionCode: string, villageName: string, kind: 'urban' | 'rural'): NewGrid[] {
  return features.map((feature) => {
    const special = feature.properties.kind === 'special';
    const type = feature.properties.specialType ?? 'other';
    return {
      regionCode,
      name: special ? (feature.properties.name ?? `${villageName}${SPECIAL_NAMES[type] ?? '专属'}网格`) : `${villageName}第${Number(feature.properties.number)}网格`,
      kind: special ? 'special' : kind,
      specialType: special ? type : null,
      households: feature.properties.households,
      population: null,
      geometry: feature.geometry,
    };
  });
}

export async function applyProposal(db: Kysely<Database>, division: FinishedDivision, options: ApplyOptions): Promise<DivisionDryRun | DivisionApplied> {
  const regionCode = division.region_code;
  const region = await getRegion(db, regionCode);
  const proposal = JSON.parse(division.proposal) as ProposalDocument;
  const diff = await buildingMoves(db, division, proposal);
  // Kept special grids, and the basic grids an adjustment keeps, stay live as they are: neither retired nor created again.
  const stored = division.inputs ? (JSON.parse(division.inputs) as DivisionInputs) : undefined;
  const keep = [...(stored?.keptSpecials.map((k) => k.code) ?? []), ...(stored?.adjust?.kept ?? [])];
  const created = proposal.features.filter((feature) => !(feature.properties.code && keep.includes(feature.properties.code)));
  if (options.dryRun) {
    // The decision a planner makes: which grids go, stay and come, and who and what changes grid —
    // staff follow lineage (keyed new:<number> for the grids the proposal would create).
    const [live, places, staff] = await Promise.all([
      liveVersions(db, regionCode),
      placeMoves(db, regionCode, proposal.features.map((f) => ({ number: f.properties.number, code: f.properties.code, geometry: f.geometry }))),
      plannedStaffCarry(db, regionCode, created.map((feature) => ({ key: `new:${feature.properties.number}`, geometry: feature.geometry })), keep),
    ]);
    return {
      dryRun: true,
      grids: { retire: Object.keys(live).filter((code) => !keep.includes(code)), keep, create: created.length },
      diff,
      addresses: places.addresses,
      incidents: places.incidents,
      staff: staff.moves.map((move) => ({ ...move, ...staff.names.get(move.staffId) })),
    };
  }
  const result = await applyDivision(db, division, newGrids(created, regionCode, region.properties.name, options.gridKind), options.meta, keep);
  return {
    retired: result.retired,
    kept: keep,
    created: result.created.map((g) => ({ code: g.properties.code, name: g.properties.name, households: g.properties.households })),
    lineage: result.lineage,
    diff,
    staff: result.staffMoves,
  };
}
