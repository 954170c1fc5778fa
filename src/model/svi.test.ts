import { beforeAll, describe, expect, it } from 'vitest';
import { allocTransitionStats } from '../gaussian/index.js';
import { initBackend } from '../nn/backend.js';
import { Rng } from '../random/rng.js';
import { expectedDynamics } from './inference.js';
import { tinyModel } from './test-helpers.js';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('SVI of q(θ) through the model', () => {
  it('recovers a known linear system from exactly observed latents (potentials with tiny s)', () => {
    // x_{t+1} = A x_t + B u_t + w, w ~ N(0, Q): shared dynamics, N sequences of T frames.
    const ds = 2, da = 1, T = 20, N = 100;
    const A = [0.9, 0.2, -0.1, 0.8], Bm = [0.5, -0.3], Q = [0.04, 0.01, 0.01, 0.02];
    const cq = [Math.sqrt(Q[0]), 0, 0, 0];
    cq[2] = Q[2] / cq[0];
    cq[3] = Math.sqrt(Q[3] - cq[2] ** 2);
    const model = tinyModel({ dynamics: 'shared', noise_floor: 0, latent_dim: ds }, 1, T);
    const post = model.posterior!;
    const rng = new Rng(11);
    const m = new Float64Array(N * T * ds), u = new Float64Array(N * T * da);
    for (let n = 0; n < N; n++) {
      let x = [rng.normal(), rng.normal()];
      for (let t = 0; t < T; t++) {
        m.set(x, (n * T + t) * ds);
        const ut = rng.normal();
        u[(n * T + t) * da] = ut;
        const w0 = rng.normal(), w1 = rng.normal();
        x = [A[0] * x[0] + A[1] * x[1] + Bm[0] * ut + cq[0] * w0, A[2] * x[0] + A[3] * x[1] + Bm[1] * ut + cq[2] * w0 + cq[3] * w1];
      }
    }
    const s = new Float64Array(m.length).fill(1e-3);
    // A few rounds: smooth under the current q(θ), full-batch SVI step with ρ = 1 (the conjugate posterior).
    for (let round = 0; round < 3; round++) {
      const stats = allocTransitionStats(ds, da, 1);
      model.op!.batch.forward(m, s, u, model.dynamicsExpectations());
      model.op!.batch.accumulateStats(u, stats);
      post.sviStep(stats, 1, 1);
      model.invalidateDynamics();
    }
    const d = expectedDynamics(model);
    for (let i = 0; i < 4; i++) expect(Math.abs(d.A[0][i] - A[i])).toBeLessThan(0.05);
    for (let i = 0; i < 2; i++) expect(Math.abs(d.B[0][i] - Bm[i])).toBeLessThan(0.05);
    for (let i = 0; i < 4; i++) expect(Math.abs(d.Sigma[0][i] - Q[i])).toBeLessThan(0.2 * Q[0]);
    model.dispose();
  });
});
