/**
 * The structured latent model (src/model) seen through the SOLAR agent's `LatentModel`:
 * potentials from its encoder, its global q(θ), x_0 ~ N(0, I).
 */
import type { InitialState, MniwPosterior } from '../../gaussian/index.js';
import { encodeSequence, type SolarModel } from '../../model/index.js';
import type { LatentModel, Potentials } from './types.js';

export class StructuredLatentModel implements LatentModel {
  readonly ds: number;
  readonly da: number;
  readonly frameStack: number;
  private readonly init: InitialState;

  constructor(readonly model: SolarModel) {
    if (!model.posterior) throw new Error("solar: the agent needs the model's linear dynamics prior (model.prior = 'lds'), not the VAE ablation's N(0, I)");
    this.ds = model.latentDim;
    this.da = model.shape.actionDim;
    this.frameStack = model.config.frame_stack;
    const cov = new Float64Array(this.ds * this.ds);
    for (let i = 0; i < this.ds; i++) cov[i * this.ds + i] = 1;
    this.init = { mean: new Float64Array(this.ds), cov };
  }

  encode(frames: readonly Float32Array[]): Potentials {
    const n = frames.reduce((a, f) => a + f.length, 0);
    const images = new Float32Array(n);
    let o = 0;
    for (const f of frames) {
      images.set(f, o);
      o += f.length;
    }
    return encodeSequence(this.model, images);
  }

  globalDynamics(): MniwPosterior {
    return this.model.posterior!;
  }

  initialState(): InitialState {
    return this.init;
  }
}
