/**
 * What `solar compare` will do, decided before anything runs: the method specs and seeds,
 * each (method, seed)'s fully resolved train config (preset, `--set` overrides, the env-step
 * budget) and what to do with its run directory (run, reuse, resume, restart) — so that bad
 * input and a run in the way are errors before an hour of training starts.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeEnv } from '../envs/registry.js';
import { canonicalJson, configDifferences } from '../config/config-diff.js';
import { parseAssignment } from '../config/overrides.js';
import { resolveConfig } from '../config/resolve-config.js';
import { canResume } from '../run/train-job.js';
import { readSavedConfig } from '../run/saved-config.js';
import { METHODS, PRESETS, trainConfigSchema, trainDefaults, withNewDefaults, type MethodName, type Preset, type TrainConfig } from '../config/train-config.js';

export type Obs = 'state' | 'pixels';

export interface MethodSpec {
  method: MethodName;
  obs: Obs;
  /** `<method>-<obs>`: the runs' directory prefix and the report's row name. */
  key: string;
}

/** "solar,ppo:state,ppo:pixels" → specs; an obs defaults to the method's first. */
export function parseMethods(text: string): MethodSpec[] {
  const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) throw new Error(`--methods needs at least one method (known: ${Object.keys(METHODS).join(', ')})`);
  const out: MethodSpec[] = [];
  for (const item of items) {
    const [name, obsText, ...rest] = item.split(':');
    if (!(name in METHODS)) throw new Error(`unknown method '${name}' in --methods; known methods: ${Object.keys(METHODS).join(', ')}`);
    const method = name as MethodName;
    const allowed: readonly string[] = METHODS[method].obs;
    if (rest.length > 0 || (obsText !== undefined && !allowed.includes(obsText))) {
      throw new Error(`method '${method}' runs on ${allowed.join(' or ')} observations; '${item}' is not one of ${allowed.map((o) => `${method}:${o}`).join(', ')}`);
    }
    const obs = (obsText ?? allowed[0]) as Obs;
    const key = `${method}-${obs}`;
    if (out.some((s) => s.key === key)) throw new Error(`--methods lists ${method} (${obs}) twice`);
    out.push({ method, obs, key });
  }
  return out;
}

/** "3" → seeds 0, 1, 2; "1,2,5" → those seeds; "4..6" → 4, 5, 6 (a range, also inside a list; "1..1": seed 1 alone). */
export function parseSeeds(text: string): number[] {
  const t = text.trim();
  const bad = () => new Error(`--seeds must be a number of seeds (at least 1), a comma-separated list of integer seeds or a range a..b, got '${text}'`);
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    if (n < 1) throw new Error(`--seeds must be a number of seeds (at least 1) or a comma-separated list of seeds, got '${text}'`);
    if (n > 1000) throw new Error(`--seeds ${n} is more seeds than anyone can run; give at most 1000`);
    return Array.from({ length: n }, (_, i) => i);
  }
  const parts = t.split(',').map((s) => s.trim());
  const seeds: number[] = [];
  for (const p of parts) {
    const range = /^(-?\d+)\.\.(-?\d+)$/.exec(p);
    if (range) {
      const [a, b] = [Number(range[1]), Number(range[2])];
      if (b < a) throw new Error(`--seeds range '${p}' ends before it starts`);
      if (b - a >= 1000) throw new Error(`--seeds range '${p}' is more seeds than anyone can run; give at most 1000`);
      for (let s = a; s <= b; s++) seeds.push(s);
    } else if (/^-?\d+$/.test(p)) seeds.push(Number(p));
    else throw bad();
  }
  // A lone number is a count (above); a list needs two seeds or a range.
  if (parts.length < 2 && !parts[0].includes('..')) throw bad();
  if (new Set(seeds).size !== seeds.length) throw new Error(`--seeds lists a seed twice: '${text}'`);
  return seeds;
}

/** A positive whole number of environment steps ("20000", "2e4", "20_000"). */
export function parseBudget(text: string): number {
  const v = Number(text.replace(/_/g, ''));
  if (text.trim() === '' || !Number.isInteger(v) || v < 1) throw new Error(`--budget must be a positive whole number of environment steps, got '${text}'`);
  return v;
}

/** `--set` arguments, each for every method or scoped to one: "lqrflm:agent.kl_step=0.5", "ppo:pixels:agent.lr=1e-4". */
export interface ScopedSet {
  scope: string | null;
  assignment: string;
}

/** Whether a `--set` applies to `spec`: unscoped, or scoped to its method or method:obs. */
export function setApplies(set: Pick<ScopedSet, 'scope'>, spec: MethodSpec): boolean {
  return set.scope === null || set.scope === spec.method || set.scope === `${spec.method}:${spec.obs}`;
}

