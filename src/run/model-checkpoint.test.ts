import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeLatents, encodeSequence, expectedDynamics, getModelState, setModelState, smoothSequence, trainStep, type SolarModel,
} from '../model/index.js';
import { tinyData, tinyModel } from '../model/test-helpers.js';
import { initBackend } from '../nn/backend.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';

beforeAll(async () => {
  await initBackend('cpu');
});

const data = tinyData(5, 4, [3, 3, 1], 1, 21);
const tmp = () => mkdtempSync(join(tmpdir(), 'solar-model-ckpt-'));

function weights(model: SolarModel): number[] {
  return model.variables().flatMap((v) => Array.from(v.dataSync()));
}

function predictions(model: SolarModel) {
  const seq = data.sequences[0];
  const p = encodeSequence(model, seq.images);
  const sm = smoothSequence(model, seq.images, seq.actions);
  return { m: Array.from(p.m), s: Array.from(p.s), mean: Array.from(sm.mean), cov: Array.from(sm.cov), img: Array.from(decodeLatents(model, sm.mean)) };
}

describe('model checkpoints', () => {
  for (const prior of ['lds', 'normal'] as const) {
    it(`${prior}: a saved and loaded model gives bit-identical predictions`, () => {
      const a = tinyModel({ prior, cost_head: true });
      for (let i = 0; i < 4; i++) trainStep(a, data);
      const file = join(tmp(), 'm.ckpt');
      saveCheckpoint(file, getModelState(a), 'fp');
      const b = tinyModel({ prior, cost_head: true }, 99); // another init, overwritten by the load
      setModelState(b, loadCheckpoint(file, 'fp'));
      expect(predictions(b)).toEqual(predictions(a));
      if (prior === 'lds') expect(expectedDynamics(b)).toEqual(expectedDynamics(a));
      a.dispose();
      b.dispose();
    });
  }

  it('resuming from a checkpoint continues exactly as an uninterrupted run', () => {
    const straight = tinyModel();
    const m1 = Array.from({ length: 6 }, () => trainStep(straight, data));
    const first = tinyModel();
    for (let i = 0; i < 3; i++) trainStep(first, data);
    const file = join(tmp(), 'half.ckpt');
    saveCheckpoint(file, getModelState(first), 'fp');
    first.dispose();
    const resumed = tinyModel();
    setModelState(resumed, loadCheckpoint(file, 'fp'));
    const m2 = Array.from({ length: 3 }, () => trainStep(resumed, data));
    expect(m2).toEqual(m1.slice(3));
    expect(resumed.sviSteps).toBe(straight.sviSteps);
    expect(weights(resumed)).toEqual(weights(straight));
    expect(Array.from(resumed.posterior!.n1)).toEqual(Array.from(straight.posterior!.n1));
    straight.dispose();
    resumed.dispose();
  });

  it('refuses a checkpoint of another config, another run fingerprint, or a truncated file', () => {
    const a = tinyModel();
    trainStep(a, data);
    const file = join(tmp(), 'a.ckpt');
    saveCheckpoint(file, getModelState(a), 'fp-a');
    expect(() => loadCheckpoint(file, 'fp-b')).toThrow(/different config/);
    const other = tinyModel({ latent_dim: 3 });
    expect(() => setModelState(other, loadCheckpoint(file, 'fp-a'))).toThrow(/different model config/);
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length - 10));
    expect(() => loadCheckpoint(file, 'fp-a')).toThrow(/truncated/);
    a.dispose();
    other.dispose();
  });

  it('loads a checkpoint saved before a setting existed as that setting\'s default', () => {
    const a = tinyModel();
    trainStep(a, data);
    const state = getModelState(a);
    const { batch_shards: _, ...before } = state.meta.config;
    const b = tinyModel({ batch_shards: 1 });
    setModelState(b, { ...state, meta: { ...state.meta, config: before as typeof state.meta.config } });
    expect(weights(b)).toEqual(weights(a));
    const c = tinyModel({ batch_shards: 1, frame_stack: 2 });
    expect(() => setModelState(c, { ...state, meta: { ...state.meta, config: before as typeof state.meta.config } })).toThrow(/different model config/);
    for (const m of [a, b, c]) m.dispose();
  });
});
