/**
 * Sends the pending edits as one POST /api/grids/batch: updates (with the version each grid was
 * loaded at, the batch's If-Match), creates and retirements (grids merged into another). The
 * server checks the batch as a whole and writes all of it or nothing, so the order of the changes
 * does not matter (a shared border moved both ways is fine) and a refused save changes nothing:
 * no write has to be put back, and a merge can no longer leave a grid retired.
 *
 * A refusal is reported against the change it concerns (the first one the server names), in the
 * shape a single write's refusal has, so that the dialogs read the same.
 */
import { ApiError, type Api, type GridChange, type GridFeature, type GridWrite } from '../api';
import type { PendingChange } from './GridEditor';

export interface SaveProgress {
  (done: number, total: number): void;
}

export type SaveOutcome =
  | { ok: true; saved: { oldCode: string; grid: GridFeature }[]; retired: string[] }
  | { ok: false; error: ApiError; code: string; change: PendingChange; rolledBack: number; retired?: string[] };

/** The attributes a write sends (regionCode only when creating: a grid cannot change village). */
export function attributesOf(properties: PendingChange['properties'], isNew: boolean): GridWrite['properties'] {
  return {
    ...(isNew ? { regionCode: properties.regionCode } : {}),
    name: properties.name,
    kind: properties.kind,
    specialType: properties.kind === 'special' ? properties.specialType : null,
    // The figure stored with the grid: the server counts the grid's households itself where its
    // village has buildings or addresses (server/geo/households.ts).
    households: properties.storedHouseholds,
    population: properties.population,
  };
}

/** A pending edit as a batch change. */
export function changeOf(change: PendingChange): GridChange {
  const { code, properties } = change;
  if (change.retire) return { op: 'retire', code, version: properties.version };
  if (change.isNew) return { op: 'create', feature: { type: 'Feature', properties: attributesOf(properties, true), geometry: change.after } };
  return { op: 'update', code, version: properties.version, geometry: change.after, properties: attributesOf(properties, false) };
}

interface Problem {
  code: string;
  message: string;
}

/**
 * Which change a batch refusal is about, and the refusal as that change's own: the server names
 * changes by index (details.stale / unknown / errors / index).
 */
export function refusalOf(error: ApiError): { index: number; error: ApiError } {
  const details = (error.details ?? {}) as {
    index?: number;
    stale?: { index: number }[];
    unknown?: { index: number }[];
    errors?: { index: number; problems: Problem[] }[];
  };
  const first = details.stale?.[0] ?? details.unknown?.[0] ?? details.errors?.[0] ?? (details.index !== undefined ? { index: details.index } : undefined);
  if (!first) return { index: 0, error };
  const problems = details.errors?.[0]?.problems;
  if (!problems?.length) return { index: first.index, error };
  return { index: first.index, error: new ApiError(error.status, problems[0].code, problems[0].message, { problems }) };
}

export class Saver {
  constructor(private readonly api: Api) {}

  async save(all: PendingChange[], reason: string | undefined, progress: SaveProgress): Promise<SaveOutcome> {
    progress(0, all.length);
    let answers: GridFeature[];
    try {
      answers = await this.api.saveGrids(all.map(changeOf), reason);
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError(0, 'network', error instanceof Error ? error.message : String(error));
      const refusal = refusalOf(apiError);
      const change = all[refusal.index] ?? all[0];
      return { ok: false, error: refusal.error, code: change.code, change, rolledBack: 0 };
    }
    progress(all.length, all.length);
    const saved = all.flatMap((change, i) => (change.retire ? [] : [{ oldCode: change.code, grid: answers[i] }]));
    return { ok: true, saved, retired: all.filter((change) => change.retire).map((change) => change.code) };
  }
}
