/**
 * The `solar train` config: method, observation, task, the method's own parameters
 * (`agent.*`; for SOLAR also `model.*` and `pretrain.*`), presets and output settings.
 * Resolution order: command defaults → task parameters → method defaults → preset → flags →
 * `--set` overrides.
 */
import { z } from 'zod';
import { knownCostTasks, lqrflmConfig } from '../agents/lqrflm/index.js';
import { ppoConfig } from '../agents/ppo/config.js';
import { solarAgentConfig } from '../agents/solar/config.js';
import { vaeAgentConfig } from '../agents/vae/config.js';
import { mpcAgentConfig } from '../agents/mpc/config.js';
import { MODEL_DEFAULTS, modelConfigSchema } from '../model/index.js';
import { LATENT_BY_TASK, LATENT_PAPER, LATENT_PAPER_BY_TASK, LQRFLM_BY_TASK, LQRFLM_PAPER, MODEL_BY_TASK, MPC_PAPER, PPO_PIXELS, PRETRAIN_DEFAULTS, QUICK, taskRow, type Layer } from './presets.js';
import { isConfigObject } from './overrides.js';
import { resolveConfig } from './resolve-config.js';

export const METHODS = {
  solar: { obs: ['pixels'] as const, description: 'SOLAR: structured latent model + LQR-FLM in latent space, from images' },
  lqrflm: { obs: ['state'] as const, description: 'LQR-FLM on the true state (the controller of SOLAR, without the latent model)' },
  ppo: { obs: ['state', 'pixels'] as const, description: 'PPO, the model-free baseline: clipped surrogate and GAE, an MLP on the state or a conv encoder on images' },
  vae: { obs: ['pixels'] as const, description: 'VAE ablation: N(0, I) prior per frame, LQR-FLM on encoder means with a GMM dynamics prior, from images' },
  mpc: { obs: ['pixels'] as const, description: 'MPC ablation: SOLAR\'s encoder, a learned latent forward model and cost, CEM re-planning every step, from images' },
} as const;
export type MethodName = keyof typeof METHODS;
export const PRESETS = ['default', 'paper', 'quick'] as const;
export type Preset = (typeof PRESETS)[number];

export const trainOutputSchema = z
  .object({
    /** Rollouts drawn as GIFs (per iteration for SOLAR, of the final policy for LQR-FLM). */
    gif_episodes: z.number().int().min(0).max(100),
    /** Pixels per image pixel in the GIFs. */
    gif_scale: z.number().int().min(1).max(16),
    /** Frames per second of the GIFs. */
    gif_fps: z.number().positive().max(100),
  })
  .strict();

/** Held-out random rollouts the pretrained model is scored on by default, as many as `solar model` holds out. */
export const PRETRAINED_HELD_OUT = 20;

export const pretrainSchema = z
  .object({
    /** Random-policy rollouts u ~ N(0, action_std²) the model is pretrained on (parasol reacher: 100). */
    rollouts: z.number().int().min(1),
    /** Standard deviation of the random actions. */
    action_std: z.number().nonnegative(),
    /** Model training steps (minibatches of sequences) before the first iteration. */
    steps: z.number().int().min(0),
    /** Steps per line of pretrain.jsonl. */
    log_every: z.number().int().min(1),
    /**
     * Held-out random rollouts on which the pretrained model's R² and one-step error are
     * measured (pretrained-model.json); 0: not measured. Absent in runs made before it: 20.
     */
    eval_rollouts: z.number().int().min(0).optional(),
  })
  .strict();

