import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFingerprint, decodeCheckpoint, encodeCheckpoint, loadCheckpoint, saveCheckpoint } from './checkpoint.js';

const ckpt = {
  meta: { iteration: 3, rng: [1, 2, 3, 4, 0.5] },
  arrays: { K: Float64Array.from([1.5, -2, 1e-300]), w: Float32Array.from([0.25, 3]), idx: Int32Array.from([7, -1, 9]), flags: Uint8Array.from([1, 0, 1, 1, 1]) },
};

describe('checkpoint files', () => {
  it('round-trips meta and arrays of every dtype bit-exactly', () => {
    const back = decodeCheckpoint(encodeCheckpoint(ckpt, 'fp'), 'fp');
    expect(back.meta).toEqual(ckpt.meta);
    for (const [k, a] of Object.entries(ckpt.arrays)) {
      expect(back.arrays[k].constructor).toBe(a.constructor);
      expect(Array.from(back.arrays[k])).toEqual(Array.from(a));
    }
  });

  it('rejects a truncated file, a flipped byte, a foreign file and another config', () => {
    const bytes = encodeCheckpoint(ckpt, 'fp');
    expect(() => decodeCheckpoint(bytes.slice(0, bytes.length - 8), 'fp')).toThrow(/truncated/);
    expect(() => decodeCheckpoint(bytes.slice(0, 20), 'fp')).toThrow(/truncated/);
    const flipped = bytes.slice();
    flipped[flipped.length - 3] ^= 0xff;
    expect(() => decodeCheckpoint(flipped, 'fp')).toThrow(/checksum/);
    expect(() => decodeCheckpoint(new TextEncoder().encode('{"not": "a checkpoint"}'), 'fp')).toThrow(/not a solar checkpoint/);
    expect(() => decodeCheckpoint(bytes, 'other')).toThrow(/different config/);
  });

  it('refuses to save NaN (never a NaN policy on disk)', () => {
    expect(() => encodeCheckpoint({ meta: {}, arrays: { K: Float64Array.from([1, Number.NaN]) } }, 'fp')).toThrow(/array 'K' has a non-finite value at 1/);
  });

  it('saves atomically: a failed save keeps the previous checkpoint and leaves no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'solar-ckpt-'));
    const file = join(dir, 'latest.ckpt');
    saveCheckpoint(file, ckpt, 'fp');
    const before = readFileSync(file);
    expect(() => saveCheckpoint(file, { meta: {}, arrays: { bad: Float64Array.from([Number.POSITIVE_INFINITY]) } }, 'fp')).toThrow();
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['latest.ckpt']);
    const loaded = loadCheckpoint(file, 'fp');
    expect(loaded.meta).toEqual(ckpt.meta);
    // Loaded from a Node Buffer: each array has exactly its own length and values.
    for (const [k, a] of Object.entries(ckpt.arrays)) expect(Array.from(loaded.arrays[k])).toEqual(Array.from(a));
  });

  it('names the file when it cannot be read', () => {
    const missing = join(tmpdir(), 'no-such-dir-solar', 'x.ckpt');
    expect(existsSync(missing)).toBe(false);
    expect(() => loadCheckpoint(missing, null)).toThrow(/cannot read checkpoint '.*x.ckpt'/);
    const dir = mkdtempSync(join(tmpdir(), 'solar-ckpt-'));
    writeFileSync(join(dir, 'junk.ckpt'), 'SOLARCK1\x10\x00');
    expect(() => loadCheckpoint(join(dir, 'junk.ckpt'), null)).toThrow(/junk.ckpt/);
  });

  it('fingerprints configs independently of key order, and differently for different values', () => {
    expect(configFingerprint({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(configFingerprint({ b: { d: 'x', c: [1, 2] }, a: 1 }));
    expect(configFingerprint({ a: 1 })).not.toBe(configFingerprint({ a: 2 }));
  });
});
