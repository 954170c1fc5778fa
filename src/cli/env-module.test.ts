/**
 * A user's own task through `--env-module`: a module written as a user would (plain ESM, no
 * import of this repository) is listed by `solar envs`, trained on from the state and from
 * pixels, evaluated, and every mistake in it is one line naming the module.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from './main.js';

async function run(...args: string[]) {
  const out: string[] = [], err: string[] = [];
  const code = await main(['node', 'solar', ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A point on a line, x ← x + 0.1·u, cost (x − g)² + 10⁻³u², seen as one lit column of an 8×8 image. */
const SLIDER = `
const T = 20;
class Slider {
  constructor(p) {
    this.goal = p.goal ?? 0.5;
    this.render = p.render !== false;
    this.spec = {
      name: 'slider', observation: { shape: [8, 8, 1] }, stateDim: 2, stateLabels: ['x', 'goal'],
      stateGroups: { position: [0] }, action: { dim: 1, low: Float64Array.of(-1), high: Float64Array.of(1) },
      horizon: T, cost: { kind: 'dense', description: '(x − g)² + 1e-3 u²', actionWeight: 1e-3 }, successDistance: 0.1,
    };
  }
  frame() {
    const o = new Float32Array(this.render ? 64 : 0);
    if (this.render) {
      const c = Math.max(0, Math.min(7, Math.floor((this.x + 1) * 4)));
      for (let r = 0; r < 8; r++) o[r * 8 + c] = 1;
    }
    return o;
  }
  ts(cost) {
    const d = Math.abs(this.x - this.goal);
    return { observation: this.frame(), state: Float64Array.of(this.x, this.goal), cost, done: this.t >= T, info: { distance: d, success: d <= 0.1 } };
  }
  reset(seed) { this.t = 0; this.x = -0.5 + ((seed % 1000) / 1000) * 0.2; return this.ts(0); }
  step(u) {
    const a = Math.max(-1, Math.min(1, u[0]));
    const cost = (this.x - this.goal) ** 2 + 1e-3 * a * a;
    this.x = Math.max(-1, Math.min(1, this.x + 0.1 * a));
    this.t++;
    return this.ts(cost);
  }
  close() {}
}
export default { name: 'slider', description: 'a point on a line (a user task)', create: (p) => new Slider(p) };
`;

function moduleFile(text: string, name = 'task.mjs'): string {
  const file = join(mkdtempSync(join(tmpdir(), 'env-module-')), name);
  writeFileSync(file, text);
  return file;
}

describe('--env-module: a task of the user\'s own', () => {
  const slider = moduleFile(SLIDER);

  it('is listed by solar envs', async () => {
    const r = await run('envs', '--env-module', slider);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\nslider +8×8×1 +2 +1 in \[-1\]\.\.\[1\] +20 +dense: \(x − g\)² \+ 1e-3 u²/);
  });

  it('is learned from the state by LQR-FLM', { timeout: 120_000 }, async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'env-module-run-')), 'run');
    const r = await run('train', '--env-module', slider, '--env', 'slider', '--method', 'lqrflm', '--obs', 'state', '--preset', 'quick', '--out', dir, '--set', 'output.gif_episodes=0');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const { readFileSync } = await import('node:fs');
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    // From x ≈ −0.5 to the goal 0.5 in 20 steps of at most 0.1: the policy must push all the way.
    expect(summary.mean_final_distance).toBeLessThan(0.1);
  });

  it('runs SOLAR from its pixels, and solar eval evaluates the run', { timeout: 300_000 }, async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'env-module-solar-')), 'run');
    const tiny = ['pretrain.rollouts=6', 'pretrain.steps=20', 'pretrain.eval_rollouts=0', 'agent.iterations=1', 'agent.rollouts=4', 'agent.eval_episodes=2', 'output.gif_episodes=0'];
    const r = await run('train', '--env-module', slider, '--env', 'slider', '--preset', 'quick', '--out', dir, ...tiny.flatMap((s) => ['--set', s]));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const withModule = await run('eval', dir, '--episodes', '3', '--env-module', slider);
    expect(withModule.err).toBe('');
    expect(withModule.code).toBe(0);
    expect(withModule.out).toMatch(/over 3 evaluation episodes/);
  });

  it('names the module and the problem for every mistake', async () => {
    const missing = join(tmpdir(), 'no-such-task.mjs');
    expect((await run('envs', '--env-module', missing)).err).toBe(`solar: error: --env-module '${missing}': no such file`);
    const noExport = moduleFile('export const x = 1;\n');
    expect((await run('envs', '--env-module', noExport)).err).toMatch(/^solar: error: --env-module '.*task\.mjs' exports no task: export default \{ name, description, params, create \}/);
    const noCreate = moduleFile("export default { name: 'thing' };\n");
    expect((await run('envs', '--env-module', noCreate)).err).toMatch(/--env-module '.*': task 'thing' has no create\(params\) function$/);
    const badName = moduleFile("export default { name: 'Big Task', create: () => null };\n");
    expect((await run('envs', '--env-module', badName)).err).toMatch(/a task name is lower-case letters.*got "Big Task"/);
    const clash = moduleFile("export default { name: 'nav2d', create: () => null };\n");
    expect((await run('envs', '--env-module', clash)).err).toMatch(/task 'nav2d' is already registered/);
    const broken = moduleFile('export default {;\n');
    expect((await run('envs', '--env-module', broken)).err).toMatch(/--env-module '.*' could not be loaded: /);
  });
});
