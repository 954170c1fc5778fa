import { defaultRunDir, RunDir } from '../run/run-dir.js';
import { canResume, methodPretrains, plannedIterations, resumeTrainJob, runTrainJob } from '../run/train-job.js';
import { resolveTrainConfig, trainConfigSchema, type MethodName, type Preset, type TrainConfig } from '../config/train-config.js';
import { UserError, type Io } from './io.js';
import { savedRunConfig } from './options.js';
import { etaSeconds, formatDuration, progressBar, type Progress } from './progress.js';
import type { PretrainLogLine } from '../run/latent-pretrain.js';
import type { ProgressLine } from '../run/summary.js';
import { RunInterrupted } from '../run/interrupt.js';
import { envNames } from '../envs/registry.js';
import { SUCCESS_LABELS as LABELS } from '../agents/core/success-labels.js';
import type { LabelSource } from '../run/labels.js';
import { terminalLabelSource } from './label-terminal.js';
import { ipcLabelSource, LABELS_VIA_ENV } from '../web/label-channel.js';


export interface TrainOptions {
  env: string;
  method: string;
  obs?: string;
  preset: string;
  iterations?: number;
  rollouts?: number;
  seed: number;
  out?: string;
  set: string[];
  force?: boolean;
  resume?: string;
  pretrainedFrom?: string;
  threads?: number;
  /** Who labels a sparse task's rollouts (agent.labels): task, final or human. */
  label?: string;
  /** The long flags given on the command line (main.ts; options.ts givenOptions): --resume refuses those it would ignore. */
  given?: readonly string[];
}

/**
 * The only `solar train` flags --resume uses: --threads (the wall time only) and --env-module
 * (it loads the run's task). Every other flag (--seed, --set, --out, …, and any added later)
 * would be ignored, since the run's config.json decides, so it is refused.
 */
const USED_ON_RESUME = ['--resume', '--threads', '--env-module', '--pretrained-from'];

/** One line naming the flags --resume would ignore, or nothing. */
function refuseIgnoredOnResume(given: readonly string[], dir: RunDir, method: MethodName): void {
  const flags = given.filter((f) => !USED_ON_RESUME.includes(f));
  if (flags.length === 0) return;
  const fresh = methodPretrains(method) ? `start a fresh run with --pretrained-from ${dir.display()} (it reuses the pretrained model)` : 'start a fresh run';
  throw new UserError(`--resume continues '${dir.display()}' exactly as its saved config.json says, so ${flags.join(', ')} would be ignored: drop ${flags.length > 1 ? 'them' : 'it'}, or to change a setting ${fresh}`);
}

function trainConfigOf(opts: TrainOptions): TrainConfig {
  const flags: string[] = [];
  if (opts.iterations !== undefined) flags.push(`agent.iterations=${opts.iterations}`);
  if (opts.rollouts !== undefined) flags.push(`agent.rollouts=${opts.rollouts}`);
  if (opts.label !== undefined) {
    if (!(LABELS as readonly string[]).includes(opts.label)) throw new UserError(`--label is one of ${LABELS.join(', ')}; got '${opts.label}'`);
    if (opts.method !== 'solar' && opts.method !== 'vae') throw new UserError(`--label applies to the methods that learn a success model from labels (solar, vae), not ${opts.method}`);
    // A built-in dense task is named here, before a run directory is made (a task of the user's is checked by the job).
    if (opts.label !== 'task' && envNames().includes(`${opts.env}-sparse`)) {
      throw new UserError(`--label ${opts.label} labels the rollouts of a sparse task; ${opts.env} has a dense cost (try --env ${opts.env}-sparse)`);
    }
    flags.push(`agent.labels=${opts.label}`);
  }
  // resolveTrainConfig names an unknown method or preset.
  return resolveTrainConfig({ env: opts.env, method: opts.method as MethodName, obs: opts.obs as 'state' | 'pixels' | undefined, preset: opts.preset as Preset, seed: opts.seed, set: [...flags, ...opts.set] });
}

