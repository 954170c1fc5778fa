/**
 * Seeded random numbers for every stochastic part of solar (env starts, exploration noise,
 * network initialisation, minibatch order). One generator type, xoroshiro128+ from
 * `pure-rand`, so that the same seed gives the same run on the same backend.
 */
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';

type Generator = ReturnType<typeof xoroshiro128plus>;

/** Mixes (seed, stream) into a 32-bit seed (splitmix32 finaliser), so derived streams do not overlap. */
export function deriveSeed(seed: number, stream: number): number {
  let z = (Math.imul(seed | 0, 0x9e3779b9) ^ Math.imul((stream | 0) + 0x7f4a7c15, 0x85ebca6b)) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

export class Rng {
  private gen: Generator;
  /** Second value of the last Box–Muller pair, or NaN when none is pending. */
  private spare = Number.NaN;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new Error(`Rng: seed must be an integer, got ${seed}`);
    // pure-rand seeds xoroshiro128+ from a 32-bit value almost verbatim, so the first outputs
    // of nearby seeds are nearly equal (measured: the first uniform was 1.0000 for seeds 0–6).
    // Spread the seed over all 128 state bits with splitmix first.
    this.gen = xoroshiro128plusFromState([0, 1, 2, 3].map((k) => deriveSeed(seed, k) | 0));
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    return uniformFloat64(this.gen);
  }

  /** Uniform in [lo, hi). */
  uniformRange(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Integer uniform in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal by the Box–Muller transform: r = sqrt(-2 ln u1), (r cos 2πu2, r sin 2πu2). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const s = this.spare;
      this.spare = Number.NaN;
      return s;
    }
    const u1 = 1 - this.uniform(); // (0, 1]: log is finite
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** Fills `out` with N(0, 1) samples. */
  fillNormal(out: Float64Array | Float32Array): typeof out {
    for (let i = 0; i < out.length; i++) out[i] = this.normal();
    return out;
  }

  /** A Fisher–Yates permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** The full generator state, for checkpoints; `Rng.fromState` restores it exactly. */
  getState(): number[] {
    return [...this.gen.getState(), this.spare];
  }

  static fromState(state: readonly number[]): Rng {
    const r = new Rng(0);
    r.gen = xoroshiro128plusFromState(state.slice(0, -1));
    r.spare = state[state.length - 1] ?? Number.NaN;
    return r;
  }
}
