/**
 * The whole SOLAR loop from pixels at test scale (Brax-style: train on a tiny task, assert
 * it improved): nav2d at 16×16 with a fixed goal, the conv model pretrained for 600 steps on
 * 40 random rollouts, then 5 iterations of 10 rollouts — about a minute on one core. What is
 * asserted is that the loop lowers the task's cost, not that it solves the task (the full
 * nav2d run takes 20 minutes, README).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/resolve-config.js';
import { RunDir } from './run-dir.js';
import { runSolarJob } from './solar-job.js';
import { trainConfigSchema, trainDefaults } from '../config/train-config.js';

describe('SOLAR from pixels, quick preset at test scale', () => {
  it('lowers the mean cost of its rollouts below the random policy\'s', { timeout: 600_000 }, async () => {
    const config = resolveConfig(trainConfigSchema, {
      defaults: trainDefaults({ env: 'nav2d', method: 'solar', obs: 'pixels', preset: 'quick', seed: 0 }),
      sets: [
        'env.image_size=16', 'env.target=0.5,0.5', 'model.network=conv', 'model.hidden=256',
        'model.kl_warmup_steps=300', 'model.dynamics_start_step=300', 'pretrain.rollouts=40', 'pretrain.steps=600', 'pretrain.eval_rollouts=0',
        'agent.iterations=8', 'agent.rollouts=10', 'agent.cost_convex=true', 'agent.eval_episodes=2', 'output.gif_episodes=0',
      ],
    });
    const dir = RunDir.create(join(mkdtempSync(join(tmpdir(), 'solar-smoke-')), 'run'));
    await runSolarJob(config, dir);
    const costs = readFileSync(dir.path('metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).mean_cost as number);
    expect(costs).toHaveLength(8);
    // Iteration 0 runs the initial random policy (K = 0, k = 0, S = 0.5²·I). Measured over seeds
    // 0, 1, 2, 4 (this config, the SIMD kernels): the last iteration at 0.55, 0.04, 0.31, 0.13 of
    // the first, the best from iteration 2 at 0.44, 0.04, 0.31, 0.13. After 5 iterations seed 0
    // was still at 0.80 (seeds 1–4: 0.06–0.60): too few for one seed to carry the test.
    expect(costs[7]).toBeLessThan(0.75 * costs[0]);
    expect(Math.min(...costs.slice(2))).toBeLessThan(0.6 * costs[0]);
  });
});