/** `solar train`: learn a task with a method; a run directory with metrics, summary and pictures. */
export async function trainCommand(opts: TrainOptions, io: Io): Promise<number> {
  let config: TrainConfig, dir: RunDir;
  let pretrainedFrom: RunDir | undefined;
  if (opts.resume && opts.pretrainedFrom) throw new UserError('--resume continues a run with its own model: drop --pretrained-from');
  if (opts.resume) {
    const saved = RunDir.open(opts.resume);
    config = savedRunConfig(saved, trainConfigSchema, 'train');
    if (!canResume(config.method)) throw new UserError(`--resume does not support ${config.method} runs ('${saved.display()}'): they are short, start it again`);
    refuseIgnoredOnResume(opts.given ?? [], saved, config.method);
    dir = RunDir.openForWriting(opts.resume, { onNotice: (l) => io.err(l) });
    io.out(`resuming ${config.method} on ${config.env.name}, seed ${config.seed} in ${dir.display()}/`);
  } else {
    config = trainConfigOf(opts);
    if (opts.pretrainedFrom && !methodPretrains(config.method)) throw new UserError(`--pretrained-from applies to the methods that pretrain a model (solar, vae, mpc), not ${config.method}`);
    // Opened before the new run directory exists: a wrong path leaves nothing behind.
    pretrainedFrom = opts.pretrainedFrom ? RunDir.open(opts.pretrainedFrom) : undefined;
    const out = opts.out ?? defaultRunDir({ command: 'train', env: config.env.name, method: `${config.method}-${config.obs}`, seed: config.seed });
    dir = RunDir.create(out, { force: opts.force, onNotice: (l) => io.err(l), resumable: canResume(config.method) });
    io.out(`training ${config.method} (${config.obs}) on ${config.env.name}, seed ${config.seed}, preset ${config.preset} → ${dir.display()}/`);
  }
  const iterations = plannedIterations(config);
  const report = (m: ProgressLine) => {
    if (!process.stderr.isTTY) io.out(`iteration ${m.iteration}: mean final distance ${m.mean_final_distance.toFixed(4)}, mean cost ${m.mean_cost.toFixed(3)}`);
  };
  let summary;
  let bar: Progress = progressBar(`${config.method} ${config.env.name}`, iterations);
  let pretraining: Progress | null = null;
  let resumedBar = false;
  const interrupts = new InterruptHandler(config.method, dir, io, () => (bar.stop(), pretraining?.stop()));
  let iterationsDone = 0;
  let closeLabels = () => {};
  try {
    let labelSource: LabelSource | undefined;
    if ((config.agent as { labels?: string }).labels === 'human') {
      if (process.env[LABELS_VIA_ENV] === 'ipc' && process.send) {
        labelSource = ipcLabelSource();
        // The page's server went away: stop as on Ctrl-C (resumable), since no one can label.
        process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
      } else {
        const terminal = terminalLabelSource(dir, {
          pause: () => bar.stop(),
          resume: () => {
            bar = progressBar(`${config.method} ${config.env.name}`, iterations);
            bar.tick(iterationsDone);
          },
        });
        labelSource = terminal;
        closeLabels = () => terminal.close();
      }
    }
    pretraining = methodPretrains(config.method) && !opts.resume && !pretrainedFrom ? progressBar('pretraining', config.pretrain?.steps ?? 0) : null;
    if (pretraining) bar.stop();
    const hooks = {
      onPretrainStep: (s: number, total: number) => {
        // A run resumed mid-pretraining: its bar starts at the saved step.
        if (opts.resume && !resumedBar && s < total) {
          resumedBar = true;
          bar.stop();
          pretraining = progressBar('pretraining', total);
          pretraining.tick(s - 1);
        }
        pretraining?.tick();
        if (s === total && pretraining) {
          pretraining.stop();
          pretraining = null;
          bar = progressBar(`${config.method} ${config.env.name}`, iterations);
        }
      },
      // Where no bar is drawn (output piped or logged), a line per pretraining log step.
      onPretrainLog: (l: PretrainLogLine, total: number) => {
        if (process.stderr.isTTY) return;
        const left = etaSeconds(l.step / total, l.wall_s);
        io.out(`pretraining step ${l.step}/${total}: ELBO ${l.elbo.toPrecision(6)} (reconstruction ${l.recon.toPrecision(6)}, KL ${l.kl.toPrecision(4)})${left === undefined || l.step >= total ? '' : `, about ${formatDuration(left)} left`}`);
      },
      onIteration: (m: ProgressLine) => (iterationsDone++, bar.tick(1, `iteration ${m.iteration}: distance ${m.mean_final_distance.toPrecision(3)}, cost ${m.mean_cost.toPrecision(4)}`), report(m)),
      onWarning: (w: string) => io.err(`warning: ${w}`),
      pretrainedFrom,
      threads: opts.threads,
      signal: interrupts.signal,
      labelSource,
    };
    summary = await (opts.resume ? resumeTrainJob(config, dir, hooks) : runTrainJob(config, dir, hooks));
  } catch (e) {
    if (!(e instanceof RunInterrupted)) throw e;
    bar.stop();
    pretraining?.stop();
    io.err(interrupts.message(e.saved));
    return interrupts.exitCode;
  } finally {
    closeLabels();
    interrupts.uninstall();
    bar.stop();
    pretraining?.stop();
    dir.release();
  }
  io.out(
    `final evaluation over ${summary.episodes} fresh episodes${'policy_from_iteration' in summary && summary.policy_from_iteration !== undefined ? ` (the policy rolled out at iteration ${summary.policy_from_iteration}, agent.keep_best)` : ''}: mean final distance ${summary.mean_final_distance.toFixed(4)}, ` +
      `success rate ${summary.success_rate.toFixed(2)}, ${summary.env_steps} env steps, ${summary.wall_s.toFixed(1)} s`,
  );
  io.out(`wrote ${dir.display()}/ (config.json, metrics.jsonl, summary.json, learning-curve.svg and the method's checkpoints and GIFs)`);
  return 0;
}

