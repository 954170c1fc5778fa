/**
 * LQR-FLM from the true state on the tasks, several seeds — the numbers behind the README
 * table (not part of `npm run bench`, which times kernels). Usage, after a build:
 *   node build/bench/lqrflm-tasks.js ENV SEEDS [CONFIG_JSON] [ENV_PARAMS_JSON]
 *   e.g. node build/bench/lqrflm-tasks.js reacher 1,2,3 '{"kl_step":1}' '{"cost_form":"norm"}'
 * CONFIG_JSON overrides the task's preset (presets.ts); {"preset": false} starts from the defaults.
 * Prints one JSON line per seed (seed, env steps, final distance, wall time) and a summary.
 * Wall times are per run on whatever else the machine is doing.
 */
import { makeEnv } from '../src/envs/registry.js';
import { trainLqrflm } from '../src/agents/lqrflm/index.js';
import { LQRFLM_BY_TASK } from '../src/config/presets.js';

async function main(): Promise<void> {
  const [env = 'nav2d', seedList = '1,2,3', cfg = '{}', envp = '{}'] = process.argv.slice(2);
  const seeds = seedList.split(',').map(Number);
  // The task's preset, then the command line's overrides ({"preset": false} skips the preset).
  const cli = JSON.parse(cfg) as Record<string, unknown>;
  const usePreset = cli.preset !== false;
  delete cli.preset;
  const config = { ...(usePreset ? LQRFLM_BY_TASK[env.replace(/-sparse$/, '')]?.agent ?? {} : {}), ...cli };
  const envParams = JSON.parse(envp) as Record<string, unknown>;
  const verbose = process.env.VERBOSE === '1';
  const finals: number[] = [];
  for (const seed of seeds) {
    const r = await trainLqrflm({
      makeEnv: () => makeEnv(env, { render: false, ...envParams }),
      config,
      seed,
      onIteration: verbose ? (m) => console.error(JSON.stringify(m)) : undefined,
    });
    const s = r.summary;
    finals.push(s.mean_final_distance);
    console.log(
      JSON.stringify({
        env,
        seed,
        train_env_steps: r.history[r.history.length - 1].env_steps,
        last_iter_final_distance: +r.history[r.history.length - 1].mean_final_distance.toPrecision(4),
        eval_mean_final_distance: +s.mean_final_distance.toPrecision(4),
        eval_median_final_distance: +s.median_final_distance.toPrecision(4),
        success_rate: s.success_rate,
        wall_s: +s.wall_s.toFixed(2),
      }),
    );
  }
  const sorted = [...finals].sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      env,
      config,
      envParams,
      seeds: seeds.length,
      median_of_means: sorted[Math.floor((sorted.length - 1) / 2)],
      le_0_05: finals.filter((d) => d <= 0.05).length,
      le_0_03: finals.filter((d) => d <= 0.03).length,
      gt_0_2: finals.filter((d) => d > 0.2).length,
    }),
  );
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exitCode = 1;
});
