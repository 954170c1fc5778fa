/**
 * The local KL term of the SVAE bound (docs/method.md, 'The model') for one sequence, from the kernel's
 * outputs, with its gradient to the node potentials (m, s):
 *
 *   KL(q(x) ‖ p̄(x)) = Σ_t E_q[log ψ_t(x_t)] − log Z,
 *   E_q[log ψ_t(x_t)] = Σ_i −½log2π − log s_ti − ((μ_ti − m_ti)² + Σ_t,ii) / (2 s_ti²).
 *
 * (p̄ carries the expected dynamics statistics, so it need not integrate to one and this
 * "KL" need not be ≥ 0.) Its VJP seeds the kernel with ∂KL/∂log Z = −1,
 * ∂KL/∂μ_ti = −(μ_ti − m_ti)/s², ∂KL/∂Σ_t,ii = −1/(2s²) and adds the direct partials
 * ∂/∂m = (μ − m)/s², ∂/∂s = −1/s + ((μ − m)² + Σ_ii)/s³. Extra cotangents (e.g. the
 * reconstruction term's on the sample) can ride along in the same kernel VJP.
 */
import type { BlockTridiagGaussian } from './block-tridiag.js';
import { blockTridiagVjp, type BlockTridiagCotangents } from './block-tridiag-vjp.js';

const LOG_2PI = Math.log(2 * Math.PI);

/** KL(q(x) ‖ p̄(x)) of the workspace's last forward. */
export function localKL(g: BlockTridiagGaussian): number {
  const { T, ds, m, s, mean, cov } = g;
  let e = 0;
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < ds; i++) {
      const k = t * ds + i;
      const d = mean[k] - m[k];
      e += -0.5 * LOG_2PI - Math.log(s[k]) - (d * d + cov[t * ds * ds + i * ds + i]) / (2 * s[k] * s[k]);
    }
  }
  return e - g.logZ;
}

interface KLScratch {
  mean: Float64Array;
  cov: Float64Array;
}
const scratch = new WeakMap<BlockTridiagGaussian, KLScratch>();

/**
 * Writes gKL·∂KL/∂(m, s) plus the VJP of `extra` cotangents on the kernel outputs into
 * gradM, gradS (T·ds, overwritten). Call after the forward it differentiates.
 */
export function localKLVjp(
  g: BlockTridiagGaussian, gKL: number, gradM: Float64Array, gradS: Float64Array, extra: BlockTridiagCotangents = {},
): void {
  const { T, ds, m, s, mean, cov } = g;
  const ds2 = ds * ds;
  let sc = scratch.get(g);
  if (!sc) {
    sc = { mean: new Float64Array(T * ds), cov: new Float64Array(T * ds2) };
    scratch.set(g, sc);
  }
  if (extra.cov) sc.cov.set(extra.cov);
  else sc.cov.fill(0);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < ds; i++) {
      const k = t * ds + i;
      const lam = 1 / (s[k] * s[k]);
      sc.mean[k] = (extra.mean ? extra.mean[k] : 0) - gKL * (mean[k] - m[k]) * lam;
      sc.cov[t * ds2 + i * ds + i] += -0.5 * gKL * lam;
    }
  }
  blockTridiagVjp(g, { ...extra, logZ: (extra.logZ ?? 0) - gKL, mean: sc.mean, cov: sc.cov }, gradM, gradS);
  for (let k = 0; k < T * ds; k++) {
    const t = Math.floor(k / ds);
    const i = k - t * ds;
    const d = mean[k] - m[k];
    const sk = s[k];
    gradM[k] += gKL * d / (sk * sk);
    gradS[k] += gKL * (-1 / sk + (d * d + cov[t * ds2 + i * ds + i]) / (sk * sk * sk));
  }
}
