import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PlannedRun, ResolvedMethod } from './compare-plan.js';
import { buildReport, writeReport } from './compare-report.js';
import type { TrainConfig } from '../config/train-config.js';

/** A finished run directory written by hand: metrics (env steps, distance) and a summary. */
function fakeRun(dir: string, curve: [number, number][], summary: { d: number; wall: number; r2?: Record<string, number>; from?: string }) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'metrics.jsonl'), curve.map(([env_steps, d], iteration) => JSON.stringify({ iteration, env_steps, mean_cost: 100 * d, mean_final_distance: d, success_rate: 0, wall_s: 1 }) + '\n').join(''));
  const pretrained = summary.r2 ? { pretrained_model: { r2: summary.r2, r2_absent: [], one_step_error: 0.03, held_out_rollouts: 20 } } : {};
  writeFileSync(join(dir, 'summary.json'), JSON.stringify({ mean_final_distance: summary.d, success_rate: summary.d <= 0.1 ? 1 : 0, mean_cost: 100 * summary.d, env_steps: curve.at(-1)![0] + 100, episodes: 2, wall_s: summary.wall, ...pretrained, ...(summary.from ? { pretrained_from: summary.from } : {}) }));
}

describe('the compare report', () => {
  it('computes steps to threshold, medians with lower bounds and ratios to SOLAR from the run directories', () => {
    const out = mkdtempSync(join(tmpdir(), 'solar-compare-report-'));
    const spec = (method: 'solar' | 'lqrflm', obs: 'pixels' | 'state') => ({ method, obs, key: `${method}-${obs}` });
    const methods: ResolvedMethod[] = [
      { spec: spec('lqrflm', 'state'), configs: [{ method: 'lqrflm', seed: 0 } as unknown as TrainConfig], budgetNote: 'agent.iterations = 4', plannedSteps: 4000 },
      { spec: spec('solar', 'pixels'), configs: [{ method: 'solar', seed: 0 } as unknown as TrainConfig], budgetNote: 'agent.iterations = 3', plannedSteps: 3000 },
    ];
    // SOLAR reaches 0.1 at 2,000 and 3,000 steps; LQR-FLM reaches it once (at 4,000) and not within 4,000 twice.
    const curves: Record<string, [number, number][][]> = {
      'solar-pixels': [[[1000, 1], [2000, 0.1], [3000, 0.05]], [[1000, 2], [2000, 0.5], [3000, 0.08]], [[1000, 2], [2000, 0.5], [3000, 0.3]]],
      'lqrflm-state': [[[1000, 3], [2000, 2], [3000, 1], [4000, 0.09]], [[1000, 3], [2000, 2], [3000, 1], [4000, 0.5]], [[1000, 3], [2000, 2.5], [3000, 2]]],
    };
    const runs: PlannedRun[] = [];
    for (const m of methods) {
      curves[m.spec.key].forEach((c, seed) => {
        const name = `runs/${m.spec.key}-s${seed}`;
        // Seed 1 started from another run's model: one of this compare's runs, recorded at the path it had before the directory moved; seed 2 from one inside the directory.
        const from = seed === 1 ? `/elsewhere/cmp/runs/lqrflm-state-s1` : seed === 2 ? join(out, 'pretrained', `${m.spec.key}-s2`) : undefined;
        fakeRun(join(out, name), c, { d: c.at(-1)![1], wall: 10 * (seed + 1), r2: m.spec.method === 'solar' ? { agent: 0.9 + seed / 100, goal: 0.8 } : undefined, from: m.spec.method === 'solar' ? from : undefined });
        runs.push({ spec: m.spec, seed, config: m.configs[0], dir: join(out, name), name, action: 'reuse' });
      });
    }
    const outcomes = new Map(runs.map((r) => [r.name, { status: 'reused' as const }]));
    const commands = {
      compare: 'npx solar compare --out DIR',
      sources: (specs: readonly PlannedRun['spec'][]) => `compare ${specs.map((x) => x.key).join(',')}`,
      pretrained: (r: PlannedRun, from: string) => `train ${r.name} from ${from}`,
    };
    const { report, histories } = buildReport({ outDir: out, env: 'nav2d', successDistance: 0.1, preset: 'default', seeds: [0, 1, 2], budget: 3500, methods, runs, outcomes, commands });
    expect(report.reference).toBe('solar-pixels');
    const [lqr, solar] = report.methods;
    expect(solar.runs.map((r) => r.steps_to_threshold)).toEqual([{ value: 2000, bound: 'exact' }, { value: 3000, bound: 'exact' }, { value: 3000, bound: 'lower' }]);
    // 2,000, 3,000 and "more than 3,000": the median is 3,000 whatever the third seed would need.
    expect(solar.steps_to_threshold_median).toEqual({ value: 3000, bound: 'exact' });
    expect(lqr.steps_to_threshold_median).toEqual({ value: 4000, bound: 'lower' });
    expect(lqr.ratio_to_reference).toEqual({ value: 4000 / 3000, bound: 'lower' });
    expect(solar.final_distance!.mean).toBeCloseTo((0.05 + 0.08 + 0.3) / 3, 12);
    expect(solar.wall_s).toEqual({ mean: 20, std: 10, total: 60 });
    // LQR-FLM's plan was 4,000 steps; its third seed stopped at 3,000, which the report points out.
    expect(lqr.warnings).toEqual([
      'seed 2 trained on 3000 env steps, fewer than the 4000 planned: another setting (e.g. agent.iterations) stopped it first',
    ]);
    expect(solar.warnings).toEqual([]);
    writeReport(out, report, histories);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain('| lqrflm-state | 3 | 4,000, > 4,000, > 3,000 | > 4,000 | > 1.33× | 0.863 ± 1.01 | 0.333 | 3,767 | 20 s |');
    expect(md).toContain('| solar-pixels | 3 | 2,000, 3,000, > 3,000 | 3,000 | 1 (reference) |');
    // The runs table carries each latent run's pretrained-model R² (none for LQR-FLM).
    expect(md).toMatch(/\| runs\/solar-pixels-s2 \| reused \|[^\n]*\| agent 0\.92, goal 0\.8 \|/);
    expect(md).toMatch(/\| runs\/lqrflm-state-s0 \| reused \|[^\n]*\| – \|/);
    // Each run started from another's model carries its own train command and where it came from.
    expect(solar.runs.map((r) => [r.pretrained_from, r.command])).toEqual([
      [undefined, undefined],
      ['runs/lqrflm-state-s1', 'train runs/solar-pixels-s1 from runs/lqrflm-state-s1'],
      ['pretrained/solar-pixels-s2', 'train runs/solar-pixels-s2 from pretrained/solar-pixels-s2'],
    ]);
    // lqrflm-state-s1 is a source among this compare's runs, so its method is compared first; pretrained/… is not one of them.
    expect(report.sources_command_line).toBe('compare lqrflm-state');
    expect(md).toContain([
      '- First the runs the others start from: `compare lqrflm-state`',
      "- Then runs/solar-pixels-s1, from runs/lqrflm-state-s1's pretrained model: `train runs/solar-pixels-s1 from runs/lqrflm-state-s1`",
      "- Then runs/solar-pixels-s2, from pretrained/solar-pixels-s2's pretrained model: `train runs/solar-pixels-s2 from pretrained/solar-pixels-s2`",
      '- Then the whole compare (finished runs are reused, the others trained or resumed): `npx solar compare --out DIR`',
    ].join('\n'));
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<li>Then the whole compare (finished runs are reused, the others trained or resumed): <code>npx solar compare --out DIR</code></li>');
    const json = JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8'));
    expect(json.methods[0].ratio_to_reference).toEqual({ value: 4000 / 3000, bound: 'lower' });
    expect(JSON.stringify(json)).not.toMatch(/null|NaN/);
  });
});
