import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeEnv } from '../../envs/registry.js';
import { choleskyOrThrow, choleskySolve } from '../../linalg/index.js';
import { initBackend } from '../../nn/backend.js';
import { Rng } from '../../random/rng.js';
import { collectRandomRollouts } from '../../envs/rollout.js';
import { OracleModel, stateAsImage } from '../core/oracle-model.js';
import { encodeEpisodes } from '../core/encoder.js';
import { MpcAgent } from './agent.js';
import { cemPlan } from '../../control/cem.js';
import { mpcAgentConfig } from './config.js';
import { ForwardModel } from './forward-model.js';
import { latentSequenceCost } from './planner.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** x' = A x + B u as batched tfjs dynamics. */
function linearDynamics(A: number[][], B: number[][]) {
  const ds = A.length, da = B[0].length;
  return {
    ds, da,
    predictMean: (x: tf.Tensor2D, u: tf.Tensor2D) => x.matMul(tf.tensor2d(A).transpose()).add(u.matMul(tf.tensor2d(B).transpose())) as tf.Tensor2D,
  };
}

/**
 * The exact minimiser of J(U) = Σ_{h<H} ½x_{h+1}ᵀQx_{h+1} + w‖u_h‖² under x_{h+1} = A x_h + B u_h:
 * with X = Φx₀ + ΓU stacked, U* = −(ΓᵀQ̄Γ + 2wI)⁻¹ ΓᵀQ̄Φx₀ (Q̄ = blockdiag(Q)).
 */
function analyticPlan(A: number[][], B: number[][], Q: number[][], w: number, x0: number[], H: number): Float64Array {
  const ds = A.length, da = B[0].length, n = H * da;
  const mat = (r: number, c: number) => Array.from({ length: r }, () => new Array<number>(c).fill(0));
  const mul = (P: number[][], R: number[][]) => P.map((row) => R[0].map((_, j) => row.reduce((s, v, k) => s + v * R[k][j], 0)));
  const powers: number[][][] = [mat(ds, ds).map((r, i) => r.map((_, j) => (i === j ? 1 : 0)))];
  for (let h = 1; h <= H; h++) powers.push(mul(A, powers[h - 1]));
  // Γ[(h, i), (k, a)] = (A^{h−k} B)[i][a] for k ≤ h (x index h means x_{h+1}).
  const G = mat(H * ds, n), phi = new Array<number>(H * ds).fill(0);
  for (let h = 0; h < H; h++) {
    const ax0 = mul(powers[h + 1], x0.map((v) => [v]));
    for (let i = 0; i < ds; i++) phi[h * ds + i] = ax0[i][0];
    for (let k = 0; k <= h; k++) {
      const AB = mul(powers[h - k], B);
      for (let i = 0; i < ds; i++) for (let a = 0; a < da; a++) G[h * ds + i][k * da + a] = AB[i][a];
    }
  }
  const QG = mat(H * ds, n), Qphi = new Array<number>(H * ds).fill(0);
  for (let h = 0; h < H; h++) {
    for (let i = 0; i < ds; i++) {
      for (let j = 0; j < ds; j++) {
        Qphi[h * ds + i] += Q[i][j] * phi[h * ds + j];
        for (let c = 0; c < n; c++) QG[h * ds + i][c] += Q[i][j] * G[h * ds + j][c];
      }
    }
  }
  const M = new Float64Array(n * n), b = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) for (let k = 0; k < H * ds; k++) M[r * n + c] += G[k][r] * QG[k][c];
    M[r * n + r] += 2 * w;
    for (let k = 0; k < H * ds; k++) b[r] -= G[k][r] * Qphi[k];
  }
  return choleskySolve(choleskyOrThrow(M, n, 'analytic plan'), n, b, 1);
}

