import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compiledWorker, runCompare } from './compare-job.js';
import { planRun, resolveMethod } from './compare-plan.js';
import { resolveConfig } from '../config/resolve-config.js';
import { RunDir } from '../run/run-dir.js';
import { rolloutConfigSchema, rolloutDefaults, runRolloutJob } from '../run/rollout-job.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'solar-compare-job-'));
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const here = dirname(fileURLToPath(import.meta.url));

/** The smallest SOLAR run that goes through pretraining, an iteration and the evaluation. */
const TINY_SOLAR = [
  'output.gif_episodes=0',
  'pretrain.rollouts=4',
  'pretrain.steps=10',
  'pretrain.log_every=5',
  'agent.iterations=2',
  'agent.rollouts=3',
  'agent.eval_episodes=2',
];

describe('compare runs', () => {
  it('runs from the TypeScript sources in this process (the compiled worker is not beside them)', () => {
    expect(compiledWorker()).toBeNull();
  });

  it('resumes an unfinished SOLAR run from its checkpoint instead of starting again, and reuses it once finished', async () => {
    const out = join(tmp(), 'cmp');
    const opts = { env: 'nav2d', methods: 'solar', seeds: '1', preset: 'quick', set: TINY_SOLAR, out, jobs: 1 };
    const first = await runCompare(opts);
    expect(first.failures).toEqual([]);
    const dir = join(out, 'runs', 'solar-pixels-s0');
    const summary = readJson(join(dir, 'summary.json'));
    const pretrainedAt = statSync(join(dir, 'checkpoints', 'pretrained.ckpt')).mtimeMs;
    // As if killed after its last iteration's checkpoint, before the final evaluation.
    rmSync(join(dir, 'summary.json'));
    const actions: string[] = [];
    const second = await runCompare(opts, { onPlan: (runs) => actions.push(...runs.map((r) => r.action)) });
    expect(actions).toEqual(['resume']);
    expect(second.report.methods[0].runs[0].status).toBe('resumed');
    const resumed = readJson(join(dir, 'summary.json'));
    // Not pretrained again; the evaluation of the same policy gives the same numbers.
    expect(statSync(join(dir, 'checkpoints', 'pretrained.ckpt')).mtimeMs).toBe(pretrainedAt);
    expect(resumed.mean_final_distance).toBe(summary.mean_final_distance);
    expect(resumed.env_steps).toBe(summary.env_steps);
    expect(second.report.methods[0].final_distance!.mean).toBe(summary.mean_final_distance);
    actions.length = 0;
    await runCompare(opts, { onPlan: (runs) => actions.push(...runs.map((r) => r.action)) });
    expect(actions).toEqual(['reuse']);
  });

  it("draws the random policy as solar rollout measures it, and reports a run's solar eval", async () => {
    const out = join(tmp(), 'cmp');
    const { report } = await runCompare({ env: 'nav2d', methods: 'lqrflm', seeds: '0,3', preset: 'quick', set: ['output.gif_episodes=0'], out, jobs: 1 });
    // Independent reference: `solar rollout --seed S --episodes 100 --set env.render=false` for S = 0 and 3.
    const rollouts = await Promise.all([0, 3].map(async (seed) => {
      const config = resolveConfig(rolloutConfigSchema, { defaults: rolloutDefaults('nav2d', seed, 100), sets: ['env.render=false'] });
      return runRolloutJob(config, RunDir.create(join(tmp(), `rollout-${seed}`)));
    }));
    const mean = (f: (s: { mean_final_distance: number; success_rate: number }) => number) => (f(rollouts[0]) + f(rollouts[1])) / 2;
    expect(report.random_policy!.episodes).toBe(200);
    expect(report.random_policy!.mean_final_distance).toBeCloseTo(mean((s) => s.mean_final_distance), 12);
    expect(report.random_policy!.success_rate).toBeCloseTo(mean((s) => s.success_rate), 12);
    expect(readFileSync(join(out, 'distance.svg'), 'utf8')).toMatch(/stroke-dasharray="2 3"\/>[\s\S]*random policy/);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('Random policy u ~ N(0, 0.5²)');
    // A run's largest `solar eval` is in the runs table.
    const run = join(out, 'runs', 'lqrflm-state-s0');
    writeFileSync(join(run, 'evaluation-100.json'), JSON.stringify({ mean_final_distance: 0.0123, success_rate: 0.97 }));
    writeFileSync(join(run, 'evaluation-20.json'), JSON.stringify({ mean_final_distance: 0.5, success_rate: 0.1 }));
    const again = await runCompare({ env: 'nav2d', methods: 'lqrflm', seeds: '0,3', preset: 'quick', set: ['output.gif_episodes=0'], out, jobs: 1, randomPolicy: false });
    expect(again.report.methods[0].runs[0].evaluation).toEqual({ episodes: 100, mean_final_distance: 0.0123, success_rate: 0.97 });
    expect(again.report.random_policy).toBeUndefined();
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('| 0.0123, 0.97 (100) |');
  });

  it('turns --budget into agent.iterations from pretraining and per-iteration steps; an explicit --set wins', async () => {
    const solar = { method: 'solar' as const, obs: 'pixels' as const, key: 'solar-pixels' };
    // quick SOLAR on nav2d (T = 50): 16 pretraining rollouts (800 steps) + 8 rollouts (400 steps) per iteration.
    const r = await resolveMethod({ env: 'nav2d', spec: solar, preset: 'quick', seeds: [0, 1], sets: [], budget: 2500 });
    expect(r.configs.map((c) => [c.seed, c.agent.iterations])).toEqual([[0, 4], [1, 4]]);
    expect(r.plannedSteps).toBe(2400);
    expect(r.budgetNote).toBe('agent.iterations = 4 (pretraining 16 × 50 + iterations × 8 rollouts × 50 = 2,400 env steps)');
    const sets = [{ scope: 'solar', assignment: 'agent.iterations=2' }];
    const e = await resolveMethod({ env: 'nav2d', spec: solar, preset: 'quick', seeds: [0], sets, budget: 2500 });
    expect(e.configs[0].agent.iterations).toBe(2);
    expect(e.budgetNote).toMatch(/^agent\.iterations = 2 from --set, not the budget \(.* = 1,600 env steps\)$/);
    // PPO counts env steps itself: the budget is its agent.total_steps.
    const ppo = await resolveMethod({ env: 'nav2d', spec: { method: 'ppo', obs: 'state', key: 'ppo-state' }, preset: 'quick', seeds: [0], sets: [], budget: 3000 });
    expect(ppo.configs[0].agent.total_steps).toBe(3000);
    expect(ppo.budgetNote).toBe('agent.total_steps = 3000');
    await expect(resolveMethod({ env: 'nav2d', spec: solar, preset: 'quick', seeds: [0], sets: [], budget: 1000 })).rejects.toThrow(/--budget 1000 is too small for solar \(pixels\): .* needs at least 1200 env steps/);
  });

  it('plans a resume only for a resumable method with a checkpoint', async () => {
    const base = tmp();
    const [solar] = (await resolveMethod({ env: 'nav2d', spec: { method: 'solar', obs: 'pixels', key: 'solar-pixels' }, preset: 'quick', seeds: [0], sets: [] })).configs;
    const [lqr] = (await resolveMethod({ env: 'nav2d', spec: { method: 'lqrflm', obs: 'state', key: 'lqrflm-state' }, preset: 'quick', seeds: [0], sets: [] })).configs;
    for (const [name, config] of [['s', solar], ['l', lqr]] as const) {
      mkdirSync(join(base, name, 'checkpoints'), { recursive: true });
      writeFileSync(join(base, name, 'config.json'), JSON.stringify({ ...config, version: '0.0.0' }));
    }
    expect(planRun(join(base, 's'), solar, { display: 's' }).action).toBe('restart');
    writeFileSync(join(base, 's', 'checkpoints', 'latest.ckpt'), 'x');
    writeFileSync(join(base, 'l', 'checkpoints', 'latest.ckpt'), 'x');
    expect(planRun(join(base, 's'), solar, { display: 's' }).action).toBe('resume');
    // LQR-FLM keeps checkpoints/latest.ckpt too (lqrflm-job.ts): it resumes.
    expect(planRun(join(base, 'l'), lqr, { display: 'l' }).action).toBe('resume');
    rmSync(join(base, 'l', 'checkpoints', 'latest.ckpt'));
    expect(planRun(join(base, 'l'), lqr, { display: 'l' }).action).toBe('restart');
    // The package version is not part of the comparison; a half-written summary is not finished.
    writeFileSync(join(base, 'l', 'summary.json'), '{"mean_final_distance": 0.1');
    expect(planRun(join(base, 'l'), lqr, { display: 'l' }).action).toBe('restart');
    writeFileSync(join(base, 'l', 'summary.json'), JSON.stringify({ mean_final_distance: 0.1, success_rate: 1, mean_cost: 2, env_steps: 100, episodes: 5, wall_s: 1 }));
    expect(planRun(join(base, 'l'), lqr, { display: 'l' }).action).toBe('reuse');
    expect(() => planRun(join(base, 'l'), { ...lqr, seed: 7 }, { display: 'l' })).toThrow(/'l' holds a different run: its config differs:\n\s+seed: 0 in the run, 7 now/);
  });

  it('counts a setting added since a run was made as its schema default (the old behaviour), not as a difference; resumes with the config as saved', async () => {
    const base = tmp();
    const [quick] = (await resolveMethod({ env: 'nav2d', spec: { method: 'solar', obs: 'pixels', key: 'solar-pixels' }, preset: 'quick', seeds: [0], sets: [] })).configs;
    const { refine_steps: _r, ...olderAgent } = quick.agent as Record<string, unknown>;
    mkdirSync(join(base, 's', 'checkpoints'), { recursive: true });
    writeFileSync(join(base, 's', 'config.json'), JSON.stringify({ ...quick, agent: olderAgent, version: '0.0.0' }));
    writeFileSync(join(base, 's', 'checkpoints', 'latest.ckpt'), 'x');
    // Runs made before refinement existed did not refine: the same as refine_steps = 0 now.
    const frozen = { ...quick, agent: { ...quick.agent, refine_steps: 0 } };
    const plan = planRun(join(base, 's'), frozen, { display: 's' });
    expect(plan.action).toBe('resume');
    expect(plan.config?.agent).toEqual(olderAgent);
    // The quick preset's own value (20) is a difference.
    expect(() => planRun(join(base, 's'), quick, { display: 's' })).toThrow(new RegExp(`agent.refine_steps: 0 in the run, ${quick.agent.refine_steps} now`));
  });

  // Worker threads load the compiled JS: test that path against build/ when it is there and
  // at least as new as these sources (`npm run build`); from the sources it cannot load.
  const built = resolve(here, '../../build/src/report');
  const fresh =
    existsSync(join(built, 'compare-worker.js')) &&
    ['compare-job', 'compare-run', 'compare-worker', 'compare-plan', 'compare-report', 'compare-stats'].every(
      (f) => existsSync(join(built, `${f}.js`)) && statSync(join(built, `${f}.js`)).mtimeMs >= statSync(join(here, `${f}.ts`)).mtimeMs,
    );
  it.skipIf(!fresh)('runs in parallel worker threads from the build, with the same results as in this process', async () => {
    const job = (await import(pathToFileURL(join(built, 'compare-job.js')).href)) as typeof import('./compare-job.js');
    expect(job.compiledWorker()).toBe(join(built, 'compare-worker.js'));
    const base = tmp();
    const opts = { env: 'nav2d', methods: 'lqrflm', seeds: '0,3', preset: 'quick', set: ['output.gif_episodes=0'], jobs: 2 };
    let exec: { parallel: number; workers: boolean } | null = null;
    const finished: string[] = [];
    const inWorkers = await job.runCompare({ ...opts, out: join(base, 'w') }, { onPlan: (_r, e) => (exec = e), onFinish: (r) => finished.push(r.name) });
    expect(exec).toEqual({ parallel: 2, workers: true });
    expect(finished.sort()).toEqual(['runs/lqrflm-state-s0', 'runs/lqrflm-state-s3']);
    expect(inWorkers.failures).toEqual([]);
    const here_ = await runCompare({ ...opts, out: join(base, 'p'), workers: 'never' });
    for (const s of ['s0', 's3']) {
      const a = readJson(join(base, 'w', 'runs', `lqrflm-state-${s}`, 'summary.json'));
      const b = readJson(join(base, 'p', 'runs', `lqrflm-state-${s}`, 'summary.json'));
      expect({ ...a, wall_s: 0 }).toEqual({ ...b, wall_s: 0 });
    }
    expect(inWorkers.report.methods[0].final_distance).toEqual(here_.report.methods[0].final_distance);
  });
});
