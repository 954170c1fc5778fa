/**
 * `solar train --method lqrflm --obs state`: LQR-FLM on the true state, writing the run
 * directory: config.json, metrics.jsonl (one flushed line per iteration), a learning curve,
 * summary.json, the final policy (refused if it holds a NaN) and GIFs of the final policy.
 */
import { trainLqrflm, type LqrflmIterationMetrics } from '../agents/lqrflm/index.js';
import { evalEpisodeSeed } from '../envs/episode-seeds.js';
import { policyMean } from '../control/index.js';
import { makeEnv } from '../envs/registry.js';
import { rollout } from '../envs/rollout.js';
import { configFingerprint, saveCheckpoint } from './checkpoint.js';
import { encodeGif } from './images.js';
import { learningCurveSvg } from './plots.js';
import type { RunDir } from './run-dir.js';
import type { TrainConfig } from '../config/train-config.js';
import { configRecord } from './version.js';
import type { ProgressLine } from './summary.js';

export interface TrainHooks {
  onIteration?(m: ProgressLine): void;
}

/** Metrics line as the run-directory contract wants it: no null/NaN fields, no empty notes. */
function metricsLine(m: LqrflmIterationMetrics): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m)) {
    if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v)) || v === '') continue;
    out[k] = v;
  }
  return out;
}

export async function runLqrflmJob(config: TrainConfig, dir: RunDir, hooks: TrainHooks = {}) {
  const { name, ...envParams } = config.env;
  dir.writeJson('config.json', configRecord(config));
  const history: LqrflmIterationMetrics[] = [];
  const result = await trainLqrflm({
    makeEnv: () => makeEnv(name, { ...envParams, render: false }),
    config: config.agent,
    seed: config.seed,
    onIteration: (m) => {
      history.push(m);
      dir.appendJsonl('metrics.jsonl', metricsLine(m));
      dir.writeFile('learning-curve.svg', learningCurveSvg(history, `lqrflm on ${name} (state), seed ${config.seed}`));
      hooks.onIteration?.(m);
    },
  });
  const p = result.policy;
  saveCheckpoint(dir.path('policy.ckpt'), { meta: { T: p.T, dx: p.dx, du: p.du, kind: 'linear-gaussian' }, arrays: { K: p.K, k: p.k, S: p.S } }, configFingerprint(config));
  dir.writeJson('summary.json', result.summary);
  if (config.output.gif_episodes > 0) {
    const env = await makeEnv(name, { ...envParams, render: true });
    try {
      const [height, width, channels] = env.spec.observation.shape;
      const { low, high } = env.spec.action;
      for (let j = 0; j < config.output.gif_episodes; j++) {
        const ep = await rollout(env, (ts, t) => policyMean(p, t, ts.state).map((u, i) => Math.min(high[i], Math.max(low[i], u))), evalEpisodeSeed(config.seed, j));
        const frames = ep.observations.map((data) => ({ data, height, width, channels }));
        dir.writeFile(`final-ep-${String(j).padStart(3, '0')}.gif`, encodeGif(frames, config.output.gif_scale, Math.round(1000 / config.output.gif_fps)));
      }
    } finally {
      env.close();
    }
  }
  return result.summary;
}
