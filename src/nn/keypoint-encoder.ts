/**
 * An encoder that keeps positions: conv layers down to a 16×16 map, then a spatial softmax per
 * channel that turns each feature map into the expected image coordinates of its activation,
 * a keypoint (Finn et al. 2016, "Deep spatial autoencoders for visuomotor learning"):
 *
 *   p_c(i, j) = exp(a_c(i, j) / τ) / Σ_{i',j'} exp(a_c(i', j') / τ),
 *   k_c = Σ_{i,j} p_c(i, j) · (x_j, y_i),   x_j, y_i ∈ [−1, 1] (pixel centres),
 *
 * with one learned temperature τ = softplus(ρ) + 0.01 shared by the channels. An object's image
 * position enters the keypoints (nearly) linearly, where the flatten-and-dense head of
 * networks.ts has to learn position from which units fire; SOLAR's latent dynamics and cost are
 * linear-quadratic in the latent, so positions linear in it are what they need.
 *
 * Encoder: image [B, H, W, C·k] → conv 4×4 (stride 2 while the map is larger than 16, else 1)
 *   + relu, …, last conv without relu or bias → spatial softmax → keypoints [B, 2·C_last] → dense + relu
 *   → dense → mean [B, ds], rawScale [B, ds] (the same output as ImageEncoder).
 */
import * as tf from '@tensorflow/tfjs';
import type { ImageShape } from './image-shape.js';
import { ParamSet } from './params.js';

export interface KeypointEncoderConfig {
  imageShape: ImageShape;
  latentDim: number;
  /** Frames concatenated along channels (1 = single image). */
  frameStack?: number;
  /** Output channels of each conv layer; the last one's count is the number of keypoints. Default [32, 32]. */
  channels?: number[];
  /** Width of the dense hidden layer. */
  hidden?: number;
}

const KERNEL = 4;
/** The side of the map the keypoints are read from (each conv halves the side until it is reached). */
const MAP_SIDE = 16;

/** τ = softplus(ρ) + 0.01 with ρ = 0.5413 gives τ = 1.0 at initialisation. */
const RHO_INIT = Math.log(Math.expm1(0.99));

/** Coordinates of an h×w map's pixel centres in [−1, 1]: [h·w, 2] as (x, y) row-major. */
export function keypointGrid(h: number, w: number): Float32Array {
  const g = new Float32Array(h * w * 2);
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      g[(i * w + j) * 2] = ((2 * j + 1) / w) - 1;
      g[(i * w + j) * 2 + 1] = ((2 * i + 1) / h) - 1;
    }
  }
  return g;
}

/**
 * Spatial softmax: feature maps [B, h, w, C] and temperature τ (a scalar tensor) → keypoints
 * [B, 2C] ordered (x_0, y_0, x_1, y_1, …). Differentiable in both.
 */
export function spatialSoftmax(maps: tf.Tensor4D, temperature: tf.Scalar): tf.Tensor2D {
  return tf.tidy(() => {
    const [B, h, w, C] = maps.shape;
    const logits = maps.transpose([0, 3, 1, 2]).reshape([B * C, h * w]).div(temperature) as tf.Tensor2D;
    const grid = tf.tensor2d(keypointGrid(h, w), [h * w, 2]);
    return tf.matMul(tf.softmax(logits), grid).reshape([B, 2 * C]) as tf.Tensor2D;
  });
}

export class KeypointEncoder {
  readonly params: ParamSet;
  readonly inputShape: ImageShape;
  private readonly convs: Array<{ w: tf.Variable; b?: tf.Variable; stride: number }> = [];
  private readonly dense: Array<{ w: tf.Variable; b: tf.Variable }> = [];
  private readonly rho: tf.Variable;

  constructor(readonly config: KeypointEncoderConfig, seed: number) {
    const [h, w, c] = config.imageShape;
    const stack = config.frameStack ?? 1;
    if (!(Number.isInteger(stack) && stack >= 1)) throw new Error(`KeypointEncoder: frameStack must be a positive integer, got ${stack}`);
    if (!(Number.isInteger(config.latentDim) && config.latentDim >= 1)) throw new Error(`KeypointEncoder: latentDim must be a positive integer, got ${config.latentDim}`);
    const channels = config.channels ?? [32, 32];
    if (channels.length < 1) throw new Error('KeypointEncoder: needs at least one conv layer');
    this.inputShape = [h, w, c * stack];
    this.params = new ParamSet(seed);
    let cin = c * stack;
    let side = Math.min(h, w);
    let [mh, mw] = [h, w];
    channels.forEach((cout, i) => {
      const stride = side > MAP_SIDE ? 2 : 1;
      if (stride === 2 && (mh % 2 !== 0 || mw % 2 !== 0)) throw new Error(`KeypointEncoder: image ${h}×${w} cannot be halved to a ${MAP_SIDE}-pixel map`);
      side /= stride;
      mh /= stride;
      mw /= stride;
      const filter = this.params.glorot(`enc.conv${i}.w`, [KERNEL, KERNEL, cin, cout]);
      // The last layer has no bias: a constant per channel leaves its softmax unchanged.
      this.convs.push(i + 1 < channels.length ? { w: filter, b: this.params.zeros(`enc.conv${i}.b`, [cout]), stride } : { w: filter, stride });
      cin = cout;
    });
    this.rho = this.params.constant('enc.keypoint_rho', [], RHO_INIT);
    const hidden = config.hidden ?? 256;
    this.dense.push({ w: this.params.glorot('enc.fc0.w', [2 * cin, hidden]), b: this.params.zeros('enc.fc0.b', [hidden]) });
    this.dense.push({ w: this.params.glorot('enc.out.w', [hidden, 2 * config.latentDim]), b: this.params.zeros('enc.out.b', [2 * config.latentDim]) });
  }

  /** The keypoints [B, 2·C_last] of images [B, H, W, C·k] in [0, 1]. */
  keypoints(images: tf.Tensor4D): tf.Tensor2D {
    const [h, w, c] = this.inputShape;
    if (images.rank !== 4 || images.shape[1] !== h || images.shape[2] !== w || images.shape[3] !== c) {
      throw new Error(`KeypointEncoder: expected images [B, ${h}, ${w}, ${c}], got [${images.shape}]`);
    }
    return tf.tidy(() => {
      let x: tf.Tensor4D = images;
      this.convs.forEach(({ w: f, b, stride }, i) => {
        x = i + 1 < this.convs.length
          ? tf.fused.conv2d({ x, filter: f as tf.Tensor4D, strides: stride, pad: 'same', bias: b, activation: 'relu' })
          : tf.conv2d(x, f as tf.Tensor4D, stride, 'same');
      });
      return spatialSoftmax(x, tf.softplus(this.rho).add(0.01) as tf.Scalar);
    });
  }

  /** images [B, H, W, C·k] in [0, 1] → per-image (mean, rawScale), each [B, ds]. */
  apply(images: tf.Tensor4D): { mean: tf.Tensor2D; rawScale: tf.Tensor2D } {
    return tf.tidy(() => {
      const k = this.keypoints(images);
      const hid = tf.fused.matMul({ a: k, b: this.dense[0].w as tf.Tensor2D, bias: this.dense[0].b, activation: 'relu' });
      const out = tf.fused.matMul({ a: hid, b: this.dense[1].w as tf.Tensor2D, bias: this.dense[1].b });
      const ds = this.config.latentDim;
      return { mean: out.slice([0, 0], [-1, ds]) as tf.Tensor2D, rawScale: out.slice([0, ds], [-1, ds]) as tf.Tensor2D };
    });
  }
}
