/**
 * A minibatch of sequences through the block-tridiagonal Gaussian, with flat batch-major
 * arrays in and out — the shape a tfjs custom-gradient op wants: forward keeps one workspace
 * per sequence so that `vjp` can run later, after the rest of the network's backward pass.
 *
 * Layouts (b = sequence index): m, s, eps, mean, sample: [b][t][i] (B·T·ds); u: [b][t][j]
 * (B·T·da — every sequence has T actions; u_{T−1} is unused); cov: B·T·ds²;
 * crossCov: B·(T−1)·ds²; logZ, kl: B.
 */
import { BlockTridiagGaussian } from './block-tridiag.js';
import { localKL, localKLVjp } from './local-kl.js';
import { accumulateTransitionStats } from './stats.js';
import { validateDynamics } from './natural.js';
import type { DynamicsExpectations, InitialState, TransitionStats } from './types.js';

export interface BlockTridiagBatchOutputs {
  readonly logZ: Float64Array;
  /** The SVAE's local KL(q(x) ‖ p̄(x)) per sequence (local-kl.ts). */
  readonly kl: Float64Array;
  readonly mean: Float64Array;
  readonly sample: Float64Array;
  readonly cov: Float64Array;
  readonly crossCov: Float64Array;
}

export interface BlockTridiagBatchCotangents {
  readonly logZ?: ArrayLike<number>;
  readonly kl?: ArrayLike<number>;
  readonly mean?: ArrayLike<number>;
  readonly sample?: ArrayLike<number>;
  readonly cov?: ArrayLike<number>;
  readonly crossCov?: ArrayLike<number>;
}

/** Float64 view of x (copied once if it is, say, a Float32Array from a tensor). */
function f64(x: ArrayLike<number>): Float64Array;
function f64(x: ArrayLike<number> | undefined): Float64Array | undefined;
function f64(x: ArrayLike<number> | undefined): Float64Array | undefined {
  if (x === undefined) return undefined;
  return x instanceof Float64Array ? x : Float64Array.from(x);
}

function view(x: Float64Array | undefined, b: number, size: number): Float64Array | undefined {
  return x?.subarray(b * size, (b + 1) * size);
}

export class BlockTridiagBatch {
  readonly T: number;
  readonly ds: number;
  readonly da: number;
  /** Sequences in the last forward. */
  batch = 0;
  private readonly pool: BlockTridiagGaussian[] = [];
  private init: InitialState | undefined;

  constructor(T: number, ds: number, da: number) {
    new BlockTridiagGaussian(T, ds, da); // validates the shape
    this.T = T;
    this.ds = ds;
    this.da = da;
  }

  /** Sets x_0 ~ N(mean, cov) for every sequence (default N(0, I)). */
  setInitialState(init: InitialState): void {
    this.init = init;
    for (const g of this.pool) g.setInitialState(init);
  }

  /** Runs every sequence; the batch size is m.length / (T·ds). Returns fresh output arrays. */
  forward(
    m: ArrayLike<number>, s: ArrayLike<number>, u: ArrayLike<number>, dyn: DynamicsExpectations, eps?: ArrayLike<number>,
  ): BlockTridiagBatchOutputs {
    const { T, ds, da } = this;
    const n = T * ds;
    const B = m.length / n;
    if (!Number.isInteger(B) || B < 1) throw new Error(`gaussian batch: m has length ${m.length}, not a multiple of T·ds = ${n}`);
    if (s.length !== m.length) throw new Error(`gaussian batch: s has length ${s.length}, expected ${m.length}`);
    if (u.length !== B * T * da) throw new Error(`gaussian batch: u has length ${u.length}, expected B·T·da = ${B * T * da}`);
    if (eps !== undefined && eps.length !== m.length) throw new Error(`gaussian batch: eps has length ${eps.length}, expected ${m.length}`);
    const [m64, s64, u64, eps64] = [f64(m), f64(s), f64(u), f64(eps)];
    validateDynamics(dyn, T, ds, da);
    while (this.pool.length < B) {
      const g = new BlockTridiagGaussian(T, ds, da);
      if (this.init) g.setInitialState(this.init);
      this.pool.push(g);
    }
    this.batch = B;
    const ds2 = ds * ds;
    const out: BlockTridiagBatchOutputs = {
      logZ: new Float64Array(B),
      kl: new Float64Array(B),
      mean: new Float64Array(B * n),
      sample: new Float64Array(eps ? B * n : 0),
      cov: new Float64Array(B * T * ds2),
      crossCov: new Float64Array(B * (T - 1) * ds2),
    };
    for (let b = 0; b < B; b++) {
      const g = this.pool[b];
      try {
        g.forward(view(m64, b, n)!, view(s64, b, n)!, view(u64, b, T * da)!, dyn, { eps: view(eps64, b, n), dynamicsChecked: true });
      } catch (e) {
        throw new Error(`gaussian batch: sequence ${b}: ${(e as Error).message}`);
      }
      out.logZ[b] = g.logZ;
      out.kl[b] = localKL(g);
      out.mean.set(g.mean, b * n);
      if (eps) out.sample.set(g.sample, b * n);
      out.cov.set(g.cov, b * T * ds2);
      out.crossCov.set(g.crossCov, b * (T - 1) * ds2);
    }
    return out;
  }

  /** ∂⟨cot, outputs⟩/∂(m, s) for the last forward, as fresh B·T·ds arrays. */
  vjp(cot: BlockTridiagBatchCotangents): { gradM: Float64Array; gradS: Float64Array } {
    const { T, ds, batch: B } = this;
    const n = T * ds;
    const ds2 = ds * ds;
    if (cot.logZ !== undefined && cot.logZ.length !== B) throw new Error(`gaussian batch: logZ cotangent has length ${cot.logZ.length}, expected ${B}`);
    if (cot.kl !== undefined && cot.kl.length !== B) throw new Error(`gaussian batch: kl cotangent has length ${cot.kl.length}, expected ${B}`);
    const [gm, gx, gc, gcc] = [f64(cot.mean), f64(cot.sample), f64(cot.cov), f64(cot.crossCov)];
    const gradM = new Float64Array(B * n);
    const gradS = new Float64Array(B * n);
    for (let b = 0; b < B; b++) {
      localKLVjp(
        this.pool[b],
        cot.kl?.[b] ?? 0,
        gradM.subarray(b * n, (b + 1) * n),
        gradS.subarray(b * n, (b + 1) * n),
        {
          logZ: cot.logZ?.[b],
          mean: view(gm, b, n),
          sample: view(gx, b, n),
          cov: view(gc, b, T * ds2),
          crossCov: view(gcc, b, (T - 1) * ds2),
        },
      );
    }
    return { gradM, gradS };
  }

  /** Adds weight × each sequence's expected transition statistics (last forward) into `out`. */
  accumulateStats(u: ArrayLike<number>, out: TransitionStats, weight = 1): void {
    const { T, da } = this;
    const u64 = f64(u);
    for (let b = 0; b < this.batch; b++) accumulateTransitionStats(this.pool[b], view(u64, b, T * da)!, out, weight);
  }
}
