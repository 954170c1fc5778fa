/**
 * The KL-constrained LQR-FLM step with its bookkeeping from one iteration to the next, as
 * every LQR-FLM loop here takes it (SOLAR, the VAE ablation, LQR-FLM on the true state):
 *
 *   ε_i = kl_step · T · step_mult_i
 *   step_mult_i = adaptStepMult(step_mult_{i−1}, J(p_{i−1}; model_{i−1}), predicted J(p_i; model_{i−1}),
 *                               J(p_{i−1}; model_i))      (when adapt_step; step-size.ts)
 *   p_{i+1}, η_i = lqrflmUpdate(p_i, dynamics_i, cost_i, ε_i), the η search warm-started at η_{i−1}
 *
 * Its whole state (step_mult, η, the previous step's expected costs) is plain data, so a
 * checkpoint holds it and a resumed loop takes the same steps.
 */
import { expectedTotalCost } from './forward.js';
import { lqrflmUpdate, LqrflmWork, type LqrflmResult } from './lqrflm.js';
import { adaptStepMult } from './step-size.js';
import type { LinearDynamics, LinearGaussianPolicy, QuadraticCost } from './types.js';

/** The settings of the step (the agents' config fields of the same names). */
export interface KlStepSettings {
  readonly kl_step: number;
  readonly adapt_step: boolean;
  readonly min_step_mult: number;
  readonly max_step_mult: number;
  readonly eta_min: number;
  readonly eta_max: number;
  readonly eta_max_tries: number;
  readonly kl_tolerance: number;
}

/** What a checkpoint keeps of the step between iterations. */
export interface KlStepState {
  stepMult: number;
  eta: number;
  /** The previous step's expected cost of the old policy and of the new one, both under its model. */
  prev: { old: number; predicted: number } | null;
}

export class KlStep {
  private state: KlStepState = { stepMult: 1, eta: 1, prev: null };
  private readonly work: LqrflmWork;

  constructor(private readonly settings: KlStepSettings, readonly T: number, dx: number, du: number) {
    this.work = new LqrflmWork(T, dx, du);
  }

  /**
   * Adapts step_mult from how the previous step fared under this iteration's model, then
   * takes the step from `policy`; returns the update and its bound ε.
   */
  update(policy: LinearGaussianPolicy, dyn: LinearDynamics, cost: QuadraticCost, iteration: number): LqrflmResult {
    const c = this.settings;
    const s = this.state;
    if (s.prev && c.adapt_step) {
      const actual = expectedTotalCost(policy, dyn, cost);
      s.stepMult = adaptStepMult(s.stepMult, s.prev.old, s.prev.predicted, actual, c.min_step_mult, c.max_step_mult).stepMult;
    }
    const r = lqrflmUpdate(policy, dyn, cost, {
      klBound: c.kl_step * this.T * s.stepMult,
      etaInit: s.eta, etaMin: c.eta_min, etaMax: c.eta_max, maxTries: c.eta_max_tries, tol: c.kl_tolerance, iteration,
    }, this.work);
    s.prev = { old: r.expectedCostOld, predicted: r.expectedCostNew };
    s.eta = r.eta;
    return r;
  }

  /** The multiplier the last `update` used (1 before any). */
  get stepMult(): number {
    return this.state.stepMult;
  }

  getState(): KlStepState {
    return { ...this.state, prev: this.state.prev && { ...this.state.prev } };
  }

  setState(s: KlStepState): void {
    this.state = { stepMult: s.stepMult, eta: s.eta, prev: s.prev && { ...s.prev } };
  }
}
