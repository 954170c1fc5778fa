/**
 * Methods that should agree where their assumptions meet: the VAE ablation given a perfect
 * encoder (its "latent" is the true state) is LQR-FLM on the state with a fitted cost, so on
 * nav2d it should end about as near the goal as the state LQR-FLM trainer with the same budget.
 * (Here, above the agents, because it runs two of them.)
 */
import { expect, it } from 'vitest';
import { OracleModel, stateAsImage } from '../agents/core/oracle-model.js';
import { encodeEpisodes } from '../agents/core/encoder.js';
import { trainLqrflm } from '../agents/lqrflm/index.js';
import { VaeAgent } from '../agents/vae/agent.js';
import { vaeAgentConfig } from '../agents/vae/config.js';
import { makeEnv } from '../envs/registry.js';
import { collectRandomRollouts } from '../envs/rollout.js';

it('the VAE ablation with a perfect encoder ends as near the goal as LQR-FLM on the true state (nav2d, same budget)', async () => {
  const env = stateAsImage(await makeEnv('nav2d', { render: false }));
  const encoder = new OracleModel(env.spec.stateDim, env.spec.action.dim, env.spec.horizon);
  const config = vaeAgentConfig.parse({ iterations: 4, rollouts: 20, eval_episodes: 5 });
  const data = await encodeEpisodes(env, encoder, await collectRandomRollouts(env, 3, 'train', 10, 0.5));
  const agent = new VaeAgent(env, encoder, config, 3, 10 * env.spec.horizon, data);
  for (let i = 0; i < 4; i++) await agent.iterate();
  const evals = await agent.evaluate(5);
  const d = evals.reduce((a, e) => a + e.finalDistance, 0) / evals.length;
  const ref = await trainLqrflm({ makeEnv: () => makeEnv('nav2d', { render: false }), config: { iterations: 4, rollouts: 20, eval_episodes: 5, cost: 'fitted' }, seed: 3 });
  expect(d).toBeLessThan(Math.max(0.05, 3 * ref.summary.mean_final_distance));
  env.close();
});
