/**
 * docs/config.md, generated: every setting `solar train` resolves (the task's `env.*`, each
 * method's `agent.*`, and `model.*`, `pretrain.*`, `output.*`), with its meaning (the doc
 * comment on its zod field), its allowed values (from the schema), its default and the tasks
 * and presets that use another value (from `trainDefaults`, resolved as `solar train` resolves
 * them). `src/config/config-doc.test.ts` fails when the committed file is stale;
 * `npm run config-doc` rewrites it. A development tool (it parses the sources with the
 * TypeScript compiler, a dev dependency): not part of the built package.
 */
import ts from 'typescript';
import { z } from 'zod';
import { lqrflmConfig } from '../agents/lqrflm/index.js';
import { mpcAgentConfig } from '../agents/mpc/config.js';
import { ppoConfig } from '../agents/ppo/config.js';
import { solarAgentConfig } from '../agents/solar/config.js';
import { vaeAgentConfig } from '../agents/vae/config.js';
import { envEntry, envNames } from '../envs/registry.js';
import { modelConfigSchema } from '../model/index.js';
import { resolveConfig } from './resolve-config.js';
import { PRESETS, pretrainSchema, trainConfigSchema, trainDefaults, trainOutputSchema, type MethodName, type Preset } from './train-config.js';

/** Source files (path → text) whose doc comments describe the settings, in lookup order per section. */
export type Sources = Readonly<Record<string, string>>;

/** The files each section's descriptions are read from (first match wins). */
export const DOC_SOURCES = {
  env: ['src/envs/params.ts', 'src/envs/nav2d.ts', 'src/envs/car.ts', 'src/envs/reacher/reacher.ts', 'src/envs/manipulation/push.ts', 'src/envs/manipulation/stack.ts'],
  model: ['src/model/config.ts'],
  pretrain: ['src/config/train-config.ts'],
  output: ['src/config/train-config.ts'],
  solar: ['src/agents/solar/config.ts', 'src/agents/core/config-fields.ts'],
  vae: ['src/agents/vae/config.ts', 'src/agents/core/config-fields.ts'],
  mpc: ['src/agents/mpc/config.ts', 'src/agents/core/config-fields.ts'],
  ppo: ['src/agents/ppo/config.ts'],
  lqrflm: ['src/agents/lqrflm/config.ts'],
} as const;

/** Every file DOC_SOURCES names. */
export function docSourceFiles(): string[] {
  return [...new Set(Object.values(DOC_SOURCES).flat())];
}

