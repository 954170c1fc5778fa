/**
 * Running mean and variance (gym's RunningMeanStd: Chan et al.'s parallel update, starting
 * from mean 0, var 1 and a pseudo-count of 1e-4), used for PPO's observation normalisation
 * and for its reward scaling. For a batch with mean μ_b, variance σ_b² and n_b samples:
 *   δ = μ_b − μ,  N = n + n_b,  μ ← μ + δ n_b / N,
 *   σ² ← (σ² n + σ_b² n_b + δ² n n_b / N) / N,  n ← N.
 */
export class RunningMeanStd {
  readonly mean: Float64Array;
  readonly var: Float64Array;
  count = 1e-4;

  constructor(readonly dim: number) {
    this.mean = new Float64Array(dim);
    this.var = new Float64Array(dim).fill(1);
  }

  /** Adds one sample x (length dim). */
  update(x: ArrayLike<number>): void {
    if (x.length !== this.dim) throw new Error(`RunningMeanStd: sample has ${x.length} components, expected ${this.dim}`);
    const n = this.count, total = n + 1;
    for (let i = 0; i < this.dim; i++) {
      const delta = x[i] - this.mean[i];
      this.mean[i] += delta / total;
      this.var[i] = (this.var[i] * n + (delta * delta * n) / total) / total;
    }
    this.count = total;
  }

  /** clip((x − μ) / √(σ² + 1e-8), −clip, clip) into `out` (float32 for the network). */
  normalize(x: ArrayLike<number>, clip: number, out: Float32Array = new Float32Array(this.dim)): Float32Array {
    for (let i = 0; i < this.dim; i++) out[i] = Math.max(-clip, Math.min(clip, (x[i] - this.mean[i]) / Math.sqrt(this.var[i] + 1e-8)));
    return out;
  }

  getState(): { mean: number[]; var: number[]; count: number } {
    return { mean: Array.from(this.mean), var: Array.from(this.var), count: this.count };
  }

  setState(s: { mean: ArrayLike<number>; var: ArrayLike<number>; count: number }): void {
    if (s.mean.length !== this.dim || s.var.length !== this.dim) throw new Error(`RunningMeanStd.setState: expected ${this.dim} components`);
    this.mean.set(Array.from(s.mean));
    this.var.set(Array.from(s.var));
    this.count = s.count;
  }
}

/** gym's NormalizeReward: r / √(Var[G] + 1e-8), G_t = γ G_{t−1} + r_t per env, reset at episode ends. */
export class RewardScaler {
  private readonly rms = new RunningMeanStd(1);
  private readonly ret: Float64Array;
  constructor(envs: number, private readonly gamma: number, private readonly clip: number, private readonly enabled: boolean) {
    this.ret = new Float64Array(envs);
  }
  scale(e: number, r: number, done: boolean): number {
    if (!this.enabled) return r;
    this.ret[e] = this.ret[e] * this.gamma + r;
    this.rms.update([this.ret[e]]);
    if (done) this.ret[e] = 0;
    return Math.max(-this.clip, Math.min(this.clip, r / Math.sqrt(this.rms.var[0] + 1e-8)));
  }

  /** For checkpoints: the return statistics and each env's running return. */
  getState(): { rms: ReturnType<RunningMeanStd['getState']>; ret: number[] } {
    return { rms: this.rms.getState(), ret: Array.from(this.ret) };
  }

  setState(s: { rms: ReturnType<RunningMeanStd['getState']>; ret: ArrayLike<number> }): void {
    if (s.ret.length !== this.ret.length) throw new Error(`RewardScaler.setState: expected ${this.ret.length} envs`);
    this.rms.setState(s.rms);
    this.ret.set(Array.from(s.ret));
  }
}
