/**
 * Sends the pending edits: PUT /api/grids/:code with If-Match for each changed grid, POST for
 * each drawn one. The server checks each write alone against the grids it holds, so the order
 * matters when a shared border moved: the grid that gives up area goes before the one that takes
 * it. The saver picks, again and again, a grid whose new shape does not overlap what the server
 * holds now; if none can go (edits that trade area both ways), one grid is first saved as the
 * part it keeps (new ∩ old), which never overlaps, and the rest follows.
 *
 * If the server refuses a write, the writes already made in this save are put back (in reverse
 * order, each with its new version), so a refused save changes nothing.
 *
 * Grids merged into another are retired (DELETE with If-Match) before anything else, so the grid
 * that takes their area never overlaps them on the server. A retirement cannot be put back through
 * the API: if a later write is refused, the retirements of this save stay (the others go back).
 */
import { featureCollection, feature as turfFeature, intersect } from '@turf/turf';
import { ApiError, type Api, type GridFeature, type GridWrite, type Polygonal } from '../api';
import { OVERLAP_TOLERANCE_M2, overlapOf } from './checks';
import type { PendingChange } from './GridEditor';

export interface SaveProgress {
  (done: number, total: number): void;
}

export type SaveOutcome =
  | { ok: true; saved: { oldCode: string; grid: GridFeature }[]; retired: string[] }
  | { ok: false; error: ApiError; code: string; change: PendingChange; rolledBack: number; retired?: string[] };

interface Step {
  change: PendingChange;
  geometry: Polygonal;
  final: boolean;
}

function writeOf(change: PendingChange, geometry: Polygonal, reason: string | undefined): GridWrite {
  const p = change.properties;
  return {
    type: 'Feature',
    ...(reason ? { reason } : {}),
    properties: {
      ...(change.isNew ? { regionCode: p.regionCode } : {}),
      name: p.name,
      kind: p.kind,
      specialType: p.kind === 'special' ? p.specialType : null,
      households: p.households,
      population: p.population,
    },
    geometry,
  };
}

function overlapArea(a: Polygonal | null, b: Polygonal | null): number {
  if (!a || !b) return 0;
  return overlapOf(a, b)?.areaM2 ?? 0;
}

/** The order of writes (see above). Exported for the tests' sake of reasoning; pure. */
export function planSteps(changes: PendingChange[]): Step[] {
  const current = new Map(changes.map((c) => [c.code, c.before]));
  const waiting = [...changes];
  const steps: Step[] = [];
  const blockers = (change: PendingChange) =>
    waiting.filter((other) => other !== change).reduce((sum, other) => sum + overlapArea(change.after, current.get(other.code) ?? null), 0);
  while (waiting.length > 0) {
    const scored = waiting.map((change) => ({ change, blocked: blockers(change) }));
    // Updates before creates, then in the given order.
    const free = scored.find((s) => s.blocked <= OVERLAP_TOLERANCE_M2 && !s.change.isNew) ?? scored.find((s) => s.blocked <= OVERLAP_TOLERANCE_M2);
    if (free) {
      steps.push({ change: free.change, geometry: free.change.after, final: true });
      current.set(free.change.code, free.change.after);
      waiting.splice(waiting.indexOf(free.change), 1);
      continue;
    }
    // Stuck: shrink one updated grid to the part it keeps, then go on.
    const shrinkable = scored.filter((s) => !s.change.isNew && s.change.before).sort((a, b) => a.blocked - b.blocked)[0];
    if (!shrinkable) {
      // Only drawn grids left, overlapping each other: send them; the server says why not.
      for (const change of waiting) steps.push({ change, geometry: change.after, final: true });
      break;
    }
    const kept = intersect(featureCollection([turfFeature(shrinkable.change.after), turfFeature(shrinkable.change.before!)]));
    if (!kept) {
      for (const change of waiting) steps.push({ change, geometry: change.after, final: true });
      break;
    }
    steps.push({ change: shrinkable.change, geometry: kept.geometry as Polygonal, final: false });
    current.set(shrinkable.change.code, kept.geometry as Polygonal);
  }
  return steps;
}

