/**
 * Running a linear-Gaussian policy on the true state of an env. Actions are clipped to the
 * env's bounds before stepping (the env would clip them anyway), and the *clipped* action is
 * recorded, so the fitted dynamics describe what was executed.
 */
import { rollout } from '../../envs/rollout.js';
import type { Env, TimeStep } from '../../envs/types.js';
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
  const act = (ts: TimeStep, t: number): Float64Array => {
    const u = rng ? sampleAction(policy, t, ts.state, rng) : policyMean(policy, t, ts.state);
    for (let i = 0; i < dim; i++) u[i] = Math.min(high[i], Math.max(low[i], u[i]));
    return u;
  };
  return rollout(env, act, seed, { keepObservations: false });
}

