/**
 * SOLAR's latent loop (filtering, latent EM, cost fit, LQR-FLM) on the reacher with a
 * *perfect* encoder — the potentials are the true state (or features of it) with a tiny
 * scale — to tell what the method needs of a representation apart from how well the networks
 * learn one. Not part of `npm run bench`. Usage, after a build:
 *   node build/bench/solar-oracle.js [SEEDS] [AGENT_CONFIG_JSON] [REPRESENTATION_SUBSTRING] [COSTS] [POTENTIAL_SCALE]
 *   e.g. node build/bench/solar-oracle.js 0,1,2 '{"kl_step":0.5}' 'no constant' true,local
 * For each combination of what the encoder shows and how the cost is obtained, prints the
 * final distance per seed (10 evaluation episodes, mean action) and the successes (≤ 0.05).
 * With SOLAR_ORACLE_TRACE=1, each run's rollouts per iteration go to stderr.
 */
import { solarAgentConfig } from '../src/agents/solar/config.js';
import { SolarAgent, type SolarIterationMetrics } from '../src/agents/solar/agent.js';
import { OracleModel, stateAsImage, type StateFeatures } from '../src/agents/core/oracle-model.js';
import type { StateQuadratic } from '../src/control/index.js';
import { makeEnv } from '../src/envs/registry.js';

/** Reacher state: cos q0, cos q1, sin q0, sin q1, target x, y, q̇0, q̇1, d x, y (envs/reacher). */
const CONFIG = [0, 1, 2, 3], TARGET = [4, 5], VELOCITY = [6, 7], D = [8, 9];

interface Representation {
  readonly name: string;
  readonly features?: StateFeatures;
  /** Where d lies in the features (the true cost 10‖d‖² is quadratic in them). */
  readonly d: readonly number[];
}

const pick = (idx: readonly number[]) => (s: Float64Array) => idx.map((i) => s[i]);
const REPRESENTATIONS: Representation[] = [
  { name: 'full state (with q̇)', d: D },
  {
    // The fixed target is a constant feature: it gives the bias-free local models x' = A x + B u an offset.
    name: 'full state without the target (no constant)',
    features: { dim: 8, features: (s) => Float32Array.from([...pick(CONFIG)(s), ...pick(VELOCITY)(s), ...pick(D)(s)]) },
    d: [6, 7],
  },
  {
    name: 'no velocity',
    features: { dim: 8, features: (s) => Float32Array.from([...pick(CONFIG)(s), ...pick(TARGET)(s), ...pick(D)(s)]) },
    d: [6, 7],
  },
  {
    name: 'configuration at t and t−1',
    features: { dim: 14, features: (s, p) => Float32Array.from([...pick([...CONFIG, ...D])(s), ...pick([...CONFIG, ...D])(p), ...pick(TARGET)(s)]) },
    d: [4, 5],
  },
];

type CostSource = 'true' | 'global' | 'local';

/** The final distance, and the first iteration's potential_noise (agents/solar/potential-noise.ts). */
async function finalDistance(rep: Representation, cost: CostSource, seed: number, overrides: Record<string, unknown>, scale: number): Promise<[number, number]> {
  const env = stateAsImage(await makeEnv('reacher', { render: false, cost_form: 'squared' }), rep.features);
  const ds = rep.features?.dim ?? env.spec.stateDim;
  const model = new OracleModel(ds, env.spec.action.dim, env.spec.horizon, scale);
  const config = solarAgentConfig.parse({ iterations: 10, rollouts: 40, cost_convex: true, cost_fit: cost === 'local' ? 'local' : 'global', eval_episodes: 10, ...overrides });
  let known: StateQuadratic | null = null;
  if (cost === 'true') {
    const Cx = new Float64Array(ds * ds);
    for (const i of rep.d) Cx[i * ds + i] = 20; // 10‖d‖² = ½ dᵀ(20 I)d
    known = { Cx, cx: new Float64Array(ds), c0: 0 };
  }
  const agent = new SolarAgent(env, model, config, seed, 0, known);
  const ms: SolarIterationMetrics[] = [];
  for (let i = 0; i < config.iterations; i++) ms.push(await agent.iterate());
  const noise = ms[0].potential_noise;
  const evals = await agent.evaluate(config.eval_episodes);
  if (process.env.SOLAR_ORACLE_TRACE) {
    const f = (k: 'mean_final_distance' | 'mean_cost' | 'step_mult', digits: number) => ms.map((m) => m[k].toFixed(digits)).join(' ');
    console.error(`seed ${seed}: final distance ${f('mean_final_distance', 3)} | cost ${f('mean_cost', 1)} | step_mult ${f('step_mult', 2)}`);
  }
  env.close();
  return [evals.reduce((a, e) => a + e.finalDistance, 0) / evals.length, noise];
}

async function main(): Promise<void> {
  const [seedList = '0,1,2', cfg = '{}', only = '', costs = 'true,global,local', scale = '1e-4'] = process.argv.slice(2);
  const seeds = seedList.split(',').map(Number);
  const overrides = JSON.parse(cfg) as Record<string, unknown>;
  console.log(`| encoder shows | cost | final distance per seed (${seeds.join(', ')}) | success | potential_noise, first iteration |`);
  console.log('|---|---|---|---|---|');
  for (const rep of REPRESENTATIONS.filter((r) => r.name.includes(only))) {
    for (const cost of costs.split(',') as CostSource[]) {
      const d: number[] = [], noise: number[] = [];
      for (const seed of seeds) {
        const [dist, n] = await finalDistance(rep, cost, seed, overrides, Number(scale));
        d.push(dist);
        noise.push(n);
      }
      const range = `${Math.min(...noise).toPrecision(2)}–${Math.max(...noise).toPrecision(2)}`;
      console.log(`| ${rep.name} | ${cost} | ${d.map((v) => v.toFixed(3)).join(', ')} | ${d.filter((v) => v <= 0.05).length} / ${d.length} | ${range} |`);
    }
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
