/** Own file: needs a process where the wasm backend has not started yet (vitest forks per file). */
import { expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { backendInfo, initBackend } from './backend.js';

it("'auto' falls back to cpu, recording why, when the wasm binaries cannot be loaded; 'wasm' then fails loudly", async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const error = vi.spyOn(console, 'error').mockImplementation(() => {});
  try {
    expect(await initBackend('auto', { wasmPath: '/nonexistent/solar-wasm/' })).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(backendInfo()).toMatchObject({ name: 'cpu', requested: 'auto' });
    expect(backendInfo()?.fallbackReason).toMatch(/wasm/);
    await expect(initBackend('wasm')).rejects.toThrow(/wasm/);
  } finally {
    warn.mockRestore();
    error.mockRestore();
  }
});
