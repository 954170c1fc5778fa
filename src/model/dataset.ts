/**
 * Sequences for the model: an episode's T + 1 images o_0..o_T with its actions u_0..u_{T−1}
 * (padded with a zero u_T that no transition uses), costs c_0..c_{T−1} (c_t belongs to x_t)
 * and, for evaluation only, the true states. Also the encoder's frame-stacked input.
 */
import type { Episode } from '../envs/rollout.js';

export type ImageShape = [height: number, width: number, channels: number];

export interface Sequence {
  /** L·H·W·C, frame t at t·H·W·C. */
  readonly images: Float32Array;
  /** L·da (the last action is padding). */
  readonly actions: Float64Array;
  /** L costs, what the cost head models: c_t, or its state part (see `sequencesFromEpisodes`); the last is padding, masked out. */
  readonly costs: Float64Array;
  /** L·stateDim true states, or empty. */
  readonly states: Float64Array;
}

export interface SequenceSet {
  /** Frames per sequence (T + 1). */
  readonly length: number;
  readonly imageShape: ImageShape;
  readonly actionDim: number;
  readonly stateDim: number;
  readonly sequences: Sequence[];
}

/** Checks one image has H·W·C finite values in [0, 1] (what the Bernoulli decoder models). */
export function checkImage(img: ArrayLike<number>, shape: ImageShape, what: string): void {
  const n = shape[0] * shape[1] * shape[2];
  if (img.length !== n) throw new Error(`${what} has ${img.length} values; the model expects ${shape.join('×')} = ${n}`);
  for (let i = 0; i < n; i++) {
    if (!(img[i] >= 0 && img[i] <= 1)) throw new Error(`${what} has value ${img[i]} at ${i}; images must be in [0, 1]`);
  }
}

/** Maps an observed (c_t, u_t) to the cost the cost head is to model. */
export type StateCostFn = (cost: number, u: ArrayLike<number>) => number;

/**
 * One sequence from an episode's L frames, its actions u_0..u_{L−2} (`action(t)`), costs
 * c_0..c_{L−2} and states; `what` names the episode in errors.
 */
export function toSequence(
  ep: { frames: readonly Float32Array[]; action: (t: number) => ArrayLike<number>; costs: ArrayLike<number>; states: readonly ArrayLike<number>[] },
  imageShape: ImageShape, actionDim: number, stateCost: StateCostFn | undefined, what: string,
): Sequence {
  const L = ep.frames.length;
  const hwc = imageShape[0] * imageShape[1] * imageShape[2];
  const images = new Float32Array(L * hwc);
  ep.frames.forEach((o, t) => {
    checkImage(o, imageShape, `${what} frame ${t}`);
    images.set(o, t * hwc);
  });
  const actions = new Float64Array(L * actionDim);
  const costs = new Float64Array(L);
  for (let t = 0; t < L - 1; t++) {
    const u = ep.action(t);
    for (let i = 0; i < actionDim; i++) actions[t * actionDim + i] = u[i];
    costs[t] = stateCost ? stateCost(ep.costs[t], u) : ep.costs[t];
  }
  const stateDim = ep.states[0]?.length ?? 0;
  const states = new Float64Array(ep.states.length * stateDim);
  ep.states.forEach((s, t) => states.set(s, t * stateDim));
  return { images, actions, costs, states };
}

/** `stateCost` maps each observed (c_t, u_t) to the cost the cost head is to model (default: c_t itself). */
export function sequencesFromEpisodes(episodes: readonly Episode[], imageShape: ImageShape, actionDim: number, stateCost?: StateCostFn): SequenceSet {
  if (episodes.length === 0) throw new Error('model data: no episodes');
  const L = episodes[0].observations.length;
  const stateDim = episodes[0].states[0]?.length ?? 0;
  const sequences = episodes.map((ep, e) => {
    if (ep.observations.length !== L) throw new Error(`model data: episode ${e} has ${ep.observations.length} frames, expected ${L} like the first`);
    return toSequence({ frames: ep.observations, action: (t) => ep.actions[t], costs: ep.costs, states: ep.states }, imageShape, actionDim, stateCost, `episode ${e}`);
  });
  return { length: L, imageShape, actionDim, stateDim, sequences };
}

/**
 * Encoder input for sequences [B·L, H, W, C·k]: frame t's channels are those of
 * o_{t−k+1}, …, o_t in that order (frames before o_0 repeat o_0).
 */
export function stackFrames(images: readonly Float32Array[], L: number, shape: ImageShape, k: number): Float32Array {
  const [H, W, C] = shape;
  const hw = H * W;
  const hwc = hw * C;
  const out = new Float32Array(images.length * L * hw * C * k);
  if (k === 1) {
    images.forEach((im, b) => out.set(im, b * L * hwc));
    return out;
  }
  const Ck = C * k;
  let o = 0;
  for (const im of images) {
    for (let t = 0; t < L; t++) {
      for (let p = 0; p < hw; p++) {
        for (let j = 0; j < k; j++) {
          const src = Math.max(0, t - k + 1 + j) * hwc + p * C;
          for (let c = 0; c < C; c++) out[o + p * Ck + j * C + c] = im[src + c];
        }
      }
      o += hw * Ck;
    }
  }
  return out;
}
