/**
 * Shared shapes of the controller. Time-indexed matrices are stacked in one Float64Array,
 * row-major within each block: e.g. K_t is `K.subarray(t·du·dx, (t+1)·du·dx)`, du×dx.
 *
 * Time convention (one for the whole module): a trajectory has T actions u_0..u_{T−1},
 * T+1 states x_0..x_T, T transitions x_{t+1} = f_t(x_t, u_t) and T+1 cost terms
 * ℓ_t(x_t, u_t) for t < T plus a state-only terminal ℓ_T(x_T). Costs: lower is better.
 */

/** Time-varying linear-Gaussian policy p(u_t | x_t) = N(K_t x_t + k_t, S_t). */
export interface LinearGaussianPolicy {
  readonly T: number;
  readonly dx: number;
  readonly du: number;
  /** T × du × dx feedback gains. */
  readonly K: Float64Array;
  /** T × du open-loop terms. */
  readonly k: Float64Array;
  /** T × du × du action covariances S_t. */
  readonly S: Float64Array;
  /** T × du × du lower Cholesky factors of S_t (sampling: u = K x + k + chol(S) ε). */
  readonly cholS: Float64Array;
  /** T × du × du precisions S_t⁻¹ (the KL term of the LQR-FLM cost needs them). */
  readonly invS: Float64Array;
  /** T entries log det S_t. */
  readonly logDetS: Float64Array;
}

/**
 * Time-varying linear-Gaussian dynamics x_{t+1} ~ N(A_t x_t + B_t u_t + a_t, W_t) with the
 * initial state x_0 ~ N(mu0, Sigma0). F_t = [A_t B_t] is stored as one dx × (dx+du) block.
 */
export interface LinearDynamics {
  readonly T: number;
  readonly dx: number;
  readonly du: number;
  /** T × dx × (dx+du): [A_t B_t]. */
  readonly F: Float64Array;
  /** T × dx: a_t. */
  readonly f: Float64Array;
  /** T × dx × dx: noise covariances W_t. */
  readonly W: Float64Array;
  readonly mu0: Float64Array;
  readonly Sigma0: Float64Array;
}

/**
 * Time-varying quadratic cost on z = [x; u] (dz = dx+du):
 *   ℓ_t(z) = ½ zᵀ C_t z + c_tᵀ z + c0_t,  t = 0..T.
 * At t = T only the x-block is used (terminal cost, no action).
 */
export interface QuadraticCost {
  readonly T: number;
  readonly dx: number;
  readonly du: number;
  /** (T+1) × dz × dz, symmetric. */
  readonly C: Float64Array;
  /** (T+1) × dz. */
  readonly c: Float64Array;
  /** T+1 constants. */
  readonly c0: Float64Array;
}

/** N rollouts of equal length T, stored densely. */
export interface TrajectoryBatch {
  readonly N: number;
  readonly T: number;
  readonly dx: number;
  readonly du: number;
  /** N × (T+1) × dx states. */
  readonly X: Float64Array;
  /** N × T × du actions (as executed). */
  readonly U: Float64Array;
  /** N × T observed costs c_t (env convention: cost of x_t plus the action's cost). */
  readonly cost: Float64Array;
}

/** Gaussian state marginals p(x_t) for t = 0..T, and the action means/covariances under a policy. */
export interface StateDistribution {
  readonly T: number;
  readonly dx: number;
  readonly du: number;
  /** (T+1) × dx. */
  readonly mu: Float64Array;
  /** (T+1) × dx × dx. */
  readonly Sigma: Float64Array;
}
