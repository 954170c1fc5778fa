/**
 * PPO's policy and value networks (tfjs, parameters in an nn ParamSet):
 *
 * - state: separate MLPs, as in CleanRL's continuous-control agent and baselines' `mlp`:
 *     μ(s) = W_π,L tanh(… tanh(W_π,1 s + b) …) + b,   V(s) = W_V,L tanh(… tanh(W_V,1 s + b) …) + b
 * - pixels: one conv encoder shared by both heads (as the Nature-CNN PPO agents), sized for 2
 *   CPU cores: every 4×4 convolution has stride 2 starting at the first layer, then a dense
 *   relu layer; μ and V are linear heads on it.
 *
 * The policy is π(a|s) = N(μ(s), diag σ²) with a state-independent log σ (a free parameter
 * vector). Weights are orthogonal with gain √2 for hidden layers, 0.01 for the policy head and
 * 1 for the value head, biases 0 (the "orthogonal init" of the PPO implementations), drawn
 * from solar's seeded Rng.
 */
import * as tf from '@tensorflow/tfjs';
import { ParamSet } from '../../nn/params.js';
import { Rng } from '../../random/rng.js';

export type PpoObservation = { kind: 'state'; dim: number } | { kind: 'pixels'; shape: readonly [number, number, number] };

export interface PpoNetworkConfig {
  /** MLP hidden widths (state). */
  hidden: readonly number[];
  /** Conv output channels, one stride-2 layer each (pixels). */
  conv_channels: readonly number[];
  /** Dense width after the conv encoder (pixels). */
  conv_hidden: number;
  /** Initial log σ. */
  log_std_init: number;
}

const KERNEL = 4;

/**
 * A (rows × cols) matrix with orthonormal columns (rows ≥ cols) or rows (rows < cols), times
 * `gain`: modified Gram–Schmidt of a standard-normal matrix, i.e. the Q of its QR
 * decomposition with R's diagonal positive — the Haar-distributed init of Saxe et al. 2014.
 */
export function orthogonal(rows: number, cols: number, gain: number, rng: Rng): Float32Array {
  const tall = rows >= cols;
  const n = tall ? rows : cols; // vector length
  const k = tall ? cols : rows; // number of orthonormal vectors
  const q: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const v = rng.fillNormal(new Float64Array(n)) as Float64Array;
    for (let pass = 0; pass < 2; pass++) {
      for (const u of q) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += u[i] * v[i];
        for (let i = 0; i < n; i++) v[i] -= dot * u[i];
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    if (!(norm > 1e-12)) throw new Error('orthogonal: degenerate draw');
    for (let i = 0; i < n; i++) v[i] /= norm;
    q.push(v);
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (tall ? q[c][r] : q[r][c]);
  }
  return out;
}

interface Dense {
  w: tf.Variable;
  b: tf.Variable;
}

export class PpoNetworks {
  readonly params: ParamSet;
  readonly logStd: tf.Variable;
  private readonly rng: Rng;
  private readonly convs: Dense[] = [];
  private readonly trunk: Dense[] = [];
  private readonly actor: Dense[] = [];
  private readonly critic: Dense[] = [];
  private readonly piHead: Dense;
  private readonly vHead: Dense;

