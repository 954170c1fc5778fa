/**
 * The model's two networks behind one small interface, built from the config: the conv
 * encoder/decoder of src/nn (stride-2 from the first layer), the conv encoder with coordinate
 * channels and a spatial broadcast decoder, or the dense ones of mlp.ts.
 *   encoder: images [B, H, W, C·k] → (mean, rawScale) [B, ds], potential scale softplus(raw) + 0.01
 *   decoder: latents [B, ds] → Bernoulli logits [B, H, W, C] (C·k with decode_stack)
 */
import type * as tf from '@tensorflow/tfjs';
import { BroadcastDecoder } from '../nn/broadcast.js';
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
  const decodedShape: [number, number, number] = [h, w, ch * decodedFrames(c)];
  const encSeed = deriveSeed(seed, 101);
  const decSeed = deriveSeed(seed, 102);
  if (c.network === 'mlp') {
    return {
      encoder: new MlpEncoder([h, w, ch * c.frame_stack], c.latent_dim, c.hidden, encSeed),
      decoder: new MlpDecoder(decodedShape, c.latent_dim, c.hidden, decSeed),
    };
  }
  const broadcast = c.network === 'broadcast';
  return {
    encoder: new ImageEncoder({ imageShape, latentDim: c.latent_dim, frameStack: c.frame_stack, hidden: c.hidden, coords: broadcast }, encSeed),
    decoder: broadcast
      ? new BroadcastDecoder({ imageShape: decodedShape, latentDim: c.latent_dim }, decSeed)
      : new ImageDecoder({ imageShape: decodedShape, latentDim: c.latent_dim, hidden: c.hidden }, decSeed),
  };
}

/** Frames the decoder reconstructs from x_t: the whole stack with decode_stack, else o_t alone. */
export function decodedFrames(c: Pick<ModelConfig, 'frame_stack' | 'decode_stack'>): number {
  return c.decode_stack ? c.frame_stack : 1;
}