export const trainConfigSchema = z
  .object({
    command: z.literal('train'),
    seed: z.number().int({ message: 'seed must be an integer' }),
    method: z.enum(Object.keys(METHODS) as [MethodName, ...MethodName[]]),
    obs: z.enum(['state', 'pixels']),
    preset: z.enum(PRESETS),
    env: z.object({ name: z.string() }).passthrough(),
    agent: z.record(z.string(), z.unknown()),
    backend: z.enum(['wasm', 'cpu', 'tensorflow', 'auto']).optional(),
    model: z.record(z.string(), z.unknown()).optional(),
    pretrain: pretrainSchema.optional(),
    output: trainOutputSchema,
  })
  .strict()
  .superRefine((c, ctx) => {
    const allowed: readonly string[] = METHODS[c.method].obs;
    if (!allowed.includes(c.obs)) {
      ctx.addIssue({ code: 'custom', path: ['obs'], message: `method '${c.method}' runs on ${allowed.join(' or ')} observations, not '${c.obs}'` });
    }
    // Every job renders exactly when it observes pixels; a different env.render would be
    // ignored yet recorded in config.json, so it is refused here rather than silently kept.
    const render = (c.env as Record<string, unknown>).render;
    if (render !== undefined && render !== (c.obs === 'pixels')) {
      const why = c.obs === 'pixels' ? `${c.method} from pixels needs the camera, so it always renders` : `${c.method} from the state never renders its training episodes`;
      ctx.addIssue({ code: 'custom', path: ['env', 'render'], message: `set to ${String(render)}, which would be ignored: ${why}; drop --set env.render` });
    }
    const check = (schema: z.ZodType, value: unknown, path: string) => {
      const r = schema.safeParse(value);
      if (!r.success) for (const issue of r.error.issues) ctx.addIssue({ ...issue, path: [path, ...issue.path] } as z.core.$ZodRawIssue);
    };
    if (c.method === 'ppo') {
      check(ppoConfig, c.agent, 'agent');
      return;
    }
    check(c.method === 'lqrflm' ? lqrflmConfig : c.method === 'vae' ? vaeAgentConfig : c.method === 'mpc' ? mpcAgentConfig : solarAgentConfig, c.agent, 'agent');
    if (c.method !== 'lqrflm') {
      check(modelConfigSchema, c.model, 'model');
      if (!c.pretrain) ctx.addIssue({ code: 'custom', path: ['pretrain'], message: `${c.method} needs pretrain settings` });
    }
  });
export type TrainConfig = z.infer<typeof trainConfigSchema>;

/** `src` without the keys `schema` lacks (the ablations take SOLAR's task rows). */
function only(schema: { shape: object }, src: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(src).filter(([k]) => k in schema.shape));
}

/**
 * The config `solar train` starts from for a task, method and preset, before the task's own
 * parameters and `--set`: the schema defaults, then the rows of presets.ts (the task's in the
 * `default` preset, the paper's or the quick preset's).
 */
export function trainDefaults(p: { env: string; method: MethodName; obs: 'state' | 'pixels'; preset: Preset; seed: number }) {
  const paper = p.preset === 'paper';
  const quick = p.preset === 'quick' ? QUICK[p.method] : {};
  const output = { gif_episodes: 2, gif_scale: 4, gif_fps: 10 };
  const base = { command: 'train', seed: p.seed, method: p.method, obs: p.obs, preset: p.preset, env: { name: p.env, render: p.obs === 'pixels' } };
  if (p.method === 'lqrflm') {
    const task = paper ? LQRFLM_PAPER : taskRow(LQRFLM_BY_TASK, p.env.replace(/-sparse$/, ''), {});
    // A user's task has no analytic cost here: LQR-FLM fits one to the observed costs.
    const fitted = knownCostTasks().includes(p.env.replace(/-sparse$/, '')) ? {} : { cost: 'fitted' as const };
    return { ...base, agent: { ...lqrflmConfig.parse({}), ...task.agent, ...fitted, ...quick.agent }, output };
  }
  if (p.method === 'ppo') {
    return { ...base, backend: 'wasm', agent: { ...ppoConfig.parse({}), ...(p.obs === 'pixels' ? PPO_PIXELS.agent : {}), ...quick.agent }, output };
  }
  // SOLAR and its ablations: one budget and model; the VAE's prior is N(0, I).
  const task: Layer = paper ? {} : taskRow(LATENT_BY_TASK, p.env, {});
  const pp: Layer = paper ? taskRow(LATENT_PAPER_BY_TASK, p.env, LATENT_PAPER) : {};
  const agentSchema = p.method === 'vae' ? vaeAgentConfig : p.method === 'mpc' ? mpcAgentConfig : solarAgentConfig;
  const planner = p.method === 'mpc' && paper ? MPC_PAPER.agent : {};
  return {
    ...base,
    env: { ...base.env, ...task.env },
    backend: 'wasm',
    agent: { ...agentSchema.parse({}), ...only(agentSchema, { ...task.agent, ...pp.agent, ...planner, ...quick.agent }) },
    model: { ...MODEL_DEFAULTS, ...taskRow(MODEL_BY_TASK, p.env, {}), ...pp.model, ...quick.model, ...(p.method === 'vae' ? { prior: 'normal' as const } : {}) },
    pretrain: { ...PRETRAIN_DEFAULTS, eval_rollouts: PRETRAINED_HELD_OUT, ...task.pretrain, ...pp.pretrain, ...quick.pretrain },
    output,
  };
}

