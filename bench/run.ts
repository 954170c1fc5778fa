/**
 * `npm run bench`: every benchmark module, one after the other (timings are per core; run it
 * on a quiet machine). `npm run bench -- envs gaussian` runs only those; `--json` prints one
 * JSON line per result instead of the table; `--json FILE` writes them all to FILE as well.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { enableRelaxedSimd } from '../src/run/wasm-features.js';
import type { BenchResult } from './types.js';

// As bin/solar.js: the kernels' relaxed-SIMD build, before any wasm compiles.
enableRelaxedSimd();

const SUITES: Record<string, () => Promise<{ run(): Promise<BenchResult[]> }>> = {
  envs: () => import('./envs.bench.js'),
  gaussian: () => import('./gaussian.bench.js'),
  nn: () => import('./nn.bench.js'),
  lqrflm: () => import('./lqrflm.bench.js'),
  solar: () => import('./solar.bench.js'),
  model: () => import('./model.bench.js'),
  'vae-step': () => import('./vae-step.bench.js'),
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const jsonAt = args.indexOf('--json');
  const json = jsonAt >= 0;
  // `--json FILE`: the argument after --json is a file unless it names a suite or an option.
  const next = json ? args[jsonAt + 1] : undefined;
  const jsonFile = next != null && !next.startsWith('--') && !(next in SUITES) ? next : null;
  const names = args.filter((a, i) => !a.startsWith('--') && !(jsonFile != null && i === jsonAt + 1));
  const selected = names.length ? names : Object.keys(SUITES);
  for (const n of selected) if (!SUITES[n]) throw new Error(`unknown benchmark '${n}'; known: ${Object.keys(SUITES).join(', ')}`);
  if (!json) console.log(`# solar benchmarks — node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores)`);
  const all: Record<string, BenchResult[]> = {};
  for (const n of selected) {
    const results = await (await SUITES[n]()).run();
    all[n] = results;
    if (json) {
      for (const r of results) console.log(JSON.stringify(r.json ?? { suite: n, name: r.name, value: r.value, unit: r.unit }));
      continue;
    }
    console.log(`\n## ${n}`);
    for (const r of results) console.log(`${r.name.padEnd(48)} ${r.value.toPrecision(4).padStart(12)} ${r.unit}`);
  }
  if (jsonFile) writeFileSync(jsonFile, JSON.stringify(all, null, 2) + '\n');
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