describe('CEM planner', () => {
  it('finds the exact minimiser of a quadratic cost under known linear dynamics (batched tfjs rollouts)', async () => {
    const A = [[1, 0.2], [0, 0.9]], B = [[0], [0.5]], Q = [[2, 0.3], [0.3, 1]];
    const w = 0.05, x0 = [1.5, -1], H = 6;
    const q = { Cx: Float64Array.from(Q.flat()), cx: new Float64Array(2), c0: 0 };
    let calls = 0;
    const cost = latentSequenceCost(linearDynamics(A, B), q, w, x0);
    const counted = (U: Float32Array, S: number, h: number) => (calls++, cost(U, S, h));
    const opts = { samples: 1000, elites: 50, iterations: 25, initStd: 1, minStd: 1e-4, low: [-10], high: [10] };
    const r = await cemPlan(counted, H, 1, null, opts, new Rng(1));
    const exact = analyticPlan(A, B, Q, w, x0, H);
    expect(calls).toBe(25); // one batched evaluation of all samples per CEM iteration
    for (let h = 0; h < H; h++) expect(r.plan[h]).toBeCloseTo(exact[h], 2);
    // The planner's cost of the exact plan is the analytic optimum, and CEM's best is no better.
    const optimum = cost(Float32Array.from(exact), 1, H)[0];
    expect(r.bestCost).toBeGreaterThanOrEqual(optimum - 1e-4);
    expect(r.bestCost).toBeLessThan(optimum + 1e-3);
  });

  it('scores sequences as a direct evaluation of Σ ℓ(x_{h+1}) + w‖u‖² does, and keeps actions within bounds', async () => {
    const A = [[0.9, 0.1], [-0.1, 1]], B = [[1, 0], [0.3, 0.5]];
    const q = { Cx: Float64Array.from([1, 0.2, 0.2, 0.5]), cx: Float64Array.from([0.1, -0.3]), c0: 0.7 };
    const U = Float32Array.from([0.3, -0.2, 1, 0.5, -0.4, 0.1, 0, 0.2]); // S = 2, H = 2, da = 2
    const got = latentSequenceCost(linearDynamics(A, B), q, 0.1, [0.5, -1])(U, 2, 2);
    for (let s = 0; s < 2; s++) {
      let x = [0.5, -1], J = 0;
      for (let h = 0; h < 2; h++) {
        const u = [U[(s * 2 + h) * 2], U[(s * 2 + h) * 2 + 1]];
        x = [0, 1].map((i) => A[i][0] * x[0] + A[i][1] * x[1] + B[i][0] * u[0] + B[i][1] * u[1]);
        J += 0.5 * (x[0] * (x[0] + 0.2 * x[1]) + x[1] * (0.2 * x[0] + 0.5 * x[1])) + 0.1 * x[0] - 0.3 * x[1] + 0.7 + 0.1 * (u[0] ** 2 + u[1] ** 2);
      }
      expect(got[s]).toBeCloseTo(J, 4);
    }
    let seen = 0;
    await cemPlan((V, S) => {
      for (const v of V) expect(Math.abs(v)).toBeLessThanOrEqual(0.5);
      seen += S;
      return Float64Array.from({ length: S }, (_, s) => -V[s * 3]);
    }, 3, 1, null, { samples: 20, elites: 3, iterations: 4, initStd: 2, minStd: 0, low: [-0.5], high: [0.5] }, new Rng(2));
    expect(seen).toBe(80);
  });
});

describe('forward model', () => {
  it('learns Δx = 0.5u with noise σ = 0.1: mean prediction and predicted variance', () => {
    const rng = new Rng(3), M = 2000;
    const x = new Float64Array(M * 2), u = new Float64Array(M * 2), next = new Float64Array(M * 2);
    for (let m = 0; m < M; m++) {
      for (let i = 0; i < 2; i++) {
        x[m * 2 + i] = rng.uniformRange(-1, 1);
        u[m * 2 + i] = rng.uniformRange(-1, 1);
        next[m * 2 + i] = x[m * 2 + i] + 0.5 * u[m * 2 + i] + 0.1 * rng.normal();
      }
    }
    const fm = new ForwardModel(2, 2, 64, 7, { learningRate: 3e-3, clipNorm: 10 });
    const before = tf.memory().numTensors;
    fm.fit({ x, u, next, count: M }, 1500, 128);
    expect(tf.memory().numTensors).toBe(before + 4); // only the standardisation constants stay
    const p = fm.predict(Float64Array.from([0.2, -0.4, 0.9, 0]), Float64Array.from([1, -1, -0.6, 0.3]));
    const want = [0.7, -0.9, 0.6, 0.15];
    for (let i = 0; i < 4; i++) expect(Math.abs(p[i] - want[i])).toBeLessThan(0.05);
    // NLL per transition in standardised units: with the true variance it is ½Σ(1 + log σ̃²) ≈ 1 + log(0.01/var(Δ)).
    const varD = 0.25 / 3 + 0.01;
    expect(fm.nll({ x, u, next, count: M })).toBeLessThan(1 + Math.log(0.01 / varD) + 0.15);
    fm.dispose();
  });
});

describe('MPC agent (oracle encoder)', () => {
  it('reaches nav2d goals by planning through a learned forward model, from the first iteration on', async () => {
    const env = stateAsImage(await makeEnv('nav2d', { render: false }));
    const encoder = new OracleModel(4, 2, 50);
    const eps = await collectRandomRollouts(env, 1, 'train', 10, 0.5);
    const batch = await encodeEpisodes(env, encoder, eps);
    const config = mpcAgentConfig.parse({ iterations: 2, rollouts: 3, samples: 64, elites: 8, cem_iterations: 3, plan_horizon: 4, hidden: 32, initial_fit_steps: 800, fit_steps: 100, eval_episodes: 3 });
    const agent = new MpcAgent(env, encoder, config, 1, 500, { batch, success: eps.map((e) => e.success) });
    const m0 = await agent.iterate();
    const m1 = await agent.iterate();
    expect([m0.env_steps, m1.env_steps]).toEqual([650, 800]);
    expect([m0.transitions, m1.transitions]).toEqual([500, 650]);
    const random = eps.reduce((s, e) => s + e.finalDistance, 0) / eps.length;
    expect(m1.mean_final_distance).toBeLessThan(0.3 * random);
    const evals = await agent.evaluate(3);
    expect(evals.reduce((s, e) => s + e.finalDistance, 0) / 3).toBeLessThan(0.2);
    // Resume: a fresh agent given the state continues exactly.
    const st = agent.getState();
    const next = await agent.iterate();
    const b = new MpcAgent(env, encoder, config, 1);
    b.setState(structuredClone(st));
    const resumed = await b.iterate();
    const noClock = (m: object) => Object.fromEntries(Object.entries(m).filter(([k]) => !k.endsWith('_s') && !k.endsWith('_ms_per_step')));
    expect(noClock(resumed)).toEqual(noClock(next));
    agent.dispose();
    b.dispose();
  });
});
