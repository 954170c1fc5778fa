/**
 * The dependency rule of the source tree, read from the import statements of every file:
 * - a folder imports only from folders below it in LAYERS (its own files aside);
 * - no agent imports a sibling agent: what several agents share lives in `agents/core`;
 * - no file imports itself through a chain of other files (type-only imports included);
 * - below `run`, no Node-only module (the learner must run in a browser);
 * - file names are kebab-case.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Bottom to top: each may import only from those before it. */
const LAYERS = ['random', 'util', 'linalg', 'render', 'envs', 'gaussian', 'nn', 'model', 'control', 'agents', 'config', 'run', 'remote', 'report', 'web', 'cli'];
const SRC = dirname(new URL(import.meta.url).pathname);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Each file (relative to src/) with the files it imports (relative imports only). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'";]*?from\s*'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g)].map((m) => m[1] ?? m[2]);
    graph.set(relative(SRC, file), specs.map((s) => relative(SRC, normalize(join(dirname(file), s))).replace(/\.js$/, '.ts')));
  }
  return graph;
}

const graph = importGraph();
const top = (f: string): string => f.split('/')[0];
/** `agents/X` for a file of agent X, else the top folder. */
const unit = (f: string): string => (top(f) === 'agents' && f.split('/').length > 2 ? f.split('/').slice(0, 2).join('/') : top(f));

describe('source layout', () => {
  it('reads a realistic graph (the check itself sees imports)', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('model/train.ts')).toContain('model/shards.ts');
  });

  it('has every top folder in the layer list', () => {
    const folders = new Set([...graph.keys()].filter((f) => f.includes('/')).map(top));
    expect([...folders].filter((f) => !LAYERS.includes(f) && f !== 'types')).toEqual([]);
  });

  it('imports only downward: a folder from folders below it', () => {
    const bad: string[] = [];
    for (const [file, deps] of graph) {
      if (!file.includes('/')) continue;
      const from = LAYERS.indexOf(top(file));
      for (const d of deps) {
        const to = LAYERS.indexOf(top(d));
        if (to > from) bad.push(`${file} → ${d}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('uses no Node-only module below run (the learner runs in a browser)', () => {
    // Static imports only: a dynamic `await import('node:…')` behind a Node check (nn/wasm-paths.ts) never reaches a bundle.
    const nodeOnly = /(?:\bfrom|^\s*import)\s*'(node:[^']+|fs|path|os|url|worker_threads|child_process|module)'/gm;
    const bad: string[] = [];
    for (const file of graph.keys()) {
      if (!file.includes('/') || file.endsWith('.test.ts') || file.endsWith('test-helpers.ts')) continue;
      if (LAYERS.indexOf(top(file)) >= LAYERS.indexOf('run')) continue;
      for (const m of readFileSync(join(SRC, file), 'utf8').matchAll(nodeOnly)) bad.push(`${file}: ${m[1]}`);
    }
    expect(bad).toEqual([]);
  });

  it('has no agent importing a sibling agent (shared code is in agents/core)', () => {
    const bad: string[] = [];
    for (const [file, deps] of graph) {
      const a = unit(file);
      if (!a.startsWith('agents/') || a === 'agents/core') continue;
      for (const d of deps) {
        const b = unit(d);
        if (b.startsWith('agents/') && b !== a && b !== 'agents/core') bad.push(`${file} → ${d}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('has no import cycle', () => {
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const cycles: string[] = [];
    const visit = (f: string): void => {
      state.set(f, 'open');
      stack.push(f);
      for (const d of graph.get(f) ?? []) {
        if (!graph.has(d)) continue;
        if (state.get(d) === 'open') cycles.push([...stack.slice(stack.indexOf(d)), d].join(' → '));
        else if (!state.has(d)) visit(d);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of graph.keys()) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });

  it('names files in kebab-case', () => {
    const bad = [...graph.keys()].map((f) => basename(f)).filter((b) => !/^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+)*\.ts$/.test(b));
    expect(bad).toEqual([]);
  });
});
