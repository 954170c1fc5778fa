/**
 * solar-rl as a user gets it: `npm pack` of this repository (the built JS and types that
 * `npm ci` / `npm run build` leave in build/), installed into an empty project, where
 * examples/library.mjs (the README's library example) registers its own task, trains on it,
 * reads the run and acts with the loaded policies; a TypeScript file there type-checks against
 * the package's types, and the `solar` bin runs. Needs the npm registry for the dependencies'
 * metadata (the tarballs come from npm's cache when `npm ci` has filled it).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

const TYPED = `
import { loadPolicy, makeEnv, readRun, registerEnv, train, z, type LoadedPolicy, type RunRecord, type TaskDefinition } from 'solar-rl';

const task: TaskDefinition = { name: 'typed', params: z.object({ size: z.number().default(1) }), create: () => { throw new Error('not made'); } };
registerEnv(task);

export async function firstAction(dir: string): Promise<number> {
  const policy: LoadedPolicy = await loadPolicy(dir);
  const run: RunRecord = readRun(dir);
  const env = await makeEnv(run.config.env.name);
  const u: Float64Array = await policy.act(await env.reset(0));
  await policy.close();
  return u[0] + run.metrics.length;
}

export async function trained(): Promise<number> {
  const { summary } = await train({ env: 'nav2d', method: 'lqrflm', preset: 'quick', out: 'x' });
  return summary.mean_final_distance;
}
`;

describe('the packed package in a fresh project', () => {
  it('installs, runs the library example, type-checks and has the solar command', { timeout: 400_000 }, () => {
    if (!existsSync(join(ROOT, 'build/src/index.js'))) throw new Error('build/src/index.js is missing: npm ci (or npm run build) builds it');
    const work = mkdtempSync(join(tmpdir(), 'solar-pack-'));
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT, stdio: 'pipe' });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    expect(tarball).toMatch(/^solar-rl-\d+\.\d+\.\d+\.tgz$/);
    const project = join(work, 'project');
    execFileSync('mkdir', [project]);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true, type: 'module' }));
    execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(work, tarball!)], { cwd: project, stdio: 'pipe' });

    copyFileSync(join(ROOT, 'examples/library.mjs'), join(project, 'library.mjs'));
    const out = execFileSync('node', ['library.mjs', join(work, 'runs')], { cwd: project, encoding: 'utf8' });
    const last = JSON.parse(out.trim().split('\n').at(-1)!);
    // LQR-FLM from the state solves the slider: its evaluation and a fresh episode end at the goal.
    expect(last.lqrflm).toBeLessThan(0.05);
    expect(last.finals.lqrflm).toBeLessThan(0.05);
    expect(Number.isFinite(last.solar) && Number.isFinite(last.finals.solar)).toBe(true);
    expect(out).toMatch(/^solar: 2 iterations, final distance \d/m);

    writeFileSync(join(project, 'typed.ts'), TYPED);
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ['typed.ts'] }));
    execFileSync('node', [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', project], { cwd: project, stdio: 'pipe' });
    // …and a type error there is caught, so the check above means something.
    writeFileSync(join(project, 'typed.ts'), `${TYPED}\nexport const wrong: string = (await import('solar-rl')).loadPolicy;\n`);
    expect(() => execFileSync('node', [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', project], { cwd: project, stdio: 'pipe' })).toThrow();

    const version = execFileSync(join(project, 'node_modules/.bin/solar'), ['--version'], { encoding: 'utf8' }).trim();
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
