/** The package entry: package.json names the files the build makes of it, and it works as a library. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { collectRandomRollouts, episodeStats, KlStep, makeEnv, trainDefaults } from './index.js';

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
