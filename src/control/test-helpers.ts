/** Random linear-Gaussian problems for the control tests (test support only). */
import { Rng } from '../random/rng.js';
import type { LinearDynamics, QuadraticCost } from './types.js';
import { zeroCost } from './cost.js';

export function randomDynamics(rng: Rng, T: number, dx: number, du: number, noise = 0.01): LinearDynamics {
  const dz = dx + du;
  const F = new Float64Array(T * dx * dz);
  const f = new Float64Array(T * dx);
  const W = new Float64Array(T * dx * dx);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < dx; i++) {
      for (let j = 0; j < dz; j++) F[(t * dx + i) * dz + j] = (i === j ? 1 : 0) + 0.2 * rng.normal();
      f[t * dx + i] = 0.1 * rng.normal();
      W[t * dx * dx + i * dx + i] = noise;
    }
  }
  const mu0 = new Float64Array(dx).map(() => rng.normal());
  const Sigma0 = new Float64Array(dx * dx);
  for (let i = 0; i < dx; i++) Sigma0[i * dx + i] = 0.1;
  return { T, dx, du, F, f, W, mu0, Sigma0 };
}

/** A random strictly convex time-varying quadratic cost (C_t = G Gᵀ + 0.1 I). */
export function randomConvexCost(rng: Rng, T: number, dx: number, du: number): QuadraticCost {
  const cost = zeroCost(T, dx, du);
  const dz = dx + du;
  for (let t = 0; t <= T; t++) {
    const n = t < T ? dz : dx;
    const G = new Float64Array(n * n).map(() => 0.5 * rng.normal());
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = i === j ? 0.1 : 0;
        for (let l = 0; l < n; l++) s += G[i * n + l] * G[j * n + l];
        cost.C[t * dz * dz + i * dz + j] = s;
      }
      cost.c[t * dz + i] = rng.normal();
    }
    cost.c0[t] = rng.normal();
  }
  return cost;
}