/** `DIR` as a shell word: quoted when it holds anything but plain path characters. */
function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
}

/**
 * Ctrl-C (SIGINT) and SIGTERM during `solar train`: the first asks the job to save what it can
 * and stop (the latent jobs do so at their next pretraining step or episode; the others cannot,
 * so the command exits at once); a second exits at once. Exit code 128 + the signal's number.
 */
class InterruptHandler {
  private readonly controller = new AbortController();
  private received: NodeJS.Signals | null = null;
  private readonly handle = (signal: NodeJS.Signals) => this.onSignal(signal);

  constructor(private readonly method: MethodName, private readonly dir: RunDir, private readonly io: Io, private readonly stopBars: () => void) {
    process.on('SIGINT', this.handle);
    process.on('SIGTERM', this.handle);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get exitCode(): number {
    return this.received === 'SIGTERM' ? 143 : 130;
  }

  private get resumeCommand(): string {
    return `npx solar train --resume ${shellWord(this.dir.display())}`;
  }

  /** The one line after a stop: what was saved and how to continue. */
  message(saved: string | null): string {
    const by = this.received === 'SIGTERM' ? 'stopped (SIGTERM)' : 'interrupted';
    if (saved === null) return `${by}: nothing saved yet; start the run again (same command with --force)`;
    return `${by}: saved ${saved} in ${this.dir.display()}/; continue with: ${this.resumeCommand}`;
  }

  private onSignal(signal: NodeJS.Signals): void {
    const again = this.received !== null;
    this.received ??= signal;
    if (!again && methodPretrains(this.method)) {
      this.controller.abort();
      return;
    }
    this.stopBars();
    this.io.err(
      again
        ? `${this.received === 'SIGTERM' ? 'stopped' : 'interrupted'} again: exiting at once; ${methodPretrains(this.method) ? `what was saved before still resumes: ${this.resumeCommand}` : 'nothing more saved'}`
        : canResume(this.method)
          ? `interrupted: ${this.method} runs stop at once; continue from their last checkpoint with: ${this.resumeCommand}`
          : `interrupted: nothing saved (${this.method} runs cannot resume); start the run again`,
    );
    process.exit(this.exitCode);
  }

  uninstall(): void {
    process.off('SIGINT', this.handle);
    process.off('SIGTERM', this.handle);
  }
}