  constructor(readonly observation: PpoObservation, readonly actionDim: number, readonly config: PpoNetworkConfig, seed: number) {
    if (!(Number.isInteger(actionDim) && actionDim >= 1)) throw new Error(`PpoNetworks: actionDim must be a positive integer, got ${actionDim}`);
    this.params = new ParamSet(seed);
    this.rng = new Rng(seed);
    const relu = Math.SQRT2;
    let width: number;
    if (observation.kind === 'state') {
      if (!(observation.dim >= 1)) throw new Error(`PpoNetworks: state dimension must be ≥ 1, got ${observation.dim}`);
      let a = observation.dim, c = observation.dim;
      config.hidden.forEach((h, i) => {
        this.actor.push(this.dense(`pi.fc${i}`, a, h, relu));
        this.critic.push(this.dense(`v.fc${i}`, c, h, relu));
        a = c = h;
      });
      width = a;
    } else {
      const [h, w, c] = observation.shape;
      const L = config.conv_channels.length;
      const f = 2 ** L;
      if (!(h % f === 0 && w % f === 0 && h >= f && w >= f && c >= 1)) {
        throw new Error(`PpoNetworks: image ${h}×${w}×${c} must have sides divisible by 2^${L} = ${f} (each conv layer halves it)`);
      }
      let cin = c;
      config.conv_channels.forEach((cout, i) => {
        this.convs.push(this.layer(`enc.conv${i}`, [KERNEL, KERNEL, cin, cout], KERNEL * KERNEL * cin, cout, relu));
        cin = cout;
      });
      const flat = (h / f) * (w / f) * cin;
      this.trunk.push(this.dense('enc.fc0', flat, config.conv_hidden, relu));
      width = config.conv_hidden;
    }
    this.piHead = this.dense('pi.out', width, actionDim, 0.01);
    this.vHead = this.dense('v.out', width, 1, 1);
    this.logStd = this.params.zeros('log_std', [actionDim]);
    tf.tidy(() => this.logStd.assign(tf.fill([actionDim], config.log_std_init)));
  }

  private layer(name: string, shape: number[], rows: number, cols: number, gain: number): Dense {
    const w = this.params.zeros(`${name}.w`, shape);
    const b = this.params.zeros(`${name}.b`, [cols]);
    tf.tidy(() => w.assign(tf.tensor(orthogonal(rows, cols, gain, this.rng), shape)));
    return { w, b };
  }

  private dense(name: string, fanIn: number, fanOut: number, gain: number): Dense {
    return this.layer(name, [fanIn, fanOut], fanIn, fanOut, gain);
  }

  /** observations [B, dim] (state, normalised) or [B, H, W, C] (pixels in [0, 1]) → μ [B, du], V [B]. */
  apply(obs: tf.Tensor): { mean: tf.Tensor2D; value: tf.Tensor1D } {
    const o = this.observation;
    if (o.kind === 'state' ? obs.rank !== 2 || obs.shape[1] !== o.dim : obs.rank !== 4 || o.shape.some((d, i) => obs.shape[i + 1] !== d)) {
      throw new Error(`PpoNetworks: expected observations [B, ${o.kind === 'state' ? o.dim : o.shape.join(', ')}], got [${obs.shape}]`);
    }
    return tf.tidy(() => {
      const linear = (x: tf.Tensor2D, l: Dense) => tf.matMul(x, l.w as tf.Tensor2D).add(l.b) as tf.Tensor2D;
      if (o.kind === 'state') {
        let a = obs as tf.Tensor2D, c = obs as tf.Tensor2D;
        for (const l of this.actor) a = linear(a, l).tanh();
        for (const l of this.critic) c = linear(c, l).tanh();
        return { mean: linear(a, this.piHead), value: linear(c, this.vHead).reshape([-1]) as tf.Tensor1D };
      }
      let x = obs as tf.Tensor4D;
      for (const { w, b } of this.convs) x = tf.fused.conv2d({ x, filter: w as tf.Tensor4D, strides: 2, pad: 'same', bias: b, activation: 'relu' });
      let hid = x.reshape([x.shape[0], -1]) as tf.Tensor2D;
      for (const { w, b } of this.trunk) hid = tf.fused.matMul({ a: hid, b: w as tf.Tensor2D, bias: b, activation: 'relu' }) as tf.Tensor2D;
      return { mean: linear(hid, this.piHead), value: linear(hid, this.vHead).reshape([-1]) as tf.Tensor1D };
    });
  }

  /** The trainable variables, in a fixed order (the optimiser's). */
  variables(): tf.Variable[] {
    return this.params.variables();
  }

  dispose(): void {
    this.params.dispose();
  }
}
