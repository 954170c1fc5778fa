/**
 * SOLAR's image encoder and decoder, sized for 2 CPU cores: every convolution has stride 2
 * (4×4 filters, 'same' padding), starting at the first layer, so no layer runs at full
 * resolution. Built from tfjs ops on a ParamSet (seeded init, Float32Array get/set).
 *
 * Encoder: image [B, H, W, C·k] (k stacked frames, see frames.ts) → L × (conv 4×4/2 + relu)
 *   → flatten → dense + relu → dense → mean [B, ds], rawScale [B, ds]. The model turns
 *   rawScale into the potential's scale (docs/method.md, 'The model': softplus(raw) + 0.01).
 * Decoder: latent [B, ds] → dense + relu → dense + relu → [B, H/2^L, W/2^L, c] →
 *   (L − 1) × (conv-transpose 4×4/2 + relu) → conv-transpose 4×4/2 → Bernoulli logits [B, H, W, C].
 */
import * as tf from '@tensorflow/tfjs';
import type { ImageShape } from './image-shape.js';
import { ParamSet } from './params.js';

export type { ImageShape };

export interface EncoderConfig {
  imageShape: ImageShape;
  latentDim: number;
  /** Frames concatenated along channels (1 = single image). */
  frameStack?: number;
  /** Output channels of each stride-2 conv layer; default from the image size (defaultChannels). */
  channels?: number[];
  /** Width of the dense hidden layer. */
  hidden?: number;
}

export interface DecoderConfig {
  imageShape: ImageShape;
  latentDim: number;
  /** Input channels of each stride-2 transposed-conv layer, coarsest first; default: the encoder's reversed. */
  channels?: number[];
  hidden?: number;
}

const KERNEL = 4;
const DEFAULT_HIDDEN = 256;

/**
 * Conv channels for an h×w image: one stride-2 layer per halving while both sides stay even
 * and the smaller at least 4 after it — 32×32 → [32, 32, 64] (4×4×64 at the bottom); 64×64 →
 * [32, 32, 64, 64]; 48×48 → [32, 32, 64] (6×6); 50×50 → [32] (25×25). Any camera with even
 * sides of at least 8 pixels works; the 4·2^L sizes keep the bottom, and the dense layer, small.
 */
export function defaultChannels(h: number, w: number = h): number[] {
  let layers = 0;
  for (let f = 2; h % f === 0 && w % f === 0 && Math.min(h, w) / f >= 4; f *= 2) layers++;
  if (layers < 1) {
    throw new Error(`the conv model halves the camera image at each layer: it needs even sides of at least 8 pixels, the task gives ${h}×${w} (use another image size, or model.network=mlp)`);
  }
  return Array.from({ length: layers }, (_, i) => (i < 2 ? 32 : 64));
}

function checkConfig(who: string, imageShape: ImageShape, latentDim: number, layers: number): void {
  const [h, w, c] = imageShape;
  const f = 2 ** layers;
  if (!(Number.isInteger(latentDim) && latentDim >= 1)) throw new Error(`${who}: latentDim must be a positive integer, got ${latentDim}`);
  if (!(c >= 1 && h % f === 0 && w % f === 0 && h >= f && w >= f)) {
    throw new Error(`${who}: image ${h}×${w}×${c} must have sides divisible by 2^${layers} = ${f} (one halving per conv layer)`);
  }
}

export class ImageEncoder {
  readonly params: ParamSet;
  readonly inputShape: ImageShape;
  private readonly convs: Array<{ w: tf.Variable; b: tf.Variable }> = [];
  private readonly dense: Array<{ w: tf.Variable; b: tf.Variable }> = [];

  constructor(readonly config: EncoderConfig, seed: number) {
    const [h, w, c] = config.imageShape;
    const stack = config.frameStack ?? 1;
    if (!(Number.isInteger(stack) && stack >= 1)) throw new Error(`ImageEncoder: frameStack must be a positive integer, got ${stack}`);
    const channels = config.channels ?? defaultChannels(h, w);
    checkConfig('ImageEncoder', config.imageShape, config.latentDim, channels.length);
    this.inputShape = [h, w, c * stack];
    this.params = new ParamSet(seed);
    let cin = c * stack;
    channels.forEach((cout, i) => {
      this.convs.push({ w: this.params.glorot(`enc.conv${i}.w`, [KERNEL, KERNEL, cin, cout]), b: this.params.zeros(`enc.conv${i}.b`, [cout]) });
      cin = cout;
    });
    const flat = (h >> channels.length) * (w >> channels.length) * cin;
    const hidden = config.hidden ?? DEFAULT_HIDDEN;
    this.dense.push({ w: this.params.glorot('enc.fc0.w', [flat, hidden]), b: this.params.zeros('enc.fc0.b', [hidden]) });
    this.dense.push({ w: this.params.glorot('enc.out.w', [hidden, 2 * config.latentDim]), b: this.params.zeros('enc.out.b', [2 * config.latentDim]) });
  }

