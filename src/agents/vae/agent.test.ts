import { describe, expect, it } from 'vitest';
import { expectKeepBest, expectSparseResumeWithMemory } from '../core/test-helpers.js';
import { makeEnv } from '../../envs/registry.js';
import { OracleModel, stateAsImage } from '../core/oracle-model.js';
import { VaeAgent } from './agent.js';
import { vaeAgentConfig } from './config.js';
import { encodeEpisodes } from '../core/encoder.js';
import { collectRandomRollouts } from '../../envs/rollout.js';

/** The VAE agent with a perfect encoder (means = the true state) is LQR-FLM on the state with a fitted cost. */
async function setup(name: string, overrides: Record<string, unknown> = {}, envParams: Record<string, unknown> = {}, pretrain = 0) {
  const env = stateAsImage(await makeEnv(name, { render: false, ...envParams }));
  const encoder = new OracleModel(env.spec.stateDim, env.spec.action.dim, env.spec.horizon);
  const config = vaeAgentConfig.parse({ iterations: 4, rollouts: 20, eval_episodes: 5, ...overrides });
  const data = pretrain > 0 ? await encodeEpisodes(env, encoder, await collectRandomRollouts(env, 3, 'train', pretrain, 0.5)) : null;
  return { env, encoder, agent: new VaeAgent(env, encoder, config, 3, pretrain * env.spec.horizon, data) };
}

describe('VAE ablation agent (oracle encoder)', () => {
  it('solves nav2d (GMM prior over all transitions, fitted cost; against LQR-FLM on the true state: run/method-agreement.test.ts)', async () => {
    const { agent } = await setup('nav2d', {}, {}, 10);
    const ms = [];
    for (let i = 0; i < 4; i++) ms.push(await agent.iterate());
    expect(ms.map((m) => m.env_steps)).toEqual([1500, 2500, 3500, 4500]);
    // The prior sees the 10 pretraining rollouts and every iteration's 20.
    expect(ms.map((m) => m.prior_transitions)).toEqual([1500, 2500, 3500, 4500]);
    expect(ms[3].prior_clusters).toBe(20);
    // Every step stays within its KL bound (it may fall short of it once the optimum is near).
    for (const m of ms) expect(m.kl).toBeLessThan(1.1 * m.kl_bound + 1e-9);
    expect(ms[3].mean_cost).toBeLessThan(0.2 * ms[0].mean_cost);
    const evals = await agent.evaluate(5);
    const d = evals.reduce((a, e) => a + e.finalDistance, 0) / evals.length;
    expect(d).toBeLessThan(0.1);
  });

  it('with the Gaussian prior too, and on the sparse task from the success signal alone', async () => {
    const g = await setup('nav2d', { dynamics_prior: 'gaussian', iterations: 3 });
    const first = await g.agent.iterate();
    await g.agent.iterate();
    const third = await g.agent.iterate();
    expect(third.prior_clusters).toBe(1);
    expect(third.mean_cost).toBeLessThan(0.3 * first.mean_cost);

    const s = await setup('nav2d-sparse', { iterations: 6, rollouts: 30 }, { success_distance: 0.5 });
    const s0 = await s.agent.iterate();
    for (let i = 0; i < 5; i++) await s.agent.iterate();
    const evals = await s.agent.evaluate(10);
    expect(s0.success_labels).toBeGreaterThan(0);
    expect(evals.filter((e) => e.success).length / evals.length).toBeGreaterThan(s0.success_rate + 0.3);
  });

  it('resumes from getState/setState exactly as if never interrupted, and rejects another shape', async () => {
    const a = await setup('nav2d', { rollouts: 8 }, {}, 4);
    await a.agent.iterate();
    const state = a.agent.getState();
    const straight = await a.agent.iterate();
    const b = await setup('nav2d', { rollouts: 8 }, {}, 0);
    b.agent.setState(structuredClone(state));
    const resumed = await b.agent.iterate();
    const noClock = (m: object) => Object.fromEntries(Object.entries(m).filter(([k]) => !k.endsWith('_s')));
    expect(noClock(resumed)).toEqual(noClock(straight));
    const c = await setup('car', { rollouts: 2 });
    expect(() => c.agent.setState(state)).toThrow(/agent state is for T=50, ds=4, da=2; this run has T=100, ds=5, da=2/);
  });

  it('agent.keep_best evaluates the policy whose rollouts ended best, and resumes it exactly', async () => {
    await expectKeepBest((name, overrides) => setup(name, overrides));
  });

  it('resumes a sparse run with its remembered success labels (agent.success_memory)', async () => {
    await expectSparseResumeWithMemory(setup);
  });
});
