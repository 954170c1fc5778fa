import { resumeModelJob, runModelJob } from '../run/model-job.js';
import { modelJobDefaults, modelJobSchema, type ModelJobConfig } from '../config/model-config.js';
import { resolveConfig } from '../config/resolve-config.js';
import { defaultRunDir, RunDir } from '../run/run-dir.js';
import { UserError, type Io } from './io.js';
import { savedRunConfig } from './options.js';
import { progressBar } from './progress.js';

export interface ModelOptions {
  env: string;
  prior?: string;
  rollouts?: number;
  steps?: number;
  seed: number;
  out?: string;
  set: string[];
  force?: boolean;
  resume?: string;
}

/** `solar model`: train the latent model on random rollouts; metrics, R², pictures, checkpoints. */
export async function modelCommand(opts: ModelOptions, io: Io): Promise<number> {
  if (opts.prior !== undefined && opts.prior !== 'lds' && opts.prior !== 'normal') {
    throw new UserError(`unknown prior '${opts.prior}'; known priors: lds (SOLAR), normal (VAE ablation)`);
  }
  let config: ModelJobConfig, dir: RunDir;
  if (opts.resume) {
    config = savedRunConfig(RunDir.open(opts.resume), modelJobSchema, 'model');
    dir = RunDir.openForWriting(opts.resume, { onNotice: (l) => io.err(l) });
    io.out(`resuming the ${config.model.prior} model on ${config.env.name}, seed ${config.seed} in ${dir.display()}/ (rollouts are regenerated from the seed)`);
  } else {
    const defaults = modelJobDefaults({ env: opts.env, seed: opts.seed, prior: opts.prior as 'lds' | 'normal' | undefined, rollouts: opts.rollouts, steps: opts.steps });
    config = resolveConfig(modelJobSchema, { defaults, sets: opts.set });
    const out = opts.out ?? defaultRunDir({ command: 'model', env: config.env.name, method: config.model.prior, seed: config.seed });
    dir = RunDir.create(out, { force: opts.force });
  }
  if (!opts.resume) io.out(`training the ${config.model.prior === 'lds' ? 'structured latent model (LDS prior)' : 'VAE ablation (N(0, I) prior)'} on ${config.env.name}, seed ${config.seed}: ` +
    `${config.rollouts} + ${config.eval_rollouts} held-out random rollouts, ${config.steps} steps → ${dir.display()}/`);
  const data = progressBar(`rollouts ${config.env.name}`, config.rollouts + config.eval_rollouts);
  let bar: ReturnType<typeof progressBar> | null = null;
  let summary;
  try {
    summary = await (opts.resume ? resumeModelJob : runModelJob)(config, dir, {
      onRollout: () => data.tick(),
      onStep: () => {
        if (!bar) {
          data.stop();
          bar = progressBar(`model ${config.env.name}`, config.steps);
        }
        bar.tick();
      },
      onLog: (l) => {
        if (!process.stderr.isTTY) io.out(`step ${l.step}: elbo ${l.elbo.toFixed(1)}, recon ${l.recon.toFixed(1)}, kl ${l.kl.toFixed(1)} (${l.wall_s.toFixed(0)} s)`);
      },
    });
  } finally {
    data.stop();
    (bar as ReturnType<typeof progressBar> | null)?.stop();
    dir.release();
  }
  const r2 = Object.entries(summary.r2).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ');
  const change = Object.entries(summary.r2_change).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ');
  io.out(`held-out R²: ${r2 || '(no state group with variance)'}${change ? `; of the change per step: ${change}` : ''}${summary.r2_absent.length ? ` (absent: ${summary.r2_absent.join(', ')})` : ''}; one-step error ${summary.one_step_error.toFixed(3)} of the latent variance`);
  io.out(`wrote ${dir.display()}/ (config.json, metrics.jsonl, summary.json, checkpoints/, reconstructions.png, latent-map-*.svg)`);
  return 0;
}