  /** images [B, H, W, C·k] in [0, 1] → per-image (mean, rawScale), each [B, ds]. */
  apply(images: tf.Tensor4D): { mean: tf.Tensor2D; rawScale: tf.Tensor2D } {
    const [h, w, c] = this.inputShape;
    if (images.rank !== 4 || images.shape[1] !== h || images.shape[2] !== w || images.shape[3] !== c) {
      throw new Error(`ImageEncoder: expected images [B, ${h}, ${w}, ${c}], got [${images.shape}]`);
    }
    return tf.tidy(() => {
      let x: tf.Tensor4D = images;
      for (const { w: f, b } of this.convs) {
        x = tf.fused.conv2d({ x, filter: f as tf.Tensor4D, strides: 2, pad: 'same', bias: b, activation: 'relu' });
      }
      const flat = x.reshape([x.shape[0], -1]) as tf.Tensor2D;
      const hid = tf.fused.matMul({ a: flat, b: this.dense[0].w as tf.Tensor2D, bias: this.dense[0].b, activation: 'relu' });
      const out = tf.fused.matMul({ a: hid, b: this.dense[1].w as tf.Tensor2D, bias: this.dense[1].b });
      const ds = this.config.latentDim;
      return { mean: out.slice([0, 0], [-1, ds]) as tf.Tensor2D, rawScale: out.slice([0, ds], [-1, ds]) as tf.Tensor2D };
    });
  }
}

export class ImageDecoder {
  readonly params: ParamSet;
  private readonly bottom: [number, number, number];
  private readonly dense: Array<{ w: tf.Variable; b: tf.Variable }> = [];
  private readonly deconvs: Array<{ w: tf.Variable; b: tf.Variable; outShape: [number, number, number] }> = [];

  constructor(readonly config: DecoderConfig, seed: number) {
    const [h, w, c] = config.imageShape;
    const channels = config.channels ?? [...defaultChannels(h, w)].reverse();
    const L = channels.length;
    checkConfig('ImageDecoder', config.imageShape, config.latentDim, L);
    this.params = new ParamSet(seed);
    this.bottom = [h >> L, w >> L, channels[0]];
    const hidden = config.hidden ?? DEFAULT_HIDDEN;
    const flat = this.bottom[0] * this.bottom[1] * this.bottom[2];
    this.dense.push({ w: this.params.glorot('dec.fc0.w', [config.latentDim, hidden]), b: this.params.zeros('dec.fc0.b', [hidden]) });
    this.dense.push({ w: this.params.glorot('dec.fc1.w', [hidden, flat]), b: this.params.zeros('dec.fc1.b', [flat]) });
    for (let i = 0; i < L; i++) {
      const cin = channels[i];
      const cout = i + 1 < L ? channels[i + 1] : c;
      const scale = 2 ** (L - 1 - i);
      // conv2dTranspose filters are [kh, kw, out, in].
      this.deconvs.push({
        w: this.params.glorot(`dec.deconv${i}.w`, [KERNEL, KERNEL, cout, cin]),
        b: this.params.zeros(`dec.deconv${i}.b`, [cout]),
        outShape: [h / scale, w / scale, cout],
      });
    }
  }

  /** latents [B, ds] → Bernoulli logits [B, H, W, C]. */
  apply(latents: tf.Tensor2D): tf.Tensor4D {
    if (latents.rank !== 2 || latents.shape[1] !== this.config.latentDim) {
      throw new Error(`ImageDecoder: expected latents [B, ${this.config.latentDim}], got [${latents.shape}]`);
    }
    return tf.tidy(() => {
      const B = latents.shape[0];
      const hid = tf.fused.matMul({ a: latents, b: this.dense[0].w as tf.Tensor2D, bias: this.dense[0].b, activation: 'relu' });
      const flat = tf.fused.matMul({ a: hid, b: this.dense[1].w as tf.Tensor2D, bias: this.dense[1].b, activation: 'relu' });
      let x = flat.reshape([B, ...this.bottom]) as tf.Tensor4D;
      this.deconvs.forEach(({ w, b, outShape }, i) => {
        x = tf.conv2dTranspose(x, w as tf.Tensor4D, [B, ...outShape], 2, 'same').add(b);
        if (i + 1 < this.deconvs.length) x = tf.relu(x);
      });
      return x;
    });
  }
}
