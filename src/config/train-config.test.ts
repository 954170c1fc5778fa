import { describe, expect, it } from 'vitest';
import { modelJobDefaults } from './model-config.js';
import { resolveConfig } from './resolve-config.js';
import { envNames } from '../envs/registry.js';
import { METHODS, PRESETS, resolveTrainConfig, trainConfigSchema, trainDefaults, withNewDefaults, type MethodName } from './train-config.js';

const resolve = (env: string, preset: 'default' | 'paper' | 'quick', method: 'solar' | 'lqrflm' | 'vae' = 'solar', sets: string[] = []) =>
  resolveConfig(trainConfigSchema, { defaults: trainDefaults({ env, method, obs: method === 'lqrflm' ? 'state' : 'pixels', preset, seed: 0 }), sets });

describe('train presets', () => {
  it("paper: parasol's reacher values (100 pretraining rollouts, 40 per iteration, 10 iterations, ds 10, kl_step 2, λ 50, the cone cost)", () => {
    const c = resolve('reacher', 'paper');
    expect(c.pretrain).toMatchObject({ rollouts: 100 });
    expect(c.agent).toMatchObject({ rollouts: 40, iterations: 10, kl_step: 2, data_weight: 50 });
    expect(c.model).toMatchObject({ latent_dim: 10 });
    expect(c.env).toMatchObject({ cost_form: 'norm', horizon: 50 });
    // 25,000 environment steps in all.
    expect(c.pretrain!.rollouts * 50 + Number(c.agent.iterations) * Number(c.agent.rollouts) * 50).toBe(25_000);
  });

  it('default: the same reacher budget with kl_step 1 and the squared-distance cost', () => {
    const c = resolve('reacher', 'default');
    expect(c.agent).toMatchObject({ rollouts: 40, iterations: 10, kl_step: 1 });
    expect(c.env).toMatchObject({ cost_form: 'squared' });
    // The latent cost per t in a local chart over ±10 steps, the terminal cost ×30, the best-ending policy kept (README).
    expect(c.agent).toMatchObject({ cost_fit: 'local', cost_window: 10, terminal_weight: 30, keep_best: true });
    // The VAE ablation gets the same loop settings; the sparse reacher and the paper preset none of them.
    expect(resolve('reacher', 'default', 'vae').agent).toMatchObject({ cost_window: 10, terminal_weight: 30, keep_best: true });
    expect(resolve('reacher-sparse', 'default').agent).toMatchObject({ cost_window: 5, terminal_weight: 1, keep_best: false });
    expect(resolve('reacher', 'paper').agent).toMatchObject({ keep_best: false, terminal_weight: 1 });
  });

  it('quick: small enough for tests; --set still wins over every preset', () => {
    const c = resolve('nav2d', 'quick', 'solar', ['agent.iterations=7']);
    expect(c.model).toMatchObject({ network: 'mlp' });
    expect(c.agent.iterations).toBe(7);
  });

  it('the sparse reacher keeps the paper budget and has no cost form to choose', () => {
    const c = resolve('reacher-sparse', 'default');
    expect(c.agent).toMatchObject({ rollouts: 40 });
    expect(c.env).toMatchObject({ sparse: true });
  });

  it('remembers the success labels of every iteration on the sparse tasks only (not in the paper preset)', () => {
    expect(resolve('reacher-sparse', 'default').agent).toMatchObject({ success_memory: true });
    expect(resolve('nav2d-sparse', 'quick').agent).toMatchObject({ success_memory: true });
    expect(resolve('nav2d-sparse', 'paper').agent).toMatchObject({ success_memory: false });
    expect(resolve('reacher', 'default').agent).toMatchObject({ success_memory: false });
    // The VAE ablation as SOLAR (the MPC ablation refits its cost on all its data anyway).
    expect(resolve('reacher-sparse', 'default', 'vae').agent).toMatchObject({ success_memory: true });
    expect(resolve('nav2d-sparse', 'paper', 'vae').agent).toMatchObject({ success_memory: false });
  });
});

describe('nav2d SOLAR default', () => {
  it('pretrains on 100 rollouts for 2,000 steps (the measured better setting)', () => {
    const c = resolve('nav2d', 'default');
    expect(c.pretrain).toMatchObject({ rollouts: 100, steps: 2000 });
    expect(resolve('nav2d', 'quick').pretrain).toMatchObject({ rollouts: 16, steps: 150 });
  });

  it("gives the ablations and `solar model` SOLAR's cost head, so they differ from it only where they mean to; not the paper preset or the sparse task", () => {
    const model = (method: 'solar' | 'vae' | 'mpc', preset: 'default' | 'paper' = 'default', env = 'nav2d') =>
      resolveConfig(trainConfigSchema, { defaults: trainDefaults({ env, method, obs: 'pixels', preset, seed: 0 }), sets: [] }).model;
    for (const method of ['solar', 'vae', 'mpc'] as const) expect(model(method)).toMatchObject({ cost_head: true, dynamics: 'shared', latent_dim: 6 });
    expect(model('vae')).toMatchObject({ prior: 'normal' });
    expect(model('solar', 'paper')).toMatchObject({ cost_head: false });
    expect(model('solar', 'default', 'nav2d-sparse')).toMatchObject({ cost_head: false });
    expect(modelJobDefaults({ env: 'nav2d', seed: 0 }).model).toMatchObject({ cost_head: true, dynamics: 'shared' });
  });

  it('a saved config lacking settings added since counts as their old behaviour: no refinement, σ_c 1, pretrained model scored on 20', () => {
    const now = resolve('nav2d', 'default') as unknown as Record<string, Record<string, unknown>>;
    const { refine_steps: _r, ...agent } = now.agent;
    const { cost_std: _c, ...model } = now.model;
    const { eval_rollouts: _e, ...pretrain } = now.pretrain;
    const filled = withNewDefaults({ ...now, agent, model, pretrain }) as typeof now;
    expect(filled.agent.refine_steps).toBe(0);
    expect(filled.model.cost_std).toBe(1);
    expect(filled.pretrain).toEqual(now.pretrain);
  });
});

describe('settings a run would ignore', () => {
  it('no task, preset and method (with each of its observations) resolves to one: every default config renders exactly when it observes pixels', () => {
    let checked = 0;
    for (const env of envNames()) {
      for (const preset of PRESETS) {
        for (const [method, { obs: kinds }] of Object.entries(METHODS) as [MethodName, { obs: readonly ('state' | 'pixels')[] }][]) {
          for (const obs of kinds) {
            const c = resolveConfig(trainConfigSchema, { defaults: trainDefaults({ env, method, obs, preset, seed: 0 }), sets: [] });
            expect(c.env.render, `${env}/${preset}/${method}/${obs}`).toBe(obs === 'pixels');
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(envNames().length * PRESETS.length * 6);
  });

  it('refuses env.render against the observation at config time, naming the key', () => {
    expect(() => resolve('nav2d', 'quick', 'solar', ['env.render=false'])).toThrow(/env\.render: set to false, which would be ignored: solar from pixels needs the camera, so it always renders; drop --set env\.render/);
    expect(() => resolve('nav2d', 'quick', 'lqrflm', ['env.render=true'])).toThrow(/env\.render: set to true, which would be ignored: lqrflm from the state never renders/);
    expect(() => resolveTrainConfig({ env: 'reacher', method: 'ppo', obs: 'pixels', set: ['env.render=false'] })).toThrow(/env\.render: set to false, which would be ignored/);
    // The value it would have anyway is harmless.
    expect(resolve('nav2d', 'quick', 'solar', ['env.render=true']).env.render).toBe(true);
  });
});
