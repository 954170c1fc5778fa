/**
 * `solar compare`: every (method, seed) into `<out>/runs/<method>-<obs>-s<seed>/` through
 * the one train entry, in parallel worker threads (one per run, up to `jobs` at a time),
 * then the report. Finished runs with the same config are reused; unfinished resumable runs
 * are resumed. Worker threads load the built JS (`build/src/report/compare-worker.js`); when
 * that file is not beside this module (running from the TypeScript sources, as under
 * vitest) or `jobs` is 1, the runs execute one after another in this process.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { compareCommandLine, pretrainedRunCommand, sourcesCommandLine, type CommandOptions } from './compare-commands.js';
import { parseBudget, parseMethods, parseSeeds, parseSets, planRuns, resolveMethod, setsFor, taskFacts, type PlannedRun, type ResolvedMethod } from './compare-plan.js';
import { buildReport, writeReport, type CompareReport, type RunStatus } from './compare-report.js';
import { executeRun, type RunTask, type WorkerMessage } from './compare-run.js';
import type { RunSummary, ProgressLine } from '../run/summary.js';
import type { TrainHooks } from '../run/train-job.js';
import { randomPolicyReference } from '../run/rollout-job.js';

/** What decides the runs (compare-commands' CommandOptions), then how they execute and where. */
export interface CompareOptions extends CommandOptions {
  out: string;
  /** Runs at a time; default: the number of cores. */
  jobs?: number;
  /** Replace run directories that hold a run with a different config. */
  force?: boolean;
  /** 'never': run in this process even when the compiled worker exists. */
  workers?: 'auto' | 'never';
  /** false: no random-policy reference in the report (default: 100 episodes per seed, as `solar rollout`). */
  randomPolicy?: boolean;
}

export interface RunOutcome {
  status: RunStatus;
  summary?: RunSummary;
  error?: string;
}

export interface CompareEvents {
  /** Before anything runs: the plan and how it will execute. */
  onPlan?(runs: readonly PlannedRun[], exec: { parallel: number; workers: boolean }): void;
  onStart?(run: PlannedRun): void;
  onIteration?(run: PlannedRun, m: ProgressLine): void;
  onWarning?(run: PlannedRun, message: string): void;
  /** After each run finishes (or is reused, or fails); `done` of `total`. */
  onFinish?(run: PlannedRun, outcome: RunOutcome, done: number, total: number): void;
}

export interface CompareResult {
  report: CompareReport;
  files: string[];
  /** Runs that failed (the report covers the others). */
  failures: { run: PlannedRun; error: string }[];
}

/** The compiled worker beside this module, or null when running from the TypeScript sources. */
export function compiledWorker(): string | null {
  const file = fileURLToPath(new URL('./compare-worker.js', import.meta.url));
  return existsSync(file) ? file : null;
}

function runInWorker(entry: string, task: RunTask, onMessage: (m: WorkerMessage) => void): Promise<RunSummary> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(entry, { workerData: task });
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
      void worker.terminate();
    };
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'done') settle(() => resolve(m.summary));
      else if (m.type === 'error') settle(() => reject(new Error(m.message)));
      else onMessage(m);
    });
    worker.on('error', (e) => settle(() => reject(e)));
    worker.on('exit', (code) => settle(() => reject(new Error(`its worker thread exited (code ${code}) before finishing`))));
  });
}

async function pool<T>(items: readonly T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, lane));
}

/** An --out that is a file, or a non-empty directory that is not a compare directory, is refused. */
function checkOutDir(out: string): void {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new Error(`output path '${out}' exists and is a file, not a directory`);
  const entries = readdirSync(out);
  if (entries.length > 0 && !entries.includes('runs') && !entries.includes('compare.json')) {
    throw new Error(`output directory '${out}' is not empty and is not a compare directory (no runs/ or compare.json); choose another --out`);
  }
}

