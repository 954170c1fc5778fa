/**
 * What the SOLAR agent needs from a latent model (the structured VAE of src/model, or a test
 * double): potentials ψ_t(x_t) = N(m_t, diag(s_t²)) from images, and the learned global
 * dynamics q(θ) used as the prior of the local fits and to filter online.
 */
import type { InitialState, MniwPosterior } from '../../gaussian/index.js';

export interface Potentials {
  /** Means and scales, frames·ds each (row t for frame t). */
  readonly m: Float64Array;
  readonly s: Float64Array;
}

export interface LatentModel {
  readonly ds: number;
  readonly da: number;
  /** How many frames (the current one and earlier ones) the encoder looks at; 1 = none earlier. */
  readonly frameStack: number;
  /**
   * Potentials of every frame of a sequence o_0..o_t (a frame-stacking encoder may look at
   * earlier frames of the same sequence, never later ones, so the result for frame t is the
   * same whether or not later frames are passed — acting online relies on that).
   */
  encode(frames: readonly Float32Array[]): Potentials | Promise<Potentials>;
  /** The global q(θ) (time-varying over the T transitions, or shared). */
  globalDynamics(): MniwPosterior;
  /** Prior of x_0 (N(0, I) in the method). */
  initialState(): InitialState;
  /**
   * Model refinement (docs/method.md, 'The improvement loop', step 2): `steps` training steps on the pretraining data
   * together with these episodes. A model without it stays frozen after pretraining (parasol).
   */
  refine?(episodes: readonly RefinementEpisode[], steps: number): void;
}

/** What refinement needs of an episode: images o_0..o_T, actions u_0..u_{T−1} (T·da), costs c_0..c_{T−1}, states s_0..s_T. */
export interface RefinementEpisode {
  readonly frames: readonly Float32Array[];
  readonly actions: Float64Array;
  readonly costs: Float64Array;
  readonly states: readonly Float64Array[];
}
