/**
 * The `solar train` config: method, observation, task, the method's own parameters
 * (`agent.*`, with per-task presets) and output settings. Resolution order: command
 * defaults → task parameters → method defaults → preset → flags → `--set` overrides.
 */
import { z } from 'zod';
import { lqrflmConfig, lqrflmStatePreset } from '../agents/lqrflm/index.js';

export const METHODS = {
  lqrflm: { obs: ['state'] as const, description: 'LQR-FLM on the true state (the controller of SOLAR, without the latent model)' },
} as const;
export type MethodName = keyof typeof METHODS;

export const trainOutputSchema = z
  .object({
    /** Evaluation episodes of the final policy drawn as GIFs. */
    gif_episodes: z.number().int().min(0).max(100),
    gif_scale: z.number().int().min(1).max(16),
    gif_fps: z.number().positive().max(100),
  })
  .strict();

export const trainConfigSchema = z
  .object({
    command: z.literal('train'),
    seed: z.number().int({ message: 'seed must be an integer' }),
    method: z.enum(Object.keys(METHODS) as [MethodName, ...MethodName[]]),
    obs: z.enum(['state', 'pixels']),
    preset: z.enum(['default', 'paper', 'quick']),
    env: z.object({ name: z.string() }).passthrough(),
    agent: z.record(z.string(), z.unknown()),
    output: trainOutputSchema,
  })
  .strict()
  .superRefine((c, ctx) => {
    const allowed: readonly string[] = METHODS[c.method].obs;
    if (!allowed.includes(c.obs)) {
      ctx.addIssue({ code: 'custom', path: ['obs'], message: `method '${c.method}' runs on ${allowed.join(' or ')} observations, not '${c.obs}'` });
    }
    if (c.method === 'lqrflm') {
      const r = lqrflmConfig.safeParse(c.agent);
      if (!r.success) for (const issue of r.error.issues) ctx.addIssue({ ...issue, path: ['agent', ...issue.path] } as z.core.$ZodRawIssue);
    }
  });
export type TrainConfig = z.infer<typeof trainConfigSchema>;

/** Quick presets: small enough for tests and a first look. */
const QUICK: Record<MethodName, Record<string, unknown>> = {
  lqrflm: { iterations: 3, rollouts: 10, eval_episodes: 5 },
};

/** The method's parameter defaults for a task and preset. */
export function agentDefaults(method: MethodName, envName: string, preset: TrainConfig['preset']): Record<string, unknown> {
  const base = lqrflmConfig.parse({});
  // paper: parasol's values (kl_step 2.0) without our per-task tuning.
  const task = preset === 'paper' ? { kl_step: 2.0 } : lqrflmStatePreset(envName);
  return { ...base, ...task, ...(preset === 'quick' ? QUICK[method] : {}) };
}

export function trainDefaults(p: { env: string; method: MethodName; obs: 'state' | 'pixels'; preset: TrainConfig['preset']; seed: number }) {
  return {
    command: 'train',
    seed: p.seed,
    method: p.method,
    obs: p.obs,
    preset: p.preset,
    env: { name: p.env, render: p.obs === 'pixels' },
    agent: agentDefaults(p.method, p.env, p.preset),
    output: { gif_episodes: 2, gif_scale: 4, gif_fps: 10 },
  };
}
