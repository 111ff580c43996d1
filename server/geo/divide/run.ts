/**
 * One call from a checked request to a finished proposal with its metrics: what the job
 * runner, the CLI and the benchmark all run.
 */
import { translate } from '../../i18n/catalogue.js';
import type { Feature, Geometry } from 'geojson';
import { divide, type Progress } from './index.js';
import { prepareDivision } from './prepare.js';
import { divisionMetrics, type MetricsInput } from './metrics.js';
import type { DivisionInput } from './input.js';
import { markAdjustment } from './adjust.js';
import type { ProposalDocument } from './proposal-types.js';
import type { RunMetrics } from './metrics-types.js';

export type { ProposalDocument };

export interface RunResult {
  proposal: ProposalDocument;
  metrics: RunMetrics;
}

/** The checked input as the metrics and baselines read it (GeoJSON collections). */
export function metricsInputOf(input: DivisionInput, grids: MetricsInput['grids'] = []): MetricsInput {
  return {
    area: input.area,
    grids,
    buildings: {
      type: 'FeatureCollection',
      features: input.buildings.map((b) => ({ type: 'Feature', geometry: b.geometry, properties: { households: b.households, compound: b.compound ?? undefined } })),
    },
    barriers: {
      type: 'FeatureCollection',
      features: input.barriers.map((b) => ({ type: 'Feature', geometry: b.geometry, properties: { kind: b.kind } })),
    } as MetricsInput['barriers'],
    minHouseholds: input.minHouseholds,
    maxHouseholds: input.maxHouseholds,
  };
}

export async function runDivision(input: DivisionInput, onProgress: Progress = () => {}): Promise<RunResult> {
  const started = performance.now();
  const prepared = prepareDivision(input);
  if (prepared.problems.length > 0) throw new Error(prepared.problems.map((p) => translate(p.message, 'en')).join('; '));
  const proposal = await divide(prepared.value, (fraction, stage) => onProgress(fraction * 0.9, stage));
  const runtimeMs = performance.now() - started;
  onProgress(0.92, 'metrics');
  const measured = divisionMetrics(metricsInputOf(input, proposal.grids));
  const buildingGrid: (string | null)[] = new Array(input.buildings.length).fill(null);
  input.buildings.forEach((building, i) => {
    const grid = proposal.gridOfBuilding.get(building.index);
    buildingGrid[i] = grid !== undefined && grid >= 0 ? proposal.grids[grid].properties.number : null;
  });
  onProgress(1, 'done');
  const result: RunResult = {
    proposal: {
      type: 'FeatureCollection',
      features: proposal.grids,
      crossings: { type: 'FeatureCollection', features: proposal.crossings as Feature<Geometry>[] },
      buildingGrid,
    },
    metrics: {
      ...measured,
      runtimeMs,
      cutBorderShare: proposal.internalBorderM > 0 ? proposal.cutBorderM / proposal.internalBorderM : 0,
      cutsThroughBuildings: proposal.cutsThroughBuildings,
      flagged: proposal.grids.filter((g) => g.properties.flags.length > 0).length,
      // Notes of indivisible grids; a special grid candidate's note is counted apart.
      noted: proposal.grids.filter((g) => !g.properties.candidate && g.properties.flags.length === 0 && (g.properties.notes?.length ?? 0) > 0).length,
      specialCandidates: proposal.grids.filter((g) => g.properties.candidate).length,
    },
  };
  return input.keep || input.freed ? markAdjustment(result, input) : result;
}
