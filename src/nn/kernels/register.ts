/**
 * Installs solar's wasm kernels into the tfjs kernel registry, once. The conv kernels have no
 * setupFunc and only call other registered wasm kernels; the matmul wrappers keep the
 * original's setupFunc (the engine runs it when the backend starts; if it already started, it
 * ran for the original). So registering before or after the wasm backend starts is fine.
 */
import * as tf from '@tensorflow/tfjs';
// The wasm backend registers its own kernels on import; we wrap some of them, so import it first.
import '@tensorflow/tfjs-backend-wasm';
import { conv2DBackpropFilterConfig } from './Conv2DBackpropFilter.js';
import { conv2DBackpropInputConfig } from './Conv2DBackpropInput.js';
import { transposeFreeMatMul } from './BatchMatMul.js';

const OURS: tf.KernelConfig[] = [conv2DBackpropFilterConfig, conv2DBackpropInputConfig];

/** Wrappers around the wasm backend's own matmul kernels, made once from the originals. */
let matMulWrappers: tf.KernelConfig[] | undefined;

function wrapMatMuls(): tf.KernelConfig[] {
  if (matMulWrappers == null) {
    matMulWrappers = [];
    for (const name of ['BatchMatMul', '_FusedMatMul']) {
      const original = tf.getKernel(name, 'wasm');
      // Absent would mean the wasm backend was not imported; nothing to wrap then.
      if (original != null) matMulWrappers.push(transposeFreeMatMul(original));
    }
  }
  return matMulWrappers;
}

/** Registers (replacing any existing registration) solar's wasm kernels. Idempotent. */
export function registerWasmKernels(): void {
  for (const config of [...OURS, ...wrapMatMuls()]) {
    const existing = tf.getKernel(config.kernelName, config.backendName);
    if (existing === config) continue;
    // unregister first: registerKernel would warn about (and then silently replace) a duplicate.
    if (existing != null) tf.unregisterKernel(config.kernelName, config.backendName);
    tf.registerKernel(config);
  }
}

/** Whether `registerWasmKernels` is in effect (all our kernels are the registered ones). */
export function wasmKernelsRegistered(): boolean {
  return [...OURS, ...wrapMatMuls()].every((c) => tf.getKernel(c.kernelName, c.backendName) === c);
}
