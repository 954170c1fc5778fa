import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from './main.js';

async function run(...args: string[]) {
  const out: string[] = [], err: string[] = [];
  const code = await main(['node', 'solar', ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
/** The words a POSIX shell makes of `line` (an independent reading of the report's quoting). */
const shellWords = (line: string) => execFileSync('sh', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' }).split('\0').slice(0, -1);
const tmp = () => mkdtempSync(join(tmpdir(), 'solar-compare-'));
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const metrics = (dir: string) => readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

/** lqrflm from the state on nav2d, quick preset, no GIFs: about a second per run. */
const TINY = ['--env', 'nav2d', '--methods', 'lqrflm', '--seeds', '2', '--preset', 'quick', '--set', 'output.gif_episodes=0', '--jobs', '1'];

describe('solar compare', () => {
  it('runs every (method, seed) under a budget and reports numbers that match the runs\' summary.json files; a second call reuses them', async () => {
    const out = join(tmp(), 'cmp');
    const r = await run('compare', ...TINY, '--budget', '1000', '--out', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\[1\/2\] runs\/lqrflm-state-s0 trained: final distance/);
    expect(r.out).toMatch(/\[2\/2\] runs\/lqrflm-state-s1 trained: final distance/);
    for (const f of ['compare.json', 'report.md', 'report.html', 'distance.svg', 'cost.svg']) expect(existsSync(join(out, f))).toBe(true);

    const report = readJson(join(out, 'compare.json'));
    expect(report).toMatchObject({ command: 'compare', env: 'nav2d', success_distance: 0.1, preset: 'quick', seeds: [0, 1], budget: 1000, reference: 'lqrflm-state' });
    expect(report.methods).toHaveLength(1);
    const m = report.methods[0];
    // The budget: quick lqrflm does 10 rollouts × 50 steps per iteration → 2 iterations in 1,000 steps.
    expect(m.budget_note).toMatch(/agent\.iterations = 2 /);
    const finals: number[] = [];
    for (const [i, seed] of [0, 1].entries()) {
      const dir = join(out, 'runs', `lqrflm-state-s${seed}`);
      const config = readJson(join(dir, 'config.json'));
      expect(config).toMatchObject({ method: 'lqrflm', obs: 'state', seed, preset: 'quick', agent: { iterations: 2, rollouts: 10 } });
      const summary = readJson(join(dir, 'summary.json'));
      const lines = metrics(dir);
      expect(lines.at(-1).env_steps).toBe(1000);
      const first = lines.find((l) => l.mean_final_distance <= 0.1);
      const rec = m.runs[i];
      expect(rec).toMatchObject({ seed, dir: `runs/lqrflm-state-s${seed}`, status: 'trained' });
      expect(rec.final_distance).toBe(summary.mean_final_distance);
      expect(rec.success_rate).toBe(summary.success_rate);
      expect(rec.mean_cost).toBe(summary.mean_cost);
      expect(rec.env_steps).toBe(summary.env_steps);
      expect(rec.wall_s).toBe(summary.wall_s);
      expect(rec.steps_to_threshold).toEqual(first ? { value: first.env_steps, bound: 'exact' } : { value: 1000, bound: 'lower' });
      finals.push(summary.mean_final_distance);
    }
    const mean = (finals[0] + finals[1]) / 2;
    expect(m.final_distance.mean).toBeCloseTo(mean, 12);
    expect(m.final_distance.std).toBeCloseTo(Math.abs(finals[0] - finals[1]) / Math.SQRT2, 12);
    expect(m.finished).toBe(2);
    expect(m.config).toMatchObject({ method: 'lqrflm', seed: 0, agent: { iterations: 2 } });

    // The tables show the same numbers.
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    const row = md.split('\n').find((l) => l.startsWith('| lqrflm-state | 2 |'));
    expect(row).toBeDefined();
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    for (const doc of [md, html]) {
      expect(doc).toContain('lqrflm-state');
      expect(doc).toContain('steps to distance ≤ 0.1');
      expect(doc).toContain('agent.iterations = 2');
    }
    // The configs used.
    expect(md).toContain('"kl_step": 1');
    expect(html).toContain('&quot;kl_step&quot;: 1');
    // Self-contained: the curves are inline SVG, nothing is loaded from elsewhere.
    expect(html).toContain('<svg');
    expect(html).toContain('<details>');
    expect(html).not.toMatch(/\s(src|href)=/);
    expect(html).not.toMatch(/url\(/);
    expect(md).toContain('![final distance against environment steps](distance.svg)');

    // Again, with the command the report prints (read by a shell, DIR its directory): nothing is recomputed.
    expect(report.command_line).toBe("npx solar compare --env nav2d --methods lqrflm --seeds 2 --preset quick --budget 1000 --set output.gif_episodes=0 --out DIR");
    for (const doc of [md, html]) expect(doc).toContain('--budget 1000 --set output.gif_episodes=0 --out DIR');
    const words = shellWords(report.command_line).map((w) => (w === 'DIR' ? out : w));
    expect(words.slice(0, 3)).toEqual(['npx', 'solar', 'compare']);
    const mtimes = [0, 1].map((s) => statSync(join(out, 'runs', `lqrflm-state-s${s}`, 'summary.json')).mtimeMs);
    const t0 = performance.now();
    const again = await run(...words.slice(2));
    expect(again.code).toBe(0);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(again.out).toMatch(/2 runs \(2 finished and reused, 0 to resume, 0 to run\)/);
    expect(again.out).toMatch(/runs\/lqrflm-state-s1 reused/);
    expect([0, 1].map((s) => statSync(join(out, 'runs', `lqrflm-state-s${s}`, 'summary.json')).mtimeMs)).toEqual(mtimes);
    const second = readJson(join(out, 'compare.json'));
    expect(second.methods[0].runs.map((x: { status: string }) => x.status)).toEqual(['reused', 'reused']);
    expect(second.methods[0].final_distance).toEqual(m.final_distance);

    // An unfinished run (no summary.json) with no checkpoint to resume from is started again.
    rmSync(join(out, 'runs', 'lqrflm-state-s1', 'summary.json'));
    rmSync(join(out, 'runs', 'lqrflm-state-s1', 'checkpoints'), { recursive: true });
    const third = await run('compare', ...TINY, '--budget', '1000', '--out', out);
    expect(third.code).toBe(0);
    expect(third.out).toMatch(/started runs\/lqrflm-state-s1 \(unfinished, no checkpoint to resume from: starting again\)/);
    expect(readJson(join(out, 'runs', 'lqrflm-state-s1', 'summary.json')).mean_final_distance).toBe(finals[1]);
    expect(metrics(join(out, 'runs', 'lqrflm-state-s1'))).toHaveLength(2);

    // A different config in the way is an error naming the run and the field, unless --force.
    const other = await run('compare', ...TINY, '--budget', '1000', '--set', 'lqrflm:agent.kl_step=0.5', '--out', out);
    expect(other.code).toBe(1);
    expect(other.err).toMatch(/runs\/lqrflm-state-s0' holds a different run: its config differs:\n\s+agent\.kl_step: 1 in the run, 0\.5 now/);
    expect(other.err).toMatch(/--force/);
    expect(statSync(join(out, 'runs', 'lqrflm-state-s0', 'summary.json')).mtimeMs).toBe(mtimes[0]);
    const forced = await run('compare', ...TINY, '--budget', '1000', '--set', 'lqrflm:agent.kl_step=0.5', '--out', out, '--force');
    expect(forced.code).toBe(0);
    expect(forced.out).toMatch(/started runs\/lqrflm-state-s0 \(--force: replacing it/);
    expect(readJson(join(out, 'runs', 'lqrflm-state-s0', 'config.json')).agent.kl_step).toBe(0.5);
  });

  it('reports a failed run, writes the report of the others and exits with 1', async () => {
    const out = join(tmp(), 'cmp');
    // State LQR-FLM refuses a sparse task when its job starts.
    const r = await run('compare', '--env', 'nav2d-sparse', '--methods', 'lqrflm', '--seeds', '1', '--preset', 'quick', '--jobs', '1', '--out', out);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/\[1\/1\] runs\/lqrflm-state-s0 FAILED: .*sparse cost/);
    expect(r.err).toMatch(/1 run\(s\) failed .*: runs\/lqrflm-state-s0/);
    const report = readJson(join(out, 'compare.json'));
    expect(report.methods[0]).toMatchObject({ finished: 0, runs: [{ seed: 0, status: 'failed' }] });
    expect(report.methods[0].runs[0].error).toMatch(/sparse cost/);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/\| lqrflm-state \| 0 of 1 \| failed \|/);
  });

  it('names the problem in bad input before running anything', async () => {
    const base = tmp();
    const out = join(base, 'never');
    const fails = async (args: string[], message: RegExp) => {
      const r = await run('compare', '--out', out, ...args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.err, args.join(' ')).toMatch(message);
    };
    await fails(['--methods', 'lqrflm,dreamer'], /unknown method 'dreamer' in --methods; known methods: solar, lqrflm/);
    await fails([], /--methods is required/);
    await fails(['--methods', 'lqrflm:pixels'], /method 'lqrflm' runs on state observations; 'lqrflm:pixels' is not one of lqrflm:state/);
    await fails(['--methods', 'lqrflm,lqrflm:state'], /lists lqrflm \(state\) twice/);
    await fails(['--methods', 'lqrflm', '--seeds', '0'], /--seeds must be a number of seeds \(at least 1\)/);
    await fails(['--methods', 'lqrflm', '--seeds', 'three'], /--seeds must be/);
    await fails(['--methods', 'lqrflm', '--budget', 'lots'], /--budget must be a positive whole number of environment steps, got 'lots'/);
    await fails(['--methods', 'lqrflm', '--budget', '0'], /--budget must be a positive whole number/);
    await fails(['--methods', 'lqrflm', '--preset', 'quick', '--budget', '100'], /--budget 100 is too small for lqrflm \(state\): iterations × 10 rollouts × 50 needs at least 500 env steps/);
    await fails(['--methods', 'lqrflm', '--set', 'solar:agent.kl_step=1'], /scoped to 'solar', which is not among --methods/);
    await fails(['--methods', 'lqrflm', '--set', 'agent.klstep=1'], /lqrflm \(state\): unknown config key 'agent.klstep'/);
    await fails(['--methods', 'lqrflm', '--preset', 'huge'], /unknown preset 'huge'/);
    await fails(['--methods', 'lqrflm', '--env', 'maze'], /unknown env 'maze'/);
    await fails(['--methods', 'lqrflm', '--jobs', '0'], /--jobs must be at least 1/);
    expect(existsSync(out)).toBe(false);
    writeFileSync(join(base, 'file'), 'x');
    const r = await run('compare', '--methods', 'lqrflm', '--out', join(base, 'file'));
    expect(r.err).toMatch(/output path '.*file' exists and is a file/);
    mkdirSync(join(base, 'stuff'));
    writeFileSync(join(base, 'stuff', 'notes.txt'), 'x');
    expect((await run('compare', '--methods', 'lqrflm', '--out', join(base, 'stuff'))).err).toMatch(/is not empty and is not a compare directory/);
    mkdirSync(join(base, 'cmp', 'runs', 'lqrflm-state-s0'), { recursive: true });
    writeFileSync(join(base, 'cmp', 'runs', 'lqrflm-state-s0', 'x.txt'), 'x');
    expect((await run('compare', '--methods', 'lqrflm', '--seeds', '1', '--out', join(base, 'cmp'))).err).toMatch(/runs\/lqrflm-state-s0' is in the way: a non-empty directory without config.json/);
  });
});