/** key → the doc comment of `key: z.…` in one source file (the first such field). */
function fieldComments(text: string): Map<string, string> {
  const file = ts.createSourceFile('x.ts', text, ts.ScriptTarget.ES2022, true);
  const out = new Map<string, string>();
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && /^(z\b|\w+Param\b)/.test(node.initializer.getText(file))) {
      const key = node.name.text;
      const ranges = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [];
      const doc = ranges.map((r) => text.slice(r.pos, r.end)).filter((c) => c.startsWith('/**')).pop();
      if (doc && !out.has(key)) {
        const body = doc.replace(/^\/\*\*|\*\/$/g, '').split('\n').map((l) => l.replace(/^\s*\*\s?/, '').trim()).filter((l) => l !== '').join(' ');
        out.set(key, body.replace(/\|/g, '\\|'));
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

type JsonSchema = { type?: string; enum?: unknown[]; minimum?: number; maximum?: number; exclusiveMinimum?: number; exclusiveMaximum?: number; const?: unknown; anyOf?: JsonSchema[]; items?: JsonSchema | JsonSchema[]; prefixItems?: JsonSchema[] };

/** A schema's allowed values in a few words. */
function allowed(s: JsonSchema): string {
  if (s.anyOf) return s.anyOf.map(allowed).join(' or ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(', ');
  if (s.type === 'boolean') return 'true, false';
  if (s.type === 'array') return `[${(s.prefixItems ?? []).map(allowed).join(', ')}]`;
  if (s.type === 'integer' || s.type === 'number') {
    const lo = s.exclusiveMinimum !== undefined ? `> ${s.exclusiveMinimum}` : s.minimum !== undefined && s.minimum > -Number.MAX_SAFE_INTEGER ? `≥ ${s.minimum}` : '';
    const hi = s.exclusiveMaximum !== undefined ? `< ${s.exclusiveMaximum}` : s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER ? `≤ ${s.maximum}` : '';
    return [s.type === 'integer' ? 'integer' : 'number', lo, hi].filter((x) => x !== '').join(' ');
  }
  return s.type ?? 'any';
}

const show = (v: unknown): string => (v === undefined ? '—' : `\`${JSON.stringify(v)}\``);

/** The settings of one config section for each (task, preset): key → value per combination. */
type Combo = { env: string; preset: Preset };

/**
 * "default" is the value most combinations share; the others are listed by what they have in
 * common: a whole preset ("paper"), a whole task ("reacher") or the pair ("reacher, paper").
 */
function exceptions(values: Map<string, unknown>, combos: readonly Combo[], tasks: readonly string[]): { common: unknown; others: string } {
  const byValue = new Map<string, Combo[]>();
  for (const c of combos) {
    const v = JSON.stringify(values.get(`${c.env}/${c.preset}`));
    byValue.set(v, [...(byValue.get(v) ?? []), c]);
  }
  const ranked = [...byValue.entries()].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
  const common = ranked[0][0] === undefined ? undefined : JSON.parse(ranked[0][0]);
  const parts: string[] = [];
  for (const [v, cs] of ranked.slice(1)) {
    const names: string[] = [];
    const left = new Set(cs.map((c) => `${c.env}/${c.preset}`));
    for (const p of PRESETS) {
      if (tasks.every((t) => left.has(`${t}/${p}`))) {
        names.push(p === 'default' ? 'every task' : p);
        tasks.forEach((t) => left.delete(`${t}/${p}`));
      }
    }
    for (const t of tasks) {
      if (PRESETS.every((p) => left.has(`${t}/${p}`))) {
        names.push(t);
        PRESETS.forEach((p) => left.delete(`${t}/${p}`));
      }
    }
    for (const k of left) names.push(k.replace('/', ', '));
    parts.push(`${names.join('; ')}: ${v === undefined ? '—' : `\`${v}\``}`);
  }
  return { common, others: parts.join(' · ') };
}

function table(rows: string[][]): string {
  return ['| setting | meaning | allowed | default | other tasks and presets |', '|---|---|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function section(
  title: string, prefix: string, schema: z.ZodType, comments: Map<string, string>, values: (c: Combo) => Record<string, unknown> | undefined,
  combos: readonly Combo[], tasks: readonly string[],
): string {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties: Record<string, JsonSchema> };
  const perCombo = new Map(combos.map((c) => [`${c.env}/${c.preset}`, values(c)]));
  const rows = Object.entries(json.properties).map(([key, s]) => {
    const vals = new Map([...perCombo].map(([k, v]) => [k, v?.[key]]));
    const { common, others } = exceptions(vals, combos, tasks);
    return [`\`${prefix}.${key}\``, comments.get(key) ?? '', allowed(s), show(common), others];
  });
  return `### ${title}\n\n${table(rows)}\n`;
}

/** docs/config.md from the schemas and the sources' doc comments. */
export function configDoc(sources: Sources): string {
  const comments = (files: readonly string[]): Map<string, string> => {
    const out = new Map<string, string>();
    for (const f of files) {
      if (sources[f] === undefined) throw new Error(`config doc: no source text for ${f}`);
      for (const [k, v] of fieldComments(sources[f])) if (!out.has(k)) out.set(k, v);
    }
    return out;
  };
  const tasks = envNames();
  const combos = tasks.flatMap((env) => PRESETS.map((preset) => ({ env, preset })));
  const resolved = (method: MethodName, obs: 'state' | 'pixels') => (c: Combo) =>
    resolveConfig(trainConfigSchema, { defaults: trainDefaults({ env: c.env, method, obs, preset: c.preset, seed: 0 }) as never, sets: [] }) as unknown as Record<string, Record<string, unknown> | undefined>;
  const cache = new Map<string, Record<string, Record<string, unknown> | undefined>>();
  const config = (method: MethodName, obs: 'state' | 'pixels', c: Combo) => {
    const k = `${method}/${obs}/${c.env}/${c.preset}`;
    if (!cache.has(k)) cache.set(k, resolved(method, obs)(c));
    return cache.get(k)!;
  };
  const parts: string[] = [
    '# Settings',
    '',
    'Generated from the config schemas by `npm run config-doc` (a test fails when this file is stale).',
    'Every key is set with `--set KEY=VALUE` and shows in a run\'s `config.json`. "default": the',
    'value most tasks and presets resolve to; the last column lists the others. Tasks:',
    `${tasks.map((t) => `\`${t}\``).join(', ')}; presets: ${PRESETS.map((p) => `\`${p}\``).join(', ')}.`,
    '',
    '## The task: `env.*`',
    '',
  ];
  for (const t of tasks.filter((n) => !n.endsWith('-sparse'))) {
    const one = [{ env: t, preset: 'default' as Preset }];
    // The task's own file first: tasks that share a setting's name describe it each their way.
    const own = DOC_SOURCES.env.find((f) => f.endsWith(`/${t.replace(/-.*$/, '')}.ts`));
    const files = own ? [own, ...DOC_SOURCES.env.filter((f) => f !== own)] : DOC_SOURCES.env;
    parts.push(section(`\`${t}\` (and \`${t}-sparse\`; SOLAR's runs)`, 'env', envEntry(t).params.omit({ sparse: true } as never) as z.ZodType, comments(files), (c) => config('solar', 'pixels', c).env, one, [t]));
  }
  parts.push('## SOLAR and its ablations: `model.*`, `pretrain.*`, `output.*`', '');
  parts.push(section('`model.*` (SOLAR)', 'model', modelConfigSchema, comments(DOC_SOURCES.model), (c) => config('solar', 'pixels', c).model, combos, tasks));
  parts.push(section('`pretrain.*` (SOLAR)', 'pretrain', pretrainSchema, comments(DOC_SOURCES.pretrain), (c) => config('solar', 'pixels', c).pretrain, combos, tasks));
  parts.push(section('`output.*` (every method)', 'output', trainOutputSchema, comments(DOC_SOURCES.output), (c) => config('solar', 'pixels', c).output, combos, tasks));
  parts.push('## Each method\'s `agent.*`', '');
  const methods: [MethodName, 'state' | 'pixels', z.ZodType, readonly string[], string][] = [
    ['solar', 'pixels', solarAgentConfig, DOC_SOURCES.solar, '`--method solar` (pixels)'],
    ['vae', 'pixels', vaeAgentConfig, DOC_SOURCES.vae, '`--method vae` (pixels; its `model.*` is SOLAR\'s with `prior` `normal`)'],
    ['mpc', 'pixels', mpcAgentConfig, DOC_SOURCES.mpc, '`--method mpc` (pixels; SOLAR\'s `model.*`)'],
    ['ppo', 'pixels', ppoConfig, DOC_SOURCES.ppo, '`--method ppo --obs pixels` (`--obs state`: the same keys, the MLP\'s defaults)'],
    ['lqrflm', 'state', lqrflmConfig, DOC_SOURCES.lqrflm, '`--method lqrflm` (the true state)'],
  ];
  for (const [m, obs, schema, files, title] of methods) {
    parts.push(section(title, 'agent', schema, comments(files), (c) => config(m, obs, c).agent as Record<string, unknown>, combos, tasks));
  }
  return `${parts.join('\n').trimEnd()}\n`;
}
