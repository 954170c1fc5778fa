/**
 * Position-aware networks for images of a few moving objects (the tasks' top-down views):
 *
 * - CoordConv input (Liu et al. 2018): two constant channels, x and y in [−1, 1], appended to
 *   the image so the first convolution can read *where* a feature is, not only *that* it is.
 * - Spatial broadcast decoder (Watters et al. 2019): the latent z [B, ds] is tiled over a
 *   G×G grid (G = H / 2^U), the x/y channels appended, then
 *     conv 3×3/1 + relu → conv 3×3/1 + relu → U × conv-transpose 4×4/2 (relu between) → logits [B, H, W, C].
 *   Every pixel sees the whole latent and its own coordinates, so an object's position is
 *   cheapest to express as a *linear* function of z — what SOLAR's linear latent dynamics and
 *   quadratic latent cost need (a deconvolution stack from a dense layer tends to fold it).
 */
import * as tf from '@tensorflow/tfjs';
import { ParamSet } from './params.js';
import type { ImageShape } from './image-shape.js';

/** Constant [1, H, W, 2] x/y channels in [−1, 1] (pixel centres). */
export function coordChannels(h: number, w: number): tf.Tensor4D {
  const data = new Float32Array(h * w * 2);
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      data[(i * w + j) * 2] = w === 1 ? 0 : (2 * j) / (w - 1) - 1;
      data[(i * w + j) * 2 + 1] = h === 1 ? 0 : (2 * i) / (h - 1) - 1;
    }
  }
  return tf.tensor4d(data, [1, h, w, 2]);
}

/** Appends the x/y channels to every image of a batch [B, H, W, C] → [B, H, W, C + 2]. */
export function withCoords(images: tf.Tensor4D, coords: tf.Tensor4D): tf.Tensor4D {
  const [B, h, w] = images.shape;
  return tf.concat([images, tf.broadcastTo(coords, [B, h, w, 2])], 3);
}

export interface BroadcastDecoderConfig {
  imageShape: ImageShape;
  latentDim: number;
  /** Channels of the two 3×3 convolutions on the grid (16: 1.3× the conv decoder's step time at 32×32×2; 32 cost 3×). */
  channels?: number;
  /** Transposed-conv upsamplings U after the grid (G = H / 2^U); default 1 up to 32 px, else 2. */
  upsample?: number;
}

export class BroadcastDecoder {
  readonly params: ParamSet;
  private readonly grid: [number, number];
  private readonly convs: Array<{ w: tf.Variable; b: tf.Variable }> = [];
  private readonly deconvs: Array<{ w: tf.Variable; b: tf.Variable; outShape: [number, number, number] }> = [];

  constructor(readonly config: BroadcastDecoderConfig, seed: number) {
    const [h, w, c] = config.imageShape;
    const ch = config.channels ?? 16;
    const U = config.upsample ?? (Math.max(h, w) <= 32 ? 1 : 2);
    const f = 2 ** U;
    if (!(Number.isInteger(config.latentDim) && config.latentDim >= 1)) throw new Error(`BroadcastDecoder: latentDim must be a positive integer, got ${config.latentDim}`);
    if (!(Number.isInteger(U) && U >= 0 && h % f === 0 && w % f === 0)) throw new Error(`BroadcastDecoder: image ${h}×${w}×${c} must have sides divisible by 2^${U} = ${f}`);
    this.grid = [h / f, w / f];
    this.params = new ParamSet(seed);
    let cin = config.latentDim + 2;
    for (let i = 0; i < 2; i++) {
      this.convs.push({ w: this.params.glorot(`dec.conv${i}.w`, [3, 3, cin, ch]), b: this.params.zeros(`dec.conv${i}.b`, [ch]) });
      cin = ch;
    }
    for (let i = 0; i < U; i++) {
      const cout = i + 1 < U ? ch : c;
      const scale = 2 ** (U - 1 - i);
      this.deconvs.push({ w: this.params.glorot(`dec.deconv${i}.w`, [4, 4, cout, cin]), b: this.params.zeros(`dec.deconv${i}.b`, [cout]), outShape: [h / scale, w / scale, cout] });
    }
    if (U === 0) this.convs.push({ w: this.params.glorot('dec.out.w', [1, 1, cin, c]), b: this.params.zeros('dec.out.b', [c]) });
  }

  /** latents [B, ds] → Bernoulli logits [B, H, W, C]. */
  apply(latents: tf.Tensor2D): tf.Tensor4D {
    const ds = this.config.latentDim;
    if (latents.rank !== 2 || latents.shape[1] !== ds) throw new Error(`BroadcastDecoder: expected latents [B, ${ds}], got [${latents.shape}]`);
    return tf.tidy(() => {
      const B = latents.shape[0];
      const [g0, g1] = this.grid;
      const tiled = tf.broadcastTo(latents.reshape([B, 1, 1, ds]), [B, g0, g1, ds]) as tf.Tensor4D;
      // The grid is rebuilt per call (G·G·2 floats) so the decoder owns no tensor but its parameters.
      let x = withCoords(tiled, coordChannels(g0, g1));
      const last = this.deconvs.length === 0 ? this.convs.length - 1 : -1;
      this.convs.forEach(({ w, b }, i) => {
        x = tf.fused.conv2d({ x, filter: w as tf.Tensor4D, strides: 1, pad: 'same', bias: b, activation: i === last ? 'linear' : 'relu' });
      });
      this.deconvs.forEach(({ w, b, outShape }, i) => {
        x = tf.conv2dTranspose(x, w as tf.Tensor4D, [B, ...outShape], 2, 'same').add(b);
        if (i + 1 < this.deconvs.length) x = tf.relu(x);
      });
      return x;
    });
  }
}
