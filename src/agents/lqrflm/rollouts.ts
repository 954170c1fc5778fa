/**
 * Running a linear-Gaussian policy on the true state of an env. Actions are clipped to the
 * env's bounds before stepping (the env would clip them anyway), and the *clipped* action is
 * recorded, so the fitted dynamics describe what was executed.
 */
import type { Env } from '../../envs/types.js';
export { episodeStats, type EpisodeStats } from '../../envs/rollout.js';
import type { Rng } from '../../random/rng.js';
import { policyMean, sampleAction, type LinearGaussianPolicy, type Rollout } from '../../control/index.js';

export interface EpisodeResult extends Rollout {
  readonly totalCost: number;
  readonly finalDistance: number;
  readonly success: boolean;
}

/** One episode from `env.reset(seed)`; `rng` draws the exploration noise (null: mean actions). */
export async function runEpisode(env: Env, policy: LinearGaussianPolicy, seed: number, rng: Rng | null): Promise<EpisodeResult> {
  const { low, high, dim } = env.spec.action;
  if (policy.T !== env.spec.horizon || policy.dx !== env.spec.stateDim || policy.du !== dim) {
    throw new Error(
      `lqrflm: policy (T=${policy.T}, dx=${policy.dx}, du=${policy.du}) does not fit env '${env.spec.name}' ` +
        `(T=${env.spec.horizon}, state ${env.spec.stateDim}, action ${dim})`,
    );
  }
  let ts = await env.reset(seed);
  const states: Float64Array[] = [Float64Array.from(ts.state)];
  const actions: Float64Array[] = [];
  const costs: number[] = [];
  let total = 0;
  for (let t = 0; t < policy.T; t++) {
    const u = rng ? sampleAction(policy, t, ts.state, rng) : policyMean(policy, t, ts.state);
    for (let i = 0; i < dim; i++) u[i] = Math.min(high[i], Math.max(low[i], u[i]));
    ts = await env.step(u);
    actions.push(u);
    states.push(Float64Array.from(ts.state));
    costs.push(ts.cost);
    total += ts.cost;
  }
  return { states, actions, costs, totalCost: total, finalDistance: ts.info.distance, success: ts.info.success };
}

