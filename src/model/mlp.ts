/**
 * Small dense encoder/decoder (image flattened → hidden → hidden → outputs), with seeded
 * Glorot-uniform weights: fast enough for tests and quick looks on tiny images. The conv
 * networks of src/nn are the default for real runs (networks.ts chooses).
 */
import * as tf from '@tensorflow/tfjs';
import { ParamSet, type NamedWeights } from '../nn/params.js';

export type { NamedWeights };

type Layer = { w: tf.Variable; b: tf.Variable };

function dense(p: ParamSet, name: string, nin: number, nout: number): Layer {
  return { w: p.glorot(`${name}.w`, [nin, nout]), b: p.zeros(`${name}.b`, [nout]) };
}

function applyStack(x: tf.Tensor2D, layers: Layer[]): tf.Tensor2D {
  layers.forEach(({ w, b }, i) => {
    x = tf.fused.matMul({ a: x, b: w as tf.Tensor2D, bias: b, activation: i + 1 < layers.length ? 'relu' : 'linear' }) as tf.Tensor2D;
  });
  return x;
}

export class MlpEncoder {
  readonly params: ParamSet;
  private readonly layers: Layer[];

  constructor(readonly inputShape: [number, number, number], readonly latentDim: number, hidden: number, seed: number) {
    this.params = new ParamSet(seed);
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
  readonly params: ParamSet;
  private readonly layers: Layer[];

  constructor(readonly imageShape: [number, number, number], readonly latentDim: number, hidden: number, seed: number) {
    this.params = new ParamSet(seed);
    const nout = imageShape[0] * imageShape[1] * imageShape[2];
    this.layers = [dense(this.params, 'dec.fc0', latentDim, hidden), dense(this.params, 'dec.fc1', hidden, hidden), dense(this.params, 'dec.out', hidden, nout)];
  }

  apply(latents: tf.Tensor2D): tf.Tensor4D {
    return tf.tidy(() => applyStack(latents, this.layers).reshape([latents.shape[0], ...this.imageShape]) as tf.Tensor4D);
  }
}
