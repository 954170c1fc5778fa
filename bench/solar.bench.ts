/**
 * Wall time of one SOLAR iteration, split into its parts (docs/method.md, 'The improvement loop'): rollouts (per-step
 * encoding, online filtering and the env), encoding whole episodes for smoothing, the latent
 * EM, the cost fit and the LQR-FLM step. The model is pretrained only briefly: the split, not
 * the policy, is measured. Default settings of each task (conv networks, wasm backend).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SolarIterationMetrics } from '../src/agents/solar/agent.js';
import { resolveConfig } from '../src/config/resolve-config.js';
import { RunDir } from '../src/run/run-dir.js';
import { runSolarJob } from '../src/run/solar-job.js';
import { trainConfigSchema, trainDefaults } from '../src/config/train-config.js';
import type { BenchResult } from './types.js';

/** Refinement steps per iteration where the task's default has none (so the split shows their cost). */
const REFINE_IF_NONE = 20;

async function split(env: string, rollouts: number): Promise<BenchResult[]> {
  const root = mkdtempSync(join(tmpdir(), 'solar-bench-'));
  const defaults = trainDefaults({ env, method: 'solar', obs: 'pixels', preset: 'default', seed: 0 });
  const refine = (defaults.agent as { refine_steps?: number }).refine_steps || REFINE_IF_NONE;
  const config = resolveConfig(trainConfigSchema, {
    defaults,
    sets: ['pretrain.rollouts=8', 'pretrain.steps=20', 'pretrain.log_every=20', 'agent.iterations=2', `agent.rollouts=${rollouts}`, `agent.refine_steps=${refine}`, 'agent.eval_episodes=1', 'output.gif_episodes=0'],
  });
  const ms: SolarIterationMetrics[] = [];
  try {
    await runSolarJob(config, RunDir.create(join(root, 'run')), { onIteration: (m) => ms.push(m) });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const m = ms[ms.length - 1]; // the second iteration: no first-call warm-up
  const total = m.rollouts_s + m.refine_s + m.encode_s + m.em_s + m.cost_s + m.lqr_s;
  const label = `${env} (${rollouts} rollouts, ${refine} refinement steps)`;
  return [
    { name: `${label} iteration`, value: total, unit: 's' },
    { name: `${label} rollouts (encode+filter+env)`, value: m.rollouts_s, unit: 's' },
    { name: `${label} model refinement`, value: m.refine_s, unit: 's' },
    { name: `${label} encode episodes`, value: m.encode_s, unit: 's' },
    { name: `${label} latent EM`, value: m.em_s, unit: 's' },
    { name: `${label} cost fit`, value: m.cost_s, unit: 's' },
    { name: `${label} LQR-FLM`, value: m.lqr_s, unit: 's' },
    { name: `${label} EM+cost+LQR share`, value: (100 * (m.em_s + m.cost_s + m.lqr_s)) / total, unit: '%' },
  ];
}

export async function run(): Promise<BenchResult[]> {
  return [...(await split('nav2d', 20)), ...(await split('reacher', 40))];
}