/**
 * The config `solar train` runs: the defaults of the task, method and preset, then `--set`
 * style overrides (`agent.kl_step=0.5`), validated, with the task's parameters filled in.
 */
export function resolveTrainConfig(p: { env: string; method?: MethodName; obs?: 'state' | 'pixels'; preset?: Preset; seed?: number; set?: readonly string[] }): TrainConfig {
  const method = p.method ?? 'solar';
  if (!(method in METHODS)) throw new Error(`unknown method '${method}'; known methods: ${Object.keys(METHODS).join(', ')}`);
  const preset = p.preset ?? 'default';
  if (!PRESETS.includes(preset)) throw new Error(`unknown preset '${preset}'; known presets: ${PRESETS.join(', ')}`);
  const defaults = trainDefaults({ env: p.env, method, obs: p.obs ?? METHODS[method].obs[0], preset, seed: p.seed ?? 0 });
  return resolveConfig(trainConfigSchema, { defaults, sets: p.set ?? [] });
}

/** Each method's agent settings with their schema defaults. */
const AGENT_SCHEMAS: Record<MethodName, { parse(v: unknown): unknown }> = { solar: solarAgentConfig, lqrflm: lqrflmConfig, ppo: ppoConfig, vae: vaeAgentConfig, mpc: mpcAgentConfig };

/**
 * A saved config with the agent and model fields it lacks taken from their schemas' defaults:
 * a setting added to the package since the run was made is not a difference. A new setting's
 * schema default keeps the behaviour from before it existed (refine_steps 0: no refinement),
 * whatever value a task's defaults choose for new runs. Left as saved if it names no known method.
 */
export function withNewDefaults(saved: Record<string, unknown>): Record<string, unknown> {
  const method = saved.method;
  if (typeof method !== 'string' || !(method in AGENT_SCHEMAS)) return saved;
  const out: Record<string, unknown> = { ...saved, agent: fillMissing(saved.agent, AGENT_SCHEMAS[method as MethodName].parse({})) };
  if (saved.model !== undefined) out.model = fillMissing(saved.model, MODEL_DEFAULTS);
  // A run made before pretrain.eval_rollouts existed was not scored; it counts as the default.
  if (saved.pretrain !== undefined) out.pretrain = fillMissing(saved.pretrain, { eval_rollouts: PRETRAINED_HELD_OUT });
  return out;
}

function fillMissing(saved: unknown, defaults: unknown): unknown {
  if (!isConfigObject(saved) || !isConfigObject(defaults)) return saved;
  const out: Record<string, unknown> = { ...saved };
  for (const [k, d] of Object.entries(defaults)) out[k] = k in saved ? fillMissing(saved[k], d) : d;
  return out;
}
