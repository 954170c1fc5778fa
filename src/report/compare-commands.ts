/**
 * The commands a compare report prints so a reader can make it again: the `solar compare` call
 * itself, and the `solar train --pretrained-from` call of each run that started from another
 * run's pretrained model (the compare reuses such a run because its config equals the plan's,
 * but cannot make it: it trains every run from its own pretraining); and their text in the report.
 */
import { basename, dirname, isAbsolute, relative } from 'node:path';
import { setApplies, type MethodSpec, type PlannedRun, type ScopedSet } from './compare-plan.js';

/** The compare options that decide its runs (compare-job's CompareOptions adds how they execute). */
export interface CommandOptions {
  env: string;
  /** "solar,vae,mpc,ppo:state,ppo:pixels". */
  methods: string;
  /** A count ("3": seeds 0, 1, 2) or a list ("1,2,5"). */
  seeds: string;
  preset: string;
  /** Env steps per run, as text (validated by compare-plan). */
  budget?: string;
  set: readonly string[];
  /** Absolute paths of the user's task modules (--env-module), loaded again in every worker thread. */
  envModules?: readonly string[];
}

/** A word as a POSIX shell reads it: bare when it holds no special character, else single-quoted. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function common(opts: CommandOptions): string[] {
  const words = ['--env', opts.env];
  for (const m of opts.envModules ?? []) words.unshift('--env-module', m);
  return words;
}

/** `npx solar compare …` with every option that decides the runs (not --out, --jobs or --force). */
export function compareCommandLine(opts: CommandOptions): string {
  const words = ['npx', 'solar', 'compare', ...common(opts), '--methods', opts.methods, '--seeds', opts.seeds];
  if (opts.preset !== 'default') words.push('--preset', opts.preset);
  if (opts.budget !== undefined) words.push('--budget', opts.budget);
  for (const s of opts.set) words.push('--set', s);
  return words.map(shellWord).join(' ');
}

/**
 * The compare of `specs` only (the methods whose runs others start from), with the `--set`s
 * that apply to them: `scoped` is compare-plan's parseSets of `opts.set`, in the same order.
 */
export function sourcesCommandLine(opts: CommandOptions, scoped: readonly ScopedSet[], specs: readonly MethodSpec[]): string {
  const set = opts.set.filter((_, i) => specs.some((spec) => setApplies(scoped[i], spec)));
  return compareCommandLine({ ...opts, methods: specs.map((x) => `${x.method}:${x.obs}`).join(','), set });
}

/**
 * `npx solar train …` that makes run `name` (relative to the compare directory) of `spec` and
 * `seed` from the pretrained model of run `from`, with the compare's preset and `sets`, the
 * assignments of the compare's `--set`s that apply to this method (compare-plan's setsFor).
 * A `--budget` is not a train option: its setting is in the run's config.json.
 */
export function pretrainedRunCommand(opts: CommandOptions, spec: MethodSpec, seed: number, sets: readonly string[], name: string, from: string): string {
  const words = ['npx', 'solar', 'train', ...common(opts), '--method', spec.method, '--obs', spec.obs, '--seed', String(seed)];
  if (opts.preset !== 'default') words.push('--preset', opts.preset);
  for (const s of sets) words.push('--set', s);
  words.push('--pretrained-from', from, '--out', name);
  return words.map(shellWord).join(' ');
}

/**
 * summary.json's `pretrained_from` as the report shows it: relative to the compare directory
 * when inside it; `runs/NAME` when it names a run of this compare by another path (the
 * directory was moved or copied since); else as recorded.
 */
export function pretrainedRef(recorded: string, outDir: string, runs: readonly Pick<PlannedRun, 'name'>[]): string {
  const rel = relative(outDir, recorded);
  if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) return rel.split('\\').join('/');
  const name = `runs/${basename(recorded)}`;
  return basename(dirname(recorded)) === 'runs' && runs.some((r) => r.name === name) ? name : recorded;
}

export const COMMANDS_NOTE = 'What makes this report again, DIR standing for its directory:';

/** What of a compare report its commands section reads (compare-report's CompareReport has it). */
export interface ReportCommands {
  command_line: string;
  sources_command_line?: string;
  methods: readonly { runs: readonly { dir: string; pretrained_from?: string; command?: string }[] }[];
}

/** The commands that make a report, in order, DIR standing for its directory. */
export function commandLines(report: ReportCommands): string[] {
  const runs = report.methods.flatMap((m) => m.runs.filter((r) => r.command));
  const out: string[] = [];
  if (report.sources_command_line) out.push(`First the runs the others start from: \`${report.sources_command_line}\``);
  for (const r of runs) out.push(`${out.length > 0 ? 'Then ' : ''}${r.dir}, from ${r.pretrained_from}'s pretrained model: \`${r.command}\``);
  out.push(`${out.length > 0 ? 'Then the whole compare' : 'The compare'} (finished runs are reused, the others trained or resumed): \`${report.command_line}\``);
  return out;
}
