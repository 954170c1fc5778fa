/**
 * The `solar compare` report, from the run directories on disk (so reused and freshly
 * trained runs are read the same way): `compare.json` (every number), `report.md` (tables,
 * curves as SVG files beside it) and a self-contained `report.html` (inline SVG, configs in
 * collapsible blocks, no external assets).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS_NOTE, commandLines, pretrainedRef } from './compare-commands.js';
import { compareCurveSvg } from './compare-plots.js';
import type { PlannedRun, ResolvedMethod } from './compare-plan.js';
import { readSummary } from './compare-plan.js';
import { formatBounded, meanStd, medianSteps, stepsRatio, stepsToThreshold, type Bounded, type CurvePoint } from './compare-stats.js';
import type { EpisodeStats } from '../envs/rollout.js';
import { writeFileAtomic } from '../run/run-dir.js';
import { packageVersion } from '../run/version.js';

export type RunStatus = 'trained' | 'resumed' | 'reused' | 'failed';

export interface RunRecord {
  seed: number;
  /** Run directory relative to the compare directory. */
  dir: string;
  status: RunStatus;
  error?: string;
  /** Fields below: only for runs with a summary.json. */
  steps_to_threshold?: Bounded;
  final_distance?: number;
  success_rate?: number;
  mean_cost?: number;
  /** summary.json's env steps (training and the final evaluation). */
  env_steps?: number;
  /** The last metrics line's env steps (training only). */
  training_env_steps?: number;
  iterations?: number;
  wall_s?: number;
  /** Latent methods: the pretrained model's held-out R² per state group (summary.json's pretrained_model). */
  pretrained_r2?: Record<string, number>;
  /** The largest `solar eval --episodes N` of the run (evaluation-N.json), when there is one. */
  evaluation?: { episodes: number; mean_final_distance: number; success_rate: number };
  /** The run whose pretrained model this one started from (`solar train --pretrained-from`), relative to the compare directory when it is one of its runs. */
  pretrained_from?: string;
  /** The `solar train` call that makes this run, when the compare cannot (a run started from another's pretrained model). */
  command?: string;
}

export interface MethodRecord {
  key: string;
  method: string;
  obs: string;
  budget_note?: string;
  planned_env_steps?: number;
  runs: RunRecord[];
  /** Seeds with a summary.json (the statistics below are over these). */
  finished: number;
  steps_to_threshold_median?: Bounded;
  final_distance?: { mean: number; std: number };
  success_rate?: { mean: number; std: number };
  mean_cost?: { mean: number; std: number };
  env_steps?: { mean: number; std: number };
  wall_s?: { mean: number; std: number; total: number };
  /** This method's median steps-to-threshold over the reference method's. */
  ratio_to_reference?: Bounded;
  warnings: string[];
  /** The config of the first seed (the others differ only in `seed`). */
  config: unknown;
}

export interface CompareReport {
  command: 'compare';
  /** The `solar compare` call that makes this report (with `--out` this directory; finished runs are reused). */
  command_line: string;
  /** When runs start from others' pretrained models: the compare of the methods those others belong to, made first. */
  sources_command_line?: string;
  version: string;
  generated_at: string;
  env: string;
  success_distance: number;
  preset: string;
  seeds: number[];
  budget?: number;
  /** Key of the method the ratios are relative to (SOLAR when compared, else the first). */
  reference: string;
  /** The random policy u ~ N(0, 0.5²) on the task, `solar rollout`'s 100 episodes per seed (the plots' reference line). */
  random_policy?: EpisodeStats & { episodes: number };
  methods: MethodRecord[];
}

/** metrics.jsonl as curve points; a malformed line is an error naming the file and line. */
export function readMetrics(file: string): (CurvePoint & { iteration?: number })[] {
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  return lines.map((l, i) => {
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(l) as Record<string, unknown>;
    } catch {
      throw new Error(`${file} line ${i + 1} is not JSON`);
    }
    if (typeof m.env_steps !== 'number' || typeof m.mean_final_distance !== 'number') throw new Error(`${file} line ${i + 1} lacks env_steps or mean_final_distance`);
    return { env_steps: m.env_steps, mean_final_distance: m.mean_final_distance, mean_cost: typeof m.mean_cost === 'number' ? m.mean_cost : Number.NaN, iteration: typeof m.iteration === 'number' ? m.iteration : undefined };
  });
}