export class Saver {
  constructor(private readonly api: Api) {}

  async save(all: PendingChange[], reason: string | undefined, progress: SaveProgress): Promise<SaveOutcome> {
    // Grids merged away are retired first: the grid that takes their area grows only after.
    const retiring = all.filter((c) => c.retire);
    const changes = all.filter((c) => !c.retire);
    const retired: string[] = [];
    const total = retiring.length + planSteps(changes).length;
    progress(0, total);
    for (const change of retiring) {
      try {
        await this.api.retireGrid(change.code, change.properties.version, reason);
        retired.push(change.code);
      } catch (error) {
        // A retirement cannot be taken back through the API: the ones already made stay (the dialog tells).
        const apiError = error instanceof ApiError ? error : new ApiError(0, 'network', error instanceof Error ? error.message : String(error));
        return { ok: false, error: apiError, code: change.code, change, rolledBack: 0, retired };
      }
      progress(retired.length, total);
    }
    const steps = planSteps(changes);
    const versions = new Map(changes.map((c) => [c.code, c.properties.version]));
    const done: { change: PendingChange; before: Polygonal | null; grid: GridFeature }[] = [];
    const lastGeometry = new Map(changes.map((c) => [c.code, c.before]));
    for (const [index, step] of steps.entries()) {
      const { change } = step;
      try {
        const body = writeOf(change, step.geometry, reason);
        const code = done.find((d) => d.change === change)?.grid.properties.code ?? change.code;
        const grid = change.isNew && !done.some((d) => d.change === change)
          ? await this.api.createGrid(body)
          : await this.api.updateGrid(code, versions.get(change.code)!, body);
        versions.set(change.code, grid.properties.version);
        done.push({ change, before: lastGeometry.get(change.code) ?? null, grid });
        lastGeometry.set(change.code, step.geometry);
      } catch (error) {
        const apiError = error instanceof ApiError ? error : new ApiError(0, 'network', error instanceof Error ? error.message : String(error));
        const rolledBack = await this.rollBack(done, reason);
        return { ok: false, error: apiError, code: change.code, change, rolledBack, retired };
      }
      progress(retired.length + index + 1, total);
    }
    // The last answer for each grid is its saved state.
    const saved = new Map<string, GridFeature>();
    for (const d of done) saved.set(d.change.code, d.grid);
    return { ok: true, saved: [...saved.entries()].map(([oldCode, grid]) => ({ oldCode, grid })), retired };
  }

  /** Undoes the writes of a failed save, newest first; answers how many grids were put back. */
  private async rollBack(done: { change: PendingChange; before: Polygonal | null; grid: GridFeature }[], reason: string | undefined): Promise<number> {
    const touched = new Set<string>();
    // A grid written twice (shrunk first) is put back step by step, each with its latest version.
    const versionNow = new Map<string, number>();
    for (const d of done) versionNow.set(d.grid.properties.code, d.grid.properties.version);
    const note = `撤回未完成的保存 rollback of a refused save${reason ? `: ${reason}` : ''}`;
    for (const d of [...done].reverse()) {
      const code = d.grid.properties.code;
      try {
        if (d.before === null) {
          await fetch(`/api/grids/${code}?reason=${encodeURIComponent(note)}`, { method: 'DELETE', headers: { 'If-Match': `"${versionNow.get(code)}"` } });
        } else {
          const back = await this.api.updateGrid(code, versionNow.get(code)!, writeOf(d.change, d.before, note));
          versionNow.set(code, back.properties.version);
        }
        touched.add(d.change.code);
      } catch {
        // Best effort: the dialog tells the planner to reload.
      }
    }
    return touched.size;
  }
}