export function parseSets(sets: readonly string[], specs: readonly MethodSpec[]): ScopedSet[] {
  return sets.map((arg) => {
    const eq = arg.indexOf('=');
    const head = eq < 0 ? arg : arg.slice(0, eq);
    const colon = head.lastIndexOf(':');
    if (colon < 0) return { scope: null, assignment: arg };
    const scope = head.slice(0, colon);
    if (!specs.some((s) => setApplies({ scope }, s))) {
      throw new Error(`--set '${arg}' is scoped to '${scope}', which is not among --methods (${specs.map((s) => `${s.method}:${s.obs}`).join(', ')})`);
    }
    return { scope, assignment: arg.slice(colon + 1) };
  });
}

/** The assignments of the `--set`s that apply to `spec` (setApplies). */
export function setsFor(spec: MethodSpec, sets: readonly ScopedSet[]): string[] {
  return sets.filter((s) => setApplies(s, spec)).map((s) => s.assignment);
}

/** What the task says: success distance and horizon (from `makeEnv(name).spec`). */
export interface TaskFacts {
  successDistance: number;
  horizon: number;
}

const factsCache = new Map<string, TaskFacts>();

export async function taskFacts(env: TrainConfig['env']): Promise<TaskFacts> {
  const { name, ...params } = env;
  const cacheKey = canonicalJson(env);
  const hit = factsCache.get(cacheKey);
  if (hit) return hit;
  const e = await makeEnv(name, { ...params, render: false });
  try {
    const facts = { successDistance: e.spec.successDistance, horizon: e.spec.horizon };
    factsCache.set(cacheKey, facts);
    return facts;
  } finally {
    e.close();
  }
}

