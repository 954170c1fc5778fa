import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compareCommandLine, pretrainedRunCommand, shellWord, sourcesCommandLine } from './compare-commands.js';
import { parseMethods, parseSets } from './compare-plan.js';

/** The words a POSIX shell makes of `line`: the independent reference for the quoting. */
const shellWords = (line: string) => execFileSync('sh', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' }).split('\0').slice(0, -1);

describe('the commands a compare report prints', () => {
  it('quotes each word so that a shell reads it back unchanged', () => {
    const words = ['plain', 'env.target=-0.1,-0.1', "it's", 'a b', '$HOME', '`x`', 'a"b', 'back\\slash', '*', 'x;y', '~/runs', ''];
    expect(shellWords(words.map(shellWord).join(' '))).toEqual(words);
    expect(shellWord('agent.kl_step=0.5')).toBe('agent.kl_step=0.5');
  });

  it('gives compare every option that decides the runs, train the pretrained run\'s own', () => {
    const opts = { env: 'stack-easy', methods: 'solar,mpc', seeds: '0..2', preset: 'quick', budget: '5000', set: ['env.target=-0.1,-0.1', 'mpc:agent.samples=64'], envModules: ['my task.js'] };
    expect(shellWords(compareCommandLine(opts))).toEqual([
      'npx', 'solar', 'compare', '--env-module', 'my task.js', '--env', 'stack-easy', '--methods', 'solar,mpc', '--seeds', '0..2',
      '--preset', 'quick', '--budget', '5000', '--set', 'env.target=-0.1,-0.1', '--set', 'mpc:agent.samples=64',
    ]);
    const spec = { method: 'mpc' as const, obs: 'pixels' as const, key: 'mpc-pixels' };
    expect(shellWords(pretrainedRunCommand(opts, spec, 2, ['env.target=-0.1,-0.1', 'agent.samples=64'], 'DIR/runs/mpc-pixels-s2', 'DIR/runs/solar-pixels-s2'))).toEqual([
      'npx', 'solar', 'train', '--env-module', 'my task.js', '--env', 'stack-easy', '--method', 'mpc', '--obs', 'pixels', '--seed', '2', '--preset', 'quick',
      '--set', 'env.target=-0.1,-0.1', '--set', 'agent.samples=64', '--pretrained-from', 'DIR/runs/solar-pixels-s2', '--out', 'DIR/runs/mpc-pixels-s2',
    ]);
    // The compare of the source methods alone keeps the sets that apply to them (a set scoped to another method would be refused).
    const specs = parseMethods(opts.methods);
    expect(shellWords(sourcesCommandLine(opts, parseSets(opts.set, specs), [specs[0]])).slice(5)).toEqual([
      '--env', 'stack-easy', '--methods', 'solar:pixels', '--seeds', '0..2', '--preset', 'quick', '--budget', '5000', '--set', 'env.target=-0.1,-0.1',
    ]);
    // The default preset is not spelled out.
    expect(compareCommandLine({ ...opts, preset: 'default', budget: undefined, set: [], envModules: [] })).toBe('npx solar compare --env stack-easy --methods solar,mpc --seeds 0..2');
  });
});
