/**
 * LQR-FLM at the reacher's sizes (T = 50, dx = 10, du = 2), single-threaded, wall clock:
 * - one LQR-FLM update from the initial exploration policy, η search included
 *   (ε = kl_step · T = 2 · 50, η started at 1, as in the first iteration of training);
 * - the local dynamics fit of N = 40 rollouts (without a prior, with the single-Gaussian and
 *   with the GMM prior), and the priors' own fits;
 * - one backward and one forward pass (the inner loop of the η search).
 * Data: rollouts of a random stable linear system under N(0, 0.5²) actions. Median over
 * timed rounds after a warm-up; on a shared machine the numbers are noisy.
 */
import { Rng } from '../src/random/rng.js';
import {
  backwardPass,
  BackwardWork,
  emptyStateDistribution,
  fitGaussianDynamicsPrior,
  fitGmmDynamicsPrior,
  fitLocalDynamics,
  forwardPass,
  ForwardWork,
  initialPolicy,
  klCostTerms,
  lqrflmUpdate,
  LqrflmWork,
  type QuadraticCost,
  type TrajectoryBatch,
  zeroCost,
} from '../src/control/index.js';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median milliseconds per call of `body` over `rounds` rounds of `reps` calls, after a warm-up round. */
function msPerCall(body: () => void, reps: number, rounds: number): number {
  for (let i = 0; i < reps; i++) body();
  const ms: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) body();
    ms.push((performance.now() - t0) / reps);
  }
  return median(ms);
}

function syntheticRollouts(rng: Rng, N: number, T: number, dx: number, du: number): TrajectoryBatch {
  const A = new Float64Array(dx * dx).map((_, i) => (i % (dx + 1) === 0 ? 0.95 : 0.05 * rng.normal()));
  const B = new Float64Array(dx * du).map(() => 0.3 * rng.normal());
  const X = new Float64Array(N * (T + 1) * dx);
  const U = new Float64Array(N * T * du);
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < dx; i++) X[n * (T + 1) * dx + i] = 0.1 * rng.normal();
    for (let t = 0; t < T; t++) {
      const xo = (n * (T + 1) + t) * dx;
      const uo = (n * T + t) * du;
      for (let j = 0; j < du; j++) U[uo + j] = 0.5 * rng.normal();
      for (let i = 0; i < dx; i++) {
        let s = 0.01 * rng.normal();
        for (let j = 0; j < dx; j++) s += A[i * dx + j] * X[xo + j];
        for (let j = 0; j < du; j++) s += B[i * du + j] * U[uo + j];
        X[xo + dx + i] = s;
      }
    }
  }
  return { N, T, dx, du, X, U, cost: new Float64Array(N * T) };
}

export async function run(): Promise<BenchResult[]> {
  const [T, dx, du, N] = [50, 10, 2, 40];
  const dz = dx + du;
  const rng = new Rng(1);
  const batch = syntheticRollouts(rng, N, T, dx, du);
  const cost: QuadraticCost = zeroCost(T, dx, du);
  for (let t = 0; t <= T; t++) {
    for (let i = 0; i < dz; i++) cost.C[t * dz * dz + i * dz + i] = i < dx ? (i >= dx - 2 ? 20 : 0.1) : t < T ? 2 : 0;
    for (let i = dx - 2; i < dx; i++) cost.c[t * dz + i] = -2;
  }
  const prior = fitGaussianDynamicsPrior([batch]);
  const dyn = fitLocalDynamics(batch, { prior });
  const old = initialPolicy(T, dx, du, 0.25);
  const work = new LqrflmWork(T, dx, du);
  const opts = { klBound: 2 * T, etaInit: 1 };
  const probe = lqrflmUpdate(old, dyn, cost, opts, work);

  const update = msPerCall(() => lqrflmUpdate(old, dyn, cost, opts, work), 10, 9);
  const fitPrior = msPerCall(() => fitLocalDynamics(batch, { prior }), 5, 9);
  const fitNoPrior = msPerCall(() => fitLocalDynamics(batch), 5, 9);
  const priorFit = msPerCall(() => fitGaussianDynamicsPrior([batch]), 5, 9);
  // The trainer's default: a GMM prior on one iteration's rollouts (here N = 40, 2000 points, K = 20).
  const gmmFit = msPerCall(() => fitGmmDynamicsPrior([batch], { seed: 1 }), 1, 5);
  const gmm = fitGmmDynamicsPrior([batch], { seed: 1 });
  const fitGmm = msPerCall(() => fitLocalDynamics(batch, { prior: gmm }), 2, 5);
  const klTerms = klCostTerms(old);
  const back = new BackwardWork(T, dx, du);
  const backward = msPerCall(() => backwardPass(probe.eta, dyn, cost, klTerms, back), 50, 9);
  const dist = emptyStateDistribution(T, dx, du);
  const fw = new ForwardWork(dx, du);
  const forward = msPerCall(() => forwardPass(probe.policy, dyn, dist, cost, fw), 50, 9);
  return [
    { name: 'lqrflm update T=50 dx=10 du=2 (η search)', value: update, unit: 'ms' },
    { name: 'lqrflm update: η tries', value: probe.tries, unit: 'tries' },
    { name: 'dynamics fit N=40 T=50 (Gaussian prior)', value: fitPrior, unit: 'ms' },
    { name: 'dynamics fit N=40 T=50 (no prior)', value: fitNoPrior, unit: 'ms' },
    { name: 'Gaussian dynamics prior fit (2000 transitions)', value: priorFit, unit: 'ms' },
    { name: 'GMM dynamics prior fit (2000 transitions, K=20)', value: gmmFit, unit: 'ms' },
    { name: 'dynamics fit N=40 T=50 (GMM prior)', value: fitGmm, unit: 'ms' },
    { name: 'backward pass T=50', value: backward, unit: 'ms' },
    { name: 'forward pass T=50', value: forward, unit: 'ms' },
  ];
}
