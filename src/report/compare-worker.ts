/**
 * Worker-thread entry of `solar compare` (loaded from the built JS,
 * build/src/report/compare-worker.js): runs the one task in `workerData` and posts its
 * progress, then `done` with the summary or `error` with the message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { executeRun, type RunTask, type WorkerMessage } from './compare-run.js';

const port = parentPort;
if (!port) throw new Error('compare-worker.js is a worker-thread entry; solar compare starts it');
const post = (m: WorkerMessage) => port.postMessage(m);

executeRun(workerData as RunTask, {
  onIteration: (m) => post({ type: 'iteration', iteration: m.iteration, mean_final_distance: m.mean_final_distance, mean_cost: m.mean_cost }),
  onWarning: (w) => post({ type: 'warning', message: w }),
}).then(
  (summary) => post({ type: 'done', summary: JSON.parse(JSON.stringify(summary)) }),
  (e: unknown) => post({ type: 'error', message: e instanceof Error ? e.message : String(e) }),
);