export interface ReportInput {
  outDir: string;
  env: string;
  successDistance: number;
  preset: string;
  seeds: readonly number[];
  budget?: number;
  methods: readonly ResolvedMethod[];
  runs: readonly PlannedRun[];
  /** Status of each run of this invocation (by run name); absent: not attempted. */
  outcomes: ReadonlyMap<string, { status: RunStatus; error?: string }>;
  randomPolicy?: CompareReport['random_policy'];
  /** The compare call, and the train call of a run that started from run `from`'s pretrained model. */
  commands: {
    compare: string;
    /** The compare restricted to these methods: it makes the runs that others start from. */
    sources(specs: readonly PlannedRun['spec'][]): string;
    pretrained(run: PlannedRun, from: string): string;
  };
}

/** The run's largest evaluation-N.json (solar eval), if any. */
function largestEvaluation(dir: string): RunRecord['evaluation'] | undefined {
  if (!existsSync(dir)) return undefined;
  const ns = readdirSync(dir).map((f) => /^evaluation-(\d+)\.json$/.exec(f)).filter((m) => m !== null).map((m) => Number(m![1])).sort((a, b) => b - a);
  if (ns.length === 0) return undefined;
  const e = JSON.parse(readFileSync(join(dir, `evaluation-${ns[0]}.json`), 'utf8')) as { mean_final_distance?: unknown; success_rate?: unknown };
  if (typeof e.mean_final_distance !== 'number' || typeof e.success_rate !== 'number') return undefined;
  return { episodes: ns[0], mean_final_distance: e.mean_final_distance, success_rate: e.success_rate };
}

/** Builds the report's numbers from the run directories and the plan. */
export function buildReport(input: ReportInput): { report: CompareReport; histories: Map<string, CurvePoint[][]> } {
  const histories = new Map<string, CurvePoint[][]>();
  const refSpec = input.methods.find((m) => m.spec.method === 'solar') ?? input.methods[0];
  const methods: MethodRecord[] = input.methods.map((m) => {
    const runs = input.runs.filter((r) => r.spec.key === m.spec.key);
    const curves: CurvePoint[][] = [];
    const warnings: string[] = [];
    const records: RunRecord[] = runs.map((r) => {
      const outcome = input.outcomes.get(r.name) ?? { status: 'failed' as const, error: 'not run' };
      const rec: RunRecord = { seed: r.seed, dir: r.name, status: outcome.status };
      if (outcome.error) rec.error = outcome.error;
      const summary = outcome.status === 'failed' ? null : readSummary(join(r.dir, 'summary.json'));
      if (!summary) return rec;
      const history = readMetrics(join(r.dir, 'metrics.jsonl'));
      curves.push(history);
      rec.steps_to_threshold = stepsToThreshold(history, input.successDistance);
      rec.final_distance = summary.mean_final_distance;
      rec.success_rate = summary.success_rate;
      rec.mean_cost = summary.mean_cost;
      rec.env_steps = summary.env_steps;
      if (history.length > 0) rec.training_env_steps = history[history.length - 1].env_steps;
      rec.iterations = history.length;
      if (typeof summary.wall_s === 'number') rec.wall_s = summary.wall_s;
      const r2 = (summary as unknown as { pretrained_model?: { r2?: Record<string, number> } }).pretrained_model?.r2;
      if (r2 && typeof r2 === 'object') rec.pretrained_r2 = r2;
      const evaluation = largestEvaluation(r.dir);
      if (evaluation) rec.evaluation = evaluation;
      if (typeof summary.pretrained_from === 'string') {
        rec.pretrained_from = pretrainedRef(summary.pretrained_from, input.outDir, input.runs);
        rec.command = input.commands.pretrained(r, rec.pretrained_from);
      }
      const cap = m.plannedSteps ?? input.budget;
      if (cap !== undefined && rec.training_env_steps !== undefined && rec.training_env_steps > cap) {
        warnings.push(`seed ${r.seed} trained on ${rec.training_env_steps} env steps, more than the ${cap} planned${input.budget !== undefined ? ` (budget ${input.budget})` : ''}`);
      }
      if (input.budget !== undefined && m.plannedSteps !== undefined && rec.training_env_steps !== undefined && rec.training_env_steps < m.plannedSteps) {
        warnings.push(`seed ${r.seed} trained on ${rec.training_env_steps} env steps, fewer than the ${m.plannedSteps} planned: another setting (e.g. agent.iterations) stopped it first`);
      }
      return rec;
    });
    histories.set(m.spec.key, curves);
    const done = records.filter((r) => r.final_distance !== undefined);
    const rec: MethodRecord = { key: m.spec.key, method: m.spec.method, obs: m.spec.obs, runs: records, finished: done.length, warnings, config: m.configs[0] };
    if (m.budgetNote) rec.budget_note = m.budgetNote;
    if (m.plannedSteps !== undefined) rec.planned_env_steps = m.plannedSteps;
    if (done.length > 0) {
      rec.steps_to_threshold_median = medianSteps(done.map((r) => r.steps_to_threshold!));
      rec.final_distance = meanStd(done.map((r) => r.final_distance!));
      rec.success_rate = meanStd(done.map((r) => r.success_rate!));
      rec.mean_cost = meanStd(done.map((r) => r.mean_cost!));
      rec.env_steps = meanStd(done.map((r) => r.env_steps!));
      const walls = done.map((r) => r.wall_s).filter((w): w is number => w !== undefined);
      if (walls.length > 0) rec.wall_s = { ...meanStd(walls), total: walls.reduce((a, b) => a + b, 0) };
    }
    if (done.length < records.length) warnings.push(`${records.length - done.length} of ${records.length} seeds did not finish; statistics are over ${done.length}`);
    return rec;
  });
  const ref = methods.find((m) => m.key === refSpec.spec.key)!;
  for (const m of methods) {
    if (m.steps_to_threshold_median && ref.steps_to_threshold_median) m.ratio_to_reference = stepsRatio(m.steps_to_threshold_median, ref.steps_to_threshold_median);
  }
  // The runs others start from, among this compare's own: their methods are compared first.
  const sourceNames = new Set(methods.flatMap((m) => m.runs.map((r) => r.pretrained_from)).filter((f) => f !== undefined));
  const sourceSpecs = input.methods.map((m) => m.spec).filter((spec) => input.runs.some((r) => r.spec.key === spec.key && sourceNames.has(r.name)));
  const report: CompareReport = {
    command: 'compare',
    command_line: input.commands.compare,
    ...(sourceSpecs.length > 0 ? { sources_command_line: input.commands.sources(sourceSpecs) } : {}),
    version: packageVersion(),
    generated_at: new Date().toISOString(),
    env: input.env,
    success_distance: input.successDistance,
    preset: input.preset,
    seeds: [...input.seeds],
    ...(input.budget !== undefined ? { budget: input.budget } : {}),
    reference: ref.key,
    ...(input.randomPolicy ? { random_policy: input.randomPolicy } : {}),
    methods,
  };
  return { report, histories };
}

