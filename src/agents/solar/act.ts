/**
 * Acting in latent space (docs/method.md, 'Acting on filtered latents'): at each step the image is encoded to a potential,
 * a Kalman filter under the current dynamics estimate absorbs it, and the time-varying
 * linear-Gaussian policy acts on the *filtered* mean x̂_t (the future is not seen yet):
 *   u_t = K_t x̂_t + k_t + chol(S_t) ε,  clipped to the task's action bounds.
 */
import { policyMean, sampleAction, type LinearGaussianPolicy } from '../../control/index.js';
import type { Env } from '../../envs/types.js';
import { GaussianFilter, type DynamicsExpectations } from '../../gaussian/index.js';
import type { Rng } from '../../random/rng.js';
import type { LatentModel } from '../core/latent-model.js';

export interface LatentEpisode {
  readonly seed: number;
  readonly frames: Float32Array[];
  readonly states: Float64Array[];
  /** Executed (clipped) actions, T·da. */
  readonly actions: Float64Array;
  readonly costs: Float64Array;
  /** Filtered means the policy acted on, T·ds. */
  readonly filtered: Float64Array;
  readonly totalCost: number;
  readonly finalDistance: number;
  readonly success: boolean;
}

export async function actEpisode(
  env: Env, model: LatentModel, policy: LinearGaussianPolicy, dynamics: DynamicsExpectations, seed: number, rng: Rng | null,
): Promise<LatentEpisode> {
  const { ds, da } = model;
  const T = env.spec.horizon;
  if (policy.T !== T || policy.dx !== ds || policy.du !== da) {
    throw new Error(`solar: policy (T=${policy.T}, dx=${policy.dx}, du=${policy.du}) does not fit the task (T=${T}) and model (ds=${ds}, da=${da})`);
  }
  if (dynamics.da !== da) throw new Error(`solar: filter dynamics have ${dynamics.da} inputs, the task ${da} actions`);
  const input = new Float64Array(da);
  const { low, high } = env.spec.action;
  const filter = new GaussianFilter(ds, dynamics.da, model.initialState());
  let ts = await env.reset(seed);
  const frames = [ts.observation];
  const states = [ts.state];
  const actions = new Float64Array(T * da);
  const costs = new Float64Array(T);
  const filtered = new Float64Array(T * ds);
  let total = 0;
  for (let t = 0; t < T; t++) {
    // Only the frames the encoder looks at for o_t: O(T) encodings per episode, not O(T²).
    const window = frames.slice(Math.max(0, t + 1 - model.frameStack));
    const pot = await model.encode(window);
    const last = window.length - 1;
    const m = pot.m.subarray(last * ds, (last + 1) * ds), s = pot.s.subarray(last * ds, (last + 1) * ds);
    if (t === 0) filter.step(m, s);
    else {
      input.set(actions.subarray((t - 1) * da, t * da));
      filter.step(m, s, input, dynamics);
    }
    filtered.set(filter.mean, t * ds);
    const u = rng ? sampleAction(policy, t, filter.mean, rng) : policyMean(policy, t, filter.mean);
    for (let i = 0; i < da; i++) u[i] = Math.min(high[i], Math.max(low[i], u[i]));
    actions.set(u, t * da);
    ts = await env.step(u);
    frames.push(ts.observation);
    states.push(ts.state);
    costs[t] = ts.cost;
    total += ts.cost;
  }
  return { seed, frames, states, actions, costs, filtered, totalCost: total, finalDistance: ts.info.distance, success: ts.info.success };
}
