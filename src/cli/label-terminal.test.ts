import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { decodePng, encodePng } from '../run/images.js';
import type { LabelQuestion } from '../run/labels.js';
import { RunDir } from '../run/run-dir.js';
import { LabelSession, terminalLabelSource } from './label-terminal.js';

const frame = (v: number) => encodePng({ data: new Float32Array(8 * 8 * 3).fill(v), height: 8, width: 8, channels: 3 }, 16);
const question = (iteration: number, given: (boolean | null)[] = [null, null, null]): LabelQuestion => ({ task: 'nav2d-sparse', iteration, rollouts: given.map((_, n) => ({ rollout: n, seed: 100 + n, png: frame(n / 4) })), given });

describe('LabelSession', () => {
  it('labels in order, takes back the last label given, and is done only when all are labelled', () => {
    const s = new LabelSession([null, true, null]);
    expect(s.next).toBe(0);
    expect(s.key('enter')).toBe(false);
    expect(s.key('y')).toBe(true);
    expect(s.next).toBe(2);
    expect(s.key('n')).toBe(true);
    expect(s.labels).toEqual([true, true, false]);
    expect(s.key('y')).toBe(false); // all labelled: nothing to label
    expect(s.key('u')).toBe(true);
    expect(s.labels).toEqual([true, true, null]);
    expect(s.key('u')).toBe(true);
    // A label given before (a resume) is not this session's to take back.
    expect(s.key('u')).toBe(false);
    expect(s.labels).toEqual([null, true, null]);
    expect(s.key('x')).toBe(false);
    s.key('n');
    s.key('y');
    expect(s.key('enter')).toBe('done');
    expect(s.labels).toEqual([false, true, true]);
  });
});

describe('terminal labels', () => {
  it('reads lines of keys across questions, saves as it goes, writes the grid of last frames', async () => {
    const dir = RunDir.create(join(mkdtempSync(join(tmpdir(), 'solar-term-')), 'run'));
    const input = new PassThrough();
    let out = '';
    const src = terminalLabelSource(dir, { input, write: (t) => void (out += t), colour: false });
    // Both iterations' keys at once: none may be lost between the two questions.
    input.write('y\nn\nu\ny\nx\ny\n\nn\nn\nn\n\n');
    const changes: (boolean | null)[][] = [];
    expect(await src.ask(question(0), (l) => changes.push(l))).toEqual([true, true, true]);
    expect(changes).toEqual([[true, null, null], [true, false, null], [true, null, null], [true, true, null], [true, true, true]]);
    expect(await src.ask(question(1), () => {})).toEqual([false, false, false]);
    const grid = decodePng(readFileSync(dir.path('labels/iter-000.png')));
    // Three 128-px frames, each shrunk to 64 px, side by side with 1-px gaps, shown ×2.
    expect(grid.width).toBe((3 * 64 + 2) * 2);
    expect(existsSync(dir.path('labels/iter-001.png'))).toBe(true);
    expect(out).toContain('rollout 2 of 3 (seed 101): success? [y/n/u]');
    expect(out).toContain('(y, n or u)');
    src.close();
  });

  it('a question already answered in part asks only the rest; input that ends early is one error', async () => {
    const dir = RunDir.create(join(mkdtempSync(join(tmpdir(), 'solar-term-')), 'run'));
    const input = new PassThrough();
    const src = terminalLabelSource(dir, { input, write: () => {}, colour: false });
    input.end('y\n');
    await expect(src.ask(question(4, [false, null, null]), () => {})).rejects.toThrow(/input ended before every rollout of iteration 4 was labelled \(2 of 3 are saved/);
    src.close();
  });

  it('a stop request ends the question', async () => {
    const dir = RunDir.create(join(mkdtempSync(join(tmpdir(), 'solar-term-')), 'run'));
    const abort = new AbortController();
    const src = terminalLabelSource(dir, { input: new PassThrough(), write: () => {}, colour: false });
    const asked = src.ask(question(0), () => {}, abort.signal);
    abort.abort();
    await expect(asked).rejects.toThrow(/labelling stopped/);
    src.close();
  });
});