/** Drops non-finite numbers (the run-directory rule: a field that does not apply is absent, never null or NaN). */
function clean(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clean);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, c] of Object.entries(v as object)) {
      if (c === undefined || (typeof c === 'number' && !Number.isFinite(c))) continue;
      out[k] = clean(c);
    }
    return out;
  }
  return v;
}

// ---------------------------------------------------------------- formatting

function num(v: number | undefined, digits = 3): string {
  if (v === undefined || !Number.isFinite(v)) return '–';
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  if (v === 0) return '0';
  if (Math.abs(v) < 1e-3) return v.toExponential(digits - 1);
  return String(Number(v.toPrecision(digits)));
}

function duration(s: number | undefined): string {
  if (s === undefined || !Number.isFinite(s)) return '–';
  if (s < 120) return `${num(s)} s`;
  if (s < 7200) return `${num(s / 60)} min`;
  return `${num(s / 3600)} h`;
}

const steps = (b: Bounded | undefined) => (b ? formatBounded(b) : '–');

function ratio(b: Bounded | undefined, isRef: boolean): string {
  if (isRef) return '1 (reference)';
  if (!b) return '–';
  if (b.bound === 'unknown') return 'n/a (neither reached)';
  return `${formatBounded(b, (v) => num(v))}×`;
}

const pm = (s: { mean: number; std: number } | undefined) => (s ? `${num(s.mean)} ± ${num(s.std)}` : '–');

/** The summary table's rows (shared by the markdown and HTML reports). */
export function tableRows(report: CompareReport): { header: string[]; rows: string[][] } {
  const header = [
    'method',
    'seeds',
    `steps to distance ≤ ${report.success_distance}, per seed`,
    'median',
    `ratio to ${report.reference}`,
    'final distance (mean ± std)',
    'success rate',
    'env steps',
    'wall time per seed',
  ];
  const rows = report.methods.map((m) => [
    m.key,
    m.finished === m.runs.length ? String(m.finished) : `${m.finished} of ${m.runs.length}`,
    m.runs.map((r) => (r.steps_to_threshold ? steps(r.steps_to_threshold) : r.status === 'failed' ? 'failed' : '–')).join(', '),
    steps(m.steps_to_threshold_median),
    ratio(m.ratio_to_reference, m.key === report.reference),
    pm(m.final_distance),
    m.success_rate ? num(m.success_rate.mean) : '–',
    m.env_steps ? num(m.env_steps.mean) : '–',
    duration(m.wall_s?.mean),
  ]);
  return { header, rows };
}

