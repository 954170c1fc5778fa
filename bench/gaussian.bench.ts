/**
 * Throughput of the block-tridiagonal Gaussian kernel (src/gaussian) at the reacher's sizes:
 * T = 50, ds = 10, da = 2, time-varying dynamics. One workspace, reused (as in training).
 *
 * Measures whole sequences per second, single-threaded, wall clock: forward only (log Z,
 * means, covariances, sample) and forward + VJP (cotangents on log Z, mean, sample and the
 * diagonal covariances, as the SVAE bound uses). Median of several timed rounds after a
 * warm-up; on a shared machine the numbers are noisy (±20% is normal).
 */
import { BlockTridiagGaussian } from '../src/gaussian/blockTridiag.js';
import { blockTridiagVjp } from '../src/gaussian/blockTridiagVjp.js';
import { MniwPosterior } from '../src/gaussian/svi.js';
import { Rng } from '../src/random/rng.js';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Runs `body` `reps` times per round and returns the median rate (calls per second). */
function rate(body: () => void, reps: number, rounds: number): number {
  for (let i = 0; i < reps; i++) body(); // warm-up (JIT)
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) body();
    rates.push(reps / ((performance.now() - t0) / 1000));
  }
  return median(rates);
}

export async function run(): Promise<BenchResult[]> {
  const T = 50;
  const ds = 10;
  const da = 2;
  const rng = new Rng(1);
  // Expected statistics of the default MNIW prior (A ≈ I, Σ ≈ 2·I): realistic conditioning.
  const dyn = new MniwPosterior({ ds, da, count: T - 1 }).expectations();
  const n = T * ds;
  const m = rng.fillNormal(new Float64Array(n)) as Float64Array;
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) s[i] = 0.1 + rng.uniform();
  const u = rng.fillNormal(new Float64Array(T * da)) as Float64Array;
  const eps = rng.fillNormal(new Float64Array(n)) as Float64Array;
  const gMean = rng.fillNormal(new Float64Array(n)) as Float64Array;
  const gSample = rng.fillNormal(new Float64Array(n)) as Float64Array;
  const gCov = new Float64Array(T * ds * ds);
  for (let t = 0; t < T; t++) for (let i = 0; i < ds; i++) gCov[t * ds * ds + i * ds + i] = rng.normal();
  const gradM = new Float64Array(n);
  const gradS = new Float64Array(n);
  const g = new BlockTridiagGaussian(T, ds, da);
  const cot = { logZ: -1, mean: gMean, sample: gSample, cov: gCov };

  const fwd = rate(() => g.forward(m, s, u, dyn, { eps }), 200, 7);
  const fwdBwd = rate(() => {
    g.forward(m, s, u, dyn, { eps });
    blockTridiagVjp(g, cot, gradM, gradS);
  }, 100, 7);
  return [
    { name: 'gaussian kernel forward (T=50, ds=10, da=2)', value: fwd, unit: 'sequences/s' },
    { name: 'gaussian kernel forward+VJP (T=50, ds=10, da=2)', value: fwdBwd, unit: 'sequences/s' },
  ];
}
