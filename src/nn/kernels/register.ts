/**
 * Installs solar's wasm kernels into the tfjs kernel registry, once. They have no setupFunc
 * and only call other registered wasm kernels, so registering before or after the wasm
 * backend initialises is equally fine.
 */
import * as tf from '@tensorflow/tfjs';
import { conv2DBackpropFilterConfig } from './Conv2DBackpropFilter.js';
import { conv2DBackpropInputConfig } from './Conv2DBackpropInput.js';

const OURS: tf.KernelConfig[] = [conv2DBackpropFilterConfig, conv2DBackpropInputConfig];

/** Registers (replacing any existing registration) solar's wasm kernels. Idempotent. */
export function registerWasmKernels(): void {
  for (const config of OURS) {
    const existing = tf.getKernel(config.kernelName, config.backendName);
    if (existing === config) continue;
    // unregister first: registerKernel would warn about (and then silently replace) a duplicate.
    if (existing != null) tf.unregisterKernel(config.kernelName, config.backendName);
    tf.registerKernel(config);
  }
}

/** Whether `registerWasmKernels` is in effect (all our kernels are the registered ones). */
export function wasmKernelsRegistered(): boolean {
  return OURS.every((c) => tf.getKernel(c.kernelName, c.backendName) === c);
}