function notes(report: CompareReport): string[] {
  const out = [
    `Steps to threshold: the first environment steps (cumulative, pretraining included) at which an iteration's rollouts ended at a mean final distance ≤ ${report.success_distance} (the task's success distance); "> N": not reached within the run's N steps, a lower bound. The median keeps those bounds ("> N" when the unreached seeds could move it).`,
    `Ratio: a method's median steps to threshold over ${report.reference}'s ("> r": a lower bound, the method did not reach it; "< r": an upper bound, the reference did not).`,
    'Final distance, success rate: the final evaluation over fresh episodes (summary.json), mean ± sample std over seeds. Env steps: summary.json (training and the evaluation episodes).',
  ];
  if (report.random_policy) {
    const r = report.random_policy;
    out.push(`Random policy u ~ N(0, 0.5²) (the curves' dotted line; \`solar rollout\`'s episodes, ${r.episodes} in all): final distance ${num(r.mean_final_distance)}, cost ${num(r.mean_cost)}, success rate ${num(r.success_rate)}.`);
  }
  if (report.methods.some((m) => m.runs.some((r) => r.evaluation))) out.push('solar eval: the largest `solar eval RUN_DIR --episodes N` of a run (evaluation-N.json), the same policy on N fresh episodes.');
  return out;
}

function budgetLines(report: CompareReport): string[] {
  if (report.budget === undefined) return [];
  return report.methods.map((m) => `${m.key}: ${m.budget_note ?? 'no budget applied'}`);
}

function runRows(report: CompareReport): string[][] {
  return report.methods.flatMap((m) =>
    m.runs.map((r) => [
      r.dir,
      r.status + (r.error ? `: ${r.error.split('\n')[0]}` : ''),
      steps(r.steps_to_threshold),
      num(r.final_distance),
      num(r.success_rate),
      r.evaluation ? `${num(r.evaluation.mean_final_distance)}, ${num(r.evaluation.success_rate)} (${r.evaluation.episodes})` : '–',
      num(r.mean_cost),
      num(r.env_steps),
      duration(r.wall_s),
      r.pretrained_r2 ? Object.entries(r.pretrained_r2).map(([g, v]) => `${g} ${num(v)}`).join(', ') : '–',
    ]),
  );
}
const RUN_HEADER = ['run', 'status', 'steps to threshold', 'final distance', 'success rate', 'solar eval: final distance, success rate (episodes)', 'mean cost', 'env steps', 'wall time', 'pretrained model: held-out R²'];

const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
function mdTable(header: string[], rows: string[][]): string {
  return [`| ${header.map(mdCell).join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`)].join('\n');
}

function title(report: CompareReport): string {
  return `solar compare: ${report.methods.map((m) => m.key).join(', ')} on ${report.env}`;
}

function intro(report: CompareReport): string {
  return (
    `Task \`${report.env}\`, success distance ${report.success_distance} (from the task spec); preset \`${report.preset}\`; ` +
    `seeds ${report.seeds.join(', ')}; ${report.budget !== undefined ? `budget ${report.budget.toLocaleString('en-US')} env steps` : 'no env-step budget'}. ` +
    `solar-rl ${report.version}, ${report.generated_at}.`
  );
}