export async function runCompare(opts: CompareOptions, events: CompareEvents = {}): Promise<CompareResult> {
  // Everything that can be wrong with the input is found before anything runs.
  const specs = parseMethods(opts.methods);
  const seeds = parseSeeds(opts.seeds);
  const budget = opts.budget === undefined ? undefined : parseBudget(opts.budget);
  if (opts.jobs !== undefined && (!Number.isInteger(opts.jobs) || opts.jobs < 1)) throw new Error(`--jobs must be a whole number ≥ 1, got ${opts.jobs}`);
  const sets = parseSets(opts.set, specs);
  checkOutDir(opts.out);
  const methods: ResolvedMethod[] = [];
  for (const spec of specs) methods.push(await resolveMethod({ env: opts.env, spec, preset: opts.preset, seeds, sets, budget }));
  const facts = await taskFacts(methods[0].configs[0].env);
  for (const m of methods.slice(1)) {
    const f = await taskFacts(m.configs[0].env);
    if (f.successDistance !== facts.successDistance) {
      throw new Error(`the methods disagree on the task's success distance (${methods[0].spec.key}: ${facts.successDistance}, ${m.spec.key}: ${f.successDistance}); set env.success_distance for all of them, not one`);
    }
  }
  const runs = planRuns(opts.out, methods, seeds, !!opts.force);

  const entry = opts.workers === 'never' ? null : compiledWorker();
  const jobs = opts.jobs ?? availableParallelism();
  const todo = runs.filter((r) => r.action !== 'reuse');
  const workers = entry !== null && jobs > 1 && todo.length > 1;
  const parallel = workers ? Math.min(jobs, todo.length) : 1;
  events.onPlan?.(runs, { parallel, workers });

  const outcomes = new Map<string, RunOutcome>();
  const failures: CompareResult['failures'] = [];
  let done = 0;
  const finish = (run: PlannedRun, outcome: RunOutcome) => {
    outcomes.set(run.name, outcome);
    if (outcome.error) failures.push({ run, error: outcome.error });
    events.onFinish?.(run, outcome, ++done, runs.length);
  };
  for (const run of runs) if (run.action === 'reuse') finish(run, { status: 'reused' });

  await pool(todo, parallel, async (run) => {
    events.onStart?.(run);
    // The cores are shared among the runs at a time (a run's threads do not change its result).
    const threads = Math.max(1, Math.floor(availableParallelism() / parallel));
    const task: RunTask = { config: run.config, dir: run.dir, action: run.action as RunTask['action'], threads, envModules: [...(opts.envModules ?? [])] };
    const hooks: TrainHooks = {
      onIteration: (m) => events.onIteration?.(run, m),
      onWarning: (w) => events.onWarning?.(run, w),
    };
    try {
      const summary = workers
        ? await runInWorker(entry!, task, (m) => (m.type === 'iteration' ? hooks.onIteration?.(m as never) : m.type === 'warning' ? hooks.onWarning?.(m.message) : undefined))
        : await executeRun(task, hooks);
      finish(run, { status: run.action === 'resume' ? 'resumed' : 'trained', summary });
    } catch (e) {
      finish(run, { status: 'failed', error: e instanceof Error ? e.message : String(e) });
    }
  });

  const randomPolicy = opts.randomPolicy === false ? undefined : await randomPolicyReference(methods[0].configs[0].env as { name: string } & Record<string, unknown>, seeds);
  const { report, histories } = buildReport({
    randomPolicy,
    outDir: opts.out,
    env: opts.env,
    successDistance: facts.successDistance,
    preset: opts.preset,
    seeds,
    budget,
    methods,
    runs,
    outcomes,
    commands: {
      compare: `${compareCommandLine(opts)} --out DIR`,
      sources: (specs) => `${sourcesCommandLine(opts, sets, specs)} --out DIR`,
      pretrained: (run, from) => pretrainedRunCommand(opts, run.spec, run.seed, setsFor(run.spec, sets), `DIR/${run.name}`, from.startsWith('runs/') ? `DIR/${from}` : from),
    },
  });
  const files = writeReport(opts.out, report, histories);
  return { report, files, failures };
}
