/**
 * Throughput of the block-tridiagonal Gaussian kernel (src/gaussian) at the reacher's sizes:
 * T = 50, ds = 10, da = 2, time-varying dynamics. One workspace, reused (as in training).
 *
 * Measures whole sequences per second, single-threaded: forward only (log Z, means,
 * covariances, cross-covariances, sample) and forward + VJP (cotangents on log Z, mean, sample
 * and the diagonal covariances; the SVAE's (local KL, sample) pair; log Z alone).
 * Median of 7 timed rounds after a warm-up, by wall clock and per CPU-second of this process.
 * On a shared machine the wall-clock numbers are noisy (±30% is normal).
 */
import { BlockTridiagGaussian } from '../src/gaussian/block-tridiag.js';
import { blockTridiagVjp } from '../src/gaussian/block-tridiag-vjp.js';
import { localKLVjp } from '../src/gaussian/local-kl.js';
import { MniwPosterior } from '../src/gaussian/svi.js';
import { Rng } from '../src/random/rng.js';
import type { BenchResult } from './types.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Runs `body` `reps` times per round; returns the median rate (calls/s) over rounds by wall
 * clock and by this process's CPU time (user + system) — the latter is less disturbed by
 * other processes sharing the cores.
 */
function rate(body: () => void, reps: number, rounds: number): { wall: number; cpu: number } {
  for (let i = 0; i < reps; i++) body(); // warm-up (JIT)
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) body();
    const dt = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    wall.push(reps / dt);
    cpu.push(reps / ((c.user + c.system) / 1e6));
  }
  return { wall: median(wall), cpu: median(cpu) };
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
  // What the SVAE bound differentiates: the local KL (log Z, means, diagonal covariances) and
  // the reparameterised sample, through localKLVjp.
  const svae = rate(() => {
    g.forward(m, s, u, dyn, { eps });
    localKLVjp(g, 1, gradM, gradS, { sample: gSample });
  }, 100, 7);
  const logZOnly = rate(() => {
    g.forward(m, s, u, dyn, { eps });
    blockTridiagVjp(g, { logZ: 1 }, gradM, gradS);
  }, 100, 7);
  const shape = 'T50 ds10 da2';
  return [
    { name: `forward, ${shape}`, value: fwd.wall, unit: 'sequences/s' },
    { name: `forward+VJP (log Z, mean, sample, cov), ${shape}`, value: fwdBwd.wall, unit: 'sequences/s' },
    { name: `forward+VJP (local KL, sample), ${shape}`, value: svae.wall, unit: 'sequences/s' },
    { name: `forward+VJP (log Z only), ${shape}`, value: logZOnly.wall, unit: 'sequences/s' },
    { name: `forward, ${shape}`, value: fwd.cpu, unit: 'sequences/cpu-s' },
    { name: `forward+VJP (log Z, mean, sample, cov), ${shape}`, value: fwdBwd.cpu, unit: 'sequences/cpu-s' },
    { name: `forward+VJP (local KL, sample), ${shape}`, value: svae.cpu, unit: 'sequences/cpu-s' },
  ];
}
