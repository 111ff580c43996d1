/** Messages between the pool (main thread) and its worker threads. */
import type { Text } from '../i18n/catalogue.js';

export interface TaskRequest {
  id: number;
  task: 'divide' | 'checkDivision' | 'planAdjustment';
  input: unknown;
}

export interface TaskReply {
  id: number;
  progress?: { share: number; stage: string };
  result?: unknown;
  error?: { name: string; message: string; text?: Text; status?: number; code?: string; details?: unknown; stack?: string };
}
