/**
 * docs/config.md is what configDoc makes of the current schemas and their doc comments; with
 * UPDATE_CONFIG_DOC=1 (`npm run config-doc`) this test rewrites it instead.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { configDoc, docSourceFiles } from './config-doc.js';
import { trainDefaults } from './train-config.js';

const root = join(dirname(new URL(import.meta.url).pathname), '../..');
const docFile = join(root, 'docs/config.md');

function generate(): string {
  return configDoc(Object.fromEntries(docSourceFiles().map((f) => [f, readFileSync(join(root, f), 'utf8')])));
}

it('docs/config.md is current (npm run config-doc rewrites it)', () => {
  const doc = generate();
  if (process.env.UPDATE_CONFIG_DOC === '1') {
    writeFileSync(`${docFile}.tmp`, doc);
    renameSync(`${docFile}.tmp`, docFile);
  }
  expect(readFileSync(docFile, 'utf8'), 'docs/config.md is stale: run npm run config-doc').toBe(doc);
});

it('lists every agent key of a resolved SOLAR config with its description and the per-task values', () => {
  const doc = generate();
  const solar = doc.slice(doc.indexOf('`--method solar`'), doc.indexOf('`--method vae`'));
  const keys = Object.keys(trainDefaults({ env: 'reacher', method: 'solar', obs: 'pixels', preset: 'default', seed: 0 }).agent);
  for (const k of keys) expect(solar).toContain(`| \`agent.${k}\` |`);
  // kl_step's doc comment, its bound, default 1 and the paper preset's 2.
  expect(solar).toMatch(/\| `agent\.kl_step` \| ε = kl_step · T · step_mult[^|]*\| number > 0 \| `1` \| paper: `2` \|/);
  // rollouts: 20 by default, 40 on nav2d and the reacher (whole tasks), 8 in the quick preset.
  const rollouts = solar.split('\n').find((l) => l.startsWith('| `agent.rollouts`'))!;
  expect(rollouts).toContain('quick: `8`');
  expect(rollouts).toMatch(/reacher[^·]*`40`/);
});
