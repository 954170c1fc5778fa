import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../nn/backend.js';
import { klWeight, MODEL_DEFAULTS, type ModelConfig } from './config.js';
import { sequencesFromEpisodes, stackFrames } from './dataset.js';
import { LatentFilter } from './filter.js';
import { decodeLatents, encodeSequence, smoothSequence } from './inference.js';
import { SolarModel } from './model.js';
import { tinyData, tinyModel } from './test-helpers.js';
import { trainStep } from './train.js';

beforeAll(async () => {
  await initBackend('cpu');
});

const data = tinyData(6, 4, [3, 3, 1], 1, 2);

describe('training', () => {
  it('klWeight: β from beta_start to 1 over the warm-up, then 1 (by hand)', () => {
    const c = { ...MODEL_DEFAULTS, beta_start: 0.01, kl_warmup_steps: 10 };
    expect(klWeight(c, 0)).toBeCloseTo(0.01, 12);
    expect(klWeight(c, 4)).toBeCloseTo(0.01 + 0.99 * 0.4, 12);
    expect(klWeight(c, 10)).toBe(1);
    expect(klWeight(c, 1000)).toBe(1);
    expect(klWeight({ ...c, kl_warmup_steps: 0 }, 0)).toBe(1);
  });

  it('warms up β, starts SVI at dynamics_start_step, and raises the bound on a small set', () => {
    const model = tinyModel({ hidden: 16, kl_warmup_steps: 10, dynamics_start_step: 10, batch_sequences: 6 });
    const ms = Array.from({ length: 60 }, () => trainStep(model, data));
    expect(ms[0].beta).toBeCloseTo(MODEL_DEFAULTS.beta_start);
    expect(ms[5].beta).toBeCloseTo(klWeight(model.config, 5));
    expect(ms[20].beta).toBe(1);
    expect(ms.slice(0, 10).every((m) => m.rho === 0)).toBe(true);
    expect(ms[10].rho).toBeGreaterThan(0);
    expect(model.sviSteps).toBe(50);
    const mean = (a: typeof ms) => a.reduce((x, m) => x + m.elbo, 0) / a.length;
    expect(mean(ms.slice(-10))).toBeGreaterThan(mean(ms.slice(10, 20)));
    model.dispose();
  });

  it('reconstructs o_t alone with a frame stack; decodeLatents returns o_t', () => {
    // With every decoder weight 0 the logits are the output bias b, so log p(o | x) is
    // Σ_pixels [o·b − softplus(b)]: at b = 0 exactly −ln 2 per decoded value, one frame per latent.
    const model = tinyModel({ frame_stack: 2, batch_sequences: 6 });
    model.decoder.params.setWeights(model.decoder.params.getWeights().map((w) => ({ ...w, values: new Float32Array(w.values.length) })));
    const L = 4, hwc = 9;
    expect(trainStep(model, data).recon).toBeCloseTo(-L * hwc * Math.LN2, 4);
    const bias = Float32Array.from({ length: hwc }, (_, i) => 0.1 * i);
    model.decoder.params.setWeights(model.decoder.params.getWeights().map((w) => ({ ...w, values: w.name === 'dec.out.b' ? bias : new Float32Array(w.values.length) })));
    const images = decodeLatents(model, [0.3, -0.2]);
    expect(images.length).toBe(hwc);
    for (let p = 0; p < hwc; p++) expect(images[p]).toBeCloseTo(1 / (1 + Math.exp(-0.1 * p)), 6);
    model.dispose();
  });

  it('is deterministic for a seed', () => {
    const a = tinyModel(), b = tinyModel();
    for (let i = 0; i < 3; i++) expect(trainStep(a, data)).toEqual(trainStep(b, data));
    a.dispose();
    b.dispose();
  });
});

describe('inference', () => {
  it('the online filter\'s last marginal equals the smoother\'s last marginal', () => {
    const model = tinyModel({ frame_stack: 2 });
    for (let i = 0; i < 3; i++) trainStep(model, data);
    const seq = data.sequences[1];
    const L = 4, hwc = 9, ds = 2;
    const f = new LatentFilter(model);
    for (let t = 0; t < L; t++) f.step(seq.images.slice(t * hwc, (t + 1) * hwc), t > 0 ? seq.actions.subarray(t - 1, t) : undefined);
    const sm = smoothSequence(model, seq.images, seq.actions);
    for (let i = 0; i < ds; i++) expect(f.mean[i]).toBeCloseTo(sm.mean[(L - 1) * ds + i], 6);
    for (let i = 0; i < ds * ds; i++) expect(f.cov[i]).toBeCloseTo(sm.cov[(L - 1) * ds * ds + i], 6);
    model.dispose();
  });

  it('stacks frames o_{t−k+1..t} along channels, repeating o_0 before the start', () => {
    const imgs = Float32Array.from([1, 2, 3]); // 3 frames of 1×1×1
    expect(Array.from(stackFrames([imgs], 3, [1, 1, 1], 2))).toEqual([1, 1, 1, 2, 2, 3]);
  });
});

describe('bad input', () => {
  it('names wrong image shapes, out-of-range pixels and mismatched data', () => {
    const model = tinyModel();
    expect(() => encodeSequence(model, new Float32Array(10))).toThrow(/not a whole number of 3×3×1 images/);
    expect(() => encodeSequence(model, new Float32Array(9).fill(Number.NaN))).toThrow(/images must be in \[0, 1\]/);
    const wrong = tinyData(2, 4, [4, 4, 1], 1, 3);
    expect(() => trainStep(model, wrong)).toThrow(/images are 4×4×1, the model expects 3×3×1/);
    expect(() => trainStep(model, tinyData(2, 5, [3, 3, 1], 1, 3))).toThrow(/5 frames, the model expects 4/);
    const ep = { observations: [new Float32Array(9), new Float32Array(8)], actions: [new Float64Array(1)], states: [], costs: [0] } as never;
    expect(() => sequencesFromEpisodes([ep], [3, 3, 1], 1)).toThrow(/episode 0 frame 1 has 8 values; the model expects 3×3×1 = 9/);
    expect(() => new LatentFilter(model).step(new Float32Array(4))).toThrow(/filter image t=0 has 4 values/);
    expect(() => new SolarModel({ ...model.config, latent_dim: 0 }, model.shape, 0)).toThrow(/model.latent_dim/);
    model.dispose();
  });
});
