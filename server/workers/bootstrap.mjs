// Entry of every worker thread (server/workers/pool.ts). Plain JavaScript so that Node can start
// it as it is; it registers tsx first when the service runs from its TypeScript sources (npm start,
// the tests), then loads the task module it was given.
import { workerData } from 'node:worker_threads';

if (workerData.typescript) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(workerData.tasks);
