/**
 * PPO's acting half: the Gaussian policy network with its observation pre-processing (state
 * normalisation, frame stacking, action squashing) — what training drives and what a loaded
 * policy (run/load-policy.ts) and `solar eval` act with.
 */
import * as tf from '@tensorflow/tfjs';
import type { BoxSpec, TimeStep } from '../../envs/types.js';
import type { PpoConfig } from './config.js';
import { FrameStack } from './frame-stack.js';
import type { PpoNetworks } from './networks.js';
import { RunningMeanStd } from './running-stats.js';

export type PpoObsKind = 'state' | 'pixels';

/** The policy with its observation pre-processing: what acting needs after training. */
export class PpoAgent {
  /** Running statistics of the state (null for pixels or with normalize_obs off). */
  readonly obsNorm: RunningMeanStd | null;
  readonly obsSize: number;

  constructor(
    readonly nets: PpoNetworks,
    readonly obsKind: PpoObsKind,
    readonly action: BoxSpec,
    readonly config: Pick<PpoConfig, 'normalize_obs' | 'obs_clip' | 'action_squash' | 'frame_stack'>,
  ) {
    const o = nets.observation;
    this.obsSize = o.kind === 'state' ? o.dim : o.shape[0] * o.shape[1] * o.shape[2];
    this.obsNorm = o.kind === 'state' && config.normalize_obs ? new RunningMeanStd(o.dim) : null;
  }

  /** Frames stacked per env (pixels; k = 1 passes the image through; for the state, 1). */
  frameStack(): FrameStack {
    const o = this.nets.observation;
    return o.kind === 'pixels' ? new FrameStack(this.config.frame_stack, o.shape[2] / this.config.frame_stack) : new FrameStack(1, 1);
  }

  /**
   * One time step's network input (before frame stacking): the normalised state (`update` adds
   * it to the running statistics first) or the camera image.
   */
  observe(ts: TimeStep, update: boolean): Float32Array {
    if (this.obsKind === 'pixels') {
      const frame = this.obsSize / this.config.frame_stack;
      if (ts.observation.length !== frame) {
        throw new Error(`ppo: pixel observations need the env to render (got ${ts.observation.length} values, expected ${frame}; set env.render=true)`);
      }
      return ts.observation;
    }
    if (ts.state.length !== this.obsSize) throw new Error(`ppo: state has ${ts.state.length} components, expected ${this.obsSize}`);
    if (!this.obsNorm) return Float32Array.from(ts.state);
    if (update) this.obsNorm.update(ts.state);
    return this.obsNorm.normalize(ts.state, this.config.obs_clip);
  }

  /** u = clip(a, low, high) or u = mid + half-range · tanh(a) (config.action_squash). */
  squash(a: ArrayLike<number>): Float64Array {
    const { low, high } = this.action;
    const u = new Float64Array(a.length);
    for (let i = 0; i < a.length; i++) {
      u[i] = this.config.action_squash === 'tanh'
        ? 0.5 * (high[i] + low[i]) + 0.5 * (high[i] - low[i]) * Math.tanh(a[i])
        : Math.min(high[i], Math.max(low[i], a[i]));
    }
    return u;
  }

  /** μ(s) and V(s) for a batch of network inputs (each of obsSize values). */
  forward(inputs: readonly Float32Array[]): { mean: Float32Array; value: Float32Array } {
    const B = inputs.length;
    const o = this.nets.observation;
    const flat = new Float32Array(B * this.obsSize);
    inputs.forEach((x, i) => flat.set(x, i * this.obsSize));
    const out = tf.tidy(() => {
      const x = o.kind === 'state' ? tf.tensor2d(flat, [B, o.dim]) : tf.tensor4d(flat, [B, ...o.shape]);
      const { mean, value } = this.nets.apply(x);
      return tf.concat([mean, value.expandDims(1)], 1);
    });
    const data = out.dataSync() as Float32Array;
    out.dispose();
    const du = this.nets.actionDim;
    const mean = new Float32Array(B * du), value = new Float32Array(B);
    for (let i = 0; i < B; i++) {
      mean.set(data.subarray(i * (du + 1), i * (du + 1) + du), i * du);
      value[i] = data[i * (du + 1) + du];
    }
    return { mean, value };
  }

  /** The deterministic policy u_t = squash(μ(o_t)) for one episode at a time (evaluation), with frozen observation statistics. */
  meanPolicy(): (ts: TimeStep, t: number) => Float64Array {
    const stack = this.frameStack();
    return (ts, t) => {
      const x = this.observe(ts, false);
      return this.squash(this.forward([t === 0 ? stack.reset(x) : stack.push(x)]).mean);
    };
  }

  logStd(): Float32Array {
    return Float32Array.from(this.nets.logStd.dataSync() as Float32Array);
  }

  dispose(): void {
    this.nets.dispose();
  }
}

