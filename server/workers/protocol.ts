/** Messages between the pool (main thread) and its worker threads. */
export interface TaskRequest {
  id: number;
  task: 'divide' | 'checkDivision' | 'planAdjustment';
  input: unknown;
}

export interface TaskReply {
  id: number;
  progress?: { share: number; stage: string };
  result?: unknown;
  error?: { name: string; message: string; status?: number; code?: string; details?: unknown; stack?: string };
}