export interface ResolvedMethod {
  spec: MethodSpec;
  /** One config per seed, in seed order. */
  configs: TrainConfig[];
  /** How `--budget` was applied to this method, or why it was not. */
  budgetNote: string | null;
  /** Env steps the budget allows this method's config (pretraining + iterations), when computed. */
  plannedSteps?: number;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * The configs of one method for every seed: train defaults for (env, method, obs, preset,
 * seed), then the `--set` overrides that apply to it, then the budget — `agent.total_steps`
 * when the method has it (PPO), else `agent.iterations` computed from the env steps of
 * pretraining and of one iteration (`agent.rollouts` × horizon), else a note that the method
 * ignores it. An explicit `--set` of that key wins over the budget (and the note says so).
 */
export async function resolveMethod(p: { env: string; spec: MethodSpec; preset: string; seeds: readonly number[]; sets: readonly ScopedSet[]; budget?: number }): Promise<ResolvedMethod> {
  if (!PRESETS.includes(p.preset as Preset)) throw new Error(`unknown preset '${p.preset}'; known presets: ${PRESETS.join(', ')}`);
  const sets = setsFor(p.spec, p.sets);
  const resolveSeed = (seed: number, extra: string[]) => {
    const defaults = trainDefaults({ env: p.env, method: p.spec.method, obs: p.spec.obs, preset: p.preset as Preset, seed });
    try {
      return resolveConfig(trainConfigSchema, { defaults: defaults as Parameters<typeof resolveConfig>[1]['defaults'], sets: [...sets, ...extra] });
    } catch (e) {
      throw new Error(`${p.spec.method} (${p.spec.obs}): ${(e as Error).message}`);
    }
  };
  const seed0 = p.seeds[0];
  const base = resolveSeed(seed0, []);
  let extra: string[] = [];
  let budgetNote: string | null = null;
  let plannedSteps: number | undefined;
  if (p.budget !== undefined) {
    const userKeys = sets.map((a) => parseAssignment(a).path.join('.'));
    const agent = base.agent;
    // An explicit --set of the key the budget would set wins (e.g. a larger PPO budget).
    const explicit = (key: string) => userKeys.includes(key);
    if ('total_steps' in agent && explicit('agent.total_steps')) {
      budgetNote = `agent.total_steps = ${agent.total_steps} from --set, not the budget`;
      plannedSteps = num(agent.total_steps) ?? undefined;
    } else if ('total_steps' in agent) {
      extra = [`agent.total_steps=${p.budget}`];
      plannedSteps = p.budget;
      budgetNote = `agent.total_steps = ${p.budget}`;
    } else if (num(agent.iterations) !== null && num(agent.rollouts) !== null) {
      const { horizon } = await taskFacts(base.env);
      const perIteration = num(agent.rollouts)! * horizon;
      const pretrain = base.pretrain ? base.pretrain.rollouts * horizon : 0;
      const account = `${pretrain > 0 ? `pretraining ${base.pretrain!.rollouts} × ${horizon} + ` : ''}iterations × ${agent.rollouts} rollouts × ${horizon}`;
      let iterations: number;
      if (explicit('agent.iterations')) {
        iterations = num(agent.iterations)!;
      } else {
        iterations = Math.floor((p.budget - pretrain) / perIteration);
        if (iterations < 1) {
          throw new Error(`--budget ${p.budget} is too small for ${p.spec.method} (${p.spec.obs}): ${account} needs at least ${pretrain + perIteration} env steps for one iteration`);
        }
        extra = [`agent.iterations=${iterations}`];
      }
      plannedSteps = pretrain + iterations * perIteration;
      budgetNote = `agent.iterations = ${iterations}${extra.length === 0 ? ' from --set, not the budget' : ''} (${account} = ${plannedSteps.toLocaleString('en-US')} env steps)`;
    } else {
      budgetNote = `ignores --budget: its config has neither agent.total_steps nor agent.iterations and agent.rollouts`;
    }
  }
  const configs = p.seeds.map((seed) => (seed === seed0 && extra.length === 0 ? base : resolveSeed(seed, extra)));
  return { spec: p.spec, configs, budgetNote, plannedSteps };
}

/** run: fresh directory; restart: clear the directory first; resume: continue from its checkpoint; reuse: finished. */
export type RunAction = 'run' | 'restart' | 'resume' | 'reuse';

export interface PlannedRun {
  spec: MethodSpec;
  seed: number;
  config: TrainConfig;
  /** Absolute path of the run directory. */
  dir: string;
  /** `runs/<method>-<obs>-s<seed>`, relative to the compare directory. */
  name: string;
  action: RunAction;
  /** Why (for restart and resume). */
  reason?: string;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** A summary.json the report can use: an object with the contract's numeric fields. */
export function readSummary(file: string): Record<string, number> | null {
  const s = readJson(file) as Record<string, unknown> | undefined;
  if (!s || typeof s !== 'object') return null;
  for (const k of ['mean_final_distance', 'success_rate', 'mean_cost', 'env_steps']) if (typeof s[k] !== 'number') return null;
  return s as Record<string, number>;
}

/**
 * What to do with the run directory of `config` at `dir`: reuse a finished run whose
 * config.json equals `config` (the package version aside); resume an unfinished one of a
 * resumable method with a checkpoint, restart other unfinished ones; a directory holding a
 * different run is an error naming the differences unless `force`.
 */
export function planRun(dir: string, config: TrainConfig, opts: { force?: boolean; display: string }): { action: RunAction; reason?: string; config?: TrainConfig } {
  if (!existsSync(dir)) return { action: 'run' };
  if (!statSync(dir).isDirectory()) throw new Error(`'${opts.display}' is in the way: it is a file, not a run directory`);
  const entries = readdirSync(dir);
  if (entries.length === 0) return { action: 'run' };
  if (!entries.includes('config.json')) throw new Error(`'${opts.display}' is in the way: a non-empty directory without config.json (not a run directory); move it away`);
  let asSaved: Record<string, unknown>;
  try {
    asSaved = readSavedConfig(join(dir, 'config.json'), `'${opts.display}'`);
  } catch (e) {
    // Unreadable, or made with a setting solar no longer has: not a run this compare can reuse.
    const why = (e as Error).message;
    if (opts.force) return { action: 'restart', reason: `--force: replacing it (${why.split('\n')[0]})` };
    throw new Error(`${why}\npass --force to replace it, or choose another --out`);
  }
  const savedConfig = withNewDefaults(asSaved);
  const now = JSON.parse(JSON.stringify(config)) as unknown;
  if (canonicalJson(savedConfig) !== canonicalJson(now)) {
    const why = `its config differs:\n  ${configDifferences(savedConfig, now).join('\n  ')}`;
    if (opts.force) return { action: 'restart', reason: `--force: replacing it (${why.split('\n')[0]})` };
    throw new Error(`'${opts.display}' holds a different run: ${why}\npass --force to replace it, or choose another --out`);
  }
  if (readSummary(join(dir, 'summary.json'))) return { action: 'reuse' };
  // Resume with the config as saved: its checkpoints are fingerprinted with it.
  // The checkpoints a resume starts from, latest first (the latent methods save pretraining too).
  const ckpt = canResume(config.method) ? ['latest.ckpt', 'pretrained.ckpt', 'pretraining.ckpt'].find((f) => existsSync(join(dir, 'checkpoints', f))) : undefined;
  if (ckpt) return { action: 'resume', reason: `unfinished, resuming from checkpoints/${ckpt}`, config: trainConfigSchema.parse(asSaved) };
  return { action: 'restart', reason: 'unfinished, no checkpoint to resume from: starting again' };
}

export function runName(spec: MethodSpec, seed: number): string {
  return `runs/${spec.key}-s${seed}`;
}

export function planRuns(outDir: string, methods: readonly ResolvedMethod[], seeds: readonly number[], force: boolean): PlannedRun[] {
  const out: PlannedRun[] = [];
  for (const m of methods) {
    seeds.forEach((seed, i) => {
      const name = runName(m.spec, seed);
      const dir = resolve(outDir, name);
      const config = m.configs[i];
      out.push({ spec: m.spec, seed, config, dir, name, ...planRun(dir, config, { force, display: join(outDir, name) }) });
    });
  }
  return out;
}
