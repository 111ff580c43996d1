/**
 * The work that runs in worker threads (server/workers/pool.ts): pure, CPU-heavy steps that would
 * otherwise hold the event loop — and every other request — for seconds: checking a division
 * request's buildings, and the division itself.
 *
 * What crosses between the threads is copied on the main thread too: inputs go as JSON text (a
 * string is copied in one piece, where tens of thousands of nested coordinate arrays would hold
 * the event loop for a second), and only work whose answer is small belongs here.
 */
import { parentPort } from 'node:worker_threads';
import { parseDivisionInput, type SkippedBarriers } from '../geo/divide/input.js';
import { runDivision, type RunResult } from '../geo/divide/run.js';
import { prepareDivision } from '../geo/divide/prepare.js';
import { planAdjustment, type AdjustmentPlan, type LiveGrid } from '../geo/divide/adjust.js';
import type { Problem } from '../geo/validate.js';
import type { TaskReply, TaskRequest } from './protocol.js';
import { TextError, translate } from '../i18n/catalogue.js';

export interface Tasks {
  /** A division request as stored with its job (JSON text, with its boundary) → the proposal, with progress on the way. */
  divide(request: string, progress: (share: number, stage: string) => void): Promise<RunResult>;
  /** A division request checked as the division would read it: how many buildings, and what is wrong. */
  checkDivision(request: string): Promise<{ buildings: number; problems: Problem[]; skippedBarriers?: SkippedBarriers }>;
  /** An adjustment (`{ request, live }` as JSON text: the request and the village's live grids) → which grids it keeps and which it frees. */
  planAdjustment(input: string): Promise<AdjustmentPlan>;
}

const tasks: Tasks = {
  async divide(text, progress) {
    const request = JSON.parse(text) as Record<string, unknown>;
    const parsed = parseDivisionInput(request, request.boundary);
    if (parsed.problems) throw new Error(parsed.problems.map((p) => translate(p.message, 'en')).join('; '));
    return runDivision(parsed.value, progress);
  },
  async planAdjustment(text) {
    const { request, live } = JSON.parse(text) as { request: Record<string, unknown>; live: LiveGrid[] };
    const parsed = parseDivisionInput(request, request.boundary);
    if (parsed.problems) throw new Error(parsed.problems.map((p) => translate(p.message, 'en')).join('; '));
    return planAdjustment(parsed.value, live);
  },
  async checkDivision(text) {
    const request = JSON.parse(text) as Record<string, unknown>;
    const parsed = parseDivisionInput(request, request.boundary);
    if (parsed.problems) return { buildings: 0, problems: parsed.problems };
    const { buildings, skippedBarriers } = parsed.value;
    return { buildings: buildings.length, problems: buildings.length === 0 ? [] : prepareDivision(parsed.value).problems, ...(skippedBarriers ? { skippedBarriers } : {}) };
  },
};

/** An error as it crosses to the main thread: its name, message and any status/code/details. */
function serialized(error: unknown): TaskReply['error'] {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const { status, code, details } = error as Error & { status?: unknown; code?: unknown; details?: unknown };
  return { name: error.name, message: error.message, text: error instanceof TextError ? error.text : undefined, status: typeof status === 'number' ? status : undefined, code: typeof code === 'string' ? code : undefined, details, stack: error.stack };
}

parentPort?.on('message', async (message: TaskRequest) => {
  const post = (reply: TaskReply) => parentPort!.postMessage(reply);
  try {
    const task = tasks[message.task] as (input: unknown, progress: (share: number, stage: string) => void) => Promise<unknown>;
    const result = await task(message.input, (share, stage) => post({ id: message.id, progress: { share, stage } }));
    post({ id: message.id, result });
  } catch (error) {
    post({ id: message.id, error: serialized(error) });
  }
});
