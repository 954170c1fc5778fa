/**
 * Environment steps per second, with and without rendering, for each task at its default
 * image size (one core: the env loop is single-threaded). Random actions, whole episodes.
 */
import { makeEnv } from '../src/envs/registry.js';
import type { Env } from '../src/envs/types.js';
import { Rng } from '../src/random/rng.js';
import type { BenchResult } from './types.js';

function stepsPerSecond(env: Env, minSeconds: number): number {
  const rng = new Rng(0);
  const u = new Float64Array(env.spec.action.dim);
  let steps = 0, seed = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minSeconds * 1000) {
    env.reset(seed++);
    for (let t = 0; t < env.spec.horizon; t++) {
      for (let i = 0; i < u.length; i++) u[i] = 0.5 * rng.normal();
      env.step(u);
    }
    steps += env.spec.horizon;
    elapsed = performance.now() - start;
  }
  return (steps / elapsed) * 1000;
}

export async function run(minSeconds = 1.5): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  for (const name of ['nav2d', 'car', 'reacher', 'push', 'stack-easy', 'stack-mid', 'stack-lift']) {
    for (const render of [true, false]) {
      const env = await makeEnv(name, { render });
      stepsPerSecond(env, 0.2); // warm-up (JIT)
      const [H, W, C] = env.spec.observation.shape;
      out.push({ name: `${name} ${render ? `rendered ${H}×${W}×${C}` : 'no rendering'}`, value: stepsPerSecond(env, minSeconds), unit: 'steps/s' });
      env.close();
    }
  }
  return out;
}
