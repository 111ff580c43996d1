/**
 * Auto-division: proposes management grids of [min, max] households whose borders follow
 * roads, rivers and ridges. The stages, each in its own module:
 *
 * 1. prepare    (prepare.ts)          — project the input to local metres; check the buildings lie in the area.
 * 2. blocks     (stages/blocks.ts)    — the area outline, barriers, water and special outlines → blocks (planar faces).
 * 3. cuts       (stages/cuts.ts)      — blocks holding more than `max` households get cuts between their buildings.
 * 4. units      (stages/units.ts)     — blocks joined where a building or a compound (≤ max) spans their border;
 *                                       road space between carriageways and in junctions recognised.
 * 5. corridors  (stages/corridors.ts) — units facing each other across road space (a dual carriageway) linked.
 * 6. group      (aggregate.ts)        — units grouped into grids, smallest first, weak borders first, major roads at a cost.
 * 7. improve    (improve.ts)          — local search: out of range first, then barriers crossed, then border cost;
 *                                       its objective (improve/score.ts), spanning trees (improve/trees.ts) and
 *                                       recombinations (improve/splits.ts) in their own modules.
 * 8. attach     (attach.ts)           — land without households and road space join a grid.
 * 8a. specials (stages/specials.ts)  — large land without homes set apart as special grid candidates (专属网格).
 * 9. assemble   (assemble.ts)         — grid outlines dissolved from their blocks, numbered, flagged.
 *
 * See docs/division.md for the method and its trade-offs.
 */
import type { PreparedDivision } from './prepare.js';
import { buildBlocks, type Blocks } from './stages/blocks.js';
import { cutOverfullBlocks } from './stages/cuts.js';
import { buildUnits, type Units } from './stages/units.js';
import { corridorLinks } from './stages/corridors.js';
import { group } from './aggregate.js';
import { improve } from './improve.js';
import { attach } from './attach.js';
import { setApart, specialCandidates, type SpecialCandidate } from './stages/specials.js';
import { assemble, type Proposal } from './assemble.js';
import type { TaggedLine } from './types.js';

export type { Flag, FlagCode, Proposal, ProposalGrid, ProposalGridProperties, CrossingProperties, CrossingReason } from './assemble.js';

export type Progress = (fraction: number, stage: string) => void;

/** Rounds of cutting over-full blocks. */
const CUT_ROUNDS = 3;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** What each stage made, for the diagnosis (scripts/bench/division/diagnose.ts) and the stage tests. */
export interface StageResults {
  blocks: Blocks;
  cuts: { lines: TaggedLine[]; throughBuildings: number };
  units: Units;
  grouped: Int32Array;
  improved: Int32Array;
  /** The grid (cluster) of each unit after attach. */
  clusterOf: Int32Array;
  /** Large land without homes proposed as special grids: clusters after the basic grids in clusterOf. */
  candidates: SpecialCandidate[];
  proposal: Proposal;
}

export async function divideInStages(prepared: PreparedDivision, onProgress: Progress = () => {}): Promise<StageResults> {
  const limits = { min: prepared.minHouseholds, max: prepared.maxHouseholds };
  onProgress(0.05, 'polygonize');
  let blocks = buildBlocks(prepared);
  await yieldToEventLoop();
  onProgress(0.25, 'split');
  // Cut, and cut again where a piece is still over the cap (lumpy blocks: a compound and its
  // neighbours on one side of the first cut), a few rounds at most.
  const cuts = { lines: [] as TaggedLine[], throughBuildings: 0 };
  for (let round = 0; round < CUT_ROUNDS; round++) {
    const more = cutOverfullBlocks(prepared, blocks);
    if (more.lines.length === 0) break;
    cuts.lines.push(...more.lines);
    cuts.throughBuildings += more.throughBuildings;
    blocks = buildBlocks(prepared, [...prepared.lines, ...cuts.lines]);
  }
  await yieldToEventLoop();
  onProgress(0.45, 'units');
  const units = buildUnits(prepared, blocks);
  units.links.push(...corridorLinks(blocks, units));
  await yieldToEventLoop();
  onProgress(0.6, 'aggregate');
  const grouped = group(units.units, units.links, limits);
  await yieldToEventLoop();
  onProgress(0.7, 'improve');
  // Land without households joins a grid before the improvement, so that grids on either
  // side of a park or an office block are neighbours there and can trade units across it.
  const landed = attach(units.units, units.links, grouped, { roadSpace: false });
  const improved = improve(units.units, units.links, landed, limits);
  let clusterOf = attach(units.units, units.links, improved);
  // Large land without homes that makes its grid sprawl is set apart last: the grids' homes
  // (and so their households in range, their flags) stay as the improvement left them, and
  // the land no longer stretches a grid around it.
  const candidates = prepared.specialCandidates ? specialCandidates(prepared, blocks, units, clusterOf, prepared.specialCandidates) : [];
  if (candidates.length > 0) clusterOf = setApart(units, clusterOf, candidates);
  await yieldToEventLoop();
  onProgress(0.8, 'assemble');
  const proposal = assemble(prepared, blocks, units, clusterOf, cuts.throughBuildings, candidates);
  onProgress(1, 'done');
  return { blocks, cuts, units, grouped, improved, clusterOf, candidates, proposal };
}

export async function divide(prepared: PreparedDivision, onProgress: Progress = () => {}): Promise<Proposal> {
  return (await divideInStages(prepared, onProgress)).proposal;
}
