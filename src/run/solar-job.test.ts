import { mkdtempSync, readFileSync, truncateSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeEnv } from '../envs/registry.js';
import type { Env } from '../envs/types.js';
import { resolveConfig } from '../config/resolve-config.js';
import { RunDir } from './run-dir.js';
import { modelJobDefaults, modelJobSchema } from '../config/model-config.js';
import { runModelJob } from './model-job.js';
import { imageVariation, resumeSolarJob, runSolarJob } from './solar-job.js';
import { trainConfigSchema, trainDefaults } from '../config/train-config.js';
import { evaluateRun } from './train-job.js';

/** A few seconds of SOLAR on nav2d: a tiny MLP model, 2 iterations of 3 rollouts. */
function tinyConfig(sets: string[] = []) {
  return resolveConfig(trainConfigSchema, {
    defaults: trainDefaults({ env: 'nav2d', method: 'solar', obs: 'pixels', preset: 'quick', seed: 4 }),
    sets: ['env.image_size=16', 'env.horizon=12', 'pretrain.rollouts=6', 'pretrain.steps=30', 'pretrain.log_every=10', 'pretrain.eval_rollouts=2', 'model.hidden=32', 'agent.iterations=3', 'agent.rollouts=3', 'agent.eval_episodes=2', 'output.gif_episodes=1', ...sets],
  });
}
const freshDir = () => RunDir.create(join(mkdtempSync(join(tmpdir(), 'solar-job-')), 'run'));
const lines = (dir: RunDir, f: string) => readFileSync(dir.path(f), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const noClock = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([k]) => !k.endsWith('_s')));

/** The env of `name`, failing at its `failAt`-th step (a robot that disconnects). */
function failingEnv(failAt: number) {
  let steps = 0;
  return async (name: string, params: Record<string, unknown>): Promise<Env> => {
    const env = await makeEnv(name, params);
    return { spec: env.spec, reset: (s) => env.reset(s), step: (u) => { if (++steps === failAt) throw new Error('robot disconnected'); return env.step(u); }, close: () => env.close() };
  };
}

