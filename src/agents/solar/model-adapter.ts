/**
 * The structured latent model (src/model) seen through the SOLAR agent's `LatentModel`:
 * potentials from its encoder, its global q(θ), x_0 ~ N(0, I), and refinement by further
 * training steps.
 */
import type { InitialState, MniwPosterior } from '../../gaussian/index.js';
import { encodeSequence, toSequence, trainStep, type Sequence, type SequenceSet, type SolarModel, type StateCostFn } from '../../model/index.js';
import { concatFloat32 } from '../../util/concat.js';
import type { LatentModel, Potentials, RefinementEpisode } from '../core/latent-model.js';

export class StructuredLatentModel implements LatentModel {
  readonly ds: number;
  readonly da: number;
  readonly frameStack: number;
  private readonly init: InitialState;

  /**
   * `pretraining`: the sequences the model was pretrained on, which refinement keeps training on;
   * `stateCost`: how their costs were made from (c_t, u_t), applied to the new episodes alike.
   */
  constructor(
    readonly model: SolarModel, private readonly pretraining: SequenceSet | null = null,
    private readonly stateCost?: StateCostFn,
  ) {
    if (!model.posterior) throw new Error("solar: the agent needs the model's linear dynamics prior (model.prior = 'lds'), not the VAE ablation's N(0, I)");
    this.ds = model.latentDim;
    this.da = model.shape.actionDim;
    this.frameStack = model.config.frame_stack;
    const cov = new Float64Array(this.ds * this.ds);
    for (let i = 0; i < this.ds; i++) cov[i * this.ds + i] = 1;
    this.init = { mean: new Float64Array(this.ds), cov };
  }

  encode(frames: readonly Float32Array[]): Potentials {
    return encodeSequence(this.model, concatFloat32(frames));
  }

  globalDynamics(): MniwPosterior {
    return this.model.posterior!;
  }

  initialState(): InitialState {
    return this.init;
  }

  /**
   * `steps` training steps (Adam for the networks, SVI for q(θ), as in pretraining) on the
   * pretraining sequences together with `episodes`. Only the newest episodes join: the cost
   * per step stays that of pretraining, and a resumed run rebuilds exactly the same data
   * (pretraining rollouts are re-collected from their seeds; older iterations' images are not kept).
   */
  refine(episodes: readonly RefinementEpisode[], steps: number): void {
    const { length: L, imageShape, actionDim: da } = this.model.shape;
    const fresh: Sequence[] = episodes.map((e, n) => {
      if (e.frames.length !== L) throw new Error(`solar refine: episode ${n} has ${e.frames.length} frames, the model expects ${L}`);
      return toSequence({ frames: e.frames, action: (t) => e.actions.subarray(t * da, (t + 1) * da), costs: e.costs, states: e.states }, imageShape, da, this.stateCost, `solar refine: episode ${n}`);
    });
    const data: SequenceSet = {
      length: L, imageShape, actionDim: da, stateDim: this.pretraining?.stateDim ?? episodes[0]?.states[0]?.length ?? 0,
      sequences: [...(this.pretraining?.sequences ?? []), ...fresh],
    };
    for (let s = 0; s < steps; s++) trainStep(this.model, data);
  }
}
