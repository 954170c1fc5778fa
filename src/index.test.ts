/** The package entry: package.json names the files the build makes of it, and it works as a library. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { collectRandomRollouts, episodeStats, KlStep, makeEnv, resolveTrainConfig, RunDir, runTrainJob, trainDefaults } from './index.js';

const root = join(dirname(new URL(import.meta.url).pathname), '..');

it('package.json main and types are what the build emits for src/index.ts', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string; types: string };
  const build = JSON.parse(readFileSync(join(root, 'tsconfig.build.json'), 'utf8')) as { compilerOptions: { rootDir: string; outDir: string } };
  expect(build.compilerOptions.rootDir).toBe('.');
  const out = (ext: string) => `./${build.compilerOptions.outDir}/src/index${ext}`;
  expect([pkg.main, pkg.types]).toEqual([out('.js'), out('.d.ts')]);
  expect(existsSync(join(root, 'src/index.ts'))).toBe(true);
});

it('drives a task and resolves a run config through the entry alone', async () => {
  const env = await makeEnv('nav2d', { render: false });
  const episodes = await collectRandomRollouts(env, 0, 'train', 3, 0.5);
  env.close();
  const stats = episodeStats(episodes);
  expect(episodes.map((e) => e.actions.length)).toEqual([50, 50, 50]);
  expect(stats.mean_final_distance).toBeGreaterThan(0);
  const config = trainDefaults({ env: 'nav2d', method: 'solar', obs: 'pixels', preset: 'default', seed: 0 });
  expect(config.agent).toMatchObject({ kl_step: 1, rollouts: 40 });
  expect(typeof KlStep).toBe('function');
});

it('trains a task into a run directory as the README shows (LQR-FLM on the state, quick preset)', async () => {
  const config = resolveTrainConfig({ env: 'nav2d', method: 'lqrflm', preset: 'quick', set: ['output.gif_episodes=0'] });
  expect(config.env).toMatchObject({ name: 'nav2d', image_size: 32, horizon: 50 }); // the task's parameters filled in
  const root = join(mkdtempSync(join(tmpdir(), 'solar-index-')), 'run');
  const summary = await runTrainJob(config, RunDir.create(root));
  expect(summary.mean_final_distance).toBeLessThan(0.1);
  expect(JSON.parse(readFileSync(join(root, 'config.json'), 'utf8')).agent).toEqual(config.agent);
  expect(() => resolveTrainConfig({ env: 'nav2d', set: ['agent.no_such_key=1'] })).toThrow(/no_such_key/);
});
