/**
 * The model's two networks behind one small interface, built from the config: the conv
 * encoder/decoder of src/nn (stride-2 from the first layer) or the dense ones of mlp.ts.
 *   encoder: images [B, H, W, C·k] → (mean, rawScale) [B, ds], potential scale softplus(raw) + 0.01
 *   decoder: latents [B, ds] → Bernoulli logits [B, H, W, C] of o_t (the stack's last frame)
 */
import type * as tf from '@tensorflow/tfjs';
import { ImageDecoder, ImageEncoder } from '../nn/networks.js';
import { deriveSeed } from '../random/rng.js';
import type { ModelConfig } from './config.js';
import { MlpDecoder, MlpEncoder, type NamedWeights } from './mlp.js';

export type { NamedWeights };

export interface ParamStore {
  variables(): tf.Variable[];
  getWeights(): NamedWeights[];
  setWeights(w: NamedWeights[]): void;
  dispose(): void;
}

export interface Encoder {
  readonly params: ParamStore;
  apply(images: tf.Tensor4D): { mean: tf.Tensor2D; rawScale: tf.Tensor2D };
}

export interface Decoder {
  readonly params: ParamStore;
  apply(latents: tf.Tensor2D): tf.Tensor4D;
}

export function buildNetworks(c: ModelConfig, imageShape: [number, number, number], seed: number): { encoder: Encoder; decoder: Decoder } {
  const [h, w, ch] = imageShape;
  const encSeed = deriveSeed(seed, 101);
  const decSeed = deriveSeed(seed, 102);
  if (c.network === 'mlp') {
    return {
      encoder: new MlpEncoder([h, w, ch * c.frame_stack], c.latent_dim, c.hidden, encSeed),
      decoder: new MlpDecoder(imageShape, c.latent_dim, c.hidden, decSeed),
    };
  }
  return {
    encoder: new ImageEncoder({ imageShape, latentDim: c.latent_dim, frameStack: c.frame_stack, hidden: c.hidden }, encSeed),
    decoder: new ImageDecoder({ imageShape, latentDim: c.latent_dim, hidden: c.hidden }, decSeed),
  };
}
