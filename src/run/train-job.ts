/**
 * One entry point for every `solar train` method: the CLI, `solar compare` and its worker
 * threads call `runTrainJob` / `resumeTrainJob` and never a method's job directly, so adding
 * a method is one entry in METHODS (train-config.ts) and one in JOBS below.
 */
import { evaluateLqrflmRun, resumeLqrflmJob, runLqrflmJob } from './lqrflm-job.js';
import { plannedUpdates, resolvePpoConfig } from '../agents/ppo/config.js';
import { evaluatePpoRun, resumePpoJob, runPpoJob } from './ppo-job.js';
import type { RunDir } from './run-dir.js';
import type { RunEvaluation } from './summary.js';
import { evaluateSolarRun, resumeSolarJob, runSolarJob, type SolarHooks } from './solar-job.js';
import { evaluateVaeRun, resumeVaeJob, runVaeJob } from './vae-job.js';
import { evaluateMpcRun, resumeMpcJob, runMpcJob } from './mpc-job.js';
import type { RunSummary } from './summary.js';
import type { MethodName, TrainConfig } from '../config/train-config.js';

/** What every method's job reports; a method may ignore the hooks it has no use for. */
export type TrainHooks = SolarHooks;

interface JobEntry {
  run(config: TrainConfig, dir: RunDir, hooks: TrainHooks): Promise<RunSummary>;
  /** Absent: the method's runs are short enough to start again. */
  resume?(config: TrainConfig, dir: RunDir, hooks: TrainHooks): Promise<RunSummary>;
  /** Absent: `solar eval` does not support the method's runs yet. */
  evaluate?(config: TrainConfig, dir: RunDir, episodes: number, hooks: TrainHooks): Promise<RunEvaluation>;
  /** Whether the method pretrains a model first (the CLI shows a second progress bar). */
  pretrains: boolean;
  /** Iterations (metrics lines) a run makes, when not simply `agent.iterations`. */
  iterations?(config: TrainConfig): number;
}

const JOBS: Record<MethodName, JobEntry> = {
  solar: { run: runSolarJob, resume: resumeSolarJob, evaluate: evaluateSolarRun, pretrains: true },
  lqrflm: { run: runLqrflmJob, resume: resumeLqrflmJob, evaluate: evaluateLqrflmRun, pretrains: false },
  ppo: { run: runPpoJob, resume: resumePpoJob, evaluate: evaluatePpoRun, pretrains: false, iterations: (c) => plannedUpdates(resolvePpoConfig(c.agent)) },
  vae: { run: runVaeJob, resume: resumeVaeJob, evaluate: evaluateVaeRun, pretrains: true },
  mpc: { run: runMpcJob, resume: resumeMpcJob, evaluate: evaluateMpcRun, pretrains: true },
};

export function methodPretrains(method: MethodName): boolean {
  return JOBS[method].pretrains;
}

/** Iterations a run of this config makes (the CLI's progress bar). */
export function plannedIterations(config: TrainConfig): number {
  return JOBS[config.method].iterations?.(config) ?? Number(config.agent.iterations);
}

export function canResume(method: MethodName): boolean {
  return JOBS[method].resume !== undefined;
}

export function runTrainJob(config: TrainConfig, dir: RunDir, hooks: TrainHooks = {}): Promise<RunSummary> {
  return JOBS[config.method].run(config, dir, hooks);
}

export function resumeTrainJob(config: TrainConfig, dir: RunDir, hooks: TrainHooks = {}): Promise<RunSummary> {
  const resume = JOBS[config.method].resume;
  if (!resume) throw new Error(`--resume supports ${Object.keys(JOBS).filter((m) => JOBS[m as MethodName].resume).join(', ')} runs; '${dir.display()}' is a ${config.method} run (it is short: start it again)`);
  return resume(config, dir, hooks);
}

/**
 * `solar eval`: a finished run's final policy on `episodes` evaluation episodes (the run's own
 * are the first of them), written to `evaluation-<episodes>.json` in the run directory.
 */
export async function evaluateRun(config: TrainConfig, dir: RunDir, episodes: number, hooks: TrainHooks = {}): Promise<RunEvaluation> {
  const evaluate = JOBS[config.method].evaluate;
  if (!evaluate) throw new Error(`solar eval supports ${Object.keys(JOBS).filter((m) => JOBS[m as MethodName].evaluate).join(', ')} runs; '${dir.display()}' is a ${config.method} run`);
  const result = await evaluate(config, dir, episodes, hooks);
  dir.writeJson(`evaluation-${episodes}.json`, result);
  return result;
}