export function reportMarkdown(report: CompareReport): string {
  const { header, rows } = tableRows(report);
  const parts = [
    `# ${title(report)}`,
    '',
    intro(report),
    '',
    mdTable(header, rows),
    '',
    ...notes(report).map((n) => `- ${n}`),
    '',
    '## Commands',
    '',
    COMMANDS_NOTE,
    '',
    ...commandLines(report).map((c) => `- ${c}`),
    '',
    '## Learning curves',
    '',
    '![final distance against environment steps](distance.svg)',
    '',
    '![cost against environment steps](cost.svg)',
    '',
    'Mean over seeds of each iteration\'s rollouts, with the min–max band over seeds; environment steps on a log scale.',
  ];
  const budget = budgetLines(report);
  if (budget.length > 0) parts.push('', '## Budget', '', ...budget.map((b) => `- ${b}`));
  const warnings = report.methods.flatMap((m) => m.warnings.map((w) => `${m.key}: ${w}`));
  if (warnings.length > 0) parts.push('', '## Warnings', '', ...warnings.map((w) => `- ${w}`));
  parts.push('', '## Runs', '', mdTable(RUN_HEADER, runRows(report)), '', '## Configs', '');
  for (const m of report.methods) {
    parts.push(`<details><summary>${m.key} (seed ${report.seeds[0]}; the other seeds differ only in <code>seed</code>)</summary>`, '', '```json', JSON.stringify(m.config, null, 2), '```', '', '</details>', '');
  }
  return parts.join('\n');
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const inline = (s: string) => esc(s).replace(/`([^`]+)`/g, '<code>$1</code>');

function htmlTable(header: string[], rows: string[][]): string {
  return `<table>\n<thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>\n<tbody>\n${rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n')}\n</tbody>\n</table>`;
}

export function reportHtml(report: CompareReport, svgs: { distance: string; cost: string }): string {
  const { header, rows } = tableRows(report);
  const budget = budgetLines(report);
  const warnings = report.methods.flatMap((m) => m.warnings.map((w) => `${m.key}: ${w}`));
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${esc(title(report))}</title>`,
    '<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:14px}th{background:#f3f3f3}pre{background:#f7f7f7;padding:8px;overflow-x:auto;font-size:12px}li{margin:.3em 0}figure{margin:1em 0}</style>',
    '</head><body>',
    `<h1>${esc(title(report))}</h1>`,
    `<p>${inline(intro(report))}</p>`,
    htmlTable(header, rows),
    `<ul>${notes(report).map((n) => `<li>${inline(n)}</li>`).join('')}</ul>`,
    '<h2>Commands</h2>',
    `<p>${inline(COMMANDS_NOTE)}</p>`,
    `<ul>${commandLines(report).map((c) => `<li>${inline(c)}</li>`).join('')}</ul>`,
    '<h2>Learning curves</h2>',
    `<figure>${svgs.distance}</figure>`,
    `<figure>${svgs.cost}</figure>`,
    "<p>Mean over seeds of each iteration's rollouts, with the min–max band over seeds; environment steps on a log scale.</p>",
    ...(budget.length > 0 ? ['<h2>Budget</h2>', `<ul>${budget.map((b) => `<li>${esc(b)}</li>`).join('')}</ul>`] : []),
    ...(warnings.length > 0 ? ['<h2>Warnings</h2>', `<ul>${warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>`] : []),
    '<h2>Runs</h2>',
    htmlTable(RUN_HEADER, runRows(report)),
    '<h2>Configs</h2>',
    ...report.methods.map((m) => `<details><summary>${esc(m.key)} (seed ${report.seeds[0]}; the other seeds differ only in <code>seed</code>)</summary><pre>${esc(JSON.stringify(m.config, null, 2))}</pre></details>`),
    '</body></html>',
    '',
  ].join('\n');
}

/** Writes compare.json, report.md, report.html, distance.svg and cost.svg into `outDir` (each atomically); returns the file names. */
export function writeReport(outDir: string, report: CompareReport, histories: ReadonlyMap<string, CurvePoint[][]>): string[] {
  const curves = report.methods.map((m) => ({ label: m.key, runs: histories.get(m.key) ?? [] }));
  const svgs = {
    distance: compareCurveSvg(curves, 'mean_final_distance', {
      title: `${report.env}: final distance (mean over seeds, min–max band)`, threshold: report.success_distance,
      reference: report.random_policy && { value: report.random_policy.mean_final_distance, label: 'random policy' },
    }),
    cost: compareCurveSvg(curves, 'mean_cost', {
      title: `${report.env}: cost per episode (mean over seeds, min–max band)`,
      reference: report.random_policy && { value: report.random_policy.mean_cost, label: 'random policy' },
    }),
  };
  writeFileAtomic(join(outDir, 'compare.json'), JSON.stringify(clean(report), null, 2) + '\n');
  writeFileAtomic(join(outDir, 'distance.svg'), svgs.distance + '\n');
  writeFileAtomic(join(outDir, 'cost.svg'), svgs.cost + '\n');
  writeFileAtomic(join(outDir, 'report.md'), reportMarkdown(report) + '\n');
  writeFileAtomic(join(outDir, 'report.html'), reportHtml(report, svgs));
  return ['compare.json', 'report.md', 'report.html', 'distance.svg', 'cost.svg'];
}
