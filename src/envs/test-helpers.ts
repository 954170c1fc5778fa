/** Helpers shared by the env tests (not part of the library API). */
import { Rng } from '../random/rng.js';
import { channelCentroid } from '../render/canvas.js';
import type { Env, TimeStep } from './types.js';

/** Intensity centroid of one channel of an observation, in pixel coordinates (col, row). */
export function centroid(ts: TimeStep, env: Env, channel: number): [number, number] {
  const [H, , C] = env.spec.observation.shape;
  const [x, y] = channelCentroid(ts.observation, H, C, channel);
  return [x, y];
}

/** Projects a world point into the pixel coordinates of a square view. */
export function projector(size: number, center: readonly [number, number], halfExtent: number) {
  const s = size / (2 * halfExtent);
  return (x: number, y: number): [number, number] => [(x - center[0] + halfExtent) * s, (center[1] + halfExtent - y) * s];
}

/** Runs a whole episode with a fixed action sequence, returning every time step. */
export async function runEpisode(env: Env, seed: number, actions: (t: number) => number[]): Promise<TimeStep[]> {
  const out = [await env.reset(seed)];
  for (let t = 0; t < env.spec.horizon; t++) out.push(await env.step(actions(t)));
  return out;
}

/** True when two episodes are bit-identical (observations compared as raw bytes, fast). */
export function sameEpisode(a: TimeStep[], b: TimeStep[]): boolean {
  if (a.length !== b.length) return false;
  const bytes = (x: Float32Array | Float64Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
  return a.every((ta, i) => {
    const tb = b[i];
    return bytes(ta.observation).equals(bytes(tb.observation)) && bytes(ta.state).equals(bytes(tb.state)) && Object.is(ta.cost, tb.cost) && ta.done === tb.done && ta.info.distance === tb.info.distance && ta.info.success === tb.info.success;
  });
}

/** `steps` steps of seeded random actions N(0, 0.5²) on a 2-action `env`, resetting at each episode's end (seeds seed, seed+1, …). */
export async function driveRandom(env: Env, seed: number, steps: number): Promise<TimeStep[]> {
  const rng = new Rng(seed);
  let episode = seed;
  const out = [await env.reset(episode)];
  for (let k = 0; k < steps; k++) {
    if (out[out.length - 1].done) out.push(await env.reset(++episode));
    out.push(await env.step([rng.normal() * 0.5, rng.normal() * 0.5]));
  }
  return out;
}
