// solar as a library: bring your own task, train on it, read the run, load its policy and act.
// Run it from a project that has installed solar-rl:  node library.mjs [out-dir]
import { loadPolicy, makeEnv, readRun, registerEnv, train, z } from 'solar-rl';

// A task of your own: a point on a line that should reach the goal g (x ← x + 0.1·u).
// Any simulator or robot works: reset(seed) and step(u) return { observation, state, cost, done, info }.
class Slider {
  constructor({ goal, render }) {
    this.goal = goal;
    this.render = render;
    this.spec = {
      name: 'slider', observation: { shape: [8, 8, 1] }, stateDim: 2, stateLabels: ['x', 'goal'], stateGroups: { position: [0] },
      action: { dim: 1, low: Float64Array.of(-1), high: Float64Array.of(1) }, horizon: 20,
      cost: { kind: 'dense', description: '(x − g)² + 1e-3 u²', actionWeight: 1e-3 }, successDistance: 0.1,
    };
  }
  timeStep(cost) {
    const image = new Float32Array(this.render ? 64 : 0); // an 8×8 camera: one lit column at x
    if (this.render) for (let r = 0; r < 8; r++) image[r * 8 + Math.max(0, Math.min(7, Math.floor((this.x + 1) * 4)))] = 1;
    const distance = Math.abs(this.x - this.goal);
    return { observation: image, state: Float64Array.of(this.x, this.goal), cost, done: this.t >= 20, info: { distance, success: distance <= 0.1 } };
  }
  reset(seed) { this.t = 0; this.x = -0.5 + (seed % 100) / 1000; return this.timeStep(0); }
  step([u]) {
    const a = Math.max(-1, Math.min(1, u));
    const cost = (this.x - this.goal) ** 2 + 1e-3 * a * a;
    this.x = Math.max(-1, Math.min(1, this.x + 0.1 * a));
    this.t++;
    return this.timeStep(cost);
  }
  close() {}
}
registerEnv({
  name: 'slider', description: 'a point on a line',
  params: z.object({ goal: z.number().default(0.5) }), // `render` is added for you
  create: (p) => new Slider(p),
});

const out = process.argv[2] ?? 'runs/library-example';
// LQR-FLM from the true state (seconds), then SOLAR from the 8×8 images (a small, quick run).
const lqr = await train({ env: 'slider', method: 'lqrflm', preset: 'quick', out: `${out}/lqrflm`, force: true });
const solar = await train({
  env: 'slider', preset: 'quick', out: `${out}/solar`, force: true,
  set: ['pretrain.rollouts=8', 'pretrain.steps=30', 'agent.iterations=2', 'agent.rollouts=6', 'output.gif_episodes=0'],
});

const run = readRun(solar.dir);
console.log(`solar: ${run.metrics.length} iterations, final distance ${run.summary.mean_final_distance.toFixed(3)}`);

// Act with each trained policy on a fresh episode (its act() takes the env's TimeStep).
const finals = {};
for (const dir of [lqr.dir, solar.dir]) {
  const policy = await loadPolicy(dir);
  const env = await makeEnv('slider', { render: policy.input === 'pixels' });
  let ts = await env.reset(42);
  policy.reset();
  while (!ts.done) ts = await env.step(await policy.act(ts));
  finals[policy.method] = ts.info.distance;
  await policy.close();
  env.close();
}
console.log(JSON.stringify({ lqrflm: lqr.summary.mean_final_distance, solar: solar.summary.mean_final_distance, finals }));
