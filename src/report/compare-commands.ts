/**
 * The commands a compare report prints so a reader can make it again: the `solar compare` call
 * itself, and the `solar train --pretrained-from` call of each run that started from another
 * run's pretrained model (the compare reuses such a run because its config equals the plan's,
 * but cannot make it: it trains every run from its own pretraining).
 */
import { setApplies, type MethodSpec, type ScopedSet } from './compare-plan.js';

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