describe('solar train job', () => {
  it('writes the run directory: pretraining log, a metrics line per iteration, policies, GIFs, checkpoints, summary', async () => {
    const dir = freshDir();
    const summary = await runSolarJob(tinyConfig(), dir);
    expect(lines(dir, 'metrics.jsonl').map((m) => m.iteration)).toEqual([0, 1, 2]);
    expect(lines(dir, 'metrics.jsonl').map((m) => m.env_steps)).toEqual([6 * 12 + 36, 6 * 12 + 72, 6 * 12 + 108]);
    expect(lines(dir, 'pretrain.jsonl').map((m) => m.step)).toEqual([10, 20, 30]);
    for (const f of ['checkpoints/pretrained.ckpt', 'checkpoints/latest.ckpt', 'checkpoints/final.ckpt', 'policies/iter-002.ckpt', 'rollouts/iter-000.gif', 'learning-curve.svg', 'summary.json']) expect(existsSync(dir.path(f))).toBe(true);
    expect(summary.env_steps).toBe(6 * 12 + 108 + 2 * 12);
    expect(summary.warnings).toBeUndefined();
    expect(summary.pretrained_model).toEqual(JSON.parse(readFileSync(dir.path('pretrained-model.json'), 'utf8')));

    // solar eval: the run's own evaluation episodes come first, so the same count reproduces
    // summary.json and more episodes extend it; the result is saved beside the summary.
    const same = await evaluateRun(tinyConfig(), dir, 2);
    expect(noClock({ ...summary })).toMatchObject({ mean_final_distance: same.mean_final_distance, median_final_distance: same.median_final_distance, mean_cost: same.mean_cost, success_rate: same.success_rate });
    const more = await evaluateRun(tinyConfig(), dir, 5);
    expect(more.final_distances.slice(0, 2)).toEqual(same.final_distances);
    expect(more.final_distances).toHaveLength(5);
    expect(JSON.parse(readFileSync(dir.path('evaluation-5.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(more)));
    await expect(evaluateRun(tinyConfig(['agent.data_weight=10']), dir, 2)).rejects.toThrow(/different config/);
    // A run saved before the agent's cost_fit settings existed (the global fit) has the same fingerprint; another value is another config.
    const { cost_fit: _f, cost_window: _w, cost_chart_dim: _k, ...agentBefore } = tinyConfig().agent as Record<string, unknown>;
    expect((await evaluateRun({ ...tinyConfig(), agent: agentBefore } as never, dir, 2)).final_distances).toEqual(same.final_distances);
    await expect(evaluateRun(tinyConfig(['agent.cost_fit=local']), dir, 2)).rejects.toThrow(/different config/);
  });

  it('refuses settings that do not go together before pretraining, not after it', async () => {
    let steps = 0, closed = 0;
    const counting = async (name: string, params: Record<string, unknown>): Promise<Env> => {
      const env = await makeEnv(name, params);
      return { spec: env.spec, reset: (s) => env.reset(s), step: (u) => (steps++, env.step(u)), close: () => (closed++, env.close()) };
    };
    const refused = async (sets: string[], message: RegExp) => {
      const dir = freshDir();
      await expect(runSolarJob(tinyConfig(sets), dir, { makeEnv: counting })).rejects.toThrow(message);
      expect(existsSync(dir.path('pretrain.jsonl'))).toBe(false);
    };
    await refused(['agent.cost_fit=local', 'agent.cost_chart_dim=7', 'model.latent_dim=6'], /agent.cost_chart_dim = 7 exceeds the latent dimension 6/);
    expect(steps).toBe(0);
    expect(closed).toBe(1);
  });

  it('refuses to evaluate a run that has not finished', async () => {
    const dir = freshDir();
    await expect(runSolarJob(tinyConfig(), dir, { makeEnv: failingEnv(6 * 12 + 20) })).rejects.toThrow(/robot disconnected/);
    await expect(evaluateRun(tinyConfig(), dir, 3)).rejects.toThrow(/has not finished \(no summary.json/);
  });

  it("scores the pretrained model as `solar model` scores the same model trained on the same data, and the scoring changes nothing else", async () => {
    const config = tinyConfig(['agent.iterations=1']);
    const dir = freshDir();
    const summary = await runSolarJob(config, dir);
    const modelDir = freshDir();
    const { name, ...envParams } = config.env;
    const modelConfig = resolveConfig(modelJobSchema, {
      defaults: { ...modelJobDefaults({ env: name, seed: config.seed, rollouts: 6, steps: 30 }), env: { name, ...envParams }, model: config.model, backend: config.backend, eval_rollouts: 2 },
      sets: ['output.log_every=10'],
    });
    const model = await runModelJob(modelConfig, modelDir);
    expect(Object.keys(summary.pretrained_model!.r2).sort()).toEqual(['agent', 'goal']);
    expect(summary.pretrained_model).toEqual({ r2: model.r2, r2_change: model.r2_change, r2_absent: model.r2_absent, one_step_error: model.one_step_error, held_out_rollouts: 2 });
    const unscored = freshDir();
    await runSolarJob(tinyConfig(['agent.iterations=1', 'pretrain.eval_rollouts=0']), unscored);
    expect(existsSync(unscored.path('pretrained-model.json'))).toBe(false);
    expect(lines(unscored, 'metrics.jsonl').map(noClock)).toEqual(lines(dir, 'metrics.jsonl').map(noClock));
  });

  // With refinement the model changes every iteration and a resume re-collects the pretraining data.
  it.each([['frozen model', []], ['model refined each iteration', ['agent.refine_steps=4']]])('after a failure mid-iteration, resumes from the last completed iteration to the same result as an uninterrupted run (%s)', async (_, sets) => {
    const straightDir = freshDir();
    const straight = await runSolarJob(tinyConfig(sets), straightDir);
    const dir = freshDir();
    // Pretraining takes 6 × 12 steps, scoring the model 2 × 12, iteration 0 another 36: fail inside iteration 1.
    await expect(runSolarJob(tinyConfig(sets), dir, { makeEnv: failingEnv(72 + 24 + 36 + 20) })).rejects.toThrow(/solar stopped in iteration 1: robot disconnected[\s\S]*--resume/);
    expect(lines(dir, 'metrics.jsonl').map((m) => m.iteration)).toEqual([0]);
    expect(JSON.parse(readFileSync(dir.path('error.json'), 'utf8'))).toMatchObject({ iteration: 1, message: 'robot disconnected' });
    const resumed = await resumeSolarJob(tinyConfig(sets), dir);
    expect(lines(dir, 'metrics.jsonl').map(noClock)).toEqual(lines(straightDir, 'metrics.jsonl').map(noClock));
    expect(noClock({ ...resumed })).toEqual(noClock({ ...straight }));
  });

  it("starts from another run's pretrained model exactly where its own pretraining would have ended", async () => {
    const source = freshDir();
    await runSolarJob(tinyConfig(['agent.iterations=1']), source);
    const other = ['agent.kl_step=0.5', 'agent.refine_steps=3'];
    const straightDir = freshDir();
    const straight = await runSolarJob(tinyConfig(other), straightDir);
    const dir = freshDir();
    const adopted = await runSolarJob(tinyConfig(other), dir, { pretrainedFrom: source });
    expect(lines(dir, 'metrics.jsonl').map(noClock)).toEqual(lines(straightDir, 'metrics.jsonl').map(noClock));
    expect(lines(dir, 'pretrain.jsonl')).toEqual(lines(source, 'pretrain.jsonl'));
    expect(adopted.mean_final_distance).toBe(straight.mean_final_distance);
    expect(adopted.pretrained_from).toBe(source.display());
    // Other pretraining settings would have given another model: refused, naming them.
    await expect(runSolarJob(tinyConfig(['model.hidden=16']), freshDir(), { pretrainedFrom: source })).rejects.toThrow(/pretrained with other settings:\n\s+model.hidden: 32 in the run, 16 now/);
  });

  it('refuses to resume from a truncated checkpoint or one of another config, naming the problem', async () => {
    const dir = freshDir();
    await runSolarJob(tinyConfig(['agent.iterations=1']), dir);
    await expect(resumeSolarJob(tinyConfig(['agent.data_weight=10']), dir)).rejects.toThrow(/different config/);
    truncateSync(dir.path('checkpoints/latest.ckpt'), statSync(dir.path('checkpoints/latest.ckpt')).size - 100);
    await expect(resumeSolarJob(tinyConfig(), dir)).rejects.toThrow(/latest.ckpt' is truncated/);
  });

  it('warns, but does not crash, when the camera images are blank', async () => {
    const blank = async (name: string, params: Record<string, unknown>): Promise<Env> => {
      const env = await makeEnv(name, params);
      const wipe = <T extends { observation: Float32Array }>(ts: T): T => ({ ...ts, observation: new Float32Array(ts.observation.length) });
      return { spec: env.spec, reset: async (s) => wipe(await env.reset(s)), step: async (u) => wipe(await env.step(u)), close: () => env.close() };
    };
    const warnings: string[] = [];
    const summary = await runSolarJob(tinyConfig(['agent.iterations=1']), freshDir(), { makeEnv: blank, onWarning: (w) => warnings.push(w) });
    expect(warnings[0]).toMatch(/images never change/);
    expect(summary.warnings?.[0]).toMatch(/images never change/);
    expect(Number.isFinite(summary.mean_final_distance)).toBe(true);
  });

  it('measures image variation', () => {
    expect(imageVariation([new Float32Array([0, 1]), new Float32Array([0, 1])])).toBe(0);
    expect(imageVariation([new Float32Array([0, 0]), new Float32Array([0, 1])])).toBeCloseTo(0.25, 12);
  });
});
