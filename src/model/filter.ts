/**
 * Online filtering for acting (docs/method.md, 'Acting on filtered latents': act on the mean filtered from o_{0:t}): each
 * new image is encoded into ψ_t (with the frame stack of the images seen so far) and absorbed
 * by the information filter of src/gaussian under the current expected dynamics. For the VAE
 * ablation the filtered state is the frame's own posterior N(m_t, diag s_t²).
 */
import { GaussianFilter, type DynamicsExpectations } from '../gaussian/index.js';
import { checkImage } from './dataset.js';
import { encodeSequence } from './inference.js';
import type { SolarModel } from './model.js';

export class LatentFilter {
  private readonly filter: GaussianFilter;
  private frames: Float32Array[] = [];
  private readonly dyn: DynamicsExpectations | null;
  /** Filtered E[x_t | o_{0:t}], ds. */
  readonly mean: Float64Array;
  /** Filtered Cov(x_t | o_{0:t}), ds². */
  readonly cov: Float64Array;

  /** Uses q(θ) as it is now (construct a new filter after the model changes). */
  constructor(private readonly model: SolarModel) {
    this.filter = new GaussianFilter(model.latentDim, model.shape.actionDim);
    this.dyn = model.posterior ? model.dynamicsExpectations() : null;
    this.mean = new Float64Array(model.latentDim);
    this.cov = new Float64Array(model.latentDim ** 2);
  }

  /** Time index of the next image. */
  get t(): number {
    return this.frames.length;
  }

  reset(): void {
    this.frames = [];
    this.filter.reset();
  }

  /** Absorbs image o_t (H·W·C); `uPrev` = u_{t−1} is required for t ≥ 1. Returns this. */
  step(image: Float32Array, uPrev?: ArrayLike<number>): this {
    const { model } = this;
    const [H, W, C] = model.shape.imageShape;
    checkImage(image, [H, W, C], `filter image t=${this.t}`);
    const k = model.config.frame_stack;
    this.frames.push(image);
    // Encode the last k frames as a tiny sequence and keep its final potential.
    const recent = this.frames.slice(-k);
    const seq = new Float32Array(recent.length * image.length);
    recent.forEach((f, i) => seq.set(f, i * image.length));
    const p = encodeSequence(model, seq);
    const ds = model.latentDim;
    const m = p.m.subarray((recent.length - 1) * ds);
    const s = p.s.subarray((recent.length - 1) * ds);
    if (this.dyn) {
      if (this.dyn.count !== 1 && this.t > this.dyn.count + 1) throw new Error(`filter: no dynamics for t=${this.t - 1} (model covers ${this.dyn.count + 1} frames)`);
      this.filter.step(m, s, this.t > 1 ? uPrev : undefined, this.dyn);
      this.mean.set(this.filter.mean);
      this.cov.set(this.filter.cov);
    } else {
      this.mean.set(m);
      this.cov.fill(0);
      for (let i = 0; i < ds; i++) this.cov[i * ds + i] = s[i] * s[i];
    }
    return this;
  }
}
