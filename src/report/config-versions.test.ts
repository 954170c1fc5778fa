/**
 * Run directories of config version 1 (before the removed settings went) still resume,
 * evaluate, seed --pretrained-from and are reused by `solar compare`; one that used a removed
 * setting is refused with a line naming it. Version-1 directories are made here as that version
 * wrote them: the removed settings present at the values every run had, no `config_version`.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_VERSION, migrateSavedConfig } from '../config/migrations.js';
import { resolveConfig } from '../config/resolve-config.js';
import { trainConfigSchema, trainDefaults, withNewDefaults, type TrainConfig } from '../config/train-config.js';
import { RunDir } from '../run/run-dir.js';
import { runSolarJob } from '../run/solar-job.js';
import { evaluateRun } from '../run/train-job.js';
import { readSavedConfig } from '../run/saved-config.js';
import { planRun } from './compare-plan.js';

const root = join(dirname(new URL(import.meta.url).pathname), '../..');

function tinyConfig(sets: string[] = []): TrainConfig {
  return resolveConfig(trainConfigSchema, {
    defaults: trainDefaults({ env: 'nav2d', method: 'solar', obs: 'pixels', preset: 'quick', seed: 5 }),
    sets: ['env.image_size=16', 'env.horizon=12', 'pretrain.rollouts=6', 'pretrain.steps=30', 'pretrain.log_every=10', 'pretrain.eval_rollouts=2', 'model.hidden=32', 'agent.iterations=2', 'agent.rollouts=3', 'agent.eval_episodes=2', 'output.gif_episodes=0', ...sets],
  });
}

/** What version 1 wrote for `config`: the removed settings at the values every run had, no config_version. */
function asVersion1(config: TrainConfig, over: { agent?: Record<string, unknown>; model?: Record<string, unknown> } = {}): Record<string, unknown> {
  return {
    ...config,
    agent: { ...config.agent, dynamics_offset: false, offset_in: 'smoother', offset_var: 1, potential_scale: 1, cost_memory: 1, min_policy_var: 0, ...over.agent },
    model: { ...config.model, decode_stack: false, beta_end: 1, ...over.model },
    version: '0.1.0',
  };
}

describe('config versions', () => {
  it('migrates a version-1 config to the current one; refuses a removed setting that was used', () => {
    const now = tinyConfig();
    expect(migrateSavedConfig(asVersion1(now), 'run')).toEqual(JSON.parse(JSON.stringify(now)));
    expect(migrateSavedConfig({ ...now, config_version: CONFIG_VERSION, version: '0.1.0' }, 'run')).toEqual(JSON.parse(JSON.stringify(now)));
    expect(() => migrateSavedConfig(asVersion1(now, { agent: { dynamics_offset: true } }), "'runs/x'")).toThrow(
      /^'runs\/x': made with agent\.dynamics_offset = true, a setting solar no longer has \(it measured no gain: docs\/experiments\/.*\.md\)/,
    );
    expect(() => migrateSavedConfig(asVersion1(now, { model: { beta_end: 0.1 } }), 'run')).toThrow(/model\.beta_end = 0\.1, a setting solar no longer has/);
    expect(() => migrateSavedConfig(asVersion1(now, { agent: { cost_fit: 'head' } }), 'run')).toThrow(/agent\.cost_fit = "head", a choice solar no longer has/);
    expect(() => migrateSavedConfig(asVersion1(now, { model: { network: 'broadcast' } }), 'run')).toThrow(/model\.network = "broadcast", a choice solar no longer has/);
    expect(() => migrateSavedConfig({ ...now, config_version: CONFIG_VERSION + 1 }, 'run')).toThrow(/written by a newer solar/);
  });

  it('reads every committed run directory of docs/results', () => {
    const configs: string[] = [];
    const walk = (d: string): void => {
      for (const f of readdirSync(d)) {
        const p = join(d, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (f === 'config.json') configs.push(p);
      }
    };
    walk(join(root, 'docs/results'));
    expect(configs.length).toBeGreaterThan(0);
    for (const file of configs) {
      const migrated = withNewDefaults(migrateSavedConfig(JSON.parse(readFileSync(file, 'utf8')), file));
      expect(trainConfigSchema.safeParse(migrated).success, file).toBe(true);
    }
  });

  it('evaluates, reuses and seeds --pretrained-from from a version-1 run directory', async () => {
    const config = tinyConfig();
    const path = join(mkdtempSync(join(tmpdir(), 'solar-v1-')), 'run');
    await runSolarJob(config, RunDir.create(path));
    const current = JSON.parse(readFileSync(join(path, 'config.json'), 'utf8'));
    expect(current.config_version).toBe(CONFIG_VERSION);
    const same = await evaluateRun(config, RunDir.open(path), 2);
    // Rewrite it as version 1 wrote it; its checkpoints (fingerprinted without the removed settings) stay valid.
    writeFileSync(join(path, 'config.json'), JSON.stringify(asVersion1(config)));
    const saved = trainConfigSchema.parse(migrateSavedConfig(JSON.parse(readFileSync(join(path, 'config.json'), 'utf8')), path));
    expect((await evaluateRun(saved, RunDir.open(path), 2)).final_distances).toEqual(same.final_distances);
    expect(planRun(path, config, { display: 'run' }).action).toBe('reuse');
    const other = join(dirname(path), 'other');
    const summary = await runSolarJob(tinyConfig(['agent.kl_step=0.5']), RunDir.create(other), { pretrainedFrom: RunDir.open(path) });
    expect(summary.pretrained_from).toBe(RunDir.open(path).display());
  });

  it('refuses a run that used a removed setting with the same line in every reader of config.json', async () => {
    const config = tinyConfig();
    const base = mkdtempSync(join(tmpdir(), 'solar-v1-'));
    const path = join(base, 'run');
    mkdirSync(path);
    writeFileSync(join(path, 'config.json'), JSON.stringify(asVersion1(config, { agent: { dynamics_offset: true } })));
    const refusal = /: made with agent\.dynamics_offset = true, a setting solar no longer has/;
    expect(() => readSavedConfig(join(path, 'config.json'), 'cannot resume')).toThrow(refusal);
    expect(() => planRun(path, config, { display: 'run' })).toThrow(new RegExp(`^'run'${refusal.source}[^]*\npass --force`));
    expect(planRun(path, config, { display: 'run', force: true })).toMatchObject({ action: 'restart', reason: expect.stringMatching(/^--force: replacing it \('run': made with/) });
    await expect(runSolarJob(config, RunDir.create(join(base, 'other')), { pretrainedFrom: RunDir.open(path) })).rejects.toThrow(new RegExp(`^--pretrained-from '.*'${refusal.source}`));
    writeFileSync(join(path, 'config.json'), '[1, 2]');
    expect(() => readSavedConfig(join(path, 'config.json'), 'x')).toThrow(/^x: its config\.json is not a JSON object$/);
    writeFileSync(join(path, 'config.json'), '{');
    expect(() => readSavedConfig(join(path, 'config.json'), 'x')).toThrow(/^x: no readable config\.json \(/);
  });
});
