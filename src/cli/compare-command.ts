/** `solar compare`: several methods × seeds on one task, run in parallel, one report. */
import type { Command } from 'commander';
import { join } from 'node:path';
import { runCompare, type CompareOptions, type RunOutcome } from '../report/compare-job.js';
import type { PlannedRun } from '../report/compare-plan.js';
import { METHODS, PRESETS } from '../config/train-config.js';
import { UserError, type Io } from './io.js';
import { collect, intOption, withEnvModule } from './options.js';
import { etaSeconds, formatDuration } from './progress.js';
import { plannedIterations } from '../run/train-job.js';
import { resolveEnvModules } from '../run/env-module.js';
import { taskDirName } from '../run/run-dir.js';

export interface CompareCliOptions {
  env: string;
  methods?: string;
  seeds: string;
  preset: string;
  budget?: string;
  set: string[];
  out?: string;
  jobs?: number;
  force?: boolean;
  envModule?: string[];
}

const PROGRESS_EVERY_MS = 60_000;

/** 4 significant digits: 1.234, 0.01234, 2.812e-5. */
const g = (v: number) => (v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(3) : String(Number(v.toPrecision(4))));

function describe(run: PlannedRun, o: RunOutcome): string {
  if (o.status === 'failed') return `FAILED: ${o.error}`;
  if (o.status === 'reused') return 'reused (finished, same config)';
  const s = o.summary!;
  return `${o.status}: final distance ${g(s.mean_final_distance)}, success rate ${s.success_rate.toFixed(2)}, ${s.env_steps} env steps, ${s.wall_s.toFixed(1)} s`;
}

export async function compareCommand(opts: CompareCliOptions, io: Io): Promise<number> {
  if (!opts.methods) throw new UserError(`--methods is required, e.g. --methods solar,lqrflm (known methods: ${Object.keys(METHODS).join(', ')})`);
  const out = opts.out ?? join('runs', `compare-${taskDirName(opts.env)}`);
  const options: CompareOptions = { env: opts.env, methods: opts.methods, seeds: opts.seeds, preset: opts.preset, budget: opts.budget, set: opts.set, out, jobs: opts.jobs, force: opts.force, envModules: resolveEnvModules(opts.envModule ?? []) };
  // Long runs (SOLAR from pixels, PPO) say how they are doing at most once a minute each, with
  // the whole comparison's time left from the iterations done so far (pretraining counts as none).
  const lastLine = new Map<string, number>();
  const done = new Map<string, number>();
  let todo = 0;
  const started = Date.now();
  const eta = () => {
    const f = todo > 0 ? [...done.values()].reduce((a, v) => a + v, 0) / todo : 0;
    const left = etaSeconds(f, (Date.now() - started) / 1000);
    return left === undefined ? '' : `; compare ${Math.round(100 * f)} % done, about ${formatDuration(left)} left`;
  };
  const result = await runCompare(options, {
    onPlan: (runs, exec) => {
      const count = (a: string) => runs.filter((r) => r.action === a).length;
      todo = runs.length - count('reuse');
      io.out(
        `compare on ${opts.env} → ${out}/: ${runs.length} runs (${count('reuse')} finished and reused, ${count('resume')} to resume, ${count('run') + count('restart')} to run)` +
          (todo > 0 ? (exec.workers ? `, ${exec.parallel} at a time in worker threads` : ', one at a time in this process') : ''),
      );
    },
    onStart: (run) => {
      lastLine.set(run.name, Date.now());
      io.out(`started ${run.name}${run.reason ? ` (${run.reason})` : ''}`);
    },
    onIteration: (run, m) => {
      done.set(run.name, Math.min(1, (m.iteration + 1) / Math.max(1, plannedIterations(run.config))));
      if (Date.now() - (lastLine.get(run.name) ?? 0) < PROGRESS_EVERY_MS) return;
      lastLine.set(run.name, Date.now());
      io.out(`${run.name} iteration ${m.iteration}: mean final distance ${g(m.mean_final_distance)}, mean cost ${g(m.mean_cost)}${eta()}`);
    },
    onWarning: (run, w) => io.err(`warning: ${run.name}: ${w}`),
    onFinish: (run, o, finished, total) => {
      if (o.status !== 'reused') done.set(run.name, 1);
      io.out(`[${finished}/${total}] ${run.name} ${describe(run, o)}${o.status !== 'reused' && finished < total ? eta() : ''}`);
    },
  });
  for (const m of result.report.methods) {
    const med = m.steps_to_threshold_median;
    const steps = med ? (med.bound === 'lower' ? `not reached (> ${med.value})` : `${med.value}`) : 'no finished run';
    io.out(`${m.key}: median steps to distance ≤ ${result.report.success_distance}: ${steps}; final distance ${m.final_distance ? `${g(m.final_distance.mean)} ± ${g(m.final_distance.std)}` : '–'} over ${m.finished} seed(s)`);
  }
  io.out(`wrote ${out}/ (${result.files.join(', ')})`);
  if (result.failures.length > 0) {
    io.err(`solar: error: ${result.failures.length} run(s) failed (the report covers the others): ${result.failures.map((f) => f.run.name).join(', ')}`);
    return 1;
  }
  return 0;
}

/** Adds `solar compare` to the program. */
export function registerCompare(program: Command, io: Io, done: (p: Promise<number>) => void): void {
  const compare = program
    .command('compare')
    .description('run several methods × seeds on one task (in parallel worker threads) and write report.md, report.html and compare.json; finished runs are reused')
    .option('--env <name>', 'task name (see solar envs)', 'nav2d')
    .option('--methods <list>', `comma-separated methods, each optionally with its observations (method:obs), e.g. solar,lqrflm; known: ${Object.keys(METHODS).join(', ')}`)
    .option('--seeds <n|list>', 'number of seeds (0..n-1), a comma-separated list of seeds, or a range a..b (one seed S: S..S)', '3')
    .option('--preset <name>', `preset of every run: ${PRESETS.join(', ')}`, 'default')
    .option('--budget <steps>', 'cap every run at this many env steps (agent.total_steps, or agent.iterations computed from it)')
    .option('--jobs <n>', 'runs at a time (default: the number of cores)', intOption('--jobs', { min: 1 }))
    .option('--set <key=value>', 'override a config field of every run, or of one method with method:key=value (e.g. lqrflm:agent.kl_step=0.5) (repeatable)', collect, [])
    .option('--out <dir>', 'compare directory: runs/ and the reports (default runs/compare-<env>)')
    .option('--force', 'replace run directories that hold a run with a different config');
  withEnvModule(compare).action((o: CompareCliOptions) => done(compareCommand(o, io)));
}
