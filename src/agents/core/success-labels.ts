/**
 * Who says whether a training rollout of a sparse task ended in success (docs/method.md,
 * 'Sparse tasks'). `agent.labels`:
 * - `task`: the task's own signal, at every step (c_t = 0 inside the success distance) and at
 *   the end; every latent x_0..x_T of an episode is labelled.
 * - `final`: the task's success at the end of each rollout only: only x_T is labelled — what a
 *   person watching each rollout's end can give, with the task as the person.
 * - `human`: as `final`, the label given by a person (the page of `solar serve`, or the
 *   terminal), the paper's mug pushing, where a key press is the only reward.
 * The labels decide the success model and J_end (agent.keep_best); the metrics keep the task's
 * own success, where it has one.
 */
export const SUCCESS_LABELS = ['task', 'final', 'human'] as const;
export type SuccessLabels = (typeof SUCCESS_LABELS)[number];

/** What a labeller sees of one rollout: its reset seed, camera images o_0..o_T and the task's own verdict. */
export interface LabelledEpisode {
  readonly seed: number;
  readonly frames: readonly Float32Array[];
  /** The task's success at the end (a real robot's task may not know: then false). */
  readonly success: boolean;
}

/** One iteration's rollouts, in the order they were played. */
export interface LabelRequest {
  readonly iteration: number;
  readonly episodes: readonly LabelledEpisode[];
}

/** Gives each rollout of an iteration its final success label (the job's: it records them in labels.jsonl). */
export type SuccessLabeller = (request: LabelRequest) => Promise<boolean[]>;

/**
 * The final success flags the success model learns from: the labeller's when there is one,
 * else the task's own; `human` labels need a labeller (a person to ask).
 */
export async function finalSuccesses(labels: SuccessLabels, labeller: SuccessLabeller | null, request: LabelRequest, who: string): Promise<boolean[]> {
  if (!labeller) {
    if (labels === 'human') throw new Error(`${who}: agent.labels is 'human', but no one was given to ask (solar train asks on the page of solar serve or in the terminal)`);
    return request.episodes.map((e) => e.success);
  }
  const given = await labeller(request);
  if (given.length !== request.episodes.length || !given.every((g) => typeof g === 'boolean')) {
    throw new Error(`${who}: the labeller gave ${given.length} labels for ${request.episodes.length} rollouts of iteration ${request.iteration}`);
  }
  return given;
}
