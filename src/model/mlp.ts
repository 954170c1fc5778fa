/**
 * Small dense encoder/decoder (image flattened → hidden → hidden → outputs), with seeded
 * Glorot-uniform weights: fast enough for tests and quick looks on tiny images. The conv
 * networks of src/nn are the default for real runs (networks.ts chooses).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../random/rng.js';

/** One parameter as stored in a checkpoint. */
export interface NamedWeights {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** Named tf.Variables in a fixed order, seeded initialisation, Float32Array get/set. */
export class SimpleParams {
  private readonly vars = new Map<string, tf.Variable>();
  private readonly rng: Rng;

  constructor(seed: number) {
    this.rng = new Rng(seed);
  }

  /** U(±sqrt(6/(fanIn + fanOut))) for a [fanIn, fanOut] matrix. */
  glorot(name: string, shape: [number, number]): tf.Variable {
    const limit = Math.sqrt(6 / (shape[0] + shape[1]));
    const v = new Float32Array(shape[0] * shape[1]);
    for (let i = 0; i < v.length; i++) v[i] = this.rng.uniformRange(-limit, limit);
    return this.add(name, shape, v);
  }

  zeros(name: string, shape: number[]): tf.Variable {
    return this.add(name, shape, new Float32Array(shape.reduce((a, b) => a * b, 1)));
  }

  private add(name: string, shape: number[], values: Float32Array): tf.Variable {
    const v = tf.variable(tf.tensor(values, shape), true);
    this.vars.set(name, v);
    return v;
  }

  variables(): tf.Variable[] {
    return [...this.vars.values()];
  }

  getWeights(): NamedWeights[] {
    return [...this.vars.entries()].map(([name, v]) => ({ name, shape: [...v.shape], values: Float32Array.from(v.dataSync() as Float32Array) }));
  }

  setWeights(weights: NamedWeights[]): void {
    const byName = new Map(weights.map((w) => [w.name, w]));
    for (const [name, v] of this.vars) {
      const w = byName.get(name);
      if (!w || w.values.length !== v.size) throw new Error(`mlp: weights for '${name}' missing or of the wrong size`);
    }
    for (const [name, v] of this.vars) tf.tidy(() => v.assign(tf.tensor(byName.get(name)!.values, v.shape)));
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}

type Layer = { w: tf.Variable; b: tf.Variable };

function dense(p: SimpleParams, name: string, nin: number, nout: number): Layer {
  return { w: p.glorot(`${name}.w`, [nin, nout]), b: p.zeros(`${name}.b`, [nout]) };
}

function applyStack(x: tf.Tensor2D, layers: Layer[]): tf.Tensor2D {
  layers.forEach(({ w, b }, i) => {
    x = tf.fused.matMul({ a: x, b: w as tf.Tensor2D, bias: b, activation: i + 1 < layers.length ? 'relu' : 'linear' }) as tf.Tensor2D;
  });
  return x;
}

export class MlpEncoder {
  readonly params: SimpleParams;
  private readonly layers: Layer[];

  constructor(readonly inputShape: [number, number, number], readonly latentDim: number, hidden: number, seed: number) {
    this.params = new SimpleParams(seed);
    const nin = inputShape[0] * inputShape[1] * inputShape[2];
    this.layers = [dense(this.params, 'enc.fc0', nin, hidden), dense(this.params, 'enc.fc1', hidden, hidden), dense(this.params, 'enc.out', hidden, 2 * latentDim)];
  }

  apply(images: tf.Tensor4D): { mean: tf.Tensor2D; rawScale: tf.Tensor2D } {
    return tf.tidy(() => {
      const out = applyStack(images.reshape([images.shape[0], -1]) as tf.Tensor2D, this.layers);
      const ds = this.latentDim;
      return { mean: out.slice([0, 0], [-1, ds]) as tf.Tensor2D, rawScale: out.slice([0, ds], [-1, ds]) as tf.Tensor2D };
    });
  }
}

export class MlpDecoder {
  readonly params: SimpleParams;
  private readonly layers: Layer[];

  constructor(readonly imageShape: [number, number, number], readonly latentDim: number, hidden: number, seed: number) {
    this.params = new SimpleParams(seed);
    const nout = imageShape[0] * imageShape[1] * imageShape[2];
    this.layers = [dense(this.params, 'dec.fc0', latentDim, hidden), dense(this.params, 'dec.fc1', hidden, hidden), dense(this.params, 'dec.out', hidden, nout)];
  }

  apply(latents: tf.Tensor2D): tf.Tensor4D {
    return tf.tidy(() => applyStack(latents, this.layers).reshape([latents.shape[0], ...this.imageShape]) as tf.Tensor4D);
  }
}
