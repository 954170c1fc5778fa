/**
 * PPO's estimators and losses (Schulman et al. 2016 "High-Dimensional Continuous Control Using
 * Generalized Advantage Estimation"; Schulman et al. 2017 "Proximal Policy Optimization
 * Algorithms"). GAE runs on plain Float64Arrays; the losses are tfjs ops so that they can be
 * differentiated. Rewards here are r_t = −c_t (the negated task cost, possibly rescaled).
 */
import * as tf from '@tensorflow/tfjs';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

export interface GaeInput {
  /** r_t. */
  readonly rewards: ArrayLike<number>;
  /** V(s_t). */
  readonly values: ArrayLike<number>;
  /** V(s_{t+1}) of the state the step reached (for an episode cut by the time limit: its final state). */
  readonly nextValues: ArrayLike<number>;
  /** 1 where s_{t+1} is terminal (no value beyond it); 0 for a time-limit cut, which is bootstrapped. */
  readonly terminals: ArrayLike<number>;
  /**
   * 1 where the sequence stops after step t (episode end, or the end of one env's segment of the
   * batch): the advantage recursion does not cross it. The last index always ends a sequence.
   */
  readonly ends: ArrayLike<number>;
  readonly gamma: number;
  readonly lambda: number;
}

/**
 * Generalised advantage estimation, backwards over the batch:
 *   δ_t = r_t + γ (1 − terminal_t) V(s_{t+1}) − V(s_t)
 *   Â_t = δ_t + γλ (1 − end_t) Â_{t+1}
 *   R_t = Â_t + V(s_t)          (the TD(λ) return: the value target)
 */
export function gae(p: GaeInput): { advantages: Float64Array; returns: Float64Array } {
  const n = p.rewards.length;
  for (const [name, a] of [['values', p.values], ['nextValues', p.nextValues], ['terminals', p.terminals], ['ends', p.ends]] as const) {
    if (a.length !== n) throw new Error(`gae: ${name} has length ${a.length}, rewards ${n}`);
  }
  if (!(p.gamma >= 0 && p.gamma <= 1 && p.lambda >= 0 && p.lambda <= 1)) throw new Error(`gae: γ and λ must be in [0, 1], got ${p.gamma}, ${p.lambda}`);
  const advantages = new Float64Array(n);
  const returns = new Float64Array(n);
  let next = 0;
  for (let t = n - 1; t >= 0; t--) {
    const delta = p.rewards[t] + p.gamma * (1 - p.terminals[t]) * p.nextValues[t] - p.values[t];
    const carry = t === n - 1 || p.ends[t] ? 0 : next;
    next = delta + p.gamma * p.lambda * carry;
    advantages[t] = next;
    returns[t] = next + p.values[t];
  }
  return { advantages, returns };
}

/** Advantages standardised to mean 0, std 1 (population std, + 1e-8); a single value is left as is. */
export function normalizeAdvantages(a: ArrayLike<number>): Float32Array {
  const n = a.length;
  const out = Float32Array.from(a);
  if (n < 2) return out;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += a[i];
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (a[i] - mean) ** 2;
  const std = Math.sqrt(v / n);
  for (let i = 0; i < n; i++) out[i] = (a[i] - mean) / (std + 1e-8);
  return out;
}

/** log N(a; μ, diag σ²) = −½ Σ_i ε_i² − Σ_i log σ_i − (d/2) log 2π with ε = (a − μ)/σ, from the noise ε directly. */
export function gaussianLogProbFromNoise(noise: ArrayLike<number>, logStd: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < noise.length; i++) s += -0.5 * noise[i] * noise[i] - logStd[i] - HALF_LOG_2PI;
  return s;
}

/** log N(a; μ, diag σ²) per row: −½ Σ_i ((a_i − μ_i)/σ_i)² − Σ_i log σ_i − (d/2) log 2π. mean, actions [B, d]; logStd [d] → [B]. */
export function gaussianLogProb(mean: tf.Tensor2D, logStd: tf.Tensor1D, actions: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const d = mean.shape[1];
    const z = actions.sub(mean).mul(logStd.neg().exp());
    return z.square().mul(-0.5).sum(1).sub(logStd.sum()).sub(d * HALF_LOG_2PI) as tf.Tensor1D;
  });
}

/** Entropy of N(μ, diag σ²): H = Σ_i (½ + ½ log 2π + log σ_i). */
export function gaussianEntropy(logStd: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => logStd.sum().add(logStd.shape[0] * (0.5 + HALF_LOG_2PI)) as tf.Scalar);
}

export interface SurrogateTerms {
  /** L^CLIP to minimise: −E[min(r_t Â_t, clip(r_t, 1 − ε, 1 + ε) Â_t)]. */
  readonly loss: tf.Scalar;
  /** E[(r_t − 1) − log r_t], the low-variance estimator of KL(π_old ‖ π_θ) (Schulman's k3, as CleanRL). */
  readonly approxKl: tf.Scalar;
  /** Fraction of samples with |r_t − 1| > ε (where the clip removes the gradient's push). */
  readonly clipFrac: tf.Scalar;
}

/**
 * The clipped surrogate objective with r_t(θ) = π_θ(a_t|s_t) / π_old(a_t|s_t) = exp(log π_θ − log π_old):
 *   L^CLIP(θ) = −E_t[min(r_t Â_t, clip(r_t, 1 − ε, 1 + ε) Â_t)]
 */
export function clippedSurrogate(logp: tf.Tensor1D, logpOld: tf.Tensor1D, advantages: tf.Tensor1D, clip: number): SurrogateTerms {
  return tf.tidy(() => {
    const logRatio = logp.sub(logpOld);
    const ratio = logRatio.exp();
    const unclipped = ratio.mul(advantages);
    const clipped = ratio.clipByValue(1 - clip, 1 + clip).mul(advantages);
    const loss = tf.minimum(unclipped, clipped).mean().neg() as tf.Scalar;
    const approxKl = ratio.sub(1).sub(logRatio).mean() as tf.Scalar;
    const clipFrac = ratio.sub(1).abs().greater(clip).cast('float32').mean() as tf.Scalar;
    return { loss, approxKl, clipFrac };
  });
}

/**
 * Value loss (½ squared error), with the value update optionally clipped around the old value:
 *   V_clip = V_old + clip(V_θ − V_old, −ε, ε)
 *   L^V = ½ E[max((V_θ − R)², (V_clip − R)²)]     (clip ≠ null; baselines ppo2, CleanRL)
 *   L^V = ½ E[(V_θ − R)²]                          (clip = null)
 */
export function valueLoss(values: tf.Tensor1D, valuesOld: tf.Tensor1D, returns: tf.Tensor1D, clip: number | null): tf.Scalar {
  return tf.tidy(() => {
    const se = values.sub(returns).square();
    if (clip === null) return se.mean().mul(0.5) as tf.Scalar;
    const vClip = valuesOld.add(values.sub(valuesOld).clipByValue(-clip, clip));
    return tf.maximum(se, vClip.sub(returns).square()).mean().mul(0.5) as tf.Scalar;
  });
}
