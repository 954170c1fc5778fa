/**
 * The structured latent variable model's state: encoder and decoder networks, the optional
 * quadratic cost head, the global dynamics posterior q(θ) (MNIW, natural parameters; absent
 * for the VAE ablation), Adam, the training RNG and step counters. Training is in train.ts,
 * inference (encode / smooth / filter / decode / dynamics) in inference.ts, checkpoints in
 * state.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { defaultMniwPrior, MniwPosterior, type DynamicsExpectations, type Mniw } from '../gaussian/index.js';
import { deriveSeed, Rng } from '../random/rng.js';
import { ClippedAdam } from './adam.js';
import { modelConfigSchema, type ModelConfig } from './config.js';
import type { ImageShape } from './dataset.js';
import { LatentOp } from './latent-op.js';
import { ParamSet } from '../nn/params.js';
import { buildNetworks, type Decoder, type Encoder } from './networks.js';
import { formatZodError } from '../util/zod.js';
import type { ShardWorkers } from './shard-workers.js';

/** The default MNIW prior with V = v·I. */
function scaledPrior(p: Mniw, v: number): Mniw {
  return { ...p, V: p.V.map((x) => x * v) };
}

export interface ModelShape {
  /** One observation H×W×C. */
  readonly imageShape: ImageShape;
  readonly actionDim: number;
  /** Frames per training sequence (episode horizon + 1). */
  readonly length: number;
}

export interface CostHead {
  readonly params: ParamSet;
  readonly W: tf.Variable;
  readonly c: tf.Variable;
  readonly b: tf.Variable;
}

export class SolarModel {
  readonly config: ModelConfig;
  readonly shape: ModelShape;
  readonly seed: number;
  readonly encoder: Encoder;
  readonly decoder: Decoder;
  readonly costHead: CostHead | null;
  /** q(θ); null for the VAE ablation (prior 'normal'). */
  readonly posterior: MniwPosterior | null;
  readonly adam: ClippedAdam;
  /** The training op (one workspace per minibatch sequence). */
  readonly op: LatentOp | null;
  /** Minibatch order and ε of the reparameterised samples. */
  rng: Rng;
  /** Adam steps taken. */
  step = 0;
  /** SVI updates of q(θ) taken. */
  sviSteps = 0;
  /** Threads that run minibatch shards besides this one (shards.ts); null: all run here. */
  shardWorkers: ShardWorkers | null = null;
  private dynCache: DynamicsExpectations | null = null;

  constructor(config: ModelConfig, shape: ModelShape, seed: number) {
    const parsed = modelConfigSchema.safeParse(config);
    if (!parsed.success) throw new Error(`invalid model config:\n${formatZodError(parsed.error, 'model')}`);
    this.config = parsed.data;
    const [h, w, c] = shape.imageShape;
    if (![h, w, c].every((x) => Number.isInteger(x) && x >= 1)) throw new Error(`model: bad image shape [${shape.imageShape}]`);
    if (!(Number.isInteger(shape.length) && shape.length >= 2)) throw new Error(`model: sequences need ≥ 2 frames, got ${shape.length}`);
    this.shape = { imageShape: [h, w, c], actionDim: shape.actionDim, length: shape.length };
    this.seed = seed;
    const ds = this.config.latent_dim;
    const nets = buildNetworks(this.config, this.shape.imageShape, seed);
    this.encoder = nets.encoder;
    this.decoder = nets.decoder;
    if (this.config.cost_head) {
      const params = new ParamSet(deriveSeed(seed, 103));
      this.costHead = { params, W: params.zeros('cost.W', [ds, ds]), c: params.zeros('cost.c', [ds]), b: params.zeros('cost.b', [1]) };
    } else {
      this.costHead = null;
    }
    if (this.config.prior === 'lds') {
      const count = this.config.dynamics === 'shared' ? 1 : shape.length - 1;
      this.posterior = new MniwPosterior({
        ds, da: shape.actionDim, count,
        prior: scaledPrior(defaultMniwPrior(ds, shape.actionDim, this.config.psi_scale), this.config.prior_v_scale),
        noiseFloor: this.config.noise_floor,
      });
      this.op = new LatentOp(shape.length, ds, shape.actionDim);
    } else {
      this.posterior = null;
      this.op = null;
    }
    this.adam = new ClippedAdam(this.variables(), { lr: this.config.learning_rate, clipNorm: this.config.clip_norm });
    this.rng = new Rng(deriveSeed(seed, 104));
  }

  get latentDim(): number {
    return this.config.latent_dim;
  }

  /** Trainable variables in a fixed order: encoder, decoder, cost head. */
  variables(): tf.Variable[] {
    return [...this.encoder.params.variables(), ...this.decoder.params.variables(), ...(this.costHead?.params.variables() ?? [])];
  }

  /** E[Σ⁻¹], E[Σ⁻¹F], E[FᵀΣ⁻¹F], E[log|Σ|] of q(θ) (cached until q(θ) changes). */
  dynamicsExpectations(): DynamicsExpectations {
    if (!this.posterior) throw new Error('model: the VAE ablation (prior normal) has no learned dynamics');
    if (!this.dynCache) this.dynCache = this.posterior.expectations();
    return this.dynCache;
  }

  /** Call after changing q(θ) directly. */
  invalidateDynamics(): void {
    this.dynCache = null;
  }

  dispose(): void {
    this.shardWorkers?.close();
    this.shardWorkers = null;
    this.encoder.params.dispose();
    this.decoder.params.dispose();
    this.costHead?.params.dispose();
    this.adam.dispose();
  }
}
