/**
 * A few worker threads for the service's CPU-heavy pure work (tasks.ts): a division of a large
 * village would otherwise hold the event loop for seconds, and every other request — a health
 * check, a locate, the web client's tiles — with it. Tasks queue for the
 * next free worker; a worker that dies fails its task and is replaced on the next one.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { FileError } from '../formats/source.js';
import type { TaskReply, TaskRequest } from './protocol.js';
import type { Tasks } from './tasks.js';

type Input<K extends keyof Tasks> = Parameters<Tasks[K]>[0];
type Output<K extends keyof Tasks> = Awaited<ReturnType<Tasks[K]>>;
type Progress = (share: number, stage: string) => void;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  progress?: Progress;
}

interface Slot {
  worker: Worker;
  busy: number | undefined;
}

export interface WorkerPoolOptions {
  /** Threads at most; default: one fewer than the cores, at least one, at most four. */
  size?: number;
}

// Workers start from plain JavaScript, and register tsx when the service runs from its TypeScript sources.
const bootstrap = new URL('./bootstrap.mjs', import.meta.url);
const fromSources = import.meta.url.endsWith('.ts');
const tasksModule = new URL(fromSources ? './tasks.ts' : './tasks.js', import.meta.url).href;

export class WorkerPool {
  readonly size: number;
  #slots: Slot[] = [];
  #queue: { message: TaskRequest; pending: Pending }[] = [];
  #pending = new Map<number, Pending>();
  #nextId = 1;
  #closed = false;

  constructor(options: WorkerPoolOptions = {}) {
    this.size = options.size ?? Math.max(1, Math.min(4, availableParallelism() - 1));
  }

  run<K extends keyof Tasks>(task: K, input: Input<K>, progress?: Progress): Promise<Output<K>> {
    if (this.#closed) return Promise.reject(new Error('the worker pool is closed'));
    return new Promise<Output<K>>((resolve, reject) => {
      const message: TaskRequest = { id: this.#nextId++, task, input };
      this.#queue.push({ message, pending: { resolve: resolve as (value: unknown) => void, reject, progress } });
      this.#dispatch();
    });
  }

  /** Ends the threads; queued and running tasks fail. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const { pending } of this.#queue.splice(0)) pending.reject(new Error('the worker pool is closed'));
    await Promise.all(this.#slots.map((slot) => slot.worker.terminate()));
    this.#slots = [];
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      const slot = this.#slots.find((s) => s.busy === undefined) ?? (this.#slots.length < this.size ? this.#spawn() : undefined);
      if (!slot) return;
      const { message, pending } = this.#queue.shift()!;
      slot.busy = message.id;
      this.#pending.set(message.id, pending);
      slot.worker.ref(); // a running task keeps the process alive (a CLI awaiting it)
      slot.worker.postMessage(message);
    }
  }

  #spawn(): Slot {
    const worker = new Worker(bootstrap, { workerData: { tasks: tasksModule, typescript: fromSources } });
    const slot: Slot = { worker, busy: undefined };
    // An idle worker does not keep the process alive.
    worker.unref();
    worker.on('message', (reply: TaskReply) => {
      const pending = this.#pending.get(reply.id);
      if (!pending) return;
      if (reply.progress) return pending.progress?.(reply.progress.share, reply.progress.stage);
      this.#pending.delete(reply.id);
      slot.busy = undefined;
      worker.unref();
      if (reply.error) pending.reject(revive(reply.error));
      else pending.resolve(reply.result);
      this.#dispatch();
    });
    const fail = (error: Error) => {
      this.#slots = this.#slots.filter((s) => s !== slot);
      if (slot.busy !== undefined) {
        this.#pending.get(slot.busy)?.reject(error);
        this.#pending.delete(slot.busy);
      }
      if (!this.#closed) this.#dispatch();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`a worker thread stopped (exit code ${code})`)));
    this.#slots.push(slot);
    return slot;
  }
}

/** The error a task threw, as the main thread knows it (a FileError stays one). */
function revive(error: NonNullable<TaskReply['error']>): Error {
  const revived = error.name === 'FileError' && error.status !== undefined && error.code !== undefined ? new FileError(error.status, error.code, error.message, error.details) : new Error(error.message);
  if (error.stack) revived.stack = error.stack;
  return revived;
}
