/**
 * The `solar model` config: task, random-policy data (training and held-out rollouts),
 * training length, backend, the model's own settings (`model.*`, src/model/config.ts) and
 * output settings. Resolution: command defaults → task parameters → per-task model defaults →
 * flags → `--set` overrides.
 */
import { z } from 'zod';
import { MODEL_DEFAULTS, modelConfigSchema } from '../model/index.js';
import { MODEL_BY_TASK, taskRow } from './presets.js';

export const modelJobSchema = z
  .object({
    command: z.literal('model'),
    seed: z.number().int({ message: 'seed must be an integer' }),
    env: z.object({ name: z.string() }).passthrough(),
    /** Training rollouts of the random policy u ~ N(0, action_std²). */
    rollouts: z.number().int().min(1).max(100_000),
    /** Held-out rollouts for R² and the one-step error. */
    eval_rollouts: z.number().int().min(1).max(100_000),
    action_std: z.number().nonnegative(),
    steps: z.number().int().min(0),
    backend: z.enum(['wasm', 'cpu', 'tensorflow', 'auto']),
    model: modelConfigSchema,
    output: z
      .object({
        /** Training steps per metrics line (losses averaged over them). */
        log_every: z.number().int().min(1),
        /** Steps between checkpoints (0: only the final one). */
        checkpoint_every: z.number().int().min(0),
        /** Frames in the input-vs-reconstruction strip. */
        strip_frames: z.number().int().min(1).max(64),
        strip_scale: z.number().int().min(1).max(16),
      })
      .strict(),
  })
  .strict();
export type ModelJobConfig = z.infer<typeof modelJobSchema>;

export function modelJobDefaults(p: { env: string; seed: number; prior?: 'lds' | 'normal'; rollouts?: number; steps?: number }) {
  return {
    command: 'model',
    seed: p.seed,
    env: { name: p.env, render: true },
    rollouts: p.rollouts ?? 100,
    eval_rollouts: 20,
    action_std: 0.5,
    steps: p.steps ?? 2000,
    backend: 'auto',
    model: { ...MODEL_DEFAULTS, ...taskRow(MODEL_BY_TASK, p.env, {}), ...(p.prior ? { prior: p.prior } : {}) },
    output: { log_every: 50, checkpoint_every: 500, strip_frames: 10, strip_scale: 4 },
  };
}
